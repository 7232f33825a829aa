/*
 * MHCLG's local-authority summary measures (average rank, average score,
 * proportion of LSOAs in the most deprived 10% nationally, extent, local
 * concentration) computed from the stored LSOA values for every authority
 * reached through LSOA -> LAD memberships, with each authority's rank
 * among all, and a comparison with its statistical neighbours.
 * docs/MEASURES.md defines the measures; the store's values are read
 * through analyse's code-ordered tables (analyse_int.h).
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "needsmap/ingest.h"
#include "report/t1chart_int.h"
#include "report/report_int.h"
#include "report/summary_int.h"
#include "store/store_int.h"

/* What one authority's measures are computed from. */
typedef struct la_lsoa {
    double rank, score, pop;
    int in10;    /* national decile 1 */
    int has_pop; /* a population is stored for it */
} la_lsoa;

/* The national tables of one release. */
typedef struct la_in {
    nmS_ind rank_ind;
    nmS_vtable rank, score, decile, pop;
    int has_score, has_decile;
    char *index;
    char *pop_label;
    long no_pop; /* LSOAs ranked but without a population */
    long national; /* N: the LSOAs of England the ranks run over */
    double reached; /* ranked LSOAs reached through the memberships (split
                       ones in parts) */
    int upper;     /* authorities of the upper tier (counties, unitaries) */
} la_in;

static void la_in_free(la_in *in)
{
    nmS_ind_clear(&in->rank_ind);
    nmS_vtable_free(&in->rank);
    nmS_vtable_free(&in->score);
    nmS_vtable_free(&in->decile);
    nmS_vtable_free(&in->pop);
    nm_free(in->index);
    nm_free(in->pop_label);
    memset(in, 0, sizeof *in);
}

/* Reads every value of indicator 'key' of 'period' into 't'; 'ind' gets
 * what the store says of it.  'optional': NM_NOTFOUND leaves 't' empty. */
static nm_status read_table(nm_store *store, const char *key, const char *period, int optional,
                            nmS_ind *ind, nmS_vtable *t)
{
    nm_status rc = nmS_store_find_indicator(store, key, period, ind);

    if (rc == NM_NOTFOUND && optional) {
        nmC_clear(store->ctx);
        return NM_NOTFOUND;
    }
    if (rc == NM_OK)
        rc = nmS_store_each_value(store, ind, nmS_vtable_add, t);
    if (rc == NM_OK && t->failed)
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    return rc;
}

static nm_status read_inputs(nm_store *store, const nm_la_summary_opts *o, la_in *in)
{
    const char *ind = o->indicator ? o->indicator : "imd";
    nmS_ind other = {0};
    nmC_buf key = {0};
    nm_status rc;

    nmC_buf_addf(&key, "%s_rank", ind);
    rc = key.failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory")
                    : read_table(store, key.data, o->period, 0, &in->rank_ind, &in->rank);
    nmC_buf_free(&key);
    if (rc != NM_OK)
        return rc;
    if (!(in->index = nmP_index_name(ind, in->rank_ind.label)))
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    nmC_buf_addf(&key, "%s_score", ind);
    rc = read_table(store, key.data, in->rank_ind.period, 1, &other, &in->score);
    in->has_score = rc == NM_OK;
    nmS_ind_clear(&other);
    nmC_buf_free(&key);
    if (rc == NM_OK || rc == NM_NOTFOUND) {
        nmC_buf_addf(&key, "%s_decile", ind);
        rc = read_table(store, key.data, in->rank_ind.period, 1, &other, &in->decile);
        in->has_decile = rc == NM_OK;
        nmS_ind_clear(&other);
        nmC_buf_free(&key);
    }
    if (rc != NM_OK && rc != NM_NOTFOUND)
        return rc;
    rc = read_table(store, "pop_total",
                    o->population_period ? o->population_period : in->rank_ind.period, 1, &other,
                    &in->pop);
    if (rc == NM_NOTFOUND)
        rc = nmC_fail(store->ctx, NM_NOTFOUND,
                     "no population (pop_total) of %s: the measures are population-weighted; "
                     "give --population-period with a release that has one",
                     o->population_period ? o->population_period : in->rank_ind.period);
    else if (rc == NM_OK && other.vintage != in->rank_ind.vintage)
        rc = nmC_fail(store->ctx, NM_USAGE,
                     "pop_total %s is on %s codes of %d, %s_rank %s on codes of %d: the "
                     "population cannot weight these LSOAs",
                     other.period, other.level, other.vintage, ind, in->rank_ind.period,
                     in->rank_ind.vintage);
    if (rc == NM_OK && !(in->pop_label = nm_strdup(other.label)))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    nmS_ind_clear(&other);
    return rc;
}

/* N for the measures: the ranks stored when they are all there (1..n
 * once each, as in a generated test), else England's count for their
 * code year, never below the highest rank seen. */
static long national_n(const la_in *in)
{
    double top = 0;
    size_t i;

    for (i = 0; i < in->rank.n; i++)
        if (in->rank.value[i] > top)
            top = in->rank.value[i];
    return nm_rank_denominator((long)in->rank.n, (long)top, in->rank_ind.vintage);
}

/* ---- the measures of one authority -------------------------------------- */

