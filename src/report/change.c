/*
 * What changed between two releases, in the words and figures of a plan:
 * the values of a change map (areas by how many national deciles they
 * moved, in five fixed classes around "no change") and the change facts
 * (LSOAs in England's most deprived 10% then and now, which entered and
 * left it, the most deprived LSOA's rank then and now).  The comparison
 * itself, and which areas compare, is analyse's (nm_change_read).
 */
#include <math.h>
#include <string.h>

#include "report/report_int.h"
#include "report/summary_int.h"

/* ---- change maps ---------------------------------------------------------- */

/* Ascending positions of the five classes (polarity -1: the lowest change,
 * more deprived, is the darkest class). */
static const char *const change_labels[5] = {
    "2 or more deciles more deprived", "1 decile more deprived", "No change",
    "1 decile less deprived", "2 or more deciles less deprived"};

int nmP_is_change(const nm_values *v)
{
    return strcmp(v->unit, NM_UNIT_DECILE_CHANGE) == 0;
}

/* England's LSOAs ranked by a release on LSOAs of 'vintage', which a store
 * holding one council's rows of the release cannot count: the ranks run
 * to the national total whatever is stored.  Other levels (wards and
 * districts have years of their own, 2021 among them): as stored. */
static long national(long stored, const nm_areas *a, int vintage)
{
    long lsoas = strcmp(nm_areas_level(a), "lsoa") == 0 ? nm_england_lsoas(vintage) : 0;

    return lsoas > 0 && stored <= lsoas ? lsoas : stored;
}

/* The national counts of the two releases of a change over areas 'a'. */
static long now_national(const nm_areas *a, const nm_change *c)
{
    return national(c->now.national_n, a, nm_areas_vintage(a));
}

static long then_national(const nm_areas *a, const nm_change *c)
{
    return national(c->then_national_n, a, c->since_vintage);
}

/* The national decile of a value of either unit. */
static double decile_of(double v, const char *unit, long national_n)
{
    if (isnan(v))
        return NAN;
    return strcmp(unit, "decile") == 0 ? v : (double)nmP_decile_of_rank(v, national_n);
}

/* "106 unchanged, 2 split" from the counts by lineage. */
static void add_lineage_counts(nmC_buf *b, const nm_change *c)
{
    char n[32];
    int l, any = 0;

    for (l = NM_LINEAGE_SAME; l <= NM_LINEAGE_NONE; l++)
        if (c->count[l] > 0)
            nmC_buf_addf(b, "%s%s %s", any++ ? ", " : "", nmP_fmt_count(c->count[l], n),
                        nm_lineage_name((nm_lineage)l));
}

char *nmP_change_note(const nm_areas *a, const nm_change *c, const char *index)
{
    const char *within = nm_areas_within_name(a), *level = nm_areas_level(a);
    long skipped = (long)c->n - c->compared;
    char n1[32];
    nmC_buf b = {0};

    nmC_buf_addf(&b, "%s%s%s%s (%d boundaries), %s %s against %s",
                strcmp(level, "lsoa") == 0 ? "LSOA" : level, "s", *within ? " of " : "", within,
                nm_areas_vintage(a), index, c->now.period, c->since);
    if (c->since_vintage != nm_areas_vintage(a))
        nmC_buf_addf(&b, " on %d LSOAs through %s (", c->since_vintage,
                    *c->lookup ? c->lookup : "the stored lookup");
    else
        nmC_buf_addf(&b, " (");
    add_lineage_counts(&b, c);
    nmC_buf_addf(&b, ")");
    if (skipped > 0)
        nmC_buf_addf(&b, "; %s not compared (%s)", nmP_fmt_count(skipped, n1),
                    c->count[NM_LINEAGE_MERGED] + c->count[NM_LINEAGE_REDRAWN] > 0
                        ? "merged from LSOAs of different deciles, redrawn, or without a value"
                        : "without a value in both releases");
    return nmC_buf_take(&b);
}

