/*
 * Report: the figures of a needs analysis, each one public call on an
 * options struct.  A choropleth map is selection (analyse), classes and
 * colours (classify) and a page (render), composed here with the store's
 * attribution texts; the tool only fills in the options.
 */
#ifndef NEEDSMAP_REPORT_H
#define NEEDSMAP_REPORT_H

#include "needsmap/analyse.h"
#include "needsmap/classify.h"
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
    const char *palette;    /* scheme name; NULL: YlOrRd (Greyscale with greyscale) */
    int reverse;            /* reverse the palette */
    int greyscale;          /* black-and-white printing */
    const char *title;      /* NULL: from the indicator */
    const char *subtitle;   /* NULL: from the selection, ranking and classes */
    const char *overlay;    /* level whose outlines are drawn over the fill, or NULL */
    const char *labels;     /* level whose names are placed inside their areas, or NULL */
    int label_codes;        /* label areas by code rather than name */
    double outline_mm;      /* outline of the shaded areas, mm; 0: 0.1 */
    int no_outlines;        /* no outlines at all */
    const char *size;       /* a figure's own page, "160x120mm" (or "160x120"); NULL: paper */
    int figure;             /* figure only: no title or subtitle, narrow margins (the source
                               line stays, as the licences require) */
    const char *legend;     /* "auto", "right", "bottom", "inside" or "none"; NULL: auto */
    int context;            /* with 'within': the neighbouring areas of the level in grey (default 1) */
    int locator;            /* with 'within': an inset of England's regions (or districts) with
                               the area marked in it */
    double label_pt;        /* label size in points; 0: 7.5 (names shrink to 5.5 pt at least) */
    const char *font;       /* font family of every text, as fontconfig names it; NULL: DejaVu Sans */
    nm_paper paper;
    nm_orient orient;
    double dpi;             /* PNG resolution; 0: 150 */
    const char *output;     /* .png, .pdf or .svg (required) */
    int sidecar;            /* write OUTPUT.json beside the map (breaks, classes, counts) */
    const char *since;      /* an earlier release: map the change in national decile since
                               then (rank or decile indicators), NULL: the values */
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
    /* The labels left out, one line each ("CODE NAME: why"), or NULL when
     * every label was placed; caller frees with nm_free(). */
    char *unplaced;
} nm_choropleth_result;

/* Draws one choropleth of an indicator and writes it (atomically) to
 * opts->output, with a world file next to a PNG and a JSON sidecar when
 * asked.  Returns NM_NOTFOUND (indicator, area), NM_USAGE (options, empty
 * selection, impossible classification), NM_ERROR (output). */
nm_status nm_choropleth(nm_store *store, const nm_choropleth_opts *opts,
                        nm_choropleth_result *result);

/* The ids of the store's datasets a map of 'o' would read (boundaries of
 * the areas drawn and outlined, the indicator, the memberships it follows),
 * ascending, each once: what a build compares to decide that a map is
 * stale.  It errs on the side of too many.  Caller frees *ids with
 * nm_free(). */
nm_status nm_map_inputs(nm_store *store, const nm_choropleth_opts *o, long **ids, size_t *n);

/* The same as SQL: queries whose union of returned dataset ids is that
 * list, for a caller that asks them of many figures at once with
 * statements of its own (a build prepares each once for a whole atlas). */
#define NM_INPUT_QUERIES_MAX 6
typedef struct nm_input_query {
    const char *sql;
    const char *params[4]; /* bound as ?1..?4 as text; NULL binds NULL */
    int nparams;
    char buf[16]; /* storage for a number parameter */
} nm_input_query;

/* Fills q (NM_INPUT_QUERIES_MAX entries) for a map of 'o'; returns how many. */
int nm_map_input_queries(const nm_choropleth_opts *o, nm_input_query *q);

/* ---- tables (table.c) -------------------------------------------------- */

typedef struct nm_table_opts {
    const char *level;      /* NULL: "ward" */
    int vintage;            /* 0: the latest with boundaries */
    const char *within;     /* code of a parent area, NULL for all */
    const char *indicators; /* comma-separated ids; NULL: every indicator of the level */
    const char *period;     /* NULL: the latest of each */
    const char *output;     /* .csv, .xlsx or .md (required) */
    int ids;                /* CSV: indicator ids as headings and every digit kept */
    const char *since;      /* an earlier release: each rank and decile in both, and the
                               change (scores do not compare); NULL: one release */
} nm_table_opts;

typedef struct nm_table_result {
    long rows;    /* areas written */
    int columns;  /* indicator columns */
} nm_table_result;

