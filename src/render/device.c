/*
 * The map's geometry in device space: each shape transformed once to the
 * output's pixels (or points), snapped to its grid and thinned to what
 * the resolution can show, on two threads for a big map.  draw.c fills
 * and strokes what this makes.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

/* ---- geometry in device space ----------------------------------------- */

/* Thinning works on whole cells of the output grid.  Each decision looks
 * only at a vertex and its neighbours along the ring, never at where the
 * ring starts or which way it runs, so an edge shared by two areas (the
 * same vertices, in opposite order) is thinned the same way in both rings
 * and no slivers open between neighbours; only near a junction of three
 * areas can the rings differ, by less than the tolerance. */
typedef struct thin_par {
    double s, ox, oy; /* device = (ox + X * s, oy - Y * s) */
    double grid;      /* cell size in device units; 0: cairo's own 1/256 */
    double eps2;      /* squared deviation a removed vertex may have, cells */
} thin_par;

#define THIN_ROUNDS 6

/* The nearest whole number, without a call to floor(). */
static int64_t nearest(double v)
{
    double f = v + 0.5;
    int64_t t = (int64_t)f;

    return t - (f < (double)t);
}

/* Squared distance of c from the line through a and b (from a when a and
 * b coincide), in cells. */
static double dev2(const int64_t *a, const int64_t *b, const int64_t *c)
{
    double dx = (double)(b[0] - a[0]), dy = (double)(b[1] - a[1]);
    double ex = (double)(c[0] - a[0]), ey = (double)(c[1] - a[1]);
    double l2 = dx * dx + dy * dy, cr = dx * ey - dy * ex;

    return l2 > 0 ? cr * cr / l2 : ex * ex + ey * ey;
}

/* Whether vertex i goes before vertex j in removal order: smaller
 * deviation first, ties by position, so that the order does not depend on
 * the direction of the ring. */
static int before(const double *d, const int64_t *p, size_t i, size_t j)
{
    int same_d = d[i] == d[j], same_x = p[2 * i] == p[2 * j];

    return (d[i] < d[j]) |
           (same_d & ((p[2 * i] < p[2 * j]) | (same_x & (p[2 * i + 1] < p[2 * j + 1]))));
}

/* Transforms one closed ring to device units: every vertex snapped to the
 * grid, repeats of the previous cell dropped, then in a few rounds every
 * vertex that deviates less than the tolerance from the line through its
 * neighbours and less than both of them (so never two neighbours at once)
 * is removed.  'q' (2n integers), 'd' and 'rm' (n each) are scratch.
 * Returns the number of points written to 'out'. */
