/*
 * Internals of the render module: the map document (map.c), interior points
 * for labels (polylabel.c), the page layout in millimetres (layout.c), the
 * geometry in device space (device.c), its fills and outlines on a cairo
 * context (draw.c), the page furniture (furniture.c) and the output formats
 * (write.c).  Nothing here is published.
 */
#ifndef NM_RENDER_INT_H
#define NM_RENDER_INT_H

#include <stdint.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "needsmap/render.h"
#include "nm_int.h"
#include "render/page_int.h"

/* Page furniture, mm (layout.c places it, furniture.c draws it). */
#define RN_MARGIN_DEFAULT PG_MARGIN /* a map page's furniture is a report page's */
#define RN_TITLE_GAP PG_TITLE_GAP /* title to subtitle */
#define RN_MAP_GAP 4.0       /* title block to map, map to bottom panel */
#define RN_FOOT_GAP 3.0      /* above the source line */
#define RN_PANEL_GAP 6.0     /* map to side panel */
#define RN_MAP_PAD 2.0       /* data kept this far inside the frame */
#define RN_DARK_LUMINANCE 0.1 /* fills darker (relative luminance) get lighter outlines */
#define RN_SWATCH_W 8.0
#define RN_SWATCH_H 5.0
#define RN_ROW_H 6.5         /* legend row pitch */
#define RN_SWATCH_GAP 2.5    /* swatch to label */
#define RN_COUNT_GAP 3.0     /* label to count */
#define RN_COL_GAP 7.0       /* between legend columns */
#define RN_LEG_TITLE_GAP 2.0 /* legend title to first row */
#define RN_SCALE_MAX 40.0    /* longest scale bar */
#define RN_SCALE_H 6.0       /* scale bar with its numbers */
#define RN_SCALE_BLOCK_W 52.0
#define RN_ARROW_W 7.0
#define RN_ARROW_H 13.0 /* with its "N" */
#define RN_LABEL_HALO 0.5
#define RN_BOTTOM_LEGEND_MAX_H 42.0
#define RN_MAX_COLS 4 /* legend columns in a bottom panel */

#define RN_MM_PER_INCH 25.4
#define RN_PT_PER_MM (72.0 / 25.4)

/* Cairo's source colour from 0xRRGGBB (draw.c). */
void nmR_set_rgb(cairo_t *cr, uint32_t rgb);

/* One copied geometry: rings [ring0, ring0 + nrings) of the store. */
typedef struct rn_shape {
    size_t ring0, nrings;
    double bbox[4]; /* minx, miny, maxx, maxy */
    uint32_t rgb;   /* fill of a feature */
    int flags;      /* NM_MAP_MISSING */
    int layer;      /* overlay layer of an outline, -1 for a feature */
} rn_shape;

/* Every copied coordinate: ring i is points [rs[i], rs[i + 1]). */
typedef struct rn_store {
    double *xy;
    size_t npt, cap_pt;
    size_t *rs; /* nring + 1 entries once anything was added */
    size_t nring, cap_ring;
} rn_store;

typedef struct rn_layer {
    uint32_t rgb;
    double width_mm;
} rn_layer;

typedef struct rn_label {
    char *text;
    char *key;     /* the area's code, for reports; may be NULL */
    int flags;     /* NM_LABEL_OWN */
    double x, y;   /* BNG anchor */
    double radius; /* distance from the anchor to the polygon's edge, metres */
    /* the last layout's outcome (nm_map_label_info) */
    nm_label_status status;
    double pt;
    double box[4];    /* the text's box on the page, mm: x, y, w, h */
    int leader;       /* joined to its area by the line 'line' */
    double line[4];   /* x0, y0, x1, y1, mm */
} rn_label;

typedef struct rn_legend {
    uint32_t rgb;
    int flags;
    char *label;
    long count;
} rn_legend;

struct nm_map {
    nm_paper paper;
    double size_mm[2]; /* NM_PAPER_CUSTOM: width, height */
    nm_orient orient;
    double dpi;
    nm_render_opts opts;
    int has_extent;
    double ext[4];
    char *title, *subtitle, *attribution, *legend_title;
    char *description; /* alt text: PDF Subject, SVG <desc> */
    rn_store st;
    rn_shape *feat;
    size_t nfeat, cap_feat;
    rn_shape *outl;
    size_t noutl, cap_outl;
    rn_layer *layers;
    size_t nlayers, cap_layers;
    rn_label *labels;
    size_t nlabels, cap_labels;
    rn_legend *legend;
    size_t nlegend, cap_legend;
    nm_map *locator; /* the inset showing where the map lies (nm_map_locator), or NULL */
};

