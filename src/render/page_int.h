/*
 * Pages of printed reports drawn with Cairo and Pango in the map pages'
 * style (DejaVu Sans, 10 mm margins, the same title size): a document of
 * one or more pages (PDF, or one PNG page), text, ruled tables, horizontal
 * bar charts with intervals and a reference line, maps in a box (through
 * the render module) and a footer with the page number, sources and dates.
 * summary.c and compare.c decide what goes where.
 */
#ifndef NM_PAGE_INT_H
#define NM_PAGE_INT_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "needsmap/render.h"
#include "nm_int.h"

#define PG_MARGIN 10.0
#define PG_TITLE_GAP 1.2  /* title to subtitle, as a map page */
#define PG_TITLE_PT 16.0   /* as a map page's title */
#define PG_HEAD_PT 12.0    /* section headings */
#define PG_TEXT_PT 9.0
#define PG_SMALL_PT 7.0    /* tables, chart labels */
#define PG_FOOT_PT 6.5     /* as a map page's source line */
#define PG_INK 0x1a1a1aU
#define PG_GREY 0x595959U

enum { PG_LEFT = 0, PG_RIGHT = 1, PG_CENTRE = 2, PG_WORDS = 8 /* or-ed: wrap between words only */ };

typedef struct pg_doc {
    nm_ctx *ctx;
    cairo_surface_t *surf;
    cairo_t *cr;
    PangoContext *pc;
    double w, h;  /* page, mm */
    double k;     /* device units per mm */
    int png;      /* one raster page, written at nmR_close() */
    double dpi;
    nmC_atomic a;
    int page, npages;
    const char *sources, *periods; /* footer texts, borrowed */
    double foot_h; /* footer band with its gap, mm */
    int measure;   /* nmR_open_measure: drawn nowhere, for sizes only */
    int tag_depth; /* open structure elements (nmR_tag_begin) */
} pg_doc;

/* Starts a document at 'path' (.pdf: pages of w x h mm; .png: one page at
 * 'dpi'), its texts in the font family 'font' (NULL: the maps' default).
 * 'title' and 'subject' go into a PDF's metadata.  Returns NM_OK,
 * NM_USAGE (extension), NM_ERROR (cannot write), NM_NOMEM.  End with
 * nmR_close() or nmR_free(). */
nm_status nmR_open(nm_ctx *ctx, pg_doc *d, const char *path, double w, double h, double dpi,
                  const char *font, const char *title, const char *subject);
/* A document that draws nowhere (a recording surface), for measuring a
 * page's content before choosing its size.  Free with nmR_free(). */
nm_status nmR_open_measure(nm_ctx *ctx, pg_doc *d, double w, double h, const char *font);
/* Opens and closes a structure element of a PDF's tag tree ("Figure",
 * "Table"...; cairo's names), nested properly; no-ops elsewhere.  nmR_text
 * outside any element is tagged by its size (H1 title, H2 heading, P);
 * inside one it is part of it. */
void nmR_tag_begin(pg_doc *d, const char *tag);
void nmR_tag_end(pg_doc *d, const char *tag);
/* Sets the footer's texts (borrowed until nmR_close) and the page count. */
void nmR_set_footer(pg_doc *d, const char *sources, const char *periods, int npages);
/* The lowest y the body of a page may use. */
double nmR_body_bottom(const pg_doc *d);
/* Draws the footer of the current page and starts the next one, of w x h
 * mm (PDF only). */
nm_status nmR_next_page(pg_doc *d, double w, double h);
/* Draws the last footer, finishes and replaces the file atomically. */
nm_status nmR_close(pg_doc *d);
/* Releases everything; an unfinished file is removed.  Safe after close. */
void nmR_free(pg_doc *d);

/* Text at (x, y) top-left, wrapped at w when w > 0 ('align' then within
 * w).  Returns its height in mm. */
double nmR_text(pg_doc *d, double x, double y, double w, double pt, int bold, uint32_t rgb,
               int align, const char *text);
/* Size of a text.  OUT tw, th. */
void nmR_measure(pg_doc *d, double pt, int bold, const char *text, double w, double *tw,
                double *th);