static size_t thin_ring(const double *xy, size_t n, const thin_par *tp, int64_t *q, double *d,
                        unsigned char *rm, float *out)
{
    double g = tp->grid > 0 ? tp->grid : 1.0 / 256, inv = 1 / g;
    size_t i, m = 0, round;

    for (i = 0; i < n; i++) {
        int64_t x = nearest((tp->ox + xy[2 * i] * tp->s) * inv);
        int64_t y = nearest((tp->oy - xy[2 * i + 1] * tp->s) * inv);
        if (m == 0 || x != q[2 * m - 2] || y != q[2 * m - 1]) {
            q[2 * m] = x;
            q[2 * m + 1] = y;
            m++;
        }
    }
    /* the closing point repeats the first */
    while (m > 1 && q[0] == q[2 * m - 2] && q[1] == q[2 * m - 1])
        m--;
    /* d < 0: deviation not known yet; it changes only where a neighbour
     * went */
    for (i = 0; i < m; i++)
        d[i] = -1;
    /* The loops below are written without branches on the data: whether
     * a vertex goes is a coin toss to the branch predictor, and the
     * branching version spent most of a map of England's thinning in
     * mispredictions. */
    for (round = 0; round < THIN_ROUNDS && m > 3 && tp->eps2 > 0; round++) {
        size_t w = 0, removed = 0;
        for (i = 0; i < m; i++)
            if (d[i] < 0) {
                size_t a = i ? i - 1 : m - 1, b = i + 1 < m ? i + 1 : 0;
                d[i] = dev2(q + 2 * a, q + 2 * b, q + 2 * i);
            }
        for (i = 0; i < m; i++) {
            size_t a = i ? i - 1 : m - 1, b = i + 1 < m ? i + 1 : 0;
            rm[i] = (unsigned char)((d[i] < tp->eps2) & before(d, q, i, a) & before(d, q, i, b));
            removed += rm[i];
        }
        if (removed == 0)
            break;
        if (m - removed < 3) {
            /* a ring about to fall under three points keeps the last three */
            size_t left = m;
            for (i = 0; i < m; i++) {
                rm[i] = rm[i] && left > 3;
                left -= rm[i];
            }
        }
        for (i = 0; i < m; i++) {
            size_t a = i ? i - 1 : m - 1, b = i + 1 < m ? i + 1 : 0;
            /* a removed vertex is written too, and overwritten by the next
               one kept */
            q[2 * w] = q[2 * i];
            q[2 * w + 1] = q[2 * i + 1];
            d[w] = rm[a] | rm[b] ? -1 : d[i];
            w += !rm[i];
        }
        m = w;
    }
    if (m < 3 && n >= 3) {
        /* an area smaller than a cell still shows as a speck: three of its
         * own vertices, unsnapped */
        size_t k, idx[3] = {0, n / 3, 2 * n / 3};
        for (k = 0; k < 3; k++) {
            out[2 * k] = (float)(tp->ox + xy[2 * idx[k]] * tp->s);
            out[2 * k + 1] = (float)(tp->oy - xy[2 * idx[k] + 1] * tp->s);
        }
        return 3;
    }
    for (i = 0; i < m; i++) {
        out[2 * i] = (float)((double)q[2 * i] * g);
        out[2 * i + 1] = (float)((double)q[2 * i + 1] * g);
    }
    return m;
}

/* One share of the shapes, thinned on its own thread into the part of the
 * output arrays its source points and rings would take. */
typedef struct dev_job {
    const nm_map *map;
    const rn_layout *lay;
    const rn_shape *sh;
    size_t from, to;
    double k;
    thin_par tp;
    rn_dev *dev;
    int ok;
} dev_job;

static void *dev_work(void *arg)
{
    dev_job *jb = arg;
    const rn_store *st = &jb->map->st;
    const rn_layout *lay = jb->lay;
    const nm_rect *mb = &lay->pub.map;
    rn_dev *dev = jb->dev;
    size_t i, r, maxlen = 1;
    int64_t *q;
    double *d;
    unsigned char *rm;

    for (i = jb->from; i < jb->to; i++)
        for (r = jb->sh[i].ring0; r < jb->sh[i].ring0 + jb->sh[i].nrings; r++)
            if (st->rs[r + 1] - st->rs[r] > maxlen)
                maxlen = st->rs[r + 1] - st->rs[r];
    q = nm_malloc(maxlen * 2 * sizeof *q);
    d = nm_malloc(maxlen * sizeof *d);
    rm = nm_malloc(maxlen);
    jb->ok = q && d && rm;
    for (i = jb->from; jb->ok && i < jb->to; i++) {
        const rn_shape *a = &jb->sh[i];
        rn_devshape *ds = &dev->sh[i];
        double x0 = lay->ax + a->bbox[0] * lay->mm_per_m, x1 = lay->ax + a->bbox[2] * lay->mm_per_m;
        double y0 = lay->ay - a->bbox[3] * lay->mm_per_m, y1 = lay->ay - a->bbox[1] * lay->mm_per_m;
        size_t pt = ds->pt0, ring = ds->ring0;
        if (x1 < mb->x || x0 > mb->x + mb->w || y1 < mb->y || y0 > mb->y + mb->h)
            continue; /* off the map: culled */
        ds->x0 = (float)(x0 * jb->k);
        ds->x1 = (float)(x1 * jb->k);
        ds->y0 = (float)(y0 * jb->k);
        ds->y1 = (float)(y1 * jb->k);
        for (r = a->ring0; r < a->ring0 + a->nrings; r++) {
            size_t len = st->rs[r + 1] - st->rs[r];
            if (len < 2)
                continue;
            len = thin_ring(st->xy + 2 * st->rs[r], len, &jb->tp, q, d, rm, dev->xy + 2 * pt);
            dev->rlen[ring++] = (uint32_t)len;
            pt += len;
            ds->nrings++;
        }
    }
    nm_free(q);
    nm_free(d);
    nm_free(rm);
    return NULL;
}

