/*
 * Context around a map's selection: the neighbouring areas of its level,
 * read through the spatial index for the world box a map's frame shows and
 * drawn in light grey under the selection.  The choropleth page and the
 * panels of a comparison use it; where the frame lies is the render
 * module's layout.
 */
#include <math.h>
#include <stdlib.h>

#include "needsmap/analyse.h"
#include "needsmap/classify.h"
#include "report/report_int.h"
#include "store/geom_int.h"
#include "store/store_int.h"

#define CONTEXT_RGB 0xe9e9e9

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

/* Appends 'id' to ids (n of them, room for *cap).  Returns 0 when memory
 * is exhausted. */
static int push_id(long **ids, size_t *n, size_t *cap, long id)
{
    if (*n == *cap) {
        long *p = nm_realloc(*ids, 2 * *cap * sizeof *p);
        if (!p)
            return 0;
        *ids = p;
        *cap *= 2;
    }
    (*ids)[(*n)++] = id;
    return 1;
}

/* The rowids of areas of 'level' and 'vintage' whose boxes meet the world
 * box, less those of 'own' (sorted here).  OUT ids, n (caller frees ids
 * with nm_free()). */
static nm_status context_ids(nm_store *store, const char *level, int vintage, long *own,
                             size_t nown, const double box[4], long **ids, size_t *n)
{
    nm_ctx *ctx = nm_store_ctx(store);
    size_t k, cap = 64;
    sqlite3_stmt *st = NULL;
    nm_status rc;
    int s = SQLITE_DONE;

    *n = 0;
    if (!(*ids = nm_malloc(cap * sizeof **ids)))
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    qsort(own, nown, sizeof *own, cmp_long);
    /* The R*Tree drives: the boxes that meet the frame are found first and
     * only they are looked up by rowid, where "id IN (SELECT rowid FROM
     * SpatialIndex ...)" walked every area of the level (10 ms a map on
     * England's LSOAs).  The test is the one SpatialIndex's search_frame
     * puts to the same table, so the areas are the same. */
    rc = nmS_store_prepare(store,
                          "SELECT a.id FROM idx_area_geom r CROSS JOIN area a ON a.id = r.pkid "
                          "WHERE r.xmin <= ?5 AND r.xmax >= ?3 AND r.ymin <= ?6 AND r.ymax >= ?4 "
                          "AND a.level = ?1 AND a.vintage = ?2 AND a.geom IS NOT NULL "
                          "ORDER BY a.id",
                          &st);
    if (rc == NM_OK) {
        sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, vintage);
        for (k = 0; k < 4; k++)
            sqlite3_bind_double(st, (int)k + 3, box[k]);
    }
    while (rc == NM_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        long id = (long)sqlite3_column_int64(st, 0);
        if (nown && bsearch(&id, own, nown, sizeof *own, cmp_long))
            continue;
        if (!push_id(ids, n, &cap, id)) {
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
            break;
        }
    }
    if (rc == NM_OK && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "reading the neighbouring areas");
    sqlite3_finalize(st);
    return rc;
}

typedef struct ctx_add {
    nm_ctx *ctx;
    nm_map *map;
} ctx_add;

static nm_status add_one(void *user, size_t i, const nmS_geombuf *g)
{
    ctx_add *a = user;
    nm_geom geom = {g->xy, g->npoints, g->ring_start, g->nrings, g->part_start, g->nparts};

    (void)i;
    return nm_map_add_feature(a->ctx, a->map, &geom, CONTEXT_RGB, NM_MAP_CONTEXT);
}

nm_status nmP_context_add(nm_store *store, nm_map *map, const char *level, int vintage, long *own,
                         size_t nown, const double box[4])
{
    ctx_add a = {nm_store_ctx(store), map};
    long *ids = NULL;
    size_t n = 0;
    nm_status rc = context_ids(store, level, vintage, own, nown, box, &ids, &n);

    if (rc == NM_OK && n > 0)
        rc = nmS_store_each_geom(store, ids, n, add_one, &a);
    nm_free(ids);
    return rc;
}

void nmP_layout_world_box(const nm_map_layout *l, double box[4])
{
    double k = l->dpi / 25.4;

    /* the frame's corners through the page's georeference (pixel centres) */
    box[0] = l->origin_x + (l->map.x * k - 0.5) * l->pixel_size;
    box[2] = l->origin_x + ((l->map.x + l->map.w) * k - 0.5) * l->pixel_size;
    box[3] = l->origin_y - (l->map.y * k - 0.5) * l->pixel_size;
    box[1] = l->origin_y - ((l->map.y + l->map.h) * k - 0.5) * l->pixel_size;
}

