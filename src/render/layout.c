/*
 * Page layout in millimetres: where the title, map, legend, scale bar,
 * north arrow and source line go, the map's scale, and where labels land
 * without colliding.  Sizes are physical, so a page laid out here measures
 * the same at 150 dpi, 300 dpi and in a PDF; drawing (furniture.c) only follows
 * the boxes.  Text is measured with Pango in a context whose unit is the mm.
 */
#include <math.h>
#include <stdio.h>
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

PangoContext *nmR_pango_context(const char *family)
{
    /* the default font map is per thread and shared by every context made
     * from it, so fontconfig is set up once */
    PangoFontMap *fm = pango_cairo_font_map_get_default();
    PangoContext *pc = pango_font_map_create_context(fm);
    PangoFontDescription *fd;
    cairo_font_options_t *fo;

    if (!pc)
        return NULL;
    /* the family rides on the context, so that every text made from it
     * (nmR_rn_text, the report pages) is in the figure's font */
    fd = pango_font_description_new();
    pango_font_description_set_family(fd, nmR_font_family(family));
    pango_context_set_font_description(pc, fd);
    pango_font_description_free(fd);
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

const char *nmR_context_family(PangoContext *pc)
{
    const char *f = pango_font_description_get_family(pango_context_get_font_description(pc));

    return nmR_font_family(f);
}

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A line may break after a hyphen (Unicode's rules), which split the
 * legend title "Quintile within Southend-on-Sea" as "Southend-" and
 * "on-Sea", and between "per" and "1,000".  Words joined by hyphens, as
 * place names are, and "per N" are kept whole; the text itself is left
 * alone, so PDF and SVG still hold plain hyphens and spaces. */
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
        /* "per 1,000" is one unit: a legend title broke as "rate per" and
         * "1,000" */
        if (p - start == 3 && strncmp(start, "per", 3) == 0 && p[0] == ' ' && p[1] >= '0' &&
            p[1] <= '9') {
            p++;
            while (*p && *p != ' ' && *p != '\n')
                p++;
            hyphens = 1;
        }
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

/* The text scale rides on the context, as the family does, so that the
 * layout and the drawing of one page agree on it. */
#define TEXT_SCALE_KEY "needsmap-text-scale"

void nmR_set_text_scale(PangoContext *pc, double k)
{
    g_object_set_data(G_OBJECT(pc), TEXT_SCALE_KEY, GINT_TO_POINTER((int)lround(k * 1000)));
}

double nmR_text_scale(PangoContext *pc)
{
    int v = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(pc), TEXT_SCALE_KEY));

    return v > 0 ? v / 1000.0 : 1;
}

PangoLayout *nmR_rn_text(PangoContext *pc, rn_font font, const char *text, double width_mm)
{
    /* labels have sizes of their own (label_pt), chosen by the caller */
    double k = font == RN_F_LABEL ? 1 : nmR_text_scale(pc);

    return nmR_text_pt(pc, font, fonts[font].pt * k, text, width_mm);
}

PangoLayout *nmR_text_pt(PangoContext *pc, rn_font font, double pt, const char *text,
                        double width_mm)
{
    PangoLayout *lay = pango_layout_new(pc);
    PangoFontDescription *fd = pango_font_description_new();

    /* the figure's family, then fontconfig's sans for glyphs it lacks */
    char family[NM_FONT_MAX + 16];

    snprintf(family, sizeof family, "%s,sans-serif", nmR_context_family(pc));
    pango_font_description_set_family(fd, family);
    pango_font_description_set_size(fd, (gint)(pt * PANGO_SCALE));
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

void nmR_text_size(PangoLayout *lay, double *w, double *h)
{
    PangoRectangle log;

    pango_layout_get_extents(lay, NULL, &log);
    *w = (double)log.width / PANGO_SCALE;
    *h = (double)log.height / PANGO_SCALE;
}

void nmR_font_info(rn_font font, double *pt, int *bold, uint32_t *rgb)
{
    *pt = fonts[font].pt;
    *bold = fonts[font].bold;
    *rgb = fonts[font].rgb;
}

/* Text sizes are kept with the thread's font map (Pango's default is one
 * per thread and lives as long as it): a map's layout is tried at several
 * text sizes and computed again when it is drawn, and a build's worker
 * lays out the same legend rows, titles and names for map after map;
 * shaping them each time was a tenth of an atlas map's time. */
#define TEXT_SIZES_KEY "needsmap-text-sizes"
#define TEXT_SIZES_MAX 16384

static GHashTable *text_sizes(PangoContext *pc)
{
    GObject *fm = G_OBJECT(pango_context_get_font_map(pc));
    GHashTable *t;

    if (!fm)
        return NULL;
    t = g_object_get_data(fm, TEXT_SIZES_KEY);
    if (!t) {
        t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_object_set_data_full(fm, TEXT_SIZES_KEY, t, (GDestroyNotify)g_hash_table_destroy);
    }
    return t;
}

/* The size of 'text' as nmR_text_pt() would lay it out.  OUT w, h. */
static void text_size_pt(PangoContext *pc, rn_font font, double pt, const char *text,
                         double width_mm, double *w, double *h)
{
    GHashTable *t = text_sizes(pc);
    char *key = g_strdup_printf("%s\x1f%d\x1f%d\x1f%d\x1f%s", nmR_context_family(pc), (int)font,
                                (int)(pt * PANGO_SCALE), width_mm > 0 ? (int)(width_mm * PANGO_SCALE) : 0,
                                text ? text : "");
    double *v = t ? g_hash_table_lookup(t, key) : NULL;
    PangoLayout *lay;

    if (v) {
        *w = v[0];
        *h = v[1];
        g_free(key);
        return;
    }
    lay = nmR_text_pt(pc, font, pt, text, width_mm);
    nmR_text_size(lay, w, h);
    g_object_unref(lay);
    if (!t) {
        g_free(key);
        return;
    }
    if (g_hash_table_size(t) >= TEXT_SIZES_MAX)
        g_hash_table_remove_all(t);
    v = g_new(double, 2);
    v[0] = *w;
    v[1] = *h;
    g_hash_table_insert(t, key, v);
}

/* Size of a text in one call. */
static void measure(PangoContext *pc, rn_font font, const char *text, double width_mm, double *w,
                    double *h)
{
    double k = font == RN_F_LABEL ? 1 : nmR_text_scale(pc);

    text_size_pt(pc, font, fonts[font].pt * k, text, width_mm, w, h);
}

int nmR_map_extent(const nm_map *map, double ext[4])
{
    size_t i;

    if (map->has_extent) {
        memcpy(ext, map->ext, sizeof map->ext);
        return 1;
    }
    ext[0] = ext[1] = INFINITY;
    ext[2] = ext[3] = -INFINITY;
    for (i = 0; i < map->nfeat + map->noutl; i++) {
        const rn_shape *s = i < map->nfeat ? &map->feat[i] : &map->outl[i - map->nfeat];
        if (s->flags & NM_MAP_CONTEXT)
            continue;
        ext[0] = fmin(ext[0], s->bbox[0]);
        ext[1] = fmin(ext[1], s->bbox[1]);
        ext[2] = fmax(ext[2], s->bbox[2]);
        ext[3] = fmax(ext[3], s->bbox[3]);
    }
    if (!(ext[2] >= ext[0]))
        return 0; /* nothing but context */
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
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < map->nlegend; i++) {
        measure(pc, RN_F_LEGEND, map->legend[i].label, 0, &m->label_w[i], &h);
        if (map->legend[i].count >= 0) {
            snprintf(num, sizeof num, "(%ld)", map->legend[i].count);
            measure(pc, RN_F_COUNT, num, 0, &m->count_w[i], &h);
        }
    }
    return NM_OK;
}

