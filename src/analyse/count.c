/*
 * Incidents per area: every stored incident that passes the filters is
 * placed in an area with the point in polygon index (pip.c), then counts,
 * exact Poisson intervals (poisson.c), rates per 1,000 of a population
 * (levelsum.c) and the suppression of small numbers are stored as
 * indicators of the areas' level, in one transaction.  Drawing and tables
 * read them like any indicator.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analyse/count_int.h"
#include "analyse/pip_int.h"

#define DEFAULT_SUPPRESS 5
#define CONF 0.95

/* Result arrays per area, and per sex when asked for. */
typedef struct tally {
    size_t n;
    long *count, *female, *male;
    double *pop, *pop_f, *pop_m;
    char first[11], last[11]; /* dates seen, for the period */
} tally;

static void tally_free(tally *t)
{
    nm_free(t->count);
    nm_free(t->female);
    nm_free(t->male);
    nm_free(t->pop);
    nm_free(t->pop_f);
    nm_free(t->pop_m);
}

static int valid_date(const char *s)
{
    size_t n = s ? strlen(s) : 0, i;

    if (n != 7 && n != 10)
        return 0;
    for (i = 0; i < n; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

static int valid_key(const char *s)
{
    if (!*s || strlen(s) > 40)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static nm_status check_opts(nm_ctx *ctx, const nm_count_opts *o)
{
    if (!o->level)
        return nmC_fail(ctx, NM_USAGE, "--level is required (ward, lsoa, ...)");
    if (o->sex && strcmp(o->sex, "F") != 0 && strcmp(o->sex, "M") != 0)
        return nmC_fail(ctx, NM_USAGE, "--sex %s: give F or M", o->sex);
    if (o->sex && (o->per_female || o->per_male))
        return nmC_fail(ctx, NM_USAGE, "--sex and --per-female/--per-male do not go together");
    if (o->from && !valid_date(o->from))
        return nmC_fail(ctx, NM_USAGE, "--from %s: give YYYY-MM or YYYY-MM-DD", o->from);
    if (o->to && !valid_date(o->to))
        return nmC_fail(ctx, NM_USAGE, "--to %s: give YYYY-MM or YYYY-MM-DD", o->to);
    if (o->from && o->to && strncmp(o->from, o->to, 10) > 0)
        return nmC_fail(ctx, NM_USAGE, "--from %s is after --to %s", o->from, o->to);
    if (o->name && !valid_key(o->name))
        return nmC_fail(ctx, NM_USAGE, "--name %s: use a-z, 0-9 and _ only (at most 40)", o->name);
    return NM_OK;
}

/* Reads x, y from a SpatiaLite POINT BLOB as the import writes it. */
static int blob_point(const unsigned char *b, int size, double *x, double *y)
{
    unsigned char v[16];
    int i;

    if (!b || size != 60 || b[0] != 0x00 || b[38] != 0x7C || b[59] != 0xFE)
        return 0;
    if (b[1] == 1) {
        memcpy(v, b + 43, 16);
    } else {
        for (i = 0; i < 8; i++)
            v[i] = b[43 + 7 - i], v[8 + i] = b[51 + 7 - i];
    }
    memcpy(x, v, 8);
    memcpy(y, v + 8, 8);
    return 1;
}

/* The filters every incident query shares, as ?1..?5. */
#define FILTERS                                                                                    \
    "(?1 IS NULL OR name = ?1) AND (?2 IS NULL OR category = ?2) "                                 \
    "AND (?3 IS NULL OR sex = ?3) AND (?4 IS NULL OR substr(date, 1, length(?4)) >= ?4) "          \
    "AND (?5 IS NULL OR substr(date, 1, length(?5)) <= ?5)"

static void bind_filters(sqlite3_stmt *st, const nm_count_opts *o)
{
    sqlite3_bind_text(st, 1, o->incidents, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->category, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, o->sex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, o->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, o->to, -1, SQLITE_STATIC);
}

static nm_status prepare_points(nm_store *store, const nm_count_opts *o, const nm_areas *areas,
                                sqlite3_stmt **st)
{
    /* Within a parent area, only the points in the selection's box are
       read, through the R-tree.  Over every area of a level the index is
       no help: handing SQLite a million row ids costs more than reading
       the rows, and the grid rejects a point outside all boxes at once. */
    nm_status rc = nmS_store_prepare(
        store,
        o->within ? "SELECT geom, sex, date FROM incident WHERE " FILTERS
                    " AND id IN (SELECT pkid FROM idx_incident_geom WHERE xmax >= ?6 AND xmin <= ?8"
                    "            AND ymax >= ?7 AND ymin <= ?9)"
                  : "SELECT geom, sex, date FROM incident WHERE " FILTERS,
        st);
    double minx, miny, maxx, maxy;

    if (rc != NM_OK || !o->within)
        goto done;
    nm_areas_extent(areas, &minx, &miny, &maxx, &maxy);
    sqlite3_bind_double(*st, 6, minx);
    sqlite3_bind_double(*st, 7, miny);
    sqlite3_bind_double(*st, 8, maxx);
    sqlite3_bind_double(*st, 9, maxy);

done:
    if (rc == NM_OK)
        bind_filters(*st, o);
    return rc;
}

static void see_date(tally *t, const unsigned char *date)
{
    const char *d = (const char *)date;

    if (!d)
        return;
    if (!t->first[0] || strncmp(d, t->first, 10) < 0)
        nmC_strlcpy(t->first, d, sizeof t->first);
    if (!t->last[0] || strncmp(d, t->last, 10) > 0)
        nmC_strlcpy(t->last, d, sizeof t->last);
}

/* Incidents outside the selection's box are never read; they are counted
 * here so that "outside" means all incidents not in an area.  The dates
 * they span make the period, so that councils counted one by one from
 * one set share one period whatever falls in their own areas. */
static nm_status count_all(nm_store *store, const nm_count_opts *o, long *n, tally *t)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(
        store, "SELECT COUNT(*), MIN(date), MAX(date) FROM incident WHERE " FILTERS, &st);

    if (rc != NM_OK)
        return rc;
    bind_filters(st, o);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *n = (long)sqlite3_column_int64(st, 0);
        t->first[0] = t->last[0] = '\0';
        see_date(t, sqlite3_column_text(st, 1));
        see_date(t, sqlite3_column_text(st, 2));
    } else
        rc = nmS_store_sqlfail(store, "counting incidents");
    sqlite3_finalize(st);
    return rc;
}

/* Places every incident that passes the filters. */
static nm_status assign_points(nm_store *store, const nm_count_opts *o, const nm_areas *areas,
                               const nm_pip *pip, tally *t, nm_count_result *res)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = prepare_points(store, o, areas, &st);
    int s;

    if (rc != NM_OK)
        return rc;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        double x, y;
        long a;
        if (!blob_point(sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0), &x, &y))
            continue; /* not written by needsmap: cannot be a point of ours */
        res->incidents++;
        see_date(t, sqlite3_column_text(st, 2));
        a = nm_pip_find(pip, x, y);
        if (a < 0)
            continue;
        res->counted++;
        t->count[a]++;
        if (t->female && sqlite3_column_type(st, 1) == SQLITE_TEXT) {
            const unsigned char *sex = sqlite3_column_text(st, 1);
            if (sex[0] == 'F')
                t->female[a]++;
            else if (sex[0] == 'M')
                t->male[a]++;
        }
    }
    if (s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "reading incidents");
    sqlite3_finalize(st);
    return rc;
}

