/*
 * An indicator's values for a set of areas, and ranks re-computed within a
 * region or within the set.  A plan says "among the 20% most deprived in
 * the East of England": that is a position among all the region's LSOAs,
 * not only the borough's, so regional ranks read every stored value of the
 * indicator and the region of every LSOA (through memberships, following
 * LSOA -> LAD -> region or LSOA 2001 -> 2011 -> region as needed).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analyse_int.h"

/* Every stored value of an indicator, sorted by code (store_int.h). */
typedef nmS_vtable table;

void nm_values_clear(nm_values *v)
{
    size_t i;

    if (!v)
        return;
    for (i = 0; v->group_name && i < v->n; i++)
        nm_free(v->group_name[i]);
    nm_free(v->group_name);
    nm_free(v->value);
    nm_free(v->group_size);
    nm_free(v->label);
    nm_free(v->source);
    nm_free(v->group_label);
    memset(v, 0, sizeof *v);
}

size_t nm_values_known(const nm_values *v)
{
    size_t i, k = 0;

    for (i = 0; v && v->value && i < v->n; i++)
        k += !isnan(v->value[i]);
    return k;
}

/* The code under which an area's value is stored when the indicator uses
 * codes of another vintage: the one older code that maps to it alone
 * (an unchanged LSOA), else the same code. */
static nm_status older_codes(nm_store *store, const nmS_ind *ind, const nm_areas *a,
                             char **older)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;
    size_t i;

    rc = nmS_store_prepare(store,
                          "SELECT MIN(child), COUNT(*) FROM membership WHERE parent = ?1 AND "
                          "parent_level = ?2 AND parent_vintage = ?3 AND child_level = ?2 AND "
                          "child_vintage = ?4 AND weight = 1",
                          &st);
    for (i = 0; rc == NM_OK && i < a->n; i++) {
        sqlite3_bind_text(st, 1, a->code[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, a->level, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, a->vintage);
        sqlite3_bind_int(st, 4, ind->vintage);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 1) == 1)
            older[i] = nm_strdup((const char *)sqlite3_column_text(st, 0));
        else
            older[i] = nm_strdup(a->code[i]);
        if (!older[i])
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Reads the values of the set's areas from the full table. */
/* The codes the set's values are stored under (older codes for an
 * indicator of another vintage). */
static nm_status value_keys(nm_store *store, const nmS_ind *ind, const nm_areas *a, char **keys)
{
    nm_status rc = NM_OK;
    size_t i;

    if (ind->vintage != a->vintage && strcmp(ind->level, a->level) == 0) {
        rc = older_codes(store, ind, a, keys);
        nmC_log(store->ctx, NM_LOG_INFO, "%s %s uses %s codes of %d; matched to %d areas",
               ind->key, ind->period, ind->level, ind->vintage, a->vintage);
    } else {
        for (i = 0; rc == NM_OK && i < a->n; i++)
            if (!(keys[i] = nm_strdup(a->code[i])))
                rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    return rc;
}

static void pick_values(const nm_areas *a, const table *t, nm_values *v, char *const *keys)
{
    size_t i;
    long k;

    for (i = 0; i < a->n; i++) {
        k = nmS_vtable_find(t, keys[i]);
        v->value[i] = k >= 0 ? t->value[k] : NAN;
    }
}

/* Below this many areas, values are looked up one by one rather than the
 * whole table read: a borough's map needs 107 of 32,844. */
#define LOOKUP_MAX 2000

/* Sort key: the most deprived first. */
typedef struct ranked {
    double key;
    long index;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Positions 1..n of 'n' values, most deprived first; equal values share
 * the lower position (1, 2, 2, 4). */
static nm_status positions(nm_ctx *ctx, const double *vals, size_t n, int polarity, double *pos)
{
    ranked *r = nm_malloc((n ? n : 1) * sizeof *r);
    size_t i, m = 0;

    if (!r)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        pos[i] = NAN;
        if (isnan(vals[i]))
            continue;
        r[m].key = polarity > 0 ? -vals[i] : vals[i];
        r[m++].index = (long)i;
    }
    qsort(r, m, sizeof *r, cmp_ranked);
    for (i = 0; i < m; i++)
        pos[r[i].index] = (i > 0 && r[i].key == r[i - 1].key) ? pos[r[i - 1].index] : (double)(i + 1);
    nm_free(r);
    return NM_OK;
}

static nm_status rank_local(nm_ctx *ctx, nm_values *v)
{
    double *pos = nm_malloc((v->n ? v->n : 1) * sizeof *pos);
    long m = 0;
    size_t i;
    nm_status rc;

    if (!pos)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    rc = positions(ctx, v->value, v->n, v->polarity, pos);
    for (i = 0; i < v->n; i++)
        m += !isnan(pos[i]);
    for (i = 0; rc == NM_OK && i < v->n; i++) {
        v->value[i] = pos[i];
        v->group_size[i] = m;
    }
    nm_free(pos);
    return rc;
}

/* Region of every code of the indicator's level and vintage, sorted by
 * code, through up to three memberships. */
typedef struct region_map {
    size_t n, cap;
    char **code;
    char **region;
} region_map;

static void region_map_free(region_map *m)
{
    size_t i;
    for (i = 0; i < m->n; i++) {
        nm_free(m->code[i]);
        nm_free(m->region[i]);
    }
    nm_free(m->code);
    nm_free(m->region);
    memset(m, 0, sizeof *m);
}

static int region_map_add(region_map *m, const char *code, const char *region)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 4096;
        char **c = nm_realloc(m->code, cap * sizeof *c);
        char **r = c ? nm_realloc(m->region, cap * sizeof *r) : NULL;
        if (c)
            m->code = c;
        if (!r)
            return 0;
        m->region = r;
        m->cap = cap;
    }
    m->code[m->n] = nm_strdup(code);
    m->region[m->n] = nm_strdup(region);
    if (!m->code[m->n] || !m->region[m->n]) {
        nm_free(m->code[m->n]);
        nm_free(m->region[m->n]);
        return 0;
    }
    m->n++;
    return 1;
}