/* Writes one row per area (code, name, then each indicator's value)
 * atomically: as CSV headed by the indicators' labels with values rounded
 * to their unit's precision (shares as percentages to 1 place, scores to
 * 3, rates to 2, counts whole), or with 'ids' headed by the ids at full
 * precision; as an XLSX workbook (labels as headings, a units row, number
 * formats, and a sheet of sources and definitions); or as a Markdown pipe
 * table (numbers right-aligned, with thousands separators).  Empty cells are missing values; the
 * cells of <x>_count, _rate, _rate_lo and _rate_hi whose <x>_suppressed is
 * non-zero read "suppressed".  Returns NM_NOTFOUND (indicator, area),
 * NM_USAGE (options), NM_ERROR (output).  'result' may be NULL. */
nm_status nm_table_write(nm_store *store, const nm_table_opts *opts, nm_table_result *result);

/* ---- key facts (facts.c) and local-authority summaries (lasummary.c) -- */

/* How a report is written. */
typedef enum nm_report_format {
    NM_FORMAT_TEXT = 0, /* plain text for the reader */
    NM_FORMAT_MD = 1,   /* Markdown (pipe tables, bullet lists) */
    NM_FORMAT_JSON = 2, /* facts only */
    NM_FORMAT_CSV = 3   /* la-summary only: every authority, full precision */
} nm_report_format;

/* Parses "text", "md", "json" or "csv".  Returns 1 on success. */
int nm_report_format_parse(const char *name, nm_report_format *out);

typedef struct nm_facts_opts {
    const char *within;            /* code of the borough (or any parent area); NULL: every
                                      LSOA with a boundary */
    const char *period;            /* NULL: the latest stored */
    const char *indicator;         /* index or domain: NULL "imd"; reads <x>_rank, <x>_decile */
    const char *population_period; /* population denominators of another release, when the
                                      indicator's own has none (IMD 2007); NULL: the same */
    nm_report_format format;       /* TEXT, MD or JSON */
    const char *output;            /* file written atomically; NULL: only result->rendered */
    const char *since;             /* an earlier release: add what changed since then (LSOAs
                                      in the most deprived 10% then and now, moves between
                                      deciles, the most deprived LSOA's rank); NULL: none */
} nm_facts_opts;

/* One number of a fact, e.g. {"people", 15823}. */
typedef struct nm_fact_number {
    const char *name; /* static storage */
    double value;     /* NAN when not available */
} nm_fact_number;

#define NM_FACT_MAX_NUMBERS 24

/* One key fact: a sentence with its numbers, what it means and where the
 * figures come from. */
typedef struct nm_fact {
    const char *id;     /* "most_deprived_10", "wards_region_20", ...; static */
    char *text;         /* owned by the result */
    char *definition;   /* owned by the result */
    char *source;       /* owned by the result */
    nm_fact_number numbers[NM_FACT_MAX_NUMBERS];
    int nnumbers;
} nm_fact;

typedef struct nm_facts_result {
    nm_fact *facts; /* owned; free with nm_facts_result_clear() */
    size_t n;
    char *rendered; /* the facts in opts->format; owned */
} nm_facts_result;

/* Key facts about the LSOAs within an area, for the text of a plan:
 * people and children in LSOAs of the national most deprived 10% and 20%;
 * the wards whose every LSOA is among the region's most deprived 20%; the
 * most deprived LSOA and its ward; the share of LSOAs in each national
 * decile.  Works for any release stored: values on older codes (IMD 2007
 * on 2001 LSOAs) are carried through the LSOA 2001 -> 2011 lookup; where a
 * release has no population, the sentences say so unless
 * population_period names one.  Writes opts->output atomically when given.
 * Returns NM_NOTFOUND (indicator, period, area), NM_USAGE (options),
 * NM_ERROR (output).  Free the result with nm_facts_result_clear(). */
nm_status nm_facts(nm_store *store, const nm_facts_opts *opts, nm_facts_result *result);
/* Frees what a result owns; safe on a zeroed struct. */
void nm_facts_result_clear(nm_facts_result *result);

typedef struct nm_la_summary_opts {
    const char *period;     /* NULL: the latest stored */
    const char *indicator;  /* NULL: "imd"; reads <x>_rank and, when stored, <x>_score */
    const char *la;         /* authority shown (code); NULL: every authority, no comparison */
    const char *level;      /* "lad" (NULL, districts and unitaries) or "utla" (counties and
                               unitaries, through stored LAD -> upper-tier memberships) */
    const char *neighbours; /* comma-separated codes compared with 'la', "dfe" (DfE's
                               stored statistical neighbours of 'la'), or NULL */
    const char *model;      /* with "dfe": the model, "2021" or "2025"; NULL: the latest stored */
    const char *neighbours_file; /* a DfE file read for 'la's neighbours (not stored) */
    const char *population_period; /* NULL: the same period as the indicator */
    nm_report_format format; /* TEXT, MD or CSV */
    const char *output;     /* file written atomically; NULL: only result->rendered */
} nm_la_summary_opts;

