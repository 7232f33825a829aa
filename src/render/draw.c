/*
 * Drawing on a cairo context: the map's geometry, transformed to device
 * space once and thinned to the output's resolution, then the page
 * furniture (labels, frame, title, legend, scale bar, north arrow, source
 * line) in millimetres where layout.c put it.  Choosing the surface and
 * writing the file is write.c's job.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

#define MISSING_FILL 0xdedede
#define MISSING_HATCH 0x8f8f8f
#define HATCH_STEP_MM 1.0
#define HATCH_W_MM 0.15
#define FRAME_RGB 0x4d4d4d
#define FRAME_W_MM 0.25
#define SWATCH_LINE_RGB 0x737373
#define SWATCH_LINE_MM 0.15
#define HALO_W_MM 0.7
#define CONTEXT_DARKEN 0.2
#define LEADER_RGB 0x1a1a1a
#define LEADER_W_MM 0.2
#define LEADER_DOT_MM 0.45
/* Points stroked at once: cairo's stroker holds about 200 bytes a point, so
 * a bounded batch keeps two threads' peak memory small at no cost in time. */
#define FLUSH_POINTS 20000
/* Outlines thinner than this many pixels are drawn aliased at or above
 * ALIASED_MIN_DPI: three times faster, and a 1 px step at 200 dpi or more
 * cannot be seen on paper. */
#define ALIASED_MAX_PX 1.5
#define ALIASED_MIN_DPI 200.0

void nmR_set_rgb(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0);
}

static uint32_t darken(uint32_t rgb, double f)
{
    uint32_t r = (uint32_t)(((rgb >> 16) & 0xff) * (1 - f));
    uint32_t g = (uint32_t)(((rgb >> 8) & 0xff) * (1 - f));
    uint32_t b = (uint32_t)((rgb & 0xff) * (1 - f));
    return r << 16 | g << 8 | b;
}

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

/* Appends the rings of shape i to the current path; returns its points. */
static size_t add_shape(cairo_t *cr, const rn_dev *dev, size_t i)
{
    const rn_devshape *d = &dev->sh[i];
    const float *p = dev->xy + 2 * d->pt0;
    size_t r, j, total = 0;

    for (r = d->ring0; r < d->ring0 + d->nrings; r++) {
        uint32_t len = dev->rlen[r];
        cairo_move_to(cr, p[0], p[1]);
        for (j = 1; j < len; j++)
            cairo_line_to(cr, p[2 * j], p[2 * j + 1]);
        cairo_close_path(cr);
        p += 2 * len;
        total += len;
    }
    return total;
}

/* Fills the current path in the missing-data style: light grey under
 * diagonal hatching, unlike any palette colour.  (x0, y0, x1, y1) bounds
 * the path; k is user units per mm.  Consumes the path. */
static void fill_missing(cairo_t *cr, double x0, double y0, double x1, double y1, double k)
{
    double c, h = y1 - y0, step = HATCH_STEP_MM * k;

    nmR_set_rgb(cr, MISSING_FILL);
    cairo_fill_preserve(cr);
    cairo_save(cr);
    cairo_clip(cr);
    /* lines at 45 degrees on a grid fixed to the page, so neighbouring
     * areas' hatching lines up */
    for (c = floor((x0 - h) / step) * step; c <= x1; c += step) {
        cairo_move_to(cr, c, y1);
        cairo_line_to(cr, c + h, y0);
    }
    nmR_set_rgb(cr, MISSING_HATCH);
    cairo_set_line_width(cr, HATCH_W_MM * k);
    cairo_stroke(cr);
    cairo_restore(cr);
}

static int meets_rows(const rn_devshape *d, double row0, double row1)
{
    return d->nrings > 0 && d->y1 >= row0 && d->y0 <= row1;
}