/* Legend size with 'cols' columns, each as wide as its own entries, its
 * title wrapped within 'max_w' where it can (0: no limit).  OUT w, h,
 * title_h, and the columns' offsets and widths in lay. */
static void legend_size(const nm_map *map, PangoContext *pc, const meas *m, int cols, double max_w,
                        double *w, double *h, double *title_h, rn_layout *lay)
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
    /* the title wraps at 45 mm or the entries' width, narrower where the
     * page has less room (max_w > 0), never narrower than the entries */
    if (map->legend_title)
        measure(pc, RN_F_LEGEND_TITLE, map->legend_title,
                max_w > 0 ? fmax(*w, fmin(fmax(*w, 45.0), max_w)) : fmax(*w, 45.0), &tw, &th);
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
    double mg = map->opts.margin_mm;
    /* a legend inside the frame, or none, leaves the map the whole box */
    int outside = map->opts.legend_pos != NM_LEGEND_INSIDE && map->opts.legend_pos != NM_LEGEND_NONE;
    double top, foot_h = 0, w, h, leg_w = 0, leg_h = 0, leg_th = 0, band = 0, s, dw, dh;
    double sb_h = map->opts.scale_bar ? RN_SCALE_H : 0, na_h = map->opts.north_arrow ? RN_ARROW_H : 0;
    int cols = 1;

    memset(lay, 0, sizeof *lay);
    if (map->paper == NM_PAPER_CUSTOM) {
        pw = map->size_mm[0];
        ph = map->size_mm[1];
    } else if (landscape) {
        double t = pw;
        pw = ph;
        ph = t;
    }
    p->page_w_mm = pw;
    p->page_h_mm = ph;
    p->orient = landscape ? NM_ORIENT_LANDSCAPE : NM_ORIENT_PORTRAIT;
    top = mg;
    if (map->title) {
        measure(pc, RN_F_TITLE, map->title, pw - 2 * mg, &w, &h);
        p->title = (nm_rect){mg, top, pw - 2 * mg, h};
        top += h;
    }
    if (map->subtitle) {
        top += map->title ? RN_TITLE_GAP : 0;
        measure(pc, RN_F_SUBTITLE, map->subtitle, pw - 2 * mg, &w, &h);
        lay->subtitle = (nm_rect){mg, top, pw - 2 * mg, h};
        top += h;
    }
    if (map->title || map->subtitle)
        top += RN_MAP_GAP;
    if (map->attribution) {
        measure(pc, RN_F_ATTRIB, map->attribution, pw - 2 * mg, &w, &foot_h);
        p->attribution = (nm_rect){mg, ph - mg - foot_h, pw - 2 * mg, foot_h};
        foot_h += RN_FOOT_GAP;
    }
    if (!outside) {
        p->map = (nm_rect){mg, top, pw - 2 * mg, ph - top - mg - foot_h};
        if (map->opts.legend_pos == NM_LEGEND_INSIDE && (map->nlegend > 0 || map->legend_title)) {
            /* the legend, on 2 mm of white, and the bar's block must fit the
             * frame together, side by side or one above the other */
            double bh = na_h + (na_h > 0 && sb_h > 0 ? 3 : 0) + sb_h, bw = bh > 0 ? RN_SCALE_BLOCK_W + 4 : 0;
            legend_size(map, pc, m, 1, 0.5 * p->map.w, &leg_w, &leg_h, &leg_th, lay);
            if (leg_w + 10 > p->map.w || leg_h + 10 > p->map.h ||
                (leg_w + 10 + bw > p->map.w && leg_h + 10 + (bh > 0 ? bh + 4 : 0) > p->map.h))
                return 0;
            leg_w = leg_h = leg_th = 0;
        }
    } else if (bottom) {
        /* as few columns as keep the band low, as long as they fit beside
         * the scale bar */
        for (cols = 1; cols < RN_MAX_COLS; cols++) {
            legend_size(map, pc, m, cols, pw - 2 * mg, &leg_w, &leg_h, &leg_th, lay);
            if (leg_h <= RN_BOTTOM_LEGEND_MAX_H)
                break;
        }
        while (cols > 1 && leg_w > pw - 2 * mg - RN_SCALE_BLOCK_W - RN_PANEL_GAP)
            legend_size(map, pc, m, --cols, pw - 2 * mg, &leg_w, &leg_h, &leg_th, lay);
        double bw = RN_SCALE_BLOCK_W, row_h = 0;
        if (leg_w > pw - 2 * mg)
            return 0; /* an entry wider than the page */
        /* a narrow page: the block only as wide as the longest bar the
         * frame allows and its "km"; still no room beside the legend, the
         * arrow and bar go side by side under it, never over its counts */
        if (leg_w > pw - 2 * mg - bw - RN_PANEL_GAP && sb_h + na_h > 0) {
            bw = fmax(na_h > 0 ? RN_ARROW_W : 0, sb_h > 0 ? fmin(RN_SCALE_MAX, (pw - 2 * mg) / 3) + 9 : 0);
            if (leg_w > pw - 2 * mg - bw - RN_PANEL_GAP)
                row_h = fmax(na_h, sb_h);
        }
        band = row_h > 0 ? leg_h + 3 + row_h : fmax(leg_h, na_h + (na_h > 0 && sb_h > 0 ? 3 : 0) + sb_h);
        p->map = (nm_rect){mg, top, pw - 2 * mg,
                           ph - top - mg - foot_h - (band > 0 ? band + RN_MAP_GAP : 0)};
        p->legend = (nm_rect){mg, p->map.y + p->map.h + RN_MAP_GAP, leg_w, leg_h};
        if (row_h > 0) {
            double bar_w = sb_h > 0 ? bw : 0;
            if (sb_h > 0)
                p->scale_bar = (nm_rect){pw - mg - bar_w, p->legend.y + band - sb_h, bar_w, sb_h};
            if (na_h > 0)
                p->north_arrow = (nm_rect){pw - mg - bar_w - (sb_h > 0 ? 3 : 0) - RN_ARROW_W,
                                           p->legend.y + band - na_h, RN_ARROW_W, RN_ARROW_H};
        } else {
            if (sb_h > 0)
                p->scale_bar = (nm_rect){pw - mg - bw, p->legend.y + band - sb_h, bw, sb_h};
            if (na_h > 0)
                p->north_arrow = (nm_rect){pw - mg - RN_ARROW_W, p->legend.y, RN_ARROW_W, RN_ARROW_H};
        }
    } else {
        double panel_w;
        /* the panel takes at most 40% of a narrow page where the title can wrap */
        legend_size(map, pc, m, 1, 0.4 * (pw - 2 * mg), &leg_w, &leg_h, &leg_th, lay);
        panel_w = fmax(leg_w, sb_h > 0 ? RN_SCALE_BLOCK_W : RN_ARROW_W);
        p->map = (nm_rect){mg, top, pw - 2 * mg - RN_PANEL_GAP - panel_w,
                           ph - top - mg - foot_h};
        p->legend = (nm_rect){p->map.x + p->map.w + RN_PANEL_GAP, top, leg_w, leg_h};
        if (sb_h > 0)
            p->scale_bar = (nm_rect){p->legend.x, p->map.y + p->map.h - sb_h, RN_SCALE_BLOCK_W, sb_h};
        if (na_h > 0)
            p->north_arrow = (nm_rect){p->legend.x, p->map.y + p->map.h - sb_h - (sb_h > 0 ? 5 : 0) - na_h,
                                       RN_ARROW_W, RN_ARROW_H};
        if (leg_h + 4 + na_h + sb_h + 5 > p->map.h)
            return 0;
    }
    if ((map->nlegend == 0 && !map->legend_title) || !outside)
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
double nmR_round_length(double mm_per_m, double max_mm)
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

