/*
 * Drawing on a cairo context: the map's geometry, transformed to device
 * space once and thinned to the output's resolution, then the page
 * furniture (labels, frame, title, legend, scale bar, north arrow, source
 * line) in millimetres where layout.c put it.  Choosing the surface and
 * writing the file is write.c's job.
 */
#include <math.h>
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
/* Points stroked at once: cairo's stroker holds about 200 bytes a point, so
 * a bounded batch keeps two threads' peak memory small at no cost in time. */
#define FLUSH_POINTS 20000
/* Outlines thinner than this many pixels are drawn aliased at or above
 * ALIASED_MIN_DPI: three times faster, and a 1 px step at 200 dpi or more
 * cannot be seen on paper. */
#define ALIASED_MAX_PX 1.5
#define ALIASED_MIN_DPI 200.0

static void set_rgb(cairo_t *cr, uint32_t rgb)
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

/* Rounds to a grid of 1/snap device units (none when snap is 0). */
static double snap_to(double v, double snap)
{
    return snap > 0 ? floor(v * snap + 0.5) / snap : v;
}

/* Transforms one ring to device units, keeping a vertex only when it is at
 * least 'tol' from the last kept one on either axis.  Returns the number
 * of points written to 'out'. */
static size_t thin_ring(const double *xy, size_t n, double s, double ox, double oy, double tol,
                        double snap, float *out)
{
    double lx = snap_to(ox + xy[0] * s, snap), ly = snap_to(oy - xy[1] * s, snap);
    size_t i, m = 1;

    out[0] = (float)lx;
    out[1] = (float)ly;
    for (i = 1; i < n; i++) {
        double x = snap_to(ox + xy[2 * i] * s, snap), y = snap_to(oy - xy[2 * i + 1] * s, snap);
        if (fabs(x - lx) >= tol || fabs(y - ly) >= tol) {
            out[2 * m] = (float)x;
            out[2 * m + 1] = (float)y;
            m++;
            lx = x;
            ly = y;
        }
    }
    /* a closing point that repeats the first adds nothing */
    if (m > 3 && fabs(lx - out[0]) < tol && fabs(ly - out[1]) < tol)
        m--;
    if (m < 3 && n >= 3) {
        /* an area smaller than the tolerance still shows as a speck */
        size_t k, idx[3] = {0, n / 3, 2 * n / 3};
        for (k = 0; k < 3; k++) {
            out[2 * k] = (float)(ox + xy[2 * idx[k]] * s);
            out[2 * k + 1] = (float)(oy - xy[2 * idx[k] + 1] * s);
        }
        m = 3;
    }
    return m;
}

nm_status rn_dev_build(nm_ctx *ctx, const nm_map *map, const rn_layout *lay, const rn_shape *sh,
                       size_t n, double k, double tol, double snap, rn_dev *dev)
{
    const rn_store *st = &map->st;
    const nm_rect *mb = &lay->pub.map;
    double s = lay->mm_per_m * k, ox = lay->ax * k, oy = lay->ay * k;
    size_t i, r, npt = 0, nring = 0;

    memset(dev, 0, sizeof *dev);
    for (i = 0; i < n; i++) {
        nring += sh[i].nrings;
        npt += st->rs[sh[i].ring0 + sh[i].nrings] - st->rs[sh[i].ring0];
    }
    /* one allocation each: at most every source point survives */
    dev->sh = nm_calloc(n ? n : 1, sizeof *dev->sh);
    dev->xy = nm_malloc((npt ? npt : 1) * 2 * sizeof *dev->xy);
    dev->rlen = nm_malloc((nring ? nring : 1) * sizeof *dev->rlen);
    if (!dev->sh || !dev->xy || !dev->rlen) {
        rn_dev_free(dev);
        return nm_fail(ctx, NM_NOMEM, "out of memory");
    }
    dev->nsh = n;
    for (i = 0; i < n; i++) {
        const rn_shape *a = &sh[i];
        rn_devshape *d = &dev->sh[i];
        double x0 = lay->ax + a->bbox[0] * lay->mm_per_m, x1 = lay->ax + a->bbox[2] * lay->mm_per_m;
        double y0 = lay->ay - a->bbox[3] * lay->mm_per_m, y1 = lay->ay - a->bbox[1] * lay->mm_per_m;
        d->pt0 = dev->npt;
        d->ring0 = dev->nring;
        if (x1 < mb->x || x0 > mb->x + mb->w || y1 < mb->y || y0 > mb->y + mb->h)
            continue; /* off the map: culled */
        d->x0 = (float)(x0 * k);
        d->x1 = (float)(x1 * k);
        d->y0 = (float)(y0 * k);
        d->y1 = (float)(y1 * k);
        for (r = a->ring0; r < a->ring0 + a->nrings; r++) {
            size_t len = st->rs[r + 1] - st->rs[r];
            if (len < 2)
                continue;
            len = thin_ring(st->xy + 2 * st->rs[r], len, s, ox, oy, tol, snap,
                            dev->xy + 2 * dev->npt);
            dev->rlen[dev->nring++] = (uint32_t)len;
            dev->npt += len;
            d->nrings++;
        }
    }
    return NM_OK;
}

