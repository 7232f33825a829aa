/*
 * Selecting the areas of a figure: every area of a level, or those within a
 * parent area.  Memberships are followed down any number of levels (a
 * locality's wards' LSOAs); where none lead from the parent to the level,
 * an area belongs to the parent when its interior point (SpatiaLite's
 * ST_PointOnSurface, always inside the polygon, unlike a centroid) lies in
 * the parent's boundary, found through the spatial index.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "analyse/pip_int.h"

void nm_areas_free(nm_areas *a)
{
    size_t i;

    if (!a)
        return;
    for (i = 0; i < a->n; i++) {
        nm_free(a->code[i]);
        nm_free(a->name[i]);
    }
    nm_free(a->within_code);
    nm_free(a->rowid);
    nm_free(a->dataset);
    nm_free(a->code);
    nm_free(a->name);
    nm_free(a->within_name);
    nm_free(a);
}

size_t nm_areas_count(const nm_areas *a) { return a->n; }
const char *nm_areas_code(const nm_areas *a, size_t i) { return a->code[i]; }
const char *nm_areas_name(const nm_areas *a, size_t i) { return a->name[i] ? a->name[i] : ""; }
long nm_areas_rowid(const nm_areas *a, size_t i) { return a->rowid[i]; }
const char *nm_areas_level(const nm_areas *a) { return a->level; }
int nm_areas_vintage(const nm_areas *a) { return a->vintage; }
const char *nm_areas_within_name(const nm_areas *a) { return a->within_name ? a->within_name : ""; }

long nm_areas_dataset(const nm_areas *a, size_t i) { return a->dataset[i]; }

/* The extent of every boundary of the level, for a selection of them all,
 * whose query reads no geometry: a map of England's LSOAs reads its
 * boundaries once, when it draws them, not once more for a box it can
 * take from what it draws. */
static void measure_level(nm_areas *a)
{
    sqlite3_stmt *st = NULL;

    a->has_extent = 1;
    if (nmS_store_prepare(a->store,
                         "SELECT min(MbrMinX(geom)), min(MbrMinY(geom)), max(MbrMaxX(geom)), "
                         "max(MbrMaxY(geom)) FROM area WHERE level = ? AND vintage = ? "
                         "AND geom IS NOT NULL",
                         &st) != NM_OK)
        return;
    sqlite3_bind_text(st, 1, a->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, a->vintage);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        a->minx = sqlite3_column_double(st, 0);
        a->miny = sqlite3_column_double(st, 1);
        a->maxx = sqlite3_column_double(st, 2);
        a->maxy = sqlite3_column_double(st, 3);
    }
    sqlite3_finalize(st);
}

void nm_areas_extent(const nm_areas *a, double *minx, double *miny, double *maxx, double *maxy)
{
    if (!a->has_extent)
        measure_level((nm_areas *)a); /* a cache: the areas stay the same */
    *minx = a->minx;
    *miny = a->miny;
    *maxx = a->maxx;
    *maxy = a->maxy;
}

void nm_areas_measured(nm_areas *a, const double ext[4])
{
    if (a->has_extent || !(ext[0] <= ext[2] && ext[1] <= ext[3]))
        return;
    a->has_extent = 1;
    a->minx = ext[0];
    a->miny = ext[1];
    a->maxx = ext[2];
    a->maxy = ext[3];
}

