/*
 * Key facts: the sentences a needs analysis quotes ("15,823 people ... live
 * in the 9 LSOAs ... among the 10% most deprived in England"), each with
 * its numbers, a definition and the source.  Selection, values and
 * regional positions come from analyse (nm_areas_select, nm_values_read);
 * this file only counts, words and renders them.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "report/summary_int.h"
#include "store/store_int.h"

/* One LSOA of the selection and what the facts need of it. */
typedef struct lsoa_row {
    double rank, decile, pop, kids;
    double regpos; /* position in its region, NAN when unknown */
    long regn;     /* LSOAs of that region */
} lsoa_row;

/* Everything read from the store for one set of facts. */
typedef struct facts_in {
    nm_areas *a;
    lsoa_row *row;
    size_t n;
    long national_n;
    char period[32];
    char *index;       /* "IMD" */
    char *place;       /* "Southend-on-Sea" */
    char *source;      /* attribution of the index */
    char *pop_label;   /* "Total population, mid 2015", NULL without population */
    char *kids_label;
    char *pop_note;    /* set when the population is of another release */
    char *region;      /* "East of England", NULL when positions are unknown */
    nm_area_wards wards; /* of each row (nm_areas_wards); none read: n 0 */
    char *wards_said;  /* which wards and memberships, and where lookups differ */
    char *codes_note;  /* set when the release is on older codes than the area */
    int newer_vintage; /* the selection's own year when rows are older codes */
} facts_in;

static void facts_in_free(facts_in *in)
{
    nm_area_wards_clear(&in->wards);
    nm_free(in->row);
    nm_free(in->wards_said);
    nm_free(in->codes_note);
    nm_areas_free(in->a);
    nm_free(in->index);
    nm_free(in->place);
    nm_free(in->source);
    nm_free(in->pop_label);
    nm_free(in->kids_label);
    nm_free(in->pop_note);
    nm_free(in->region);
    memset(in, 0, sizeof *in);
}

/* Reads an indicator for the set; NM_NOTFOUND is returned quietly (the
 * caller decides whether a missing indicator is an error). */
static nm_status read_optional(nm_store *store, const nm_areas *a, const char *key,
                               const char *period, nm_rank_scope scope, nm_values *v)
{
    nm_status rc = nm_values_read(store, a, key, period, scope, v);
    if (rc == NM_NOTFOUND)
        nmC_clear(store->ctx);
    return rc;
}

