/*
 * Counting invalid geometries (self-intersecting rings and the like) with
 * GEOS through SpatiaLite's gaiaIsValid_r, the test ST_IsValid applies.  The
 * check costs about as much as reading and storing the geometry, so on a
 * machine with two cores it runs in a second thread that takes geometries
 * from a small bounded queue, and the import thread only waits for it at the
 * end.  The checker has its own SpatiaLite cache (so its own GEOS context)
 * and never touches the database.
 */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/bnd_int.h"
#include "nm_lazy.h"

/* Enough to keep the checker busy while the reader stalls on a page write,
   small enough that a queue of England's largest polygons stays a few MB. */
#define QUEUE_CAP 64
/* The reader wakes the checker only once this many geometries wait: one
   wake-up per geometry cost more in futex calls than the copying it saves. */
#define WAKE_BATCH 16
#define FIRST_MAX 8

/* A geometry waiting: the common single ring as a flat copy of its points
 * (xy, n), anything else as the gaia geometry itself.  'buf' belongs to
 * the slot, not to the geometry: the reader grows it and frees it at the
 * end, so the checker never frees a block the reader allocated (freeing
 * across threads takes the other thread's malloc arena lock, and the two
 * threads spent a tenth of the import waiting on it). */
typedef struct queued {
    gaiaGeomCollPtr geom;
    double *xy;
    int n;
    long number;
    double *buf;
    int cap; /* points buf holds */
} queued;

/* A segment of a ring in the pre-test's sweep: its smaller x and index. */
typedef struct sweep_seg {
    double minx;
    int i;
} sweep_seg;

struct bnd_valid {
    void *splite;  /* the checker's own SpatiaLite cache */
    sweep_seg *segs; /* the pre-test's scratch, grown as needed: 2 * segs_cap */
    int segs_cap;
    int threaded;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    queued queue[QUEUE_CAP];
    int head, len, closing;
    long invalid;
    long first[FIRST_MAX];
};

/* ---- the pre-test ------------------------------------------------------
 * GEOS's isValid costs about 13 us a polygon, most of it in building
 * indexes and allocating; England's 32,844 LSOAs took 0.4 s.  Nearly all are
 * one ring without holes, and for those validity means exactly that the ring
 * is simple: at least 4 points, closed, and no two segments meeting except
 * neighbours at their shared vertex.  The test below proves that with
 * orientation signs that are certain (Shewchuk's error bound for the
 * floating-point determinant); whenever a sign is uncertain, or segments
 * touch, or anything else is unusual, it gives up and GEOS judges, so it can
 * only ever spare GEOS a valid ring, never pass an invalid one. */

/* Sign of the orientation of c relative to the line a->b: 1 or -1 when
 * certain, 0 when the floating-point value cannot be trusted (including
 * exactly collinear points). */
static int orient_sure(const double *a, const double *b, const double *c)
{
    double l = (a[0] - c[0]) * (b[1] - c[1]), r = (a[1] - c[1]) * (b[0] - c[0]);
    double det = l - r;
    /* Shewchuk's ccwerrboundA is (3 + 16 eps) eps = 3.33e-16; 1e-15 gives a
       margin, and costs nothing but a few more polygons sent to GEOS */
    double bound = 1e-15 * (fabs(l) + fabs(r));

    if (det > bound)
        return 1;
    if (-det > bound)
        return -1;
    return 0;
}

/* 1 when segments a-b and c-d are certainly apart, 0 when they may meet. */
static int segs_apart(const double *a, const double *b, const double *c, const double *d)
{
    int o1 = orient_sure(a, b, c), o2 = orient_sure(a, b, d), o3, o4;

    if (!o1 || !o2)
        return 0;
    if (o1 == o2)
        return 1;
    o3 = orient_sure(c, d, a);
    o4 = orient_sure(c, d, b);
    return o3 && o4 && o3 == o4;
}

/* Sorts a[0..m) by minx, using tmp[0..m); returns whichever of the two
 * holds the result.  Runs of 8 by insertion, then merged: glibc's qsort
 * calls a function per comparison and allocates its buffer per ring, and
 * was a third of the pre-test's time. */
static sweep_seg *sort_segs(sweep_seg *a, sweep_seg *tmp, int m)
{
    int w, i;

    for (i = 0; i < m; i += 8) {
        int end = i + 8 < m ? i + 8 : m, j, k;
        for (j = i + 1; j < end; j++) {
            sweep_seg x = a[j];
            for (k = j; k > i && a[k - 1].minx > x.minx; k--)
                a[k] = a[k - 1];
            a[k] = x;
        }
    }
    for (w = 8; w < m; w *= 2) {
        sweep_seg *t;
        for (i = 0; i < m; i += 2 * w) {
            int mid = i + w < m ? i + w : m, end = mid + w < m ? mid + w : m;
            int p = i, q = mid, o = i;
            while (p < mid && q < end)
                tmp[o++] = a[q].minx < a[p].minx ? a[q++] : a[p++];
            while (p < mid)
                tmp[o++] = a[p++];
            while (q < end)
                tmp[o++] = a[q++];
        }
        t = a;
        a = tmp;
        tmp = t;
    }
    return a;
}