static int add_area(nm_areas *a, sqlite3_stmt *st)
{
    const unsigned char *code = sqlite3_column_text(st, 1), *name = sqlite3_column_text(st, 2);

    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        long *r = nm_realloc(a->rowid, cap * sizeof *r);
        long *d = r ? nm_realloc(a->dataset, cap * sizeof *d) : NULL;
        char **c = d ? nm_realloc(a->code, cap * sizeof *c) : NULL;
        char **nm = c ? nm_realloc(a->name, cap * sizeof *nm) : NULL;
        if (r)
            a->rowid = r;
        if (d)
            a->dataset = d;
        if (c)
            a->code = c;
        if (!nm)
            return 0;
        a->name = nm;
        a->cap = cap;
    }
    a->rowid[a->n] = (long)sqlite3_column_int64(st, 0);
    a->dataset[a->n] = (long)sqlite3_column_int64(st, 3);
    a->code[a->n] = nm_strdup((const char *)code);
    a->name[a->n] = name ? nm_strdup((const char *)name) : NULL;
    if (!a->code[a->n] || (name && !a->name[a->n])) {
        nm_free(a->code[a->n]);
        nm_free(a->name[a->n]);
        return 0;
    }
    if (sqlite3_column_count(st) > 4) {
        a->minx = fmin(a->minx, sqlite3_column_double(st, 4));
        a->miny = fmin(a->miny, sqlite3_column_double(st, 5));
        a->maxx = fmax(a->maxx, sqlite3_column_double(st, 6));
        a->maxy = fmax(a->maxy, sqlite3_column_double(st, 7));
    }
    a->n++;
    return 1;
}

/* Runs a query whose rows are (id, code, name, dataset[, minx, miny, maxx,
 * maxy]). */
static nm_status collect(nm_store *store, sqlite3_stmt *st, nm_areas *a)
{
    int s;

    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (!add_area(a, st))
            return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    if (s != SQLITE_DONE)
        return nmS_store_sqlfail(store, "selecting areas");
    return NM_OK;
}

#define AREA_COLUMNS                                                                               \
    "a.id, a.code, a.name, a.dataset, MbrMinX(a.geom), MbrMinY(a.geom), MbrMaxX(a.geom), "         \
    "MbrMaxY(a.geom) "

/* No boundaries of 'level': a typo ("lsao") is answered with the levels
 * that have boundaries. */
static nm_status no_level(nm_store *store, const char *level)
{
    sqlite3_stmt *st = NULL;
    nmC_buf msg = {0};
    nmC_near near;
    nm_status rc;

    nmC_near_init(&near, level);
    if (nmS_store_prepare(store, "SELECT DISTINCT level FROM area WHERE geom IS NOT NULL", &st) ==
        NM_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            nmC_near_offer(&near, (const char *)sqlite3_column_text(st, 0), NULL);
    sqlite3_finalize(st);
    nmC_buf_addf(&msg, "no %s boundaries in the store", level);
    if (near.count)
        nmC_near_add_to(&near, &msg);
    else
        nmC_buf_addf(&msg, "; import them first (needsmap import boundaries FILE --level %s)",
                    level);
    rc = nmC_fail(store->ctx, NM_NOTFOUND, "%s", msg.data ? msg.data : "no boundaries");
    nmC_buf_free(&msg);
    return rc;
}

static nm_status latest_vintage(nm_store *store, const char *level, int *vintage)
{
    /* the run's year of the level (vintage.c), checked for boundaries */
    sqlite3_stmt *st = NULL;
    int v = nmS_store_vintage_of(store, level, 1);
    nm_status rc = nmS_store_prepare(
        store, "SELECT EXISTS (SELECT 1 FROM area WHERE level = ? AND vintage = ? AND geom IS NOT NULL)",
        &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, v);
    if (v > 0 && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0))
        *vintage = v;
    else if (v > 0 && store->vvintage == v && strcmp(store->vlevel, level) == 0)
        rc = nmC_fail(store->ctx, NM_NOTFOUND,
                     "no %s %d boundaries in the store (the %s year asked for); import them "
                     "(needsmap import boundaries FILE --level %s) or name another year",
                     level, v, level, level);
    else
        rc = no_level(store, level);
    sqlite3_finalize(st);
    return rc;
}

typedef struct parent {
    long id;
    char level[16];
    int has_geom;
} parent;

