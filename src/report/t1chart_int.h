/*
 * The plan's Table 1 as a chart (t1chart.c): one row per domain, each
 * authority placed at its rank among England's authorities, the council
 * in red beside its statistical neighbours and their mean.  lasummary.c
 * computes the figures; this file only draws them (PNG or PDF).
 */
#ifndef NM_T1CHART_INT_H
#define NM_T1CHART_INT_H

#include "nm_int.h"

#define T1_MAX_NEIGHBOURS 16

/* One domain of the chart.  Ranks count 1 as the most deprived; 0: none. */
typedef struct t1_row {
    char name[96];                 /* "IMD", "Income Deprivation Domain" */
    long la_rank;                  /* the council's */
    long mean_rank;                /* where an authority with the neighbours' mean would rank */
    long nb_rank[T1_MAX_NEIGHBOURS];
    int nnb;
    int score;                     /* ranked on the average score (else the average rank) */
} t1_row;

typedef struct t1_chart {
    const char *la_name;            /* "Southend-on-Sea" */
    const char *const *nb_names;    /* the neighbours, in their list's order */
    int nnb;
    const char *neighbours_from;    /* "DfE statistical neighbours, 2025 model" or "" */
    const char *tier;               /* "upper-tier authorities (counties and unitaries)" */
    long nauth;                     /* authorities ranked */
    const char *period;             /* of the index, "2025" */
    const char *weighting;          /* "Usual residents (Census 2021)" */
    const char *sources;            /* attribution for the footer */
    const char *left_out;           /* the domains not ranked and why, or NULL */
    const t1_row *rows;
    int nrows;
} t1_chart;

/* Draws the chart on one A4 landscape page and writes it atomically to
 * 'path' (.png at 'dpi', 0: 150; or .pdf).  Returns NM_USAGE
 * (extension), NM_ERROR (output), NM_NOMEM. */
nm_status nmP_chart_write(nm_ctx *ctx, const t1_chart *c, const char *path, double dpi);

#endif