/* Text styles of the page. */
typedef enum rn_font {
    RN_F_TITLE,
    RN_F_SUBTITLE,
    RN_F_LEGEND_TITLE,
    RN_F_LEGEND,
    RN_F_COUNT,
    RN_F_SCALE,
    RN_F_NORTH,
    RN_F_LABEL,
    RN_F_ATTRIB,
    RN_F_COUNT_OF_FONTS
} rn_font;

/* A label where it will be drawn: top-left of its text in mm, its size,
 * and for a name outside its area the leader line from the area's label
 * point (x0, y0) to the text's edge (x1, y1). */
typedef struct rn_placed {
    size_t label;
    double x, y;
    double w, h; /* the text's size at pt */
    double pt;
    int leader;
    double x0, y0, x1, y1;
} rn_placed;

/* The full layout: the public part plus what drawing needs. */
typedef struct rn_layout {
    nm_map_layout pub;
    double ext[4];     /* the extent fitted into the map box */
    double mm_per_m;   /* uniform map scale on the page */
    double ax, ay;     /* page mm = (ax + X * mm_per_m, ay - Y * mm_per_m) */
    nm_rect subtitle;  /* below the title */
    int legend_cols, legend_rows;
    double legend_title_h;
    double legend_col_x[RN_MAX_COLS]; /* from the legend's left edge */
    double legend_col_w[RN_MAX_COLS]; /* swatch to the end of the counts */
    double legend_row_h;
    rn_placed *placed;
    size_t nplaced;
    nm_label_status *label_status; /* per label of the map */
} rn_layout;

/* ---- polylabel.c -------------------------------------------------------- */

/* The pole of inaccessibility of the polygon made of rings [ring0, ring0 +
 * nrings) (first ring exterior; ring i is points [rs[i], rs[i + 1]) of
 * 'xy'), to within 'precision' metres.  OUT x, y, dist (distance to the
 * nearest edge).  Returns NM_OK or NM_NOMEM. */
nm_status nmR_polylabel(nm_ctx *ctx, const double *xy, const size_t *rs, size_t ring0,
                       size_t nrings, double precision, double *x, double *y, double *dist);

/* ---- font.c ------------------------------------------------------------- */

#define RN_FONT_DEFAULT "DejaVu Sans"
/* 'family', or RN_FONT_DEFAULT when it is NULL or empty. */
const char *nmR_font_family(const char *family);

/* ---- layout.c ----------------------------------------------------------- */

/* A Pango context whose units are millimetres, with hinting and glyph
 * rounding off so that text measures the same at every resolution, and
 * whose texts are in 'family' (NULL or empty: RN_FONT_DEFAULT).
 * Returns NULL when memory is exhausted.  Caller frees with g_object_unref. */
PangoContext *nmR_pango_context(const char *family);
/* The family of a context's texts, for SVG and HTML text. */
const char *nmR_context_family(PangoContext *pc);
/* A layout of 'text' in 'font', wrapped at 'width_mm' when above 0.
 * Caller frees with g_object_unref. */
PangoLayout *nmR_rn_text(PangoContext *pc, rn_font font, const char *text, double width_mm);
/* As nmR_rn_text() at 'pt' points instead of the font's own size. */
PangoLayout *nmR_text_pt(PangoContext *pc, rn_font font, double pt, const char *text,
                        double width_mm);
/* The factor (at most 1) the page's texts are drawn at, except labels,
 * which have their own size; it rides on the context, 1 until set. */
void nmR_set_text_scale(PangoContext *pc, double k);
double nmR_text_scale(PangoContext *pc);
/* Logical size of a layout in mm.  OUT w, h. */
void nmR_text_size(PangoLayout *lay, double *w, double *h);
/* Size in points, weight and colour (0xRRGGBB) of a font.  OUT pt, bold, rgb. */
void nmR_font_info(rn_font font, double *pt, int *bold, uint32_t *rgb);
/* The extent the map shows: the one set, or the features'.  Returns 0 when
 * there is none. */
