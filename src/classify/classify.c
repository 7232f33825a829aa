/*
 * Class breaks: parses method specs, computes quantile, equal-interval,
 * Fisher-Jenks (via jenks.c), fixed and national decile/quintile classes,
 * orders them so the worst class is last (darkest), counts members and
 * writes legend labels.  Palettes live in palette.c; the store and drawing
 * are other modules' business.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify_int.h"

struct nm_classes {
    nm_classify_method method;
    int k;
    int polarity; /* +1: class index follows ascending values; -1: reversed */
    int ntile;    /* deciles 10, quintiles 5, else 0 */
    long national_n;
    int asked;        /* classes asked for */
    long tie_n;       /* merged quantiles: the most repeated value's count */
    double tie_value;
    int percent;      /* labels in % */
    int dec;          /* decimals of the labels */
    int bounded;      /* outer classes bounded by the possible range */
    double dom_lo, dom_hi;
    /* range methods: a value v sits at ascending position p when
     * breaks[p-1] <= v < breaks[p] */
    double breaks[NM_CLASSES_MAX - 1];
    double lower[NM_CLASSES_MAX]; /* by class index */
    double upper[NM_CLASSES_MAX];
    long members[NM_CLASSES_MAX];
    long missing;
    char *labels[NM_CLASSES_MAX];
};

/* ---- parsing ------------------------------------------------------------ */

static const struct {
    const char *name;
    nm_classify_method method;
} methods[] = {
    {"quantile", NM_CLASSIFY_QUANTILE}, {"equal", NM_CLASSIFY_EQUAL},
    {"jenks", NM_CLASSIFY_JENKS},       {"breaks", NM_CLASSIFY_BREAKS},
    {"deciles", NM_CLASSIFY_DECILES},   {"quintiles", NM_CLASSIFY_QUINTILES},
};

static const char unknown_method[] = "unknown method; use quantile:N, equal:N, jenks:N, "
                                     "breaks:A,B,..., deciles or quintiles";

/* Sets a usage error that quotes the spec, cut short. */
static nm_status spec_fail(nm_ctx *ctx, const char *text, const char *why)
{
    nmC_buf q = {0};

    nmC_buf_add_quoted(&q, text, 60);
    nmC_fail(ctx, NM_USAGE, "classification %s: %s", q.data ? q.data : "", why);
    nmC_buf_free(&q);
    return NM_USAGE;
}

static nm_status parse_breaks(nm_ctx *ctx, const char *text, const char *arg, nm_classify_spec *out)
{
    nm_status rc = NM_OK;
    char *copy = nm_strdup(arg), *piece, *comma;
    double v;

    if (!copy)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    out->nbreaks = 0;
    for (piece = copy;; piece = comma + 1) {
        comma = strchr(piece, ',');
        if (comma)
            *comma = '\0';
        if (!nmC_parse_double(piece, &v)) {
            rc = spec_fail(ctx, text, "breaks must be numbers separated by commas");
            goto cleanup;
        }
        if (out->nbreaks == NM_CLASSES_MAX - 1) {
            rc = spec_fail(ctx, text, "too many breaks (at most 31)");
            goto cleanup;
        }
        if (out->nbreaks > 0 && !(v > out->breaks[out->nbreaks - 1])) {
            rc = spec_fail(ctx, text, "breaks must be strictly increasing");
            goto cleanup;
        }
        out->breaks[out->nbreaks++] = v;
        if (!comma)
            break;
    }

cleanup:
    nm_free(copy);
    return rc;
}

