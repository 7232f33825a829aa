/*
 * The engine behind every table import: reads the key column and the
 * chosen value columns of a table, checks every cell, and only when the
 * whole file is clean writes indicators, values and memberships in the
 * caller's transaction.
 */
#ifndef NM_VALUES_INT_H
#define NM_VALUES_INT_H

#include "ingest/ingest_int.h"
#include "ingest/table_int.h"
#include "store/store_int.h"

/* One value column that becomes an indicator. */
typedef struct nmI_colspec {
    int col;          /* column index in the table */
    char *key;        /* indicator id, e.g. "imd_score" (owned) */
    char *label;      /* e.g. "Index of Multiple Deprivation (IMD) score" (owned) */
    const char *unit; /* "score", "rate", "rank", "decile", "people", "value" */
    int polarity;     /* +1 higher is more deprived, -1 lower is, 0 neither */
} nmI_colspec;

/* One column of parent codes that becomes memberships (e.g. the LAD code
 * column of an IoD file). */
typedef struct nmI_parentspec {
    int col;
    int name_col;     /* -1 when the file has no names */
    const char *level;
    int vintage;
    int via;          /* -1: parents of the keyed areas; else the index of
                         the parent column whose codes are the children */
} nmI_parentspec;

typedef struct nmI_values_job {
    nmI_table *table;
    const char *path;
    int key_col;
    const char *level;   /* level of the keyed areas */
    int vintage;         /* their code vintage */
    int vintage_default; /* vintage 0: the vintage is the one of the stored
                            areas that most codes match, this when none */
    const char *period;
    nmI_colspec *cols;
    int ncols;
    nmI_parentspec *parents;
    int nparents;
    const char *kind;        /* dataset kind */
    const char *attribution; /* dataset attribution */
    int strict;
} nmI_values_job;

/* Reads the table, checks it and stores it in one transaction.  Returns
 * NM_BADDATA (nothing stored) when any cell is wrong. */
nm_status nmI_values_import(nm_store *store, nmI_values_job *job, nm_import_result *result);

/* Frees the owned strings of 'n' colspecs and the array. */
void nmI_colspecs_free(nmI_colspec *cols, int n);

/* Makes an indicator id from a heading: lower case, runs of anything but
 * letters and digits become one '_' ("Life expectancy (F)" ->
 * "life_expectancy_f").  Caller frees with nm_free(). */
/* The longest indicator id, so that it fits the store's 64-byte fields. */
#define NM_KEY_MAX 63
char *nmI_make_key(const char *heading);

/* Warns (or, when strict, fails) about codes in 'codes' (sorted in strcmp
 * order; empty ones are skipped) that match no area of level/vintage in the
 * store ('drawn': areas with a boundary), and says which stored year of
 * the level they look like.  'what' says which column they came from;
 * 'consequence' what happens to those rows, for the warning. */
nm_status nmI_check_unmatched(nm_store *store, const char *path, const char *what,
                             char **codes, long n, const char *level, int vintage, int drawn,
                             int strict,
                             const char *consequence, long *unmatched);

/* Writes memberships from a lookup: for each child, the earlier
 * memberships at the same parent level are replaced; parent names become
 * areas without a boundary where none of that code exists. */
typedef struct nmI_members {
    nm_store *store;
    sqlite3_stmt *del, *ins, *area;
    const char *child_level, *parent_level;
    int child_vintage, parent_vintage;
    long dataset;
    int replacing;        /* memberships of these levels exist already */
    char last_named[64];  /* parent whose name was stored last */
} nmI_members;

/* Prepares the writer; the caller has set the levels, vintages and
 * dataset. */
nm_status nmI_members_open(nm_store *store, nmI_members *m);
/* Removes the child's memberships at the parent level (method 'lookup'). */
nm_status nmI_members_clear(nmI_members *m, const char *child);
/* Adds child -> parent with a weight; 'parent_name' may be NULL.  Each
 * pair once per import: a second one is an error (a plain INSERT, which
 * costs a third of the upsert it replaced). */
nm_status nmI_members_add(nmI_members *m, const char *child, const char *parent, double weight,
                         const char *parent_name);
void nmI_members_close(nmI_members *m);

#endif