int nmR_map_extent(const nm_map *map, double ext[4]);
/* Computes the layout.  OUT lay (free with nmR_layout_free).  Returns NM_OK,
 * NM_USAGE (no extent), NM_NOMEM. */
nm_status nmR_layout_compute(nm_ctx *ctx, const nm_map *map, PangoContext *pc, rn_layout *lay);
/* Lays the map out inside 'box' (mm on a page drawn by someone else): no
 * title or source line, the legend and scale bar in a panel at the box's
 * right, labels placed as on a page.  OUT lay (free with nmR_layout_free).
 * Returns NM_OK, NM_USAGE (no extent, box too small), NM_NOMEM. */
nm_status nmR_layout_box(nm_ctx *ctx, const nm_map *map, PangoContext *pc, const nm_rect *box,
                        rn_layout *lay);
void nmR_layout_free(rn_layout *lay);
/* Places the map's labels on a layout whose frame (pub.map), scale and
 * offsets (mm_per_m, ax, ay) are set, as nmR_layout_compute() does: OUT
 * lay->placed, lay->label_status.  For pages drawn by others (svgpath.c).
 * Returns NM_OK or NM_NOMEM. */
nm_status nmR_place_labels(nm_ctx *ctx, const nm_map *map, PangoContext *pc, rn_layout *lay);
/* The longest round length (1, 2 or 5 times a power of ten metres) a
 * scale bar of at most max_mm shows at mm_per_m. */
double nmR_round_length(double mm_per_m, double max_mm);
/* Copies the labels' outcome of a layout into the map (nm_map_label_info). */
void nmR_layout_record(nm_map *map, const rn_layout *lay);

/* ---- device.c ----------------------------------------------------------- */

/* Geometry in device space, simplified for one output. */
typedef struct rn_devshape {
    size_t pt0, ring0, nrings;
    float x0, y0, x1, y1; /* device bbox */
} rn_devshape;

typedef struct rn_dev {
    float *xy;
    size_t npt, cap_pt;
    uint32_t *rlen;
    size_t nring, cap_ring;
    rn_devshape *sh; /* one per shape of the source array; nrings 0 = culled */
    size_t nsh;
} rn_dev;

/* Transforms shapes to device units (k device units per mm, device origin
 * at the page's top-left), snapped to a grid of 'grid' device units (none
 * when 0), with vertices that deviate less than 'tol' device units from
 * the line through their neighbours removed, and shapes outside the map
 * box culled.  OUT dev (free with nmR_dev_free).  Returns NM_OK or
 * NM_NOMEM. */
nm_status nmR_dev_build(nm_ctx *ctx, const nm_map *map, const rn_layout *lay, const rn_shape *sh,
                       size_t n, double k, double grid, double tol, rn_dev *dev);
void nmR_dev_free(rn_dev *dev);

/* ---- draw.c ------------------------------------------------------------- */

/* Fills the current path in the missing-data style: light grey under
 * diagonal hatching on a grid fixed to the page, unlike any palette
 * colour.  (x0, y0, x1, y1) bounds the path; k is user units per mm.
 * Consumes the path.  The legend's swatch for no data is drawn so too. */
void nmR_fill_missing(cairo_t *cr, double x0, double y0, double x1, double y1, double k);

/* Draws the map's geometry (fills, outlines, overlays) clipped to the map
 * box on a context whose user space is device units; only shapes meeting
 * device rows [row0, row1) are drawn.  'vector' is 1 for PDF and SVG.
 * Returns cairo's status, CAIRO_STATUS_NO_MEMORY when sorting failed. */
cairo_status_t nmR_draw_geometry(cairo_t *cr, const nm_map *map, const rn_layout *lay,
                                const rn_dev *feat, const rn_dev *outl, double k, double row0,
                                double row1, int vector);

/* Text sink for SVG: text is written as <text> elements rather than glyph
 * outlines.  NULL to draw text with Pango. */
typedef struct rn_svgtext {
    nmC_buf buf;
} rn_svgtext;

/* A PNG's image data deflated (zrows.c): raw deflate bytes, the Adler-32
 * of the filtered bytes they hold and the count of those bytes. */
typedef struct rn_zout {
    unsigned char *out;
    size_t nout, cap;
    uint32_t adler;
    size_t nraw;
    int owned;  /* out was allocated for it (else it lies in 'hold') */
    void *hold; /* the encoder's memory (nmR_kept) */
} rn_zout;