char *nmP_contrast_note(const nm_rgb *colours, int n)
{
    nmC_buf b = {0};
    double de[3];

    nm_palette_contrast(colours, n, de);
    if (de[0] >= NM_PALETTE_MIN_DE_NORMAL && de[1] >= NM_PALETTE_MIN_DE_CVD &&
        de[2] >= NM_PALETTE_MIN_DE_CVD)
        return NULL;
    nmC_buf_addf(&b, "Adjacent classes are as little as %.1f apart (CIEDE2000; %g is the aim): "
                "%d shades are more than print tells apart, fewer classes read better.",
                fmin(de[0], fmin(de[1], de[2])), NM_PALETTE_MIN_DE_NORMAL, n);
    return nmC_buf_take(&b);
}

/* ---- the locator inset -------------------------------------------------- */

#define LOCATOR_LAND 0xd9d9d9
#define LOCATOR_EDGE 0x9a9a9a /* the ground's boundaries drawn as an overlay */

/* Rowids of every area of the first of 'levels' that has boundaries (its
 * latest vintage).  OUT ids (caller frees), n, level. */
static nm_status locator_ground(nm_store *store, long **ids, size_t *n, const char **level)
{
    static const char *const levels[] = {"region", "lad", "utla", "county"};
    nm_ctx *ctx = nm_store_ctx(store);
    sqlite3_stmt *st = NULL;
    size_t cap = 64;
    nm_status rc = NM_OK;
    int s = SQLITE_DONE;

    *n = 0;
    *level = NULL;
    if (!(*ids = nm_malloc(cap * sizeof **ids)))
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    for (size_t l = 0; rc == NM_OK && *n == 0 && l < sizeof levels / sizeof *levels; l++) {
        rc = nmS_store_prepare(store,
                              "SELECT id FROM area WHERE level = ?1 AND geom IS NOT NULL AND "
                              "vintage = (SELECT max(vintage) FROM area WHERE level = ?1 AND "
                              "geom IS NOT NULL) ORDER BY id", &st);
        if (rc != NM_OK)
            break;
        sqlite3_bind_text(st, 1, levels[l], -1, SQLITE_STATIC);
        while ((s = sqlite3_step(st)) == SQLITE_ROW)
            if (!push_id(ids, n, &cap, (long)sqlite3_column_int64(st, 0))) {
                rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
                break;
            }
        if (rc == NM_OK && s != SQLITE_DONE)
            rc = nmS_store_sqlfail(store, "reading the locator's areas");
        sqlite3_finalize(st);
        st = NULL;
        if (*n > 0)
            *level = levels[l];
    }
    return rc;
}

typedef struct loc_add {
    nm_ctx *ctx;
    nm_map *map;
    uint32_t rgb;
    double ext[4];
    int layer; /* >= 0: the boundaries are drawn on this overlay too */
} loc_add;

static nm_status add_located(void *user, size_t i, const nmS_geombuf *g)
{
    loc_add *a = user;
    nm_geom geom = {g->xy, g->npoints, g->ring_start, g->nrings, g->part_start, g->nparts};

    (void)i;
    for (size_t k = 0; k < g->npoints; k++) {
        a->ext[0] = a->ext[0] < g->xy[2 * k] ? a->ext[0] : g->xy[2 * k];
        a->ext[1] = a->ext[1] < g->xy[2 * k + 1] ? a->ext[1] : g->xy[2 * k + 1];
        a->ext[2] = a->ext[2] > g->xy[2 * k] ? a->ext[2] : g->xy[2 * k];
        a->ext[3] = a->ext[3] > g->xy[2 * k + 1] ? a->ext[3] : g->xy[2 * k + 1];
    }
    nm_status rc = nm_map_add_feature(a->ctx, a->map, &geom, a->rgb, 0);
    return rc == NM_OK && a->layer >= 0 ? nm_map_add_outline(a->ctx, a->map, a->layer, &geom) : rc;
}

/* The area itself when it has a boundary, else the areas of the map
 * (OUT pieces = 1). */