static nm_status denominators(nm_store *store, const nm_count_opts *o, const nm_areas *areas,
                              tally *t)
{
    char how[96];
    nm_status rc = NM_OK;
    const char *keys[3] = {o->per, o->per_female, o->per_male};
    double **outs[3] = {&t->pop, &t->pop_f, &t->pop_m};
    int k;

    for (k = 0; rc == NM_OK && k < 3; k++) {
        if (!keys[k])
            continue;
        *outs[k] = nm_malloc((t->n ? t->n : 1) * sizeof **outs[k]);
        if (!*outs[k])
            return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        rc = nmA_level_values(store, keys[k], o->per_period, areas->level, areas->vintage,
                             areas->code, t->n, *outs[k], how);
        if (rc == NM_OK)
            nmC_log(store->ctx, NM_LOG_INFO, "rates per 1,000 of %s: %s", keys[k], how);
    }
    return rc;
}

/* The series of one count (all, female or male): count, its interval, the
 * suppression flag and, with a denominator, the rate and its interval. */
typedef struct block {
    double *v[7]; /* count, count_lo, count_hi, suppressed, rate, rate_lo, rate_hi */
    char keys[7][64];
    char labels[7][160];
} block;

static const char *const block_suffix[7] = {"count", "count_lo", "count_hi", "suppressed",
                                            "rate", "rate_lo", "rate_hi"};