static int cmp_lsoa_rank(const void *a, const void *b)
{
    const la_lsoa *x = a, *y = b;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Extent weight of an LSOA by its national percentile (1 = the most
 * deprived 1%), as the IoD 2019 Technical Report, Appendix N, puts it:
 * "The population living in the most deprived 11 to 30 per cent of
 * Lower-layer Super Output Areas receive a sliding weight, ranging from
 * 0.95 for those in the most deprived eleventh percentile, to 0.05 for
 * those in the most deprived thirtieth percentile. In practice this means
 * that the weight starts from 0.95 in the most deprived eleventh
 * percentile, and then decreases by (0.95-0.05)/19 for each of the
 * subsequent nineteen percentiles until it reaches 0.05 for the most
 * deprived thirtieth percentile, and zero for areas outside the most
 * deprived 30 per cent."  The most deprived 10% weigh 1. */
static double extent_weight(double rank, long n)
{
    /* percentiles cut the ranks as MHCLG's deciles do (rank x 100 / n,
       rounded up) */
    double pct = ceil(rank * 100.0 / (double)n);

    if (pct <= 10)
        return 1.0;
    if (pct <= 30)
        return 0.95 - (0.9 / 19.0) * (pct - 11.0);
    return 0.0;
}

/* Fills the measures of row 'r' from its 'm' LSOAs (sorted here). */
static void measure(nm_la_row *r, la_lsoa *e, size_t m, long n, int has_score)
{
    double pop = 0, wrank = 0, wscore = 0, wext = 0, target, acc = 0, conc = 0;
    long in10 = 0, no_pop = 0;
    size_t i;

    for (i = 0; i < m; i++) {
        no_pop += !e[i].has_pop;
        /* ranks reversed so that the most deprived LSOA weighs n, as
           MHCLG does for average rank and local concentration */
        double rev = (double)n + 1.0 - e[i].rank;
        pop += e[i].pop;
        wrank += e[i].pop * rev;
        wscore += e[i].pop * e[i].score;
        wext += e[i].pop * extent_weight(e[i].rank, n);
        in10 += e[i].in10;
    }
    r->lsoas = (long)m;
    r->population = pop;
    r->prop10 = m ? (double)in10 / (double)m : NAN;
    r->no_pop = no_pop;
    /* a population-weighted measure of an authority with LSOAs of unknown
       population would be another authority's: not given */
    if (pop <= 0 || no_pop > 0) {
        r->avg_rank = r->avg_score = r->extent = r->local_conc = NAN;
        return;
    }
    r->avg_rank = wrank / pop;
    r->avg_score = has_score ? wscore / pop : NAN;
    r->extent = wext / pop;
    /* local concentration: the most deprived LSOAs that hold exactly 10%
       of the population, the last one only in part */
    qsort(e, m, sizeof *e, cmp_lsoa_rank);
    target = 0.1 * pop;
    for (i = 0; i < m && acc < target; i++) {
        double take = fmin(e[i].pop, target - acc);
        conc += take * ((double)n + 1.0 - e[i].rank);
        acc += take;
    }
    r->local_conc = conc / target;
}

/* Rank among all authorities, 1 = the highest value (most deprived);
 * equal values share the better rank; 0 for a missing value. */
static void rank_rows(nm_la_row *rows, size_t n, size_t field_value, size_t field_rank)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        double x = *(double *)((char *)&rows[i] + field_value);
        long above = 0;
        for (j = 0; j < n && !isnan(x); j++) {
            double y = *(double *)((char *)&rows[j] + field_value);
            above += !isnan(y) && y > x;
        }
        *(long *)((char *)&rows[i] + field_rank) = isnan(x) ? 0 : above + 1;
    }
}

static nm_status add_row(nm_ctx *ctx, nm_la_summary_result *res, size_t *cap, const char *code,
                         const char *name)
{
    nm_la_row *r;

    if (res->n == *cap) {
        size_t c = *cap ? *cap * 2 : 512;
        nm_la_row *rows = nm_realloc(res->rows, c * sizeof *rows);
        if (!rows)
            return nmC_fail(ctx, NM_NOMEM, "out of memory");
        res->rows = rows;
        *cap = c;
    }
    r = &res->rows[res->n++];
    memset(r, 0, sizeof *r);
    r->code = nm_strdup(code);
    r->name = nm_strdup(name);
    if (!r->code || !r->name)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    return NM_OK;
}

/* One LSOA of an authority, from the national tables; 0 when unranked. */
static int lsoa_of(la_in *in, const char *code, double weight, la_lsoa *e)
{
    long k = nmS_vtable_find(&in->rank, code), p, s, d;

    if (k < 0)
        return 0;
    p = nmS_vtable_find(&in->pop, code);
    s = in->has_score ? nmS_vtable_find(&in->score, code) : -1;
    d = in->has_decile ? nmS_vtable_find(&in->decile, code) : -1;
    e->rank = in->rank.value[k];
    e->pop = p >= 0 ? in->pop.value[p] * weight : 0;
    e->has_pop = p >= 0;
    e->score = s >= 0 ? in->score.value[s] : NAN;
    e->in10 = (d >= 0 ? in->decile.value[d] : nmP_decile_of_rank(e->rank, in->national)) == 1;
    in->no_pop += p < 0;
    return 1;
}

/* LSOA -> LAD memberships of the latest LAD year stored for these LSOAs. */
static const char district_sql[] =
    "SELECT m.child, m.parent, COALESCE((SELECT a.name FROM area a WHERE a.code = m.parent "
    "AND a.level = 'lad' AND a.name IS NOT NULL ORDER BY a.vintage DESC LIMIT 1), m.parent), "
    "m.weight FROM membership m WHERE m.child_level = ?1 AND m.child_vintage = ?2 AND "
    "m.parent_level = 'lad' AND m.parent_vintage = (SELECT MAX(parent_vintage) FROM "
    "membership WHERE child_level = ?1 AND child_vintage = ?2 AND parent_level = 'lad') "
    "ORDER BY m.parent, m.child";

/* The same, then LAD -> upper tier (an ONS LAD -> UTLA lookup, stored at
 * level utla or county; a unitary is its own upper tier), joined by
 * district code through the lookup of years ?3 -> ?4 that pick_lookup()
 * chose. */
static const char upper_sql[] =
    "WITH ladv AS (SELECT MAX(parent_vintage) AS v FROM membership WHERE child_level = ?1 AND "
    "child_vintage = ?2 AND parent_level = 'lad'), "
    "lu AS (SELECT child, parent, weight FROM membership WHERE child_level = 'lad' AND "
    "parent_level IN ('utla', 'county') AND method = 'lookup' AND child_vintage = ?3 AND "
    "parent_vintage = ?4) "
    "SELECT m.child, lu.parent, COALESCE((SELECT a.name FROM area a WHERE a.code = lu.parent "
    "AND a.level IN ('utla', 'county') AND a.name IS NOT NULL ORDER BY a.vintage DESC LIMIT 1), "
    "lu.parent), m.weight * lu.weight FROM membership m JOIN lu ON lu.child = m.parent, ladv "
    "WHERE m.child_level = ?1 AND m.child_vintage = ?2 AND m.parent_level = 'lad' AND "
    "m.parent_vintage = ladv.v ORDER BY lu.parent, m.child";

/* The stored LAD -> upper-tier lookups, the one used first: the lookup
 * whose district year is that of the LSOA -> LAD memberships (LAD19_UTLA19
 * for IoD 2019), else the one of the latest years (LAD codes of 2023 and
 * 2024 are the same in England); ties by the later district year.  The
 * rule is in docs/ARCHITECTURE.md ("Which lookup groups districts"). */
