/*
 * Shared by the report module's files: the words around a figure (titles,
 * legend headings, attribution) and its JSON sidecar.
 */
#ifndef NM_REPORT_INT_H
#define NM_REPORT_INT_H

#include <stdio.h>

#include "needsmap/classify.h"
#include "needsmap/report.h"
#include "nm_int.h"

/* "12,331": a count with thousands separators.  'buf' needs 32 bytes. */
const char *nmP_fmt_count(long n, char buf[32]);

/* The label of an indicator without its trailing explanation in brackets,
 * and its period: "Index of Multiple Deprivation (IMD) decile, 2019".
 * Caller frees with nm_free(). */
char *nmP_default_title(const nm_values *v);
/* What is shown, where and how it is classed, in one line: the classes
 * drawn ('classes', may be NULL), and why fewer than asked.  Caller
 * frees. */
char *nmP_default_subtitle(const nm_areas *a, const nm_values *v, const nm_classify_spec *spec,
                          nm_rank_scope scope, const nm_classes *classes);
/* The legend's heading ("National decile", "Quintile within the East of
 * England").  Caller frees. */
char *nmP_legend_title(const nm_values *v, const nm_classify_spec *spec, nm_rank_scope scope,
                      const char *within);
/* The attribution of every dataset a map draws: the boundaries of the
 * areas (and overlay level) and the indicator's source, with (c) written
 * as the copyright sign.  Caller frees. */
char *nmP_attribution(nm_store *store, const nm_areas *a, const char *overlay,
                     const char *indicator_source);

/* The sentence every output with wards carries (provenance.c): "Wards:
 * ward 2013 boundaries; LSOA 2011 to ward 2013 by the lookup X.csv." and,
 * where another stored lookup places some of the LSOAs in other wards,
 * how many and which.  Caller frees *out with nm_free(). */
nm_status nmP_wards_said(nm_store *store, const nm_areas *lsoas, char **out);
/* The same for the LSOAs within 'within' (NULL: all); *out NULL when the
 * store has no LSOAs to speak of. */
nm_status nmP_wards_said_within(nm_store *store, const char *within, char **out);

/* The boundaries a map draws, for its source line: "Boundaries: LSOA
 * 2011." (with an overlay's year: "; LAD 2013 outlines"; with names of a
 * level not drawn, 'labels' without 'overlay': "; names placed by LAD
 * 2013 boundaries"), and where it shows wards (their level, or an overlay
 * or names of them) nmP_wards_said() of the LSOAs within 'within'.
 * Caller frees *out with nm_free(). */
nm_status nmP_boundaries_said(nm_store *store, const nm_areas *a, const char *overlay,
                             const char *labels, const char *within, char **out);

/* Writes OUTPUT.json: indicator, selection, classification with breaks,
 * labels, colours and counts, the class and value of every area, the
 * page's georeference, the datasets read (with checksums) and the alt
 * text. */
nm_status nmP_write_sidecar(nm_store *store, const nm_choropleth_opts *o, const nm_areas *a,
                           const nm_values *v, const nm_classes *c, const nm_rgb *colours,
                           const double *shown, const int *klass, const nm_map_layout *layout,
                           const char *alt_text, const nm_map *map);

/* ---- cells of data tables (table.c) ------------------------------------ */

/* A CSV field, quoted when it must be. */
void nmP_csv_text(FILE *fp, const char *s);
/* The shortest decimal that reads back as the same double. */
void nmP_csv_number(FILE *fp, double x);
/* Text in a Markdown table cell ('|' and '\\' escaped, line breaks as spaces). */
void nmP_md_text(FILE *fp, const char *s);

/* ---- change between releases (change.c) ------------------------------- */

/* The unit of a change map's values: national deciles moved, negative
 * towards more deprivation. */
#define NM_UNIT_DECILE_CHANGE "decile change"
/* A table's change of rank between releases, negative towards more
 * deprived. */
#define NM_UNIT_RANK_CHANGE "rank change"

/* The change in national decile of 'key' between releases 'since' and
 * 'period' as the values of a map (unit NM_UNIT_DECILE_CHANGE, polarity
 * -1, NAN where an area does not compare), with a subtitle saying how the
 * areas compare (*note; caller frees). */
nm_status nmP_change_shown(nm_store *store, const nm_areas *a, const char *key, const char *period,
                          const char *since, nm_values *out, char **note);
