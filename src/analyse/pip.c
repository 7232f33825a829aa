/*
 * Which area a point lies in, for millions of points.  Areas' bounding
 * boxes are bucketed in a uniform grid over their extent; each area's edges
 * are bucketed in horizontal bands of its own box, so a test looks only at
 * the few edges that cross the point's row.  The test itself is the
 * crossing number (even-odd), which also handles holes and multi-part
 * areas without telling rings apart.
 *
 * Edge rule.  An edge from (x0, y0) to (x1, y1) is stored with its lower
 * end first and counts as crossed by the ray from (px, py) towards +x when
 * y0 <= py < y1 and px < x0 + (py - y0) * (x1 - x0) / (y1 - y0).  The rule
 * is half-open in both directions: a point is treated as if moved an
 * infinitesimal step right and up.  Because a shared edge is stored the
 * same way (same lower end, same arithmetic) in both areas it separates,
 * the two areas make the same decision for it, and the point falls in
 * exactly one of them: on a vertical shared edge the area to the right,
 * on a horizontal one the area above, on a vertex shared by several the
 * area just up and to the right.  Points on the outer boundary of all the
 * areas go in when that boundary is a left or bottom edge, out otherwise.
 * This needs adjacent areas to share their vertices, as ONS boundaries do.
 * Where areas overlap (generalisation slivers) the first area in code
 * order wins, so no point is ever counted twice.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "analyse/pip_int.h"
#include "store/geom_int.h"

/* An edge, lower end first (y0 < y1); horizontal edges are never crossed
 * and are not kept. */
typedef struct edge {
    double y0, y1, x0, x1;
} edge;

typedef struct poly {
    double minx, miny, maxx, maxy;
    size_t first_edge, nedges;
    size_t first_band;   /* into band_start */
    int nbands;
    double band_h_inv;   /* bands per metre */
} poly;

struct nm_pip {
    size_t n;
    poly *polys;
    edge *edges;
    size_t nedges, edges_cap;
    size_t *band_start;  /* per band of every poly, plus one sentinel per poly */
    size_t nband_start, band_start_cap;
    size_t *band_edge;   /* edge indices (absolute), band by band */
    size_t nband_edge, band_edge_cap;
    /* the grid over all boxes */
    double gx, gy, cell_inv;
    long gw, gh;
    size_t *cell_start;  /* gw * gh + 1 */
    size_t *cell_poly;
};

void nm_pip_free(nm_pip *p)
{
    if (!p)
        return;
    nm_free(p->polys);
    nm_free(p->edges);
    nm_free(p->band_start);
    nm_free(p->band_edge);
    nm_free(p->cell_start);
    nm_free(p->cell_poly);
    nm_free(p);
}

static int grow(void **ptr, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 1024;
    void *q;

    if (need <= *cap)
        return 1;
    while (n < need)
        n *= 2;
    q = nm_realloc(*ptr, n * size);
    if (!q)
        return 0;
    *ptr = q;
    *cap = n;
    return 1;
}

static int add_edge(nm_pip *p, double ax, double ay, double bx, double by)
{
    edge *e;

    if (ay == by)
        return 1;
    if (!grow((void **)&p->edges, &p->edges_cap, p->nedges + 1, sizeof *p->edges))
        return 0;
    e = &p->edges[p->nedges++];
    if (ay < by) {
        e->y0 = ay, e->y1 = by, e->x0 = ax, e->x1 = bx;
    } else {
        e->y0 = by, e->y1 = ay, e->x0 = bx, e->x1 = ax;
    }
    return 1;
}

/* The band of y in a poly's box; monotonic in y, so an edge listed in the
 * bands of its two ends is found from any y between them. */
static int band_of(const poly *q, double y)
{
    double b = (y - q->miny) * q->band_h_inv;
    if (b <= 0)
        return 0;
    if (b >= q->nbands - 1)
        return q->nbands - 1;
    return (int)b;
}