static nm_status regions_of(nm_store *store, const nmS_ind *ind, region_map *m)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;
    int s;

    rc = nmS_store_prepare(
        store,
        "WITH RECURSIVE up(code, anc, anc_level, depth) AS ("
        "  SELECT child, parent, parent_level, 1 FROM membership"
        "   WHERE child_level = ?1 AND child_vintage = ?2"
        "  UNION SELECT up.code, m.parent, m.parent_level, up.depth + 1 FROM up"
        "   JOIN membership m ON m.child_level = up.anc_level AND m.child = up.anc"
        "   WHERE up.depth < 3 AND up.anc_level <> 'region') "
        "SELECT code, MIN(anc) FROM up WHERE anc_level = 'region' GROUP BY code ORDER BY code",
        &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, ind->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, ind->vintage);
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (!region_map_add(m, (const char *)sqlite3_column_text(st, 0),
                            (const char *)sqlite3_column_text(st, 1)))
            break;
    if (s == SQLITE_ROW)
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    else if (s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "finding regions");
    sqlite3_finalize(st);
    if (rc == NM_OK && m->n == 0)
        rc = nmC_fail(store->ctx, NM_NOTFOUND,
                     "no region is known for %s areas of %d: import a file with regions "
                     "(the assembled IoD file's RGN19CD, or a LAD to region lookup)",
                     ind->level, ind->vintage);
    return rc;
}

