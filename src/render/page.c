/*
 * Report pages drawn with Cairo and Pango in the style of the map pages
 * (layout.c's fonts, margins and title size): the document and its pages,
 * text, tables, bar charts, maps in a box and the footer of every page.
 * Render draws them; what goes on a page is decided by report (summary.c,
 * compare.c, areatable.c), which sees only page_int.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo-pdf.h>

#include "render/page_int.h"
#include "render/render_int.h"

/* a report page's margin and title gap are a map page's: render_int.h
   defines RN_MARGIN_DEFAULT and RN_TITLE_GAP as PG_MARGIN and PG_TITLE_GAP
   (a _Static_assert on doubles is not C11, and clang refuses it) */

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* The context, white page and mm units of a new document; a PDF's
 * structure tree starts with its Document element (closed by nmR_close). */
static nm_status start_page(pg_doc *d, const char *font)
{
    d->cr = cairo_create(d->surf);
    d->pc = nmR_pango_context(font);
    if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS || !d->pc)
        return nmC_fail(d->ctx, NM_NOMEM, "cannot create the page");
    cairo_set_source_rgb(d->cr, 1, 1, 1);
    cairo_paint(d->cr);
    cairo_scale(d->cr, d->k, d->k);
    pango_cairo_update_context(d->cr, d->pc);
    if (!d->png && !d->measure)
        cairo_tag_begin(d->cr, "Document", "");
    return NM_OK;
}

nm_status nmR_open(nm_ctx *ctx, pg_doc *d, const char *path, double w, double h, double dpi,
                  const char *font, const char *title, const char *subject)
{
    nmC_format fmt = nmC_format_of(path);
    char date[32];
    nm_status rc;

    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    d->w = w;
    d->h = h;
    d->page = 1;
    d->npages = 1;
    if (fmt == NMC_FMT_PNG)
        d->png = 1;
    else if (fmt != NMC_FMT_PDF)
        return nmC_fail(ctx, NM_USAGE, "%s: the format comes from the extension: .pdf or .png",
                       path);
    if ((rc = nmC_atomic_open(ctx, path, &d->a)) != NM_OK)
        return rc;
    if (d->png) {
        d->dpi = dpi > 0 ? dpi : 150;
        d->k = d->dpi / RN_MM_PER_INCH;
        d->surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(w * d->k),
                                             (int)lround(h * d->k));
    } else {
        d->k = RN_PT_PER_MM;
        d->surf = cairo_pdf_surface_create_for_stream(to_file, d->a.fp, w * d->k, h * d->k);
        cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_CREATOR, "needsmap");
        if (title)
            cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_TITLE, title);
        if (subject)
            cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_SUBJECT, subject);
        cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_CREATE_DATE, nmC_output_date(date));
    }
    return start_page(d, font);
}

nm_status nmR_open_measure(nm_ctx *ctx, pg_doc *d, double w, double h, const char *font)
{
    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    d->w = w;
    d->h = h;
    d->page = d->npages = 1;
    d->measure = 1;
    d->k = RN_PT_PER_MM; /* measured as the PDF sets it */
    d->surf = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, NULL);
    return start_page(d, font);
}

void nmR_tag_begin(pg_doc *d, const char *tag)
{
    if (!d->png && !d->measure)
        cairo_tag_begin(d->cr, tag, "");
    d->tag_depth++;
}

void nmR_tag_end(pg_doc *d, const char *tag)
{
    if (!d->png && !d->measure)
        cairo_tag_end(d->cr, tag);
    d->tag_depth--;
}

static PangoLayout *layout_of(pg_doc *d, double pt, int bold, const char *text, double w,
                              int align)
{
    /* align | PG_WORDS: break only between words (headings of narrow
       columns would otherwise split a name anywhere) */
    int words = align & PG_WORDS;
    PangoLayout *lay = pango_layout_new(d->pc);
    PangoFontDescription *fd = pango_font_description_new();

    char family[NM_FONT_MAX + 16];

    snprintf(family, sizeof family, "%s,sans-serif", nmR_context_family(d->pc));
    pango_font_description_set_family(fd, family);
    pango_font_description_set_size(fd, (gint)(pt * PANGO_SCALE));
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    if (w > 0) {
        pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
        pango_layout_set_wrap(lay, words ? PANGO_WRAP_WORD : PANGO_WRAP_WORD_CHAR);
        align &= ~PG_WORDS;
        pango_layout_set_alignment(lay, align == PG_RIGHT    ? PANGO_ALIGN_RIGHT
                                        : align == PG_CENTRE ? PANGO_ALIGN_CENTER
                                                             : PANGO_ALIGN_LEFT);
    }
    pango_layout_set_text(lay, text ? text : "", -1);
    return lay;
}