nm_status nmP_change_shown(nm_store *store, const nm_areas *a, const char *key, const char *period,
                          const char *since, nm_values *out, char **note)
{
    nm_ctx *ctx = nm_store_ctx(store);
    nm_change c;
    char *index = NULL, *label_key = NULL;
    nmC_buf label = {0};
    nm_status rc;
    size_t i;

    memset(out, 0, sizeof *out);
    *note = NULL;
    rc = nm_change_read(store, a, key, period, since, &c);
    if (rc != NM_OK)
        return rc;
    /* "imd_decile" -> "imd" for the index's name */
    label_key = nm_strdup(key);
    if (label_key && strrchr(label_key, '_'))
        *strrchr(label_key, '_') = '\0';
    index = label_key ? nmP_index_name(label_key, c.now.label) : NULL;
    for (i = 0; index && i < c.n; i++) {
        double now = decile_of(c.now.value[i], c.now.unit, now_national(a, &c));
        double then = decile_of(c.then[i], c.now.unit, then_national(a, &c));
        c.now.value[i] = isnan(now) || isnan(then) ? NAN : now - then;
    }
    if (index)
        nmC_buf_addf(&label, "Change in national %s decile, %s to %s", index, c.since, c.now.period);
    *note = index ? nmP_change_note(a, &c, index) : NULL;
    if (!index || label.failed || !*note) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    } else {
        *out = c.now;
        memset(&c.now, 0, sizeof c.now);
        nm_free(out->label);
        out->label = nmC_buf_take(&label);
        nmC_strlcpy(out->unit, NM_UNIT_DECILE_CHANGE, sizeof out->unit);
        /* a move to a lower decile is a move to more deprivation */
        out->polarity = -1;
        if (!out->label)
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    nmC_buf_free(&label);
    nm_free(index);
    nm_free(label_key);
    nm_change_clear(&c);
    if (rc != NM_OK) {
        nm_values_clear(out);
        nm_free(*note);
        *note = NULL;
    }
    return rc;
}

nm_status nmP_change_spec(nm_ctx *ctx, nm_classify_spec *spec)
{
    return nm_classify_parse(ctx, "breaks:-1.5,-0.5,0.5,1.5", spec);
}

nm_status nmP_change_relabel(nm_ctx *ctx, nm_classes *classes)
{
    int k = nm_classes_count(classes), c;
    nm_status rc = NM_OK;

    if (k != 5)
        return nmC_fail(ctx, NM_ERROR, "a change map has 5 classes, not %d", k);
    for (c = 0; rc == NM_OK && c < k; c++)
        rc = nm_classes_relabel(ctx, classes, c, change_labels[k - 1 - c]);
    return rc;
}

/* ---- change facts --------------------------------------------------------- */

/* What the change facts read: ranks in both releases, and deciles (stored,
 * or MHCLG's from the ranks) for every area of the set. */
typedef struct since_in {
    nm_change rank;
    double *now_dec, *then_dec; /* per area */
    double *older_dec;          /* per older area (rank.older_value as deciles) */
    char *index;                /* "IMD" */
    const char *place;
    const nm_areas *a;
} since_in;

static void since_in_free(since_in *s)
{
    nm_change_clear(&s->rank);
    nm_free(s->now_dec);
    nm_free(s->then_dec);
    nm_free(s->older_dec);
    nm_free(s->index);
}

/* Deciles as published where both releases store them, else from ranks. */
static nm_status read_deciles(nm_store *store, const char *ind, const char *period,
                              const char *since, since_in *s)
{
    nm_change d;
    nmC_buf key = {0};
    nm_status rc;
    size_t i, n = s->rank.n, m = s->rank.nolder;

    s->now_dec = nm_malloc((n ? n : 1) * sizeof *s->now_dec);
    s->then_dec = nm_malloc((n ? n : 1) * sizeof *s->then_dec);
    s->older_dec = nm_malloc((m ? m : 1) * sizeof *s->older_dec);
    nmC_buf_addf(&key, "%s_decile", ind);
    if (!s->now_dec || !s->then_dec || !s->older_dec || key.failed) {
        nmC_buf_free(&key);
        return nmC_fail(nm_store_ctx(store), NM_NOMEM, "out of memory");
    }
    rc = nm_change_read(store, s->a, key.data, period, since, &d);
    nmC_buf_free(&key);
    if (rc == NM_NOTFOUND)
        nmC_clear(nm_store_ctx(store));
    else if (rc != NM_OK)
        return rc;
    for (i = 0; i < n; i++) {
        s->now_dec[i] = rc == NM_OK ? d.now.value[i]
                                    : decile_of(s->rank.now.value[i], "rank",
                                                now_national(s->a, &s->rank));
        s->then_dec[i] = rc == NM_OK ? d.then[i]
                                     : decile_of(s->rank.then[i], "rank",
                                                 then_national(s->a, &s->rank));
    }
    for (i = 0; i < m; i++)
        s->older_dec[i] = rc == NM_OK && d.nolder == m ? d.older_value[i]
                                                       : decile_of(s->rank.older_value[i], "rank",
                                                                   then_national(s->a, &s->rank));
    if (rc == NM_OK)
        nm_change_clear(&d);
    return NM_OK;
}

static void add_number(nm_fact *f, const char *name, double value)
{
    if (f->nnumbers < NM_FACT_MAX_NUMBERS) {
        f->numbers[f->nnumbers].name = name;
        f->numbers[f->nnumbers++].value = value;
    }
}