nm_status nm_classify_parse(nm_ctx *ctx, const char *text, nm_classify_spec *out)
{
    char name[16];
    const char *colon, *arg;
    size_t len, i;
    long v;

    nmC_clear(ctx);
    memset(out, 0, sizeof *out);
    if (!text)
        return nmC_fail(ctx, NM_USAGE, "classification: no method given");
    colon = strchr(text, ':');
    len = colon ? (size_t)(colon - text) : strlen(text);
    arg = colon ? colon + 1 : NULL;
    if (len >= sizeof name)
        return spec_fail(ctx, text, unknown_method);
    memcpy(name, text, len);
    name[len] = '\0';
    for (i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (nmC_strieq(name, methods[i].name))
            break;
    if (i == sizeof methods / sizeof methods[0]) {
        nmC_buf why = {0};
        nmC_near near;
        nm_status rc;
        nmC_near_init(&near, name);
        for (i = 0; i < sizeof methods / sizeof methods[0]; i++)
            nmC_near_offer(&near, methods[i].name, NULL);
        nmC_buf_addf(&why, "%s", unknown_method);
        nmC_near_add_to(&near, &why);
        rc = spec_fail(ctx, text, why.data ? why.data : unknown_method);
        nmC_buf_free(&why);
        return rc;
    }
    out->method = methods[i].method;

    switch (out->method) {
    case NM_CLASSIFY_QUANTILE:
    case NM_CLASSIFY_EQUAL:
    case NM_CLASSIFY_JENKS:
        if (!arg)
            return spec_fail(ctx, text, "give the number of classes, e.g. \"jenks:5\"");
        if (!nmC_parse_long(arg, 1, NM_CLASSES_MAX, &v))
            return spec_fail(ctx, text,
                             "the number of classes must be a whole number from 1 to 32");
        out->nclasses = (int)v;
        return NM_OK;
    case NM_CLASSIFY_BREAKS:
        if (!arg)
            return spec_fail(ctx, text, "give the breaks, e.g. \"breaks:10,20,30\"");
        out->nclasses = 0;
        if (parse_breaks(ctx, text, arg, out) != NM_OK)
            return nm_errcode(ctx);
        out->nclasses = out->nbreaks + 1;
        return NM_OK;
    case NM_CLASSIFY_DECILES:
    case NM_CLASSIFY_QUINTILES:
        out->nclasses = out->method == NM_CLASSIFY_DECILES ? 10 : 5;
        if (arg && !nmC_parse_long(arg, 1, 1000000000L, &v))
            return spec_fail(ctx, text,
                             "after the colon give the national number of ranked "
                             "areas, e.g. \"deciles:32844\"");
        out->national_n = arg ? v : 0;
        return NM_OK;
    }
    return spec_fail(ctx, text, "unknown method");
}

/* ---- number formatting -------------------------------------------------- */

/* Appends v with 'dec' decimals and thousands separators ("32,844",
 * "1,234.5"); never "-0.0". */
static void add_number(nmC_buf *b, double v, int dec)
{
    char tmp[64];
    const char *digits, *dot;
    size_t nint, i;

    snprintf(tmp, sizeof tmp, "%.*f", dec, v);
    digits = tmp;
    if (*digits == '-') {
        if (strspn(digits + 1, "0.") != strlen(digits + 1))
            nmC_buf_add(b, "-", 1);
        digits++;
    }
    dot = strchr(digits, '.');
    nint = dot ? (size_t)(dot - digits) : strlen(digits);
    for (i = 0; i < nint; i++) {
        if (i > 0 && (nint - i) % 3 == 0)
            nmC_buf_add(b, ",", 1);
        nmC_buf_add(b, digits + i, 1);
    }
    if (dot)
        nmC_buf_add(b, dot, strlen(dot));
}

/* True when v has at most 'dec' decimals (within rounding noise). */
static int exact_at(double v, int dec)
{
    double t = v * pow(10.0, dec);
    /* rounding noise of a double is ~1e-16 of the value; at 1e-6, any
       value of 10 or more looked exact at 5 decimals (t >= 1e6), so a
       computed mean was labelled "26.30264" */
    return fabs(t - nearbyint(t)) <= 1e-12 * fmax(1.0, fabs(t));
}

/* The decimals the data are given to (0..6), or -1 when some value needs
 * more: computed rates and means have no fixed precision. */
static int data_decimals(const double *sorted, size_t n, double scale)
{
    int dec = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        while (dec <= 6 && !exact_at(sorted[i] * scale, dec))
            dec++;
        if (dec > 6)
            return -1;
    }
    return dec;
}

/* A break as shown at 'dec' decimals.  Rounded UP when the data have that
 * precision: then a value reaches the break exactly when it reaches the
 * label, so "10.1 to under 20.4" never misplaces a value given to 1 dp. */
