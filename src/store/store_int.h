/*
 * What the other modules of the library may use of the store: the SQLite
 * handle, SpatiaLite's connection cache, transactions, and the dataset
 * register.  Not published.
 */
#ifndef NM_STORE_INT_H
#define NM_STORE_INT_H

#include <sqlite3.h>

#include "needsmap/store.h"
#include "nm_int.h"

struct nm_store {
    nm_ctx *ctx;
    sqlite3 *db;
    void *splite;   /* SpatiaLite connection cache (for gaia*_r calls) */
    int spatial_later; /* SpatiaLite's functions not registered yet */
    char *path;
    int writable;
    int in_tx;
    struct nmS_hash_job *hash; /* a dataset's SHA-256 still being computed */
    char vlevel[16];  /* the level whose year the user named (vintage.c) */
    int vvintage;     /* that year, 0 for none */
    struct nmS_store_memo *memo;   /* remembered id lists (memo.c) */
    long long memo_version, memo_changes; /* the state they hold for */
};
typedef struct nmS_store_memo nmS_store_memo;

/* The ids (an integer first column) that SQL with text parameters returns,
 * remembered on this connection while the store is unchanged, so that the
 * maps of a build ask each such question once.  *ids is owned by the store,
 * valid until the next call on it; 'what' names the query in an error. */
nm_status nmS_store_memo_ids(nm_store *store, const char *sql, const char *const *params,
                            int nparams, const char *what, const long **ids, int *n);
/* A sentence remembered the same way under 'key' (the store's own
 * choice of words about its rows), or NULL; and keeping one, which only
 * costs the next call its making again when memory is short. */
const char *nmS_store_memo_text(nm_store *store, const char *key);
void nmS_store_memo_keep_text(nm_store *store, const char *key, const char *text);
/* Forgets them all (at close). */
void nmS_store_memo_free(nm_store *store);

/* Opens the store like nm_store_open but leaves SpatiaLite's functions
 * unregistered until nmS_store_spatial(), a write transaction or the first
 * statement that fails to prepare without them (a read-only store is
 * always opened so): a build
 * that finds every figure up to date reads only its own tables, and
 * starting SpatiaLite (which opens PROJ's database) was a tenth of an
 * atlas's no-op rebuild. */
#define NMS_STORE_SPATIAL_LATER 0x100
/* Registers SpatiaLite's functions on a store opened with
 * NMS_STORE_SPATIAL_LATER; does nothing on any other. */
nm_status nmS_store_spatial(nm_store *store);

/* Sets the context's error from SQLite's message: "what: sqlite message". */
nm_status nmS_store_sqlfail(nm_store *store, const char *what);

/* Runs SQL that returns no rows. */
nm_status nmS_store_exec(nm_store *store, const char *sql);

/* Prepares a statement; sets the error on failure. */
nm_status nmS_store_prepare(nm_store *store, const char *sql, sqlite3_stmt **stmt);

/* One transaction per import: begin, then commit or roll back.  A rollback
 * leaves the file byte for byte as it was. */
nm_status nmS_store_begin(nm_store *store);
nm_status nmS_store_commit(nm_store *store);
void nmS_store_rollback(nm_store *store);

/* A read snapshot: one shared lock for a run of queries instead of one per
 * statement (reading 32,844 boundaries one by one otherwise spends a third
 * of its time taking and dropping file locks).  Nests with nothing; ended
 * with nmS_store_read_end(). */
nm_status nmS_store_read_begin(nm_store *store);
void nmS_store_read_end(nm_store *store);

/* Registers a dataset (inside the caller's transaction) and returns its id.
 * The file's SHA-256 is computed in a second thread while the import reads
 * the file (hashing England's 56 MB of boundaries alone took a twentieth of
 * the import) and is written by nmS_store_commit, which fails when the file
 * could not be read. */
nm_status nmS_store_add_dataset(nm_store *store, const char *kind, const char *file,
                               const char *attribution, long *id);
/* Records the number of rows a dataset contributed. */
nm_status nmS_store_set_dataset_rows(nm_store *store, long id, long rows);

