/*
 * Unit tests of the classify module: every method's breaks, members and
 * labels against values worked out by hand, Fisher-Jenks against published
 * examples and a brute-force search, national deciles against MHCLG's rule,
 * polarity, missing values, spec errors and the ColorBrewer palettes.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "needsmap/classify.h"
#include "nm_int.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ------------------------------------------------------------- */

static nm_classes *classify_ok(nm_ctx *ctx, const double *v, size_t n, const char *spec,
                               int polarity)
{
    nm_classify_spec s;
    nm_classes *c = NULL;

    assert_int_equal(nm_classify_parse(ctx, spec, &s), NM_OK);
    if (nm_classify(ctx, v, n, &s, polarity, &c) != NM_OK)
        fail_msg("%s: %s", spec, nm_errmsg(ctx));
    assert_non_null(c);
    return c;
}

static nm_status classify_rc(nm_ctx *ctx, const double *v, size_t n, const char *spec, int polarity)
{
    nm_classify_spec s;
    nm_classes *c = NULL;
    nm_status rc;

    assert_int_equal(nm_classify_parse(ctx, spec, &s), NM_OK);
    rc = nm_classify(ctx, v, n, &s, polarity, &c);
    if (rc != NM_OK)
        assert_null(c);
    nm_classes_free(c);
    return rc;
}

/* A small reproducible generator (xorshift64*), so failures can be replayed
 * from the seed alone. */
static uint64_t rng_state;

static double rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static char last_warning[512];

static void capture_log(void *user, nm_level level, const char *message)
{
    (void)user;
    if (level == NM_LOG_WARN)
        nmC_strlcpy(last_warning, message, sizeof last_warning);
}

/* ---- quantile ------------------------------------------------------------ */