static double shown(double v, int dec, int round_up)
{
    double f = pow(10.0, dec), t = v * f;

    if (fabs(t - nearbyint(t)) <= 1e-6 * fmax(1.0, fabs(t)))
        return nearbyint(t) / f;
    return (round_up ? ceil(t) : nearbyint(t)) / f;
}

/* ---- labels ------------------------------------------------------------- */

/* How the range labels are written for one classification. */
typedef struct labeller {
    const nm_classes *c;
    int dec;         /* decimals shown */
    int round_up;    /* breaks rounded up to the data's precision */
    int whole;       /* integer data: inclusive ranges "1 to 3,284" */
    int open_ends;   /* fixed breaks: "up to", "and over" at the ends */
    double min, max; /* the data's range, as shown */
    double scale;    /* 100 for percentages */
    const char *unit; /* "%" or "" after each number */
} labeller;

static void add_shown(nmC_buf *b, const labeller *l, double v, int dec)
{
    add_number(b, v, dec);
    nmC_buf_add(b, l->unit, strlen(l->unit));
}

/* The lowest and highest member of the class at ascending position p,
 * from the sorted data; 0 when the class is empty. */
static int members_range(const nm_classes *c, const double *x, size_t n, int p, double *lo,
                         double *hi)
{
    int got = 0;

    for (size_t i = 0; i < n; i++) {
        int cls = nm_classes_of(c, x[i]), at = c->polarity > 0 ? cls : c->k - 1 - cls;
        if (at != p)
            continue;
        if (!got)
            *lo = x[i];
        *hi = x[i];
        got = 1;
    }
    return got;
}

/* Text of the class at ascending position p (k classes, breaks between). */
static char *range_label(const labeller *l, int p)
{
    const nm_classes *c = l->c;
    int k = c->k;
    double lo = p > 0 ? shown(c->breaks[p - 1] * l->scale, l->dec, l->round_up) : l->min;
    double hi = p < k - 1 ? shown(c->breaks[p] * l->scale, l->dec, l->round_up) : l->max;
    nmC_buf b = {0};

    if (c->bounded) {
        /* fixed breaks within the possible range: both ends are known */
        if (p == 0)
            lo = shown(c->dom_lo * l->scale, l->dec, 0);
        if (p == k - 1)
            hi = shown(c->dom_hi * l->scale, l->dec, 0);
        add_shown(&b, l, lo, l->dec);
        nmC_buf_add(&b, p == k - 1 ? " to " : " to under ", p == k - 1 ? 4 : 10);
        add_shown(&b, l, hi, l->dec);
    } else if (l->unit[0] && k > 1) {
        if (p == 0)
            nmC_buf_add(&b, "under ", 6);
        if (p > 0)
            add_shown(&b, l, lo, l->dec);
        if (p > 0 && p < k - 1)
            nmC_buf_add(&b, " to under ", 10);
        if (p < k - 1)
            add_shown(&b, l, hi, l->dec);
        else
            nmC_buf_add(&b, " and over", 9);
    } else if (l->whole) {
        /* integer data: [lo, hi) holds lo .. hi-1, the last class holds max */
        if (p < k - 1)
            hi -= 1;
        if (lo == hi && (!l->open_ends || (p > 0 && p < k - 1))) {
            add_number(&b, lo, 0);
        } else if (k == 1 || (!l->open_ends) || (p > 0 && p < k - 1)) {
            add_number(&b, lo, 0);
            nmC_buf_add(&b, " to ", 4);
            add_number(&b, hi, 0);
        } else if (p == 0) {
            nmC_buf_add(&b, "up to ", 6);
            add_number(&b, hi, 0);
        } else {
            add_number(&b, lo, 0);
            nmC_buf_add(&b, " and over", 9);
        }
    } else if (k == 1) {
        add_number(&b, lo, l->dec);
        nmC_buf_add(&b, " to ", 4);
        add_number(&b, hi, l->dec);
    } else if (p == 0) {
        nmC_buf_add(&b, "under ", 6);
        add_number(&b, hi, l->dec);
    } else if (p == k - 1) {
        add_number(&b, lo, l->dec);
        nmC_buf_add(&b, " and over", 9);
    } else {
        add_number(&b, lo, l->dec);
        nmC_buf_add(&b, " to under ", 10);
        add_number(&b, hi, l->dec);
    }
    if (b.failed) {
        nmC_buf_free(&b);
        return NULL;
    }
    return nmC_buf_take(&b);
}