static nm_status locator_own(nm_store *store, const char *within, const nm_areas *areas,
                             long **ids, size_t *n, int *pieces)
{
    nm_ctx *ctx = nm_store_ctx(store);
    size_t na = nm_areas_count(areas);
    sqlite3_stmt *st = NULL;
    nm_status rc;

    *n = 0;
    if (!(*ids = nm_malloc((na ? na : 1) * sizeof **ids)))
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    rc = nmS_store_prepare(store, "SELECT id FROM area WHERE code = ?1 AND geom IS NOT NULL "
                                 "ORDER BY vintage DESC LIMIT 1", &st);
    if (rc == NM_OK) {
        sqlite3_bind_text(st, 1, within, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            (*ids)[(*n)++] = (long)sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    *pieces = rc == NM_OK && *n == 0;
    for (size_t k = 0; *pieces && k < na; k++)
        (*ids)[k] = nm_areas_rowid(areas, k);
    if (*pieces)
        *n = na;
    return rc;
}

nm_status nmP_locator_add(nm_store *store, nm_map *map, const char *within, const nm_areas *areas,
                         uint32_t accent)
{
    nm_ctx *ctx = nm_store_ctx(store);
    nm_map *loc = nm_map_locator(map);
    loc_add ground = {ctx, loc, LOCATOR_LAND, {1e300, 1e300, -1e300, -1e300}, -1};
    loc_add own = {ctx, loc, accent, {1e300, 1e300, -1e300, -1e300}, -1};
    long *ids = NULL, *own_ids = NULL;
    size_t n = 0, nown = 0;
    const char *level = NULL;
    int pieces = 0;
    nm_status rc;

    if (!loc)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    rc = locator_ground(store, &ids, &n, &level);
    if (rc == NM_OK && n == 0)
        rc = nmC_fail(ctx, NM_USAGE, "a locator needs region or district boundaries: import them "
                                    "first (e.g. import boundaries england_eer13.shp --level region)");
    if (rc == NM_OK)
        rc = locator_own(store, within, areas, &own_ids, &nown, &pieces);
    /* an area without a boundary of its own (a region whose boundaries are
       stored under their electoral codes, E15, when named by E12) is its
       LSOAs: drawn without their outlines, as one patch, the ground's
       boundaries on an overlay over it */
    if (rc == NM_OK && pieces) {
        nm_render_opts ro; /* nm_map_locator's, outlines in each fill's colour */
        nm_render_opts_init(&ro);
        ro.scale_bar = ro.north_arrow = 0;
        ro.outline_mm = 0.1;
        ro.outline_darken = 0.001; /* 0 would mean one colour for all */
        ro.threads = 1;
        ro.in_order = 1;
        rc = nm_map_set_options(ctx, loc, &ro);
        if (rc == NM_OK)
            rc = nm_map_add_layer(ctx, loc, LOCATOR_EDGE, 0.12, &ground.layer);
    }
    if (rc == NM_OK)
        rc = nmS_store_each_geom(store, ids, n, add_located, &ground);
    if (rc == NM_OK && nown > 0)
        rc = nmS_store_each_geom(store, own_ids, nown, add_located, &own);
    nm_free(ids);
    nm_free(own_ids);
    n = nown;
    /* an area too small to see at the inset's scale is ringed */
    if (rc == NM_OK && n > 0 &&
        fmax(own.ext[2] - own.ext[0], own.ext[3] - own.ext[1]) <
            0.03 * fmax(ground.ext[2] - ground.ext[0], ground.ext[3] - ground.ext[1])) {
        double r = 0.035 * fmax(ground.ext[2] - ground.ext[0], ground.ext[3] - ground.ext[1]);
        double cx = (own.ext[0] + own.ext[2]) / 2, cy = (own.ext[1] + own.ext[3]) / 2, xy[2 * 36];
        size_t rs[2] = {0, 36};
        nm_geom ring = {xy, 36, rs, 1, NULL, 0};
        int layer;
        for (int k = 0; k < 36; k++) {
            xy[2 * k] = cx + r * cos(k * 3.14159265358979323846 / 18);
            xy[2 * k + 1] = cy + r * sin(k * 3.14159265358979323846 / 18);
        }
        rc = nm_map_add_layer(ctx, loc, accent, 0.35, &layer);
        if (rc == NM_OK)
            rc = nm_map_add_outline(ctx, loc, layer, &ring);
    }
    return rc;
}