/* sRGB channel to linear light. */
static double lin(uint32_t c)
{
    double v = (c & 0xff) / 255.0;
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

uint32_t nm_map_outline_rgb(const nm_map *map, uint32_t fill)
{
    double lum = 0.2126 * lin(fill >> 16) + 0.7152 * lin(fill >> 8) + 0.0722 * lin(fill);
    double f = map->opts.outline_darken;

    if (f <= 0)
        return map->opts.outline_rgb;
    /* a dark fill darkened further leaves no line to see (the darkest
       greys, the deepest reds): it is lightened instead, towards white */
    if (lum < RN_DARK_LUMINANCE) {
        uint32_t r = (fill >> 16) & 0xff, g = (fill >> 8) & 0xff, b = fill & 0xff;
        r += (uint32_t)((255 - r) * f);
        g += (uint32_t)((255 - g) * f);
        b += (uint32_t)((255 - b) * f);
        return r << 16 | g << 8 | b;
    }
    return darken(fill, f);
}

/* The outline colour of feature i. */
static uint32_t outline_rgb(const nm_map *map, size_t i)
{
    uint32_t fill = map->feat[i].flags & NM_MAP_MISSING ? MISSING_FILL : map->feat[i].rgb;

    /* context stays in the background: its outlines lighter than the
       selection's */
    if (map->feat[i].flags & NM_MAP_CONTEXT)
        return darken(fill, CONTEXT_DARKEN);
    return nm_map_outline_rgb(map, fill);
}

typedef struct keyed {
    uint32_t key;
    uint32_t i;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int by_index(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Where two areas meet, the outline drawn last shows.  Drawn one colour
 * after another, the last colour's outlines would win every edge and tint
 * dense cities; features are therefore dealt into LAYERS layers by a hash
 * of their number and drawn layer by layer, colour by colour within a
 * layer, so that most edges are won by chance, as when areas are drawn one
 * by one, at the cost of LAYERS times as many batches. */
#define LAYERS 8
#define KEY_MISSING (1u << 24)

static uint32_t layer_of(size_t i)
{
    return ((uint32_t)i * 2654435761u) >> 29; /* 0 .. LAYERS - 1 */
}

/* The features meeting device rows [row0, row1), sorted by layer (when
 * 'layered'), then by fill colour (missing ones after the colours), then
 * by the order added.  The key's low 24 bits are the colour.  OUT *n.
 * Caller frees with nm_free(); NULL when memory is exhausted. */
static keyed *by_colour(const nm_map *map, const rn_dev *feat, double row0, double row1,
                        int layered, size_t *n)
{
    keyed *order = nm_malloc((feat->nsh ? feat->nsh : 1) * sizeof *order);
    size_t i;

    *n = 0;
    if (!order)
        return NULL;
    for (i = 0; i < feat->nsh; i++)
        if (meets_rows(&feat->sh[i], row0, row1)) {
            uint32_t key = map->feat[i].flags & NM_MAP_MISSING ? KEY_MISSING : map->feat[i].rgb;
            order[*n].key = key | (layered ? layer_of(i) << 25 : 0);
            order[(*n)++].i = (uint32_t)i;
        }
    qsort(order, *n, sizeof *order, map->opts.in_order ? by_index : by_key);
    return order;
}

/* Whether the outlines of a raster are drawn aliased: thin lines at a
 * resolution where a 1 px step cannot be seen on paper. */
static int aliased_outlines(const nm_map *map, double k)
{
    return map->opts.outline_mm > 0 && map->opts.outline_mm * k < ALIASED_MAX_PX &&
           k >= ALIASED_MIN_DPI / RN_MM_PER_INCH;
}

/* Raster: the fills, one path per colour (and per FLUSH_POINTS) rather
 * than one per area.  The areas of one colour do not overlap, so even-odd
 * over the batch fills each of them once; where an outline of at least a
 * pixel covers every edge, the fill's own antialiasing would be hidden
 * under it and the fills are drawn aliased, five times faster. */
static void fill_areas(cairo_t *cr, const nm_map *map, const rn_dev *feat, const keyed *order,
                       size_t n, double k)
{
    size_t i, pts = 0;

    cairo_save(cr);
    if (aliased_outlines(map, k) && map->opts.outline_mm * k >= 1)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    for (i = 0; i < n; i++) {
        const rn_devshape *d = &feat->sh[order[i].i];
        if (order[i].key & KEY_MISSING) {
            cairo_save(cr);
            cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
            add_shape(cr, feat, order[i].i);
            fill_missing(cr, d->x0, d->y0, d->x1, d->y1, k);
            cairo_restore(cr);
            continue;
        }
        pts += add_shape(cr, feat, order[i].i);
        if (i + 1 == n || order[i + 1].key != order[i].key || pts > FLUSH_POINTS) {
            nmR_set_rgb(cr, order[i].key & 0xffffff);
            cairo_fill(cr);
            pts = 0;
        }
    }
    cairo_restore(cr);
}

/* Raster: the outlines after all fills, one stroke per outline colour
 * (and per FLUSH_POINTS).  Fill colours sort into runs, and every fill
 * colour has one outline colour. */
static void stroke_outlines(cairo_t *cr, const nm_map *map, const rn_dev *feat,
                            const keyed *order, size_t n, double k)
{
    size_t i, pts = 0;

    cairo_save(cr);
    if (aliased_outlines(map, k))
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_line_width(cr, map->opts.outline_mm * k);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
    for (i = 0; i < n; i++) {
        uint32_t rgb = outline_rgb(map, order[i].i);
        pts += add_shape(cr, feat, order[i].i);
        if (i + 1 == n || order[i + 1].key != order[i].key || pts > FLUSH_POINTS) {
            nmR_set_rgb(cr, rgb);
            cairo_stroke(cr);
            pts = 0;
        }
    }
    cairo_restore(cr);
}

/* ---- hairline outlines --------------------------------------------------
 * Outlines thin enough to be drawn aliased (see aliased_outlines) are
 * rasterised here, straight into the image: cairo 1.16 strokes every
 * segment as a polygon through its general stroker, and on a map of
 * England that was three fifths of the drawing time (cairo's own hairline
 * mode arrived in 1.18, after Debian 12).  Each segment is drawn the way an
 * aliased stroke covers pixels: a pixel is set when its centre lies inside
 * the segment's band of the outline's width, column by column for a
 * shallow segment and row by row for a steep one.  Joins are left to the
 * neighbouring segments, which at a pixel and a bit wide cannot be seen. */
typedef struct hair_canvas {
    unsigned char *pix;
    int stride;
    int x0, y0, x1, y1; /* pixels that may be set: [x0, x1) x [y0, y1) */
    double tx, ty;      /* device = user + (tx, ty) */
    double half;        /* half the line width, pixels */
    uint32_t rgb;
} hair_canvas;

static void hair_set(const hair_canvas *c, int x, int y)
{
    memcpy(c->pix + (size_t)y * (size_t)c->stride + 4 * (size_t)x, &c->rgb, 4);
}

/* First and one-past-last whole numbers i whose centre i + 0.5 lies in
 * [a, b), clipped to [lo, hi). */
static void centres_in(double a, double b, int lo, int hi, int *first, int *end)
{
    double f = ceil(a - 0.5), e = ceil(b - 0.5);

    *first = f < lo ? lo : f > hi ? hi : (int)f;
    *end = e > hi ? hi : e < lo ? lo : (int)e;
}

/* One segment, in device pixels.  'major' is the axis walked: the
 * segment's longer extent; along the other axis the band is the width
 * divided by the cosine of the segment's angle to the major axis. */
static void hair_segment(const hair_canvas *c, double ax, double ay, double bx, double by)
{
    int steep = fabs(by - ay) > fabs(bx - ax), i, i_end, j, j_end;
    double u0 = steep ? ay : ax, v0 = steep ? ax : ay;
    double u1 = steep ? by : bx, v1 = steep ? bx : by;
    double m, hv;

    if (u0 > u1) {
        double t = u0;
        u0 = u1;
        u1 = t;
        t = v0;
        v0 = v1;
        v1 = t;
    }
    if (u1 - u0 <= 0)
        return;
    m = (v1 - v0) / (u1 - u0);
    hv = c->half * sqrt(1 + m * m);
    /* the segment's closed extent along the major axis: both ends count */
    centres_in(u0, nextafter(u1, INFINITY), steep ? c->y0 : c->x0, steep ? c->y1 : c->x1, &i,
               &i_end);
    for (; i < i_end; i++) {
        double vc = v0 + ((double)i + 0.5 - u0) * m;
        centres_in(vc - hv, vc + hv, steep ? c->x0 : c->y0, steep ? c->x1 : c->y1, &j, &j_end);
        for (; j < j_end; j++) {
            if (steep)
                hair_set(c, j, i);
            else
                hair_set(c, i, j);
        }
    }
}

/* The outlines of 'order' drawn as hairlines into the image under 'cr',
 * clipped to the map box; 0 (nothing drawn) when the target is not an
 * image or the transform is more than a translation, and cairo must
 * stroke. */
static int hair_outlines(cairo_t *cr, const nm_map *map, const rn_dev *feat, const keyed *order,
                         size_t n, double k, const nm_rect *mb)
{
    cairo_surface_t *s = cairo_get_target(cr);
    cairo_matrix_t mx;
    hair_canvas c;
    double cx0, cy0, cx1, cy1;
    size_t i, r, j;

    cairo_get_matrix(cr, &mx);
    if (cairo_surface_get_type(s) != CAIRO_SURFACE_TYPE_IMAGE ||
        cairo_image_surface_get_format(s) != CAIRO_FORMAT_RGB24 || mx.xx != 1 || mx.yy != 1 ||
        mx.xy != 0 || mx.yx != 0)
        return 0;
    cairo_surface_flush(s);
    c.pix = cairo_image_surface_get_data(s);
    c.stride = cairo_image_surface_get_stride(s);
    c.tx = mx.x0;
    c.ty = mx.y0;
    /* at least a pixel wide: a thinner band (0.1 mm is 0.8 px at 200 dpi)
       can pass between pixel centres and leave gaps along a line */
    c.half = fmax(map->opts.outline_mm * k / 2, 0.5);
    /* pixels whose centres the map box holds, as cairo's aliased clip */
    cx0 = ceil(mb->x * k + c.tx - 0.5);
    cy0 = ceil(mb->y * k + c.ty - 0.5);
    cx1 = ceil((mb->x + mb->w) * k + c.tx - 0.5);
    cy1 = ceil((mb->y + mb->h) * k + c.ty - 0.5);
    c.x0 = cx0 < 0 ? 0 : (int)cx0;
    c.y0 = cy0 < 0 ? 0 : (int)cy0;
    c.x1 = cx1 > cairo_image_surface_get_width(s) ? cairo_image_surface_get_width(s) : (int)cx1;
    c.y1 = cy1 > cairo_image_surface_get_height(s) ? cairo_image_surface_get_height(s) : (int)cy1;
    for (i = 0; i < n; i++) {
        const rn_devshape *d = &feat->sh[order[i].i];
        const float *p = feat->xy + 2 * d->pt0;
        if (d->y1 + c.ty + c.half < c.y0 || d->y0 + c.ty - c.half >= c.y1)
            continue;
        c.rgb = outline_rgb(map, order[i].i);
        for (r = d->ring0; r < d->ring0 + d->nrings; r++) {
            uint32_t len = feat->rlen[r];
            for (j = 0; j < len; j++) {
                size_t e = j + 1 < len ? j + 1 : 0; /* rings close on their start */
                hair_segment(&c, p[2 * j] + c.tx, p[2 * j + 1] + c.ty, p[2 * e] + c.tx,
                             p[2 * e + 1] + c.ty);
            }
            p += 2 * len;
        }
    }
    cairo_surface_mark_dirty(s);
    return 1;
}

/* Vector: the areas of one colour (of one layer) filled and outlined with
 * one path, which cairo's PDF and SVG surfaces write once (PDF "B", one
 * SVG <path>) for the whole batch rather than once or twice per area, and
 * with one colour operator rather than one per area. */
static void fill_stroke_vector(cairo_t *cr, const nm_map *map, const rn_dev *feat,
                               const keyed *order, size_t n, double k)
{
    int outline = map->opts.outline_mm > 0;
    size_t i;

    cairo_save(cr);
    cairo_set_line_width(cr, map->opts.outline_mm * k);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
    for (i = 0; i < n; i++) {
        const rn_devshape *d = &feat->sh[order[i].i];
        add_shape(cr, feat, order[i].i);
        if (order[i].key & KEY_MISSING) {
            fill_missing(cr, d->x0, d->y0, d->x1, d->y1, k);
            if (outline) {
                add_shape(cr, feat, order[i].i);
                nmR_set_rgb(cr, outline_rgb(map, order[i].i));
                cairo_stroke(cr);
            }
            continue;
        }
        if (i + 1 < n && order[i + 1].key == order[i].key)
            continue;
        nmR_set_rgb(cr, order[i].key & 0xffffff);
        if (!outline) {
            cairo_fill(cr);
            continue;
        }
        cairo_fill_preserve(cr);
        nmR_set_rgb(cr, outline_rgb(map, order[i].i));
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

/* Strokes every overlay layer, in the order added. */
static void stroke_overlays(cairo_t *cr, const nm_map *map, const rn_dev *outl, double k,
                            double row0, double row1)
{
    size_t l, i, pts;

    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (l = 0; l < map->nlayers; l++) {
        nmR_set_rgb(cr, map->layers[l].rgb);
        cairo_set_line_width(cr, map->layers[l].width_mm * k);
        pts = 0;
        for (i = 0; i < outl->nsh; i++) {
            if (map->outl[i].layer != (int)l || !meets_rows(&outl->sh[i], row0, row1))
                continue;
            pts += add_shape(cr, outl, i);
            if (pts > FLUSH_POINTS) {
                cairo_stroke(cr);
                pts = 0;
            }
        }
        cairo_stroke(cr);
    }
}

cairo_status_t nmR_draw_geometry(cairo_t *cr, const nm_map *map, const rn_layout *lay,
                                const rn_dev *feat, const rn_dev *outl, double k, double row0,
                                double row1, int vector)
{
    const nm_rect *mb = &lay->pub.map;
    size_t n = 0;
    int outline = map->opts.outline_mm > 0;
    /* fills never overlap: a raster's need no layers */
    keyed *order = by_colour(map, feat, row0, row1, vector && outline, &n);

    if (!order)
        return CAIRO_STATUS_NO_MEMORY;
    cairo_save(cr);
    cairo_rectangle(cr, mb->x * k, mb->y * k, mb->w * k, mb->h * k);
    cairo_clip(cr);
    /* even-odd: holes and self-crossing rings fill right whatever their
     * winding, as shapefiles and GeoJSON disagree on it */
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    if (vector) {
        fill_stroke_vector(cr, map, feat, order, n, k);
    } else {
        fill_areas(cr, map, feat, order, n, k);
        if (outline) {
            nm_free(order);
            order = by_colour(map, feat, row0, row1, 1, &n);
            if (!order) {
                cairo_restore(cr);
                return CAIRO_STATUS_NO_MEMORY;
            }
            if (!aliased_outlines(map, k) || !hair_outlines(cr, map, feat, order, n, k, mb))
                stroke_outlines(cr, map, feat, order, n, k);
        }
    }
    stroke_overlays(cr, map, outl, k, row0, row1);
    cairo_restore(cr);
    nm_free(order);
    return cairo_status(cr);
}

/* ---- text ---------------------------------------------------------------- */

/* Appends 'text' escaped for XML. */
static void xml_add(nmC_buf *b, const char *text, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        switch (text[i]) {
        case '&': nmC_buf_add(b, "&amp;", 5); break;
        case '<': nmC_buf_add(b, "&lt;", 4); break;
        case '>': nmC_buf_add(b, "&gt;", 4); break;
        case '"': nmC_buf_add(b, "&quot;", 6); break;
        default: nmC_buf_add(b, text + i, 1);
        }
    }
}

/* Writes a layout as SVG <text> elements, one per line, so that the text
 * stays text (cairo's SVG surface would write glyph outlines). */
static void svg_text(cairo_t *cr, rn_svgtext *svg, PangoLayout *lay, rn_font f,
                     double x, double y, int halo)
{
    PangoLayoutIter *it = pango_layout_get_iter(lay);
    const char *all = pango_layout_get_text(lay);
    const char *family = nmR_context_family(pango_layout_get_context(lay));
    double pt;
    int bold;
    uint32_t rgb;

    nmR_font_info(f, &pt, &bold, &rgb);
    /* the size the text was laid out at, page scale included */
    pt = pango_font_description_get_size(pango_layout_get_font_description(lay)) /
         (double)PANGO_SCALE;
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        PangoRectangle lr;
        double ux, uy;
        int len = line->length;
        pango_layout_iter_get_line_extents(it, NULL, &lr);
        ux = x + (double)lr.x / PANGO_SCALE;
        uy = y + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        cairo_user_to_device(cr, &ux, &uy); /* the SVG's user unit is the pt */
        while (len > 0 && (all[line->start_index + len - 1] == '\n' ||
                           all[line->start_index + len - 1] == ' '))
            len--;
        if (len == 0)
            continue;
        nmC_buf_addf(&svg->buf, "<text x=\"%.2f\" y=\"%.2f\" font-family=\"", ux, uy);
        xml_add(&svg->buf, family, strlen(family));
        nmC_buf_addf(&svg->buf, ", sans-serif\" font-size=\"%.2f\" font-weight=\"%s\" fill=\"#%06x\"",
                    pt, bold ? "bold" : "normal", (unsigned)rgb);
        if (halo)
            nmC_buf_addf(&svg->buf, " stroke=\"#ffffff\" stroke-width=\"%.2f\" "
                                   "stroke-linejoin=\"round\" paint-order=\"stroke\"",
                        HALO_W_MM * RN_PT_PER_MM);
        nmC_buf_addf(&svg->buf, " xml:space=\"preserve\">");
        xml_add(&svg->buf, all + line->start_index, (size_t)len);
        nmC_buf_addf(&svg->buf, "</text>\n");
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

/* Draws a laid-out text (at the size it was laid out at) with its
 * top-left at (x, y) mm, with a white halo when asked.  Consumes 'lay'. */
static void show_text(cairo_t *cr, rn_svgtext *svg, PangoLayout *lay, rn_font f, double x,
                      double y, int halo)
{
    double pt;
    int bold;
    uint32_t rgb;

    if (svg) {
        svg_text(cr, svg, lay, f, x, y, halo);
    } else {
        if (halo) {
            cairo_move_to(cr, x, y);
            pango_cairo_layout_path(cr, lay);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, HALO_W_MM);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            cairo_stroke(cr);
        }
        nmR_font_info(f, &pt, &bold, &rgb);
        nmR_set_rgb(cr, rgb);
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, lay);
    }
    g_object_unref(lay);
}

/* Draws a text with its top-left at (x, y) mm, wrapped at 'width' when
 * above 0, with a white halo when asked.  Returns nothing: cairo's status
 * is checked once per page. */
static void draw_text(cairo_t *cr, PangoContext *pc, rn_svgtext *svg, rn_font f, const char *text,
                      double x, double y, double width, int halo)
{
    show_text(cr, svg, nmR_rn_text(pc, f, text, width), f, x, y, halo);
}

/* A name outside its area: a thin line with a white casing from a dot on
 * the area's label point to the text. */
static void draw_leader(cairo_t *cr, const rn_placed *p)
{
    int pass;

    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (pass = 0; pass < 2; pass++) {
        cairo_move_to(cr, p->x0, p->y0);
        cairo_line_to(cr, p->x1, p->y1);
        if (pass == 0)
            cairo_set_source_rgb(cr, 1, 1, 1);
        else
            nmR_set_rgb(cr, LEADER_RGB);
        cairo_set_line_width(cr, pass == 0 ? LEADER_W_MM + 0.4 : LEADER_W_MM);
        cairo_stroke(cr);
        cairo_arc(cr, p->x0, p->y0, pass == 0 ? LEADER_DOT_MM + 0.2 : LEADER_DOT_MM, 0,
                  2 * 3.14159265358979323846);
        cairo_fill(cr);
    }
}

/* Width of a text in mm. */
static double text_w(PangoContext *pc, rn_font f, const char *text)
{
    PangoLayout *lay = nmR_rn_text(pc, f, text, 0);
    double w, h;

    nmR_text_size(lay, &w, &h);
    g_object_unref(lay);
    return w;
}

/* ---- furniture ------------------------------------------------------------ */

static void draw_swatch(cairo_t *cr, const rn_legend *e, double x, double y)
{
    cairo_rectangle(cr, x, y, RN_SWATCH_W, RN_SWATCH_H);
    if (e->flags & NM_MAP_MISSING) {
        fill_missing(cr, x, y, x + RN_SWATCH_W, y + RN_SWATCH_H, 1);
    } else {
        nmR_set_rgb(cr, e->rgb);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x, y, RN_SWATCH_W, RN_SWATCH_H);
    nmR_set_rgb(cr, SWATCH_LINE_RGB);
    cairo_set_line_width(cr, SWATCH_LINE_MM);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);
}

static void draw_legend(cairo_t *cr, PangoContext *pc, const nm_map *map, const rn_layout *lay,
                        rn_svgtext *svg)
{
    const nm_map_layout *p = &lay->pub;
    size_t i;
    char num[32];

    if (map->legend_title)
        draw_text(cr, pc, svg, RN_F_LEGEND_TITLE, map->legend_title, p->legend.x, p->legend.y,
                  p->legend.w, 0);
    for (i = 0; i < map->nlegend; i++) {
        const rn_legend *e = &map->legend[i];
        int col = (int)(i / (size_t)lay->legend_rows), row = (int)(i % (size_t)lay->legend_rows);
        double x = p->legend_swatch0.x + lay->legend_col_x[col];
        double y = p->legend_swatch0.y + row * lay->legend_row_h;
        PangoLayout *t = nmR_rn_text(pc, RN_F_LEGEND, e->label, 0);
        double w, h;
        nmR_text_size(t, &w, &h);
        g_object_unref(t);
        draw_swatch(cr, e, x, y);
        /* text centred on the swatch */
        draw_text(cr, pc, svg, RN_F_LEGEND, e->label, x + RN_SWATCH_W + RN_SWATCH_GAP,
                  y + (RN_SWATCH_H - h) / 2, 0, 0);
        if (e->count >= 0) {
            snprintf(num, sizeof num, "(%ld)", e->count);
            draw_text(cr, pc, svg, RN_F_COUNT, num, x + lay->legend_col_w[col] - text_w(pc, RN_F_COUNT, num),
                      y + (RN_SWATCH_H - h) / 2, 0, 0);
        }
    }
}

/* A distance for the scale bar: "2.5" in the unit chosen for the bar. */
static void fmt_length(char *out, size_t n, double metres, int km, int unit)
{
    snprintf(out, n, "%g%s", km ? metres / 1000 : metres, unit ? (km ? " km" : " m") : "");
}

void nmR_scale_bar_draw(cairo_t *cr, PangoContext *pc, const nm_rect *b, double metres,
                       double mm_per_m, rn_svgtext *svg)
{
    double len = metres * mm_per_m, bar_h = 1.6, y = b->y + b->h - bar_h;
    double x0 = b->x + 1; /* room for the "0" to centre on the end */
    int km = metres >= 1000, i;
    char txt[3][32];
    double at[3] = {0, len / 2, len};

    for (i = 0; i < 4; i++) {
        cairo_rectangle(cr, x0 + i * len / 4, y, len / 4, bar_h);
        if (i % 2 == 0)
            nmR_set_rgb(cr, 0x1a1a1a);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x0, y, len, bar_h);
    for (i = 0; i < 3; i++) {
        cairo_move_to(cr, x0 + at[i], y);
        cairo_line_to(cr, x0 + at[i], y - 0.8);
    }
    nmR_set_rgb(cr, 0x1a1a1a);
    cairo_set_line_width(cr, 0.2);
    cairo_stroke(cr);
    fmt_length(txt[0], sizeof txt[0], 0, km, 0);
    fmt_length(txt[1], sizeof txt[1], metres / 2, km, 0);
    fmt_length(txt[2], sizeof txt[2], metres, km, 0);
    for (i = 0; i < 3; i++) {
        double w = text_w(pc, RN_F_SCALE, txt[i]);
        draw_text(cr, pc, svg, RN_F_SCALE, txt[i], x0 + at[i] - w / 2, b->y, 0, 0);
        if (i == 2)
            draw_text(cr, pc, svg, RN_F_SCALE, km ? "km" : "m", x0 + at[i] + w / 2 + 1, b->y, 0, 0);
    }
}

static void draw_north_arrow(cairo_t *cr, PangoContext *pc, const rn_layout *lay, rn_svgtext *svg)
{
    const nm_rect *b = &lay->pub.north_arrow;
    double cx = b->x + b->w / 2, top = b->y + 4.5, bot = b->y + b->h, notch = bot - 2.5;
    double w = text_w(pc, RN_F_NORTH, "N");

    draw_text(cr, pc, svg, RN_F_NORTH, "N", cx - w / 2, b->y, 0, 0);
    /* left half dark, right half white: readable in greyscale */
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, b->x, bot);
    cairo_line_to(cr, cx, notch);
    cairo_close_path(cr);
    nmR_set_rgb(cr, 0x1a1a1a);
    cairo_fill(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, b->x + b->w, bot);
    cairo_line_to(cr, cx, notch);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    nmR_set_rgb(cr, 0x1a1a1a);
    cairo_set_line_width(cr, 0.25);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, b->x, bot);
    cairo_line_to(cr, cx, notch);
    cairo_close_path(cr);
    cairo_stroke(cr);
}

