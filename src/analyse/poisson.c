/*
 * Confidence intervals for counts of events.  The exact interval of a
 * Poisson count (Garwood 1936) is a pair of chi-square quantiles, i.e.
 * gamma quantiles, found here by inverting the regularised incomplete gamma
 * function numerically; Byar's closed form is kept beside it as a
 * cross-check (it agrees to well under 1% from a count of 10 up).
 */
#include <float.h>
#include <math.h>

#include "analyse/count_int.h"

/* Series for P(a, x), good for x < a + 1. */
static double gamma_series(double a, double x)
{
    double ap = a, sum = 1.0 / a, del = sum;
    int i;

    for (i = 0; i < 100000; i++) {
        ap += 1.0;
        del *= x / ap;
        sum += del;
        if (fabs(del) < fabs(sum) * 1e-16)
            break;
    }
    return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Continued fraction for Q(a, x) = 1 - P(a, x), good for x >= a + 1
 * (modified Lentz). */
static double gamma_cfrac(double a, double x)
{
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    int i;

    for (i = 1; i < 100000; i++) {
        double an = -i * (i - a), del;
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16)
            break;
    }
    return exp(-x + a * log(x) - lgamma(a)) * h;
}

double nmA_gamma_p(double a, double x)
{
    if (x <= 0)
        return 0.0;
    if (x < a + 1.0)
        return gamma_series(a, x);
    return 1.0 - gamma_cfrac(a, x);
}

double nmA_gamma_p_inv(double a, double p)
{
    double lo = 0.0, hi = a > 1 ? a : 1.0, x;
    int i;

    if (p <= 0)
        return 0.0;
    /* bracket: P is increasing in x */
    while (nmA_gamma_p(a, hi) < p && hi < 1e300)
        hi *= 2.0;
    x = 0.5 * (lo + hi);
    for (i = 0; i < 400; i++) {
        double f = nmA_gamma_p(a, x) - p, dens, next;
        if (f < 0)
            lo = x;
        else
            hi = x;
        /* density of Gamma(a, 1) at x, for a Newton step */
        dens = exp((a - 1.0) * log(x) - x - lgamma(a));
        next = dens > 0 ? x - f / dens : -1.0;
        /* take the Newton step only inside the bracket, else bisect */
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        if (fabs(next - x) <= 1e-14 * fmax(1.0, x) || hi - lo <= 1e-14 * fmax(1e-300, x)) {
            x = next;
            break;
        }
        x = next;
    }
    return x;
}

void nm_poisson_ci_exact(long k, double conf, double *lo, double *hi)
{
    double alpha = 1.0 - conf;

    *lo = k > 0 ? nmA_gamma_p_inv((double)k, alpha / 2.0) : 0.0;
    *hi = nmA_gamma_p_inv((double)k + 1.0, 1.0 - alpha / 2.0);
}

void nmA_poisson_ci_byar(long k, double *lo, double *hi)
{
    const double z = 1.959963984540054;
    double kk = (double)k, k1 = kk + 1.0;

    if (k > 0)
        *lo = kk * pow(1.0 - 1.0 / (9.0 * kk) - z / (3.0 * sqrt(kk)), 3);
    else
        *lo = 0.0;
    *hi = k1 * pow(1.0 - 1.0 / (9.0 * k1) + z / (3.0 * sqrt(k1)), 3);
}