static const char *const block_unit[7] = {"count", "count", "count", "flag",
                                          "rate", "rate", "rate"};
static const char *const block_what[7] = {
    "count", "count, lower 95% limit", "count, upper 95% limit", "suppressed (count below the threshold)",
    "rate per 1,000", "rate per 1,000, lower 95% limit", "rate per 1,000, upper 95% limit"};

/* Fills a block for counts 'count' over denominators 'pop' (NULL: none). */
static nm_status fill_block(nm_ctx *ctx, block *b, const long *count, const double *pop, size_t n,
                            long suppress, long *nsuppressed)
{
    size_t i;
    int k;

    for (k = 0; k < 7; k++) {
        b->v[k] = nm_malloc((n ? n : 1) * sizeof *b->v[k]);
        if (!b->v[k])
            return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    for (i = 0; i < n; i++) {
        double lo, hi, blo, bhi, p = pop ? pop[i] : NAN;
        int sup = count[i] < suppress;
        nm_poisson_ci_exact(count[i], CONF, &lo, &hi);
        /* Byar's closed form is within 1% of the exact limits from 10 up:
           a larger gap means the numeric inverse went wrong */
        nmA_poisson_ci_byar(count[i], &blo, &bhi);
        if (count[i] >= 10 && (fabs(lo - blo) > 0.01 * blo || fabs(hi - bhi) > 0.01 * bhi))
            return nmC_fail(ctx, NM_ERROR,
                           "internal error: exact interval of %ld [%g, %g] disagrees with "
                           "Byar's [%g, %g]",
                           count[i], lo, hi, blo, bhi);
        if (nsuppressed && sup)
            (*nsuppressed)++;
        b->v[0][i] = sup ? NAN : (double)count[i];
        b->v[1][i] = sup ? NAN : lo;
        b->v[2][i] = sup ? NAN : hi;
        b->v[3][i] = sup;
        b->v[4][i] = !sup && p > 0 ? count[i] / p * 1000.0 : NAN;
        b->v[5][i] = !sup && p > 0 ? lo / p * 1000.0 : NAN;
        b->v[6][i] = !sup && p > 0 ? hi / p * 1000.0 : NAN;
    }
    return NM_OK;
}

static void block_free(block *b)
{
    int k;
    for (k = 0; k < 7; k++)
        nm_free(b->v[k]);
}

/* Adds a block's series to the batch: 4 without a denominator, 7 with. */
static void add_series(nmS_series *s, int *ns, block *b, const char *name, const char *part,
                       const char *what, int with_rate)
{
    int k;

    for (k = 0; k < (with_rate ? 7 : 4); k++) {
        snprintf(b->keys[k], sizeof b->keys[k], "%s%s_%s", name, part, block_suffix[k]);
        snprintf(b->labels[k], sizeof b->labels[k], "%s, %s", what, block_what[k]);
        s[*ns].key = b->keys[k];
        s[*ns].label = b->labels[k];
        s[*ns].unit = block_unit[k];
        s[*ns].polarity = k == 3 ? 0 : 1;
        s[*ns].values = b->v[k];
        (*ns)++;
    }
}

/* Appends the text of each row of 'st' not already in 'b'. */
static void add_statements(nmC_buf *b, sqlite3_stmt *st)
{
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        if (text && *text && !(b->data && strstr(b->data, text)))
            nmC_buf_addf(b, "%s%s", b->len ? " " : "", text);
    }
}

/* The attribution of the incident sets counted and, for rates, of the
 * populations they are divided by (the IoD's, usually): a rate uses both. */