/* 1 when the closed ring of 'n' points (x, y pairs, last = first) is
 * certainly simple; 0 when GEOS must decide. */
static int ring_simple(bnd_valid *v, const double *xy, int n)
{
    int m = n - 1, i, k, k2; /* segments: i from point i to i + 1 */
    const sweep_seg *segs;

    if (n < 4 || xy[0] != xy[2 * m] || xy[1] != xy[2 * m + 1])
        return 0;
    for (i = 0; i < n; i++)
        if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1]))
            return 0;
    /* neighbours meet only at their shared vertex: certainly not collinear
       (which also rules out repeated points) */
    for (i = 0; i < m; i++) {
        const double *a = xy + 2 * i, *b = xy + 2 * (i + 1 == m ? 0 : i + 1);
        const double *c = xy + 2 * (i + 2 >= m ? i + 2 - m : i + 2);
        if (!orient_sure(a, b, c))
            return 0;
    }
    if (m > v->segs_cap) {
        /* twice m: the second half is the merge sort's */
        sweep_seg *grown = nm_realloc(v->segs, 2 * (size_t)m * sizeof *grown);
        if (!grown)
            return 0;
        v->segs = grown;
        v->segs_cap = m;
    }
    for (i = 0; i < m; i++) {
        v->segs[i].minx = fmin(xy[2 * i], xy[2 * i + 2]);
        v->segs[i].i = i;
    }
    segs = sort_segs(v->segs, v->segs + m, m);
    /* every pair whose boxes overlap (touching counts) is tested */
    for (k = 0; k < m; k++) {
        int s = segs[k].i;
        const double *a = xy + 2 * s, *b = a + 2;
        double maxx = fmax(a[0], b[0]), miny = fmin(a[1], b[1]), maxy = fmax(a[1], b[1]);
        for (k2 = k + 1; k2 < m && segs[k2].minx <= maxx; k2++) {
            int t = segs[k2].i, gap = abs(s - t);
            const double *c = xy + 2 * t, *d = c + 2;
            if (gap == 1 || gap == m - 1)
                continue; /* neighbours, checked above */
            if (fmax(c[1], d[1]) < miny || fmin(c[1], d[1]) > maxy)
                continue;
            if (!segs_apart(a, b, c, d))
                return 0;
        }
    }
    return 1;
}

/* The exterior ring of a geometry that is one polygon without holes, in
 * plain x, y pairs; NULL for anything else. */
static gaiaRingPtr single_ring(gaiaGeomCollPtr g)
{
    gaiaPolygonPtr pg = g->FirstPolygon;

    if (g->FirstPoint || g->FirstLinestring || !pg || pg->Next || pg->NumInteriors > 0 ||
        g->DimensionModel != GAIA_XY || pg->Exterior->DimensionModel != GAIA_XY)
        return NULL;
    return pg->Exterior;
}

static void count_invalid(bnd_valid *v, long number)
{
    if (v->invalid < FIRST_MAX)
        v->first[v->invalid] = number;
    v->invalid++;
}

/* Checks one geometry and frees it. */
static void check_one(bnd_valid *v, gaiaGeomCollPtr geom, long number)
{
    gaiaRingPtr ring = single_ring(geom);

    if (!(ring && ring_simple(v, ring->Coords, ring->Points)) &&
        gaiaIsValid_r(v->splite, geom) != 1)
        count_invalid(v, number);
    gaiaFreeGeomColl(geom);
}

/* Checks one ring queued as a flat copy: GEOS gets the
 * same MULTIPOLYGON the importer built when the pre-test cannot decide. */
static void check_flat(bnd_valid *v, double *xy, int n, long number)
{
    gaiaGeomCollPtr g;
    gaiaPolygonPtr pg;
    int ok = 1;

    if (!ring_simple(v, xy, n)) {
        g = gaiaAllocGeomColl();
        pg = g ? gaiaAddPolygonToGeomColl(g, n, 0) : NULL;
        if (pg) {
            g->Srid = BND_SRID;
            g->DeclaredType = GAIA_MULTIPOLYGON;
            memcpy(pg->Exterior->Coords, xy, (size_t)n * 2 * sizeof *xy);
            ok = gaiaIsValid_r(v->splite, g) == 1;
        }
        if (g)
            gaiaFreeGeomColl(g);
    }
    if (!ok)
        count_invalid(v, number);
}