static const char lookups_sql[] =
    "WITH ladv AS (SELECT MAX(parent_vintage) AS v FROM membership WHERE child_level = ?1 AND "
    "child_vintage = ?2 AND parent_level = 'lad') "
    "SELECT child_vintage, parent_vintage, ladv.v FROM membership, ladv WHERE "
    "child_level = 'lad' AND parent_level IN ('utla', 'county') AND method = 'lookup' "
    "GROUP BY child_vintage, parent_vintage "
    "ORDER BY child_vintage = ladv.v DESC, parent_vintage DESC, child_vintage DESC";

/* Chooses the LAD -> upper-tier lookup into *cv -> *pv (0 when none is
 * stored) and says in res->grouping which, and which others are stored. */
static nm_status pick_lookup(nm_store *store, const la_in *in, nm_la_summary_result *res,
                             int *cv, int *pv)
{
    sqlite3_stmt *st = NULL;
    nmC_buf b = {0}, others = {0};
    nm_status rc;
    int s, n = 0, ladv = 0;

    *cv = *pv = 0;
    rc = nmS_store_prepare(store, lookups_sql, &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, in->rank_ind.level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, in->rank_ind.vintage);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int c = sqlite3_column_int(st, 0), p = sqlite3_column_int(st, 1);
        if (n++ == 0) {
            *cv = c;
            *pv = p;
            ladv = sqlite3_column_int(st, 2);
        } else {
            nmC_buf_addf(&others, "%sLAD %d -> UTLA %d", n > 2 ? ", " : "", c, p);
        }
    }
    if (s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "reading the LAD -> upper-tier lookups");
    sqlite3_finalize(st);
    if (rc == NM_OK && n) {
        nmC_buf_addf(&b, "Districts (%d codes) grouped into the upper tier by the LAD %d -> UTLA %d "
                        "lookup%s%s%s",
                    ladv, *cv, *pv,
                    *cv == ladv ? " (the districts' year)"
                                : " (the latest: no lookup of the districts' year is stored)",
                    n > 1 ? "; also stored, not used: " : "", n > 1 ? others.data : "");
        nmC_strlcpy(res->grouping, b.failed ? "" : b.data, sizeof res->grouping);
        if (b.failed || others.failed)
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    nmC_buf_free(&b);
    nmC_buf_free(&others);
    return rc;
}

/* Walks the LSOA -> authority memberships in authority order, computing
 * each authority's measures when its last LSOA has been read. */
static nm_status compute(nm_store *store, la_in *in, nm_la_summary_result *res)
{
    sqlite3_stmt *st = NULL;
    la_lsoa *e = NULL;
    size_t m = 0, cap = 0, ecap = 0;
    nm_status rc;
    int s;

    int cv = 0, pv = 0;

    rc = in->upper ? pick_lookup(store, in, res, &cv, &pv) : NM_OK;
    if (rc == NM_OK)
        rc = nmS_store_prepare(store, in->upper ? upper_sql : district_sql, &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, in->rank_ind.level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, in->rank_ind.vintage);
    if (in->upper) {
        sqlite3_bind_int(st, 3, cv);
        sqlite3_bind_int(st, 4, pv);
    }
    while (rc == NM_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *child = (const char *)sqlite3_column_text(st, 0);
        const char *parent = (const char *)sqlite3_column_text(st, 1);
        if (res->n == 0 || strcmp(res->rows[res->n - 1].code, parent) != 0) {
            if (res->n)
                measure(&res->rows[res->n - 1], e, m, in->national, in->has_score);
            m = 0;
            rc = add_row(store->ctx, res, &cap, parent, (const char *)sqlite3_column_text(st, 2));
        }
        if (rc == NM_OK && m == ecap) {
            la_lsoa *g = nm_realloc(e, (ecap = ecap ? ecap * 2 : 256) * sizeof *g);
            if (!g)
                rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
            else
                e = g;
        }
        if (rc == NM_OK && lsoa_of(in, child, sqlite3_column_double(st, 3), &e[m])) {
            in->reached += sqlite3_column_double(st, 3);
            m++;
        }
    }
    if (rc == NM_OK && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "reading LSOA to LAD memberships");
    if (rc == NM_OK && res->n)
        measure(&res->rows[res->n - 1], e, m, in->national, in->has_score);
    if (rc == NM_OK && res->n == 0 && in->upper)
        rc = nmC_fail(store->ctx, NM_NOTFOUND,
                     "no district -> upper-tier memberships reach the LSOA (%d) districts: import "
                     "an ONS LAD -> UTLA lookup (lookups/ons/LAD23_UTLA23_EW_LU.csv --child "
                     "LAD23CD --parent UTLA23CD --parent-level utla)",
                     in->rank_ind.vintage);
    else if (rc == NM_OK && res->n == 0)
        rc = nmC_fail(store->ctx, NM_NOTFOUND,
                     "no LSOA (%d) to local authority memberships in the store: import the IoD "
                     "file (its LAD column) or an LSOA to LAD lookup",
                     in->rank_ind.vintage);
    sqlite3_finalize(st);
    nm_free(e);
    return rc;
}

static void rank_all(nm_la_summary_result *res)
{
    rank_rows(res->rows, res->n, offsetof(nm_la_row, avg_rank), offsetof(nm_la_row, rank_avg_rank));
    rank_rows(res->rows, res->n, offsetof(nm_la_row, avg_score),
              offsetof(nm_la_row, rank_avg_score));
    rank_rows(res->rows, res->n, offsetof(nm_la_row, prop10), offsetof(nm_la_row, rank_prop10));
    rank_rows(res->rows, res->n, offsetof(nm_la_row, extent), offsetof(nm_la_row, rank_extent));
    rank_rows(res->rows, res->n, offsetof(nm_la_row, local_conc),
              offsetof(nm_la_row, rank_local_conc));
}

/* Ranks among authorities need every authority whole: every LSOA of
 * England ranked, reached through the memberships and with a population.
 * Otherwise res->no_rank says what is missing and no rank is given. */