/* "LSOAs of Southend-on-Sea (2021 boundaries), IMD 2025 against 2019 on
 * 2011 LSOAs through LSOA11_LSOA21_LAD22_EW_LU.csv (106 unchanged, 2
 * split)": how the areas of a change compare (caller frees; NULL when out
 * of memory). */
char *nmP_change_note(const nm_areas *a, const nm_change *c, const char *index);
/* True for values made by nmP_change_shown(). */
int nmP_is_change(const nm_values *v);
/* The five fixed classes of a change map, and their labels once classed. */
nm_status nmP_change_spec(nm_ctx *ctx, nm_classify_spec *spec);
nm_status nmP_change_relabel(nm_ctx *ctx, nm_classes *classes);
/* The change facts of index 'ind' (e.g. "imd") for the LSOAs of 'a',
 * written into facts[0..*n-1] (at most NM_FACTS_SINCE). */
#define NM_FACTS_SINCE 3
nm_status nmP_facts_since(nm_store *store, const nm_areas *a, const char *ind, const char *period,
                         const char *since, const char *place, nm_fact *facts, size_t *n);

/* ---- shading shared with summaries and comparisons (choropleth.c) ------ */

/* An indicator's values over a set of areas, classed and coloured as
 * nm_choropleth() would (o->classify, o->palette, ... chosen the same
 * way). */
typedef struct nmP_shading {
    nm_values vals;
    nm_classify_spec spec;
    nm_classes *classes;
    nm_rgb colours[NM_CLASSES_MAX];
    double *shown; /* the values classed */
    int *klass;    /* class of each area, -1 missing */
    char *legend_title;
} nmP_shading;

/* Reads, classes and colours o->indicator over 'areas' (o->within, level
 * and output are not used).  Free with nmP_shading_clear().  Returns as
 * nm_choropleth(). */
nm_status nmP_shading_make(nm_store *store, const nm_choropleth_opts *o, const nm_areas *areas,
                          nmP_shading *out);
void nmP_shading_clear(nmP_shading *s);
/* 0xRRGGBB of class 'c' (-1: 0, for the missing style). */
uint32_t nmP_shading_rgb(const nmP_shading *s, int c);
/* The class of value 'x' on the same classes (-1 when NAN). */
int nmP_shading_class_of(const nmP_shading *s, double x);
/* The legend of the shading, most deprived class first, counting the
 * areas of 'klass' (n of them; NULL: the shading's own). */
nm_status nmP_shading_legend(nm_ctx *ctx, nm_map *map, const nmP_shading *s, const int *klass,
                            size_t n);

/* When adjacent colours of the legend are closer than the default
 * schemes' thresholds (CIEDE2000 8 in normal vision, 5 simulated), a
 * sentence saying so for the map and its sidecar; NULL when they are not
 * (or memory is short).  Caller frees with nm_free(). */
char *nmP_contrast_note(const nm_rgb *colours, int n);

/* ---- context (context.c) ------------------------------------------------ */

/* Adds to 'map', as NM_MAP_CONTEXT features in light grey, the areas of
 * 'level' and 'vintage' whose boxes meet the world box (BNG metres: minx,
 * miny, maxx, maxy), less the rowids of 'own' (nown of them; sorted in
 * place).  The caller holds a read transaction.  Returns NM_OK, NM_NOMEM,
 * NM_ERROR (store). */
nm_status nmP_context_add(nm_store *store, nm_map *map, const char *level, int vintage, long *own,
                         size_t nown, const double box[4]);
/* Fills the map's locator inset: every area of the first level of region,
 * lad, utla and county with boundaries, in grey, and 'within' (its own
 * boundary, else the map's 'areas') in 'accent', ringed when too small to
 * see.  The caller holds a read transaction.  Returns NM_OK, NM_USAGE (no
 * such boundaries stored: the message says what to import), NM_NOMEM,
 * NM_ERROR. */
nm_status nmP_locator_add(nm_store *store, nm_map *map, const char *within, const nm_areas *areas,
                         uint32_t accent);
/* The world box (BNG metres) a layout's map frame shows.  OUT box. */
void nmP_layout_world_box(const nm_map_layout *l, double box[4]);

/* ---- provenance (provenance.c) ------------------------------------------ */

/* The datasets a map of 'o' reads (nm_map_inputs, report.h) as a JSON
 * array of {dataset, kind, file, sha256, imported_at, attribution},
 * ascending by id.  Caller releases *out with
 * json_object_put(). */
struct json_object;
nm_status nmP_map_inputs_json(nm_store *store, const nm_choropleth_opts *o,
                             struct json_object **out);

#endif