static nm_status find_parent(nm_store *store, const char *code, parent *p, nm_areas *a)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(store,
                                    "SELECT id, level, name, geom IS NOT NULL FROM area "
                                    "WHERE code = ? ORDER BY geom IS NOT NULL DESC, vintage DESC "
                                    "LIMIT 1",
                                    &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(st, 2);
        p->id = (long)sqlite3_column_int64(st, 0);
        nmC_strlcpy(p->level, (const char *)sqlite3_column_text(st, 1), sizeof p->level);
        p->has_geom = sqlite3_column_int(st, 3);
        a->within_name = nm_strdup(name ? (const char *)name : code);
        if (!a->within_name)
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    } else {
        rc = nmA_area_unknown(store, code);
    }
    sqlite3_finalize(st);
    return rc;
}

static nm_status select_all(nm_store *store, nm_areas *a)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(store,
                                    "SELECT a.id, a.code, a.name, a.dataset FROM area a "
                                    "WHERE a.level = ? AND a.vintage = ? AND a.geom IS NOT NULL "
                                    "ORDER BY a.code",
                                    &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, a->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, a->vintage);
    rc = collect(store, st, a);
    sqlite3_finalize(st);
    a->has_extent = 0; /* measured when asked for */
    return rc;
}

static nm_status select_by_membership(nm_store *store, nm_areas *a, const char *code,
                                      const parent *p)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(
        store,
        "WITH RECURSIVE d(code, level) AS (VALUES (?1, ?2) UNION "
        "  SELECT m.child, m.child_level FROM membership m JOIN d "
        "  ON m.parent = d.code AND m.parent_level = d.level WHERE m.child_level <> m.parent_level), "
        /* and the areas those descendants belong to, short of the parent's
           own level: the wards (and localities) of a council's LSOAs when
           only LSOA -> LAD and LSOA -> ward memberships are stored; shares
           of area would bring in the neighbours' edges */
        "u(code, level) AS (SELECT code, level FROM d UNION "
        "  SELECT m.parent, m.parent_level FROM membership m JOIN u "
        "  ON m.child = u.code AND m.child_level = u.level WHERE u.code <> ?1 "
        "  AND m.parent_level NOT IN (?2, m.child_level) AND m.method <> 'area' "
        "  AND (m.parent_level <> ?3 OR m.parent_vintage = ?4)) "
        "SELECT " AREA_COLUMNS "FROM area a WHERE a.level = ?3 AND a.vintage = ?4 "
        "AND a.geom IS NOT NULL AND a.code IN (SELECT code FROM u WHERE level = ?3) "
        "ORDER BY a.code",
        &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->level, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, a->vintage);
    rc = collect(store, st, a);
    sqlite3_finalize(st);
    return rc;
}

static nm_status select_by_position(nm_store *store, nm_areas *a, const parent *p)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(
        store,
        "SELECT " AREA_COLUMNS "FROM area a, area p WHERE p.id = ?1 AND a.level = ?2 "
        "AND a.vintage = ?3 AND a.geom IS NOT NULL AND a.id IN (SELECT rowid FROM SpatialIndex "
        "  WHERE f_table_name = 'area' AND f_geometry_column = 'geom' AND search_frame = p.geom) "
        "AND ST_Contains(p.geom, ST_PointOnSurface(a.geom)) ORDER BY a.code",
        &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_text(st, 2, a->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, a->vintage);
    rc = collect(store, st, a);
    sqlite3_finalize(st);
    return rc;
}

/* An empty selection of 'level', its extent an empty box; NULL when out of
 * memory. */
static nm_areas *new_areas(nm_store *store, const char *level)
{
    nm_areas *a = nm_calloc(1, sizeof *a);

    if (!a)
        return NULL;
    a->store = store;
    a->has_extent = 1;
    a->minx = a->miny = DBL_MAX;
    a->maxx = a->maxy = -DBL_MAX;
    nmC_strlcpy(a->level, level, sizeof a->level);
    return a;
}