/* Chooses decimals and style from the data (sorted, n > 0) and breaks. */
static void choose_style(labeller *l, const nm_classes *c, const double *sorted, size_t n)
{
    double scale = c->percent ? 100 : 1;
    int dec = data_decimals(sorted, n, scale), p;

    l->c = c;
    l->scale = scale;
    l->unit = c->percent ? "%" : "";
    l->min = sorted[0] * scale;
    l->max = sorted[n - 1] * scale;
    l->open_ends = c->method == NM_CLASSIFY_BREAKS;
    l->whole = dec == 0 && !c->percent;
    l->round_up = dec >= 0;
    if (dec == 0 && c->percent) {
        l->dec = 0;
        return;
    }
    if (l->whole) {
        l->dec = 0;
        /* an integer class range can come out empty (breaks 3.2 and 3.7
         * both hold only 4 and up): fall back to the continuous style */
        for (p = 1; p < c->k - 1; p++)
            if (ceil(c->breaks[p]) == ceil(c->breaks[p - 1]))
                l->whole = 0;
        if (!l->whole)
            l->dec = 1;
        return;
    }
    if (dec > 0) {
        l->dec = dec;
        return;
    }
    /* no fixed precision: the fewest decimals (1..6) that keep breaks apart */
    for (l->dec = 1; l->dec < 6; l->dec++) {
        for (p = 1; p < c->k - 1; p++)
            if (shown(c->breaks[p] * scale, l->dec, 0) == shown(c->breaks[p - 1] * scale, l->dec, 0))
                break;
        if (p >= c->k - 1)
            break;
    }
}

static const char *ntile_note(int ntile, int d)
{
    if (d == 1)
        return ntile == 10 ? " (most deprived 10%)" : " (most deprived 20%)";
    if (d == ntile)
        return ntile == 10 ? " (least deprived 10%)" : " (least deprived 20%)";
    return "";
}