void rn_dev_free(rn_dev *dev)
{
    nm_free(dev->xy);
    nm_free(dev->rlen);
    nm_free(dev->sh);
    memset(dev, 0, sizeof *dev);
}

/* Appends the rings of shape i to the current path; returns its points. */
static size_t add_shape(cairo_t *cr, const rn_dev *dev, size_t i, int close)
{
    const rn_devshape *d = &dev->sh[i];
    const float *p = dev->xy + 2 * d->pt0;
    size_t r, j, total = 0;

    for (r = d->ring0; r < d->ring0 + d->nrings; r++) {
        uint32_t len = dev->rlen[r];
        cairo_move_to(cr, p[0], p[1]);
        for (j = 1; j < len; j++)
            cairo_line_to(cr, p[2 * j], p[2 * j + 1]);
        if (close)
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

    set_rgb(cr, MISSING_FILL);
    cairo_fill_preserve(cr);
    cairo_save(cr);
    cairo_clip(cr);
    /* lines at 45 degrees on a grid fixed to the page, so neighbouring
     * areas' hatching lines up */
    for (c = floor((x0 - h) / step) * step; c <= x1; c += step) {
        cairo_move_to(cr, c, y1);
        cairo_line_to(cr, c + h, y0);
    }
    set_rgb(cr, MISSING_HATCH);
    cairo_set_line_width(cr, HATCH_W_MM * k);
    cairo_stroke(cr);
    cairo_restore(cr);
}

static int meets_rows(const rn_devshape *d, double row0, double row1)
{
    return d->nrings > 0 && d->y1 >= row0 && d->y0 <= row1;
}

/* The outline colour of feature i. */
static uint32_t outline_rgb(const nm_map *map, size_t i)
{
    uint32_t fill = map->feat[i].flags & NM_MAP_MISSING ? MISSING_FILL : map->feat[i].rgb;

    if (map->opts.outline_darken > 0)
        return darken(fill, map->opts.outline_darken);
    return map->opts.outline_rgb;
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

/* Strokes the outlines of the features, batched by colour: one stroke per
 * colour (and per FLUSH_POINTS) rather than one per area. */
static void stroke_outlines(cairo_t *cr, const nm_map *map, const rn_dev *feat, double k,
                            double row0, double row1)
{
    keyed *order = nm_malloc((feat->nsh ? feat->nsh : 1) * sizeof *order);
    size_t i, n = 0, pts = 0;

    if (!order) {
        /* no memory to batch: stroke one by one */
        for (i = 0; i < feat->nsh; i++)
            if (meets_rows(&feat->sh[i], row0, row1)) {
                add_shape(cr, feat, i, 1);
                set_rgb(cr, outline_rgb(map, i));
                cairo_stroke(cr);
            }
        return;
    }
    for (i = 0; i < feat->nsh; i++)
        if (meets_rows(&feat->sh[i], row0, row1)) {
            order[n].key = outline_rgb(map, i);
            order[n++].i = (uint32_t)i;
        }
    qsort(order, n, sizeof *order, by_key);
    cairo_save(cr);
    if (map->opts.outline_mm * k < ALIASED_MAX_PX && k >= ALIASED_MIN_DPI / RN_MM_PER_INCH)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_line_width(cr, map->opts.outline_mm * k);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
    for (i = 0; i < n; i++) {
        pts += add_shape(cr, feat, order[i].i, 1);
        if (i + 1 == n || order[i + 1].key != order[i].key || pts > FLUSH_POINTS) {
            set_rgb(cr, order[i].key);
            cairo_stroke(cr);
            pts = 0;
        }
    }
    cairo_restore(cr);
    nm_free(order);
}

/* Strokes every overlay layer, in the order added. */
static void stroke_overlays(cairo_t *cr, const nm_map *map, const rn_dev *outl, double k,
                            double row0, double row1)
{
    size_t l, i, pts;

    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (l = 0; l < map->nlayers; l++) {
        set_rgb(cr, map->layers[l].rgb);
        cairo_set_line_width(cr, map->layers[l].width_mm * k);
        pts = 0;
        for (i = 0; i < outl->nsh; i++) {
            if (map->outl[i].layer != (int)l || !meets_rows(&outl->sh[i], row0, row1))
                continue;
            pts += add_shape(cr, outl, i, 1);
            if (pts > FLUSH_POINTS) {
                cairo_stroke(cr);
                pts = 0;
            }
        }
        cairo_stroke(cr);
    }
}

/* Vector output: each area filled and outlined with one path, which
 * cairo's PDF and SVG surfaces write once (PDF "B", one SVG <path>) rather
 * than twice. */
static void fill_stroke_each(cairo_t *cr, const nm_map *map, const rn_dev *feat, double k)
{
    size_t i;

    cairo_set_line_width(cr, map->opts.outline_mm * k);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
    for (i = 0; i < feat->nsh; i++) {
        const rn_devshape *d = &feat->sh[i];
        if (d->nrings == 0)
            continue;
        add_shape(cr, feat, i, 1);
        if (map->feat[i].flags & NM_MAP_MISSING) {
            fill_missing(cr, d->x0, d->y0, d->x1, d->y1, k);
            if (map->opts.outline_mm > 0)
                add_shape(cr, feat, i, 1);
        } else {
            set_rgb(cr, map->feat[i].rgb);
            if (map->opts.outline_mm > 0)
                cairo_fill_preserve(cr);
            else
                cairo_fill(cr);
        }
        if (map->opts.outline_mm > 0) {
            set_rgb(cr, outline_rgb(map, i));
            cairo_stroke(cr);
        }
    }
}

void rn_draw_geometry(cairo_t *cr, const nm_map *map, const rn_layout *lay, const rn_dev *feat,
                      const rn_dev *outl, double k, double row0, double row1, int vector)
{
    const nm_rect *mb = &lay->pub.map;
    size_t i;

    cairo_save(cr);
    cairo_rectangle(cr, mb->x * k, mb->y * k, mb->w * k, mb->h * k);
    cairo_clip(cr);
    /* even-odd: holes and self-crossing rings fill right whatever their
     * winding, as shapefiles and GeoJSON disagree on it */
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    if (vector) {
        fill_stroke_each(cr, map, feat, k);
    } else {
        for (i = 0; i < feat->nsh; i++) {
            const rn_devshape *d = &feat->sh[i];
            if (!meets_rows(d, row0, row1))
                continue;
            add_shape(cr, feat, i, 1);
            if (map->feat[i].flags & NM_MAP_MISSING) {
                fill_missing(cr, d->x0, d->y0, d->x1, d->y1, k);
            } else {
                set_rgb(cr, map->feat[i].rgb);
                cairo_fill(cr);
            }
        }
        /* raster: outlines after all fills, batched by colour */
        if (map->opts.outline_mm > 0)
            stroke_outlines(cr, map, feat, k, row0, row1);
    }
    stroke_overlays(cr, map, outl, k, row0, row1);
    cairo_restore(cr);
}

/* ---- text ---------------------------------------------------------------- */

/* Appends 'text' escaped for XML. */
static void xml_add(nm_buf *b, const char *text, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        switch (text[i]) {
        case '&': nm_buf_add(b, "&amp;", 5); break;
        case '<': nm_buf_add(b, "&lt;", 4); break;
        case '>': nm_buf_add(b, "&gt;", 4); break;
        case '"': nm_buf_add(b, "&quot;", 6); break;
        default: nm_buf_add(b, text + i, 1);
        }
    }
}

/* Writes a layout as SVG <text> elements, one per line, so that the text
 * stays text (cairo's SVG surface would write glyph outlines). */
static void svg_text(cairo_t *cr, rn_svgtext *svg, PangoLayout *lay, rn_font f, double x,
                     double y, int halo)
{
    PangoLayoutIter *it = pango_layout_get_iter(lay);
    const char *all = pango_layout_get_text(lay);
    double pt;
    int bold;
    uint32_t rgb;

    rn_font_info(f, &pt, &bold, &rgb);
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
        nm_buf_addf(&svg->buf,
                    "<text x=\"%.2f\" y=\"%.2f\" font-family=\"DejaVu Sans, sans-serif\" "
                    "font-size=\"%.2f\" font-weight=\"%s\" fill=\"#%06x\"",
                    ux, uy, pt, bold ? "bold" : "normal", (unsigned)rgb);
        if (halo)
            nm_buf_addf(&svg->buf, " stroke=\"#ffffff\" stroke-width=\"%.2f\" "
                                   "stroke-linejoin=\"round\" paint-order=\"stroke\"",
                        HALO_W_MM * RN_PT_PER_MM);
        nm_buf_addf(&svg->buf, " xml:space=\"preserve\">");
        xml_add(&svg->buf, all + line->start_index, (size_t)len);
        nm_buf_addf(&svg->buf, "</text>\n");
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

/* Draws a text with its top-left at (x, y) mm, wrapped at 'width' when
 * above 0, with a white halo when asked.  Returns nothing: cairo's status
 * is checked once per page. */
static void draw_text(cairo_t *cr, PangoContext *pc, rn_svgtext *svg, rn_font f, const char *text,
                      double x, double y, double width, int halo)
{
    PangoLayout *lay = rn_text(pc, f, text, width);
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
        rn_font_info(f, &pt, &bold, &rgb);
        set_rgb(cr, rgb);
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, lay);
    }
    g_object_unref(lay);
}