void nmR_measure(pg_doc *d, double pt, int bold, const char *text, double w, double *tw, double *th)
{
    PangoLayout *lay = layout_of(d, pt, bold, text, w, PG_LEFT);
    PangoRectangle log;

    pango_layout_get_extents(lay, NULL, &log);
    *tw = (double)log.width / PANGO_SCALE;
    *th = (double)log.height / PANGO_SCALE;
    g_object_unref(lay);
}

double nmR_text(pg_doc *d, double x, double y, double w, double pt, int bold, uint32_t rgb,
               int align, const char *text)
{
    PangoLayout *lay = layout_of(d, pt, bold, text, w, align);
    PangoRectangle log;

    /* outside a figure or a table a text is a block of its own, its
       role read from its size: the title, a section's heading, text */
    const char *tag = d->tag_depth > 0   ? NULL
                      : pt >= PG_TITLE_PT ? "H1"
                      : pt >= PG_HEAD_PT  ? "H2"
                                          : "P";

    pango_layout_get_extents(lay, NULL, &log);
    if (tag)
        nmR_tag_begin(d, tag);
    cairo_move_to(d->cr, x, y);
    nmR_set_rgb(d->cr, rgb);
    pango_cairo_show_layout(d->cr, lay);
    if (tag)
        nmR_tag_end(d, tag);
    g_object_unref(lay);
    return (double)log.height / PANGO_SCALE;
}

void nmR_fill(pg_doc *d, double x, double y, double w, double h, uint32_t rgb)
{
    cairo_rectangle(d->cr, x, y, w, h);
    nmR_set_rgb(d->cr, rgb);
    cairo_fill(d->cr);
}

void nmR_line(pg_doc *d, double x0, double y0, double x1, double y1, uint32_t rgb, double width,
             int dashed)
{
    static const double dash[] = {1.2, 0.8};

    cairo_save(d->cr);
    cairo_move_to(d->cr, x0, y0);
    cairo_line_to(d->cr, x1, y1);
    nmR_set_rgb(d->cr, rgb);
    cairo_set_line_width(d->cr, width);
    if (dashed)
        cairo_set_dash(d->cr, dash, 2, 0);
    cairo_stroke(d->cr);
    cairo_restore(d->cr);
}

void nmR_circle(pg_doc *d, double x, double y, double r, uint32_t fill, uint32_t ring,
                double width)
{
    cairo_save(d->cr);
    cairo_new_sub_path(d->cr);
    cairo_arc(d->cr, x, y, r, 0, 2 * 3.14159265358979323846);
    if (fill != PG_NO_FILL) {
        nmR_set_rgb(d->cr, fill);
        cairo_fill_preserve(d->cr);
    }
    nmR_set_rgb(d->cr, ring);
    cairo_set_line_width(d->cr, width);
    cairo_stroke(d->cr);
    cairo_restore(d->cr);
}

nm_status nmR_map(pg_doc *d, nm_map *map, const nm_rect *box, nm_map_layout *layout)
{
    nm_status rc;

    nmR_tag_begin(d, "Figure");
    rc = nmR_map_draw_in(d->ctx, map, d->cr, d->pc, d->k, !d->png, box, layout);
    nmR_tag_end(d, "Figure");
    pango_cairo_update_context(d->cr, d->pc);
    return rc;
}

nm_status nmR_map_layout(pg_doc *d, nm_map *map, const nm_rect *box, nm_map_layout *layout)
{
    rn_layout lay;
    nm_status rc = nmR_layout_box(d->ctx, map, d->pc, box, &lay);

    if (rc == NM_OK)
        *layout = lay.pub;
    nmR_layout_free(&lay);
    return rc;
}

double nmR_map_fit(const nm_rect *box, double ext_w, double ext_h)
{
    return fmin((box->w - 2 * RN_MAP_PAD) / ext_w, (box->h - 2 * RN_MAP_PAD) / ext_h);
}