/* An indicator as stored, and where its values are (values.c). */
typedef struct nmS_ind {
    long id;
    char key[64];
    char period[32];
    char unit[16];
    char level[16];
    char col[64];  /* the column of src that holds the values */
    char *src;     /* SQL naming where the values are: a table, or the
                      union of the indicator's parts; owned */
    int vintage;
    int polarity;
    long dataset;
    char *label;   /* owned; free with nmS_ind_clear() */
    char *source;  /* dataset attribution, owned */
} nmS_ind;

/* Where the values of indicator 'id' are: OUT 'src', SQL usable after
 * FROM (a table or a union of parts; caller frees with nm_free()), and
 * OUT 'col', the column of src with the values. */
nm_status nmS_store_ind_source(nm_store *store, long id, const char *key, char **src,
                              char col[64]);
/* Finds indicator 'key' of 'period' (NULL: the latest period; of several
 * vintages, the one whose boundaries are drawn).  Returns
 * NM_NOTFOUND with a message listing the periods that exist. */
nm_status nmS_store_find_indicator(nm_store *store, const char *key, const char *period,
                                  nmS_ind *out);
void nmS_ind_clear(nmS_ind *ind);
/* Calls fn for every stored (non-NULL) value of the indicator, in code
 * order.  fn returns non-zero to stop. */
nm_status nmS_store_each_value(nm_store *store, const nmS_ind *ind,
                              int (*fn)(void *user, const char *code, double value), void *user);
/* Every stored value of an indicator, in code order (values.c).  Filled by
 * passing nmS_vtable_add and the table to nmS_store_each_value(); 'failed'
 * is set when an allocation failed while filling. */
typedef struct nmS_vtable {
    size_t n, cap;
    char **code;
    double *value;
    int failed;
} nmS_vtable;

/* Frees what the table holds and zeroes it; safe on a zeroed table. */
void nmS_vtable_free(nmS_vtable *t);
/* Callback for nmS_store_each_value(): appends one value; returns non-zero
 * (stop) when out of memory. */
int nmS_vtable_add(void *user, const char *code, double value);
/* Index of 'code' in the table (filled in code order), or -1. */
long nmS_vtable_find(const nmS_vtable *t, const char *code);
/* Index of 'code' in 'codes' sorted by strcmp (SQLite's order for text),
 * or -1. */
long nmS_code_find(char *const *codes, size_t n, const char *code);

/* The values of 'n' codes (NAN where none), looked up one by one: cheaper
 * than reading the whole table when a map shows a few hundred areas. */
nm_status nmS_store_values_of(nm_store *store, const nmS_ind *ind, char *const *codes, size_t n,
                             double *out);
/* How many values an indicator has (its national count for ranks). */
nm_status nmS_store_count_values(nm_store *store, const nmS_ind *ind, long *count);
/* The largest value of an indicator, truncated to an integer (0 when it has
 * none): the highest rank a release gives. */
nm_status nmS_max_value(nm_store *store, const nmS_ind *ind, long *top);
/* Drops data_N tables that no indicator refers to any more (inside the
 * caller's transaction). */
nm_status nmS_store_drop_orphan_data(nm_store *store);

/* Writing a batch of indicators computed by needsmap itself (put.c): ward
 * aggregates, incident counts and rates.  One series per indicator, values
 * aligned with 'codes' (NAN for none). */
typedef struct nmS_series {
    const char *key;     /* indicator id, [a-z0-9_] only */
    const char *label;
    const char *unit;    /* "people", "score", "share", "count", "rate", ... */
    int polarity;        /* +1 higher is more deprived, -1 lower is, 0 neither */
    const double *values;
} nmS_series;

typedef struct nmS_batch {
    const char *level;        /* level of the areas */
    int vintage;              /* their code vintage */
    const char *period;
    const char *kind;         /* dataset kind, e.g. "aggregate", "incidents" */
    const char *description;  /* dataset "file": what it was computed from */
    const char *inputs_hash;  /* dataset checksum: a hash of the inputs, or NULL */
    const char *attribution;  /* dataset attribution (of the sources used) */
    char **codes;             /* the areas; no duplicates */
    size_t n;
    const long *order;        /* NULL, or the order to write codes[] in:
                                 code order appends to the table's B-tree */
    const nmS_series *series;
    int nseries;
    long dataset;             /* IN: an already registered dataset (an
                                 imported file), or 0 to register one from
                                 kind/description/inputs_hash; OUT: its id */
    long stored;              /* OUT: values written (not NAN) */
} nmS_batch;