static const char *region_find(const region_map *m, const char *code)
{
    size_t lo = 0, hi = m->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(m->code[mid], code);
        if (c == 0)
            return m->region[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static char *area_name(nm_store *store, const char *code)
{
    sqlite3_stmt *st = NULL;
    char *name = NULL;

    if (nmS_store_prepare(store, "SELECT name FROM area WHERE code = ? AND name IS NOT NULL "
                                "ORDER BY vintage DESC LIMIT 1",
                         &st) == NM_OK) {
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            name = nm_strdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return name ? name : nm_strdup(code);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Position of each area of the set in region R: 1 + the number of the
 * region's values that are more deprived than its own. */
static nm_status rank_in_region(nm_store *store, nm_values *v, const double *orig,
                                const char *const *keys, const table *t, const region_map *m,
                                const char *region)
{
    double *sorted = nm_malloc((t->n ? t->n : 1) * sizeof *sorted);
    size_t i, n = 0;
    char *name;

    if (!sorted)
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < t->n; i++) {
        const char *r = region_find(m, t->code[i]);
        if (r && strcmp(r, region) == 0)
            sorted[n++] = v->polarity > 0 ? -t->value[i] : t->value[i];
    }
    qsort(sorted, n, sizeof *sorted, cmp_double);
    name = area_name(store, region);
    for (i = 0; i < v->n; i++) {
        const char *r = region_find(m, keys[i]);
        double key;
        size_t lo = 0, hi = n;
        if (!r || strcmp(r, region) != 0 || isnan(orig[i]))
            continue;
        key = v->polarity > 0 ? -orig[i] : orig[i];
        while (lo < hi) { /* first position with a key >= this one */
            size_t mid = (lo + hi) / 2;
            if (sorted[mid] < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        v->value[i] = (double)(lo + 1);
        v->group_size[i] = (long)n;
        v->group_name[i] = nm_strdup(name ? name : region);
    }
    nm_free(sorted);
    nm_free(name);
    return NM_OK;
}

static nm_status rank_region(nm_store *store, const nmS_ind *ind, nm_values *v,
                             const char *const *keys, const table *t)
{
    region_map m = {0};
    nm_status rc = regions_of(store, ind, &m);
    double *orig = NULL;
    size_t i;

    if (rc == NM_OK && !(orig = nm_malloc((v->n ? v->n : 1) * sizeof *orig)))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK) {
        memcpy(orig, v->value, v->n * sizeof *orig);
        /* areas whose region is unknown cannot be ranked in it */
        for (i = 0; i < v->n; i++)
            v->value[i] = NAN;
    }
    /* each distinct region of the set once (a borough has one): an area
       already has its region's name when that region was ranked, which
       spares comparing with every earlier area (quadratic on England) */
    for (i = 0; rc == NM_OK && i < v->n; i++) {
        const char *r = region_find(&m, keys[i]);
        if (r && !isnan(orig[i]) && !v->group_name[i])
            rc = rank_in_region(store, v, orig, keys, t, &m, r);
    }
    nm_free(orig);
    region_map_free(&m);
    return rc;
}

static nm_status alloc_values(nm_ctx *ctx, const nm_areas *a, const nmS_ind *ind, nm_values *v)
{
    size_t n = a->n ? a->n : 1;

    v->n = a->n;
    v->value = nm_malloc(n * sizeof *v->value);
    v->group_size = nm_calloc(n, sizeof *v->group_size);
    v->group_name = nm_calloc(n, sizeof *v->group_name);
    v->label = nm_strdup(ind->label);
    v->source = nm_strdup(ind->source);
    if (!v->value || !v->group_size || !v->group_name || !v->label || !v->source)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    nmC_strlcpy(v->key, ind->key, sizeof v->key);
    nmC_strlcpy(v->period, ind->period, sizeof v->period);
    nmC_strlcpy(v->unit, ind->unit, sizeof v->unit);
    v->polarity = ind->polarity;
    return NM_OK;
}

/* "East of England" when every ranked area is in one region, else "". */
static char *common_group(const nm_values *v)
{
    const char *first = NULL;
    size_t i;

    for (i = 0; i < v->n; i++) {
        if (!v->group_name[i])
            continue;
        if (!first)
            first = v->group_name[i];
        else if (strcmp(first, v->group_name[i]) != 0)
            return nm_strdup("");
    }
    return nm_strdup(first ? first : "");
}

/* Aggregates are stored per level as "<level>_<id>" (ward_imd_score_pw;
 * see nm_aggregate), so that ward and locality figures and the LSOA values
 * they came from are all kept; a map of wards asks for "imd_score_pw". */
static nm_status find_for_level(nm_store *store, const char *key, const char *period,
                                const char *level, nmS_ind *ind)
{
    char qualified[64] = "";
    size_t n = strlen(level);
    nm_status rc;

    if (strncmp(key, level, n) != 0 || key[n] != '_') {
        snprintf(qualified, sizeof qualified, "%s_%s", level, key);
        if (nmS_store_find_indicator(store, qualified, period, ind) == NM_OK) {
            nmC_clear(store->ctx);
            return NM_OK;
        }
    }
    rc = nmS_store_find_indicator(store, key, period, ind);
    /* an id stored under no period at all is a typo more often than not */
    if (rc == NM_NOTFOUND && !nmA_indicator_known(store, key) &&
        !nmA_indicator_known(store, qualified))
        rc = nmA_indicator_unknown(store, key);
    return rc;
}

/* Areas of older codes than the indicator's (an LSOA of 2001, a population
 * of 2019 on 2011 codes): a head count of one that kept its code is read
 * by code; one split since is the sum of its parts, when every part has a
 * value and no other old area shares it.  Other units (scores, ranks) are not additive and stay missing. */
static nm_status sum_newer_parts(nm_store *store, const nmS_ind *ind, const nm_areas *a,
                                 nm_values *v)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;
    size_t i;

    if (strcmp(ind->unit, "people") != 0 && strcmp(ind->unit, "count") != 0)
        return NM_OK;
    rc = nmS_store_prepare(store,
                          "SELECT m.parent, (SELECT COUNT(*) FROM membership o WHERE "
                          "o.parent = m.parent AND o.child_level = ?2 AND o.child_vintage = ?3 "
                          "AND o.parent_level = ?2 AND o.parent_vintage = ?4) FROM membership m "
                          "WHERE m.child = ?1 AND m.child_level = ?2 AND m.child_vintage = ?3 "
                          "AND m.parent_level = ?2 AND m.parent_vintage = ?4",
                          &st);
    for (i = 0; rc == NM_OK && i < a->n; i++) {
        double sum = 0, one;
        int parts = 0, known = 1;
        if (!isnan(v->value[i]))
            continue;
        sqlite3_bind_text(st, 1, a->code[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, a->level, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, a->vintage);
        sqlite3_bind_int(st, 4, ind->vintage);
        while (rc == NM_OK && known && sqlite3_step(st) == SQLITE_ROW) {
            char *part = (char *)sqlite3_column_text(st, 0);
            /* a part shared with another old area (a merge) is no one's */
            rc = nmS_store_values_of(store, ind, &part, 1, &one);
            known = !isnan(one) && sqlite3_column_int(st, 1) == 1;
            sum += one;
            parts++;
        }
        sqlite3_reset(st);
        if (parts > 0 && known)
            v->value[i] = sum;
    }
    sqlite3_finalize(st);
    return rc;
}

nm_status nmA_national_count(nm_store *store, const nmS_ind *ind, long *out)
{
    long known = strcmp(ind->level, "lsoa") == 0 ? nm_england_lsoas(ind->vintage) : 0;
    long stored = 0, top = 0;
    nm_status rc = nmS_store_count_values(store, ind, &stored);

    *out = stored;
    /* only ranks of a partly stored country need their highest rank */
    if (rc != NM_OK || stored >= known || strcmp(ind->unit, "rank") != 0)
        return rc;
    rc = nmS_max_value(store, ind, &top);
    if (rc == NM_OK)
        *out = nm_rank_denominator(stored, top, ind->vintage);
    return rc;
}

nm_status nm_values_read(nm_store *store, const nm_areas *a, const char *key, const char *period,
                         nm_rank_scope scope, nm_values *v)
{
    nmS_ind ind = {0};
    table t = {0};
    char **keys = NULL;
    nm_status rc;
    size_t i;

    nmC_clear(store->ctx);
    memset(v, 0, sizeof *v);
    rc = find_for_level(store, key, period, a->level, &ind);
    if (rc == NM_OK)
        rc = alloc_values(store->ctx, a, &ind, v);
    if (rc == NM_OK && !(keys = nm_calloc(a->n ? a->n : 1, sizeof *keys)))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        rc = value_keys(store, &ind, a, keys);
    if (rc == NM_OK && scope < NM_RANK_REGION && a->n <= LOOKUP_MAX) {
        rc = nmS_store_values_of(store, &ind, keys, a->n, v->value);
        if (rc == NM_OK)
            rc = nmA_national_count(store, &ind, &v->national_n);
    } else if (rc == NM_OK) {
        /* regional ranks need every value of the region, and a large set
           reads faster in one pass */
        rc = nmS_store_each_value(store, &ind, nmS_vtable_add, &t);
        if (rc == NM_OK && t.failed)
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        if (rc == NM_OK)
            pick_values(a, &t, v, keys);
        if (rc == NM_OK)
            rc = nmA_national_count(store, &ind, &v->national_n);
    }
    if (rc == NM_OK && scope == NM_RANK_NONE && a->vintage < ind.vintage &&
        strcmp(a->level, ind.level) == 0)
        rc = sum_newer_parts(store, &ind, a, v);
    if (rc == NM_OK && scope >= NM_RANK_REGION && ind.polarity == 0)
        rc = nmC_fail(store->ctx, NM_USAGE,
                     "%s has no direction (more is neither better nor worse): it cannot be "
                     "ranked by deprivation",
                     key);
    if (rc == NM_OK && scope == NM_RANK_LOCAL)
        rc = rank_local(store->ctx, v);
    if (rc == NM_OK && scope == NM_RANK_REGION)
        rc = rank_region(store, &ind, v, (const char *const *)keys, &t);
    if (rc == NM_OK && scope >= NM_RANK_REGION) {
        v->polarity = -1;
        if (!(v->group_label = common_group(v)))
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    if (rc == NM_OK && !v->group_label && !(v->group_label = nm_strdup("")))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    for (i = 0; keys && i < a->n; i++)
        nm_free(keys[i]);
    nm_free(keys);
    nmS_vtable_free(&t);
    nmS_ind_clear(&ind);
    if (rc != NM_OK)
        nm_values_clear(v);
    return rc;
}