static nm_status read_ranks(nm_store *store, const nm_facts_opts *o, const char *ind,
                            facts_in *in)
{
    nm_values v = {0}, d = {0};
    nmC_buf key = {0};
    nm_status rc, drc;
    size_t i;

    nmC_buf_addf(&key, "%s_rank", ind);
    rc = key.failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory")
                    : nm_values_read(store, in->a, key.data, o->period, NM_RANK_NONE, &v);
    if (rc != NM_OK)
        goto cleanup;
    nmC_strlcpy(in->period, v.period, sizeof in->period);
    in->national_n = v.national_n;
    in->index = nmP_index_name(ind, v.label);
    in->source = nm_strdup(v.source);
    if (!in->index || !in->source) {
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    nmC_buf_free(&key);
    nmC_buf_addf(&key, "%s_decile", ind);
    /* a release without published deciles gets MHCLG's from the ranks */
    drc = read_optional(store, in->a, key.data, v.period, NM_RANK_NONE, &d);
    if (drc != NM_OK && drc != NM_NOTFOUND) {
        rc = drc;
        goto cleanup;
    }
    for (i = 0; i < in->n; i++) {
        in->row[i].rank = v.value[i];
        in->row[i].decile = drc == NM_OK && !isnan(d.value[i]) ? d.value[i]
                            : isnan(v.value[i])                 ? NAN
                                                 : nmP_decile_of_rank(v.value[i], v.national_n);
    }

cleanup:
    nmC_buf_free(&key);
    nm_values_clear(&v);
    nm_values_clear(&d);
    return rc;
}

/* Regional positions as NM_RANK_REGION computes them for maps; without a
 * known region the ward fact says so instead of failing the others. */
static nm_status read_regions(nm_store *store, const char *ind, facts_in *in)
{
    nm_values v = {0};
    nmC_buf key = {0};
    nm_status rc;
    size_t i;

    nmC_buf_addf(&key, "%s_rank", ind);
    rc = key.failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory")
                    : read_optional(store, in->a, key.data, in->period, NM_RANK_REGION, &v);
    if (rc == NM_OK) {
        for (i = 0; i < in->n; i++) {
            in->row[i].regpos = v.value[i];
            in->row[i].regn = v.group_size[i];
        }
        if (*v.group_label && !(in->region = nm_strdup(v.group_label)))
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    nmC_buf_free(&key);
    nm_values_clear(&v);
    return rc == NM_NOTFOUND ? NM_OK : rc;
}

static nm_status read_population(nm_store *store, const nm_facts_opts *o, facts_in *in)
{
    const char *period = o->population_period ? o->population_period : in->period;
    nm_values p = {0}, k = {0};
    nm_status rc;
    size_t i;

    rc = read_optional(store, in->a, "pop_total", period, NM_RANK_NONE, &p);
    if (rc == NM_NOTFOUND && !o->population_period)
        return NM_OK; /* the sentences say the release has none */
    if (rc == NM_NOTFOUND)
        return nmC_fail(store->ctx, NM_NOTFOUND, "no population (pop_total) of period \"%s\"",
                       period);
    if (rc == NM_OK)
        rc = read_optional(store, in->a, "pop_0_15", p.period, NM_RANK_NONE, &k);
    if (rc == NM_OK || rc == NM_NOTFOUND) {
        for (i = 0; i < in->n; i++) {
            in->row[i].pop = p.value[i];
            in->row[i].kids = rc == NM_OK ? k.value[i] : NAN;
        }
        in->pop_label = nm_strdup(p.label);
        in->kids_label = nm_strdup(rc == NM_OK ? k.label : "not available");
        rc = in->pop_label && in->kids_label ? NM_OK : nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    if (rc == NM_OK && strcmp(p.period, in->period) != 0) {
        nmC_buf b = {0};
        nmC_buf_addf(&b, "Population: %s, from the %s release (the %s release has none), as asked.",
                    p.label, p.period, in->period);
        if (!(in->pop_note = nmC_buf_take(&b)))
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    nm_values_clear(&p);
    nm_values_clear(&k);
    return rc;
}

/* The ward of each LSOA (nm_areas_wards). */
static nm_status read_wards(nm_store *store, facts_in *in)
{
    nm_status rc = nm_areas_wards(store, in->a, in->newer_vintage, &in->wards);

    if (rc == NM_OK && in->wards.found > 0 && !in->wards_said)
        rc = nmP_wards_said(store, in->a, &in->wards_said);
    return rc;
}

/* Row i's ward code, or its name (the code when unnamed); NULL when it
 * has none. */
static const char *ward_of(const facts_in *in, size_t i, int name)
{
    if (i >= in->wards.n)
        return NULL;
    return name ? in->wards.name[i] : in->wards.code[i];
}

/* A release on older codes than the area's (IMD 2007 and 2010 on LSOAs of
 * 2001, the area's LSOAs of 2011): the rows become the old LSOAs that make
 * up the area by the stored ONS lookup, each counted once, as MHCLG's
 * guidance on comparing releases has it, instead of the new LSOAs that
 * keep their old code (which lost the four split LSOAs of Norwich). */
static nm_status older_codes(nm_store *store, const nm_facts_opts *o, const char *ind,
                             facts_in *in)
{
    nm_areas *old = NULL;
    nmC_buf key = {0}, note = {0};
    nmS_ind found;
    long split = 0;
    nm_status rc;

    nmC_buf_addf(&key, "%s_rank", ind);
    if (key.failed)
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    rc = nmS_store_find_indicator(store, key.data, o->period, &found);
    nmC_buf_free(&key);
    if (rc != NM_OK) {
        /* read_ranks says what is missing */
        nmC_clear(store->ctx);
        return NM_OK;
    }
    if (strcmp(found.level, "lsoa") == 0 && found.vintage < nm_areas_vintage(in->a))
        rc = nm_areas_older(store, in->a, found.vintage, &old, &split);
    if (rc == NM_OK && old) {
        char c1[32], c2[32];
        nmC_buf_addf(&note,
                    "The %s release is on LSOA codes of %d: the %s LSOAs of %d that make up the "
                    "%s LSOAs of %d by the ONS lookup, an LSOA split since counting once",
                    found.period, found.vintage, nmP_fmt_count((long)nm_areas_count(old), c1),
                    found.vintage, nmP_fmt_count((long)nm_areas_count(in->a), c2),
                    nm_areas_vintage(in->a));
        if (split > 0)
            nmC_buf_addf(&note, "; %ld split between this area and another count%s where most "
                               "of %s parts lie",
                        split, split == 1 ? "s" : "", split == 1 ? "its" : "their");
        nmC_buf_addf(&note, ".");
        in->newer_vintage = nm_areas_vintage(in->a);
        /* the wards are those of the newer LSOAs the old ones lie in */
        rc = nmP_wards_said(store, in->a, &in->wards_said);
        nm_areas_free(in->a);
        in->a = old;
        if (rc == NM_OK && !(in->codes_note = nmC_buf_take(&note)))
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    nmC_buf_free(&note);
    nmS_ind_clear(&found);
    return rc;
}

static nm_status read_inputs(nm_store *store, const nm_facts_opts *o, facts_in *in)
{
    const char *ind = o->indicator ? o->indicator : "imd";
    nm_status rc;
    size_t i;

    rc = nm_areas_select(store, "lsoa", 0, o->within, &in->a);
    if (rc == NM_OK)
        rc = older_codes(store, o, ind, in);
    if (rc != NM_OK)
        return rc;
    in->n = nm_areas_count(in->a);
    in->row = nm_calloc(in->n, sizeof *in->row);
    in->place = nm_strdup(*nm_areas_within_name(in->a) ? nm_areas_within_name(in->a)
                                                        : "the area");
    if (!in->row || !in->place)
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < in->n; i++)
        in->row[i].pop = in->row[i].kids = in->row[i].regpos = NAN;
    rc = read_ranks(store, o, ind, in);
    if (rc == NM_OK)
        rc = read_population(store, o, in);
    if (rc == NM_OK)
        rc = read_regions(store, ind, in);
    if (rc == NM_OK)
        rc = read_wards(store, in);
    return rc;
}

/* ---- facts ------------------------------------------------------------- */

static void add_number(nm_fact *f, const char *name, double value)
{
    if (f->nnumbers < NM_FACT_MAX_NUMBERS) {
        f->numbers[f->nnumbers].name = name;
        f->numbers[f->nnumbers++].value = value;
    }
}

static double sum_or_nan(double a, double b) { return isnan(b) ? a : a + b; }

static nm_status fact_finish(nm_ctx *ctx, nm_fact *f, const char *id, nmC_buf *text, nmC_buf *def,
                             const char *source)
{
    f->id = id;
    f->text = nmC_buf_take(text);
    f->definition = nmC_buf_take(def);
    f->source = nm_strdup(source);
    if (!f->text || !f->definition || !f->source)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    return NM_OK;
}

/* People and children in the LSOAs among the national most deprived
 * 'tenths' tenths (1: 10%, 2: 20%). */
static nm_status fact_deprived(nm_ctx *ctx, const facts_in *in, int tenths, nm_fact *f)
{
    double people = 0, kids = 0, total = 0;
    long count = 0, ranked = 0;
    char c1[32], c2[32], c3[32];
    nmC_buf t = {0}, d = {0};
    size_t i;

    for (i = 0; i < in->n; i++) {
        total = sum_or_nan(total, in->row[i].pop);
        if (isnan(in->row[i].decile))
            continue;
        ranked++;
        if (in->row[i].decile <= tenths) {
            count++;
            people = sum_or_nan(people, in->row[i].pop);
            kids = sum_or_nan(kids, in->row[i].kids);
        }
    }
    if (count == 0)
        nmC_buf_addf(&t, "None of the %s LSOAs of %s is among the %d%% most deprived in England "
                        "(%s %s).",
                    nmP_fmt_count(ranked, c1), in->place, tenths * 10, in->index, in->period);
    else if (!in->pop_label)
        nmC_buf_addf(&t, "%s of the %s LSOAs of %s %s among the %d%% most deprived in England "
                        "(%s %s); population not available for this release.",
                    nmP_fmt_count(count, c1), nmP_fmt_count(ranked, c2), in->place,
                    count == 1 ? "is" : "are", tenths * 10, in->index, in->period);
    else
        nmC_buf_addf(&t, "%s people (%.1f%% of the population), including %s children aged "
                        "0-15, live in the %s LSOA%s of %s that %s among the %d%% most deprived "
                        "in England (%s %s).",
                    nmP_fmt_count(lround(people), c1), total > 0 ? 100.0 * people / total : 0.0,
                    nmP_fmt_count(lround(kids), c2), nmP_fmt_count(count, c3), count == 1 ? "" : "s",
                    in->place, count == 1 ? "is" : "are", tenths * 10, in->index, in->period);
    if (in->pop_note && count > 0)
        nmC_buf_addf(&t, " %s", in->pop_note);
    nmC_buf_addf(&d, "An LSOA is among the %d%% most deprived in England when its national %s "
                    "decile is %s (all %s LSOAs of England ranked, 1 = most deprived).",
                tenths * 10, in->index, tenths == 1 ? "1" : "1 or 2",
                nmP_fmt_count(in->national_n, c1));
    if (in->pop_label)
        nmC_buf_addf(&d, " People: %s; children: %s; the share is of the population of the %s "
                        "LSOAs of %s.",
                    in->pop_label, in->kids_label, nmP_fmt_count((long)in->n, c2), in->place);
    add_number(f, "lsoas", (double)count);
    add_number(f, "lsoas_ranked", (double)ranked);
    add_number(f, "people", in->pop_label ? people : NAN);
    add_number(f, "children_0_15", in->pop_label ? kids : NAN);
    add_number(f, "population", in->pop_label ? total : NAN);
    add_number(f, "share_of_population", in->pop_label && total > 0 ? people / total : NAN);
    return fact_finish(ctx, f, tenths == 1 ? "most_deprived_10" : "most_deprived_20", &t, &d,
                       in->source);
}

/* A ward as the ward fact sees it. */
typedef struct ward_sum {
    const char *code, *name;
    long lsoas, worst20; /* LSOAs, and of which among the region's worst 20% */
    double people;
} ward_sum;

static int cmp_ward_name(const void *a, const void *b)
{
    const ward_sum *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->code, y->code);
}

/* The wards of the set, each once, with their counts; sorted by name. */
static ward_sum *sum_wards(const facts_in *in, size_t *nw)
{
    ward_sum *w = nm_calloc(in->n ? in->n : 1, sizeof *w);
    size_t i, j;

    *nw = 0;
    for (i = 0; w && i < in->n; i++) {
        const lsoa_row *r = &in->row[i];
        const char *code = ward_of(in, i, 0);
        if (!code)
            continue;
        for (j = 0; j < *nw && strcmp(w[j].code, code) != 0; j++)
            ;
        if (j == *nw) {
            w[j].code = code;
            w[j].name = ward_of(in, i, 1);
            (*nw)++;
        }
        w[j].lsoas++;
        w[j].worst20 += !isnan(r->regpos) && r->regpos <= 0.2 * (double)r->regn;
        w[j].people = sum_or_nan(w[j].people, r->pop);
    }
    if (w)
        qsort(w, *nw, sizeof *w, cmp_ward_name);
    return w;
}

/* "A", "A and B", "A, B and C" */
static void add_names(nmC_buf *b, const ward_sum *w, size_t nw)
{
    size_t i, k = 0, all = 0;

    for (i = 0; i < nw; i++)
        all += w[i].worst20 == w[i].lsoas;
    for (i = 0; i < nw; i++) {
        if (w[i].worst20 != w[i].lsoas)
            continue;
        k++;
        nmC_buf_addf(b, "%s%s", k == 1 ? "" : k == all ? " and " : ", ", w[i].name);
    }
}

static nm_status fact_wards(nm_ctx *ctx, const facts_in *in, nm_fact *f)
{
    size_t nw = 0, i, q = 0;
    ward_sum *w = NULL;
    double people = 0;
    long regn = 0;
    char c1[32], c2[32], c3[32];
    nmC_buf t = {0}, d = {0};
    nm_status rc;

    for (i = 0; i < in->n; i++)
        if (in->row[i].regn > regn)
            regn = in->row[i].regn;
    if (!(w = sum_wards(in, &nw)))
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < nw; i++)
        if (w[i].worst20 == w[i].lsoas) {
            q++;
            people += w[i].people;
        }
    if (in->wards.found == 0) {
        nmC_buf_addf(&t, "No LSOA of %s has a ward in the store, so the wards in the region's "
                        "most deprived 20%% cannot be named (import an LSOA to ward lookup, or "
                        "run needsmap assign --from lsoa --to ward).",
                    in->place);
    } else if (!in->region) {
        nmC_buf_addf(&t, "The wards of %s in the region's most deprived 20%% cannot be named: no "
                        "region is known for its LSOAs (import a file with regions, such as the "
                        "assembled IoD file's RGN19CD).",
                    in->place);
    } else if (q == 0) {
        nmC_buf_addf(&t, "None of the %s wards of %s has every LSOA among the 20%% most deprived "
                        "of the %s LSOAs of %s (%s %s).",
                    nmP_fmt_count((long)nw, c1), in->place, nmP_fmt_count(regn, c2), in->region,
                    in->index, in->period);
    } else {
        nmC_buf_addf(&t, "In %s of the %s wards of %s, ", nmP_fmt_count((long)q, c1),
                    nmP_fmt_count((long)nw, c2), in->place);
        add_names(&t, w, nw);
        nmC_buf_addf(&t, ", every LSOA is among the 20%% most deprived of the %s LSOAs of %s "
                        "(%s %s)",
                    nmP_fmt_count(regn, c3), in->region, in->index, in->period);
        if (in->pop_label)
            nmC_buf_addf(&t, "; %s people live in %s.", nmP_fmt_count(lround(people), c1),
                        q == 1 ? "it" : "them");
        else
            nmC_buf_addf(&t, "; population not available for this release.");
        if (in->pop_note)
            nmC_buf_addf(&t, " %s", in->pop_note);
    }
    nmC_buf_addf(&d, "LSOAs are placed in wards by the stored LSOA to ward memberships (an "
                    "official lookup before a point-in-polygon or area one); a ward counts when "
                    "every one of its LSOAs in %s has a position within its region of at most "
                    "20%% of the region's LSOAs (1 = most deprived), ranked on the %s.",
                in->place, in->index);
    add_number(f, "wards", (double)q);
    add_number(f, "wards_in_area", (double)nw);
    add_number(f, "region_lsoas", (double)regn);
    add_number(f, "region_threshold", 0.2 * (double)regn);
    add_number(f, "people", in->pop_label && q ? people : in->pop_label ? 0 : NAN);
    if (in->wards_said)
        nmC_buf_addf(&d, " %s", in->wards_said);
    rc = fact_finish(ctx, f, "wards_region_20", &t, &d, in->source);
    nm_free(w);
    return rc;
}

static nm_status fact_most_deprived(nm_ctx *ctx, const facts_in *in, nm_fact *f)
{
    double best = INFINITY;
    size_t i, k = 0, ties = 0;
    char c1[32], c2[32];
    nmC_buf t = {0}, d = {0};

    for (i = 0; i < in->n; i++)
        if (in->row[i].rank < best)
            best = in->row[i].rank;
    for (i = 0; i < in->n; i++)
        ties += in->row[i].rank == best;
    if (ties == 0) {
        nmC_buf_addf(&t, "No LSOA of %s has a %s %s rank.", in->place, in->index, in->period);
    } else {
        nmC_buf_addf(&t, "The most deprived LSOA%s of %s %s ", ties > 1 ? "s" : "", in->place,
                    ties > 1 ? "are" : "is");
        for (i = 0; i < in->n; i++) {
            if (in->row[i].rank != best)
                continue;
            k++;
            nmC_buf_addf(&t, "%s%s", k == 1 ? "" : k == ties ? " and " : ", ",
                        nm_areas_code(in->a, i));
            if (*nm_areas_name(in->a, i))
                nmC_buf_addf(&t, " \"%s\"", nm_areas_name(in->a, i));
            if (ward_of(in, i, 1))
                nmC_buf_addf(&t, " in %s ward", ward_of(in, i, 1));
        }
        nmC_buf_addf(&t, ", %s %s of %s LSOAs in England (%s %s).",
                    ties > 1 ? "sharing rank" : "ranked", nmP_fmt_count(lround(best), c1),
                    nmP_fmt_count(in->national_n, c2), in->index, in->period);
    }
    nmC_buf_addf(&d, "The LSOA with the lowest national %s rank (1 = most deprived in England); "
                    "its ward from the stored LSOA to ward memberships.",
                in->index);
    add_number(f, "rank", ties ? best : NAN);
    add_number(f, "lsoas_national", (double)in->national_n);
    add_number(f, "tied", (double)ties);
    if (in->wards_said)
        nmC_buf_addf(&d, " %s", in->wards_said);
    return fact_finish(ctx, f, "most_deprived_lsoa", &t, &d, in->source);
}

static nm_status fact_deciles(nm_ctx *ctx, const facts_in *in, nm_fact *f)
{
    static const char *const count_names[10] = {"decile_1", "decile_2", "decile_3", "decile_4",
                                                "decile_5", "decile_6", "decile_7", "decile_8",
                                                "decile_9", "decile_10"};
    static const char *const share_names[10] = {"share_1", "share_2", "share_3", "share_4",
                                                "share_5", "share_6", "share_7", "share_8",
                                                "share_9", "share_10"};
    long count[10] = {0}, ranked = 0;
    char c1[32];
    nmC_buf t = {0}, d = {0};
    size_t i;
    int k;

    for (i = 0; i < in->n; i++)
        if (!isnan(in->row[i].decile) && in->row[i].decile >= 1 && in->row[i].decile <= 10) {
            count[(int)in->row[i].decile - 1]++;
            ranked++;
        }
    nmC_buf_addf(&t, "Of the %s LSOAs of %s, ", nmP_fmt_count(ranked, c1), in->place);
    for (k = 0; k < 10; k++) {
        nmC_buf_addf(&t, "%s%ld (%.1f%%) %s decile %d%s", k == 0 ? "" : k == 9 ? " and " : ", ",
                    count[k], ranked ? 100.0 * (double)count[k] / (double)ranked : 0.0,
                    k == 0 ? "are in national" : "in", k + 1,
                    k == 0 ? " (the most deprived 10% in England)"
                    : k == 9 ? " (the least deprived)"
                             : "");
        add_number(f, count_names[k], (double)count[k]);
        add_number(f, share_names[k], ranked ? (double)count[k] / (double)ranked : NAN);
    }
    nmC_buf_addf(&t, " (%s %s).", in->index, in->period);
    add_number(f, "lsoas", (double)ranked);
    nmC_buf_addf(&d, "National deciles of the %s: all %s LSOAs of England ranked and cut into ten "
                    "groups of equal count, 1 = most deprived; shares are of the LSOAs of %s.",
                in->index, nmP_fmt_count(in->national_n, c1), in->place);
    return fact_finish(ctx, f, "decile_shares", &t, &d, in->source);
}

/* ---- rendering ---------------------------------------------------------- */

static void render_text(const nm_facts_result *r, nmC_buf *b, int md)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        const nm_fact *f = &r->facts[i];
        if (md)
            nmC_buf_addf(b, "- %s\n  *Definition:* %s\n  *Source:* %s\n", f->text, f->definition,
                        f->source);
        else
            nmC_buf_addf(b, "%s\n  Definition: %s\n  Source: %s\n\n", f->text, f->definition,
                        f->source);
    }
}