static nm_status make_labels(nm_ctx *ctx, nm_classes *c, const double *sorted, size_t n)
{
    labeller l;
    nmC_buf b;
    int i, p;

    if (c->ntile) {
        for (i = 0; i < c->k; i++) {
            int d = c->k - i; /* class index 9 is decile 1 */
            memset(&b, 0, sizeof b);
            nmC_buf_addf(&b, "%d%s", d, ntile_note(c->ntile, d));
            if (b.failed) {
                nmC_buf_free(&b);
                return nmC_fail(ctx, NM_NOMEM, "out of memory");
            }
            c->labels[i] = nmC_buf_take(&b);
        }
        return NM_OK;
    }
    choose_style(&l, c, sorted, n);
    c->dec = l.dec;
    for (p = 0; p < c->k; p++) {
        double lo, hi;
        i = c->polarity > 0 ? p : c->k - 1 - p;
        /* a class of one value only says that value: five wards at 0 are
           "0", not "0 to 320" */
        if (c->method == NM_CLASSIFY_QUANTILE && c->k > 1 &&
            members_range(c, sorted, n, p, &lo, &hi) &&
            lo == hi) {
            memset(&b, 0, sizeof b);
            int dec = l.whole ? 0 : data_decimals(&lo, 1, l.scale);
            add_shown(&b, &l, lo * l.scale, dec < 0 ? l.dec : dec);
            c->labels[i] = b.failed ? (nmC_buf_free(&b), NULL) : nmC_buf_take(&b);
        } else {
            c->labels[i] = range_label(&l, p);
        }
        if (!c->labels[i])
            return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    return NM_OK;
}

/* ---- classifying a value ------------------------------------------------ */

/* The decile (or quintile) number of a value, 1 = most deprived; 0 when the
 * value is no valid rank or decile. */
static int ntile_of(const nm_classes *c, double v)
{
    long r;

    if (!(v >= 1) || v != floor(v))
        return 0;
    if (c->national_n > 0) {
        if (v > (double)c->national_n)
            return 0;
        r = (long)v;
        /* ceil(rank * q / N) in integers, as MHCLG assigns deciles */
        return (int)((r * (long long)c->ntile + c->national_n - 1) / c->national_n);
    }
    if (v > 10)
        return 0;
    return c->ntile == 10 ? (int)v : ((int)v + 1) / 2;
}

int nm_classes_of(const nm_classes *c, double value)
{
    int lo, hi, mid;

    if (!c || isnan(value))
        return -1;
    if (c->ntile) {
        int d = ntile_of(c, value);
        return d ? c->k - d : -1;
    }
    /* ascending position = number of breaks at or below the value */
    lo = 0;
    hi = c->k - 1;
    while (lo < hi) {
        mid = (lo + hi) / 2;
        if (value >= c->breaks[mid])
            lo = mid + 1;
        else
            hi = mid;
    }
    return c->polarity > 0 ? lo : c->k - 1 - lo;
}

/* ---- methods ------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile breaks: see the rule at nm_classify() in classify.h. */
static void quantile_breaks(nm_ctx *ctx, nm_classes *c, const double *x, size_t n, int k)
{
    size_t s;
    int j;

    c->k = 1;
    for (j = 1; j < k; j++) {
        s = (size_t)j * n / (size_t)k;
        /* a break on the minimum or on the previous break makes an empty
         * class: the tied values all went up, so merge */
        if (x[s] == x[0] || (c->k > 1 && x[s] == c->breaks[c->k - 2]))
            continue;
        c->breaks[c->k - 1] = x[s];
        c->k++;
    }
    if (c->k < k) {
        /* the run of equal values that swallowed the breaks */
        size_t i, run = 1;
        c->tie_n = 1;
        c->tie_value = x[0];
        for (i = 1; i < n; i++) {
            run = x[i] == x[i - 1] ? run + 1 : 1;
            if ((long)run > c->tie_n) {
                c->tie_n = (long)run;
                c->tie_value = x[i];
            }
        }
    }
    if (c->k < k)
        nmC_log(ctx, NM_LOG_WARN,
               "quantile:%d gives %d classes: tied values may not be split between classes", k,
               c->k);
}

static nm_status jenks_breaks(nm_ctx *ctx, nm_classes *c, const double *x, size_t n, size_t m,
                              int k)
{
    nm_status rc = NM_NOMEM;
    double *xs = nm_malloc(m * sizeof *xs), *w = nm_malloc(m * sizeof *w);
    size_t start[NM_CLASSES_MAX], i, d = 0;
    int j;

    if (!xs || !w) {
        nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        if (i == 0 || x[i] != x[i - 1]) {
            xs[d] = x[i];
            w[d++] = 0;
        }
        w[d - 1] += 1;
    }
    rc = nmK_jenks_starts(xs, w, m, k, start);
    if (rc != NM_OK) {
        nmC_fail(ctx, rc, "out of memory");
        goto cleanup;
    }
    c->k = k;
    for (j = 1; j < k; j++)
        c->breaks[j - 1] = xs[start[j]];

cleanup:
    nm_free(xs);
    nm_free(w);
    return rc;
}

/* Copies the finite values, sorted; counts NaN as missing. */
static nm_status gather(nm_ctx *ctx, const double *values, size_t n, double **out, size_t *nout,
                        long *missing)
{
    double *x = nm_malloc((n ? n : 1) * sizeof *x);
    size_t i, m = 0;

    *out = NULL;
    *missing = 0;
    if (!x)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        if (isnan(values[i])) {
            (*missing)++;
        } else if (!isfinite(values[i])) {
            nm_free(x);
            return nmC_fail(ctx, NM_BADDATA, "value %zu is infinite", i + 1);
        } else {
            x[m++] = values[i];
        }
    }
    qsort(x, m, sizeof *x, cmp_double);
    *out = x;
    *nout = m;
    return NM_OK;
}

static size_t count_distinct(const double *x, size_t n)
{
    size_t i, d = n ? 1 : 0;

    for (i = 1; i < n; i++)
        d += x[i] != x[i - 1];
    return d;
}

