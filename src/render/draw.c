/*
 * The map's geometry on a cairo context, from the device-space shapes of
 * device.c: fills by class, outlines (aliased or as hairlines where thin
 * enough), the missing-data hatching and the overlays, band by band.  The
 * page furniture is furniture.c's; choosing the surface and writing the
 * file is write.c's.
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
#define CONTEXT_DARKEN 0.2
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

void nmR_fill_missing(cairo_t *cr, double x0, double y0, double x1, double y1, double k)
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
            nmR_fill_missing(cr, d->x0, d->y0, d->x1, d->y1, k);
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
            nmR_fill_missing(cr, d->x0, d->y0, d->x1, d->y1, k);
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
