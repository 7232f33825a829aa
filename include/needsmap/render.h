/*
 * needsmap render: draws one printed map page (title, choropleth, overlays,
 * labels, legend, scale bar, north arrow, source line) from geometry held in
 * memory, and writes it as PNG, PDF or SVG.  It knows nothing of the store or
 * of classification: the caller passes coordinates in British National Grid
 * metres (EPSG:27700) and the colour of every area, and gets a page whose
 * text and symbols keep the same physical size at every resolution.
 */
#ifndef NEEDSMAP_RENDER_H
#define NEEDSMAP_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "needsmap/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A map page document: built by the calls below, then written. */
typedef struct nm_map nm_map;

typedef enum nm_paper {
    NM_PAPER_A4 = 0,
    NM_PAPER_A3 = 1,
    NM_PAPER_CUSTOM = 2 /* a figure's own size: nm_map_set_size() */
} nm_paper;

/* Where the legend goes. */
typedef enum nm_legend_pos {
    NM_LEGEND_AUTO = 0,   /* beside or below the map, whichever draws it larger */
    NM_LEGEND_RIGHT = 1,
    NM_LEGEND_BOTTOM = 2,
    NM_LEGEND_INSIDE = 3, /* in the map's emptiest corner, on white */
    NM_LEGEND_NONE = 4
} nm_legend_pos;

typedef enum nm_orient {
    NM_ORIENT_AUTO = 0, /* the orientation that draws the data largest */
    NM_ORIENT_PORTRAIT = 1,
    NM_ORIENT_LANDSCAPE = 2
} nm_orient;

/* Flags of a feature or legend entry. */
enum {
    NM_MAP_MISSING = 1, /* no data: drawn light grey with hatching, colour ignored */
    /* context around the selection (a neighbouring area): drawn in its
     * colour under lighter outlines, and left out of the extent a map
     * without nm_map_set_extent() shows */
    NM_MAP_CONTEXT = 2
};

/* Polygon geometry in BNG metres, borrowed for the duration of a call (the
 * map copies what it keeps).
 *   xy          x0, y0, x1, y1, ...: 2 * npoints doubles
 *   ring_start  nrings + 1 point offsets: ring i is points
 *               [ring_start[i], ring_start[i + 1]); a ring need not repeat
 *               its first point
 *   part_start  nparts + 1 ring offsets: part j (one polygon: its first ring
 *               is the exterior, the others are holes) is rings
 *               [part_start[j], part_start[j + 1]).  NULL means one part
 *               holding every ring.
 * Filling uses the even-odd rule over all rings of a feature, so holes and
 * self-intersecting rings come out right whatever their winding. */
typedef struct nm_geom {
    const double *xy;
    size_t npoints;
    const size_t *ring_start;
    size_t nrings;
    const size_t *part_start;
    size_t nparts;
} nm_geom;

/* A rectangle on the page in millimetres, measured from the top-left
 * corner of the page, y downwards. */
typedef struct nm_rect {
    double x, y, w, h;
} nm_rect;

/* Longest font family name, with its NUL. */
#define NM_FONT_MAX 64

/* Rendering options; start from nm_render_opts_init(). */
typedef struct nm_render_opts {
    /* PNG simplification, in output pixels (default 0.35): vertices are
     * snapped to a grid of this size, and a vertex that strays less than
     * 1.5 times this from the line through its neighbours is dropped; 0
     * keeps every vertex. */
    double simplify_px;
    /* The resolution vector output (PDF, SVG) is simplified at, in dots per
     * inch (default 400: a 300 dpi rendering shows no difference from 600,
     * and the file is a third smaller). */
    double print_dpi;
    /* Compression of PNG output, 0-9 (default 3).  1 to 3: needsmap's
     * encoder for flat-coloured maps, three times zlib's speed, files about
     * 15% larger than zlib's level 3; 0 and 4 to 9: zlib at that level,
     * for the smallest file. */
    int png_level;
    /* Threads drawing the map of a PNG in horizontal bands, 1-8 (default 2;
     * a build with -j 2 or more draws each map on one). */
    int threads;
    /* Outline of choropleth areas: width in mm (default 0.1).  When
     * outline_darken is above 0 the outline is the area's own fill darkened
     * by that fraction (default 0.4), so that dense small areas keep their
     * colour; at 0 every outline is outline_rgb (0xRRGGBB). */
    double outline_mm;
    double outline_darken;
    uint32_t outline_rgb;
    /* Draw the scale bar and north arrow (default 1 each). */
    int scale_bar;
    int north_arrow;
    /* Labels: the size names are tried at first, in points (default 7.5),
     * and the smallest they may shrink to (default 5.5) before a name goes
     * outside its area on a leader line (label_leaders, default 1) or is
     * reported as not placed (nm_map_label_info). */
    double label_pt;
    double label_min_pt;
    int label_leaders;
    /* Legend position (default NM_LEGEND_AUTO); the margin around the page
     * in mm (default 10; a figure for a document wants 2 or 3). */
    nm_legend_pos legend_pos;
    double margin_mm;
    /* The map's frame takes all the room the page leaves, for context
     * around the data (default 0: the frame hugs the data, and the page's
     * spare room is left below or beside it). */
    int fill_page;
    /* Areas overlap and are drawn in the order added, the last on top (a
     * locator's area over its region; default 0: areas tile the map and
     * are drawn colour by colour, faster). */
    int in_order;
    /* Font family of every text, as fontconfig names it ("DejaVu Serif");
     * empty: DejaVu Sans.  nm_font_check() says whether it is installed. */
    char font[NM_FONT_MAX];
} nm_render_opts;