nm_status nmR_dev_build(nm_ctx *ctx, const nm_map *map, const rn_layout *lay, const rn_shape *sh,
                       size_t n, double k, double grid, double tol, rn_dev *dev)
{
    const rn_store *st = &map->st;
    double cell = grid > 0 ? grid : 1.0 / 256;
    thin_par tp = {lay->mm_per_m * k, lay->ax * k, lay->ay * k, grid, 0};
    dev_job jobs[2];
    pthread_t tid;
    int started = 0;
    size_t i, j, npt = 0, nring = 0, half = 0, acc = 0;
    void *p;

    /* the tolerance in cells of the grid the tests run on */
    tp.eps2 = tol > 0 ? (tol / cell) * (tol / cell) : 0;
    memset(dev, 0, sizeof *dev);
    dev->sh = nm_calloc(n ? n : 1, sizeof *dev->sh);
    if (!dev->sh)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    /* every shape starts where its source points and rings would: thinning
     * never adds points, so the two shares cannot meet */
    for (i = 0; i < n; i++) {
        dev->sh[i].pt0 = npt;
        dev->sh[i].ring0 = nring;
        nring += sh[i].nrings;
        npt += st->rs[sh[i].ring0 + sh[i].nrings] - st->rs[sh[i].ring0];
    }
    dev->xy = nm_malloc((npt ? npt : 1) * 2 * sizeof *dev->xy);
    dev->rlen = nm_malloc((nring ? nring : 1) * sizeof *dev->rlen);
    if (!dev->xy || !dev->rlen) {
        nmR_dev_free(dev);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    dev->nsh = n;
    /* two shares of about equal points, the second on a thread */
    for (half = 0; half < n && acc < npt / 2; half++)
        acc += st->rs[sh[half].ring0 + sh[half].nrings] - st->rs[sh[half].ring0];
    jobs[0] = (dev_job){map, lay, sh, 0, half, k, tp, dev, 0};
    jobs[1] = (dev_job){map, lay, sh, half, n, k, tp, dev, 0};
    if (half < n && pthread_create(&tid, NULL, dev_work, &jobs[1]) == 0)
        started = 1;
    dev_work(&jobs[0]);
    if (started)
        pthread_join(tid, NULL);
    else
        dev_work(&jobs[1]);
    if (!jobs[0].ok || !jobs[1].ok) {
        nmR_dev_free(dev);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    /* close the gaps thinning left, in order */
    for (i = 0; i < n; i++) {
        rn_devshape *ds = &dev->sh[i];
        size_t len = 0;
        for (j = 0; j < ds->nrings; j++)
            len += dev->rlen[ds->ring0 + j];
        memmove(dev->xy + 2 * dev->npt, dev->xy + 2 * ds->pt0, len * 2 * sizeof *dev->xy);
        memmove(dev->rlen + dev->nring, dev->rlen + ds->ring0, ds->nrings * sizeof *dev->rlen);
        ds->pt0 = dev->npt;
        ds->ring0 = dev->nring;
        dev->npt += len;
        dev->nring += ds->nrings;
    }
    /* thinning keeps a fraction of the points: give the rest back */
    if (dev->npt && (p = nm_realloc(dev->xy, dev->npt * 2 * sizeof *dev->xy)) != NULL)
        dev->xy = p;
    return NM_OK;
}

void nmR_dev_free(rn_dev *dev)
{
    nm_free(dev->xy);
    nm_free(dev->rlen);
    nm_free(dev->sh);
    memset(dev, 0, sizeof *dev);
}