/* A label to place: own areas first, then by the size of the area (its
 * inscribed radius). */
typedef struct ranked {
    int own;
    int first; /* left out by an earlier run: placed before the others, the
                  latest left out first */
    double r;
    size_t i;
} ranked;

static int by_rank(const void *a, const void *b)
{
    const ranked *x = a, *y = b;

    if (x->own != y->own)
        return x->own ? -1 : 1;
    if (x->first != y->first)
        return x->first > y->first ? -1 : 1;
    if (x->r != y->r)
        return x->r < y->r ? 1 : -1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The boxes of placed names and the leader lines, found through a grid of
 * cells over the map box so that a map naming thousands of LSOAs checks
 * each candidate against its neighbours only. */
#define GRID_MM 6.0
typedef struct cell_ent {
    size_t box;
    size_t next; /* index + 1 of the next entry of the cell; 0 ends */
} cell_ent;

typedef struct lab_index {
    const nm_rect *frame;
    int nx, ny;
    size_t *head; /* per cell: entry index + 1; 0 empty */
    cell_ent *ent;
    size_t nent, cap_ent;
    nm_rect *box;
    size_t nbox;
    double (*seg)[4]; /* leader lines */
    size_t nseg, cap_seg;
    size_t *seen; /* per box: the query that last looked at it */
    size_t query;
    const double (*pin)[2]; /* every label's point on the page, for a map of few names */
    size_t npin;
} lab_index;

static int cell_range(const lab_index *ix, const nm_rect *b, int c[4])
{
    c[0] = (int)floor((b->x - ix->frame->x) / GRID_MM);
    c[1] = (int)floor((b->y - ix->frame->y) / GRID_MM);
    c[2] = (int)floor((b->x + b->w - ix->frame->x) / GRID_MM);
    c[3] = (int)floor((b->y + b->h - ix->frame->y) / GRID_MM);
    c[0] = c[0] < 0 ? 0 : c[0];
    c[1] = c[1] < 0 ? 0 : c[1];
    c[2] = c[2] >= ix->nx ? ix->nx - 1 : c[2];
    c[3] = c[3] >= ix->ny ? ix->ny - 1 : c[3];
    return c[0] <= c[2] && c[1] <= c[3];
}

static int index_add(lab_index *ix, const nm_rect *b)
{
    int c[4], x, y;

    ix->box[ix->nbox] = *b;
    if (cell_range(ix, b, c))
        for (y = c[1]; y <= c[3]; y++)
            for (x = c[0]; x <= c[2]; x++) {
                size_t cell = (size_t)y * (size_t)ix->nx + (size_t)x;
                if (ix->nent == ix->cap_ent) {
                    size_t ncap = ix->cap_ent ? 2 * ix->cap_ent : 256;
                    void *p = nm_realloc(ix->ent, ncap * sizeof *ix->ent);
                    if (!p)
                        return 0;
                    ix->ent = p;
                    ix->cap_ent = ncap;
                }
                ix->ent[ix->nent].box = ix->nbox;
                ix->ent[ix->nent].next = ix->head[cell];
                ix->head[cell] = ++ix->nent;
            }
    ix->nbox++;
    return 1;
}

/* Whether segment (x0, y0)-(x1, y1) crosses rectangle b (Liang-Barsky). */
static int seg_hits(const nm_rect *b, double x0, double y0, double x1, double y1)
{
    double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {x0 - b->x, b->x + b->w - x0, y0 - b->y, b->y + b->h - y0};
    int i;

    for (i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return 0;
        } else {
            double t = q[i] / p[i];
            if (p[i] < 0 && t > t0)
                t0 = t;
            else if (p[i] > 0 && t < t1)
                t1 = t;
            if (t0 > t1)
                return 0;
        }
    }
    return 1;
}

/* Whether b meets a placed box; with a segment (seg != NULL), whether the
 * segment crosses a placed box instead. */
static int index_hits(lab_index *ix, const nm_rect *b, const double *seg)
{
    int c[4], x, y;
    size_t e;

    if (!cell_range(ix, b, c))
        return 0;
    ix->query++;
    for (y = c[1]; y <= c[3]; y++)
        for (x = c[0]; x <= c[2]; x++)
            for (e = ix->head[(size_t)y * (size_t)ix->nx + (size_t)x]; e; e = ix->ent[e - 1].next) {
                size_t k = ix->ent[e - 1].box;
                if (ix->seen[k] == ix->query)
                    continue;
                ix->seen[k] = ix->query;
                if (seg ? seg_hits(&ix->box[k], seg[0], seg[1], seg[2], seg[3])
                        : overlaps(b, &ix->box[k]))
                    return 1;
            }
    return 0;
}

/* Which side of the line p-q the point r lies on: -1, 0 or 1. */
static int turn(double px, double py, double qx, double qy, double rx, double ry)
{
    double v = (qx - px) * (ry - py) - (qy - py) * (rx - px);

    return (v > 1e-9) - (v < -1e-9);
}

/* Whether segment s crosses a leader line drawn before. */
static int seg_crosses_leaders(const lab_index *ix, const double *s)
{
    size_t i;

    for (i = 0; i < ix->nseg; i++) {
        const double *t = ix->seg[i];
        if (turn(s[0], s[1], s[2], s[3], t[0], t[1]) * turn(s[0], s[1], s[2], s[3], t[2], t[3]) <= 0 &&
            turn(t[0], t[1], t[2], t[3], s[0], s[1]) * turn(t[0], t[1], t[2], t[3], s[2], s[3]) <= 0)
            return 1;
    }
    return 0;
}

/* Whether b is crossed by a leader line drawn before. */
static int crosses_leaders(const lab_index *ix, const nm_rect *b)
{
    size_t i;

    for (i = 0; i < ix->nseg; i++)
        if (seg_hits(b, ix->seg[i][0], ix->seg[i][1], ix->seg[i][2], ix->seg[i][3]))
            return 1;
    return 0;
}