/* Breaks of the range methods, ascending, into c->breaks and c->k. */
static nm_status range_breaks(nm_ctx *ctx, nm_classes *c, const nm_classify_spec *spec,
                              const double *x, size_t n)
{
    size_t distinct = count_distinct(x, n);
    int k = spec->nclasses, j;

    if (spec->method == NM_CLASSIFY_BREAKS) {
        if (spec->nbreaks < 0 || spec->nbreaks > NM_CLASSES_MAX - 1)
            return nmC_fail(ctx, NM_USAGE, "classification: %d breaks; 0 to %d allowed",
                           spec->nbreaks, NM_CLASSES_MAX - 1);
        for (j = 1; j < spec->nbreaks; j++)
            if (!(spec->breaks[j] > spec->breaks[j - 1]))
                return nmC_fail(ctx, NM_USAGE, "classification: breaks must be strictly increasing");
        c->k = 1;
        for (j = 0; j < spec->nbreaks; j++)
            if (!spec->bounded || (spec->breaks[j] > spec->lo && spec->breaks[j] < spec->hi))
                c->breaks[c->k++ - 1] = spec->breaks[j];
        return NM_OK;
    }
    if (k < 1 || k > NM_CLASSES_MAX)
        return nmC_fail(ctx, NM_USAGE, "classification: %d classes asked; 1 to %d allowed", k,
                       NM_CLASSES_MAX);
    if ((size_t)k > distinct)
        return nmC_fail(ctx, NM_USAGE,
                       "classification: %d classes asked but the data have only %zu distinct "
                       "value%s",
                       k, distinct, distinct == 1 ? "" : "s");
    switch (spec->method) {
    case NM_CLASSIFY_QUANTILE: quantile_breaks(ctx, c, x, n, k); return NM_OK;
    case NM_CLASSIFY_EQUAL:
        c->k = k;
        for (j = 1; j < k; j++)
            c->breaks[j - 1] = x[0] + (x[n - 1] - x[0]) * j / k;
        return NM_OK;
    case NM_CLASSIFY_JENKS: return jenks_breaks(ctx, c, x, n, distinct, k);
    default: return nmC_fail(ctx, NM_USAGE, "classification: unknown method %d", (int)spec->method);
    }
}

/* Bounds by class index: breaks inside, data range (or infinity) outside. */
static void range_bounds(nm_classes *c, const double *x, size_t n)
{
    int p, i;
    int fixed = c->method == NM_CLASSIFY_BREAKS;

    for (p = 0; p < c->k; p++) {
        i = c->polarity > 0 ? p : c->k - 1 - p;
        c->lower[i] = p > 0 ? c->breaks[p - 1] : c->bounded ? c->dom_lo : fixed ? -INFINITY : x[0];
        c->upper[i] = p < c->k - 1 ? c->breaks[p] : c->bounded ? c->dom_hi : fixed ? INFINITY : x[n - 1];
    }
}

static nm_status ntile_setup(nm_ctx *ctx, nm_classes *c, const nm_classify_spec *spec,
                             const double *values, size_t n)
{
    size_t i;
    int d;
    long q;

    c->ntile = spec->method == NM_CLASSIFY_DECILES ? 10 : 5;
    c->k = c->ntile;
    c->national_n = spec->national_n;
    if (spec->national_n < 0)
        return nmC_fail(ctx, NM_USAGE, "classification: national total %ld is negative",
                       spec->national_n);
    for (i = 0; i < n; i++)
        if (!isnan(values[i]) && !ntile_of(c, values[i])) {
            if (c->national_n > 0)
                return nmC_fail(ctx, NM_BADDATA,
                               "value %zu (%g) is not a national rank from 1 to %ld", i + 1,
                               values[i], c->national_n);
            return nmC_fail(ctx, NM_BADDATA, "value %zu (%g) is not a decile from 1 to 10", i + 1,
                           values[i]);
        }
    for (d = 1; d <= c->k; d++) {
        q = c->k;
        if (c->national_n > 0) {
            /* decile d holds ranks floor((d-1)N/q)+1 .. floor(dN/q) */
            c->lower[c->k - d] = (double)((d - 1) * (long long)c->national_n / q + 1);
            c->upper[c->k - d] = (double)(d * (long long)c->national_n / q + 1);
        } else {
            c->lower[c->k - d] = c->ntile == 10 ? d : 2 * d - 1;
            c->upper[c->k - d] = c->ntile == 10 ? d + 1 : 2 * d + 1;
        }
    }
    return NM_OK;
}