/* Lists a poly's edges band by band (counting pass, then filling). */
static int make_bands(nm_pip *p, poly *q)
{
    size_t k, base, total = 0;
    int b;

    q->nbands = q->nedges < 8 ? 1 : (int)fmin(4096.0, (double)q->nedges / 4.0);
    q->band_h_inv = q->maxy > q->miny ? q->nbands / (q->maxy - q->miny) : 0;
    q->first_band = p->nband_start;
    if (!grow((void **)&p->band_start, &p->band_start_cap, p->nband_start + (size_t)q->nbands + 1,
              sizeof *p->band_start))
        return 0;
    memset(p->band_start + q->first_band, 0, ((size_t)q->nbands + 1) * sizeof *p->band_start);
    for (k = 0; k < q->nedges; k++) {
        const edge *e = &p->edges[q->first_edge + k];
        int b0 = band_of(q, e->y0), b1 = band_of(q, e->y1);
        for (b = b0; b <= b1; b++)
            p->band_start[q->first_band + (size_t)b + 1]++;
        total += (size_t)(b1 - b0 + 1);
    }
    base = p->nband_edge;
    p->band_start[q->first_band] = base;
    for (b = 0; b < q->nbands; b++)
        p->band_start[q->first_band + (size_t)b + 1] += p->band_start[q->first_band + (size_t)b];
    if (!grow((void **)&p->band_edge, &p->band_edge_cap, base + total, sizeof *p->band_edge))
        return 0;
    /* fill, using band_start[b] as a cursor, then shift back */
    for (k = 0; k < q->nedges; k++) {
        const edge *e = &p->edges[q->first_edge + k];
        int b0 = band_of(q, e->y0), b1 = band_of(q, e->y1);
        for (b = b0; b <= b1; b++)
            p->band_edge[p->band_start[q->first_band + (size_t)b]++] = q->first_edge + k;
    }
    for (b = q->nbands; b > 0; b--)
        p->band_start[q->first_band + (size_t)b] = p->band_start[q->first_band + (size_t)b - 1];
    p->band_start[q->first_band] = base;
    p->nband_start += (size_t)q->nbands + 1;
    p->nband_edge = base + total;
    return 1;
}

/* Adds one area from rings of points. */
static int add_poly(nm_pip *p, size_t i, const double *xy, const size_t *ring_start,
                    size_t ring0, size_t ring1)
{
    poly *q = &p->polys[i];
    size_t r, k;

    q->minx = q->miny = DBL_MAX;
    q->maxx = q->maxy = -DBL_MAX;
    q->first_edge = p->nedges;
    for (r = ring0; r < ring1; r++) {
        size_t s = ring_start[r], e = ring_start[r + 1];
        if (e - s < 3)
            continue;
        for (k = s; k < e; k++) {
            q->minx = fmin(q->minx, xy[2 * k]);
            q->maxx = fmax(q->maxx, xy[2 * k]);
            q->miny = fmin(q->miny, xy[2 * k + 1]);
            q->maxy = fmax(q->maxy, xy[2 * k + 1]);
        }
        for (k = s; k + 1 < e; k++)
            if (!add_edge(p, xy[2 * k], xy[2 * k + 1], xy[2 * k + 2], xy[2 * k + 3]))
                return 0;
        /* an open ring is closed here; a closed one gets a zero-length edge,
           which is horizontal and dropped */
        if (!add_edge(p, xy[2 * (e - 1)], xy[2 * (e - 1) + 1], xy[2 * s], xy[2 * s + 1]))
            return 0;
    }
    q->nedges = p->nedges - q->first_edge;
    if (q->nedges == 0) {
        q->minx = q->miny = 1;
        q->maxx = q->maxy = 0; /* an empty box: never a candidate */
    }
    return make_bands(p, q);
}

/* The grid: about four cells per area, square cells over the union box. */
static int make_grid(nm_pip *p)
{
    double minx = DBL_MAX, miny = DBL_MAX, maxx = -DBL_MAX, maxy = -DBL_MAX, cell;
    size_t i, ncells, total = 0;
    long x, y;

    for (i = 0; i < p->n; i++) {
        if (p->polys[i].nedges == 0)
            continue;
        minx = fmin(minx, p->polys[i].minx);
        miny = fmin(miny, p->polys[i].miny);
        maxx = fmax(maxx, p->polys[i].maxx);
        maxy = fmax(maxy, p->polys[i].maxy);
    }
    if (minx > maxx) {
        minx = miny = 0;
        maxx = maxy = 1;
    }
    cell = sqrt((maxx - minx) * (maxy - miny) / (4.0 * (double)(p->n ? p->n : 1)));
    if (!(cell > 0))
        cell = fmax(maxx - minx, maxy - miny) + 1;
    p->gx = minx;
    p->gy = miny;
    p->cell_inv = 1.0 / cell;
    p->gw = (long)((maxx - minx) * p->cell_inv) + 1;
    p->gh = (long)((maxy - miny) * p->cell_inv) + 1;
    ncells = (size_t)p->gw * (size_t)p->gh;
    p->cell_start = nm_calloc(ncells + 1, sizeof *p->cell_start);
    if (!p->cell_start)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        for (i = 0; i < p->n; i++) {
            const poly *q = &p->polys[i];
            long x0, x1, y0, y1;
            if (q->nedges == 0)
                continue;
            x0 = (long)((q->minx - p->gx) * p->cell_inv);
            x1 = (long)((q->maxx - p->gx) * p->cell_inv);
            y0 = (long)((q->miny - p->gy) * p->cell_inv);
            y1 = (long)((q->maxy - p->gy) * p->cell_inv);
            if (x1 >= p->gw)
                x1 = p->gw - 1;
            if (y1 >= p->gh)
                y1 = p->gh - 1;
            for (y = y0; y <= y1; y++)
                for (x = x0; x <= x1; x++) {
                    size_t c = (size_t)y * (size_t)p->gw + (size_t)x;
                    if (pass == 0)
                        p->cell_start[c + 1]++;
                    else
                        p->cell_poly[p->cell_start[c]++] = i;
                }
        }
        if (pass == 0) {
            for (i = 0; i < ncells; i++)
                p->cell_start[i + 1] += p->cell_start[i];
            total = p->cell_start[ncells];
            p->cell_poly = nm_malloc((total ? total : 1) * sizeof *p->cell_poly);
            if (!p->cell_poly)
                return 0;
        }
    }
    /* the fill pass moved each start to the next cell's: shift back */
    for (i = ncells; i > 0; i--)
        p->cell_start[i] = p->cell_start[i - 1];
    p->cell_start[0] = 0;
    return 1;
}