/* Whether b covers the label point of an area other than the one at
 * (cx, cy), where that area's name or line would start (second runs). */
static int covers_pin(const lab_index *ix, const nm_rect *b, double cx, double cy)
{
    size_t i;

    for (i = 0; i < ix->npin; i++)
        if ((ix->pin[i][0] != cx || ix->pin[i][1] != cy) && ix->pin[i][0] > b->x &&
            ix->pin[i][0] < b->x + b->w && ix->pin[i][1] > b->y && ix->pin[i][1] < b->y + b->h)
            return 1;
    return 0;
}

/* The box of a name of w x h mm with its halo, top-left at (x, y). */
static nm_rect halo_box(double x, double y, double w, double h)
{
    return (nm_rect){x - RN_LABEL_HALO, y - RN_LABEL_HALO, w + 2 * RN_LABEL_HALO,
                     h + 2 * RN_LABEL_HALO};
}

static void put(rn_layout *lay, size_t label, const nm_rect *b, double pt)
{
    rn_placed *p = &lay->placed[lay->nplaced++];

    memset(p, 0, sizeof *p);
    p->label = label;
    p->x = b->x + RN_LABEL_HALO;
    p->y = b->y + RN_LABEL_HALO;
    p->w = b->w - 2 * RN_LABEL_HALO;
    p->h = b->h - 2 * RN_LABEL_HALO;
    p->pt = pt;
}

/* Inside the area: at its label point or shifted within its inscribed
 * circle, at sizes from the full one down to the smallest. */
static int place_inside(lab_index *ix, const rn_layout *lay, const nm_map *map, double pt_start,
                        double cx, double cy, double r, double w0, double h0, double *pt_out)
{
    static const double shifts[][2] = {{0, 0},     {0, -0.6}, {0, 0.6},  {-0.35, 0}, {0.35, 0},
                                       {-0.35, -0.6}, {0.35, -0.6}, {-0.35, 0.6}, {0.35, 0.6}};
    double pt0 = map->opts.label_pt, pt;
    size_t k;

    for (pt = pt_start; pt >= map->opts.label_min_pt - 1e-9; pt -= 0.5) {
        double f = pt / pt0, w = w0 * f, h = h0 * f;
        /* an area thinner than the text: the name would hide it */
        for (k = 0; r >= h / 2 && k < sizeof shifts / sizeof shifts[0]; k++) {
            double dx = shifts[k][0] * w, dy = shifts[k][1] * h;
            nm_rect b = halo_box(cx + dx - w / 2, cy + dy - h / 2, w, h);
            if (sqrt(dx * dx + dy * dy) > 0.7 * r || !inside(&b, &lay->pub.map) ||
                index_hits(ix, &b, NULL) || crosses_leaders(ix, &b) || covers_pin(ix, &b, cx, cy))
                continue;
            *pt_out = pt;
            return index_add(ix, &b) ? 1 : -1;
        }
        /* the smallest size is always tried, whatever the steps */
        if (pt > map->opts.label_min_pt && pt - 0.5 < map->opts.label_min_pt)
            pt = map->opts.label_min_pt + 0.5;
    }
    return 0;
}

/* A map of more names than this (LSOAs of a city) gets no columns of
 * names beside it, no farther rings of leader lines and no second runs: lines from hundreds of areas would hide the map. */
#define COLUMN_MAX_LABELS 100

/* A name of w x h at pt with its top-left at (bx, by), joined by a line
 * to its area's label point (cx, cy), if the box and line are clear of
 * the frame's edge, the names and the lines placed before.  Returns 1 when
 * placed, 0 when not, -1 when out of memory. */
static int try_leader(lab_index *ix, rn_layout *lay, double cx, double cy, double bx, double by,
                      double w, double h, double pt)
{
    nm_rect b = halo_box(bx, by, w, h);
    double seg[4], ex, ey;
    rn_placed *p;

    if (!inside(&b, &lay->pub.map) || index_hits(ix, &b, NULL) || crosses_leaders(ix, &b) ||
        covers_pin(ix, &b, cx, cy))
        return 0;
    /* the line ends at the text's nearest point */
    ex = fmin(fmax(cx, b.x), b.x + b.w);
    ey = fmin(fmax(cy, b.y), b.y + b.h);
    seg[0] = cx;
    seg[1] = cy;
    seg[2] = ex;
    seg[3] = ey;
    if (index_hits(ix, &(nm_rect){fmin(cx, ex), fmin(cy, ey), fabs(ex - cx), fabs(ey - cy)}, seg) ||
        seg_crosses_leaders(ix, seg))
        return 0;
    if (ix->nseg == ix->cap_seg) {
        size_t ncap = ix->cap_seg ? 2 * ix->cap_seg : 32;
        void *q = nm_realloc(ix->seg, ncap * sizeof *ix->seg);
        if (!q)
            return -1;
        ix->seg = q;
        ix->cap_seg = ncap;
    }
    memcpy(ix->seg[ix->nseg++], seg, sizeof seg);
    if (!index_add(ix, &b))
        return -1;
    put(lay, 0, &b, pt);
    p = &lay->placed[lay->nplaced - 1];
    p->leader = 1;
    p->x0 = cx;
    p->y0 = cy;
    p->x1 = ex;
    p->y1 = ey;
    return 1;
}

/* Outside the area, joined to its label point by a line: rings of
 * positions farther and farther out, the nearest free one taken. */
static int place_leader(lab_index *ix, rn_layout *lay, const nm_map *map, double pt_start,
                        double cx, double cy, double r, double w0, double h0)
{
    /* a map of a few dozen names also looks farther out, between more
       directions */
    static const double gaps[] = {1.5, 4, 8, 13, 18, 24};
    static const double angles[] = {0,     180,   90,    270,   45,    135,   225,   315,
                                    22.5,  157.5, 202.5, 337.5, 67.5,  112.5, 247.5, 292.5};
    double pts[2] = {pt_start, map->opts.label_min_pt};
    int s, got, wide;
    size_t g, a;

    /* the four rings of twelve first, as always, then the wider ones */
    for (wide = 0; wide < (map->nlabels <= COLUMN_MAX_LABELS ? 2 : 1); wide++) {
        for (s = 0; s < 2; s++) {
            double f = pts[s] / map->opts.label_pt, w = w0 * f, h = h0 * f;
            for (g = 0; g < (wide ? 6u : 4u); g++)
                for (a = 0; a < (wide ? 16u : 12u); a++) {
                    double t = angles[a] * 3.14159265358979323846 / 180, c = cos(t), sn = -sin(t);
                    double d = fmin(r, 3.0) + gaps[g], px = cx + d * c, py = cy + d * sn;
                    double bx = c > 0.3 ? px : c < -0.3 ? px - w : px - w / 2;
                    double by = sn > 0.3 ? py : sn < -0.3 ? py - h : py - h / 2;
                    if ((got = try_leader(ix, lay, cx, cy, bx, by, w, h, pts[s])) != 0)
                        return got;
                }
        }
    }
    return 0;
}