static int ranks_complete(const la_in *in, nm_la_summary_result *res)
{
    const char *what = in->upper ? "upper-tier authorities" : "districts";
    char a[48], b[48];
    long whole = 0;
    size_t i;

    for (i = 0; i < res->n; i++)
        whole += res->rows[i].no_pop == 0 && res->rows[i].population > 0;
    if ((long)in->rank.n < in->national)
        snprintf(res->no_rank, sizeof res->no_rank,
                 "Rank not given: %s ranks stored for %s of the %s LSOAs of England", in->index,
                 nmP_fmt_count((long)in->rank.n, a), nmP_fmt_count(in->national, b));
    else if (whole < (long)res->n)
        snprintf(res->no_rank, sizeof res->no_rank,
                 "Rank not given: population denominators present for %s of %s %s",
                 nmP_fmt_count(whole, a), nmP_fmt_count((long)res->n, b), what);
    else if (in->reached + 0.5 < (double)in->rank.n)
        snprintf(res->no_rank, sizeof res->no_rank,
                 "Rank not given: %s of the %s ranked LSOAs reach no %s through the stored "
                 "memberships",
                 nmP_fmt_count((long)((double)in->rank.n - in->reached + 0.5), a),
                 nmP_fmt_count((long)in->rank.n, b), what);
    else
        return 1;
    return 0;
}

static long find_row(const nm_la_summary_result *res, const char *code)
{
    size_t i;

    for (i = 0; i < res->n; i++)
        if (strcmp(res->rows[i].code, code) == 0)
            return (long)i;
    return -1;
}

static nm_status add_neighbour(nm_ctx *ctx, nm_la_summary_result *res, size_t *cap,
                               const char *code, const char *from)
{
    long k = find_row(res, code);

    if (k < 0)
        return nmC_fail(ctx, NM_NOTFOUND, "%s: no local authority \"%s\" among the %zu of %s",
                       from, code, res->n, res->period);
    if (res->nneighbours == *cap) {
        long *g = nm_realloc(res->neighbours, (*cap = *cap ? *cap * 2 : 16) * sizeof *g);
        if (!g)
            return nmC_fail(ctx, NM_NOMEM, "out of memory");
        res->neighbours = g;
    }
    res->neighbours[res->nneighbours++] = k;
    return NM_OK;
}

/* DfE's neighbours of 'la' as stored by import neighbours, closest
 * first; 'model' NULL takes the latest model stored. */
static nm_status stored_neighbours(nm_store *store, const nm_la_summary_opts *o,
                                   nm_la_summary_result *res, size_t *cap)
{
    sqlite3_stmt *st = NULL;
    char model[16] = "";
    nm_status rc;
    int s, any = 0;

    rc = nmS_store_prepare(store,
                          "SELECT substr(method, 8), parent FROM membership WHERE "
                          "parent_level = 'neighbour' AND method = COALESCE('dfe-sn-' || ?2, "
                          "(SELECT MAX(method) FROM membership WHERE parent_level = 'neighbour' "
                          "AND method LIKE 'dfe-sn-%')) AND child = ?1 ORDER BY weight",
                          &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, o->la, -1, SQLITE_STATIC);
    if (o->model)
        sqlite3_bind_text(st, 2, o->model, -1, SQLITE_STATIC);
    while (rc == NM_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        nmC_strlcpy(model, (const char *)sqlite3_column_text(st, 0), sizeof model);
        rc = add_neighbour(store->ctx, res, cap, (const char *)sqlite3_column_text(st, 1),
                           "--neighbours dfe");
        any = 1;
    }
    if (rc == NM_OK && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "reading neighbours");
    sqlite3_finalize(st);
    if (rc == NM_OK && !any)
        rc = nmC_fail(store->ctx, NM_NOTFOUND,
                     "no DfE statistical neighbours of %s%s%s stored: import them (needsmap "
                     "import neighbours neighbours/dfe/sn_model_2025_wide.csv); DfE groups "
                     "children's services (upper-tier) authorities",
                     o->la, o->model ? " in the model " : "", o->model ? o->model : "");
    if (rc == NM_OK)
        snprintf(res->neighbours_from, sizeof res->neighbours_from,
                 "DfE statistical neighbours, %s model", model);
    return rc;
}

/* The neighbours of 'la' in a DfE file, read now. */
static nm_status file_neighbours(nm_store *store, const nm_la_summary_opts *o,
                                 nm_la_summary_result *res, size_t *cap)
{
    nm_sn_table sn = {0};
    nm_status rc = nm_neighbours_read(store, o->neighbours_file, o->model, &sn);
    size_t i;
    int k, found = 0;

    for (i = 0; rc == NM_OK && i < sn.n; i++) {
        if (strcmp(sn.rows[i].code, o->la) != 0)
            continue;
        found = 1;
        for (k = 0; rc == NM_OK && k < sn.rows[i].nsn; k++)
            rc = add_neighbour(store->ctx, res, cap, sn.rows[sn.rows[i].sn[k]].code,
                               o->neighbours_file);
    }
    if (rc == NM_OK && !found)
        rc = nmC_fail(store->ctx, NM_NOTFOUND,
                     "%s: %s is no authority of the file (DfE groups children's services, "
                     "upper-tier, authorities)",
                     o->neighbours_file, o->la);
    if (rc == NM_OK)
        snprintf(res->neighbours_from, sizeof res->neighbours_from,
                 "DfE statistical neighbours, %s model (%s)", sn.model,
                 nmC_basename(o->neighbours_file));
    nm_sn_table_clear(&sn);
    return rc;
}

/* Finds opts->la and each neighbour; a code that is no authority of the
 * release is an error, named. */
static nm_status find_places(nm_store *store, const nm_la_summary_opts *o,
                             nm_la_summary_result *res)
{
    nm_ctx *ctx = store->ctx;
    const char *p = o->neighbours;
    size_t cap = 0;

    res->la = -1;
    if (o->la && (res->la = find_row(res, o->la)) < 0)
        return nmC_fail(ctx, NM_NOTFOUND, "no local authority \"%s\" among the %zu %s of %s",
                       o->la, res->n, res->upper ? "upper-tier authorities" : "districts",
                       res->period);
    if (o->neighbours_file)
        return file_neighbours(store, o, res, &cap);
    if (p && strcmp(p, "dfe") == 0)
        return stored_neighbours(store, o, res, &cap);
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char code[64];
        nm_status rc;
        nmC_strlcpy(code, p, len + 1 < sizeof code ? len + 1 : sizeof code);
        p = end ? end + 1 : p + len;
        if (*code && (rc = add_neighbour(ctx, res, &cap, code, "--neighbours")) != NM_OK)
            return rc;
    }
    return NM_OK;
}

/* ---- rendering ---------------------------------------------------------- */