static nm_pip *pip_new(size_t n)
{
    nm_pip *p = nm_calloc(1, sizeof *p);

    if (!p)
        return NULL;
    p->n = n;
    p->polys = nm_calloc(n ? n : 1, sizeof *p->polys);
    if (!p->polys) {
        nm_free(p);
        return NULL;
    }
    return p;
}

nm_status nmA_pip_build_rings(nm_ctx *ctx, size_t nareas, const size_t *first_ring,
                             const size_t *ring_start, const double *xy, nm_pip **out)
{
    nm_pip *p = pip_new(nareas);
    size_t i;

    *out = NULL;
    for (i = 0; p && i < nareas; i++)
        if (!add_poly(p, i, xy, ring_start, first_ring[i], first_ring[i + 1]))
            break;
    if (!p || i < nareas || !make_grid(p)) {
        nm_pip_free(p);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    *out = p;
    return NM_OK;
}

nm_status nm_pip_build(nm_store *store, const nm_areas *areas, nm_pip **out)
{
    nm_pip *p = pip_new(areas->n);
    nmS_geombuf g = {0};
    sqlite3_stmt *cache = NULL;
    nm_status rc = NM_OK;
    size_t i;

    *out = NULL;
    if (!p) {
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < areas->n; i++) {
        rc = nmS_store_area_geom(store, areas->rowid[i], &g, &cache);
        if (rc != NM_OK)
            goto cleanup;
        /* parts do not matter to the even-odd test: all rings at once */
        if (!add_poly(p, i, g.xy, g.ring_start, 0, g.nrings)) {
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
            goto cleanup;
        }
    }
    if (!make_grid(p)) {
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    *out = p;
    p = NULL;

cleanup:
    sqlite3_finalize(cache);
    nmS_geombuf_free(&g);
    nm_pip_free(p);
    return rc;
}

/* The crossing number of the ray from (x, y) towards +x, over the edges of
 * y's band only. */
static int inside(const nm_pip *p, const poly *q, double x, double y)
{
    size_t b = q->first_band + (size_t)band_of(q, y);
    size_t k, end = p->band_start[b + 1];
    int in = 0;

    for (k = p->band_start[b]; k < end; k++) {
        const edge *e = &p->edges[p->band_edge[k]];
        if (e->y0 <= y && y < e->y1 && x < e->x0 + (y - e->y0) * (e->x1 - e->x0) / (e->y1 - e->y0))
            in = !in;
    }
    return in;
}

long nm_pip_find(const nm_pip *p, double x, double y)
{
    double fx = (x - p->gx) * p->cell_inv, fy = (y - p->gy) * p->cell_inv;
    size_t c, k, end;

    if (!(fx >= 0 && fy >= 0 && fx < (double)p->gw && fy < (double)p->gh))
        return -1;
    c = (size_t)(long)fy * (size_t)p->gw + (size_t)(long)fx;
    end = p->cell_start[c + 1];
    for (k = p->cell_start[c]; k < end; k++) {
        const poly *q = &p->polys[p->cell_poly[k]];
        if (x < q->minx || x > q->maxx || y < q->miny || y > q->maxy)
            continue;
        if (inside(p, q, x, y))
            return (long)p->cell_poly[k];
    }
    return -1;
}

const char *nm_pip_finest_level(nm_store *store)
{
    static const char *const order[] = {"oa", "lsoa", "msoa", "ward", "locality", "lad", "region"};
    sqlite3_stmt *st = NULL;
    const char *found = NULL;
    size_t i;

    if (nmS_store_prepare(store, "SELECT 1 FROM area WHERE level = ? AND geom IS NOT NULL LIMIT 1",
                         &st) != NM_OK)
        return NULL;
    for (i = 0; !found && i < sizeof order / sizeof order[0]; i++) {
        sqlite3_bind_text(st, 1, order[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            found = order[i];
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return found;
}