/* Where everything went on the page, and how map coordinates relate to the
 * pixels of a PNG at the map's dpi.  All rectangles in mm (see nm_rect); an
 * element not drawn has w = h = 0. */
typedef struct nm_map_layout {
    double page_w_mm, page_h_mm;
    nm_orient orient;           /* PORTRAIT or LANDSCAPE, never AUTO */
    nm_rect title, map, legend, scale_bar, north_arrow, attribution;
    nm_rect legend_swatch0;     /* the first legend swatch */
    nm_rect locator;            /* the locator inset (nm_map_locator), in a corner of the map */
    double scale;               /* map scale denominator: 1 : scale */
    double scale_bar_m;         /* length the scale bar shows, metres */
    double outline_mm;          /* width the areas' outlines are drawn at (0: none) */
    /* the factor the page's texts (not the labels) are drawn at: 1, or down
     * to 0.75 where a small page would otherwise leave the map under a
     * third of it or not fit its legend */
    double text_scale;
    int labels_placed;          /* labels drawn, at any size or on a leader line */
    int labels_unplaced;        /* labels left out: nm_map_label_info says why */
    /* PNG georeference (a world file's six numbers): pixel size in metres,
     * and BNG x, y of the centre of the top-left pixel of the page. */
    double dpi;
    long width_px, height_px;
    double pixel_size;
    double origin_x, origin_y;
} nm_map_layout;

/* Checks that fontconfig has the font family 'family' (case-insensitive,
 * as fontconfig matches it), so that a figure is not silently drawn in a
 * substitute.  Returns NM_OK, or NM_USAGE naming the family and the
 * installed families closest to it. */
nm_status nm_font_check(nm_ctx *ctx, const char *family);

/* Fills 'opts' with the defaults listed at nm_render_opts. */
void nm_render_opts_init(nm_render_opts *opts);

/* Creates an empty map: A4, orientation AUTO, 300 dpi, default options.
 * Returns NULL only when memory is exhausted.  Caller frees with
 * nm_map_free(). */
nm_map *nm_map_new(void);
/* Frees a map; NULL is a no-op. */
void nm_map_free(nm_map *map);

/* Sets paper, orientation and the resolution of PNG output (dpi in
 * [36, 1200]).  Returns NM_OK, or NM_USAGE for a value out of range. */
nm_status nm_map_set_page(nm_ctx *ctx, nm_map *map, nm_paper paper, nm_orient orient,
                          double dpi);
/* Sets a page of any size, w x h mm (each 30 to 2000), for a figure
 * placed in a document; orientation follows the size.  Returns NM_OK, or
 * NM_USAGE for a size out of range. */
nm_status nm_map_set_size(nm_ctx *ctx, nm_map *map, double w_mm, double h_mm);
/* Sets the rendering options (copied).  Returns NM_OK, or NM_USAGE for a
 * value out of range. */
nm_status nm_map_set_options(nm_ctx *ctx, nm_map *map, const nm_render_opts *opts);
/* Sets the area of the world the map must show, in BNG metres; the map is
 * scaled uniformly to fit it and centred.  Without it the extent of the
 * features is used.  Returns NM_OK, or NM_USAGE when the box is empty or
 * not finite. */
nm_status nm_map_set_extent(nm_ctx *ctx, nm_map *map, double minx, double miny, double maxx,
                            double maxy);
/* Sets the title and the subtitle (either may be NULL: none).  UTF-8, copied.
 * Returns NM_OK, NM_BADDATA for invalid UTF-8, NM_NOMEM. */
nm_status nm_map_set_title(nm_ctx *ctx, nm_map *map, const char *title, const char *subtitle);
/* Sets the source and attribution text at the foot of the page, wrapped to
 * the page width; "\n" starts a new line.  UTF-8, copied; NULL for none.
 * Returns NM_OK, NM_BADDATA for invalid UTF-8, NM_NOMEM. */