void nmR_fill(pg_doc *d, double x, double y, double w, double h, uint32_t rgb);
void nmR_line(pg_doc *d, double x0, double y0, double x1, double y1, uint32_t rgb, double width,
             int dashed);
/* A circle of radius r at (x, y), filled with 'fill' unless it is
 * PG_NO_FILL, its ring stroked 'width' wide in 'ring' (mm). */
#define PG_NO_FILL 0xffffffffU
void nmR_circle(pg_doc *d, double x, double y, double r, uint32_t fill, uint32_t ring,
                double width);
/* Draws a map in a box of the page (render's layout: legend at the
 * right).  OUT layout may be NULL. */
nm_status nmR_map(pg_doc *d, nm_map *map, const nm_rect *box, nm_map_layout *layout);
/* The scale (mm per metre) at which a world box ext_w x ext_h metres
 * fills the map frame nmR_map() draws in 'box' (no legend, no scale bar). */
double nmR_map_fit(const nm_rect *box, double ext_w, double ext_h);
/* The extent to give a map so that nmR_map() draws it in 'box' at mm_per_m
 * centred on cx, cy (BNG metres), its frame filling the box.  OUT ext. */
void nmR_map_world(const nm_rect *box, double mm_per_m, double cx, double cy, double ext[4]);
/* Draws a scale bar for mm_per_m, at most max_w mm long with its unit, at
 * x, y; returns its height. */
double nmR_scale_bar(pg_doc *d, double x, double y, double mm_per_m, double max_w);
/* Where nmR_map() would put the map, without drawing.  OUT layout. */
nm_status nmR_map_layout(pg_doc *d, nm_map *map, const nm_rect *box, nm_map_layout *layout);

/* Tables never cut a number: columns are as wide as their widest cell,
 * type shrinks from 'pt' down to PG_TABLE_MIN_PT to fit the width, and a
 * table still too wide is set as several blocks of columns, each with the
 * row labels.  With a page-break callback, rows that reach the bottom of
 * the page continue on the next with the header repeated. */
#define PG_TABLE_MIN_PT 5.5

/* Starts a new page for a table that continues.  OUT y: where the body of
 * the new page starts.  Returns NM_OK or the page's error. */
typedef nm_status (*pg_break_fn)(void *user, double *y);

/* A table: a label column and 'ncols' columns of right-aligned cells, each
 * cell a value and an optional second line (an interval) in smaller type.
 * Columns flagged in 'group' (may be NULL) are set off by a rule and a
 * tint (totals: locality, borough, England). */
typedef struct pg_table {
    int ncols, nrows;
    double pt;                /* the largest type; shrinks to fit */
    const char *const *head;  /* ncols */
    const char *const *label; /* nrows */
    const char *const *cell;  /* nrows * ncols */
    const char *const *sub;   /* nrows * ncols, entries may be NULL or "" */
    const int *group;         /* ncols */
    pg_break_fn next_page;    /* NULL: the table stays on this page */
    void *user;               /* for next_page */
} pg_table;

/* Draws the table at (x, y) within width w when 'draw', else only
 * measures it (page breaks are still taken, so that pages can be counted).
 * Returns the y below it, on the page where it ended; 0 when out of
 * memory or a page break failed (OUT rc, which may be NULL). */
double nmR_table_draw(pg_doc *d, const pg_table *t, double x, double y, double w, int draw,
                     nm_status *rc);

/* A horizontal bar chart: one bar per entry, whiskers for intervals, a
 * dashed reference line (England) when ref is a number. */
typedef struct pg_bar {
    const char *label;
    double v, lo, hi;  /* NAN: none */
    int suppressed;
    uint32_t rgb;
    int bold;          /* totals */
} pg_bar;

typedef struct pg_chart {
    const char *title;
    const char *axis;     /* axis title, with its unit */
    const pg_bar *bar;
    int nbars;
    double ref;           /* NAN: no reference line */
    const char *ref_label;
    int percent;          /* values are shares, axis in % */
} pg_chart;

void nmR_chart_draw(pg_doc *d, const pg_chart *c, const nm_rect *box);

#endif