/* A white panel with a thin frame, 2 mm around r. */
static void white_box(cairo_t *cr, const nm_rect *r)
{
    cairo_rectangle(cr, r->x - 2, r->y - 2, r->w + 4, r->h + 4);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    nmR_set_rgb(cr, SWATCH_LINE_RGB);
    cairo_set_line_width(cr, SWATCH_LINE_MM);
    cairo_stroke(cr);
}

/* The legend, scale bar and north arrow, on white where they stand over
 * the map. */
static void draw_keys(cairo_t *cr, PangoContext *pc, const nm_map *map, const rn_layout *lay,
                      rn_svgtext *svg)
{
    const nm_map_layout *p = &lay->pub;

    if (map->opts.legend_pos == NM_LEGEND_INSIDE || map->opts.legend_pos == NM_LEGEND_NONE) {
        /* furniture over the map stands on white */
        if (p->legend.w > 0)
            white_box(cr, &p->legend);
        if (p->scale_bar.w > 0 || p->north_arrow.w > 0) {
            const nm_rect *a = p->north_arrow.w > 0 ? &p->north_arrow : &p->scale_bar;
            const nm_rect *b = p->scale_bar.w > 0 ? &p->scale_bar : &p->north_arrow;
            /* as wide as the bar and its "km" */
            double bw = p->scale_bar.w > 0 ? lay->pub.scale_bar_m * lay->mm_per_m + 9 : 0;
            nm_rect u = {a->x, a->y, fmin(RN_SCALE_BLOCK_W, fmax(bw, RN_ARROW_W)), b->y + b->h - a->y};
            white_box(cr, &u);
        }
    }
    if (p->legend.w > 0)
        draw_legend(cr, pc, map, lay, svg);
    if (p->scale_bar.w > 0)
        nmR_scale_bar_draw(cr, pc, &p->scale_bar, lay->pub.scale_bar_m, lay->mm_per_m, svg);
    if (p->north_arrow.w > 0)
        draw_north_arrow(cr, pc, lay, svg);
}