nm_status nm_areas_select(nm_store *store, const char *level, int vintage, const char *within,
                          nm_areas **out)
{
    nm_areas *a = NULL;
    parent p = {0};
    nm_status rc;

    nmC_clear(store->ctx);
    *out = NULL;
    if (!(a = new_areas(store, level)))
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    a->vintage = vintage;
    rc = vintage ? NM_OK : latest_vintage(store, level, &a->vintage);
    if (rc == NM_OK && !within)
        rc = select_all(store, a);
    if (rc == NM_OK && within) {
        rc = find_parent(store, within, &p, a);
        if (rc == NM_OK && strcmp(p.level, level) == 0)
            rc = nmC_fail(store->ctx, NM_USAGE, "\"%s\" is itself a %s; --within takes a larger area",
                         within, level);
        if (rc == NM_OK && !(a->within_code = nm_strdup(within)))
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        nmC_strlcpy(a->within_level, p.level, sizeof a->within_level);
        if (rc == NM_OK)
            rc = select_by_membership(store, a, within, &p);
        if (rc == NM_OK && a->n == 0 && p.has_geom) {
            a->by_position = 1;
            rc = select_by_position(store, a, &p);
        }
    }
    if (rc == NM_OK && a->n == 0)
        rc = nmC_fail(store->ctx, NM_USAGE, "no %s areas (%d) with a boundary%s%s", level,
                     a->vintage, within ? " within " : " in the store", within ? within : "");
    if (rc != NM_OK) {
        nm_areas_free(a);
        return rc;
    }
    *out = a;
    return NM_OK;
}

nm_status nm_areas_selection_said(nm_store *store, const nm_areas *a, char **out)
{
    nmC_buf b = {0};
    size_t head;
    nm_status rc;

    *out = NULL;
    if (!a->within_code)
        return NM_OK;
    nmC_buf_addf(&b, "%s: ", a->within_name ? a->within_name : a->within_code);
    head = b.len;
    rc = nmS_store_descent_said(store, a->within_code, a->within_level, a->level, a->vintage,
                               a->by_position, &b);
    if (rc == NM_OK && b.len > head) {
        nmC_buf_add(&b, ".", 1);
        if (!(*out = nmC_buf_take(&b)))
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    nmC_buf_free(&b);
    return rc;
}

/* The older codes of the set's areas (an LSOA of 2001 -> its parts of 2011)
 * with the share of each old area's parts (by membership weight) that lie
 * in the set, and its name. */
static const char *const older_sql =
    "SELECT m.child, SUM(CASE WHEN s.code IS NOT NULL THEN m.weight ELSE 0 END), SUM(m.weight), "
    " (SELECT a.name FROM area a WHERE a.code = m.child AND a.level = ?1 AND a.name IS NOT NULL "
    "  ORDER BY a.vintage = ?2 DESC LIMIT 1), MIN(s.code) "
    "FROM membership m LEFT JOIN nm_set s ON s.code = m.parent "
    "WHERE m.child_level = ?1 AND m.child_vintage = ?2 AND m.parent_level = ?1 "
    "AND m.parent_vintage = ?3 AND m.child IN (SELECT m2.child FROM membership m2 JOIN nm_set s2 "
    " ON s2.code = m2.parent WHERE m2.child_level = ?1 AND m2.child_vintage = ?2 "
    " AND m2.parent_level = ?1 AND m2.parent_vintage = ?3) "
    "GROUP BY m.child ORDER BY m.child";

static nm_status fill_temp_codes(nm_store *store, const nm_areas *set);

static int push_area(nm_areas *a, const char *code, const char *name)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 128;
        char **c = nm_realloc(a->code, cap * sizeof *c);
        char **nm = c ? nm_realloc(a->name, cap * sizeof *nm) : NULL;
        long *r = nm ? nm_realloc(a->rowid, cap * sizeof *r) : NULL;
        long *d = r ? nm_realloc(a->dataset, cap * sizeof *d) : NULL;
        if (c)
            a->code = c;
        if (nm)
            a->name = nm;
        if (r)
            a->rowid = r;
        if (!d)
            return 0;
        a->dataset = d;
        a->cap = cap;
    }
    a->code[a->n] = nm_strdup(code);
    a->name[a->n] = name ? nm_strdup(name) : NULL;
    a->rowid[a->n] = 0;
    a->dataset[a->n] = 0;
    if (!a->code[a->n])
        return 0;
    a->n++;
    return 1;
}