void nmR_map_world(const nm_rect *box, double mm_per_m, double cx, double cy, double ext[4])
{
    double hw = (box->w - 2 * RN_MAP_PAD) / mm_per_m / 2, hh = (box->h - 2 * RN_MAP_PAD) / mm_per_m / 2;

    ext[0] = cx - hw;
    ext[1] = cy - hh;
    ext[2] = cx + hw;
    ext[3] = cy + hh;
}

double nmR_scale_bar(pg_doc *d, double x, double y, double mm_per_m, double max_w)
{
    nm_rect b = {x, y, max_w, RN_SCALE_H};

    nmR_scale_bar_draw(d->cr, d->pc, &b, nmR_round_length(mm_per_m, max_w - 8), mm_per_m, NULL);
    pango_cairo_update_context(d->cr, d->pc);
    return RN_SCALE_H;
}

/* ---- footer ------------------------------------------------------------- */

static double foot_line2_h(pg_doc *d)
{
    double w, h;

    nmR_measure(d, PG_FOOT_PT, 0, "Page 1 of 1", 0, &w, &h);
    return h;
}

void nmR_set_footer(pg_doc *d, const char *sources, const char *periods, int npages)
{
    double w, h = 0;

    d->sources = sources;
    d->periods = periods;
    d->npages = npages;
    if (sources && *sources)
        nmR_measure(d, PG_FOOT_PT, 0, sources, d->w - 2 * PG_MARGIN, &w, &h);
    d->foot_h = h + foot_line2_h(d) + 1.0 + RN_FOOT_GAP;
}

double nmR_body_bottom(const pg_doc *d)
{
    return d->h - PG_MARGIN - d->foot_h;
}

static void draw_footer(pg_doc *d)
{
    double y = d->h - PG_MARGIN - d->foot_h + RN_FOOT_GAP, l2 = foot_line2_h(d);
    char num[48], *when = NULL;
    nmC_buf b = {0};

    nmR_line(d, PG_MARGIN, y - 1.5, d->w - PG_MARGIN, y - 1.5, 0xbfbfbf, 0.2, 0);
    if (d->sources && *d->sources)
        y += nmR_text(d, PG_MARGIN, y, d->w - 2 * PG_MARGIN, PG_FOOT_PT, 0, 0x404040, PG_LEFT,
                     d->sources);
    y += 1.0;
    snprintf(num, sizeof num, "Page %d of %d", d->page, d->npages);
    if (d->periods && *d->periods)
        nmC_buf_addf(&b, "Data: %s", d->periods);
    when = nmC_buf_take(&b);
    if (when)
        nmR_text(d, PG_MARGIN, y, d->w - 2 * PG_MARGIN - 30, PG_FOOT_PT, 0, 0x404040, PG_LEFT,
                when);
    nmR_text(d, d->w - PG_MARGIN - 30, y, 30, PG_FOOT_PT, 0, 0x404040, PG_RIGHT, num);
    (void)l2;
    nm_free(when);
}

nm_status nmR_next_page(pg_doc *d, double w, double h)
{
    draw_footer(d);
    cairo_show_page(d->cr);
    d->page++;
    d->w = w;
    d->h = h;
    if (!d->png)
        cairo_pdf_surface_set_size(d->surf, w * d->k, h * d->k);
    cairo_identity_matrix(d->cr);
    cairo_scale(d->cr, d->k, d->k);
    pango_cairo_update_context(d->cr, d->pc);
    if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS)
        return nmC_fail(d->ctx, NM_ERROR, "drawing the page failed: %s",
                       cairo_status_to_string(cairo_status(d->cr)));
    return NM_OK;
}