/* Width of a text in mm. */
static double text_w(PangoContext *pc, rn_font f, const char *text)
{
    PangoLayout *lay = rn_text(pc, f, text, 0);
    double w, h;

    rn_text_size(lay, &w, &h);
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
        set_rgb(cr, e->rgb);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x, y, RN_SWATCH_W, RN_SWATCH_H);
    set_rgb(cr, SWATCH_LINE_RGB);
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
        PangoLayout *t = rn_text(pc, RN_F_LEGEND, e->label, 0);
        double w, h;
        rn_text_size(t, &w, &h);
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

static void draw_scale_bar(cairo_t *cr, PangoContext *pc, const rn_layout *lay, rn_svgtext *svg)
{
    const nm_rect *b = &lay->pub.scale_bar;
    double len = lay->pub.scale_bar_m * lay->mm_per_m, bar_h = 1.6, y = b->y + b->h - bar_h;
    double x0 = b->x + 1; /* room for the "0" to centre on the end */
    int km = lay->pub.scale_bar_m >= 1000, i;
    char txt[3][32];
    double at[3] = {0, len / 2, len};

    for (i = 0; i < 4; i++) {
        cairo_rectangle(cr, x0 + i * len / 4, y, len / 4, bar_h);
        if (i % 2 == 0)
            set_rgb(cr, 0x1a1a1a);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x0, y, len, bar_h);
    for (i = 0; i < 3; i++) {
        cairo_move_to(cr, x0 + at[i], y);
        cairo_line_to(cr, x0 + at[i], y - 0.8);
    }
    set_rgb(cr, 0x1a1a1a);
    cairo_set_line_width(cr, 0.2);
    cairo_stroke(cr);
    fmt_length(txt[0], sizeof txt[0], 0, km, 0);
    fmt_length(txt[1], sizeof txt[1], lay->pub.scale_bar_m / 2, km, 0);
    fmt_length(txt[2], sizeof txt[2], lay->pub.scale_bar_m, km, 0);
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
    set_rgb(cr, 0x1a1a1a);
    cairo_fill(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, b->x + b->w, bot);
    cairo_line_to(cr, cx, notch);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    set_rgb(cr, 0x1a1a1a);
    cairo_set_line_width(cr, 0.25);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, b->x, bot);
    cairo_line_to(cr, cx, notch);
    cairo_close_path(cr);
    cairo_stroke(cr);
}