static nm_status finish(nm_ctx *ctx, nm_fact *f, const char *id, nmC_buf *t, nmC_buf *d,
                        const char *source)
{
    f->id = id;
    f->text = nmC_buf_take(t);
    f->definition = nmC_buf_take(d);
    f->source = nm_strdup(source);
    if (!f->text || !f->definition || !f->source)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    return NM_OK;
}

/* " E01034095 "Southend-on-Sea 001G", ..." for the areas that pass 'want'. */
static long list_areas(nmC_buf *b, const since_in *s, int (*want)(const since_in *, size_t))
{
    long n = 0;
    size_t i;

    for (i = 0; i < s->rank.n; i++) {
        if (!want(s, i))
            continue;
        nmC_buf_addf(b, "%s%s", n++ ? ", " : "", nm_areas_code(s->a, i));
        if (*nm_areas_name(s->a, i))
            nmC_buf_addf(b, " \"%s\"", nm_areas_name(s->a, i));
    }
    return n;
}

static int entered(const since_in *s, size_t i)
{
    return s->now_dec[i] == 1 && !isnan(s->then_dec[i]) && s->then_dec[i] > 1;
}

static int left(const since_in *s, size_t i)
{
    return s->then_dec[i] == 1 && !isnan(s->now_dec[i]) && s->now_dec[i] > 1;
}

static nm_status fact_tenth(nm_ctx *ctx, const since_in *s, nm_fact *f)
{
    const nm_change *c = &s->rank;
    long now = 0, then = 0, in = 0, out = 0;
    char n1[32], n2[32];
    nmC_buf t = {0}, d = {0};
    size_t i;

    for (i = 0; i < c->n; i++)
        now += s->now_dec[i] == 1;
    for (i = 0; i < c->nolder; i++)
        then += s->older_dec[i] == 1;
    nmC_buf_addf(&t, "%ld LSOA%s of %s %s among England's most deprived 10%% on the %s %s (%ld in "
                    "%s).",
                now, now == 1 ? "" : "s", s->place, now == 1 ? "is" : "are", s->index,
                c->now.period, then, c->since);
    for (i = 0; i < c->n; i++) {
        in += entered(s, i);
        out += left(s, i);
    }
    if (in > 0) {
        nmC_buf_addf(&t, " New to it since %s: ", c->since);
        list_areas(&t, s, entered);
        nmC_buf_addf(&t, ".");
    }
    if (out > 0) {
        nmC_buf_addf(&t, " No longer in it: ");
        list_areas(&t, s, left);
        nmC_buf_addf(&t, ".");
    }
    if (in == 0 && out == 0)
        nmC_buf_addf(&t, " No LSOA compared entered or left it.");
    nmC_buf_addf(&d,
                "National decile 1 of the %s in each release (1 = most deprived 10%% of "
                "England's LSOAs: %s in %s). The %s count is of the %s LSOAs of %d from which "
                "the %d LSOAs of %s come (%s); an LSOA entered or left "
                "decile 1 when it, or the older LSOA it was split from, was in another decile "
                "in %s.",
                s->index, nmP_fmt_count(now_national(s->a, c), n1),
                c->now.period, c->since,
                nmP_fmt_count((long)c->nolder, n2), c->since_vintage,
                nm_areas_vintage(s->a), s->place, *c->lookup ? c->lookup : "the same codes",
                c->since);
    add_number(f, "lsoas_now", (double)now);
    add_number(f, "lsoas_then", (double)then);
    add_number(f, "entered", (double)in);
    add_number(f, "left", (double)out);
    return finish(ctx, f, "change_most_deprived_10", &t, &d, c->now.source);
}