nm_status nm_map_set_attribution(nm_ctx *ctx, nm_map *map, const char *text);
/* Sets a description of what the map shows (its alt text), written as the
 * PDF's Subject and the SVG's <desc>; not drawn.  UTF-8, copied; NULL for
 * none.  Returns NM_OK, NM_BADDATA for invalid UTF-8, NM_NOMEM. */
nm_status nm_map_set_description(nm_ctx *ctx, nm_map *map, const char *text);

/* Adds a choropleth area filled with 'rgb' (0xRRGGBB), or with the missing
 * data style when 'flags' has NM_MAP_MISSING.  Areas are drawn in the order
 * added.  The geometry is copied.  Returns NM_OK, NM_BADDATA for malformed
 * geometry (offsets out of order or beyond npoints, non-finite coordinates),
 * NM_NOMEM. */
nm_status nm_map_add_feature(nm_ctx *ctx, nm_map *map, const nm_geom *geom, uint32_t rgb,
                             int flags);

/* How many areas have been added, and the box [minx, miny, maxx, maxy] of
 * the one added as number 'i' (from 0): the map measures each as it copies
 * it, so a caller need not.  Returns 0 when there is no such area. */
size_t nm_map_feature_count(const nm_map *map);
int nm_map_feature_box(const nm_map *map, size_t i, double box[4]);

/* The outline colour the map draws around an area filled with 'fill'
 * (0xRRGGBB) under its options: the fill darkened by outline_darken, or,
 * for a fill of relative luminance under 0.1, lightened towards white by
 * that fraction so that the line still shows; outline_rgb when
 * outline_darken is 0. */
uint32_t nm_map_outline_rgb(const nm_map *map, uint32_t fill);

/* Adds an overlay layer of outlines drawn above the choropleth, e.g. ward
 * boundaries over LSOAs: colour 0xRRGGBB and line width in mm (0 < width <=
 * 5).  Layers are drawn in the order added.  OUT layer: the id to pass to
 * nm_map_add_outline().  Returns NM_OK, NM_USAGE, NM_NOMEM. */
nm_status nm_map_add_layer(nm_ctx *ctx, nm_map *map, uint32_t rgb, double width_mm, int *layer);
/* Adds the outline of a geometry (copied) to an overlay layer.  Returns
 * NM_OK, NM_USAGE for an unknown layer, NM_BADDATA for malformed geometry,
 * NM_NOMEM. */
nm_status nm_map_add_outline(nm_ctx *ctx, nm_map *map, int layer, const nm_geom *geom);

/* Adds a label (UTF-8, copied) placed inside 'geom': at the point of its
 * largest part farthest from the edges (pole of inaccessibility).  A label
 * that would overlap one placed before it is moved a little within its
 * polygon, or left out; labels of larger areas are placed first.  Returns
 * NM_OK, NM_BADDATA for malformed geometry or text, NM_NOMEM. */
nm_status nm_map_add_label(nm_ctx *ctx, nm_map *map, const char *text, const nm_geom *geom);

/* How a label was placed by the last layout (nm_map_layout_get,
 * nm_map_write). */
typedef enum nm_label_status {
    NM_LABEL_PENDING = 0,  /* not laid out yet */
    NM_LABEL_PLACED = 1,   /* inside its area at the full size */
    NM_LABEL_SMALLER = 2,  /* inside its area, at a smaller size */
    NM_LABEL_LEADER = 3,   /* outside its area, joined to it by a line */
    NM_LABEL_NO_ROOM = 4,  /* left out: other names fill the room around it */
    NM_LABEL_OUTSIDE = 5   /* left out: its area lies outside the map's frame */
} nm_label_status;

/* Flags of a label. */
enum {
    /* one of the selection's own areas: placed before every label without
     * the flag, so a neighbour's name never displaces it */
    NM_LABEL_OWN = 1
};

/* Adds a label as nm_map_add_label() does, with a key that identifies its
 * area in reports (e.g. its code; copied, may be NULL) and flags
 * (NM_LABEL_OWN).  Labels with NM_LABEL_OWN are placed first, then the
 * others, each group largest area first.  Returns as nm_map_add_label(). */
nm_status nm_map_add_label_keyed(nm_ctx *ctx, nm_map *map, const char *text, const char *key,
                                 int flags, const nm_geom *geom);

/* What became of one label in the last layout. */
typedef struct nm_label_info {
    const char *text;       /* owned by the map, valid until it is freed */
    const char *key;        /* as given, or "" */
    nm_label_status status;
    double pt;              /* size drawn, points; 0 when left out */
    const char *reason;     /* why it was left out or moved, in words; static */
    double box_mm[4];       /* placed: the text's box on the page, mm (x, y, w, h) */
    int leader;             /* placed on a leader line, from line_mm[0..1] (the area's
                               label point) to line_mm[2..3] (the text's edge), mm */
    double line_mm[4];
} nm_label_info;

