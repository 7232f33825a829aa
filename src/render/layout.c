/*
 * Page layout in millimetres: where the title, map, legend, scale bar,
 * north arrow and source line go, the map's scale, and where labels land
 * without colliding.  Sizes are physical, so a page laid out here measures
 * the same at 150 dpi, 300 dpi and in a PDF; drawing (draw.c) only follows
 * the boxes.  Text is measured with Pango in a context whose unit is the mm.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

static const struct {
    double pt;
    int bold;
    uint32_t rgb;
} fonts[RN_F_COUNT_OF_FONTS] = {
    [RN_F_TITLE] = {16, 1, 0x1a1a1a},     [RN_F_SUBTITLE] = {10.5, 0, 0x404040},
    [RN_F_LEGEND_TITLE] = {9, 1, 0x1a1a1a}, [RN_F_LEGEND] = {8, 0, 0x1a1a1a},
    [RN_F_COUNT] = {8, 0, 0x595959},     [RN_F_SCALE] = {7, 0, 0x1a1a1a},
    [RN_F_NORTH] = {9, 1, 0x1a1a1a},     [RN_F_LABEL] = {7.5, 1, 0x1a1a1a},
    [RN_F_ATTRIB] = {6.5, 0, 0x404040},
};

PangoContext *rn_pango_context(void)
{
    /* the default font map is per thread and shared by every context made
     * from it, so fontconfig is set up once */
    PangoFontMap *fm = pango_cairo_font_map_get_default();
    PangoContext *pc = pango_font_map_create_context(fm);
    cairo_font_options_t *fo;

    if (!pc)
        return NULL;
    pango_cairo_context_set_resolution(pc, RN_MM_PER_INCH); /* 1 unit = 1 mm */
    fo = cairo_font_options_create();
    /* hinted metrics and rounded glyph positions would change text widths
     * with the resolution */
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(pc, FALSE);
    return pc;
}

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A line may break after a hyphen (Unicode's rules), which split the
 * legend title "Quintile within Southend-on-Sea" as "Southend-" and
 * "on-Sea".  Words joined by hyphens, as place names are, are kept whole;
 * the text itself is left alone, so PDF and SVG still hold plain
 * hyphens. */
static void keep_hyphenated_words(PangoLayout *lay, const char *text)
{
    PangoAttrList *attrs = NULL;
    const char *p = text;

    while (*p) {
        const char *start = p, *q;
        int hyphens = 0;
        while (*p && *p != ' ' && *p != '\n')
            p++;
        for (q = start + 1; q + 1 < p; q++)
            hyphens += *q == '-' && is_word_byte((unsigned char)q[-1]) &&
                       is_word_byte((unsigned char)q[1]);
        if (hyphens) {
            PangoAttribute *a = pango_attr_allow_breaks_new(FALSE);
            if (!attrs)
                attrs = pango_attr_list_new();
            a->start_index = (guint)(start - text);
            a->end_index = (guint)(p - text);
            pango_attr_list_insert(attrs, a);
        }
        while (*p == ' ' || *p == '\n')
            p++;
    }
    if (attrs) {
        pango_layout_set_attributes(lay, attrs);
        pango_attr_list_unref(attrs);
    }
}

PangoLayout *rn_text(PangoContext *pc, rn_font font, const char *text, double width_mm)
{
    PangoLayout *lay = pango_layout_new(pc);
    PangoFontDescription *fd = pango_font_description_new();

    pango_font_description_set_family(fd, "DejaVu Sans,sans-serif");
    pango_font_description_set_size(fd, (gint)(fonts[font].pt * PANGO_SCALE));
    pango_font_description_set_weight(fd, fonts[font].bold ? PANGO_WEIGHT_BOLD
                                                            : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    if (width_mm > 0) {
        pango_layout_set_width(lay, (int)(width_mm * PANGO_SCALE));
        pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(lay, text ? text : "", -1);
    keep_hyphenated_words(lay, text ? text : "");
    return lay;
}

void rn_text_size(PangoLayout *lay, double *w, double *h)
{
    PangoRectangle log;

    pango_layout_get_extents(lay, NULL, &log);
    *w = (double)log.width / PANGO_SCALE;
    *h = (double)log.height / PANGO_SCALE;
}

void rn_font_info(rn_font font, double *pt, int *bold, uint32_t *rgb)
{
    *pt = fonts[font].pt;
    *bold = fonts[font].bold;
    *rgb = fonts[font].rgb;
}

/* Size of a text in one call. */
static void measure(PangoContext *pc, rn_font font, const char *text, double width_mm, double *w,
                    double *h)
{
    PangoLayout *lay = rn_text(pc, font, text, width_mm);

    rn_text_size(lay, w, h);
    g_object_unref(lay);
}

int rn_map_extent(const nm_map *map, double ext[4])
{
    size_t i;

    if (map->has_extent) {
        memcpy(ext, map->ext, sizeof map->ext);
        return 1;
    }
    if (map->nfeat == 0 && map->noutl == 0)
        return 0;
    ext[0] = ext[1] = INFINITY;
    ext[2] = ext[3] = -INFINITY;
    for (i = 0; i < map->nfeat + map->noutl; i++) {
        const rn_shape *s = i < map->nfeat ? &map->feat[i] : &map->outl[i - map->nfeat];
        ext[0] = fmin(ext[0], s->bbox[0]);
        ext[1] = fmin(ext[1], s->bbox[1]);
        ext[2] = fmax(ext[2], s->bbox[2]);
        ext[3] = fmax(ext[3], s->bbox[3]);
    }
    /* a single point or line still needs an area to show */
    if (ext[2] - ext[0] < 1) {
        ext[0] -= 50;
        ext[2] += 50;
    }
    if (ext[3] - ext[1] < 1) {
        ext[1] -= 50;
        ext[3] += 50;
    }
    return 1;
}

/* Text sizes that do not depend on the page. */
typedef struct meas {
    double *label_w, *count_w; /* per legend entry */
} meas;

static void meas_free(meas *m)
{
    nm_free(m->label_w);
    nm_free(m->count_w);
}

static nm_status measure_texts(nm_ctx *ctx, const nm_map *map, PangoContext *pc, meas *m)
{
    double h;
    size_t i;
    char num[32];

    m->label_w = nm_calloc(map->nlegend + 1, sizeof *m->label_w);
    m->count_w = nm_calloc(map->nlegend + 1, sizeof *m->count_w);
    if (!m->label_w || !m->count_w)
        return nm_fail(ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < map->nlegend; i++) {
        measure(pc, RN_F_LEGEND, map->legend[i].label, 0, &m->label_w[i], &h);
        if (map->legend[i].count >= 0) {
            snprintf(num, sizeof num, "(%ld)", map->legend[i].count);
            measure(pc, RN_F_COUNT, num, 0, &m->count_w[i], &h);
        }
    }
    return NM_OK;
}

/* Legend size with 'cols' columns, each as wide as its own entries.  OUT
 * w, h, title_h, and the columns' offsets and widths in lay. */
static void legend_size(const nm_map *map, PangoContext *pc, const meas *m, int cols, double *w,
                        double *h, double *title_h, rn_layout *lay)
{
    size_t rows = (map->nlegend + (size_t)cols - 1) / (size_t)cols, i;
    double tw = 0, th = 0, x = 0;
    int c;

    for (c = 0; c < cols; c++) {
        double lw = 0, cw = 0;
        for (i = (size_t)c * rows; i < (size_t)(c + 1) * rows && i < map->nlegend; i++) {
            lw = fmax(lw, m->label_w[i]);
            cw = fmax(cw, m->count_w[i]);
        }
        lay->legend_col_x[c] = x;
        lay->legend_col_w[c] = RN_SWATCH_W + RN_SWATCH_GAP + lw + (cw > 0 ? RN_COUNT_GAP + cw : 0);
        x += lay->legend_col_w[c] + RN_COL_GAP;
    }
    *w = map->nlegend ? x - RN_COL_GAP : 0;
    if (map->legend_title)
        measure(pc, RN_F_LEGEND_TITLE, map->legend_title, fmax(*w, 45.0), &tw, &th);
    *w = fmax(*w, tw);
    *title_h = th;
    *h = (th > 0 ? th + RN_LEG_TITLE_GAP : 0) + (rows > 0 ? (double)(rows - 1) * RN_ROW_H + RN_SWATCH_H : 0);
}

/* Lays out the page for one orientation and panel placement; returns the
 * map scale in mm per metre (0 when it does not fit). */
static double place(const nm_map *map, PangoContext *pc, const meas *m, const double ext[4],
                    int landscape, int bottom, rn_layout *lay)
{
    nm_map_layout *p = &lay->pub;
    double pw = map->paper == NM_PAPER_A3 ? 297 : 210, ph = map->paper == NM_PAPER_A3 ? 420 : 297;
    double top, foot_h = 0, w, h, leg_w = 0, leg_h = 0, leg_th = 0, band = 0, s, dw, dh;
    double sb_h = map->opts.scale_bar ? RN_SCALE_H : 0, na_h = map->opts.north_arrow ? RN_ARROW_H : 0;
    int cols = 1;

    memset(lay, 0, sizeof *lay);
    if (landscape) {
        double t = pw;
        pw = ph;
        ph = t;
    }
    p->page_w_mm = pw;
    p->page_h_mm = ph;
    p->orient = landscape ? NM_ORIENT_LANDSCAPE : NM_ORIENT_PORTRAIT;
    top = RN_MARGIN;
    if (map->title) {
        measure(pc, RN_F_TITLE, map->title, pw - 2 * RN_MARGIN, &w, &h);
        p->title = (nm_rect){RN_MARGIN, top, pw - 2 * RN_MARGIN, h};
        top += h;
    }
    if (map->subtitle) {
        top += map->title ? RN_TITLE_GAP : 0;
        measure(pc, RN_F_SUBTITLE, map->subtitle, pw - 2 * RN_MARGIN, &w, &h);
        lay->subtitle = (nm_rect){RN_MARGIN, top, pw - 2 * RN_MARGIN, h};
        top += h;
    }
    if (map->title || map->subtitle)
        top += RN_MAP_GAP;
    if (map->attribution) {
        measure(pc, RN_F_ATTRIB, map->attribution, pw - 2 * RN_MARGIN, &w, &foot_h);
        p->attribution = (nm_rect){RN_MARGIN, ph - RN_MARGIN - foot_h, pw - 2 * RN_MARGIN, foot_h};
        foot_h += RN_FOOT_GAP;
    }
    if (bottom) {
        /* as few columns as keep the band low, as long as they fit beside
         * the scale bar */
        for (cols = 1; cols < RN_MAX_COLS; cols++) {
            legend_size(map, pc, m, cols, &leg_w, &leg_h, &leg_th, lay);
            if (leg_h <= RN_BOTTOM_LEGEND_MAX_H)
                break;
        }
        while (cols > 1 && leg_w > pw - 2 * RN_MARGIN - RN_SCALE_BLOCK_W - RN_PANEL_GAP)
            legend_size(map, pc, m, --cols, &leg_w, &leg_h, &leg_th, lay);
        band = fmax(leg_h, na_h + (na_h > 0 && sb_h > 0 ? 3 : 0) + sb_h);
        p->map = (nm_rect){RN_MARGIN, top, pw - 2 * RN_MARGIN,
                           ph - top - RN_MARGIN - foot_h - (band > 0 ? band + RN_MAP_GAP : 0)};
        p->legend = (nm_rect){RN_MARGIN, p->map.y + p->map.h + RN_MAP_GAP, leg_w, leg_h};
        if (sb_h > 0)
            p->scale_bar = (nm_rect){pw - RN_MARGIN - RN_SCALE_BLOCK_W, p->legend.y + band - sb_h,
                                     RN_SCALE_BLOCK_W, sb_h};
        if (na_h > 0)
            p->north_arrow = (nm_rect){pw - RN_MARGIN - RN_ARROW_W, p->legend.y, RN_ARROW_W, RN_ARROW_H};
    } else {
        double panel_w;
        legend_size(map, pc, m, 1, &leg_w, &leg_h, &leg_th, lay);
        panel_w = fmax(leg_w, sb_h > 0 ? RN_SCALE_BLOCK_W : RN_ARROW_W);
        p->map = (nm_rect){RN_MARGIN, top, pw - 2 * RN_MARGIN - RN_PANEL_GAP - panel_w,
                           ph - top - RN_MARGIN - foot_h};
        p->legend = (nm_rect){p->map.x + p->map.w + RN_PANEL_GAP, top, leg_w, leg_h};
        if (sb_h > 0)
            p->scale_bar = (nm_rect){p->legend.x, p->map.y + p->map.h - sb_h, RN_SCALE_BLOCK_W, sb_h};
        if (na_h > 0)
            p->north_arrow = (nm_rect){p->legend.x, p->map.y + p->map.h - sb_h - (sb_h > 0 ? 5 : 0) - na_h,
                                       RN_ARROW_W, RN_ARROW_H};
        if (leg_h + 4 + na_h + sb_h + 5 > p->map.h)
            return 0;
    }
    if (map->nlegend == 0 && !map->legend_title)
        p->legend = (nm_rect){0, 0, 0, 0};
    lay->legend_cols = cols;
    lay->legend_rows = (int)((map->nlegend + (size_t)cols - 1) / (size_t)cols);
    lay->legend_title_h = leg_th;
    lay->legend_row_h = RN_ROW_H;
    if (map->nlegend > 0)
        p->legend_swatch0 = (nm_rect){p->legend.x, p->legend.y + (leg_th > 0 ? leg_th + RN_LEG_TITLE_GAP : 0),
                                      RN_SWATCH_W, RN_SWATCH_H};
    dw = p->map.w - 2 * RN_MAP_PAD;
    dh = p->map.h - 2 * RN_MAP_PAD;
    if (dw <= 10 || dh <= 10)
        return 0;
    s = fmin(dw / (ext[2] - ext[0]), dh / (ext[3] - ext[1]));
    memcpy(lay->ext, ext, sizeof lay->ext);
    lay->mm_per_m = s;
    lay->ax = p->map.x + p->map.w / 2 - (ext[0] + ext[2]) / 2 * s;
    lay->ay = p->map.y + p->map.h / 2 + (ext[1] + ext[3]) / 2 * s;
    p->scale = 1000 / s;
    return s;
}

/* The longest round length (1, 2 or 5 times a power of ten metres) whose
 * bar is at most 'max_mm' long. */
static double round_length(double mm_per_m, double max_mm)
{
    double m = max_mm / mm_per_m, p = pow(10, floor(log10(m)));

    if (5 * p <= m)
        return 5 * p;
    if (2 * p <= m)
        return 2 * p;
    return p;
}

static int overlaps(const nm_rect *a, const nm_rect *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static int inside(const nm_rect *in, const nm_rect *box)
{
    return in->x >= box->x && in->y >= box->y && in->x + in->w <= box->x + box->w &&
           in->y + in->h <= box->y + box->h;
}

/* A label to place and the size of its area (its inscribed radius). */
typedef struct ranked {
    double r;
    size_t i;
} ranked;

static int by_radius(const void *a, const void *b)
{
    double ra = ((const ranked *)a)->r, rb = ((const ranked *)b)->r;
    return ra < rb ? 1 : ra > rb ? -1 : 0;
}

/* Places labels largest area first; a label that would overlap a placed
 * one is shifted within its polygon's inscribed circle, or left out. */
static nm_status place_labels(nm_ctx *ctx, const nm_map *map, PangoContext *pc, rn_layout *lay)
{
    static const double shifts[][2] = {{0, 0},     {0, -0.6}, {0, 0.6},  {-0.35, 0}, {0.35, 0},
                                       {-0.35, -0.6}, {0.35, -0.6}, {-0.35, 0.6}, {0.35, 0.6}};
    nm_rect *boxes = NULL;
    ranked *order = NULL;
    size_t i, k;
    nm_status rc = NM_OK;

    if (map->nlabels == 0)
        return NM_OK;
    order = nm_malloc(map->nlabels * sizeof *order);
    boxes = nm_malloc(map->nlabels * sizeof *boxes);
    lay->placed = nm_malloc(map->nlabels * sizeof *lay->placed);
    if (!order || !boxes || !lay->placed) {
        rc = nm_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < map->nlabels; i++) {
        order[i].r = map->labels[i].radius;
        order[i].i = i;
    }
    qsort(order, map->nlabels, sizeof *order, by_radius);
    for (i = 0; i < map->nlabels; i++) {
        const rn_label *l = &map->labels[order[i].i];
        double w, h, cx = lay->ax + l->x * lay->mm_per_m, cy = lay->ay - l->y * lay->mm_per_m;
        double r = l->radius * lay->mm_per_m;
        measure(pc, RN_F_LABEL, l->text, 0, &w, &h);
        if (r < h / 2) /* the area is thinner than the text: the label would hide it */
            continue;
        for (k = 0; k < sizeof shifts / sizeof shifts[0]; k++) {
            double dx = shifts[k][0] * w, dy = shifts[k][1] * h;
            nm_rect b = {cx + dx - w / 2 - RN_LABEL_HALO, cy + dy - h / 2 - RN_LABEL_HALO,
                         w + 2 * RN_LABEL_HALO, h + 2 * RN_LABEL_HALO};
            size_t j;
            if (sqrt(dx * dx + dy * dy) > 0.7 * r || !inside(&b, &lay->pub.map))
                continue;
            for (j = 0; j < lay->nplaced && !overlaps(&b, &boxes[j]); j++)
                ;
            if (j < lay->nplaced)
                continue;
            boxes[lay->nplaced] = b;
            lay->placed[lay->nplaced].label = order[i].i;
            lay->placed[lay->nplaced].x = b.x + RN_LABEL_HALO;
            lay->placed[lay->nplaced].y = b.y + RN_LABEL_HALO;
            lay->nplaced++;
            break;
        }
    }
    lay->pub.labels_placed = (int)lay->nplaced;

cleanup:
    nm_free(order);
    nm_free(boxes);
    return rc;
}

/* The PNG georeference of the page at the map's dpi. */
static void georef(const nm_map *map, rn_layout *lay)
{
    nm_map_layout *p = &lay->pub;
    double px_per_mm = map->dpi / RN_MM_PER_INCH;

    p->dpi = map->dpi;
    p->width_px = lround(p->page_w_mm * px_per_mm);
    p->height_px = lround(p->page_h_mm * px_per_mm);
    p->pixel_size = 1 / (lay->mm_per_m * px_per_mm);
    /* page mm = ax + X s, so X = (mm - ax) / s at the pixel's centre */
    p->origin_x = (0.5 / px_per_mm - lay->ax) / lay->mm_per_m;
    p->origin_y = (lay->ay - 0.5 / px_per_mm) / lay->mm_per_m;
}

/* Moves a box by (dx, dy); an empty box stays at 0. */
static void shift(nm_rect *r, double dx, double dy)
{
    if (r->w > 0) {
        r->x += dx;
        r->y += dy;
    }
}

/* Shrinks the map box to the data on the axis with room to spare, so that
 * the frame hugs the map and the panel stays beside it. */
static void hug_data(rn_layout *lay, int bottom)
{
    nm_map_layout *p = &lay->pub;
    double s = lay->mm_per_m;
    double dw = (lay->ext[2] - lay->ext[0]) * s + 2 * RN_MAP_PAD;
    double dh = (lay->ext[3] - lay->ext[1]) * s + 2 * RN_MAP_PAD;
    double slack_w = p->map.w - dw, slack_h = p->map.h - dh;

    if (bottom && slack_h > 0.5) {
        p->map.h = dh;
        shift(&p->legend, 0, -slack_h);
        shift(&p->legend_swatch0, 0, -slack_h);
        shift(&p->scale_bar, 0, -slack_h);
        shift(&p->north_arrow, 0, -slack_h);
    } else if (!bottom) {
        if (slack_w > 0.5) {
            p->map.w = dw;
            shift(&p->legend, -slack_w, 0);
            shift(&p->legend_swatch0, -slack_w, 0);
            shift(&p->scale_bar, -slack_w, 0);
            shift(&p->north_arrow, -slack_w, 0);
        }
        /* the arrow and bar sit at the map's foot: keep them below the legend */
        if (slack_h > 0.5) {
            double room = p->north_arrow.w > 0 ? p->north_arrow.y - (p->legend.y + p->legend.h + 4)
                                               : p->scale_bar.y - (p->legend.y + p->legend.h + 4);
            double up = fmin(slack_h, fmax(room, 0));
            p->map.h -= up;
            shift(&p->scale_bar, 0, -up);
            shift(&p->north_arrow, 0, -up);
        }
    }
    lay->ax = p->map.x + p->map.w / 2 - (lay->ext[0] + lay->ext[2]) / 2 * s;
    lay->ay = p->map.y + p->map.h / 2 + (lay->ext[1] + lay->ext[3]) / 2 * s;
}

nm_status rn_layout_compute(nm_ctx *ctx, const nm_map *map, PangoContext *pc, rn_layout *lay)
{
    double ext[4], best = -1, s;
    int land, bottom, best_land = 0, best_bottom = 1;
    meas m = {0};
    nm_status rc = NM_OK;

    memset(lay, 0, sizeof *lay);
    if (!rn_map_extent(map, ext))
        return nm_fail(ctx, NM_USAGE, "the map has no features and no extent");
    if ((rc = measure_texts(ctx, map, pc, &m)) != NM_OK)
        goto cleanup;
    for (land = 0; land < 2; land++) {
        if ((land && map->orient == NM_ORIENT_PORTRAIT) ||
            (!land && map->orient == NM_ORIENT_LANDSCAPE))
            continue;
        for (bottom = 0; bottom < 2; bottom++) {
            s = place(map, pc, &m, ext, land, bottom, lay);
            /* a near tie goes to the first tried: portrait, side panel */
            if (s > best * 1.02) {
                best = s;
                best_land = land;
                best_bottom = bottom;
            }
        }
    }
    if (place(map, pc, &m, ext, best_land, best_bottom, lay) <= 0) {
        rc = nm_fail(ctx, NM_USAGE, "the legend does not leave room for the map on the page");
        goto cleanup;
    }
    hug_data(lay, best_bottom);
    if (map->opts.scale_bar)
        lay->pub.scale_bar_m = round_length(lay->mm_per_m, fmin(RN_SCALE_MAX, lay->pub.map.w / 3));
    georef(map, lay);
    rc = place_labels(ctx, map, pc, lay);

cleanup:
    meas_free(&m);
    return rc;
}

void rn_layout_free(rn_layout *lay)
{
    nm_free(lay->placed);
    lay->placed = NULL;
    lay->nplaced = 0;
}

nm_status nm_map_layout_get(nm_ctx *ctx, nm_map *map, nm_map_layout *out)
{
    PangoContext *pc;
    rn_layout lay;
    nm_status rc;

    nm_clear(ctx);
    pc = rn_pango_context();
    if (!pc)
        return nm_fail(ctx, NM_NOMEM, "cannot create a text context");
    rc = rn_layout_compute(ctx, map, pc, &lay);
    if (rc == NM_OK)
        *out = lay.pub;
    rn_layout_free(&lay);
    g_object_unref(pc);
    return rc;
}

nm_status rn_layout_box(nm_ctx *ctx, const nm_map *map, PangoContext *pc, const nm_rect *box,
                        rn_layout *lay)
{
    nm_map_layout *p = &lay->pub;
    double ext[4], leg_w = 0, leg_h = 0, leg_th = 0, panel_w = 0, s, dw, dh;
    double sb_h = map->opts.scale_bar ? RN_SCALE_H : 0;
    meas m = {0};
    nm_status rc = NM_OK;

    memset(lay, 0, sizeof *lay);
    if (!rn_map_extent(map, ext))
        return nm_fail(ctx, NM_USAGE, "the map has no features and no extent");
    if ((rc = measure_texts(ctx, map, pc, &m)) != NM_OK)
        goto cleanup;
    p->page_w_mm = box->x + box->w;
    p->page_h_mm = box->y + box->h;
    p->orient = NM_ORIENT_PORTRAIT;
    /* the legend and scale bar beside the map, as a side panel */
    if (map->nlegend > 0 || map->legend_title) {
        legend_size(map, pc, &m, 1, &leg_w, &leg_h, &leg_th, lay);
        panel_w = fmax(leg_w, sb_h > 0 ? RN_SCALE_BLOCK_W : 0) + RN_PANEL_GAP;
    } else if (sb_h > 0) {
        panel_w = RN_SCALE_BLOCK_W + RN_PANEL_GAP;
    }
    p->map = (nm_rect){box->x, box->y, box->w - panel_w, box->h};
    if (leg_w > 0 || leg_th > 0)
        p->legend = (nm_rect){p->map.x + p->map.w + RN_PANEL_GAP, box->y, leg_w, leg_h};
    if (sb_h > 0)
        p->scale_bar = (nm_rect){p->map.x + p->map.w + RN_PANEL_GAP, box->y + box->h - sb_h,
                                 RN_SCALE_BLOCK_W, sb_h};
    lay->legend_cols = 1;
    lay->legend_rows = (int)map->nlegend;
    lay->legend_title_h = leg_th;
    lay->legend_row_h = RN_ROW_H;
    if (map->nlegend > 0)
        p->legend_swatch0 = (nm_rect){p->legend.x, p->legend.y + (leg_th > 0 ? leg_th + RN_LEG_TITLE_GAP : 0),
                                      RN_SWATCH_W, RN_SWATCH_H};
    dw = p->map.w - 2 * RN_MAP_PAD;
    dh = p->map.h - 2 * RN_MAP_PAD;
    if (dw <= 10 || dh <= 10 || leg_h > box->h) {
        rc = nm_fail(ctx, NM_USAGE, "a %.0f x %.0f mm box leaves no room for the map", box->w,
                     box->h);
        goto cleanup;
    }
    s = fmin(dw / (ext[2] - ext[0]), dh / (ext[3] - ext[1]));
    memcpy(lay->ext, ext, sizeof lay->ext);
    lay->mm_per_m = s;
    p->scale = 1000 / s;
    /* centred in the box; the frame hugs the data across */
    hug_data(lay, 0);
    if (map->opts.scale_bar)
        p->scale_bar_m = round_length(lay->mm_per_m, fmin(RN_SCALE_MAX, p->map.w / 3));
    georef(map, lay);
    rc = place_labels(ctx, map, pc, lay);

cleanup:
    meas_free(&m);
    return rc;
}