/* "17,473.2": fixed decimals with thousands separators; "n/a" for NAN. */
static const char *fmt_num(double v, int decimals, char buf[48])
{
    char whole[32];
    double r;

    if (isnan(v)) {
        nmC_strlcpy(buf, "n/a", 48);
        return buf;
    }
    r = round(fabs(v) * pow(10, decimals));
    nmP_fmt_count((long)floor(r / pow(10, decimals)), whole);
    if (decimals > 0)
        snprintf(buf, 48, "%s%s.%0*ld", v < 0 ? "-" : "", whole, decimals,
                 (long)fmod(r, pow(10, decimals)));
    else
        snprintf(buf, 48, "%s%s", v < 0 ? "-" : "", whole);
    return buf;
}

typedef struct measure_def {
    const char *label;
    size_t value, rank;
    double scale;  /* 100 for shares shown as percentages */
    int decimals;
    int score;     /* needs the score */
} measure_def;

static const measure_def measures_shown[] = {
    {"Average rank", offsetof(nm_la_row, avg_rank), offsetof(nm_la_row, rank_avg_rank), 1, 1, 0},
    {"Average score", offsetof(nm_la_row, avg_score), offsetof(nm_la_row, rank_avg_score), 1, 3,
     1},
    {"LSOAs in the most deprived 10% (%)", offsetof(nm_la_row, prop10),
     offsetof(nm_la_row, rank_prop10), 100, 1, 0},
    {"Extent (%)", offsetof(nm_la_row, extent), offsetof(nm_la_row, rank_extent), 100, 1, 0},
    {"Local concentration", offsetof(nm_la_row, local_conc), offsetof(nm_la_row, rank_local_conc),
     1, 1, 0},
};
#define NMEASURES (sizeof measures_shown / sizeof measures_shown[0])

static double value_of(const nm_la_row *r, const measure_def *m)
{
    return *(const double *)((const char *)r + m->value) * m->scale;
}

static long rank_of(const nm_la_row *r, const measure_def *m)
{
    return *(const long *)((const char *)r + m->rank);
}

static double neighbours_mean(const nm_la_summary_result *res, const measure_def *m)
{
    double sum = 0;
    size_t i;

    for (i = 0; i < res->nneighbours; i++)
        sum += value_of(&res->rows[res->neighbours[i]], m);
    return res->nneighbours ? sum / (double)res->nneighbours : NAN;
}

/* One table line: cells separated for text (padded) or Markdown (pipes). */
static void cells(nmC_buf *b, int md, const char *const *cell, const int *width, int ncell)
{
    int i;

    for (i = 0; i < ncell; i++) {
        if (md)
            nmC_buf_addf(b, "| %s ", cell[i]);
        else
            nmC_buf_addf(b, i == 0 ? "%-*s" : "  %*s", width[i], cell[i]);
    }
    nmC_buf_addf(b, md ? "|\n" : "\n");
}

static void rule(nmC_buf *b, int md, int ncell)
{
    int i;

    if (!md)
        return;
    for (i = 0; i < ncell; i++)
        nmC_buf_addf(b, i == 0 ? "|---" : "|---:");
    nmC_buf_addf(b, "|\n");
}

/* "districts and unitaries of England" or "upper-tier authorities ...". */
static const char *tier_words(const nm_la_summary_result *res)
{
    return res->upper ? "upper-tier authorities (counties and unitaries) of England"
                      : "local authority districts of England";
}

static void render_la(const nm_la_summary_result *res, const la_in *in, nmC_buf *b, int md)
{
    const nm_la_row *la = &res->rows[res->la];
    static const int width[5] = {36, 14, 12, 16, 12};
    char v[48], rk[48], nb[48], df[48], head[5][96];
    const char *cell[5];
    int ncell, k;
    size_t i;

    nmC_buf_addf(b, "%s%s (%s): local authority summary measures, %s %s\n\n", md ? "## " : "",
                la->name, la->code, in->index, res->period);
    if (res->ranked)
        nmC_buf_addf(b, "Ranks among %zu %s, 1 = most deprived. ", res->n, tier_words(res));
    else
        nmC_buf_addf(b, "%s. ", res->no_rank);
    nmC_buf_addf(b, "From %s LSOAs (ranks of %s) weighted by %s.%s%s%s%s%s\n\n",
                fmt_num((double)la->lsoas, 0, v), fmt_num((double)res->national, 0, rk),
                in->pop_label, res->grouping[0] ? " " : "", res->grouping,
                res->grouping[0] ? "." : "",
                in->has_score ? "" : " No score is stored for this release: the average score "
                                     "cannot be given.",
                la->no_pop ? " Some of its LSOAs have no population: the weighted measures are "
                             "not given."
                           : "");
    k = 0;
    snprintf(head[k++], sizeof head[0], "Measure");
    snprintf(head[k++], sizeof head[0], "%s", la->name);
    if (res->ranked)
        snprintf(head[k++], sizeof head[0], "Rank of %zu", res->n);
    snprintf(head[k++], sizeof head[0], "Neighbours (%zu)", res->nneighbours);
    snprintf(head[k++], sizeof head[0], "Difference");
    ncell = res->nneighbours ? k : k - 2;
    for (k = 0; k < 5; k++)
        cell[k] = head[k];
    cells(b, md, cell, width, ncell);
    rule(b, md, ncell);
    for (i = 0; i < NMEASURES; i++) {
        const measure_def *m = &measures_shown[i];
        double mine = value_of(la, m), mean = neighbours_mean(res, m);
        k = 0;
        cell[k++] = m->label;
        cell[k++] = fmt_num(mine, m->decimals, v);
        if (res->ranked)
            cell[k++] = rank_of(la, m) ? fmt_num((double)rank_of(la, m), 0, rk) : "n/a";
        cell[k++] = fmt_num(mean, m->decimals, nb);
        cell[k++] = fmt_num(mine - mean, m->decimals, df);
        cells(b, md, cell, width, ncell);
    }
}

/* Widths of the per-authority table: each measure's heading or 16. */
static void table_widths(int width[1 + NMEASURES])
{
    size_t k;

    width[0] = 40;
    for (k = 0; k < NMEASURES; k++) {
        int w = (int)strlen(measures_shown[k].label);
        width[k + 1] = w > 16 ? w : 16;
    }
}

/* A table of authorities, one line each: name and code, then each
 * measure's value with the authority's rank in brackets.  'which' NULL
 * lists every authority, else the 'n' indices it holds. */