/* MHCLG's summary measures of one local authority, from its LSOAs.  Ranks
 * are among all authorities, 1 = most deprived; 0 where the measure is not
 * available (no score stored). */
typedef struct nm_la_row {
    char *code, *name;     /* owned by the result */
    long lsoas;
    double population;
    double avg_rank;       /* population-weighted mean of the reversed LSOA ranks */
    double avg_score;      /* population-weighted mean score; NAN without scores */
    double prop10;         /* share of the LSOAs in the national most deprived 10% */
    double extent;         /* weighted share of the population in the most deprived 30% */
    double local_conc;     /* mean reversed rank of the most deprived 10% of the population */
    long rank_avg_rank, rank_avg_score, rank_prop10, rank_extent, rank_local_conc;
    long no_pop;           /* its LSOAs without a population: weighted measures NAN */
} nm_la_row;

typedef struct nm_la_summary_result {
    nm_la_row *rows;  /* every authority, in code order; owned */
    size_t n;
    long la;          /* index of opts->la in rows, -1 without */
    long *neighbours; /* indices of the neighbours found; owned */
    size_t nneighbours;
    int has_score;    /* the score measures were computed */
    long lsoas;       /* LSOAs ranked nationally */
    long national;    /* N, England's LSOAs the ranks run over */
    int upper;        /* rows are upper-tier authorities */
    int ranked;       /* the authorities were ranked: every one whole (all LSOAs of
                         England ranked, reached and with a population) */
    char no_rank[256]; /* when not ranked: what is missing ("rank not given: ...") */
    char neighbours_from[128]; /* "DfE statistical neighbours, 2021 model", or "" */
    char grouping[256]; /* upper tier: which LAD -> UTLA lookup grouped the districts
                           (and which others are stored), or "" */
    char period[32];
    char *rendered;   /* owned */
} nm_la_summary_result;

/* Computes average rank, average score, proportion of LSOAs in the most
 * deprived 10% nationally, extent and local concentration for every local
 * authority reached from the LSOAs through stored LSOA -> LAD memberships
 * (docs/MEASURES.md defines them), ranks the authorities on each, and
 * renders the row of opts->la with its ranks and a comparison with the
 * mean of the neighbours.  Ranks are given only when every authority is
 * whole (result->ranked); else result->no_rank says what is missing.  Returns NM_NOTFOUND (indicator, period,
 * population, authority, a neighbour), NM_USAGE (options), NM_ERROR
 * (output).  Free the result with nm_la_summary_result_clear(). */
nm_status nm_la_summary(nm_store *store, const nm_la_summary_opts *opts,
                        nm_la_summary_result *result);
/* Frees what a result owns; safe on a zeroed struct. */
void nm_la_summary_result_clear(nm_la_summary_result *result);

/* ---- locality summaries (summary.c) and ward comparisons (compare.c) -- */

typedef enum nm_summary_format {
    NM_SUMMARY_AUTO = 0, /* by the output's extension */
    NM_SUMMARY_PDF = 1,  /* the printed document: maps, tables, charts */
    NM_SUMMARY_CSV = 2,  /* every table in one file, with a column naming the table */
    NM_SUMMARY_XLSX = 3, /* one worksheet per table */
    NM_SUMMARY_MD = 4,   /* one Markdown table per heading */
    NM_SUMMARY_HTML = 5  /* one self-contained web page: maps, tables, its data */
} nm_summary_format;

typedef struct nm_summary_opts {
    const char *within;     /* the borough (code); NULL: every ward stored */
    int localities;         /* sections by locality where stored (may be left 0) */
    int districts;          /* 1: a section per district of a county (or region) even where
                               localities are stored; without localities within the area
                               its districts are the sections anyway */
    const char *indicator;  /* the overview and locality maps; NULL: "imd_decile" */
    const char *indicators; /* comma-separated rows of tables and charts: ward aggregates
                               (pop_total, imd_nat10_share, imd_score_pw, ...) or incident
                               sets (violence); NULL: population, children, LSOAs, IMD 10%/20%
                               shares and people, weighted IMD score, every incident set */
    const char *period;     /* IoD release; NULL: the latest */
    const char *since;      /* an earlier release beside it: the national 10% and 20% shares
                               of the map's index in both (the earlier one's of the older LSOAs
                               the areas come from, by the stored lookup between code years)
                               and the LSOAs that moved decile; NULL: one release */
    const char *title;      /* NULL: "<borough>: locality summaries" */
    const char *font;       /* font family of every text (fontconfig's name); NULL: DejaVu Sans */
    int locator;            /* with 'within': the overview map carries an inset of England's
                               regions (or districts) with the area marked */
    nm_summary_format format;
    const char *output;     /* required; written atomically */
} nm_summary_opts;