/* A text drawn as a structure element of its own when 'tag' is set. */
static void tagged_text(cairo_t *cr, PangoContext *pc, rn_svgtext *svg, rn_font f,
                        const char *text, const nm_rect *r, const char *tag)
{
    if (tag)
        cairo_tag_begin(cr, tag, "");
    draw_text(cr, pc, svg, f, text, r->x, r->y, r->w, 0);
    if (tag)
        cairo_tag_end(cr, tag);
}

void nmR_draw_furniture(cairo_t *cr, PangoContext *pc, const nm_map *map, const rn_layout *lay,
                       rn_svgtext *svg)
{
    nmR_draw_furniture_part(cr, pc, map, lay, svg, RN_PART_ALL);
}

void nmR_draw_furniture_part(cairo_t *cr, PangoContext *pc, const nm_map *map,
                            const rn_layout *lay, rn_svgtext *svg, int part)
{
    const nm_map_layout *p = &lay->pub;
    const char *h1 = part != RN_PART_ALL ? "H1" : NULL, *para = h1 ? "P" : NULL;
    size_t i;

    pango_cairo_update_context(cr, pc);
    if (part & RN_PART_BODY) {
        for (i = 0; i < lay->nplaced; i++)
            if (lay->placed[i].leader)
                draw_leader(cr, &lay->placed[i]);
        for (i = 0; i < lay->nplaced; i++) {
            const rn_placed *pl = &lay->placed[i];
            show_text(cr, svg, nmR_text_pt(pc, RN_F_LABEL, pl->pt, map->labels[pl->label].text, 0),
                      RN_F_LABEL, pl->x, pl->y, 1);
        }
        cairo_rectangle(cr, p->map.x, p->map.y, p->map.w, p->map.h);
        nmR_set_rgb(cr, FRAME_RGB);
        cairo_set_line_width(cr, FRAME_W_MM);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
        cairo_stroke(cr);
    }
    if ((part & RN_PART_TITLES) && map->title)
        tagged_text(cr, pc, svg, RN_F_TITLE, map->title, &p->title, h1);
    if ((part & RN_PART_TITLES) && map->subtitle)
        tagged_text(cr, pc, svg, RN_F_SUBTITLE, map->subtitle, &lay->subtitle, para);
    if (part & RN_PART_BODY)
        draw_keys(cr, pc, map, lay, svg);
    if ((part & RN_PART_SOURCE) && map->attribution)
        tagged_text(cr, pc, svg, RN_F_ATTRIB, map->attribution, &p->attribution, para);
}
