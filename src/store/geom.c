/*
 * Reading area boundaries out of the store into flat coordinate arrays for
 * the renderer.  The SpatiaLite BLOB (documented in SpatiaLite's "BLOB
 * Geometry format") is parsed here directly rather than through gaia's
 * linked lists: a map of England reads 1.9 million vertices, and copying
 * them once into the arrays the renderer draws from is the cheap way.  Only
 * what the store writes is accepted (uncompressed XY POLYGON and
 * MULTIPOLYGON); anything else is reported, not guessed at.
 */
#include <string.h>

#include "store/store_int.h"
#include "store/geom_int.h"

#define BLOB_START 0x00
#define BLOB_MBR_END 0x7C
#define BLOB_ENTITY 0x69
#define BLOB_END 0xFE
#define CLASS_POLYGON 3
#define CLASS_MULTIPOLYGON 6

void nmS_geombuf_free(nmS_geombuf *g)
{
    nm_free(g->xy);
    nm_free(g->ring_start);
    nm_free(g->part_start);
    memset(g, 0, sizeof *g);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 64;
    void *q;

    if (need <= *cap)
        return 1;
    while (n < need)
        n *= 2;
    q = nm_realloc(*p, n * size);
    if (!q)
        return 0;
    *p = q;
    *cap = n;
    return 1;
}

typedef struct reader {
    const unsigned char *p, *end;
    int little;
} reader;

static int read_i32(reader *r, int *v)
{
    uint32_t u;
    if (r->end - r->p < 4)
        return 0;
    if (r->little)
        u = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
            (uint32_t)r->p[3] << 24;
    else
        u = (uint32_t)r->p[3] | (uint32_t)r->p[2] << 8 | (uint32_t)r->p[1] << 16 |
            (uint32_t)r->p[0] << 24;
    r->p += 4;
    *v = (int)u;
    return 1;
}

static int read_points(reader *r, nmS_geombuf *g, int npoints)
{
    size_t bytes = (size_t)npoints * 16;

    if (npoints < 0 || (size_t)(r->end - r->p) < bytes)
        return 0;
    if (npoints == 0)
        return 1; /* an empty ring: no array to copy into (memcpy on NULL) */
    if (!grow((void **)&g->xy, &g->xy_cap, 2 * (g->npoints + (size_t)npoints), sizeof *g->xy))
        return -1;
    if (r->little) {
        memcpy(g->xy + 2 * g->npoints, r->p, bytes);
    } else {
        for (size_t i = 0; i < 2 * (size_t)npoints; i++) {
            unsigned char b[8];
            for (int k = 0; k < 8; k++)
                b[k] = r->p[8 * i + 7 - (size_t)k];
            memcpy(g->xy + 2 * g->npoints + i, b, 8);
        }
    }
    r->p += bytes;
    g->npoints += (size_t)npoints;
    return 1;
}

/* One polygon: rings, each a count and its points. */
static int read_polygon(reader *r, nmS_geombuf *g)
{
    int nrings, i, npoints, ok;

    if (!read_i32(r, &nrings) || nrings < 0)
        return 0;
    if (!grow((void **)&g->part_start, &g->part_cap, g->nparts + 2, sizeof *g->part_start))
        return -1;
    g->part_start[g->nparts++] = g->nrings;
    for (i = 0; i < nrings; i++) {
        if (!read_i32(r, &npoints))
            return 0;
        if (!grow((void **)&g->ring_start, &g->ring_cap, g->nrings + 2, sizeof *g->ring_start))
            return -1;
        g->ring_start[g->nrings++] = g->npoints;
        if ((ok = read_points(r, g, npoints)) != 1)
            return ok;
    }
    return 1;
}

int nmS_geom_decode(const void *blob, size_t size, nmS_geombuf *g)
{
    reader r = {blob, (const unsigned char *)blob + size, 1};
    int cls, n = 1, i, ok, srid;

    g->npoints = g->nrings = g->nparts = 0;
    if (size < 44 || r.p[0] != BLOB_START || (r.p[1] != 0 && r.p[1] != 1) ||
        r.p[38] != BLOB_MBR_END || r.end[-1] != BLOB_END)
        return 0;
    r.little = r.p[1] == 1;
    r.p += 2;
    if (!read_i32(&r, &srid))
        return 0;
    r.p += 32; /* the MBR: recomputed by the reader where needed */
    r.p += 1;
    if (!read_i32(&r, &cls))
        return 0;
    if (cls == CLASS_MULTIPOLYGON) {
        if (!read_i32(&r, &n) || n < 0)
            return 0;
    } else if (cls != CLASS_POLYGON) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (cls == CLASS_MULTIPOLYGON) {
            int sub;
            if (r.p >= r.end || *r.p++ != BLOB_ENTITY || !read_i32(&r, &sub) ||
                sub != CLASS_POLYGON)
                return 0;
        }
        if ((ok = read_polygon(&r, g)) != 1)
            return ok;
    }
    if (!g->ring_start || !g->part_start)
        return 0; /* no rings at all: nothing to draw */
    /* sentinels: one past the last ring and part */
    g->ring_start[g->nrings] = g->npoints;
    g->part_start[g->nparts] = g->nrings;
    return r.p == r.end - 1 ? 1 : 0;
}

nm_status nmS_store_area_geom(nm_store *store, long rowid, nmS_geombuf *g, sqlite3_stmt **cache)
{
    const char *code;
    int s, ok;

    if (!*cache) {
        nm_status rc = nmS_store_prepare(store, "SELECT geom, code FROM area WHERE id = ?", cache);
        if (rc != NM_OK)
            return rc;
    }
    sqlite3_bind_int64(*cache, 1, rowid);
    s = sqlite3_step(*cache);
    if (s != SQLITE_ROW) {
        sqlite3_reset(*cache);
        return s == SQLITE_DONE ? nmC_fail(store->ctx, NM_NOTFOUND, "no area with id %ld", rowid)
                                : nmS_store_sqlfail(store, "reading a boundary");
    }
    ok = nmS_geom_decode(sqlite3_column_blob(*cache, 0), (size_t)sqlite3_column_bytes(*cache, 0), g);
    code = (const char *)sqlite3_column_text(*cache, 1);
    if (ok != 1) {
        nm_status rc = ok < 0 ? nmC_fail(store->ctx, NM_NOMEM, "out of memory")
                              : nmC_fail(store->ctx, NM_ERROR,
                                        "%s: the boundary of %s is not a polygon geometry "
                                        "needsmap wrote; re-import the boundaries",
                                        store->path, code ? code : "?");
        sqlite3_reset(*cache);
        return rc;
    }
    sqlite3_reset(*cache);
    return NM_OK;
}