/* Beside the map, for a name its area and the rings around it have no
 * room for: in a column just off the selection's extent, west or east
 * (the nearer first), at the height of the area's label point or the
 * nearest free one within COLUMN_REACH_MM, joined to it by a line.  A
 * long thin council (Blackpool) leaves the frame room on either side
 * where the sea or its neighbours lie. */
#define COLUMN_REACH_MM 30.0
static int place_column(lab_index *ix, rn_layout *lay, const nm_map *map, double pt_start,
                        double cx, double cy, double w0, double h0)
{
    double pts[2] = {pt_start, map->opts.label_min_pt};
    double west = lay->ax + lay->ext[0] * lay->mm_per_m, east = lay->ax + lay->ext[2] * lay->mm_per_m;
    int s, side, got;

    for (s = 0; s < 2; s++) {
        double f = pts[s] / map->opts.label_pt, w = w0 * f, h = h0 * f, step = 0.5 * h;
        for (side = 0; side < 2; side++) {
            /* the nearer side first */
            int east_side = (cx - west > east - cx) != (side == 1);
            double bx = east_side ? east + 1.5 : west - 1.5 - w;
            /* where the frame ends before the column, against its edge */
            bx = fmax(lay->pub.map.x + RN_LABEL_HALO + 0.5,
                      fmin(bx, lay->pub.map.x + lay->pub.map.w - RN_LABEL_HALO - 0.5 - w));
            for (int k = 0; k * step <= COLUMN_REACH_MM; k++) {
                /* 0, -1, +1, -2, +2 ... steps from the point's height */
                double dy = (k % 2 ? -1 : 1) * ((k + 1) / 2) * step;
                if ((got = try_leader(ix, lay, cx, cy, bx, cy + dy - h / 2, w, h, pts[s])) != 0)
                    return got;
            }
        }
    }
    return 0;
}

/* The size of a name at the full label size.  OUT w, h.  Returns 0 when
 * memory is exhausted. */
static int measure_label(PangoContext *pc, const nm_map *map, const char *text, double *w,
                         double *h)
{
    text_size_pt(pc, RN_F_LABEL, map->opts.label_pt, text, 0, w, h);
    return 1;
}

/* The selection's own labels a layout left out. */
static size_t own_left_out(const nm_map *map, const rn_layout *lay)
{
    size_t i, n = 0;

    for (i = 0; lay->label_status && i < map->nlabels; i++)
        n += (map->labels[i].flags & NM_LABEL_OWN) && lay->label_status[i] == NM_LABEL_NO_ROOM;
    return n;
}

/* Sizes of the page's text, largest first: a small figure (a 90 mm column
 * of a report) shrinks its title, legend and source line, to three
 * quarters at most (legend 6 pt, source line 4.9 pt), before its map does. */
static const double text_scales[] = {1, 0.9, 0.8, 0.75};
#define NSCALES (sizeof text_scales / sizeof text_scales[0])

/* One placement of every label, names tried first at 'pt_start' (at
 * most the full size): own areas inside, own areas on leader lines, then
 * the others alike; a leader line never takes the room a name inside its
 * area needs.  Fills lay->placed and lay->label_status afresh. */
static nm_status place_run(nm_ctx *ctx, const nm_map *map, PangoContext *pc, rn_layout *lay,
                           const ranked *order, double pt_start, int again)
{
    lab_index ix = {0};
    size_t i;
    int pass;
    nm_status rc = NM_OK;

    lay->nplaced = 0;
    memset(lay->label_status, 0, map->nlabels * sizeof *lay->label_status);
    ix.frame = &lay->pub.map;
    ix.nx = (int)ceil(lay->pub.map.w / GRID_MM) + 1;
    ix.ny = (int)ceil(lay->pub.map.h / GRID_MM) + 1;
    ix.box = nm_malloc((map->nlabels + 1) * sizeof *ix.box); /* and the locator's */
    ix.seen = nm_calloc(map->nlabels + 1, sizeof *ix.seen);
    ix.head = nm_calloc((size_t)ix.nx * (size_t)ix.ny, sizeof *ix.head);
    if (again) { /* a second run keeps the points free */
        double (*pin)[2] = nm_malloc(map->nlabels * sizeof *pin);
        if (!pin) {
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
            goto cleanup;
        }
        for (i = 0; i < map->nlabels; i++) {
            pin[i][0] = lay->ax + map->labels[i].x * lay->mm_per_m;
            pin[i][1] = lay->ay - map->labels[i].y * lay->mm_per_m;
        }
        ix.pin = pin;
        ix.npin = map->nlabels;
    }
    if (!ix.box || !ix.seen || !ix.head) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    /* names stay off the locator inset */
    if (lay->pub.locator.w > 0 && !index_add(&ix, &lay->pub.locator)) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (pass = 0; pass < 4; pass++)
        for (i = 0; i < map->nlabels; i++) {
            size_t li = order[i].i;
            const rn_label *l = &map->labels[li];
            double w0, h0, pt = 0, cx = lay->ax + l->x * lay->mm_per_m;
            double cy = lay->ay - l->y * lay->mm_per_m, r = l->radius * lay->mm_per_m;
            nm_rect pin = {cx, cy, 0, 0};
            int got, leader = pass % 2;
            if (order[i].own != (pass < 2) ||
                (leader && lay->label_status[li] != NM_LABEL_NO_ROOM))
                continue;
            if (!inside(&pin, &lay->pub.map)) {
                lay->label_status[li] = NM_LABEL_OUTSIDE;
                continue;
            }
            /* without hinting, text scales with its size: measured once */
            if (!measure_label(pc, map, l->text, &w0, &h0)) {
                rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
                goto cleanup;
            }
            got = leader ? 0 : place_inside(&ix, lay, map, pt_start, cx, cy, r, w0, h0, &pt);
            /* a name left out before goes on its line before the others
               go inside */
            if (got == 0 && !leader && order[i].first)
                leader = 1;
            if (got != 0 || !leader || !map->opts.label_leaders)
                ;
            else if ((got = place_leader(&ix, lay, map, pt_start, cx, cy, r, w0, h0)) == 0 &&
                     map->nlabels <= COLUMN_MAX_LABELS)
                got = place_column(&ix, lay, map, pt_start, cx, cy, w0, h0);
            if (got < 0) {
                rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
                goto cleanup;
            }
            if (got > 0 && !leader) {
                put(lay, li, &ix.box[ix.nbox - 1], pt);
                lay->label_status[li] = pt < map->opts.label_pt ? NM_LABEL_SMALLER : NM_LABEL_PLACED;
            } else if (got > 0) {
                lay->placed[lay->nplaced - 1].label = li;
                lay->label_status[li] = NM_LABEL_LEADER;
            } else {
                lay->label_status[li] = NM_LABEL_NO_ROOM;
            }
        }

cleanup:
    nm_free((void *)ix.pin);
    nm_free(ix.box);
    nm_free(ix.seen);
    nm_free(ix.head);
    nm_free(ix.ent);
    nm_free(ix.seg);
    return rc;
}