static nm_status fact_moves(nm_ctx *ctx, const since_in *s, nm_fact *f)
{
    const nm_change *c = &s->rank;
    long worse = 0, worse2 = 0, same = 0, better = 0, better2 = 0, compared = 0;
    char n1[32], n2[32];
    nmC_buf t = {0}, d = {0};
    size_t i;

    for (i = 0; i < c->n; i++) {
        double diff = s->now_dec[i] - s->then_dec[i];
        if (isnan(diff))
            continue;
        compared++;
        worse += diff < 0;
        worse2 += diff <= -2;
        same += diff == 0;
        better += diff > 0;
        better2 += diff >= 2;
    }
    nmC_buf_addf(&t, "Of the %s LSOAs of %s, %s compare with the %s %s (", nmP_fmt_count((long)c->n, n1),
                s->place, nmP_fmt_count(compared, n2), s->index, c->since);
    add_lineage_counts(&t, c);
    nmC_buf_addf(&t, "): %ld %s in a more deprived national decile than in %s (%ld by two deciles "
                    "or more), %ld in the same decile and %ld in a less deprived one (%ld by two "
                    "or more).",
                worse, worse == 1 ? "is" : "are", c->since, worse2, same, better, better2);
    nmC_buf_addf(&d,
                "Each LSOA's national decile of the %s %s against %s. MHCLG's scores are not on "
                "one scale across releases, so positions (deciles) are compared, not scores. "
                "An unchanged LSOA, and each part of a split one, compares with its LSOA of %d; "
                "a merged one with the decile its older LSOAs share (not compared when they "
                "differ); a redrawn or new one is not compared.",
                s->index, c->now.period, c->since, c->since_vintage);
    add_number(f, "lsoas", (double)c->n);
    add_number(f, "compared", (double)compared);
    add_number(f, "more_deprived", (double)worse);
    add_number(f, "more_deprived_2", (double)worse2);
    add_number(f, "same", (double)same);
    add_number(f, "less_deprived", (double)better);
    add_number(f, "less_deprived_2", (double)better2);
    add_number(f, "unchanged", (double)c->count[NM_LINEAGE_SAME]);
    add_number(f, "split", (double)c->count[NM_LINEAGE_SPLIT]);
    add_number(f, "merged", (double)c->count[NM_LINEAGE_MERGED]);
    add_number(f, "redrawn", (double)c->count[NM_LINEAGE_REDRAWN]);
    return finish(ctx, f, "change_deciles", &t, &d, c->now.source);
}

static nm_status fact_top(nm_ctx *ctx, const since_in *s, nm_fact *f)
{
    const nm_change *c = &s->rank;
    double best = INFINITY;
    size_t i, top = 0;
    char n1[32], n2[32], n3[32];
    nmC_buf t = {0}, d = {0};

    for (i = 0; i < c->n; i++)
        if (c->now.value[i] < best) {
            best = c->now.value[i];
            top = i;
        }
    if (isinf(best)) {
        nmC_buf_addf(&t, "No LSOA of %s has a %s %s rank.", s->place, s->index, c->now.period);
    } else {
        nmC_buf_addf(&t, "The most deprived LSOA of %s, %s", s->place, nm_areas_code(s->a, top));
        if (*nm_areas_name(s->a, top))
            nmC_buf_addf(&t, " \"%s\"", nm_areas_name(s->a, top));
        nmC_buf_addf(&t, ", ranks %s of %s in England on the %s %s; ", nmP_fmt_count(lround(best), n1),
                    nmP_fmt_count(now_national(s->a, c), n2),
                    s->index, c->now.period);
        if (!isnan(c->then[top]))
            nmC_buf_addf(&t, "in %s %s ranked %s of %s.", c->since,
                        c->lineage[top] == NM_LINEAGE_SPLIT ? "the LSOA it was split from" : "it",
                        nmP_fmt_count(lround(c->then[top]), n1),
                        nmP_fmt_count(then_national(s->a, c), n3));
        else
            nmC_buf_addf(&t, "it has no %s rank to compare (%s since %d).", c->since,
                        nm_lineage_name(c->lineage[top]), c->since_vintage);
    }
    nmC_buf_addf(&d, "National ranks of the %s, 1 = most deprived, in each release; the earlier "
                    "rank is its own LSOA's, or that of the LSOA it was split from.",
                s->index);
    add_number(f, "rank_now", isinf(best) ? NAN : best);
    add_number(f, "rank_then", isinf(best) ? NAN : c->then[top]);
    add_number(f, "lsoas_national_now", (double)now_national(s->a, c));
    add_number(f, "lsoas_national_then", (double)then_national(s->a, c));
    return finish(ctx, f, "change_most_deprived_lsoa", &t, &d, c->now.source);
}

nm_status nmP_facts_since(nm_store *store, const nm_areas *a, const char *ind, const char *period,
                         const char *since, const char *place, nm_fact *facts, size_t *n)
{
    nm_ctx *ctx = nm_store_ctx(store);
    since_in s;
    nmC_buf key = {0};
    nm_status rc;

    memset(&s, 0, sizeof s);
    *n = 0;
    s.a = a;
    s.place = place;
    nmC_buf_addf(&key, "%s_rank", ind);
    rc = key.failed ? nmC_fail(ctx, NM_NOMEM, "out of memory")
                    : nm_change_read(store, a, key.data, period, since, &s.rank);
    nmC_buf_free(&key);
    if (rc == NM_OK && !(s.index = nmP_index_name(ind, s.rank.now.label)))
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        rc = read_deciles(store, ind, s.rank.now.period, since, &s);
    if (rc == NM_OK)
        rc = fact_tenth(ctx, &s, &facts[(*n)++]);
    if (rc == NM_OK)
        rc = fact_moves(ctx, &s, &facts[(*n)++]);
    if (rc == NM_OK)
        rc = fact_top(ctx, &s, &facts[(*n)++]);
    since_in_free(&s);
    return rc;
}
