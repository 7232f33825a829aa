/*
 * Report: the figures of a needs analysis, each one public call on an
 * options struct.  A choropleth map is selection (analyse), classes and
 * colours (classify) and a page (render), composed here with the store's
 * attribution texts; the tool only fills in the options.
 */
#ifndef NEEDSMAP_REPORT_H
#define NEEDSMAP_REPORT_H

#include "needsmap/analyse.h"
#include "needsmap/core.h"
#include "needsmap/render.h"
#include "needsmap/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nm_choropleth_opts {
    const char *indicator;  /* id, e.g. "imd_decile" (required) */
    const char *period;     /* NULL: the latest stored */
    const char *level;      /* NULL: "lsoa" */
    int vintage;            /* 0: the latest with boundaries */
    const char *within;     /* code of a parent area, NULL for all */
    nm_rank_scope rank;     /* NM_RANK_NONE: as stored */
    const char *classify;   /* "quantile:5", "deciles", ...; NULL: by the indicator's unit */
    const char *palette;    /* ColorBrewer name; NULL: YlOrRd (Greys with greyscale) */
    int reverse;            /* reverse the palette */
    int greyscale;          /* black-and-white printing */
    const char *title;      /* NULL: from the indicator */
    const char *subtitle;   /* NULL: from the selection, ranking and classes */
    const char *overlay;    /* level whose outlines are drawn over the fill, or NULL */
    const char *labels;     /* level whose names are placed inside their areas, or NULL */
    nm_paper paper;
    nm_orient orient;
    double dpi;             /* PNG resolution; 0: 150 */
    const char *output;     /* .png, .pdf or .svg (required) */
    int sidecar;            /* write OUTPUT.json beside the map (breaks, classes, counts) */
} nm_choropleth_opts;

/* Fills opts with the defaults (A4, automatic orientation, 150 dpi, a
 * sidecar). */
void nm_choropleth_opts_init(nm_choropleth_opts *opts);

/* What a map showed, for messages and tests. */
typedef struct nm_choropleth_result {
    long areas;          /* areas drawn */
    long missing;        /* of which without a value */
    int classes;
    nm_map_layout layout;
} nm_choropleth_result;

/* Draws one choropleth of an indicator and writes it (atomically) to
 * opts->output, with a world file next to a PNG and a JSON sidecar when
 * asked.  Returns NM_NOTFOUND (indicator, area), NM_USAGE (options, empty
 * selection, impossible classification), NM_ERROR (output). */
nm_status nm_choropleth(nm_store *store, const nm_choropleth_opts *opts,
                        nm_choropleth_result *result);

#ifdef __cplusplus
}
#endif
#endif /* NEEDSMAP_REPORT_H */