nm_status nmR_close(pg_doc *d)
{
    cairo_status_t st;
    nm_status rc = NM_OK;

    draw_footer(d);
    if (d->png) {
        cairo_surface_flush(d->surf);
    } else {
        cairo_tag_end(d->cr, "Document");
        cairo_show_page(d->cr);
    }
    st = cairo_status(d->cr);
    cairo_destroy(d->cr);
    d->cr = NULL;
    if (st == CAIRO_STATUS_SUCCESS && d->png)
        st = cairo_surface_write_to_png_stream(d->surf, to_file, d->a.fp);
    cairo_surface_finish(d->surf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(d->surf);
    if (st != CAIRO_STATUS_SUCCESS)
        rc = nmC_fail(d->ctx, st == CAIRO_STATUS_NO_MEMORY ? NM_NOMEM : NM_ERROR,
                     "drawing the page failed: %s", cairo_status_to_string(st));
    if (rc == NM_OK)
        rc = nmC_atomic_commit(d->ctx, &d->a);
    return rc;
}

void nmR_free(pg_doc *d)
{
    if (d->cr)
        cairo_destroy(d->cr);
    if (d->surf) {
        cairo_surface_finish(d->surf);
        cairo_surface_destroy(d->surf);
    }
    if (d->pc)
        g_object_unref(d->pc);
    nmC_atomic_abort(&d->a);
    d->cr = NULL;
    d->surf = NULL;
    d->pc = NULL;
}

/* Size of a bold heading wrapped between words only: wider than w when a
 * word does not fit. */
static void pg_measure_words(pg_doc *d, double pt, int bold, const char *text, double w,
                             double *tw, double *th)
{
    PangoLayout *lay = layout_of(d, pt, bold, text, w, PG_LEFT | PG_WORDS);
    PangoRectangle log;

    pango_layout_get_extents(lay, NULL, &log);
    *tw = (double)log.width / PANGO_SCALE;
    *th = (double)log.height / PANGO_SCALE;
    g_object_unref(lay);
}

/* ---- tables -------------------------------------------------------------- */

#define CELL_PAD 1.0   /* mm around a cell's text */
#define COL_MAX 24.0   /* columns widen to this when the width allows */
#define FIT_SLACK 1.03 /* widths scale with the type; this covers hinting */

static const char *cell_at(const char *const *a, int i)
{
    return a && a[i] ? a[i] : "";
}

/* How a table is set: its type, its columns' widths and the blocks of
 * columns it is cut into when it cannot fit the width at the smallest
 * type. */
typedef struct tb_fit {
    double pt, head_pt, sub_pt, label_w;
    double *col_w;  /* ncols */
    int *start;     /* nblocks + 1 column indices */
    int nblocks;
} tb_fit;

/* Natural widths at the table's largest type: each column's widest cell,
 * interval and heading word; the labels' widest word and whole label. */
typedef struct tb_natural {
    double *col;         /* ncols, text only */
    double label_word, label_whole;
} tb_natural;

static double sub_pt_of(double pt)
{
    return fmax(pt - 1, PG_TABLE_MIN_PT - 0.5);
}

static void natural_widths(pg_doc *d, const pg_table *t, tb_natural *n)
{
    double tw, th, head_pt = t->pt - 0.5, sub_pt = sub_pt_of(t->pt);
    int r, c;

    n->label_word = n->label_whole = 0;
    for (r = 0; r < t->nrows; r++) {
        nmR_measure(d, t->pt, 0, t->label[r], 0, &tw, &th);
        n->label_whole = fmax(n->label_whole, tw);
        pg_measure_words(d, t->pt, 0, t->label[r], 0.1, &tw, &th);
        n->label_word = fmax(n->label_word, tw);
    }
    for (c = 0; c < t->ncols; c++) {
        pg_measure_words(d, head_pt, 1, t->head[c], 0.1, &tw, &th);
        n->col[c] = tw * t->pt / head_pt; /* kept at the cells' scale */
        for (r = 0; r < t->nrows; r++) {
            const char *v = cell_at(t->cell, r * t->ncols + c);
            const char *s = cell_at(t->sub, r * t->ncols + c);
            nmR_measure(d, t->pt, 0, v, 0, &tw, &th);
            n->col[c] = fmax(n->col[c], tw);
            if (*s) {
                nmR_measure(d, sub_pt, 0, s, 0, &tw, &th);
                n->col[c] = fmax(n->col[c], tw * t->pt / sub_pt);
            }
        }
    }
}

/* Widens the columns of block [c0, c1) into 'spare' mm: the narrowest
 * first, towards one width for all (evenly spaced figures), then evenly up
 * to COL_MAX; none is made narrower. */
static void widen(tb_fit *f, int c0, int c1, double spare)
{
    double lo = 0, hi = COL_MAX;
    int c, i;

    for (c = c0; c < c1; c++)
        hi = fmax(hi, f->col_w[c]);
    for (i = 0; i < 40; i++) { /* the level the spare width fills to */
        double mid = (lo + hi) / 2, need = 0;
        for (c = c0; c < c1; c++)
            need += fmax(0, mid - f->col_w[c]);
        if (need > spare)
            hi = mid;
        else
            lo = mid;
    }
    for (c = c0; c < c1; c++)
        f->col_w[c] = fmax(f->col_w[c], lo);
}

/* Cuts the columns into blocks that fit w beside the labels, at most
 * 'per' columns each, each widened to w when 'fill'.  Returns the number
 * of blocks. */
static int cut_blocks(tb_fit *f, int ncols, double w, int per, int fill)
{
    int c = 0;

    f->nblocks = 0;
    f->start[0] = 0;
    while (c < ncols) {
        double used = f->label_w;
        int c0 = c;
        do
            used += f->col_w[c++];
        while (c < ncols && c - c0 < per && used + f->col_w[c] <= w + 1e-6);
        if (fill)
            widen(f, c0, c, w - used);
        f->start[++f->nblocks] = c;
    }
    return f->nblocks;
}

/* The largest type at which the table fits w (in one block), else the
 * smallest type and as many blocks as it takes. */
static void fit_table(const pg_table *t, const tb_natural *n, double w, tb_fit *f)
{
    double pt, k = 1, label_w = 0, sum = 0, lab_min = 0, lab_pref = 0;
    int c, fewest, per, i;

    for (pt = t->pt;; pt -= 0.25) {
        k = pt / t->pt * FIT_SLACK;
        lab_min = n->label_word * k + 2 * CELL_PAD;
        lab_pref = fmax(lab_min, fmin(n->label_whole * k + 2 * CELL_PAD, 0.3 * w));
        sum = 0;
        for (c = 0; c < t->ncols; c++)
            sum += n->col[c] * k + 2 * CELL_PAD;
        label_w = fmax(lab_min, fmin(lab_pref, w - sum));
        if (label_w + sum <= w || pt - 0.25 < PG_TABLE_MIN_PT - 1e-9)
            break;
    }
    f->pt = pt;
    f->head_pt = pt - 0.5;
    f->sub_pt = sub_pt_of(pt);
    for (c = 0; c < t->ncols; c++)
        f->col_w[c] = n->col[c] * k + 2 * CELL_PAD;
    if (label_w + sum <= w) {
        f->label_w = label_w;
        cut_blocks(f, t->ncols, w, t->ncols, 1);
        return;
    }
    /* blocks of columns: as few as the narrowest labels allow, the labels
       then as wide as keeps that number, the columns shared out evenly */
    f->label_w = lab_min;
    fewest = cut_blocks(f, t->ncols, w, t->ncols, 0);
    per = (t->ncols + fewest - 1) / fewest;
    for (i = 4; i >= 0; i--) {
        f->label_w = lab_min + (lab_pref - lab_min) * i / 4;
        if (cut_blocks(f, t->ncols, w, per, 0) == fewest || i == 0)
            break;
    }
    cut_blocks(f, t->ncols, w, per, 1);
}

static double head_height(pg_doc *d, const pg_table *t, const tb_fit *f, int c0, int c1)
{
    double h = 0, tw, th;

    for (int c = c0; c < c1; c++) {
        pg_measure_words(d, f->head_pt, 1, t->head[c], f->col_w[c] - 2 * CELL_PAD, &tw, &th);
        h = fmax(h, th);
    }
    return h + 2 * CELL_PAD;
}

static double row_height(pg_doc *d, const pg_table *t, const tb_fit *f, int r, int c0, int c1)
{
    double tw, lh, th, sh, rh;
    int two = 0;

    pg_measure_words(d, f->pt, 0, t->label[r], f->label_w - 2 * CELL_PAD, &tw, &lh);
    for (int c = c0; c < c1; c++)
        two |= *cell_at(t->sub, r * t->ncols + c) != '\0';
    nmR_measure(d, f->pt, 0, "0", 0, &tw, &th);
    rh = fmax(lh, th);
    if (two) {
        nmR_measure(d, f->sub_pt, 0, "0", 0, &tw, &sh);
        rh = fmax(rh, th + sh);
    }
    return rh + 2 * CELL_PAD;
}

/* Right-aligned text that never wraps: the column is as wide as it. */
static double text_right(pg_doc *d, double right, double y, double pt, uint32_t rgb,
                         const char *s)
{
    double tw, th;

    nmR_measure(d, pt, 0, s, 0, &tw, &th);
    nmR_text(d, right - tw, y, 0, pt, 0, rgb, PG_LEFT, s);
    return th;
}

static double col_x(const tb_fit *f, double x, int c0, int c)
{
    x += f->label_w;
    for (int i = c0; i < c; i++)
        x += f->col_w[i];
    return x;
}

static void draw_head(pg_doc *d, const pg_table *t, const tb_fit *f, int c0, int c1, double x,
                      double y, double head_h, double total_w)
{
    nmR_tag_begin(d, "TR");
    nmR_tag_begin(d, "TH"); /* the row labels' column, unheaded */
    nmR_tag_end(d, "TH");
    for (int c = c0; c < c1; c++) {
        double cx = col_x(f, x, c0, c);
        if (t->group && t->group[c])
            nmR_fill(d, cx, y, f->col_w[c], head_h, 0xe8e8e8);
        nmR_tag_begin(d, "TH");
        nmR_text(d, cx + CELL_PAD, y + CELL_PAD, f->col_w[c] - 2 * CELL_PAD, f->head_pt, 1, PG_INK,
                PG_RIGHT | PG_WORDS, t->head[c]);
        nmR_tag_end(d, "TH");
    }
    nmR_tag_end(d, "TR");
    nmR_line(d, x, y + head_h, x + total_w, y + head_h, PG_INK, 0.3, 0);
}

static void draw_row(pg_doc *d, const pg_table *t, const tb_fit *f, int r, int c0, int c1,
                     double x, double y, double rh, double total_w)
{
    if (r % 2 == 1)
        nmR_fill(d, x, y, total_w, rh, 0xf4f4f4);
    for (int c = c0; c < c1; c++)
        if (t->group && t->group[c])
            nmR_fill(d, col_x(f, x, c0, c), y, f->col_w[c], rh, r % 2 ? 0xe4e4e4 : 0xececec);
    /* a row's label heads it (TH), its figures are cells (TD) */
    nmR_tag_begin(d, "TR");
    nmR_tag_begin(d, "TH");
    nmR_text(d, x + CELL_PAD, y + CELL_PAD, f->label_w - 2 * CELL_PAD, f->pt, 0, PG_INK,
            PG_LEFT | PG_WORDS, t->label[r]);
    nmR_tag_end(d, "TH");
    for (int c = c0; c < c1; c++) {
        double right = col_x(f, x, c0, c + 1) - CELL_PAD;
        const char *v = cell_at(t->cell, r * t->ncols + c);
        const char *s = cell_at(t->sub, r * t->ncols + c);
        int quiet = strcmp(v, "suppressed") == 0;
        nmR_tag_begin(d, "TD");
        double vh = text_right(d, right, y + CELL_PAD, quiet ? fmax(f->pt - 1, PG_TABLE_MIN_PT - 0.5)
                                                            : f->pt,
                               quiet ? PG_GREY : PG_INK, v);
        if (*s)
            text_right(d, right, y + CELL_PAD + vh, f->sub_pt, PG_GREY, s);
        nmR_tag_end(d, "TD");
    }
    nmR_tag_end(d, "TR");
}

/* The bottom rule and the rules before the group columns of a block
 * drawn from y0 to y1. */
static void close_block(pg_doc *d, const pg_table *t, const tb_fit *f, int c0, int c1, double x,
                        double y0, double y1, double total_w)
{
    nmR_line(d, x, y1, x + total_w, y1, PG_INK, 0.3, 0);
    for (int c = c0; c < c1; c++)
        if (t->group && t->group[c] && (c == c0 || !t->group[c - 1])) {
            double gx = col_x(f, x, c0, c);
            nmR_line(d, gx, y0, gx, y1, 0x8c8c8c, 0.2, 0);
        }
}

/* One block of columns, rows continuing on new pages with the header
 * repeated.  Returns the y below it. */
static double draw_block(pg_doc *d, const pg_table *t, const tb_fit *f, int c0, int c1,
                         double x, double y, int draw, nm_status *rc)
{
    double total_w = col_x(f, 0, c0, c1), head_h = head_height(d, t, f, c0, c1), y0;
    int r;

    /* a header is never left alone at the foot of a page */
    if (t->next_page && t->nrows > 0 &&
        y + head_h + row_height(d, t, f, 0, c0, c1) > nmR_body_bottom(d) &&
        (*rc = t->next_page(t->user, &y)) != NM_OK)
        return 0;
    y0 = y;
    /* each page's part is a Table of its own, with its header row: the
       footer and the heading repeated on the next page are no part of it */
    if (draw) {
        nmR_tag_begin(d, "Table");
        draw_head(d, t, f, c0, c1, x, y, head_h, total_w);
    }
    y += head_h;
    for (r = 0; r < t->nrows; r++) {
        double rh = row_height(d, t, f, r, c0, c1);
        if (t->next_page && y + rh > nmR_body_bottom(d) && r > 0) {
            if (draw) {
                close_block(d, t, f, c0, c1, x, y0, y, total_w);
                nmR_tag_end(d, "Table");
            }
            if ((*rc = t->next_page(t->user, &y)) != NM_OK)
                return 0;
            y0 = y;
            if (draw) {
                nmR_tag_begin(d, "Table");
                draw_head(d, t, f, c0, c1, x, y, head_h, total_w);
            }
            y += head_h;
        }
        if (draw)
            draw_row(d, t, f, r, c0, c1, x, y, rh, total_w);
        y += rh;
    }
    if (draw) {
        close_block(d, t, f, c0, c1, x, y0, y, total_w);
        nmR_tag_end(d, "Table");
    }
    return y;
}

double nmR_table_draw(pg_doc *d, const pg_table *t, double x, double y, double w, int draw,
                     nm_status *rc)
{
    nm_status local = NM_OK;
    tb_natural n = {nm_calloc((size_t)t->ncols + 1, sizeof(double)), 0, 0};
    tb_fit f = {0};

    if (!rc)
        rc = &local;
    *rc = NM_OK;
    f.col_w = nm_calloc((size_t)t->ncols + 1, sizeof *f.col_w);
    f.start = nm_calloc((size_t)t->ncols + 2, sizeof *f.start);
    if (!n.col || !f.col_w || !f.start) {
        *rc = nmC_fail(d->ctx, NM_NOMEM, "out of memory");
        y = 0;
        goto cleanup;
    }
    natural_widths(d, t, &n);
    fit_table(t, &n, w, &f);
    for (int b = 0; b < f.nblocks && *rc == NM_OK; b++)
        y = draw_block(d, t, &f, f.start[b], f.start[b + 1], x, y + (b ? 3.0 : 0), draw, rc);

cleanup:
    nm_free(n.col);
    nm_free(f.col_w);
    nm_free(f.start);
    return *rc == NM_OK ? y : 0;
}

/* ---- bar charts ------------------------------------------------------------ */

/* A round step (1, 2, 2.5 or 5 times a power of ten) giving about 'n'
 * intervals up to 'max'. */
static double nice_step(double max, int n)
{
    double raw = max / n, p = pow(10, floor(log10(raw))), f = raw / p;

    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

static void fmt_axis(double v, int percent, char out[32])
{
    double x = percent ? v * 100 : v;

    if (fabs(x - round(x)) < 1e-9)
        snprintf(out, 32, "%.0f%s", x, percent ? "%" : "");
    else
        snprintf(out, 32, "%.1f%s", x, percent ? "%" : "");
}

void nmR_chart_draw(pg_doc *d, const pg_chart *c, const nm_rect *box)
{
    double pt = PG_SMALL_PT, tw, th, label_w = 0, y = box->y, max = 0, step, px, pw, row_h, bar_h;
    double axis_h, plot_top, plot_bot, value_w;
    char buf[48];
    int i, n;

    y += nmR_text(d, box->x, y, box->w, PG_TEXT_PT, 1, PG_INK, PG_LEFT, c->title) + 1.5;
    nmR_tag_begin(d, "Figure");
    for (i = 0; i < c->nbars; i++) {
        nmR_measure(d, pt, c->bar[i].bold, c->bar[i].label, 0, &tw, &th);
        label_w = fmax(label_w, tw);
        if (!isnan(c->bar[i].v))
            max = fmax(max, c->bar[i].v);
        if (!isnan(c->bar[i].hi))
            max = fmax(max, c->bar[i].hi);
    }
    if (!isnan(c->ref))
        max = fmax(max, c->ref);
    label_w = fmin(label_w, box->w * 0.32) + 2;
    if (max <= 0)
        max = 1;
    step = nice_step(max, 4);
    n = (int)ceil(max / step - 1e-9);
    max = n * step;
    nmR_measure(d, pt, 0, "suppressed", 0, &value_w, &th);
    px = box->x + label_w;
    pw = box->w - label_w - value_w - 1;
    nmR_measure(d, pt - 0.5, 0, c->axis, pw, &tw, &axis_h);
    axis_h += th + 2.5; /* tick labels, then the axis title */
    plot_top = y + (isnan(c->ref) ? 0 : th + 0.5);
    plot_bot = box->y + box->h - axis_h;
    row_h = (plot_bot - plot_top) / (c->nbars ? c->nbars : 1);
    bar_h = fmin(row_h * 0.62, 5.5);
    /* grid and ticks */
    for (i = 0; i <= n; i++) {
        double gx = px + pw * i / n;
        nmR_line(d, gx, plot_top, gx, plot_bot, i == 0 ? 0x404040 : 0xd9d9d9, i == 0 ? 0.3 : 0.15, 0);
        fmt_axis(step * i, c->percent, buf);
        nmR_text(d, gx - 10, plot_bot + 0.8, 20, pt - 0.5, 0, PG_GREY, PG_CENTRE, buf);
    }
    nmR_line(d, px, plot_bot, px + pw, plot_bot, 0x404040, 0.3, 0);
    nmR_text(d, px, plot_bot + 1.0 + th, pw, pt - 0.5, 0, PG_GREY, PG_CENTRE, c->axis);
    /* England under the bars and their numbers, which stay readable */
    if (!isnan(c->ref)) {
        double rx = px + pw * c->ref / max, rw, rh;
        nmR_line(d, rx, plot_top - 0.3, rx, plot_bot, PG_INK, 0.35, 1);
        nmR_measure(d, pt - 0.5, 0, c->ref_label, 0, &rw, &rh);
        nmR_text(d, fmin(rx - rw / 2, box->x + box->w - rw), plot_top - rh - 0.5, 0, pt - 0.5, 0,
                PG_INK, PG_LEFT, c->ref_label);
    }
    for (i = 0; i < c->nbars; i++) {
        const pg_bar *b = &c->bar[i];
        double cy = plot_top + row_h * (i + 0.5), lh, vx, vw, vh;
        nmR_measure(d, pt, b->bold, b->label, label_w - 2, &tw, &lh);
        nmR_text(d, box->x, cy - lh / 2, label_w - 2, pt, b->bold, PG_INK, PG_RIGHT, b->label);
        if (b->suppressed || isnan(b->v)) {
            const char *why = b->suppressed ? "suppressed (small number)" : "no data";
            nmR_measure(d, pt, 0, why, 0, &vw, &vh);
            nmR_fill(d, px + 0.6, cy - vh / 2, vw + 0.8, vh, 0xffffff);
            nmR_text(d, px + 1, cy - vh / 2, 0, pt, 0, PG_GREY, PG_LEFT, why);
            continue;
        }
        nmR_fill(d, px, cy - bar_h / 2, pw * b->v / max, bar_h, b->rgb);
        if (!isnan(b->lo) && !isnan(b->hi)) {
            double x0 = px + pw * b->lo / max, x1 = px + pw * b->hi / max;
            nmR_line(d, x0, cy, x1, cy, PG_INK, 0.25, 0);
            nmR_line(d, x0, cy - bar_h / 3, x0, cy + bar_h / 3, PG_INK, 0.25, 0);
            nmR_line(d, x1, cy - bar_h / 3, x1, cy + bar_h / 3, PG_INK, 0.25, 0);
        }
        if (!c->percent)
            snprintf(buf, sizeof buf, "%.1f", b->v);
        else
            snprintf(buf, sizeof buf, "%.1f%%", b->v * 100);
        nmR_measure(d, pt - 0.5, b->bold, buf, 0, &vw, &vh);
        vx = px + pw * fmax(b->v, isnan(b->hi) ? b->v : b->hi) / max + 1;
        nmR_fill(d, vx - 0.3, cy - vh / 2, vw + 0.6, vh, 0xffffff);
        nmR_text(d, vx, cy - vh / 2, 0, pt - 0.5, b->bold, PG_INK, PG_LEFT, buf);
    }
    nmR_tag_end(d, "Figure");
}