static void *checker_main(void *arg)
{
    bnd_valid *v = arg;
    queued q;

    pthread_mutex_lock(&v->lock);
    for (;;) {
        /* once awake the checker empties the queue, then sleeps until a
           batch is waiting (see WAKE_BATCH) or the reader is done */
        if (v->len == 0) {
            while (v->len < WAKE_BATCH && !v->closing)
                pthread_cond_wait(&v->not_empty, &v->lock);
            if (v->len == 0)
                break;
        }
        q = v->queue[v->head];
        pthread_mutex_unlock(&v->lock);
        if (q.xy)
            check_flat(v, q.xy, q.n, q.number);
        else
            check_one(v, q.geom, q.number);
        pthread_mutex_lock(&v->lock);
        /* the slot (and its buffer) goes back to the reader only now */
        v->head = (v->head + 1) % QUEUE_CAP;
        /* the reader only waits on a full queue */
        if (v->len-- == QUEUE_CAP)
            pthread_cond_signal(&v->not_full);
    }
    pthread_mutex_unlock(&v->lock);
    return NULL;
}

nm_status nmI_valid_start(nm_ctx *ctx, bnd_valid **out)
{
    bnd_valid *v;
    nm_status rc = nmC_need(ctx, NMC_SPATIALITE, "checking boundaries");

    *out = NULL;
    if (rc != NM_OK)
        return rc;
    v = nm_calloc(1, sizeof *v);
    if (!v || !(v->splite = spatialite_alloc_connection())) {
        nm_free(v);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    /* GEOS explains every invalid ring on stderr otherwise */
    spatialite_set_silent_mode(v->splite);
    pthread_mutex_init(&v->lock, NULL);
    pthread_cond_init(&v->not_empty, NULL);
    pthread_cond_init(&v->not_full, NULL);
    /* a thread only pays on a second core; without one, check inline */
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
        pthread_create(&v->thread, NULL, checker_main, v) == 0)
        v->threaded = 1;
    *out = v;
    return NM_OK;
}

void nmI_valid_push(bnd_valid *v, gaiaGeomCollPtr geom, long number)
{
    gaiaRingPtr ring;
    queued *q;

    if (!v->threaded) {
        check_one(v, geom, number);
        return;
    }
    pthread_mutex_lock(&v->lock);
    while (v->len == QUEUE_CAP)
        pthread_cond_wait(&v->not_full, &v->lock);
    /* the free slot is the reader's until it is counted in len */
    q = &v->queue[(v->head + v->len) % QUEUE_CAP];
    pthread_mutex_unlock(&v->lock);
    q->geom = geom;
    q->xy = NULL;
    q->n = 0;
    q->number = number;
    /* a gaia geometry is dozens of small blocks: the common single ring
       crosses as a flat copy in the slot's buffer, the geometry is freed
       here */
    if ((ring = single_ring(geom)) != NULL) {
        if (ring->Points > q->cap) {
            double *grown = nm_realloc(q->buf, (size_t)ring->Points * 2 * sizeof *grown);
            if (grown) {
                q->buf = grown;
                q->cap = ring->Points;
            }
        }
        if (ring->Points <= q->cap) {
            q->xy = q->buf;
            q->n = ring->Points;
            memcpy(q->xy, ring->Coords, (size_t)q->n * 2 * sizeof *q->xy);
            gaiaFreeGeomColl(geom);
            q->geom = NULL;
        }
    }
    pthread_mutex_lock(&v->lock);
    if (++v->len == WAKE_BATCH)
        pthread_cond_signal(&v->not_empty);
    pthread_mutex_unlock(&v->lock);
}

long nmI_valid_finish(bnd_valid *v, long *first, int nfirst)
{
    long invalid;
    int i;

    if (!v)
        return 0;
    if (v->threaded) {
        pthread_mutex_lock(&v->lock);
        v->closing = 1;
        pthread_cond_signal(&v->not_empty);
        pthread_mutex_unlock(&v->lock);
        pthread_join(v->thread, NULL);
    }
    invalid = v->invalid;
    for (i = 0; i < nfirst && i < FIRST_MAX && i < invalid; i++)
        first[i] = v->first[i];
    pthread_cond_destroy(&v->not_empty);
    pthread_cond_destroy(&v->not_full);
    pthread_mutex_destroy(&v->lock);
    spatialite_cleanup_ex(v->splite);
    for (i = 0; i < QUEUE_CAP; i++)
        nm_free(v->queue[i].buf);
    nm_free(v->segs);
    nm_free(v);
    return invalid;
}
