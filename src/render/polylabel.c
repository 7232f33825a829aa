/*
 * Interior points for labels: the pole of inaccessibility, the point of a
 * polygon farthest from its edges, found by Mapbox's polylabel method (a
 * quadtree of cells searched best-first with a bound on how much better a
 * cell could be).  A centroid can fall outside a crescent-shaped ward; this
 * point cannot, and its distance tells how far a label may move.
 */
#include <float.h>
#include <math.h>

#include "render_int.h"

typedef struct cell {
    double x, y, h; /* centre and half size */
    double d;       /* signed distance from the centre to the polygon */
    double max;     /* best distance any point of the cell could have */
} cell;

typedef struct poly {
    const double *xy;
    const size_t *rs;
    size_t ring0, nrings;
} poly;

/* Squared distance from p to segment a-b. */
static double seg_dist2(double px, double py, double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, t;

    if (dx != 0 || dy != 0) {
        t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
        if (t > 1) {
            ax = bx;
            ay = by;
        } else if (t > 0) {
            ax += dx * t;
            ay += dy * t;
        }
    }
    dx = px - ax;
    dy = py - ay;
    return dx * dx + dy * dy;
}

/* Distance from a point to the polygon's edges: positive inside (even-odd
 * over all rings, as the fill is drawn), negative outside. */
static double poly_dist(const poly *p, double x, double y)
{
    int inside = 0;
    double best = DBL_MAX;
    size_t r, i;

    for (r = p->ring0; r < p->ring0 + p->nrings; r++) {
        size_t a = p->rs[r], b = p->rs[r + 1];
        for (i = a; i < b; i++) {
            size_t j = i == a ? b - 1 : i - 1;
            double ax = p->xy[2 * i], ay = p->xy[2 * i + 1];
            double bx = p->xy[2 * j], by = p->xy[2 * j + 1];
            if ((ay > y) != (by > y) && x < (bx - ax) * (y - ay) / (by - ay) + ax)
                inside = !inside;
            best = fmin(best, seg_dist2(x, y, ax, ay, bx, by));
        }
    }
    return (inside ? 1 : -1) * sqrt(best);
}

static cell make_cell(const poly *p, double x, double y, double h)
{
    cell c;

    c.x = x;
    c.y = y;
    c.h = h;
    c.d = poly_dist(p, x, y);
    c.max = c.d + h * 1.4142135623730951 /* sqrt 2 */;
    return c;
}

/* A binary max-heap of cells on 'max'. */
typedef struct heap {
    cell *a;
    size_t n, cap;
} heap;

static int heap_push(heap *hp, cell c)
{
    size_t i;

    if (hp->n == hp->cap) {
        size_t ncap = hp->cap ? hp->cap * 2 : 64;
        cell *na = nm_realloc(hp->a, ncap * sizeof *na);
        if (!na)
            return 0;
        hp->a = na;
        hp->cap = ncap;
    }
    i = hp->n++;
    while (i > 0 && hp->a[(i - 1) / 2].max < c.max) {
        hp->a[i] = hp->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    hp->a[i] = c;
    return 1;
}

static cell heap_pop(heap *hp)
{
    cell top = hp->a[0], last = hp->a[--hp->n];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= hp->n)
            break;
        if (c + 1 < hp->n && hp->a[c + 1].max > hp->a[c].max)
            c++;
        if (hp->a[c].max <= last.max)
            break;
        hp->a[i] = hp->a[c];
        i = c;
    }
    if (hp->n > 0)
        hp->a[i] = last;
    return top;
}

/* The area centroid of the exterior ring: a good first guess. */
static cell centroid_cell(const poly *p)
{
    size_t i, a = p->rs[p->ring0], b = p->rs[p->ring0 + 1];
    double area = 0, cx = 0, cy = 0;

    for (i = a; i < b; i++) {
        size_t j = i == a ? b - 1 : i - 1;
        double f = p->xy[2 * i] * p->xy[2 * j + 1] - p->xy[2 * j] * p->xy[2 * i + 1];
        cx += (p->xy[2 * i] + p->xy[2 * j]) * f;
        cy += (p->xy[2 * i + 1] + p->xy[2 * j + 1]) * f;
        area += f * 3;
    }
    if (area == 0)
        return make_cell(p, p->xy[2 * a], p->xy[2 * a + 1], 0);
    return make_cell(p, cx / area, cy / area, 0);
}

nm_status nmR_polylabel(nm_ctx *ctx, const double *xy, const size_t *rs, size_t ring0,
                       size_t nrings, double precision, double *x, double *y, double *dist)
{
    poly p = {xy, rs, ring0, nrings};
    heap hp = {0};
    nm_status rc = NM_OK;
    double bb[4] = {DBL_MAX, DBL_MAX, -DBL_MAX, -DBL_MAX}, size, h, cx, cy;
    size_t i, visited = 0;
    cell best, c;

    for (i = rs[ring0]; i < rs[ring0 + 1]; i++) {
        bb[0] = fmin(bb[0], xy[2 * i]);
        bb[1] = fmin(bb[1], xy[2 * i + 1]);
        bb[2] = fmax(bb[2], xy[2 * i]);
        bb[3] = fmax(bb[3], xy[2 * i + 1]);
    }
    size = fmin(bb[2] - bb[0], bb[3] - bb[1]);
    if (rs[ring0 + 1] - rs[ring0] < 3 || !(size > 0)) {
        *x = rs[ring0 + 1] > rs[ring0] ? xy[2 * rs[ring0]] : 0;
        *y = rs[ring0 + 1] > rs[ring0] ? xy[2 * rs[ring0] + 1] : 0;
        *dist = 0;
        return NM_OK;
    }
    h = size / 2;
    for (cx = bb[0]; cx < bb[2]; cx += size)
        for (cy = bb[1]; cy < bb[3]; cy += size)
            if (!heap_push(&hp, make_cell(&p, cx + h, cy + h, h))) {
                rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
                goto cleanup;
            }
    best = centroid_cell(&p);
    c = make_cell(&p, bb[0] + (bb[2] - bb[0]) / 2, bb[1] + (bb[3] - bb[1]) / 2, 0);
    if (c.d > best.d)
        best = c;
    /* the visit cap bounds the time on pathological rings; the answer is
     * then merely a little less central */
    while (hp.n > 0 && visited++ < 20000) {
        c = heap_pop(&hp);
        if (c.d > best.d)
            best = c;
        if (c.max - best.d <= precision)
            continue;
        h = c.h / 2;
        if (!heap_push(&hp, make_cell(&p, c.x - h, c.y - h, h)) ||
            !heap_push(&hp, make_cell(&p, c.x + h, c.y - h, h)) ||
            !heap_push(&hp, make_cell(&p, c.x - h, c.y + h, h)) ||
            !heap_push(&hp, make_cell(&p, c.x + h, c.y + h, h))) {
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
            goto cleanup;
        }
    }
    *x = best.x;
    *y = best.y;
    *dist = fmax(best.d, 0);

cleanup:
    nm_free(hp.a);
    return rc;
}