void rn_draw_furniture(cairo_t *cr, PangoContext *pc, const nm_map *map, const rn_layout *lay,
                       rn_svgtext *svg)
{
    const nm_map_layout *p = &lay->pub;
    size_t i;

    pango_cairo_update_context(cr, pc);
    for (i = 0; i < lay->nplaced; i++)
        draw_text(cr, pc, svg, RN_F_LABEL, map->labels[lay->placed[i].label].text,
                  lay->placed[i].x, lay->placed[i].y, 0, 1);
    cairo_rectangle(cr, p->map.x, p->map.y, p->map.w, p->map.h);
    set_rgb(cr, FRAME_RGB);
    cairo_set_line_width(cr, FRAME_W_MM);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);
    if (map->title)
        draw_text(cr, pc, svg, RN_F_TITLE, map->title, p->title.x, p->title.y, p->title.w, 0);
    if (map->subtitle)
        draw_text(cr, pc, svg, RN_F_SUBTITLE, map->subtitle, lay->subtitle.x, lay->subtitle.y,
                  lay->subtitle.w, 0);
    if (p->legend.w > 0)
        draw_legend(cr, pc, map, lay, svg);
    if (p->scale_bar.w > 0)
        draw_scale_bar(cr, pc, lay, svg);
    if (p->north_arrow.w > 0)
        draw_north_arrow(cr, pc, lay, svg);
    if (map->attribution)
        draw_text(cr, pc, svg, RN_F_ATTRIB, map->attribution, p->attribution.x, p->attribution.y,
                  p->attribution.w, 0);
}