/* Runs at each size: the first order, then the names left out moved to
 * the front, twice. */
#define ROUNDS 6

/* Places labels, own areas first, larger areas first: inside the area at
 * the full size, then smaller down to the smallest size, then outside on
 * a leader line; whatever is left is recorded as not placed, with why.
 * While some of the selection's own names are left out (of a map of a few
 * dozen names), all start again half a point smaller, down to the
 * smallest size: smaller names inside leave leader lines a way out
 * (Blackpool's central wards); at each size the own names left out are
 * moved to the front, inside or straight onto a leader line.  The run that leaves out fewest of them,
 * then fewest in all, is kept; a tie keeps the larger names. */
static nm_status place_labels(nm_ctx *ctx, const nm_map *map, PangoContext *pc, rn_layout *lay)
{
    ranked *order = NULL;
    rn_placed *best_placed = NULL;
    nm_label_status *best_status = NULL;
    size_t i, best_left = 0, best_n = 0, left;
    double start;
    int have = 0, last_best = 0, round;
    nm_status rc = NM_OK;

    if (map->nlabels == 0)
        return NM_OK;
    order = nm_malloc(map->nlabels * sizeof *order);
    lay->placed = nm_malloc(map->nlabels * sizeof *lay->placed);
    lay->label_status = nm_calloc(map->nlabels, sizeof *lay->label_status);
    if (!order || !lay->placed || !lay->label_status) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (start = map->opts.label_pt, round = 0;; round = (round + 1) % ROUNDS) {
        if (round == 0) { /* the first order at each size */
            for (i = 0; i < map->nlabels; i++) {
                order[i].own = (map->labels[i].flags & NM_LABEL_OWN) != 0;
                order[i].first = 0;
                order[i].r = map->labels[i].radius;
                order[i].i = i;
            }
            qsort(order, map->nlabels, sizeof *order, by_rank);
        }
        if ((rc = place_run(ctx, map, pc, lay, order, start, have)) != NM_OK)
            goto cleanup;
        left = own_left_out(map, lay);
        last_best = !have || left < best_left || (left == best_left && lay->nplaced > best_n);
        if (last_best) {
            if (have || left > 0) { /* kept aside while another run may do better */
                if (!best_placed)
                    best_placed = nm_malloc(map->nlabels * sizeof *best_placed);
                if (!best_status)
                    best_status = nm_malloc(map->nlabels * sizeof *best_status);
                if (!best_placed || !best_status) {
                    rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
                    goto cleanup;
                }
                memcpy(best_placed, lay->placed, lay->nplaced * sizeof *best_placed);
                memcpy(best_status, lay->label_status, map->nlabels * sizeof *best_status);
            }
            have = 1;
            best_left = left;
            best_n = lay->nplaced;
        }
        if (best_left == 0 || map->nlabels > COLUMN_MAX_LABELS || !map->opts.label_leaders ||
            (round == ROUNDS - 1 && start - 0.5 < map->opts.label_min_pt - 1e-9))
            break;
        if (round == ROUNDS - 1) {
            start -= 0.5;
        } else { /* the own names left out go first next time */
            for (i = 0; i < map->nlabels; i++)
                if (order[i].own && lay->label_status[order[i].i] == NM_LABEL_NO_ROOM)
                    order[i].first++;
            qsort(order, map->nlabels, sizeof *order, by_rank);
        }
    }
    if (!last_best) {
        memcpy(lay->placed, best_placed, best_n * sizeof *best_placed);
        memcpy(lay->label_status, best_status, map->nlabels * sizeof *best_status);
        lay->nplaced = best_n;
    }
    lay->pub.labels_placed = (int)lay->nplaced;
    lay->pub.labels_unplaced = (int)(map->nlabels - lay->nplaced);

cleanup:
    nm_free(order);
    nm_free(best_placed);
    nm_free(best_status);
    return rc;
}