static void authority_table(const nm_la_summary_result *res, const long *which, size_t n,
                            nmC_buf *b, int md)
{
    int width[1 + NMEASURES];
    char val[NMEASURES][96], v[48], rk[48], name[96];
    const char *cell[1 + NMEASURES] = {res->ranked ? "Authority (rank in brackets)" : "Authority"};
    size_t i, k;

    table_widths(width);
    for (k = 0; k < NMEASURES; k++)
        cell[k + 1] = measures_shown[k].label;
    cells(b, md, cell, width, 1 + NMEASURES);
    rule(b, md, 1 + NMEASURES);
    for (i = 0; i < n; i++) {
        const nm_la_row *r = &res->rows[which ? which[i] : (long)i];
        snprintf(name, sizeof name, "%s (%s)", r->name, r->code);
        cell[0] = name;
        for (k = 0; k < NMEASURES; k++) {
            const measure_def *m = &measures_shown[k];
            if (res->ranked)
                snprintf(val[k], sizeof val[k], "%s (%s)",
                         fmt_num(value_of(r, m), m->decimals, v),
                         rank_of(r, m) ? fmt_num((double)rank_of(r, m), 0, rk) : "n/a");
            else
                snprintf(val[k], sizeof val[k], "%s", fmt_num(value_of(r, m), m->decimals, v));
            cell[k + 1] = val[k];
        }
        cells(b, md, cell, width, 1 + NMEASURES);
    }
}

static void render_neighbours(const nm_la_summary_result *res, nmC_buf *b, int md)
{
    long *which = nm_malloc((res->nneighbours + 1) * sizeof *which);
    size_t i;

    if (!which) {
        b->failed = 1;
        return;
    }
    which[0] = res->la;
    for (i = 0; i < res->nneighbours; i++)
        which[i + 1] = res->neighbours[i];
    nmC_buf_addf(b, "\n%sThe authority and its neighbours%s%s%s\n\n", md ? "### " : "",
                res->neighbours_from[0] ? " (" : "", res->neighbours_from,
                res->neighbours_from[0] ? ")" : "");
    authority_table(res, which, res->nneighbours + 1, b, md);
    nm_free(which);
}

/* A CSV number cell: empty for a missing value (never "nan"). */
static void csv_num(nmC_buf *b, double v)
{
    if (isnan(v))
        nmC_buf_addf(b, ",");
    else
        nmC_buf_addf(b, ",%.17g", v);
}

/* A CSV rank cell: empty when not ranked or missing. */
static void csv_rank(nmC_buf *b, const nm_la_summary_result *res, long rank)
{
    if (res->ranked && rank > 0)
        nmC_buf_addf(b, ",%ld", rank);
    else
        nmC_buf_addf(b, ",");
}

static void render_csv(const nm_la_summary_result *res, nmC_buf *b)
{
    size_t i;

    nmC_buf_addf(b, "code,name,lsoas,population,avg_rank,rank_avg_rank,avg_score,rank_avg_score,"
                   "prop10,rank_prop10,extent,rank_extent,local_conc,rank_local_conc\n");
    for (i = 0; i < res->n; i++) {
        const nm_la_row *r = &res->rows[i];
        nmC_buf_addf(b, "%s,\"%s\",%ld", r->code, r->name, r->lsoas);
        csv_num(b, r->no_pop ? NAN : r->population);
        csv_num(b, r->avg_rank);
        csv_rank(b, res, r->rank_avg_rank);
        csv_num(b, r->avg_score);
        csv_rank(b, res, r->rank_avg_score);
        csv_num(b, r->prop10);
        csv_rank(b, res, r->rank_prop10);
        csv_num(b, r->extent);
        csv_rank(b, res, r->rank_extent);
        csv_num(b, r->local_conc);
        csv_rank(b, res, r->rank_local_conc);
        nmC_buf_addf(b, "\n");
    }
}

/* Without --la: every authority, one line each. */
static void render_all(const nm_la_summary_result *res, const la_in *in, nmC_buf *b, int md)
{
    nmC_buf_addf(b, "%sLocal authority summary measures, %s %s (%zu %s%s)\n\n", md ? "## " : "",
                in->index, res->period, res->n, tier_words(res),
                res->ranked ? ", 1 = most deprived" : "");
    if (!res->ranked)
        nmC_buf_addf(b, "%s.\n\n", res->no_rank);
    if (res->grouping[0])
        nmC_buf_addf(b, "%s.\n\n", res->grouping);
    authority_table(res, NULL, res->n, b, md);
}