nm_status nm_areas_concat(nm_store *store, nm_areas *const *sets, size_t n, nm_areas **out)
{
    nm_areas *a = n ? new_areas(store, sets[0]->level) : NULL;
    nm_status rc = NM_OK;

    *out = NULL;
    if (!a)
        return n ? nmC_fail(store->ctx, NM_NOMEM, "out of memory")
                 : nmC_fail(store->ctx, NM_USAGE, "no sets of areas to join");
    a->vintage = sets[0]->vintage;
    for (size_t s = 0; rc == NM_OK && s < n; s++) {
        double x0, y0, x1, y1;
        for (size_t i = 0; rc == NM_OK && i < sets[s]->n; i++) {
            if (!push_area(a, sets[s]->code[i], sets[s]->name[i])) {
                rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
                break;
            }
            a->rowid[a->n - 1] = sets[s]->rowid[i];
            a->dataset[a->n - 1] = sets[s]->dataset[i];
        }
        nm_areas_extent(sets[s], &x0, &y0, &x1, &y1);
        a->minx = fmin(a->minx, x0);
        a->miny = fmin(a->miny, y0);
        a->maxx = fmax(a->maxx, x1);
        a->maxy = fmax(a->maxy, y1);
    }
    if (rc != NM_OK) {
        nm_areas_free(a);
        return rc;
    }
    *out = a;
    return NM_OK;
}