void nmR_layout_record(nm_map *map, const rn_layout *lay)
{
    size_t i;

    for (i = 0; i < map->nlabels; i++) {
        map->labels[i].status = lay->label_status ? lay->label_status[i] : NM_LABEL_PENDING;
        map->labels[i].pt = 0;
        map->labels[i].leader = 0;
        memset(map->labels[i].box, 0, sizeof map->labels[i].box);
        memset(map->labels[i].line, 0, sizeof map->labels[i].line);
    }
    for (i = 0; i < lay->nplaced; i++) {
        const rn_placed *p = &lay->placed[i];
        rn_label *l = &map->labels[p->label];
        l->pt = p->pt;
        l->box[0] = p->x;
        l->box[1] = p->y;
        l->box[2] = p->w;
        l->box[3] = p->h;
        l->leader = p->leader;
        if (p->leader) {
            l->line[0] = p->x0;
            l->line[1] = p->y0;
            l->line[2] = p->x1;
            l->line[3] = p->y1;
        }
    }
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

/* How much of the selection's areas a page box would cover, mm^2 (by
 * their boxes: a corner without data scores 0). */
static double cover(const nm_map *map, const rn_layout *lay, const nm_rect *r)
{
    double sum = 0, s = lay->mm_per_m;
    size_t i;

    for (i = 0; i < map->nfeat; i++) {
        const double *b = map->feat[i].bbox;
        double x0 = lay->ax + b[0] * s, x1 = lay->ax + b[2] * s;
        double y0 = lay->ay - b[3] * s, y1 = lay->ay - b[1] * s;
        double w = fmin(x1, r->x + r->w) - fmax(x0, r->x), h = fmin(y1, r->y + r->h) - fmax(y0, r->y);
        if (!(map->feat[i].flags & NM_MAP_CONTEXT) && w > 0 && h > 0)
            sum += w * h;
    }
    return sum;
}

/* A box of w x h in the corner of the map frame that hides the least of
 * the selection, other than corner 'not' (-1: any).  OUT r.  Returns the
 * corner: 0 top-right, 1 top-left, 2 bottom-right, 3 bottom-left. */
static int emptiest_corner(const nm_map *map, const rn_layout *lay, double w, double h, int not,
                           nm_rect *r)
{
    const nm_rect *m = &lay->pub.map;
    double inset = 3, best = INFINITY;
    int c, pick = 0;

    for (c = 0; c < 4; c++) {
        nm_rect b = {c % 2 ? m->x + inset : m->x + m->w - inset - w,
                     c < 2 ? m->y + inset : m->y + m->h - inset - h, w, h};
        double v = c == not ? INFINITY : cover(map, lay, &b);
        if (v < best) {
            best = v;
            pick = c;
            *r = b;
        }
    }
    return pick;
}

/* The locator inset: about a quarter of the frame's shorter side (30 to 60
 * mm) across its longer, in the frame's corner that hides the least of
 * the selection and holds none of the furniture drawn over the map. */
static void place_locator(const nm_map *map, rn_layout *lay)
{
    nm_map_layout *p = &lay->pub;
    const nm_rect *m = &p->map, *furn[3] = {&p->legend, &p->scale_bar, &p->north_arrow};
    double ext[4], side, w, h, best = INFINITY, inset = 3;

    if (!map->locator || map->locator->nfeat + map->locator->noutl == 0 ||
        !nmR_map_extent(map->locator, ext))
        return;
    side = fmin(60, fmax(30, 0.3 * fmin(m->w, m->h)));
    w = ext[2] - ext[0] >= ext[3] - ext[1] ? side : side * (ext[2] - ext[0]) / (ext[3] - ext[1]);
    h = ext[2] - ext[0] >= ext[3] - ext[1] ? side * (ext[3] - ext[1]) / (ext[2] - ext[0]) : side;
    /* the map inside takes 2 mm of padding on each side */
    w = fmax(w, 16) + 2 * RN_MAP_PAD;
    h = fmax(h, 16) + 2 * RN_MAP_PAD;
    if (w > m->w / 2 || h > m->h / 2)
        return; /* no room: the frame is too small for an inset */
    for (int c = 0; c < 4; c++) {
        nm_rect b = {c % 2 ? m->x + inset : m->x + m->w - inset - w,
                     c < 2 ? m->y + inset : m->y + m->h - inset - h, w, h};
        double v = cover(map, lay, &b);
        for (int f = 0; f < 3; f++)
            if (furn[f]->w > 0 && overlaps(&b, furn[f]))
                v = INFINITY;
        if (v < best) {
            best = v;
            p->locator = b;
        }
    }
}

/* A legend of one column where lay->pub.legend says, its title 'title_h'
 * high. */
static void one_column(const nm_map *map, rn_layout *lay, double title_h)
{
    nm_map_layout *p = &lay->pub;

    lay->legend_cols = 1;
    lay->legend_rows = (int)map->nlegend;
    lay->legend_title_h = title_h;
    lay->legend_row_h = RN_ROW_H;
    if (map->nlegend > 0)
        p->legend_swatch0 = (nm_rect){p->legend.x,
                                      p->legend.y + (title_h > 0 ? title_h + RN_LEG_TITLE_GAP : 0),
                                      RN_SWATCH_W, RN_SWATCH_H};
}

/* A legend inside the frame (or none): the legend in the corner that
 * hides the least, the north arrow and scale bar in the next emptiest. */
static void furniture_inside(const nm_map *map, PangoContext *pc, const meas *m, rn_layout *lay)
{
    nm_map_layout *p = &lay->pub;
    double sb_h = map->opts.scale_bar ? RN_SCALE_H : 0, na_h = map->opts.north_arrow ? RN_ARROW_H : 0;
    double leg_w = 0, leg_h = 0, leg_th = 0, bh = na_h + (na_h > 0 && sb_h > 0 ? 3 : 0) + sb_h;
    int used = -1;
    nm_rect r = {0, 0, 0, 0};

    if (map->opts.legend_pos == NM_LEGEND_INSIDE && (map->nlegend > 0 || map->legend_title)) {
        legend_size(map, pc, m, 1, 0.5 * p->map.w, &leg_w, &leg_h, &leg_th, lay);
        /* 2 mm of white around it (drawn by furniture.c) */
        used = emptiest_corner(map, lay, leg_w + 4, leg_h + 4, -1, &r);
        p->legend = (nm_rect){r.x + 2, r.y + 2, leg_w, leg_h};
        one_column(map, lay, leg_th);
    }
    if (bh <= 0)
        return;
    emptiest_corner(map, lay, RN_SCALE_BLOCK_W + 4, bh + 4, used, &r);
    if (na_h > 0)
        p->north_arrow = (nm_rect){r.x + 2, r.y + 2, RN_ARROW_W, RN_ARROW_H};
    if (sb_h > 0)
        p->scale_bar = (nm_rect){r.x + 2, r.y + 2 + bh - sb_h, RN_SCALE_BLOCK_W, sb_h};
}

/* The orientation and legend position that draw the data largest at the
 * context's text scale.  OUT land, bottom.  Returns the map scale, 0 when
 * nothing fits. */
static double best_place(const nm_map *map, PangoContext *pc, const meas *m, const double ext[4],
                         rn_layout *lay, int *best_land, int *best_bottom)
{
    double best = -1, s;
    int land, bottom;

    *best_land = 0;
    *best_bottom = map->opts.legend_pos == NM_LEGEND_RIGHT ? 0 : 1;
    for (land = 0; land < 2; land++) {
        if ((land && map->orient == NM_ORIENT_PORTRAIT) ||
            (!land && map->orient == NM_ORIENT_LANDSCAPE))
            continue;
        for (bottom = 0; bottom < 2; bottom++) {
            if ((bottom && map->opts.legend_pos == NM_LEGEND_RIGHT) ||
                (!bottom && map->opts.legend_pos == NM_LEGEND_BOTTOM))
                continue;
            s = place(map, pc, m, ext, land, bottom, lay);
            /* a near tie goes to the first tried: portrait, side panel */
            if (s > best * 1.02) {
                best = s;
                *best_land = land;
                *best_bottom = bottom;
            }
        }
    }
    return place(map, pc, m, ext, *best_land, *best_bottom, lay);
}

/* The furniture, scale bar, locator, georeference and labels of a page
 * laid out by place() with the legend at the bottom or not. */
static nm_status finish_layout(nm_ctx *ctx, const nm_map *map, PangoContext *pc, const meas *m,
                               rn_layout *lay, int best_bottom)
{
    /* furniture inside the frame wants the frame's whole width */
    if (map->opts.legend_pos == NM_LEGEND_INSIDE || map->opts.legend_pos == NM_LEGEND_NONE)
        furniture_inside(map, pc, m, lay);
    else if (!map->opts.fill_page)
        hug_data(lay, best_bottom);
    if (map->opts.scale_bar) {
        /* a bar in the side panel is bounded by the panel, not by a third
         * of the frame: Blackpool's narrow frame gave a bar of 7 mm with
         * its numbers run together */
        const nm_map_layout *p = &lay->pub;
        int panel = !best_bottom && p->scale_bar.w > 0 && p->scale_bar.x >= p->map.x + p->map.w;
        double max_mm = panel ? fmax(p->map.w / 3, fmin(RN_SCALE_BLOCK_W, p->scale_bar.w) - 12)
                              : p->map.w / 3;
        lay->pub.scale_bar_m = nmR_round_length(lay->mm_per_m, fmin(RN_SCALE_MAX, max_mm));
    }
    place_locator(map, lay);
    lay->pub.outline_mm = map->opts.outline_mm;
    georef(map, lay);
    return place_labels(ctx, map, pc, lay);
}

/* A layout that leaves some of the selection's own names out: the other
 * orientations, legend positions and text sizes allowed, at no less than
 * 90% of its map scale, are laid out too, and the one that names most of
 * the selection's areas (then most names) is kept; a tie keeps the first.
 * Blackpool in a 90 mm column: the side panel left the frame no wider than
 * the town, the legend below it leaves room for names on either side.
 * The context's text scale is left at the kept layout's. */
static nm_status label_room(nm_ctx *ctx, const nm_map *map, PangoContext *pc, const double ext[4],
                            rn_layout *lay, int land0, int bottom0)
{
    size_t left = own_left_out(map, lay), k;
    double s0 = lay->mm_per_m, scale0 = lay->pub.text_scale, keep = scale0;
    int land, bottom;
    meas m = {0};
    nm_status rc = NM_OK;

    for (k = 0; k < NSCALES && left > 0 && rc == NM_OK; k++) {
        nmR_set_text_scale(pc, text_scales[k]);
        meas_free(&m);
        memset(&m, 0, sizeof m);
        if ((rc = measure_texts(ctx, map, pc, &m)) != NM_OK)
            break;
        for (land = 0; land < 2 && left > 0; land++) {
            if ((land && map->orient == NM_ORIENT_PORTRAIT) ||
                (!land && map->orient == NM_ORIENT_LANDSCAPE))
                continue;
            for (bottom = 0; bottom < 2 && left > 0; bottom++) {
                rn_layout alt;
                size_t alt_left;
                if ((bottom && map->opts.legend_pos == NM_LEGEND_RIGHT) ||
                    (!bottom && map->opts.legend_pos == NM_LEGEND_BOTTOM) ||
                    (land == land0 && bottom == bottom0 && text_scales[k] == scale0))
                    continue;
                if (place(map, pc, &m, ext, land, bottom, &alt) < 0.9 * s0)
                    continue;
                alt.pub.text_scale = text_scales[k];
                if ((rc = finish_layout(ctx, map, pc, &m, &alt, bottom)) != NM_OK) {
                    nmR_layout_free(&alt);
                    break;
                }
                alt_left = own_left_out(map, &alt);
                if (alt_left < left || (alt_left == left && alt.nplaced > lay->nplaced)) {
                    nmR_layout_free(lay);
                    *lay = alt;
                    left = alt_left;
                    keep = text_scales[k];
                } else {
                    nmR_layout_free(&alt);
                }
            }
        }
    }
    nmR_set_text_scale(pc, keep);
    meas_free(&m);
    return rc;
}

nm_status nmR_layout_compute(nm_ctx *ctx, const nm_map *map, PangoContext *pc, rn_layout *lay)
{
    double ext[4], s = 0;
    int best_land = 0, best_bottom = 0;
    size_t k;
    meas m = {0};
    nm_status rc = NM_OK;

    memset(lay, 0, sizeof *lay);
    if (!nmR_map_extent(map, ext))
        return nmC_fail(ctx, NM_USAGE, "the map has no features and no extent");
    for (k = 0; k < NSCALES; k++) {
        nmR_set_text_scale(pc, text_scales[k]);
        meas_free(&m);
        memset(&m, 0, sizeof m);
        if ((rc = measure_texts(ctx, map, pc, &m)) != NM_OK)
            goto cleanup;
        s = best_place(map, pc, &m, ext, lay, &best_land, &best_bottom);
        /* text at this size leaves the map a third of the page or more */
        if (s > 0 && lay->pub.map.w * lay->pub.map.h >=
                         lay->pub.page_w_mm * lay->pub.page_h_mm / 3)
            break;
    }
    if (k == NSCALES) { /* the largest map found, at the smallest text */
        k = NSCALES - 1;
        if (s <= 0) {
            /* what else may make room, of what is not asked already */
            int in = map->opts.legend_pos == NM_LEGEND_INSIDE || map->opts.legend_pos == NM_LEGEND_NONE;
            rc = nmC_fail(ctx, NM_USAGE,
                         "a page of %.0f x %.0f mm is too small for the map with its legend and "
                         "source line, even with text at %.0f%% of its size: give a larger "
                         "--size%s%s",
                         lay->pub.page_w_mm, lay->pub.page_h_mm, 100 * text_scales[k],
                         in ? "" : ", --legend inside", map->title || map->subtitle ? " or --figure" : "");
            goto cleanup;
        }
    }
    lay->pub.text_scale = text_scales[k];
    rc = finish_layout(ctx, map, pc, &m, lay, best_bottom);
    if (rc == NM_OK && own_left_out(map, lay) > 0)
        rc = label_room(ctx, map, pc, ext, lay, best_land, best_bottom);

cleanup:
    meas_free(&m);
    return rc;
}

void nmR_layout_free(rn_layout *lay)
{
    nm_free(lay->placed);
    nm_free(lay->label_status);
    lay->label_status = NULL;
    lay->placed = NULL;
    lay->nplaced = 0;
}

nm_status nm_map_layout_get(nm_ctx *ctx, nm_map *map, nm_map_layout *out)
{
    PangoContext *pc;
    rn_layout lay;
    nm_status rc;

    nmC_clear(ctx);
    pc = nmR_pango_context(map->opts.font);
    if (!pc)
        return nmC_fail(ctx, NM_NOMEM, "cannot create a text context");
    rc = nmR_layout_compute(ctx, map, pc, &lay);
    if (rc == NM_OK) {
        *out = lay.pub;
        nmR_layout_record(map, &lay);
    }
    nmR_layout_free(&lay);
    g_object_unref(pc);
    return rc;
}

nm_status nmR_layout_box(nm_ctx *ctx, const nm_map *map, PangoContext *pc, const nm_rect *box,
                        rn_layout *lay)
{
    nm_map_layout *p = &lay->pub;
    double ext[4], leg_w = 0, leg_h = 0, leg_th = 0, panel_w = 0, s, dw, dh;
    double sb_h = map->opts.scale_bar ? RN_SCALE_H : 0;
    meas m = {0};
    nm_status rc = NM_OK;

    memset(lay, 0, sizeof *lay);
    p->text_scale = nmR_text_scale(pc); /* the page's, as its owner set it */
    if (!nmR_map_extent(map, ext))
        return nmC_fail(ctx, NM_USAGE, "the map has no features and no extent");
    if ((rc = measure_texts(ctx, map, pc, &m)) != NM_OK)
        goto cleanup;
    p->page_w_mm = box->x + box->w;
    p->page_h_mm = box->y + box->h;
    p->orient = NM_ORIENT_PORTRAIT;
    /* the legend and scale bar beside the map, as a side panel */
    if (map->nlegend > 0 || map->legend_title) {
        legend_size(map, pc, &m, 1, 0, &leg_w, &leg_h, &leg_th, lay);
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
    one_column(map, lay, leg_th);
    dw = p->map.w - 2 * RN_MAP_PAD;
    dh = p->map.h - 2 * RN_MAP_PAD;
    if (dw <= 10 || dh <= 10 || leg_h > box->h) {
        rc = nmC_fail(ctx, NM_USAGE, "a %.0f x %.0f mm box leaves no room for the map", box->w,
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
        p->scale_bar_m = nmR_round_length(lay->mm_per_m, fmin(RN_SCALE_MAX, p->map.w / 3));
    georef(map, lay);
    place_locator(map, lay); /* a summary's overview has one too */
    rc = place_labels(ctx, map, pc, lay);

cleanup:
    meas_free(&m);
    return rc;
}

nm_status nmR_place_labels(nm_ctx *ctx, const nm_map *map, PangoContext *pc, rn_layout *lay)
{
    return place_labels(ctx, map, pc, lay);
}