static json_object *number_json(double v)
{
    if (isnan(v))
        return NULL;
    if (v == floor(v) && fabs(v) < 1e15)
        return json_object_new_int64((int64_t)v);
    return json_object_new_double(v);
}

static int render_json(const nm_facts_result *r, nmC_buf *b)
{
    json_object *arr = json_object_new_array();
    size_t i;
    int k;

    if (!arr)
        return 0;
    for (i = 0; i < r->n; i++) {
        const nm_fact *f = &r->facts[i];
        json_object *o = json_object_new_object(), *nums = json_object_new_object();
        for (k = 0; k < f->nnumbers; k++)
            json_object_object_add(nums, f->numbers[k].name, number_json(f->numbers[k].value));
        json_object_object_add(o, "id", json_object_new_string(f->id));
        json_object_object_add(o, "text", json_object_new_string(f->text));
        json_object_object_add(o, "numbers", nums);
        json_object_object_add(o, "definition", json_object_new_string(f->definition));
        json_object_object_add(o, "source", json_object_new_string(f->source));
        json_object_array_add(arr, o);
    }
    nmC_buf_addf(b, "%s\n",
                json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
                                                        JSON_C_TO_STRING_SPACED |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(arr);
    return 1;
}

static nm_status render(nm_ctx *ctx, const nm_facts_opts *o, const facts_in *in,
                        nm_facts_result *r)
{
    nmC_buf b = {0};

    if (o->format == NM_FORMAT_JSON) {
        if (!render_json(r, &b))
            b.failed = 1;
    } else {
        if (o->format == NM_FORMAT_MD)
            nmC_buf_addf(&b, "## Key facts: %s (%s %s)\n\n", in->place, in->index, in->period);
        render_text(r, &b, o->format == NM_FORMAT_MD);
    }
    if (b.failed || !(r->rendered = nmC_buf_take(&b))) {
        nmC_buf_free(&b);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    return NM_OK;
}

void nm_facts_result_clear(nm_facts_result *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; r->facts && i < r->n; i++) {
        nm_free(r->facts[i].text);
        nm_free(r->facts[i].definition);
        nm_free(r->facts[i].source);
    }
    nm_free(r->facts);
    nm_free(r->rendered);
    memset(r, 0, sizeof *r);
}

enum { NFACTS = 5 + NM_FACTS_SINCE };

nm_status nm_facts(nm_store *store, const nm_facts_opts *o, nm_facts_result *r)
{
    nm_ctx *ctx = nm_store_ctx(store);
    facts_in in = {0};
    nm_status rc = NM_OK;

    nmC_clear(ctx);
    memset(r, 0, sizeof *r);
    if (o->format != NM_FORMAT_TEXT && o->format != NM_FORMAT_MD && o->format != NM_FORMAT_JSON)
        return nmC_fail(ctx, NM_USAGE, "facts are written as text, md or json");
    rc = read_inputs(store, o, &in);
    if (rc == NM_OK && !(r->facts = nm_calloc(NFACTS, sizeof *r->facts)))
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        rc = fact_deprived(ctx, &in, 1, &r->facts[r->n++]);
    if (rc == NM_OK)
        rc = fact_deprived(ctx, &in, 2, &r->facts[r->n++]);
    if (rc == NM_OK)
        rc = fact_wards(ctx, &in, &r->facts[r->n++]);
    if (rc == NM_OK)
        rc = fact_most_deprived(ctx, &in, &r->facts[r->n++]);
    if (rc == NM_OK)
        rc = fact_deciles(ctx, &in, &r->facts[r->n++]);
    if (rc == NM_OK && o->since) {
        size_t added = 0;
        rc = nmP_facts_since(store, in.a, o->indicator ? o->indicator : "imd", in.period, o->since,
                            in.place, &r->facts[r->n], &added);
        r->n += added;
    }
    /* every figure counts the older LSOAs: every definition says so */
    for (size_t k = 0; rc == NM_OK && in.codes_note && k < r->n; k++) {
        nmC_buf b = {0};
        nmC_buf_addf(&b, "%s %s", r->facts[k].definition, in.codes_note);
        nm_free(r->facts[k].definition);
        if (!(r->facts[k].definition = nmC_buf_take(&b)))
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    if (rc == NM_OK)
        rc = render(ctx, o, &in, r);
    if (rc == NM_OK)
        rc = nmP_report_emit(ctx, r->rendered, o->output);
    facts_in_free(&in);
    if (rc != NM_OK)
        nm_facts_result_clear(r);
    return rc;
}
