/*
 * Exact Fisher-Jenks natural breaks as optimal 1-D k-means: the dynamic
 * programme of Ckmeans.1d.dp (Wang & Song, R Journal 3/2, 2011) over the
 * sorted distinct values weighted by their multiplicity, with each row
 * filled by divide and conquer over the monotone split point (Groenlund et
 * al., "Fast exact k-means, k-medians and Bregman divergence clustering in
 * 1D", 2017), so O(k m log m) for m distinct values instead of O(k m^2).
 * The caller (classify.c) sorts, deduplicates and turns starts into breaks.
 */
#include <math.h>

#include "classify/classify_int.h"

/* Prefix sums of weight, weighted value and weighted square, the values
 * shifted by a middle value first: sums of squares far from zero would
 * cancel catastrophically in S2 - S1^2/W. */
typedef struct sums {
    long double *w, *s1, *s2;
} sums;

/* Within-class sum of squared deviations of x[i..j] (inclusive). */
static double ssq(const sums *p, size_t i, size_t j)
{
    long double w = p->w[j + 1] - p->w[i];
    long double s1 = p->s1[j + 1] - p->s1[i];
    long double s2 = p->s2[j + 1] - p->s2[i];
    long double d = s2 - s1 * s1 / w;

    return d > 0 ? (double)d : 0.0; /* rounding may dip below zero */
}

/* One row of the programme: cur[j] = min over i of prev[i-1] + ssq(i, j),
 * the last class starting at i, for j in [lo, hi], knowing the best i lies
 * in [ilo, ihi].  'first' is the smallest start a class of this row may
 * have (one value for each class before it). */
typedef struct row {
    const sums *p;
    const double *prev;
    double *cur;
    size_t *arg;
    size_t first;
} row;

static void fill_row(const row *r, size_t lo, size_t hi, size_t ilo, size_t ihi)
{
    size_t mid, i, best, top;
    double bestcost, c;

    if (lo > hi)
        return;
    mid = lo + (hi - lo) / 2;
    i = ilo > r->first ? ilo : r->first;
    top = ihi < mid ? ihi : mid;
    best = i;
    bestcost = INFINITY;
    for (; i <= top; i++) {
        c = r->prev[i - 1] + ssq(r->p, i, mid);
        /* strict '<' keeps the leftmost optimum, which is monotone in j */
        if (c < bestcost) {
            bestcost = c;
            best = i;
        }
    }
    r->cur[mid] = bestcost;
    r->arg[mid] = best;
    if (mid > lo)
        fill_row(r, lo, mid - 1, ilo, best);
    fill_row(r, mid + 1, hi, best, ihi);
}

nm_status nmK_jenks_starts(const double *x, const double *w, size_t m, int k, size_t *start)
{
    nm_status rc = NM_NOMEM;
    sums p = {NULL, NULL, NULL};
    double *prev = NULL, *cur = NULL, *tmp;
    size_t *arg = NULL, j, n;
    long double shift, d;
    int q;

    p.w = nm_malloc((m + 1) * sizeof *p.w);
    p.s1 = nm_malloc((m + 1) * sizeof *p.s1);
    p.s2 = nm_malloc((m + 1) * sizeof *p.s2);
    prev = nm_malloc(m * sizeof *prev);
    cur = nm_malloc(m * sizeof *cur);
    arg = nm_malloc((size_t)k * m * sizeof *arg);
    if (!p.w || !p.s1 || !p.s2 || !prev || !cur || !arg)
        goto cleanup;

    shift = x[m / 2];
    p.w[0] = p.s1[0] = p.s2[0] = 0;
    for (j = 0; j < m; j++) {
        d = x[j] - shift;
        p.w[j + 1] = p.w[j] + w[j];
        p.s1[j + 1] = p.s1[j] + w[j] * d;
        p.s2[j + 1] = p.s2[j] + w[j] * d * d;
    }

    for (j = 0; j < m; j++) {
        prev[j] = ssq(&p, 0, j);
        arg[j] = 0;
    }
    for (q = 1; q < k; q++) {
        row r;

        r.p = &p;
        r.prev = prev;
        r.cur = cur;
        r.arg = arg + (size_t)q * m;
        r.first = (size_t)q;
        /* fewer than q+1 values cannot make q+1 classes: leave them unset */
        for (j = 0; j < (size_t)q; j++) {
            cur[j] = INFINITY;
            r.arg[j] = 0;
        }
        fill_row(&r, (size_t)q, m - 1, (size_t)q, m - 1);
        tmp = prev;
        prev = cur;
        cur = tmp;
    }

    /* walk back from the last value: each class starts where its row says */
    n = m;
    for (q = k - 1; q >= 0; q--) {
        start[q] = arg[(size_t)q * m + (n - 1)];
        n = start[q];
    }
    start[0] = 0;
    rc = NM_OK;

cleanup:
    nm_free(p.w);
    nm_free(p.s1);
    nm_free(p.s2);
    nm_free(prev);
    nm_free(cur);
    nm_free(arg);
    return rc;
}
