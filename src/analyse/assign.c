/*
 * Memberships computed from boundaries where no official lookup exists:
 * each child goes to the parent holding its interior point (SpatiaLite's
 * ST_PointOnSurface, always inside the polygon, unlike a centroid), or to
 * every parent it overlaps, weighted by the share of its area.  Candidate
 * parents come from the spatial index; the exact tests are GEOS's.  Where
 * an official lookup between the same levels is stored too, the children on
 * which the two disagree are reported, since that is what a plan's reader
 * will ask about.  Reading lookups from files is ingest's job.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analyse_int.h"

#define DEFAULT_MIN_SHARE 0.001
#define SHOW_FIRST 5 /* codes named in a warning before "and N more" */

/* One child's parents, largest weight first once weighed. */
typedef struct placing {
    char **parent;
    double *weight;
    int n, cap;
} placing;

typedef struct run {
    nm_store *store;
    nm_ctx *ctx;
    const nm_assign_opts *o;
    nm_areas *children, *parents;
    placing *placed; /* per child */
    double min_share;
    const char *method; /* "point" or "area" */
    nm_assign_result *res;
} run;

static void placing_free(placing *p)
{
    for (int i = 0; i < p->n; i++)
        nm_free(p->parent[i]);
    nm_free(p->parent);
    nm_free(p->weight);
    memset(p, 0, sizeof *p);
}

static int placing_add(placing *p, const char *parent, double weight)
{
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 4;
        char **np = nm_realloc(p->parent, (size_t)cap * sizeof *np);
        double *nw = np ? nm_realloc(p->weight, (size_t)cap * sizeof *nw) : NULL;
        if (np)
            p->parent = np;
        if (!nw)
            return 0;
        p->weight = nw;
        p->cap = cap;
    }
    if (!(p->parent[p->n] = nm_strdup(parent)))
        return 0;
    p->weight[p->n++] = weight;
    return 1;
}

void nm_assign_result_clear(nm_assign_result *r)
{
    if (!r)
        return;
    for (long i = 0; r->disagreements && i < r->disagree; i++) {
        nm_free(r->disagreements[i].child);
        nm_free(r->disagreements[i].assigned);
        nm_free(r->disagreements[i].lookup);
    }
    nm_free(r->disagreements);
    memset(r, 0, sizeof *r);
}

#define CANDIDATES(frame)                                                                          \
    "p.level = ?2 AND p.vintage = ?3 AND p.geom IS NOT NULL AND p.id IN (SELECT rowid FROM "     \
    "SpatialIndex WHERE f_table_name = 'area' AND f_geometry_column = 'geom' AND "               \
    "search_frame = " frame ") "

/* The parent holding the interior point.  A point on a shared edge is in
 * neither polygon for ST_Contains; GEOS puts interior points well inside,
 * so that is left to the "in no parent" warning rather than guessed. */
static const char *const point_sql =
    "SELECT p.code, 1.0 FROM area c, area p WHERE c.id = ?1 AND " CANDIDATES(
        "ST_PointOnSurface(c.geom)") "AND ST_Contains(p.geom, ST_PointOnSurface(c.geom)) "
                                     "ORDER BY p.code LIMIT 1";

/* Every overlapping parent with the share of the child's area it holds.
 * A self-intersecting ring (England has 90 such LSOAs) makes GEOS refuse
 * the intersection; the zero-width buffer is the usual repair. */
static const char *const area_sql =
    "SELECT p.code, COALESCE(ST_Area(ST_Intersection(c.geom, p.geom)),"
    " ST_Area(ST_Intersection(ST_Buffer(c.geom, 0), ST_Buffer(p.geom, 0)))) / ST_Area(c.geom) "
    "FROM area c, area p WHERE c.id = ?1 AND " CANDIDATES(
        "c.geom") "AND ST_Intersects(c.geom, p.geom) ORDER BY p.code";

static int cmp_weight_desc(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (*x < *y) - (*x > *y);
}

/* Drops slivers, renormalises so the weights sum to 1, and puts the
 * largest share first (the "main" parent compared with a lookup).  The
 * whole child rarely lies in its parents exactly: generalised boundaries
 * differ along coasts and rivers, so the kept shares are scaled up. */
static void weigh(run *r, placing *p)
{
    double total = 0;
    int i, k = 0, big = 0;

    for (i = 0; i < p->n; i++)
        if (p->weight[i] > p->weight[big])
            big = i;
    for (i = 0; i < p->n; i++) {
        int keep = p->weight[i] >= r->min_share || i == big;
        if (!keep || !(p->weight[i] > 0)) {
            r->res->slivers += keep ? 0 : 1;
            nm_free(p->parent[i]);
            continue;
        }
        p->parent[k] = p->parent[i];
        p->weight[k++] = p->weight[i];
        total += p->weight[i];
    }
    p->n = k;
    for (i = 0; i < k; i++)
        p->weight[i] /= total;
    /* largest first: swap it to the front, the rest keep code order */
    for (i = 1; i < k; i++)
        if (cmp_weight_desc(&p->weight[i], &p->weight[0]) < 0) {
            char *c = p->parent[0];
            double w = p->weight[0];
            p->parent[0] = p->parent[i];
            p->weight[0] = p->weight[i];
            p->parent[i] = c;
            p->weight[i] = w;
        }
}

