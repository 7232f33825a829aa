/*
 * The page furniture on a cairo context whose user space is the mm, where
 * layout.c put it: names with their halos and leader lines, the frame,
 * title, legend, scale bar, north arrow, keys and source line; text as
 * glyphs through Pango or, for SVG, as <text> elements.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

#define FRAME_RGB 0x4d4d4d
#define FRAME_W_MM 0.25
#define SWATCH_LINE_RGB 0x737373
#define SWATCH_LINE_MM 0.15
#define HALO_W_MM 0.7
#define LEADER_RGB 0x1a1a1a
#define LEADER_W_MM 0.2
#define LEADER_DOT_MM 0.45

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
        nmR_fill_missing(cr, x, y, x + RN_SWATCH_W, y + RN_SWATCH_H, 1);
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