nm_status nm_areas_older(nm_store *store, const nm_areas *set, int vintage, nm_areas **out,
                         long *split_across)
{
    sqlite3_stmt *st = NULL;
    nm_areas *a = new_areas(store, set->level);
    nm_status rc = a ? fill_temp_codes(store, set) : nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    int s = SQLITE_DONE;

    *out = NULL;
    *split_across = 0;
    if (rc == NM_OK)
        rc = nmS_store_prepare(store, older_sql, &st);
    if (rc == NM_OK) {
        a->vintage = vintage;
        a->has_extent = set->has_extent;
        a->minx = set->minx;
        a->miny = set->miny;
        a->maxx = set->maxx;
        a->maxy = set->maxy;
        if (set->within_name && !(a->within_name = nm_strdup(set->within_name)))
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        sqlite3_bind_text(st, 1, set->level, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, vintage);
        sqlite3_bind_int(st, 3, set->vintage);
    }
    while (rc == NM_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        double in = sqlite3_column_double(st, 1), all = sqlite3_column_double(st, 2);
        /* an old area split between this set and another counts once, in
           the one holding most of it (a tie: the one holding its first
           part) */
        int whole = in >= all - 1e-9;
        if (!whole)
            (*split_across)++;
        if (whole || in > all / 2 + 1e-9 || (fabs(in - all / 2) <= 1e-9 && sqlite3_column_type(st, 4) != SQLITE_NULL))
            if (!push_area(a, (const char *)sqlite3_column_text(st, 0),
                           (const char *)sqlite3_column_text(st, 3)))
                rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    if (rc == NM_OK && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "finding older codes");
    sqlite3_finalize(st);
    if (rc == NM_OK && a->n == 0)
        rc = nmC_fail(store->ctx, NM_NOTFOUND,
                     "no %s codes of %d lead to the %zu %s areas of %d: import the ONS lookup "
                     "between them (e.g. LSOA01_LSOA11_LAD11_EW_LU.csv with --child LSOA01CD "
                     "--parent LSOA11CD --parent-level lsoa)",
                     set->level, vintage, set->n, set->level, set->vintage);
    if (rc != NM_OK)
        nm_areas_free(a);
    else
        *out = a;
    return rc;
}

/* Codes of the set, as a temporary table the parent query can join. */
static nm_status fill_temp_codes(nm_store *store, const nm_areas *set)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;
    size_t i;

    rc = nmS_store_exec(store, "CREATE TEMP TABLE IF NOT EXISTS nm_set(code TEXT PRIMARY KEY);"
                              "DELETE FROM nm_set;");
    if (rc == NM_OK)
        rc = nmS_store_prepare(store, "INSERT OR IGNORE INTO nm_set VALUES (?)", &st);
    for (i = 0; rc == NM_OK && i < set->n; i++) {
        sqlite3_bind_text(st, 1, set->code[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = nmS_store_sqlfail(store, "selecting areas");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The areas the set's areas belong to, one or two memberships up. */
#define UP_CTE                                                                                     \
    "WITH up(code, level) AS ("                                                                    \
    "  SELECT m.parent, m.parent_level FROM membership m JOIN nm_set s ON s.code = m.child"        \
    "   WHERE m.child_level = ?1"                                                                  \
    "  UNION SELECT m2.parent, m2.parent_level FROM membership m1"                                 \
    "   JOIN nm_set s ON s.code = m1.child AND m1.child_level = ?1"                                \
    "   JOIN membership m2 ON m2.child = m1.parent AND m2.child_level = m1.parent_level) "

/* Parents the memberships name that have no boundary of the vintage
 * drawn: LAD boundaries of 2024 under a lookup of 2019 codes lose the
 * districts merged since.  Said as a warning, never silently replaced. */
static void warn_unmatched_parents(nm_store *store, const nm_areas *set, const nm_areas *a)
{
    sqlite3_stmt *st = NULL;
    nmC_buf first = {0};
    long n = 0;

    if (nmS_store_prepare(store,
                         UP_CTE "SELECT code FROM up WHERE level = ?2 AND code NOT IN "
                                "(SELECT code FROM area WHERE level = ?2 AND vintage = ?3 "
                                "AND geom IS NOT NULL) ORDER BY code",
                         &st) != NM_OK)
        return;
    sqlite3_bind_text(st, 1, set->level, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, a->vintage);
    while (sqlite3_step(st) == SQLITE_ROW)
        if (n++ < 5)
            nmC_buf_addf(&first, "%s%s", n > 1 ? ", " : "", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (n > 0)
        nmC_log(store->ctx, NM_LOG_WARN,
               "%ld %s code%s that the stored memberships give for these %s areas ha%s no %s "
               "boundary of %d (%s%s): the %s boundaries are of another year's codes than the "
               "lookup; %s",
               n, a->level, n == 1 ? "" : "s", set->level, n == 1 ? "s" : "ve", a->level,
               a->vintage, first.data ? first.data : "", n > 5 ? ", ..." : "", a->level,
               a->n ? "those areas are not outlined"
                    : "outlines are placed by position instead; import boundaries whose codes "
                      "match the lookup's");
    nmC_buf_free(&first);
}

static nm_status parents_by_membership(nm_store *store, const nm_areas *set, nm_areas *a)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(
        store,
        UP_CTE "SELECT " AREA_COLUMNS "FROM area a WHERE a.level = ?2 AND a.geom IS NOT NULL "
        "AND a.code IN (SELECT code FROM up WHERE level = ?2) "
        "AND a.vintage = (SELECT MAX(vintage) FROM area WHERE level = ?2 AND geom IS NOT NULL) "
        "ORDER BY a.code",
        &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, set->level, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->level, -1, SQLITE_STATIC);
    rc = collect(store, st, a);
    sqlite3_finalize(st);
    if (rc == NM_OK)
        warn_unmatched_parents(store, set, a);
    return rc;
}

/* Candidates for parents_by_position: the areas of the level whose box
 * overlaps the set's extent. */
static nm_status parents_in_extent(nm_store *store, const nm_areas *set, nm_areas *a)
{
    sqlite3_stmt *st = NULL;
    double minx, miny, maxx, maxy;
    nm_status rc = nmS_store_prepare(
        store,
        "SELECT " AREA_COLUMNS "FROM area a WHERE a.level = ?1 AND a.vintage = ?2 "
        "AND a.geom IS NOT NULL AND a.id IN (SELECT rowid FROM SpatialIndex WHERE "
        "  f_table_name = 'area' AND f_geometry_column = 'geom' AND "
        "  search_frame = BuildMbr(?3, ?4, ?5, ?6, 27700)) ORDER BY a.code",
        &st);

    if (rc != NM_OK)
        return rc;
    nm_areas_extent(set, &minx, &miny, &maxx, &maxy);
    sqlite3_bind_text(st, 1, a->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, a->vintage);
    sqlite3_bind_double(st, 3, minx);
    sqlite3_bind_double(st, 4, miny);
    sqlite3_bind_double(st, 5, maxx);
    sqlite3_bind_double(st, 6, maxy);
    rc = collect(store, st, a);
    sqlite3_finalize(st);
    return rc;
}

/* Keeps the areas of 'a' whose flag is set, in order. */
static void keep_flagged(nm_areas *a, const unsigned char *keep)
{
    size_t i, w = 0;

    for (i = 0; i < a->n; i++) {
        if (!keep[i]) {
            nm_free(a->code[i]);
            nm_free(a->name[i]);
            continue;
        }
        a->rowid[w] = a->rowid[i];
        a->dataset[w] = a->dataset[i];
        a->code[w] = a->code[i];
        a->name[w] = a->name[i];
        w++;
    }
    a->n = w;
}

/* Where no memberships lead up: the areas of the level holding the
 * interior point (ST_PointOnSurface) of at least one area of the set, the
 * rule `assign --method point` applies.  Areas that merely share the set's
 * bounding box would outline and name the wards of the neighbouring
 * counties around a region's map.  The candidates are those in the set's
 * extent, tested with the point-in-polygon index (pip.c): one SQL join of
 * points and polygons through SpatiaLite's index took minutes for a
 * region. */
static nm_status parents_by_position(nm_store *store, const nm_areas *set, nm_areas *a)
{
    sqlite3_stmt *st = NULL;
    unsigned char *keep = NULL;
    nm_pip *pip = NULL;
    nm_status rc;
    size_t i;

    rc = parents_in_extent(store, set, a);
    if (rc != NM_OK || a->n == 0)
        return rc;
    rc = nm_pip_build(store, a, &pip);
    if (rc == NM_OK && !(keep = nm_calloc(a->n, 1)))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        rc = nmS_store_prepare(store,
                              "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p "
                              "FROM area WHERE id = ?)",
                              &st);
    for (i = 0; rc == NM_OK && i < set->n; i++) {
        sqlite3_bind_int64(st, 1, set->rowid[i]);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
            long k = nm_pip_find(pip, sqlite3_column_double(st, 0), sqlite3_column_double(st, 1));
            if (k >= 0)
                keep[k] = 1;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc == NM_OK)
        keep_flagged(a, keep);
    nm_free(keep);
    nm_pip_free(pip);
    return rc;
}

nm_status nm_areas_parents(nm_store *store, const nm_areas *set, const char *level,
                           nm_areas **out)
{
    nm_areas *a = NULL;
    nm_status rc;

    nmC_clear(store->ctx);
    *out = NULL;
    if (!(a = new_areas(store, level)))
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    rc = latest_vintage(store, level, &a->vintage);
    if (rc == NM_OK)
        rc = fill_temp_codes(store, set);
    if (rc == NM_OK)
        rc = parents_by_membership(store, set, a);
    if (rc == NM_OK && a->n == 0)
        rc = parents_by_position(store, set, a);
    if (rc != NM_OK) {
        nm_areas_free(a);
        return rc;
    }
    *out = a;
    return NM_OK;
}