static nm_status place_children(run *r)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;
    size_t i;
    int s = SQLITE_DONE;

    rc = nmS_store_prepare(r->store, r->o->method == NM_ASSIGN_AREA ? area_sql : point_sql, &st);
    for (i = 0; rc == NM_OK && i < r->children->n; i++) {
        placing *p = &r->placed[i];
        sqlite3_bind_int64(st, 1, r->children->rowid[i]);
        sqlite3_bind_text(st, 2, r->parents->level, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, r->parents->vintage);
        while (rc == NM_OK && (s = sqlite3_step(st)) == SQLITE_ROW)
            if (sqlite3_column_type(st, 1) != SQLITE_NULL &&
                !placing_add(p, (const char *)sqlite3_column_text(st, 0),
                             sqlite3_column_double(st, 1)))
                rc = nmC_fail(r->ctx, NM_NOMEM, "out of memory");
        if (rc == NM_OK && s != SQLITE_DONE)
            rc = nmS_store_sqlfail(r->store, "placing areas in their parents");
        sqlite3_reset(st);
        if (rc == NM_OK && p->n > 0) {
            weigh(r, p);
            r->res->assigned++;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Removes earlier memberships of the same levels, vintages and method: all
 * of them, or with 'within' only those of the children placed now. */
static nm_status clear_earlier(run *r)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(
        r->store,
        "DELETE FROM membership WHERE child_level = ?1 AND child_vintage = ?2 AND "
        "parent_level = ?3 AND parent_vintage = ?4 AND method = ?5 AND (?6 IS NULL OR child = ?6)",
        &st);
    size_t i, n = r->o->within ? r->children->n : 1;

    for (i = 0; rc == NM_OK && i < n; i++) {
        sqlite3_bind_text(st, 1, r->children->level, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, r->children->vintage);
        sqlite3_bind_text(st, 3, r->parents->level, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, r->parents->vintage);
        sqlite3_bind_text(st, 5, r->method, -1, SQLITE_STATIC);
        if (r->o->within)
            sqlite3_bind_text(st, 6, r->children->code[i], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 6);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = nmS_store_sqlfail(r->store, "replacing memberships");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static nm_status store_placings(run *r)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(r->store,
                                    "INSERT INTO membership(child_level, child_vintage, child,"
                                    " parent_level, parent_vintage, parent, method, weight) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                    &st);
    size_t i;

    for (i = 0; rc == NM_OK && i < r->children->n; i++)
        for (int k = 0; rc == NM_OK && k < r->placed[i].n; k++) {
            sqlite3_bind_text(st, 1, r->children->level, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, r->children->vintage);
            sqlite3_bind_text(st, 3, r->children->code[i], -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, r->parents->level, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 5, r->parents->vintage);
            sqlite3_bind_text(st, 6, r->placed[i].parent[k], -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 7, r->method, -1, SQLITE_STATIC);
            sqlite3_bind_double(st, 8, r->placed[i].weight[k]);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = nmS_store_sqlfail(r->store, "storing memberships");
            sqlite3_reset(st);
            r->res->memberships++;
        }
    sqlite3_finalize(st);
    return rc;
}

static nm_status add_disagreement(run *r, const char *child, const char *assigned,
                                  const char *lookup)
{
    nm_assign_result *res = r->res;
    nm_disagreement *d = nm_realloc(res->disagreements, (size_t)(res->disagree + 1) * sizeof *d);

    if (!d)
        return nmC_fail(r->ctx, NM_NOMEM, "out of memory");
    res->disagreements = d;
    d += res->disagree;
    d->child = nm_strdup(child);
    d->assigned = nm_strdup(assigned);
    d->lookup = nm_strdup(lookup);
    res->disagree++;
    if (!d->child || !d->assigned || !d->lookup)
        return nmC_fail(r->ctx, NM_NOMEM, "out of memory");
    return NM_OK;
}

/* Compares each child's main parent with the official lookup's, of the
 * same parent vintage when stored, else the latest. */
static nm_status compare_with_lookup(run *r)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(
        r->store,
        "SELECT parent FROM membership WHERE child_level = ?1 AND child_vintage = ?2 AND "
        "child = ?3 AND parent_level = ?4 AND method = 'lookup' "
        "ORDER BY parent_vintage = ?5 DESC, parent_vintage DESC, weight DESC, parent LIMIT 1",
        &st);
    size_t i;

    for (i = 0; rc == NM_OK && i < r->children->n; i++) {
        const placing *p = &r->placed[i];
        sqlite3_bind_text(st, 1, r->children->level, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, r->children->vintage);
        sqlite3_bind_text(st, 3, r->children->code[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r->parents->level, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, r->parents->vintage);
        if (sqlite3_step(st) == SQLITE_ROW && p->n > 0) {
            const char *lookup = (const char *)sqlite3_column_text(st, 0);
            r->res->compared++;
            if (strcmp(lookup, p->parent[0]) != 0)
                rc = add_disagreement(r, r->children->code[i], p->parent[0], lookup);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static const char *method_words(const run *r)
{
    return r->o->method == NM_ASSIGN_AREA ? "by area" : "by interior point";
}

/* The name of a parent the run placed a child in, or its code. */
static const char *parent_name(const run *r, const char *code)
{
    long k = nmS_code_find(r->parents->code, r->parents->n, code);
    return k >= 0 && r->parents->name[k] ? r->parents->name[k] : code;
}

/* Compares the placings with one stored lookup: by code when it is of the
 * parents' year, else by name (ward codes of 2013 and 2019 differ where the
 * wards did not).  Logs how many children it places elsewhere and which. */
static nm_status compare_one(run *r, long dataset, const char *file, int vintage, sqlite3_stmt *st)
{
    const char *slash = strrchr(file, '/');
    int by_code = vintage == r->parents->vintage;
    long compared = 0, differ = 0;
    nmC_buf b = {0};
    size_t i;

    for (i = 0; i < r->children->n; i++) {
        const placing *p = &r->placed[i];
        sqlite3_bind_text(st, 1, r->children->code[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, dataset);
        if (sqlite3_step(st) == SQLITE_ROW && p->n > 0) {
            const char *code = (const char *)sqlite3_column_text(st, 0);
            const char *name = (const char *)sqlite3_column_text(st, 1);
            const char *mine = by_code ? p->parent[0] : parent_name(r, p->parent[0]);
            compared++;
            if (strcmp(by_code ? code : name, mine) != 0 && differ++ < SHOW_FIRST)
                nmC_buf_addf(&b, "%s%s (%s; lookup %s)", differ > 1 ? ", " : "",
                            r->children->code[i], parent_name(r, p->parent[0]), name);
        }
        sqlite3_reset(st);
    }
    if (differ > SHOW_FIRST)
        nmC_buf_addf(&b, " and %ld more", differ - SHOW_FIRST);
    if (differ > 0) {
        r->res->lookups_differ++;
        nmC_log(r->ctx, NM_LOG_WARN,
               "%ld of %ld %ss are placed %s in another %s than by the lookup %s (%s %d%s): %s",
               differ, compared, r->children->level, method_words(r), r->parents->level,
               slash ? slash + 1 : file, r->parents->level, vintage,
               by_code ? "" : ", compared by name", b.data ? b.data : "");
    } else if (compared > 0) {
        nmC_log(r->ctx, NM_LOG_INFO, "%s %s agrees with the lookup %s (%s %d) for all %ld %ss",
               r->parents->level, method_words(r), slash ? slash + 1 : file, r->parents->level,
               vintage, compared, r->children->level);
    }
    differ = b.failed;
    nmC_buf_free(&b);
    return differ ? nmC_fail(r->ctx, NM_NOMEM, "out of memory") : NM_OK;
}

/* Every stored lookup between the two levels, whatever its parents' year. */
static nm_status compare_each_lookup(run *r)
{
    sqlite3_stmt *list = NULL, *one = NULL;
    nm_status rc = nmS_store_prepare(
        r->store,
        "SELECT DISTINCT m.dataset, coalesce(d.file, ''), m.parent_vintage FROM membership m "
        "LEFT JOIN dataset d ON d.id = m.dataset WHERE m.child_level = ?1 AND m.child_vintage = ?2 "
        "AND m.parent_level = ?3 AND m.method = 'lookup' AND m.dataset IS NOT NULL ORDER BY 1",
        &list);

    if (rc == NM_OK)
        rc = nmS_store_prepare(
            r->store,
            "SELECT m.parent, coalesce((SELECT a.name FROM area a WHERE a.code = m.parent AND "
            "a.level = m.parent_level AND a.vintage = m.parent_vintage AND a.name IS NOT NULL "
            "LIMIT 1), m.parent) FROM membership m WHERE m.child = ?1 AND m.dataset = ?2 "
            "AND m.child_level = ?3 AND m.child_vintage = ?4 AND m.parent_level = ?5 "
            "AND m.method = 'lookup' ORDER BY m.weight DESC, m.parent LIMIT 1",
            &one);
    if (rc == NM_OK) {
        sqlite3_bind_text(list, 1, r->children->level, -1, SQLITE_STATIC);
        sqlite3_bind_int(list, 2, r->children->vintage);
        sqlite3_bind_text(list, 3, r->parents->level, -1, SQLITE_STATIC);
        sqlite3_bind_text(one, 3, r->children->level, -1, SQLITE_STATIC);
        sqlite3_bind_int(one, 4, r->children->vintage);
        sqlite3_bind_text(one, 5, r->parents->level, -1, SQLITE_STATIC);
    }
    while (rc == NM_OK && sqlite3_step(list) == SQLITE_ROW)
        rc = compare_one(r, (long)sqlite3_column_int64(list, 0),
                         (const char *)sqlite3_column_text(list, 1), sqlite3_column_int(list, 2),
                         one);
    sqlite3_finalize(list);
    sqlite3_finalize(one);
    return rc;
}

static void report_unplaced(run *r)
{
    nmC_buf b = {0};
    long shown = 0, missing = r->res->children - r->res->assigned;
    size_t i;

    if (missing == 0)
        return;
    for (i = 0; i < r->children->n && shown < SHOW_FIRST; i++)
        if (r->placed[i].n == 0)
            nmC_buf_addf(&b, "%s%s", shown++ ? ", " : "", r->children->code[i]);
    if (missing > shown)
        nmC_buf_addf(&b, " and %ld more", missing - shown);
    nmC_log(r->ctx, NM_LOG_WARN, "%ld %ss lie in no %s %d and were not assigned: %s", missing,
           r->children->level, r->parents->level, r->parents->vintage, b.data ? b.data : "");
    nmC_buf_free(&b);
}

static nm_status check_opts(nm_ctx *ctx, const nm_assign_opts *o, double *min_share)
{
    if (!o->child_level || !o->parent_level)
        return nmC_fail(ctx, NM_USAGE, "the child and parent levels are required (e.g. lsoa, ward)");
    if (strcmp(o->child_level, o->parent_level) == 0)
        return nmC_fail(ctx, NM_USAGE, "the child and parent levels are both \"%s\"",
                       o->child_level);
    if (o->method != NM_ASSIGN_POINT && o->method != NM_ASSIGN_AREA)
        return nmC_fail(ctx, NM_USAGE, "unknown assignment method %d", (int)o->method);
    *min_share = o->min_share > 0 ? o->min_share : DEFAULT_MIN_SHARE;
    if (*min_share >= 0.5)
        return nmC_fail(ctx, NM_USAGE, "the smallest share kept must be below 0.5, not %g",
                       *min_share);
    return NM_OK;
}

nm_status nm_assign(nm_store *store, const nm_assign_opts *o, nm_assign_result *result)
{
    nm_assign_result local = {0};
    run r = {0};
    nm_status rc;
    size_t i;

    nmC_clear(store->ctx);
    if (!result)
        result = &local;
    memset(result, 0, sizeof *result);
    r.store = store;
    r.ctx = store->ctx;
    r.o = o;
    r.res = result;
    r.method = o->method == NM_ASSIGN_AREA ? "area" : "point";
    rc = check_opts(r.ctx, o, &r.min_share);
    if (rc == NM_OK)
        rc = nm_areas_select(store, o->child_level, o->child_vintage, o->within, &r.children);
    if (rc == NM_OK)
        rc = nm_areas_select(store, o->parent_level, o->parent_vintage, NULL, &r.parents);
    if (rc == NM_OK && !(r.placed = nm_calloc(r.children->n, sizeof *r.placed)))
        rc = nmC_fail(r.ctx, NM_NOMEM, "out of memory");
    if (rc != NM_OK)
        goto cleanup;
    result->children = (long)r.children->n;
    rc = place_children(&r);
    if (rc == NM_OK)
        rc = nmS_store_begin(store);
    if (rc != NM_OK)
        goto cleanup;
    rc = clear_earlier(&r);
    if (rc == NM_OK)
        rc = store_placings(&r);
    if (rc == NM_OK)
        rc = compare_with_lookup(&r);
    if (rc == NM_OK)
        rc = nmS_store_commit(store);
    else
        nmS_store_rollback(store);
    if (rc == NM_OK) {
        report_unplaced(&r);
        rc = compare_each_lookup(&r);
    }

cleanup:
    for (i = 0; r.placed && i < r.children->n; i++)
        placing_free(&r.placed[i]);
    nm_free(r.placed);
    nm_areas_free(r.children);
    nm_areas_free(r.parents);
    if (rc != NM_OK || result == &local) {
        long keep_children = result->children;
        nm_assign_result_clear(result);
        result->children = rc == NM_OK ? keep_children : 0;
    }
    return rc;
}