nm_status nm_classify(nm_ctx *ctx, const double *values, size_t n, const nm_classify_spec *spec,
                      int polarity, nm_classes **out)
{
    nm_status rc;
    nm_classes *c = NULL;
    double *x = NULL;
    size_t m = 0, i;
    int cls;

    nmC_clear(ctx);
    *out = NULL;
    c = nm_calloc(1, sizeof *c);
    if (!c) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    c->method = spec->method;
    c->polarity = polarity;
    c->asked = spec->method == NM_CLASSIFY_BREAKS ? spec->nbreaks + 1 : spec->nclasses;
    c->percent = spec->percent;
    c->bounded = spec->bounded && spec->method == NM_CLASSIFY_BREAKS && spec->lo < spec->hi;
    c->dom_lo = spec->lo;
    c->dom_hi = spec->hi;
    rc = gather(ctx, values, n, &x, &m, &c->missing);
    if (rc != NM_OK)
        goto cleanup;
    if (m == 0) {
        rc = nmC_fail(ctx, NM_USAGE, "classification: no values to classify (%zu missing)", n);
        goto cleanup;
    }
    if (spec->method == NM_CLASSIFY_DECILES || spec->method == NM_CLASSIFY_QUINTILES) {
        rc = ntile_setup(ctx, c, spec, values, n);
        if (rc != NM_OK)
            goto cleanup;
    } else {
        if (polarity != 1 && polarity != -1) {
            rc = nmC_fail(ctx, NM_USAGE, "classification: polarity %d; use +1 or -1", polarity);
            goto cleanup;
        }
        rc = range_breaks(ctx, c, spec, x, m);
        if (rc != NM_OK)
            goto cleanup;
        range_bounds(c, x, m);
    }
    for (i = 0; i < m; i++) {
        cls = nm_classes_of(c, x[i]);
        c->members[cls]++;
    }
    rc = make_labels(ctx, c, x, m);
    if (rc != NM_OK)
        goto cleanup;
    *out = c;
    c = NULL;

cleanup:
    nm_classes_free(c);
    nm_free(x);
    return rc;
}

void nm_classes_free(nm_classes *c)
{
    int i;

    if (!c)
        return;
    for (i = 0; i < NM_CLASSES_MAX; i++)
        nm_free(c->labels[i]);
    nm_free(c);
}

int nm_classes_count(const nm_classes *c)
{
    return c ? c->k : 0;
}

double nm_classes_lower(const nm_classes *c, int i)
{
    return c && i >= 0 && i < c->k ? c->lower[i] : NAN;
}

double nm_classes_upper(const nm_classes *c, int i)
{
    return c && i >= 0 && i < c->k ? c->upper[i] : NAN;
}

nm_status nm_classes_relabel(nm_ctx *ctx, nm_classes *c, int i, const char *label)
{
    char *copy;

    if (!c || i < 0 || i >= c->k)
        return nmC_fail(ctx, NM_USAGE, "no class %d to relabel", i);
    if (!(copy = nm_strdup(label)))
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    nm_free(c->labels[i]);
    c->labels[i] = copy;
    return NM_OK;
}

const char *nm_classes_label(const nm_classes *c, int i)
{
    return c && i >= 0 && i < c->k ? c->labels[i] : NULL;
}

long nm_classes_members(const nm_classes *c, int i)
{
    return c && i >= 0 && i < c->k ? c->members[i] : -1;
}

long nm_classes_missing(const nm_classes *c)
{
    return c ? c->missing : 0;
}

int nm_classes_asked(const nm_classes *c)
{
    return c ? (c->ntile ? c->k : c->asked) : 0;
}

long nm_classes_tie(const nm_classes *c, double *value)
{
    if (value)
        *value = c && c->tie_n ? c->tie_value : NAN;
    return c ? c->tie_n : 0;
}

void nm_classes_format(const nm_classes *c, double v, char *out, size_t size)
{
    double scale = c && c->percent ? 100 : 1, x = v * scale;
    int dec = data_decimals(&x, 1, 1);
    nmC_buf b = {0};

    add_number(&b, x, dec < 0 ? (c ? c->dec : 1) : dec);
    if (c && c->percent)
        nmC_buf_add(&b, "%", 1);
    nmC_strlcpy(out, b.data && !b.failed ? b.data : "", size);
    nmC_buf_free(&b);
}
