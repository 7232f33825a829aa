/*
 * Context around a map's selection: the neighbouring areas of its level,
 * read through the spatial index for the world box a map's frame shows and
 * drawn in light grey under the selection.  The choropleth page and the
 * panels of a comparison use it; where the frame lies is the render
 * module's layout.
 */
#include <stdlib.h>

#include "needsmap/analyse.h"
#include "report/report_int.h"
#include "store/geom_int.h"
#include "store/store_int.h"

#define CONTEXT_RGB 0xe9e9e9

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
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
        return nm_fail(ctx, NM_NOMEM, "out of memory");
    qsort(own, nown, sizeof *own, cmp_long);
    rc = nm_store_prepare(store,
                          "SELECT a.id FROM area a WHERE a.level = ?1 AND a.vintage = ?2 "
                          "AND a.geom IS NOT NULL AND a.id IN (SELECT rowid FROM SpatialIndex "
                          "WHERE f_table_name = 'area' AND f_geometry_column = 'geom' "
                          "AND search_frame = BuildMbr(?3, ?4, ?5, ?6, 27700)) ORDER BY a.id",
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
        if (*n == cap) {
            long *p = nm_realloc(*ids, 2 * cap * sizeof *p);
            if (!p) {
                rc = nm_fail(ctx, NM_NOMEM, "out of memory");
                break;
            }
            *ids = p;
            cap *= 2;
        }
        (*ids)[(*n)++] = id;
    }
    if (rc == NM_OK && s != SQLITE_DONE)
        rc = nm_store_sqlfail(store, "reading the neighbouring areas");
    sqlite3_finalize(st);
    return rc;
}

typedef struct ctx_add {
    nm_ctx *ctx;
    nm_map *map;
} ctx_add;

static nm_status add_one(void *user, size_t i, const nm_geombuf *g)
{
    ctx_add *a = user;
    nm_geom geom = {g->xy, g->npoints, g->ring_start, g->nrings, g->part_start, g->nparts};

    (void)i;
    return nm_map_add_feature(a->ctx, a->map, &geom, CONTEXT_RGB, NM_MAP_CONTEXT);
}

nm_status nm_context_add(nm_store *store, nm_map *map, const char *level, int vintage, long *own,
                         size_t nown, const double box[4])
{
    ctx_add a = {nm_store_ctx(store), map};
    long *ids = NULL;
    size_t n = 0;
    nm_status rc = context_ids(store, level, vintage, own, nown, box, &ids, &n);

    if (rc == NM_OK && n > 0)
        rc = nm_store_each_geom(store, ids, n, add_one, &a);
    nm_free(ids);
    return rc;
}

void nm_layout_world_box(const nm_map_layout *l, double box[4])
{
    double k = l->dpi / 25.4;

    /* the frame's corners through the page's georeference (pixel centres) */
    box[0] = l->origin_x + (l->map.x * k - 0.5) * l->pixel_size;
    box[2] = l->origin_x + ((l->map.x + l->map.w) * k - 0.5) * l->pixel_size;
    box[3] = l->origin_y - (l->map.y * k - 0.5) * l->pixel_size;
    box[1] = l->origin_y - ((l->map.y + l->map.h) * k - 0.5) * l->pixel_size;
}