/* Stores a batch inside the caller's transaction: a dataset row (unless
 * given), a table data_<dataset> and per series a part of the indicator
 * (key, period, level, vintage) that takes over the batch's codes from
 * older parts; other areas' values are kept. */
nm_status nmS_store_put_batch(nm_store *store, nmS_batch *b);

/* The membership rule (vintage.c).  The code year of 'level' for this
 * run: the one set with nm_store_set_vintage(), else the latest with
 * boundaries, else ('drawn' 0) the latest any membership leads to; 0 when
 * none. */
int nmS_store_vintage_of(nm_store *store, const char *level, int drawn);
/* A level as sentences name it: "LSOA", "LAD", "UTLA"; others as given. */
const char *nmS_level_word(const char *level);
/* Appends to 'out' how the areas of 'level' and 'vintage' within the area
 * 'code' of 'code_level' were found, from the lowest step up: "LSOA 2021
 * to LAD 2024 by the lookup X.csv; LAD 2023 to UTLA 2023 by the lookup
 * Y.csv", or, when no membership led there ('by_position'), by their
 * interior points within its boundary.  The steps are the memberships
 * the selection followed (analyse/select.c), grouped by years and source. */
nm_status nmS_store_descent_said(nm_store *store, const char *code, const char *code_level,
                                const char *level, int vintage, int by_position, nmC_buf *out);
/* Appends to 'out' the words naming the boundaries and memberships used:
 * "ward 2013 boundaries; lsoa 2011 to ward 2013 by the lookup X.csv". */
nm_status nmS_store_members_said(nm_store *store, const char *child_level, int child_vintage,
                                const char *parent_level, int parent_vintage, nmC_buf *out);
/* Of the 'n' children, those another stored lookup or assignment places
 * in another parent (by name across years) than the memberships of
 * parent_vintage: OUT 'count', and a sentence per other source appended
 * to 'out' with the first ten ("E01026796 (Bowthorpe; University)"). */
nm_status nmS_store_members_differ(nm_store *store, const char *child_level, int child_vintage,
                                  const char *const *codes, size_t n, const char *parent_level,
                                  int parent_vintage, nmC_buf *out, long *count);

/* Schema (schema.c). */
nm_status nmS_schema_create(nm_store *store);
nm_status nmS_schema_check(nm_store *store);
/* Adds what a store of this schema version made by an earlier needsmap
 * lacks (the index area_drawn), inside the caller's write transaction, so
 * that a failed import leaves the file as it was. */
nm_status nmS_schema_upgrade(nm_store *store);

/* ---- bulk loading of a geometry column (bulk.c) ------------------------ */

typedef struct nmS_bulk nmS_bulk;

/* Inside the caller's transaction, replaces SpatiaLite's per-row triggers on
 * <table>.geom ('table' is "area" or "incident") by nmS_bulk_row().  Sets
 * *out to NULL (and changes nothing) when the column has no plain R*Tree
 * index.  Caller frees with nmS_bulk_free(), after nmS_bulk_end() on
 * success. */
nm_status nmS_bulk_begin(nm_store *store, const char *table, nmS_bulk **out);
/* Deletes the rows of the table matching 'where' (SQL with one parameter,
 * bound to 'param'), their index entries going with the rebuild at
 * nmS_bulk_end rather than one by one through SpatiaLite's triggers. */
nm_status nmS_bulk_delete(nmS_bulk *b, const char *where, const char *param);
/* Records the bounding box (minx, miny, maxx, maxy) of row 'id' in the
 * spatial index; 'inserted' is 0 for a replaced row. */
nm_status nmS_bulk_row(nmS_bulk *b, sqlite3_int64 id, int inserted, const double box[4]);
/* Restores the triggers; NULL is a no-op returning NM_OK. */
nm_status nmS_bulk_end(nmS_bulk *b);
void nmS_bulk_free(nmS_bulk *b);

/* The first column of the first row of 'sql' as a whole number; -1 when
 * it fails or gives no row (schema.c). */
long nmS_query_long(nm_store *store, const char *sql);

#endif