/* Fills opts with the defaults (format by extension). */
void nm_summary_opts_init(nm_summary_opts *opts);

typedef struct nm_summary_result {
    int pages;      /* PDF pages */
    int localities; /* sections */
    int by_district; /* 1: the sections are districts (no localities stored within) */
    long wards;     /* wards in them */
} nm_summary_result;

/* Locality summaries of a borough: for PDF (A4 portrait) a first page
 * with the headline figures, a contents list and the overview map with
 * the localities outlined and named; the localities compared in one
 * table and bar charts; then for each locality (areas of level
 * 'locality' within the borough, from import localities) a map (its
 * LSOAs shaded, its wards outlined and named, the rest of the borough
 * grey), a table of its wards with the locality, borough and England
 * values, and bar charts (intervals as whiskers, England as a dashed
 * line).  Every page has its number, the sources and the periods of the
 * data.  CSV, XLSX and Markdown hold the same tables.  Ward figures are
 * the stored aggregates and incident counts; a group's are computed from
 * its wards; England's from every LSOA stored.  Suppressed counts read
 * "suppressed", missing values are empty (CSV, XLSX) or "–".  Returns
 * Where no localities are stored within it, a county's (or region's)
 * districts are the sections (nm_summary_result.by_district says so).
 * NM_NOTFOUND (no localities stored and no districts: import them; an indicator; the
 * area), NM_USAGE (options, format), NM_ERROR (output).  'result' may be
 * NULL. */
nm_status nm_summary(nm_store *store, const nm_summary_opts *opts, nm_summary_result *result);

typedef struct nm_compare_opts {
    const char *wards;      /* comma-separated ward codes or names (required, 2 to 12) */
    const char *within;     /* where names are looked up and the borough compared; NULL: the
                               parent authority of the first ward's LSOAs, if stored */
    const char *indicator;  /* the maps; NULL: "imd_decile" */
    const char *indicators; /* rows of the table, as nm_summary_opts */
    const char *period;     /* IoD release; NULL: the latest */
    const char *since;      /* an earlier release beside it in the table, as nm_summary_opts,
                               and the maps of the change in national decile since then (as
                               nm_choropleth_opts' 'since') */
    const char *title;      /* NULL: "Wards compared: A, B and C" */
    const char *font;       /* font family of every text (fontconfig's name); NULL: DejaVu Sans */
    int locator;            /* a map of England's regions (or districts) under the legend with
                               'within' (else the wards) marked */
    double dpi;             /* PNG resolution; 0: 150 */
    const char *output;     /* .pdf or .png (required) */
} nm_compare_opts;

typedef struct nm_compare_result {
    int wards;
    int classes;
    nm_paper paper; /* A4 landscape, A3 landscape above 4 wards */
    double scale;   /* every map's, 1 : scale on that paper (0 for .html) */
} nm_compare_result;

/* The wards side by side on one page: a map of each (its LSOAs shaded on
 * one classification made over all of them, or the national scheme for
 * ranks and deciles; one legend), titled with the ward's name and key
 * numbers, and a table of the same rows as a summary's for each ward with
 * the borough and England.  Returns NM_NOTFOUND (a ward), NM_USAGE
 * (options), NM_ERROR (output).  'result' may be NULL. */
nm_status nm_compare(nm_store *store, const nm_compare_opts *opts, nm_compare_result *result);

/* ---- alt text (alttext.c) ---------------------------------------------- */

/* What a choropleth shows, for nm_alt_text(). */
typedef struct nm_alt_text_in {
    const nm_areas *areas;     /* the areas shaded */
    const nm_values *values;   /* their values */
    const nm_classes *classes; /* their classes; the last is the darkest (most deprived) */
    const int *klass;          /* class of each area, -1 without a value */
    const char *places;        /* level whose names say where areas lie; NULL: "ward" */
    const char *scheme;        /* how the classes are made ("National decile"), or NULL */
    /* the centre of each area's bounding box, x then y (NaN when it has no
       geometry), as a caller that drew the areas already knows them; NULL:
       read from the store */
    const double *centres;
} nm_alt_text_in;

/* A short description of a map for readers who cannot see it: what is
 * shaded where, how many areas the darkest and lightest classes hold and
 * in which places (through stored memberships, the most frequent first)
 * and which part of the map, the range of values, and the count of areas
 * per class.  On NM_OK *out is set; caller frees with nm_free(). */
nm_status nm_alt_text(nm_store *store, const nm_alt_text_in *in, char **out);

#ifdef __cplusplus
}
#endif
#endif /* NEEDSMAP_REPORT_H */