static char *attribution(nm_store *store, const nm_count_opts *o)
{
    const char *per[3] = {o->per, o->per_female, o->per_male};
    sqlite3_stmt *st = NULL;
    nmC_buf b = {0};
    int k;

    if (nmS_store_prepare(store,
                         "SELECT DISTINCT attribution FROM dataset WHERE attribution IS NOT NULL "
                         "AND id IN (SELECT DISTINCT dataset FROM incident "
                         "WHERE ?1 IS NULL OR name = ?1)",
                         &st) != NM_OK)
        return NULL;
    sqlite3_bind_text(st, 1, o->incidents, -1, SQLITE_STATIC);
    add_statements(&b, st);
    sqlite3_finalize(st);
    st = NULL;
    if (nmS_store_prepare(store,
                         "SELECT d.attribution FROM indicator i JOIN dataset d ON d.id = i.dataset "
                         "WHERE i.key = ?1 AND (?2 IS NULL OR i.period = ?2) "
                         "ORDER BY i.period DESC LIMIT 1",
                         &st) != NM_OK)
        return nmC_buf_take(&b);
    for (k = 0; k < 3; k++) {
        if (!per[k])
            continue;
        sqlite3_bind_text(st, 1, per[k], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, o->per_period, -1, SQLITE_STATIC);
        add_statements(&b, st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (!b.data)
        nmC_buf_addf(&b, "%s", "");
    return nmC_buf_take(&b);
}

static nm_status store_results(nm_store *store, const nm_count_opts *o, const nm_areas *areas,
                               tally *t, nm_count_result *res)
{
    const char *name = o->name ? o->name : "incidents";
    long suppress = o->suppress_below == 0 ? DEFAULT_SUPPRESS : o->suppress_below;
    block all, fem, mal;
    nmS_series series[21];
    nmS_batch b;
    nmC_buf what = {0}, desc = {0};
    char *attr = NULL;
    int ns = 0;
    nm_status rc;

    memset(&all, 0, sizeof all);
    memset(&fem, 0, sizeof fem);
    memset(&mal, 0, sizeof mal);
    memset(&b, 0, sizeof b);
    nmC_buf_addf(&what, "Incidents%s%s%s%s", o->category ? " (" : "", o->category ? o->category : "",
                o->category ? ")" : "", o->sex ? (o->sex[0] == 'F' ? ", female" : ", male") : "");
    rc = fill_block(store->ctx, &all, t->count, t->pop, t->n, suppress, &res->suppressed);
    if (rc == NM_OK && t->female) {
        rc = fill_block(store->ctx, &fem, t->female, t->pop_f, t->n, suppress, NULL);
        if (rc == NM_OK)
            rc = fill_block(store->ctx, &mal, t->male, t->pop_m, t->n, suppress, NULL);
    }
    if (rc != NM_OK || what.failed)
        goto cleanup;
    add_series(series, &ns, &all, name, "", what.data, t->pop != NULL);
    if (t->female) {
        add_series(series, &ns, &fem, name, "_f", "Incidents, female", t->pop_f != NULL);
        add_series(series, &ns, &mal, name, "_m", "Incidents, male", t->pop_m != NULL);
    }
    nmC_buf_addf(&desc, "incidents%s%s per %s%s%s%s%s", o->incidents ? " " : "",
                o->incidents ? o->incidents : "", areas->level, o->category ? ", category " : "",
                o->category ? o->category : "", o->per ? ", per 1,000 of " : "", o->per ? o->per : "");
    attr = attribution(store, o);
    if (desc.failed || !attr) {
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    b.level = areas->level;
    b.vintage = areas->vintage;
    b.period = res->period;
    b.kind = "incidents-count";
    b.description = desc.data;
    b.attribution = attr;
    b.codes = areas->code;
    b.n = areas->n;
    b.series = series;
    b.nseries = ns;
    rc = nmS_store_begin(store);
    if (rc == NM_OK)
        rc = nmS_store_put_batch(store, &b);
    if (rc == NM_OK)
        rc = nmS_store_commit(store);
    else
        nmS_store_rollback(store);
    if (rc == NM_OK)
        res->indicators = ns;
    if (rc == NM_OK && o->on_row) {
        size_t i;
        for (i = 0; i < t->n; i++) {
            nm_count_row r;
            memset(&r, 0, sizeof r);
            r.code = areas->code[i];
            r.name = areas->name[i] ? areas->name[i] : "";
            r.count = t->count[i];
            nm_poisson_ci_exact(t->count[i], CONF, &r.count_lo, &r.count_hi);
            r.population = t->pop ? t->pop[i] : NAN;
            r.suppressed = all.v[3][i] != 0;
            r.rate = all.v[4][i], r.rate_lo = all.v[5][i], r.rate_hi = all.v[6][i];
            r.female = t->female ? t->female[i] : 0;
            r.male = t->male ? t->male[i] : 0;
            r.female_rate = t->female ? fem.v[4][i] : NAN;
            r.male_rate = t->male ? mal.v[4][i] : NAN;
            o->on_row(o->user, &r);
        }
    }

cleanup:
    block_free(&all);
    block_free(&fem);
    block_free(&mal);
    nmC_buf_free(&what);
    nmC_buf_free(&desc);
    nm_free(attr);
    return rc;
}

/* The period of the stored indicators: the window asked for, else the
 * dates the counted incidents span. */
static void make_period(const nm_count_opts *o, const tally *t, char *out, size_t size)
{
    const char *from = o->from ? o->from : t->first;
    const char *to = o->to ? o->to : t->last;

    if (!*from && !*to)
        nmC_strlcpy(out, "all", size);
    else if (strcmp(from, to) == 0)
        nmC_strlcpy(out, from, size);
    else
        snprintf(out, size, "%.10s..%.10s", from, to);
}

static nm_status any_incidents(nm_store *store, const char *name)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(
        store, "SELECT EXISTS (SELECT 1 FROM incident WHERE ?1 IS NULL OR name = ?1)", &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW || !sqlite3_column_int(st, 0))
        rc = nmC_fail(store->ctx, NM_NOTFOUND,
                     name ? "no incidents named \"%s\" in the store (needsmap import incidents "
                            "FILE --name NAME)"
                          : "no incidents in the store%s (needsmap import incidents FILE)",
                     name ? name : "");
    sqlite3_finalize(st);
    return rc;
}

nm_status nm_count_incidents(nm_store *store, const nm_count_opts *o, nm_count_result *result)
{
    nm_ctx *ctx = nm_store_ctx(store);
    nm_count_result dummy;
    nm_areas *areas = NULL;
    nm_pip *pip = NULL;
    tally t;
    long all = 0;
    nm_status rc;

    nmC_clear(ctx);
    memset(&t, 0, sizeof t);
    if (!result)
        result = &dummy;
    memset(result, 0, sizeof *result);
    rc = check_opts(ctx, o);
    if (rc == NM_OK)
        rc = any_incidents(store, o->incidents);
    if (rc == NM_OK)
        rc = nm_areas_select(store, o->level, o->vintage, o->within, &areas);
    if (rc == NM_OK)
        rc = nm_pip_build(store, areas, &pip);
    if (rc != NM_OK)
        goto cleanup;
    t.n = areas->n;
    t.count = nm_calloc(t.n, sizeof *t.count);
    if (o->per_female || o->per_male) {
        t.female = nm_calloc(t.n, sizeof *t.female);
        t.male = nm_calloc(t.n, sizeof *t.male);
    }
    if (!t.count || ((o->per_female || o->per_male) && (!t.female || !t.male))) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    rc = denominators(store, o, areas, &t);
    if (rc == NM_OK)
        rc = assign_points(store, o, areas, pip, &t, result);
    if (rc == NM_OK)
        rc = count_all(store, o, &all, &t);
    if (rc != NM_OK)
        goto cleanup;
    result->areas = (long)t.n;
    result->outside = all - result->counted;
    make_period(o, &t, result->period, sizeof result->period);
    if (result->outside > 0)
        nmC_log(ctx, NM_LOG_WARN, "%ld of %ld incidents lie in none of the %zu %s areas%s%s",
               result->outside, all, t.n, areas->level, o->within ? " within " : "",
               o->within ? o->within : "");
    if (all == 0)
        nmC_log(ctx, NM_LOG_WARN, "no incidents match the filters; every count is 0");
    rc = store_results(store, o, areas, &t, result);

cleanup:
    tally_free(&t);
    nm_pip_free(pip);
    nm_areas_free(areas);
    return rc;
}