/* Row y of a cairo RGB24 image "up"-filtered into out[0 .. 3*width+1)
 * (the filter byte first), its bytes added to the Adler-32 *adler. */
void nmR_filter_row(const unsigned char *pix, int stride, int width, int y, unsigned char *out,
                    uint32_t *adler);
/* Makes room for 'more' bytes after z->nout.  Returns 0 when out of
 * memory. */
int nmR_zout_reserve(rn_zout *z, size_t more);
/* Gives back the memory of z. */
void nmR_zout_free(rn_zout *z);

/* Appends rows [row0, row1) of a cairo RGB24 image, "up"-filtered, to
 * z->out as deflate blocks: the last share ends the stream, any other ends
 * on a byte boundary so that the next share's blocks follow it.  The
 * encoder's memory is the thread's kept block of 'keep_slot' (nmR_kept;
 * RN_KEEP_NONE on a thread that ends before z is written out).  Give z back with
 * nmR_zout_free().  Returns 1, or 0 when out of memory. */
int nmR_deflate_rows(const unsigned char *pix, int stride, int width, int row0, int row1, int last,
                     int keep_slot, rn_zout *z);

/* Memory kept by a thread between maps (pagebuf.c): a build worker's
 * block of each slot serves its next map, the main thread's is fresh.
 * Returns at least 'size' bytes (not zeroed); give them back with
 * nmR_kept_done(*hold), a no-op for a kept block.  NULL when out of
 * memory. */
enum { RN_KEEP_NONE = -1, RN_KEEP_PAGE, RN_KEEP_ZROWS /* one a deflate share: up to 8 */,
       RN_KEEP_SLOTS = RN_KEEP_ZROWS + 8 };
unsigned char *nmR_kept(int slot, size_t size, void **hold);
void nmR_kept_done(void *hold);

/* ---- furniture.c -------------------------------------------------------- */

/* Draws labels, frame, title, legend, scale bar, north arrow and
 * attribution on a context whose user space is mm. */
void nmR_draw_furniture(cairo_t *cr, PangoContext *pc, const nm_map *map, const rn_layout *lay,
                       rn_svgtext *svg);
/* Parts of the furniture, for a tagged PDF that reads title, map, source:
 * each text of RN_PART_TITLES and RN_PART_SOURCE is a structure element
 * of its own (H1, P); RN_PART_BODY is the rest, drawn over the map. */
enum { RN_PART_TITLES = 1, RN_PART_BODY = 2, RN_PART_SOURCE = 4, RN_PART_ALL = 7 };
void nmR_draw_furniture_part(cairo_t *cr, PangoContext *pc, const nm_map *map,
                            const rn_layout *lay, rn_svgtext *svg, int part);

/* Draws a scale bar of 'metres' at mm_per_m, its numbers above it, in
 * box b (mm; the bar on its foot, RN_SCALE_H high). */
void nmR_scale_bar_draw(cairo_t *cr, PangoContext *pc, const nm_rect *b, double metres,
                       double mm_per_m, rn_svgtext *svg);

/* ---- inset.c ------------------------------------------------------------ */

/* Draws 'map' (geometry, labels, frame, legend, scale bar; never a title
 * or source line) into 'box' of a page another module draws, e.g. the
 * maps of a multi-page summary.  'cr' has mm as user space on a device of
 * 'k' units per mm (cairo_scale(cr, k, k) on a fresh context); 'vector' is
 * 1 for PDF and SVG surfaces.  OUT layout (may be NULL).  Returns NM_OK,
 * NM_USAGE (empty map, box too small), NM_ERROR (drawing), NM_NOMEM. */
nm_status nmR_map_draw_in(nm_ctx *ctx, nm_map *map, cairo_t *cr, PangoContext *pc, double k,
                         int vector, const nm_rect *box, nm_map_layout *layout);

/* Draws the map's locator inset where the layout put it (nothing when it
 * has none), on a context as nmR_map_draw_in()'s.  Returns as
 * nmR_map_draw_in(). */
nm_status nmR_locator_draw(nm_ctx *ctx, const nm_map *map, const rn_layout *lay, cairo_t *cr,
                          PangoContext *pc, double k, int vector);

#endif /* NM_RENDER_INT_H */
