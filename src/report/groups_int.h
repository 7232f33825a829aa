/*
 * The figures of groups of wards, shared by locality summaries
 * (summary.c) and ward comparisons (compare.c): which rows a table shows
 * (ward aggregates and incident sets), their values for every ward, the
 * same figures summed over a locality or the borough, and England's from
 * every LSOA stored.  Drawing and writing them is the callers' job.
 */
#ifndef NM_GROUPS_INT_H
#define NM_GROUPS_INT_H

#include <stdio.h>

#include "needsmap/report.h"
#include "nm_int.h"
#include "render/page_int.h"

/* One row of a table (an indicator), one bar chart when 'chart'. */
typedef struct gr_col {
    char *id;        /* as asked: "pop_total", "imd_nat10_share", "violence" */
    char *label;     /* heading for readers */
    char unit[16];   /* of the values: people, share, score, rate, ... */
    char period[48]; /* "2019", "2018-01..2018-07" */
    char *source;    /* attribution of its dataset */
    int rate;        /* an incident set: count, rate per 1,000 and its interval */
    int chart;       /* drawn as a bar chart */
    int sum;         /* summed over a group (people, LSOAs, counts) */
    int since;       /* a row of two releases compared (gr_since), 0 otherwise */
} gr_col;

/* The rows of two releases side by side (summary and compare --since):
 * shares of LSOAs in England's most deprived 10% and 20% in the earlier
 * and the later release, and the LSOAs that moved decile. */
typedef enum gr_since {
    GR_SINCE_NONE = 0,
    GR_SINCE_THEN10,
    GR_SINCE_NOW10,
    GR_SINCE_THEN20,
    GR_SINCE_NOW20,
    GR_SINCE_WORSE,
    GR_SINCE_BETTER
} gr_since;

/* One figure of one area.  NAN where missing. */
typedef struct gr_cell {
    double v, lo, hi; /* rate columns: the rate and its 95% interval */
    double count;     /* rate columns: incidents */
    double num, den;  /* what a group's value is made of: shares (LSOAs of
                         the class, LSOAs), means (value x weight, weight),
                         rates (count, population) */
    int suppressed;   /* small count withheld: shown "suppressed" */
} gr_cell;

/* One area's row: a ward, or a group of them ('w', 'l' locality, 'b'
 * borough, 'e' England). */
typedef struct gr_row {
    char *code, *name;
    char kind;
    gr_cell *cell; /* one per column */
} gr_row;

typedef struct gr_set {
    gr_col *col;
    int ncol;
    nm_areas *wards; /* every ward of the borough, rows in the same order */
    gr_row *ward;
    gr_row borough, england;
    long suppress_note; /* cells suppressed, for a footnote */
    nm_store *store;
    char period[32];    /* the release asked for, "" for the latest */
    char since[32];     /* the earlier release compared, "" without */
    char since_key[64]; /* the decile compared, e.g. "imd_decile" */
    char *since_note;   /* how the releases were compared (lookup, lineage, rule); owned */
    char *england_note; /* why England's column has "–" cells, NULL when none; owned */
} gr_set;

/* Chooses the columns ('indicators' NULL: population, children, LSOAs,
 * the IMD's national 10%/20% shares and people, the weighted IMD score and
 * every incident set stored for wards), reads them for every ward within
 * 'within' (NULL: every ward), and computes the borough's and England's.
 * 'period' is the IoD release (NULL: latest).  With 'since' (an earlier
 * release, NULL: none) the national 10% and 20% shares of decile 'key'
 * ("imd_decile") are given for both releases side by side, with the LSOAs
 * that moved decile, each group's from its own LSOAs by nm_change_read
 * (the earlier release's of the distinct older LSOAs they come from), and
 * out->since_note says how.  Free with nmP_set_free().  Returns
 * NM_NOTFOUND (an indicator, the area, no lookup between the code years),
 * NM_USAGE. */
nm_status nmP_set_read(nm_store *store, const char *within, const char *indicators,
                      const char *period, const char *key, const char *since, gr_set *out);
void nmP_set_free(gr_set *s);

/* The index in s->ward of a ward by code or name (case-insensitive), or
 * -1. */
long nmP_find_ward(const gr_set *s, const char *code_or_name);

/* A group's row from the wards at 'idx' (n of them): sums, shares of the
 * summed LSOAs, weighted means, rates of the summed counts with exact
 * Poisson intervals (missing when a ward's count is suppressed); the rows
 * of two releases from the LSOAs within 'code' (NULL or "": all).  'code'
 * and 'name' are copied.  Free with nmP_row_clear(). */
nm_status nmP_group_row(const gr_set *s, const long *idx, size_t n, const char *code,
                       const char *name, char kind, gr_row *out);
void nmP_row_clear(gr_row *r);

/* A cell as text for a table: "11,668", "33.3%", "27.4", "12.3" with
 * the interval in 'ci' ("(10.1-14.8)", "" when none), "suppressed", or
 * "–" when missing.  'out' and 'ci' need 48 bytes. */
void nmP_cell_text(const gr_col *c, const gr_cell *x, char out[48], char ci[48]);

/* ---- the data formats' cells (summary.c's CSV and XLSX, html.c) ---- */

/* "ward", "locality", "lad" (a district section), "borough" or "country" for a row's kind. */
const char *nmP_level_name(char kind);
/* The numbers of one cell as the data formats hold them: 1 to 4 (a rate's
 * count, rate, lower and upper limits).  Returns how many. */
int nmP_cell_values(const gr_col *c, const gr_cell *x, double v[4]);
/* Suffixes of a rate's columns: "_count", "_rate", "_rate_lo", "_rate_hi". */
extern const char *const nmP_rate_parts[4];
/* The heading line of the CSV of a set's tables (table,level,code,name,...). */
void nmP_csv_head(const gr_set *s, FILE *fp);
/* One row of that CSV: full precision, "suppressed" cells, empty when
 * missing. */
void nmP_csv_row(const gr_set *s, const char *table, const gr_row *row, FILE *fp);

/* A period for readers: "2018-01..2018-07" -> "Jan–Jul 2018", "2018-03"
 * -> "Mar 2018"; others as they are. */
void nmP_fmt_period(const char *period, char out[48]);
/* Every column's period in a phrase: "IMD 2019; incidents Jan-Jul 2018".
 * Caller frees with nm_free(). */
char *nmP_periods(const gr_set *s);
/* The attribution of every dataset the set reads, with the boundaries'.
 * Caller frees with nm_free(). */
char *nmP_sources(nm_store *store, const gr_set *s);

/* ---- on a page (areatable.c) -------------------------------------------- */

/* The table of a summary or comparison: a row per figure of 's' (an
 * incident set takes two: incidents, and the rate with its interval), a
 * column per area of 'rows' headed 'heads', totals flagged in 'group'.
 * Drawn at (x, y) within width w when 'draw', else measured; 'next_page'
 * (may be NULL) continues it on new pages.  Returns the y below it (a
 * measure at y = 0 is its height), 0 when out of memory. */
double nmP_area_table(pg_doc *d, const gr_set *s, const gr_row *const *rows,
                     const char *const *heads, const int *group, int nareas, double x, double y,
                     double w, int draw, pg_break_fn next_page, void *user, nm_status *rc);

#endif