/* The number of labels added. */
size_t nm_map_label_count(const nm_map *map);
/* What became of label i (in the order added) in the last layout.  OUT
 * info.  Returns 0 when i is out of range. */
int nm_map_label_info(const nm_map *map, size_t i, nm_label_info *info);

/* Sets the legend title (UTF-8, copied; NULL for none).  Returns NM_OK,
 * NM_BADDATA, NM_NOMEM. */
nm_status nm_map_set_legend_title(nm_ctx *ctx, nm_map *map, const char *title);
/* Adds a legend entry, shown in the order added: a swatch of 'rgb' (or the
 * missing data style with NM_MAP_MISSING in 'flags'), 'label' (UTF-8,
 * copied) and, when count >= 0, the number of areas as "(count)".  Returns
 * NM_OK, NM_BADDATA, NM_NOMEM. */
nm_status nm_map_add_legend_entry(nm_ctx *ctx, nm_map *map, uint32_t rgb, int flags,
                                  const char *label, long count);

/* The map's locator: a small map, drawn in the corner of the frame that
 * hides the least of the selection, showing where the map lies (e.g. the
 * council, added in a strong colour, among England's regions in grey).
 * Add features and outlines to it with the calls above; its extent is its
 * own features'.  A locator without features is not drawn.  Returns the
 * locator (created on the first call), owned by 'map' and valid until it
 * is freed, or NULL when memory is exhausted. */
nm_map *nm_map_locator(nm_map *map);

/* Computes the page layout as nm_map_write() would draw it at the map's
 * dpi.  OUT layout.  Returns NM_OK, NM_USAGE when the map has no extent (no
 * features and none set), NM_ERROR when text cannot be measured. */
nm_status nm_map_layout_get(nm_ctx *ctx, nm_map *map, nm_map_layout *layout);

/* Writes the page to 'path': PNG, PDF or SVG by the extension (any case).
 * A PNG gets a world file beside it (same name, extension ".pgw").  Each
 * output replaces an existing file atomically: on failure the old file is
 * left as it was and no temporary file remains.  OUT layout (may be NULL):
 * as nm_map_layout_get(), e.g. for a JSON sidecar.  Returns NM_OK, NM_USAGE
 * for an unknown extension or an empty map, NM_ERROR for I/O or drawing
 * failures, NM_NOMEM. */
nm_status nm_map_write(nm_ctx *ctx, nm_map *map, const char *path, nm_map_layout *layout);

/* A map's geometry as SVG path data, for pages that style and script the
 * areas themselves (an HTML page).  Coordinates are points (1/72 inch) in
 * a viewBox of width x height with the origin at the top-left. */
/* A name placed on the SVG map, as on a printed page: inside its area,
 * smaller, or outside on a leader line; never over another name. */
typedef struct nm_map_svg_label {
    size_t label;          /* which label, in the order added */
    double x, y;           /* middle of the text's baseline, points */
    double size;           /* font size in points (bold DejaVu Sans, as the PDF's) */
    int leader;            /* outside its area: a line from its point (x0, y0) to the text */
    double x0, y0, x1, y1; /* the leader line, points */
} nm_map_svg_label;

typedef struct nm_map_svg {
    double width, height; /* of the box fitted to the map's extent */
    char **feature;       /* path data of each feature, in the order added ("" when
                             it falls outside the extent); owned */
    size_t nfeatures;
    char **outline;       /* of each overlay outline, in the order added; owned */
    size_t noutlines;
    /* the names placed for the map shown at its print size ([0], a screen)
       and at half of it ([1], a phone: names twice as large on the map);
       labels without room are left out of either; owned */
    nm_map_svg_label *names[2];
    size_t nnames[2];
} nm_map_svg;

/* Fits the map's extent (the one set, or the features') into a box of at
 * most width_mm x height_mm and writes every feature and outline as path
 * data thinned as for PDF output at the map's print_dpi, and places its
 * labels at the map's label size twice (see nm_map_svg).  OUT out (free
 * with nm_map_svg_clear()).  Returns NM_OK, NM_USAGE (empty map, no box),
 * NM_NOMEM. */
nm_status nm_map_svg_paths(nm_ctx *ctx, const nm_map *map, double width_mm, double height_mm,
                           nm_map_svg *out);
/* Frees what 'out' owns; safe on a zeroed struct. */
void nm_map_svg_clear(nm_map_svg *out);

#ifdef __cplusplus
}
#endif
#endif /* NEEDSMAP_RENDER_H */