static nm_status render(nm_ctx *ctx, const nm_la_summary_opts *o, const la_in *in,
                        nm_la_summary_result *res)
{
    int md = o->format == NM_FORMAT_MD;
    nmC_buf b = {0};

    if (o->format == NM_FORMAT_CSV) {
        render_csv(res, &b);
    } else if (res->la >= 0) {
        render_la(res, in, &b, md);
        if (res->nneighbours)
            render_neighbours(res, &b, md);
    } else {
        render_all(res, in, &b, md);
    }
    if (b.failed || !(res->rendered = nmC_buf_take(&b))) {
        nmC_buf_free(&b);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    return NM_OK;
}

void nm_la_summary_result_clear(nm_la_summary_result *res)
{
    size_t i;

    if (!res)
        return;
    for (i = 0; res->rows && i < res->n; i++) {
        nm_free(res->rows[i].code);
        nm_free(res->rows[i].name);
    }
    nm_free(res->rows);
    nm_free(res->neighbours);
    nm_free(res->rendered);
    memset(res, 0, sizeof *res);
}

/* ---- Table 1: every domain beside the neighbours ------------------------ */

static const char *const table1_domains[] = {"imd",       "income",     "employment", "education",
                                             "health",    "crime",      "barriers",   "living_env",
                                             "idaci",     "idaopi"};

/* Summarises one domain at the level of 'upper' into 'r' (ranked only when
 * whole).  NM_NOTFOUND when the release has no such rank. */
static nm_status summarise(nm_store *store, const nm_la_summary_opts *o, const char *domain,
                           int upper, nm_la_summary_result *r, la_in *in)
{
    nm_la_summary_opts d = *o;
    nm_status rc;

    memset(r, 0, sizeof *r);
    memset(in, 0, sizeof *in);
    d.indicator = domain;
    in->upper = upper;
    rc = read_inputs(store, &d, in);
    if (rc == NM_OK) {
        in->national = national_n(in);
        rc = compute(store, in, r);
    }
    if (rc == NM_OK && (r->ranked = ranks_complete(in, r)))
        rank_all(r);
    return rc;
}

/* The chart's row of one domain: each authority's rank on the measure
 * Table 1 shows, and where the neighbours' mean would rank (1 + the
 * authorities above it: a higher value is more deprived on every measure
 * shown). */
static void table1_chart_row(const nm_la_summary_result *res, const nm_la_summary_result *r,
                             const la_in *in, t1_row *out)
{
    const measure_def *m = &measures_shown[in->has_score ? 1 : 0];
    long la = find_row(r, res->rows[res->la].code), above = 0;
    double sum = 0, mean;
    size_t i, nn = 0;

    memset(out, 0, sizeof *out);
    nmC_strlcpy(out->name, in->index, sizeof out->name);
    out->score = m->score;
    if (la < 0 || !r->ranked)
        return;
    out->la_rank = rank_of(&r->rows[la], m);
    for (i = 0; i < res->nneighbours && (int)i < T1_MAX_NEIGHBOURS; i++) {
        long k = find_row(r, res->rows[res->neighbours[i]].code);
        double v = k >= 0 ? value_of(&r->rows[k], m) : NAN;
        out->nb_rank[out->nnb++] = k >= 0 ? rank_of(&r->rows[k], m) : 0;
        sum += v;
        nn++;
    }
    mean = nn ? sum / (double)nn : NAN;
    if (isnan(mean))
        return;
    for (i = 0; i < r->n; i++)
        above += value_of(&r->rows[i], m) > mean;
    out->mean_rank = above + 1;
}

/* One Table 1 line: the domain, the measure shown (the average score when
 * the release has the domain's score, else the average rank), the
 * authority's value and rank, the neighbours' mean and each neighbour. */
static void table1_line(const nm_la_summary_result *res, const nm_la_summary_result *r,
                        const la_in *in, nmC_buf *b, int md, int csv)
{
    const measure_def *m = &measures_shown[in->has_score ? 1 : 0];
    long la = find_row(r, res->rows[res->la].code);
    double sum = 0, v;
    size_t i, nn = 0;
    char x[48], y[48], z[48];

    if (la < 0)
        return;
    for (i = 0; i < res->nneighbours; i++) {
        long k = find_row(r, res->rows[res->neighbours[i]].code);
        v = k >= 0 ? value_of(&r->rows[k], m) : NAN;
        sum += v;
        nn++;
    }
    v = value_of(&r->rows[la], m);
    if (csv) {
        nmC_buf_addf(b, "\"%s\",%s", in->index, m->score ? "avg_score" : "avg_rank");
        csv_num(b, v);
        csv_rank(b, r, rank_of(&r->rows[la], m));
        csv_num(b, nn ? sum / (double)nn : NAN);
    } else {
        long rk = r->ranked ? rank_of(&r->rows[la], m) : 0;
        nmC_buf_addf(b, md ? "| %s | %s | %s | %s | %s |" : "%-40s %-14s %12s %8s %12s",
                    in->index, m->label, fmt_num(v, m->decimals, x),
                    rk ? fmt_num((double)rk, 0, y) : "-",
                    fmt_num(nn ? sum / (double)nn : NAN, m->decimals, z));
    }
    for (i = 0; i < res->nneighbours; i++) {
        long k = find_row(r, res->rows[res->neighbours[i]].code);
        v = k >= 0 ? value_of(&r->rows[k], m) : NAN;
        if (csv)
            csv_num(b, v);
        else
            nmC_buf_addf(b, md ? " %s |" : " %10s", fmt_num(v, m->decimals, x));
    }
    nmC_buf_addf(b, "\n");
}

static nm_status render_table1(nm_store *store, const nm_la_summary_opts *o,
                               const nm_la_summary_result *res, nmC_buf *b, t1_row *chart,
                               int *nchart)
{
    int md = o->format == NM_FORMAT_MD, csv = o->format == NM_FORMAT_CSV;
    nm_status rc = NM_OK;
    size_t i, d;

    if (csv) {
        nmC_buf_addf(b, "domain,measure,%s,rank,neighbours_mean", res->rows[res->la].code);
        for (i = 0; i < res->nneighbours; i++)
            nmC_buf_addf(b, ",%s", res->rows[res->neighbours[i]].code);
        nmC_buf_addf(b, "\n");
    } else {
        nmC_buf_addf(b, "\n%sTable 1: %s on each domain beside its neighbours%s%s%s\n\n",
                    md ? "### " : "", res->rows[res->la].name,
                    res->neighbours_from[0] ? " (" : "", res->neighbours_from,
                    res->neighbours_from[0] ? ")" : "");
        if (md)
            nmC_buf_addf(b, "| Domain | Measure | %s | Rank | Neighbours' mean |",
                        res->rows[res->la].name);
        else
            nmC_buf_addf(b, "%-40s %-14s %12.12s %8s %12s", "Domain", "Measure",
                        res->rows[res->la].name, "Rank", "Mean");
        for (i = 0; i < res->nneighbours; i++)
            nmC_buf_addf(b, md ? " %s |" : " %10.10s", res->rows[res->neighbours[i]].name);
        nmC_buf_addf(b, "\n");
        if (md) {
            nmC_buf_addf(b, "|---|---|---:|---:|---:|");
            for (i = 0; i < res->nneighbours; i++)
                nmC_buf_addf(b, "---:|");
            nmC_buf_addf(b, "\n");
        }
    }
    for (d = 0; rc == NM_OK && d < sizeof table1_domains / sizeof table1_domains[0]; d++) {
        nm_la_summary_result r;
        la_in in;
        rc = summarise(store, o, table1_domains[d], res->upper, &r, &in);
        if (rc == NM_OK)
            table1_line(res, &r, &in, b, md, csv);
        if (rc == NM_OK && chart)
            table1_chart_row(res, &r, &in, &chart[(*nchart)++]);
        if (rc == NM_NOTFOUND) {
            nmC_clear(store->ctx);
            rc = NM_OK;
        }
        la_in_free(&in);
        nm_la_summary_result_clear(&r);
    }
    if (rc == NM_OK && !csv && !res->ranked)
        nmC_buf_addf(b, "\n%s\n", res->no_rank);
    return rc;
}

#define NDOMAINS (sizeof table1_domains / sizeof table1_domains[0])

/* Whether the output is Table 1's chart (by its extension). */
static int is_chart(const char *path)
{
    nmC_format fmt = nmC_format_of(path);
    return fmt == NMC_FMT_PNG || fmt == NMC_FMT_PDF;
}

/* Draws Table 1 as a chart to o->output.  Ranks on partial data are never
 * shown, so the chart needs every authority whole. */
static nm_status write_chart(nm_store *store, const nm_la_summary_opts *o,
                             const nm_la_summary_result *res, const la_in *in,
                             const t1_row *rows, int nrows)
{
    const char *names[T1_MAX_NEIGHBOURS];
    t1_chart c;
    char *sources = NULL;
    nm_status rc;

    if (!res->ranked)
        return nmC_fail(store->ctx, NM_NOTFOUND,
                       "%s: Table 1's chart places every authority by its rank, and the ranks "
                       "are not given (%s): import every authority's rows with a population, or "
                       "give --population-period",
                       o->output, res->no_rank);
    memset(&c, 0, sizeof c);
    for (size_t i = 0; i < res->nneighbours && i < T1_MAX_NEIGHBOURS; i++)
        names[c.nnb++] = res->rows[res->neighbours[i]].name;
    c.la_name = res->rows[res->la].name;
    c.nb_names = names;
    c.neighbours_from = res->neighbours_from;
    c.tier = res->upper ? "upper-tier authorities (counties and unitaries)"
                        : "local authority districts";
    c.nauth = (long)res->n;
    c.period = res->period;
    c.weighting = in->pop_label ? in->pop_label : "population";
    /* a domain some authorities lack (IDACI held for one council) has no
       ranks: left out of the chart, and said */
    t1_row shown[NDOMAINS];
    nmC_buf lo = {0};
    int nlo = 0;
    for (int r = 0; r < nrows; r++) {
        if (rows[r].la_rank > 0) {
            shown[c.nrows++] = rows[r];
            continue;
        }
        nmC_buf_addf(&lo, "%s%s", nlo++ ? ", " : "", rows[r].name);
    }
    if (nlo)
        nmC_buf_addf(&lo, ": not shown, since not every authority's rows of %s are stored "
                         "(no rank is given on partial data).",
                    nlo > 1 ? "these domains" : "this domain");
    if (lo.failed) {
        nmC_buf_free(&lo);
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    c.left_out = lo.data;
    c.rows = shown;
    {
        nmC_buf b = {0};
        nmC_buf_addf(&b, "%s Population: %s.", in->rank_ind.source ? in->rank_ind.source : "",
                    c.weighting);
        if (*res->neighbours_from)
            nmC_buf_addf(&b, " %s: Department for Education (Open Government Licence v3.0).",
                        res->neighbours_from);
        if (res->grouping[0])
            nmC_buf_addf(&b, " %s.", res->grouping);
        sources = nmC_buf_take(&b);
    }
    c.sources = sources;
    rc = sources ? nmP_chart_write(store->ctx, &c, o->output, 150)
                 : nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    nm_free(sources);
    nmC_buf_free(&lo);
    return rc;
}

/* Appends Table 1 to the rendered text, and draws it when the output is
 * a chart. */
static nm_status append_table1(nm_store *store, const nm_la_summary_opts *o,
                               nm_la_summary_result *res, const la_in *in)
{
    nmC_buf b = {0};
    t1_row rows[NDOMAINS];
    int nrows = 0, chart = is_chart(o->output);
    nm_status rc;

    /* a CSV holds one table: with neighbours, Table 1 alone */
    if (o->format != NM_FORMAT_CSV)
        nmC_buf_addf(&b, "%s", res->rendered);
    rc = render_table1(store, o, res, &b, chart ? rows : NULL, &nrows);
    if (rc == NM_OK && chart)
        rc = write_chart(store, o, res, in, rows, nrows);
    if (rc == NM_OK && b.failed)
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK) {
        nm_free(res->rendered);
        res->rendered = nmC_buf_take(&b);
    }
    nmC_buf_free(&b);
    return rc;
}

nm_status nm_la_summary(nm_store *store, const nm_la_summary_opts *o, nm_la_summary_result *res)
{
    nm_ctx *ctx = nm_store_ctx(store);
    la_in in = {0};
    nm_status rc;

    nmC_clear(ctx);
    memset(res, 0, sizeof *res);
    res->la = -1;
    if (o->format == NM_FORMAT_JSON)
        return nmC_fail(ctx, NM_USAGE, "la-summary is written as text, md or csv");
    if ((o->neighbours || o->neighbours_file) && !o->la)
        return nmC_fail(ctx, NM_USAGE, "--neighbours needs --la: whose neighbours are they?");
    in.upper = o->level && (strcmp(o->level, "utla") == 0 || strcmp(o->level, "county") == 0);
    /* DfE groups children's services authorities: the upper tier */
    if (o->neighbours_file || (o->neighbours && strcmp(o->neighbours, "dfe") == 0)) {
        if (o->level && !in.upper)
            return nmC_fail(ctx, NM_USAGE, "DfE's neighbours are upper-tier authorities: "
                                          "--level lad cannot show them");
        in.upper = 1;
    }
    if (o->model && strcmp(o->model, "2021") != 0 && strcmp(o->model, "2025") != 0)
        return nmC_fail(ctx, NM_USAGE,
                       "--model: \"%s\" is no DfE statistical-neighbour model (2021 or 2025)",
                       o->model);
    if (o->level && !in.upper && strcmp(o->level, "lad") != 0)
        return nmC_fail(ctx, NM_USAGE, "--level: \"%s\" is not lad or utla", o->level);
    rc = read_inputs(store, o, &in);
    if (rc == NM_OK) {
        in.national = national_n(&in);
        rc = compute(store, &in, res);
    }
    if (rc == NM_OK) {
        nmC_strlcpy(res->period, in.rank_ind.period, sizeof res->period);
        res->has_score = in.has_score;
        res->lsoas = (long)in.rank.n;
        res->national = in.national;
        res->upper = in.upper;
        if (in.no_pop)
            nmC_log(ctx, NM_LOG_WARN,
                   "%ld LSOAs have a rank but no population: the population-weighted measures "
                   "of their authorities are not given",
                   in.no_pop);
        if ((res->ranked = ranks_complete(&in, res)))
            rank_all(res);
        rc = find_places(store, o, res);
    }
    if (rc == NM_OK)
        rc = render(ctx, o, &in, res);
    if (rc == NM_OK && is_chart(o->output) && (res->la < 0 || !res->nneighbours))
        rc = nmC_fail(ctx, NM_USAGE, "%s: a chart is Table 1, of --la beside its neighbours "
                                    "(--neighbours or --neighbours-file)", o->output);
    if (rc == NM_OK && res->la >= 0 && res->nneighbours)
        rc = append_table1(store, o, res, &in);
    if (rc == NM_OK && !is_chart(o->output))
        rc = nmP_report_emit(ctx, res->rendered, o->output);
    la_in_free(&in);
    if (rc != NM_OK)
        nm_la_summary_result_clear(res);
    return rc;
}