static void test_quantile_plain(void **state)
{
    double v[] = {8, 3, 5, 1, 7, 2, 6, 4};
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *c;
    int i;
    (void)state;

    /* 8 values into 4: two a class, breaks at x[2]=3, x[4]=5, x[6]=7 */
    c = classify_ok(ctx, v, LEN(v), "quantile:4", 1);
    assert_int_equal(nm_classes_count(c), 4);
    for (i = 0; i < 4; i++)
        assert_int_equal(nm_classes_members(c, i), 2);
    assert_true(nm_classes_lower(c, 1) == 3 && nm_classes_upper(c, 1) == 5);
    assert_true(nm_classes_lower(c, 0) == 1 && nm_classes_upper(c, 3) == 8);
    assert_string_equal(nm_classes_label(c, 0), "1 to 2");
    assert_string_equal(nm_classes_label(c, 3), "7 to 8");
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

static void test_quantile_ties(void **state)
{
    double v[] = {1, 1, 1, 1, 2, 3, 4, 5};
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *c;
    (void)state;

    nm_ctx_set_log(ctx, capture_log, NULL, NM_LOG_WARN);
    last_warning[0] = '\0';
    /* positions 2,4,6 give breaks 1 (the minimum: dropped), 2 and 4; the
     * four 1s stay together in the first class */
    c = classify_ok(ctx, v, LEN(v), "quantile:4", 1);
    assert_int_equal(nm_classes_count(c), 3);
    assert_int_equal(nm_classes_members(c, 0), 4);
    assert_int_equal(nm_classes_members(c, 1), 2);
    assert_int_equal(nm_classes_members(c, 2), 2);
    assert_true(nm_classes_lower(c, 1) == 2 && nm_classes_upper(c, 1) == 4);
    assert_int_equal(nm_classes_of(c, 1), 0);
    assert_int_equal(nm_classes_of(c, 3), 1);
    assert_int_equal(nm_classes_of(c, 4), 2);
    assert_string_equal(nm_classes_label(c, 0), "1");
    assert_string_equal(nm_classes_label(c, 1), "2 to 3");
    assert_string_equal(nm_classes_label(c, 2), "4 to 5");
    assert_non_null(strstr(last_warning, "quantile:4 gives 3 classes"));
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

/* Many areas at 0 (issue 12): quantile:5 gives 3 classes; the class of
 * zeros says "0", not "0 to 320", and the tie is reported for the
 * subtitle. */
static void test_quantile_tied_zeros(void **state)
{
    double v[20] = {0}, tie = -1;
    double rest[] = {321, 400, 500, 600, 700, 800, 900, 1000};
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *c;
    (void)state;

    memcpy(v + 12, rest, sizeof rest);
    c = classify_ok(ctx, v, LEN(v), "quantile:5", 1);
    assert_int_equal(nm_classes_count(c), 3);
    assert_int_equal(nm_classes_asked(c), 5);
    assert_int_equal(nm_classes_members(c, 0), 12);
    assert_string_equal(nm_classes_label(c, 0), "0");
    assert_string_equal(nm_classes_label(c, 1), "321 to 699");
    assert_int_equal(nm_classes_tie(c, &tie), 12);
    assert_true(tie == 0);
    nm_classes_free(c);
    /* no tie reported when every class asked for is drawn */
    c = classify_ok(ctx, rest, LEN(rest), "quantile:4", 1);
    assert_int_equal(nm_classes_count(c), 4);
    assert_int_equal(nm_classes_tie(c, NULL), 0);
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

/* Fixed breaks on shares clipped to 0..1 (issue 12): no "under 0" class,
 * no "1 and over"; a share of 1 is in the top class; labels in %. */
static void test_fixed_breaks_bounded_shares(void **state)
{
    double v[] = {0, 0.1, 0.25, 0.5, 0.8, 1.0};
    nm_ctx *ctx = nm_ctx_new();
    nm_classify_spec s;
    nm_classes *c = NULL;
    char text[48];
    (void)state;

    assert_int_equal(nm_classify_parse(ctx, "breaks:0,0.25,0.5,0.75,1", &s), NM_OK);
    s.percent = s.bounded = 1;
    s.lo = 0;
    s.hi = 1;
    assert_int_equal(nm_classify(ctx, v, LEN(v), &s, 1, &c), NM_OK);
    assert_int_equal(nm_classes_count(c), 4);
    assert_int_equal(nm_classes_asked(c), 6);
    assert_string_equal(nm_classes_label(c, 0), "0% to under 25%");
    assert_string_equal(nm_classes_label(c, 1), "25% to under 50%");
    assert_string_equal(nm_classes_label(c, 3), "75% to 100%");
    assert_int_equal(nm_classes_members(c, 0), 2);
    assert_int_equal(nm_classes_members(c, 3), 2);
    assert_int_equal(nm_classes_of(c, 1.0), 3);
    assert_true(nm_classes_lower(c, 0) == 0 && nm_classes_upper(c, 3) == 1);
    nm_classes_format(c, 0.125, text, sizeof text);
    assert_string_equal(text, "12.5%");
    nm_classes_free(c);
    /* unbounded, the same breaks keep their open classes */
    s.bounded = 0;
    s.percent = 0;
    assert_int_equal(nm_classify(ctx, v, LEN(v), &s, 1, &c), NM_OK);
    assert_int_equal(nm_classes_count(c), 6);
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

/* Shares classed by quantiles read as percentages. */
static void test_percent_labels(void **state)
{
    double v[] = {0.1, 0.2, 0.3, 0.4};
    nm_ctx *ctx = nm_ctx_new();
    nm_classify_spec s;
    nm_classes *c = NULL;
    (void)state;

    assert_int_equal(nm_classify_parse(ctx, "quantile:2", &s), NM_OK);
    s.percent = 1;
    assert_int_equal(nm_classify(ctx, v, LEN(v), &s, 1, &c), NM_OK);
    assert_string_equal(nm_classes_label(c, 0), "under 30%");
    assert_string_equal(nm_classes_label(c, 1), "30% and over");
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

static void test_quantile_ranks_match_deciles(void **state)
{
    enum { N = 32844 };
    static double ranks[N];
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *q, *d;
    nm_classify_spec s;
    int i;
    (void)state;

    for (i = 0; i < N; i++)
        ranks[i] = i + 1;
    q = classify_ok(ctx, ranks, N, "quantile:10", -1);
    s.method = NM_CLASSIFY_DECILES;
    s.national_n = N;
    assert_int_equal(nm_classify(ctx, ranks, N, &s, -1, &d), NM_OK);
    for (i = 0; i < 10; i++)
        assert_int_equal(nm_classes_members(q, i), nm_classes_members(d, i));
    /* lower is worse for ranks: rank 1 is in the darkest class */
    assert_int_equal(nm_classes_of(q, 1), 9);
    assert_string_equal(nm_classes_label(q, 9), "1 to 3,284");
    assert_string_equal(nm_classes_label(q, 8), "3,285 to 6,568");
    assert_string_equal(nm_classes_label(q, 0), "29,560 to 32,844");
    nm_classes_free(q);
    nm_classes_free(d);
    nm_ctx_free(ctx);
}

/* ---- equal intervals ----------------------------------------------------- */

static void test_equal(void **state)
{
    double v[] = {0, 2.5, 5, 7.5, 10, 3.3};
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *c;
    (void)state;

    /* 0..10 in 4: breaks 2.5, 5, 7.5; a value on a break goes up */
    c = classify_ok(ctx, v, LEN(v), "equal:4", 1);
    assert_int_equal(nm_classes_count(c), 4);
    assert_int_equal(nm_classes_of(c, 0), 0);
    assert_int_equal(nm_classes_of(c, 2.5), 1);
    assert_int_equal(nm_classes_of(c, 2.4999), 0);
    assert_int_equal(nm_classes_of(c, 10), 3);
    assert_int_equal(nm_classes_members(c, 0), 1);
    assert_int_equal(nm_classes_members(c, 1), 2);
    assert_int_equal(nm_classes_members(c, 2), 1);
    assert_int_equal(nm_classes_members(c, 3), 2);
    assert_true(nm_classes_lower(c, 2) == 5.0 && nm_classes_upper(c, 2) == 7.5);
    assert_string_equal(nm_classes_label(c, 0), "under 2.5");
    assert_string_equal(nm_classes_label(c, 1), "2.5 to under 5.0");
    assert_string_equal(nm_classes_label(c, 2), "5.0 to under 7.5");
    assert_string_equal(nm_classes_label(c, 3), "7.5 and over");
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

static void test_equal_labels_round_up(void **state)
{
    double v[] = {0.0, 1.0, 9.9, 10.0};
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *c;
    (void)state;

    /* breaks 3.333.. and 6.666..; data have 1 decimal, so the labels show
     * 3.4 and 6.7: every 1-decimal value at or over 3.4 is in class 1 */
    c = classify_ok(ctx, v, LEN(v), "equal:3", 1);
    assert_string_equal(nm_classes_label(c, 0), "under 3.4");
    assert_string_equal(nm_classes_label(c, 1), "3.4 to under 6.7");
    assert_string_equal(nm_classes_label(c, 2), "6.7 and over");
    assert_int_equal(nm_classes_of(c, 3.3), 0);
    assert_int_equal(nm_classes_of(c, 3.4), 1);
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

/* ---- Fisher-Jenks -------------------------------------------------------- */

static void test_jenks_published(void **state)
{
    /* The example of simple-statistics' ckmeans() documentation (after
     * Wang & Song 2011): [-1,2,-1,2,4,5,6,-1,2,-1] in 3 clusters is
     * [[-1,-1,-1,-1],[2,2,2],[4,5,6]]. */
    double a[] = {-1, 2, -1, 2, 4, 5, 6, -1, 2, -1};
    /* The example of the "jenks" npm package's README: natural breaks of
     * these values in 3 classes are [0.5, 15, 45, 120] (upper bounds), i.e.
     * classes {0.5..15}, {31, 45}, {89.3, 112, 120}. */
    double b[] = {1, 2, 5, 15, 45, 89.3, 112, 31, 120, 0.5};
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *c;
    (void)state;

    c = classify_ok(ctx, a, LEN(a), "jenks:3", 1);
    assert_int_equal(nm_classes_count(c), 3);
    assert_int_equal(nm_classes_members(c, 0), 4);
    assert_int_equal(nm_classes_members(c, 1), 3);
    assert_int_equal(nm_classes_members(c, 2), 3);
    assert_true(nm_classes_lower(c, 1) == 2 && nm_classes_lower(c, 2) == 4);
    nm_classes_free(c);

    c = classify_ok(ctx, b, LEN(b), "jenks:3", 1);
    assert_int_equal(nm_classes_members(c, 0), 5);
    assert_int_equal(nm_classes_members(c, 1), 2);
    assert_int_equal(nm_classes_members(c, 2), 3);
    assert_int_equal(nm_classes_of(c, 15), 0);
    assert_int_equal(nm_classes_of(c, 31), 1);
    assert_int_equal(nm_classes_of(c, 89.3), 2);
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

/* Within-class sum of squares of a classification of v. */
static double class_ssq(const nm_classes *c, const double *v, size_t n)
{
    double sum[NM_CLASSES_MAX] = {0}, sq[NM_CLASSES_MAX] = {0}, total = 0;
    long cnt[NM_CLASSES_MAX] = {0};
    size_t i;
    int k;

    for (i = 0; i < n; i++) {
        k = nm_classes_of(c, v[i]);
        sum[k] += v[i];
        sq[k] += v[i] * v[i];
        cnt[k]++;
    }
    for (k = 0; k < nm_classes_count(c); k++)
        if (cnt[k])
            total += sq[k] - sum[k] * sum[k] / cnt[k];
    return total;
}

/* The least SSQ over every way of cutting sorted distinct values d (with
 * multiplicities w) into k runs: tries all cut sets recursively. */
static double brute(const double *d, const int *w, int m, int k, int from)
{
    double best = INFINITY, s, s1, s2, rest;
    int end, j, cnt;

    for (end = from + 1; end <= m - (k - 1); end++) {
        if (k == 1 && end != m)
            continue;
        s1 = s2 = 0;
        cnt = 0;
        for (j = from; j < end; j++) {
            s1 += w[j] * d[j];
            s2 += w[j] * d[j] * d[j];
            cnt += w[j];
        }
        s = s2 - s1 * s1 / cnt;
        rest = k == 1 ? 0 : brute(d, w, m, k - 1, end);
        if (s + rest < best)
            best = s + rest;
    }
    return best;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_jenks_brute_force(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    double v[14], s[14], d[14];
    int w[14], m, n, k, seed, i;
    char spec[32];
    nm_classes *c;
    (void)state;

    for (seed = 1; seed <= 400; seed++) {
        rng_state = 0x9E3779B97F4A7C15ULL * (uint64_t)seed;
        n = 2 + (int)(rng_next() * 12);
        for (i = 0; i < n; i++)
            /* half the seeds draw from few values, so ties are common */
            v[i] = seed % 2 ? floor(rng_next() * 8) : rng_next() * 100 - 50;
        memcpy(s, v, sizeof s);
        qsort(s, (size_t)n, sizeof *s, cmp_d);
        for (i = 0, m = 0; i < n; i++) {
            if (m == 0 || s[i] != d[m - 1]) {
                d[m] = s[i];
                w[m++] = 0;
            }
            w[m - 1]++;
        }
        for (k = 1; k <= m && k <= 6; k++) {
            double best = brute(d, w, m, k, 0), got;

            snprintf(spec, sizeof spec, "jenks:%d", k);
            c = classify_ok(ctx, v, (size_t)n, spec, 1);
            assert_int_equal(nm_classes_count(c), k);
            for (i = 0; i < k; i++)
                assert_true(nm_classes_members(c, i) > 0);
            got = class_ssq(c, v, (size_t)n);
            if (fabs(got - best) > 1e-9 * (1 + best))
                fail_msg("seed %d k %d: ssq %.12g, optimum %.12g", seed, k, got, best);
            nm_classes_free(c);
        }
    }
    nm_ctx_free(ctx);
}

/* The least SSQ of k classes over sorted x[0..n-1] by the textbook
 * O(k n^2) programme (Fisher 1958), without any split-point shortcut. */
static double full_dp(const double *x, int n, int k)
{
    static double prev[1500], cur[1500];
    double s1, s2, c, best;
    int q, i, j;

    for (j = 0; j < n; j++) {
        s1 = s2 = 0;
        for (i = 0; i <= j; i++) {
            s1 += x[i];
            s2 += x[i] * x[i];
        }
        prev[j] = s2 - s1 * s1 / (j + 1);
    }
    for (q = 1; q < k; q++) {
        for (j = 0; j < n; j++) {
            best = INFINITY;
            s1 = s2 = 0;
            for (i = j; i >= q; i--) { /* last class x[i..j] */
                s1 += x[i];
                s2 += x[i] * x[i];
                c = prev[i - 1] + (s2 - s1 * s1 / (j - i + 1));
                if (c < best)
                    best = c;
            }
            cur[j] = best;
        }
        memcpy(prev, cur, sizeof prev);
    }
    return prev[n - 1];
}

static void test_jenks_matches_full_dp(void **state)
{
    enum { N = 1500 };
    static double v[N], s[N];
    static const int ks[] = {2, 5, 10};
    nm_ctx *ctx = nm_ctx_new();
    char spec[32];
    nm_classes *c;
    size_t t;
    int i;
    (void)state;

    rng_state = 77;
    for (i = 0; i < N; i++) /* two humps and a tail, distinct values */
        v[i] = i % 3 ? rng_next() * 10 : 30 + pow(rng_next(), 3) * 60;
    memcpy(s, v, sizeof s);
    qsort(s, N, sizeof *s, cmp_d);
    for (t = 0; t < LEN(ks); t++) {
        double best = full_dp(s, N, ks[t]), got;

        snprintf(spec, sizeof spec, "jenks:%d", ks[t]);
        c = classify_ok(ctx, v, N, spec, 1);
        got = class_ssq(c, v, N);
        if (fabs(got - best) > 1e-9 * (1 + best))
            fail_msg("k %d: ssq %.12g, optimum %.12g", ks[t], got, best);
        nm_classes_free(c);
    }
    nm_ctx_free(ctx);
}

static void test_jenks_england_size(void **state)
{
    enum { N = 32844 };
    static double v[N];
    nm_ctx *ctx = nm_ctx_new();
    struct timespec t0, t1;
    nm_classes *c;
    long total = 0;
    int i;
    (void)state;

    rng_state = 20190926;
    for (i = 0; i < N; i++) /* IoD-like scores: skewed, 3 decimals */
        v[i] = floor(pow(rng_next(), 2) * 90000) / 1000;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    c = classify_ok(ctx, v, N, "jenks:10", 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    print_message("jenks:10 on %d values: %.3f s\n", N,
                  (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    assert_int_equal(nm_classes_count(c), 10);
    for (i = 0; i < 10; i++)
        total += nm_classes_members(c, i);
    assert_int_equal(total, N);
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

/* ---- fixed breaks -------------------------------------------------------- */

static void test_fixed_breaks(void **state)
{
    double v[] = {5, 10, 15, 20, 25, NAN};
    double f[] = {5.5, 10, 20.25};
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *c;
    (void)state;

    c = classify_ok(ctx, v, LEN(v), "breaks:10,20", 1);
    assert_int_equal(nm_classes_count(c), 3);
    assert_int_equal(nm_classes_of(c, 10), 1); /* on a break: the class above */
    assert_int_equal(nm_classes_of(c, 20), 2);
    assert_int_equal(nm_classes_of(c, 9.999), 0);
    assert_int_equal(nm_classes_members(c, 0), 1);
    assert_int_equal(nm_classes_members(c, 1), 2);
    assert_int_equal(nm_classes_members(c, 2), 2);
    assert_int_equal(nm_classes_missing(c), 1);
    assert_true(isinf(nm_classes_lower(c, 0)) && nm_classes_lower(c, 0) < 0);
    assert_true(isinf(nm_classes_upper(c, 2)) && nm_classes_upper(c, 2) > 0);
    assert_string_equal(nm_classes_label(c, 0), "up to 9");
    assert_string_equal(nm_classes_label(c, 1), "10 to 19");
    assert_string_equal(nm_classes_label(c, 2), "20 and over");
    nm_classes_free(c);

    c = classify_ok(ctx, f, LEN(f), "breaks:10,20", 1);
    assert_string_equal(nm_classes_label(c, 0), "under 10.00");
    assert_string_equal(nm_classes_label(c, 1), "10.00 to under 20.00");
    assert_string_equal(nm_classes_label(c, 2), "20.00 and over");
    nm_classes_free(c);

    /* empty classes of a fixed scheme still exist */
    c = classify_ok(ctx, v, 2, "breaks:100,1000,10000", 1);
    assert_int_equal(nm_classes_count(c), 4);
    assert_int_equal(nm_classes_members(c, 3), 0);
    assert_string_equal(nm_classes_label(c, 3), "10,000 and over");
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

/* ---- national deciles and quintiles -------------------------------------- */

static void test_deciles_from_ranks(void **state)
{
    double v[] = {1, 3284, 3285, 32844, 6568, 6569, NAN};
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *c;
    int i;
    (void)state;

    /* MHCLG: decile 1 is ranks 1..3,284 of 32,844 (ceil(rank*10/N)) */
    c = classify_ok(ctx, v, LEN(v), "deciles:32844", 1);
    assert_int_equal(nm_classes_count(c), 10);
    assert_int_equal(nm_classes_of(c, 1), 9); /* decile 1: darkest */
    assert_int_equal(nm_classes_of(c, 3284), 9);
    assert_int_equal(nm_classes_of(c, 3285), 8);
    assert_int_equal(nm_classes_of(c, 6568), 8);
    assert_int_equal(nm_classes_of(c, 6569), 7);
    assert_int_equal(nm_classes_of(c, 32844), 0);
    assert_int_equal(nm_classes_of(c, 32845), -1);
    assert_int_equal(nm_classes_of(c, NAN), -1);
    assert_int_equal(nm_classes_members(c, 9), 2);
    assert_int_equal(nm_classes_members(c, 8), 2);
    assert_int_equal(nm_classes_members(c, 5), 0); /* exists though empty */
    assert_int_equal(nm_classes_missing(c), 1);
    assert_true(nm_classes_lower(c, 9) == 1 && nm_classes_upper(c, 9) == 3285);
    assert_true(nm_classes_lower(c, 0) == 29560 && nm_classes_upper(c, 0) == 32845);
    assert_string_equal(nm_classes_label(c, 9), "1 (most deprived 10%)");
    assert_string_equal(nm_classes_label(c, 8), "2");
    assert_string_equal(nm_classes_label(c, 0), "10 (least deprived 10%)");
    for (i = 0; i < 10; i++)
        assert_non_null(nm_classes_label(c, i));
    nm_classes_free(c);

    c = classify_ok(ctx, v, LEN(v), "quintiles:32844", 1);
    assert_int_equal(nm_classes_count(c), 5);
    assert_int_equal(nm_classes_of(c, 6568), 4);
    assert_int_equal(nm_classes_of(c, 6569), 3);
    assert_int_equal(nm_classes_members(c, 4), 4);
    assert_string_equal(nm_classes_label(c, 4), "1 (most deprived 20%)");
    assert_string_equal(nm_classes_label(c, 0), "5 (least deprived 20%)");
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

static void test_deciles_from_values(void **state)
{
    double v[] = {1, 1, 2, 3, 10};
    double bad_rank[] = {1, 32845};
    double bad_decile[] = {11};
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *c;
    (void)state;

    c = classify_ok(ctx, v, LEN(v), "deciles", 1);
    assert_int_equal(nm_classes_members(c, 9), 2);
    assert_int_equal(nm_classes_members(c, 0), 1);
    nm_classes_free(c);
    c = classify_ok(ctx, v, LEN(v), "quintiles", 1);
    /* deciles 1-2 are quintile 1, 3 is quintile 2, 10 is quintile 5 */
    assert_int_equal(nm_classes_members(c, 4), 3);
    assert_int_equal(nm_classes_members(c, 3), 1);
    assert_int_equal(nm_classes_members(c, 0), 1);
    nm_classes_free(c);

    assert_int_equal(classify_rc(ctx, bad_rank, 2, "deciles:32844", 1), NM_BADDATA);
    assert_non_null(strstr(nm_errmsg(ctx), "value 2 (32845)"));
    assert_int_equal(classify_rc(ctx, bad_decile, 1, "deciles", 1), NM_BADDATA);
    nm_ctx_free(ctx);
}

/* ---- polarity and missing values ----------------------------------------- */

static void test_polarity(void **state)
{
    double v[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *c;
    (void)state;

    /* a score: higher is worse, so the highest values are darkest */
    c = classify_ok(ctx, v, LEN(v), "quantile:5", 1);
    assert_int_equal(nm_classes_of(c, 10), 4);
    assert_int_equal(nm_classes_of(c, 1), 0);
    assert_string_equal(nm_classes_label(c, 0), "1 to 2");
    nm_classes_free(c);

    /* a rank: lower is worse, so rank 1 is darkest and the labels follow */
    c = classify_ok(ctx, v, LEN(v), "quantile:5", -1);
    assert_int_equal(nm_classes_of(c, 1), 4);
    assert_int_equal(nm_classes_of(c, 10), 0);
    assert_string_equal(nm_classes_label(c, 4), "1 to 2");
    assert_string_equal(nm_classes_label(c, 0), "9 to 10");
    assert_true(nm_classes_lower(c, 4) == 1 && nm_classes_upper(c, 4) == 3);
    nm_classes_free(c);

    assert_int_equal(classify_rc(ctx, v, LEN(v), "quantile:5", 0), NM_USAGE);
    nm_ctx_free(ctx);
}

static void test_missing(void **state)
{
    double v[] = {NAN, 1, 2, NAN, 3, 4};
    double none[] = {NAN, NAN};
    double inf[] = {1, INFINITY};
    nm_ctx *ctx = nm_ctx_new();
    nm_classes *c;
    (void)state;

    c = classify_ok(ctx, v, LEN(v), "equal:2", 1);
    assert_int_equal(nm_classes_missing(c), 2);
    assert_int_equal(nm_classes_members(c, 0) + nm_classes_members(c, 1), 4);
    assert_int_equal(nm_classes_of(c, NAN), -1);
    assert_int_equal(nm_classes_members(c, 2), -1);
    assert_null(nm_classes_label(c, 2));
    assert_true(isnan(nm_classes_lower(c, -1)));
    nm_classes_free(c);

    assert_int_equal(classify_rc(ctx, none, 2, "jenks:2", 1), NM_USAGE);
    assert_int_equal(classify_rc(ctx, v, 0, "jenks:2", 1), NM_USAGE);
    assert_int_equal(classify_rc(ctx, inf, 2, "jenks:2", 1), NM_BADDATA);
    nm_ctx_free(ctx);
}

/* ---- parsing and impossible classifications ------------------------------ */

static void test_parse(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_classify_spec s;
    (void)state;

    assert_int_equal(nm_classify_parse(ctx, "JENKS:5", &s), NM_OK);
    assert_int_equal(s.method, NM_CLASSIFY_JENKS);
    assert_int_equal(s.nclasses, 5);
    assert_int_equal(nm_classify_parse(ctx, "breaks:10,20.5,30", &s), NM_OK);
    assert_int_equal(s.nbreaks, 3);
    assert_true(s.breaks[1] == 20.5);
    assert_int_equal(s.nclasses, 4);
    assert_int_equal(nm_classify_parse(ctx, "deciles:32844", &s), NM_OK);
    assert_int_equal(s.national_n, 32844);
    assert_int_equal(nm_classify_parse(ctx, "quintiles", &s), NM_OK);
    assert_int_equal(s.national_n, 0);

    assert_int_equal(nm_classify_parse(ctx, "jenks:0", &s), NM_USAGE);
    assert_non_null(strstr(nm_errmsg(ctx), "\"jenks:0\""));
    assert_int_equal(nm_classify_parse(ctx, "breaks:10,5", &s), NM_USAGE);
    assert_non_null(strstr(nm_errmsg(ctx), "\"breaks:10,5\""));
    assert_non_null(strstr(nm_errmsg(ctx), "increasing"));
    assert_int_equal(nm_classify_parse(ctx, "natural:5", &s), NM_USAGE);
    assert_non_null(strstr(nm_errmsg(ctx), "unknown method"));
    assert_non_null(strstr(nm_errmsg(ctx), "\"natural:5\""));
    assert_int_equal(nm_classify_parse(ctx, "jenks", &s), NM_USAGE);
    assert_int_equal(nm_classify_parse(ctx, "quantile:33", &s), NM_USAGE);
    assert_int_equal(nm_classify_parse(ctx, "breaks:1,,2", &s), NM_USAGE);
    assert_int_equal(nm_classify_parse(ctx, "breaks:", &s), NM_USAGE);
    assert_int_equal(nm_classify_parse(ctx, "deciles:many", &s), NM_USAGE);
    assert_int_equal(nm_classify_parse(ctx, "", &s), NM_USAGE);
    nm_ctx_free(ctx);
}

static void test_too_many_classes(void **state)
{
    double v[] = {1, 1, 2, 2, 3, 3};
    nm_ctx *ctx = nm_ctx_new();
    (void)state;

    assert_int_equal(classify_rc(ctx, v, LEN(v), "jenks:4", 1), NM_USAGE);
    assert_non_null(strstr(nm_errmsg(ctx), "only 3 distinct values"));
    assert_int_equal(classify_rc(ctx, v, LEN(v), "quantile:5", 1), NM_USAGE);
    assert_int_equal(classify_rc(ctx, v, LEN(v), "equal:4", 1), NM_USAGE);
    assert_int_equal(classify_rc(ctx, v, LEN(v), "jenks:3", 1), NM_OK);
    nm_ctx_free(ctx);
}

static void test_alloc_failures(void **state)
{
    double v[] = {1, 4, 2, 8, 5, 7, 3.5, 9};
    nm_classify_spec s;
    nm_classes *c;
    nm_ctx *ctx = nm_ctx_new();
    nm_status rc;
    long n;
    (void)state;

    assert_int_equal(nm_classify_parse(ctx, "jenks:3", &s), NM_OK);
    /* fail each allocation in turn: every failure is reported, none leaks */
    for (n = 0;; n++) {
        nmC_alloc_fail_after(n);
        rc = nm_classify(ctx, v, LEN(v), &s, 1, &c);
        nmC_alloc_fail_after(-1);
        if (rc == NM_OK)
            break;
        assert_int_equal(rc, NM_NOMEM);
        assert_null(c);
    }
    assert_true(n > 3);
    nm_classes_free(c);
    nm_ctx_free(ctx);
}

/* ---- palettes ------------------------------------------------------------ */

static void assert_rgb(nm_rgb c, unsigned hex)
{
    unsigned got = (unsigned)c.r << 16 | (unsigned)c.g << 8 | c.b;
    if (got != hex)
        fail_msg("colour #%06x, expected #%06x", got, hex);
}

/* Relative luminance, for the lightness order. */
static double luminance(nm_rgb c)
{
    double v[3] = {c.r / 255.0, c.g / 255.0, c.b / 255.0}, l[3];
    int i;

    for (i = 0; i < 3; i++)
        l[i] = v[i] <= 0.04045 ? v[i] / 12.92 : pow((v[i] + 0.055) / 1.055, 2.4);
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}

/* CIELAB (D65) of an sRGB colour, for colour differences. */
static void to_lab(nm_rgb c, double lab[3])
{
    double v[3] = {c.r / 255.0, c.g / 255.0, c.b / 255.0}, l[3], xyz[3], f[3];
    static const double m[3][3] = {{0.4124564, 0.3575761, 0.1804375},
                                   {0.2126729, 0.7151522, 0.0721750},
                                   {0.0193339, 0.1191920, 0.9503041}};
    static const double white[3] = {0.95047, 1.0, 1.08883};
    int i;

    for (i = 0; i < 3; i++)
        l[i] = v[i] <= 0.04045 ? v[i] / 12.92 : pow((v[i] + 0.055) / 1.055, 2.4);
    for (i = 0; i < 3; i++) {
        xyz[i] = (m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]) / white[i];
        f[i] = xyz[i] > 216.0 / 24389.0 ? cbrt(xyz[i]) : (24389.0 / 27.0 * xyz[i] + 16.0) / 116.0;
    }
    lab[0] = 116 * f[1] - 16;
    lab[1] = 500 * (f[0] - f[1]);
    lab[2] = 200 * (f[1] - f[2]);
}

static double colour_step(nm_rgb a, nm_rgb b)
{
    double x[3], y[3];

    to_lab(a, x);
    to_lab(b, y);
    return sqrt((x[0] - y[0]) * (x[0] - y[0]) + (x[1] - y[1]) * (x[1] - y[1]) +
                (x[2] - y[2]) * (x[2] - y[2]));
}

/* Stretched past ColorBrewer's 9 classes, a scheme keeps its neighbours
 * apart: no step between two classes under 0.55 of the mean CIE76 step
 * (the classes are now spaced for the smallest CIEDE2000 step in three
 * visions, which makes CIE76 steps a little uneven; Reds 11: 0.59)
 * (with steps taken evenly between ColorBrewer's nodes, BuGn's were down
 * to 0.37 of it, YlOrRd's deciles 3 and 4 were 11 apart against a mean of
 * 18; corners of the path keep the even ones a little under 1). */
static void test_palette_even_steps(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_rgb p[11];
    const char *name;
    int i, n, j;
    (void)state;

    for (i = 0; (name = nm_palette_name(i)); i++) {
        nm_palette_info info;
        assert_int_equal(nm_palette_describe(ctx, name, 10, &info), NM_OK);
        if (info.kind != NM_PALETTE_SEQUENTIAL)
            continue;
        for (n = 10; n <= 11; n++) {
            double total = 0, least = 1e9;
            assert_int_equal(nm_palette(ctx, name, n, 0, p), NM_OK);
            for (j = 1; j < n; j++) {
                double d = colour_step(p[j - 1], p[j]);
                total += d;
                least = d < least ? d : least;
            }
            if (least < 0.55 * total / (n - 1))
                fail_msg("%s %d: smallest step %.1f, mean %.1f", name, n, least, total / (n - 1));
        }
    }
    /* YlOrRd's deciles: no CIE76 step under 12 (CIEDE2000 in
       test_default_palettes_measured) */
    assert_int_equal(nm_palette(ctx, "YlOrRd", 10, 0, p), NM_OK);
    for (j = 1; j < 10; j++)
        assert_true(colour_step(p[j - 1], p[j]) > 12);
    nm_ctx_free(ctx);
}

/* CIEDE2000 against the 34 test pairs of Sharma, Wu and Dalal (2005),
 * Table 1, published to 4 decimals. */
static void test_ciede2000_sharma(void **state)
{
    static const double pair[34][7] = {
        {50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425},
        {50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615},
        {50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412},
        {50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000},
        {50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000},
        {50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000},
        {50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669},
        {50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669},
        {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792},
        {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792},
        {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195},
        {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195},
        {50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045},
        {50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045},
        {50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461},
        {50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065},
        {50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492},
        {50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977},
        {50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030},
        {50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535},
        {50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000},
        {50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000},
        {50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000},
        {50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000},
        {60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644},
        {63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630},
        {61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731},
        {35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645},
        {22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373},
        {36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146},
        {90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441},
        {90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381},
        {6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377},
        {2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082},
    };
    (void)state;

    for (size_t i = 0; i < LEN(pair); i++) {
        double d = nm_colour_difference(pair[i], pair[i] + 3);
        double back = nm_colour_difference(pair[i] + 3, pair[i]);
        if (fabs(d - pair[i][6]) > 0.00006 || fabs(back - pair[i][6]) > 0.00006)
            fail_msg("pair %zu: %.4f (reversed %.4f), published %.4f", i + 1, d, back, pair[i][6]);
    }
}

/* Machado et al.'s simulation, severity 1.0: pure red as a protanope and
 * a deuteranope sees it (the matrices' first column, on linear RGB), and
 * greys unchanged. */
static void test_colour_vision(void **state)
{
    nm_rgb red = {255, 0, 0}, grey = {128, 128, 128};
    double a[3], b[3];
    (void)state;

    nm_colour_lab(grey, NM_VISION_NORMAL, a);
    nm_colour_lab(grey, NM_VISION_PROTANOPIA, b);
    assert_true(fabs(a[0] - b[0]) < 0.05 && fabs(b[1]) < 0.2 && fabs(b[2]) < 0.2);
    /* protanopia: linear (0.152286, 0.114503, 0): a dark olive, L* 40.3 */
    nm_colour_lab(red, NM_VISION_PROTANOPIA, b);
    assert_true(fabs(b[0] - 40.29) < 0.05 && fabs(b[2] - 47.47) < 0.05);
    nm_colour_lab(red, NM_VISION_NORMAL, a);
    assert_true(fabs(a[0] - 53.24) < 0.05 && fabs(a[1] - 80.09) < 0.05);
    assert_true(nm_colour_difference(a, b) > 40);
}

/* Every default scheme at 5 and 10 classes (issue 12): adjacent legend
 * colours at least 8 apart in CIEDE2000 in normal vision and 5 under
 * deuteranopia and protanopia.  The greyscale ramp stops at #3b3b3b so
 * outlines show over its darkest class; lightness alone cannot keep 10
 * greys 8 apart short of black, so its deciles are held to 6. */
static void test_default_palettes_measured(void **state)
{
    static const struct {
        const char *name;
        int n;
        double normal, cvd;
    } want[] = {
        {NM_PALETTE_DEFAULT, 5, NM_PALETTE_MIN_DE_NORMAL, NM_PALETTE_MIN_DE_CVD},
        {NM_PALETTE_DEFAULT, 10, NM_PALETTE_MIN_DE_NORMAL, NM_PALETTE_MIN_DE_CVD},
        {NM_PALETTE_GREYSCALE, 5, NM_PALETTE_MIN_DE_NORMAL, NM_PALETTE_MIN_DE_CVD},
        {NM_PALETTE_GREYSCALE, 10, 6.0, 6.0},
    };
    nm_ctx *ctx = nm_ctx_new();
    nm_rgb p[11];
    double de[3], lab[3];
    (void)state;

    for (size_t i = 0; i < LEN(want); i++) {
        assert_int_equal(nm_palette(ctx, want[i].name, want[i].n, 0, p), NM_OK);
        nm_palette_contrast(p, want[i].n, de);
        if (de[0] < want[i].normal || de[1] < want[i].cvd || de[2] < want[i].cvd)
            fail_msg("%s %d: adjacent CIEDE2000 at least %.2f, %.2f (deuteranopia), %.2f "
                     "(protanopia)", want[i].name, want[i].n, de[0], de[1], de[2]);
        /* the measure is the pairwise one */
        for (int j = 1; j < want[i].n; j++) {
            double x[3], y[3];
            nm_colour_lab(p[j - 1], NM_VISION_DEUTERANOPIA, x);
            nm_colour_lab(p[j], NM_VISION_DEUTERANOPIA, y);
            assert_true(nm_colour_difference(x, y) >= de[1] - 1e-9);
        }
    }
    /* the old YlOrRd deciles (equal CIELAB steps) failed deuteranopia */
    nm_rgb old[10] = {{0xff, 0xff, 0xcc}, {0xff, 0xeb, 0x9b}, {0xfe, 0xd1, 0x6e},
                      {0xfe, 0xb0, 0x4b}, {0xfd, 0x8f, 0x3d}, {0xfd, 0x6b, 0x31},
                      {0xf1, 0x3b, 0x24}, {0xcd, 0x0c, 0x22}, {0xa7, 0x00, 0x26},
                      {0x80, 0x00, 0x26}};
    nm_palette_contrast(old, 10, de);
    assert_true(de[1] < NM_PALETTE_MIN_DE_CVD);
    /* greyscale: neutral, and its darkest no darker than L* 24 */
    assert_int_equal(nm_palette(ctx, NM_PALETTE_GREYSCALE, 10, 0, p), NM_OK);
    for (int j = 0; j < 10; j++)
        assert_true(p[j].r == p[j].g && p[j].g == p[j].b);
    nm_colour_lab(p[9], NM_VISION_NORMAL, lab);
    assert_true(lab[0] >= 24);
    nm_ctx_free(ctx);
}

static void test_palette_colours(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_rgb p[11];
    (void)state;

    /* ColorBrewer 2.0 values */
    assert_int_equal(nm_palette(ctx, "YlOrRd", 5, 0, p), NM_OK);
    assert_rgb(p[0], 0xffffb2);
    assert_rgb(p[1], 0xfecc5c);
    assert_rgb(p[4], 0xbd0026);
    assert_int_equal(nm_palette(ctx, "ylorrd", 5, 1, p), NM_OK);
    assert_rgb(p[0], 0xbd0026);
    assert_rgb(p[4], 0xffffb2);
    assert_int_equal(nm_palette(ctx, "Blues", 3, 0, p), NM_OK);
    assert_rgb(p[0], 0xdeebf7);
    assert_rgb(p[2], 0x3182bd);
    assert_int_equal(nm_palette(ctx, "Blues", 9, 0, p), NM_OK);
    assert_rgb(p[8], 0x08306b);
    assert_int_equal(nm_palette(ctx, "Spectral", 11, 0, p), NM_OK);
    assert_rgb(p[0], 0x9e0142);
    assert_rgb(p[5], 0xffffbf);
    assert_rgb(p[10], 0x5e4fa2);
    assert_int_equal(nm_palette(ctx, "RdBu", 4, 0, p), NM_OK);
    assert_rgb(p[0], 0xca0020);
    assert_rgb(p[3], 0x0571b0);
    assert_int_equal(nm_palette(ctx, "Greys", 2, 0, p), NM_OK);
    assert_rgb(p[0], 0xf0f0f0);
    assert_rgb(p[1], 0x636363);

    assert_int_equal(nm_palette(ctx, "Viridis", 5, 0, p), NM_NOTFOUND);
    assert_non_null(strstr(nm_errmsg(ctx), "YlOrRd"));
    assert_int_equal(nm_palette(ctx, "Blues", 12, 0, p), NM_USAGE);
    assert_int_equal(nm_palette(ctx, "Blues", 0, 0, p), NM_USAGE);
    nm_ctx_free(ctx);
}

static void test_palette_ten_classes(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_rgb p[11];
    const char *name;
    int i, j;
    (void)state;

    /* every sequential scheme stretches to 10 and 11 with ColorBrewer's
     * ends and lightness falling all the way */
    for (i = 0; (name = nm_palette_name(i)); i++) {
        nm_palette_info info;
        nm_rgb nine[9];

        assert_int_equal(nm_palette_describe(ctx, name, 10, &info), NM_OK);
        if (info.kind != NM_PALETTE_SEQUENTIAL)
            continue;
        assert_int_equal(nm_palette(ctx, name, 9, 0, nine), NM_OK);
        assert_int_equal(nm_palette(ctx, name, 10, 0, p), NM_OK);
        assert_memory_equal(&p[0], &nine[0], sizeof p[0]);
        assert_memory_equal(&p[9], &nine[8], sizeof p[0]);
        for (j = 1; j < 10; j++)
            if (!(luminance(p[j]) < luminance(p[j - 1])))
                fail_msg("%s 10: class %d not darker than %d", name, j, j - 1);
    }
    assert_int_equal(nm_palette(ctx, "Greys", 10, 0, p), NM_OK);
    for (j = 0; j < 10; j++)
        assert_true(p[j].r == p[j].g && p[j].g == p[j].b);
    assert_rgb(p[0], 0xffffff);
    assert_rgb(p[9], 0x000000);
    nm_ctx_free(ctx);
}

static void test_palette_flags_and_names(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_palette_info info;
    nm_rgb fill, hatch, p[11];
    const char *name;
    int i, n, j, count = 0, seq = 0;
    (void)state;

    for (i = 0; (name = nm_palette_name(i)); i++) {
        assert_int_equal(nm_palette_describe(ctx, name, 5, &info), NM_OK);
        seq += info.kind == NM_PALETTE_SEQUENTIAL;
        count++;
    }
    assert_int_equal(count, 28); /* ColorBrewer's 27 and the Greyscale ramp */
    assert_int_equal(seq, 19);
    assert_null(nm_palette_name(-1));

    /* the default is colour-blind safe for every count a map may use */
    for (n = 3; n <= 10; n++) {
        assert_int_equal(nm_palette_describe(ctx, NM_PALETTE_DEFAULT, n, &info), NM_OK);
        assert_int_equal(info.colourblind, NM_FIT_YES);
    }
    /* ColorBrewer's published guidance */
    assert_int_equal(nm_palette_describe(ctx, "YlOrRd", 5, &info), NM_OK);
    assert_int_equal(info.print, NM_FIT_MAYBE);
    assert_int_equal(info.photocopy, NM_FIT_MAYBE);
    assert_int_equal(info.max_official, 9);
    assert_int_equal(nm_palette_describe(ctx, "RdYlGn", 5, &info), NM_OK);
    assert_int_equal(info.colourblind, NM_FIT_MAYBE);
    assert_int_equal(info.kind, NM_PALETTE_DIVERGING);
    assert_int_equal(nm_palette_describe(ctx, "RdYlGn", 6, &info), NM_OK);
    assert_int_equal(info.colourblind, NM_FIT_NO);
    assert_int_equal(nm_palette_describe(ctx, "Blues", 3, &info), NM_OK);
    assert_int_equal(info.photocopy, NM_FIT_YES);
    assert_int_equal(nm_palette_describe(ctx, "Blues", 10, &info), NM_OK);
    assert_int_equal(info.print, NM_FIT_NO);
    assert_int_equal(nm_palette_describe(ctx, "PuOr", 4, &info), NM_OK);
    assert_int_equal(info.photocopy, NM_FIT_YES);

    /* the missing-data fill is no class colour of any scheme */
    nm_palette_missing(&fill, &hatch);
    assert_memory_not_equal(&fill, &hatch, sizeof fill);
    for (i = 0; (name = nm_palette_name(i)); i++)
        for (n = 3; n <= 11; n++) {
            if (nm_palette(ctx, name, n, 0, p) != NM_OK)
                fail_msg("%s %d: %s", name, n, nm_errmsg(ctx));
            for (j = 0; j < n; j++)
                assert_memory_not_equal(&p[j], &fill, sizeof fill);
        }
    nm_palette_missing(NULL, NULL);
    nm_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantile_plain),
        cmocka_unit_test(test_quantile_ties),
        cmocka_unit_test(test_quantile_tied_zeros),
        cmocka_unit_test(test_fixed_breaks_bounded_shares),
        cmocka_unit_test(test_percent_labels),
        cmocka_unit_test(test_quantile_ranks_match_deciles),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_equal_labels_round_up),
        cmocka_unit_test(test_jenks_published),
        cmocka_unit_test(test_jenks_brute_force),
        cmocka_unit_test(test_jenks_matches_full_dp),
        cmocka_unit_test(test_jenks_england_size),
        cmocka_unit_test(test_fixed_breaks),
        cmocka_unit_test(test_deciles_from_ranks),
        cmocka_unit_test(test_deciles_from_values),
        cmocka_unit_test(test_polarity),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_too_many_classes),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_palette_colours),
        cmocka_unit_test(test_ciede2000_sharma),
        cmocka_unit_test(test_colour_vision),
        cmocka_unit_test(test_default_palettes_measured),
        cmocka_unit_test(test_palette_ten_classes),
        cmocka_unit_test(test_palette_even_steps),
        cmocka_unit_test(test_palette_flags_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
