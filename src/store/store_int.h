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
    char *path;
    int writable;
    int in_tx;
};

/* Sets the context's error from SQLite's message: "what: sqlite message". */
nm_status nm_store_sqlfail(nm_store *store, const char *what);

/* Runs SQL that returns no rows. */
nm_status nm_store_exec(nm_store *store, const char *sql);

/* Prepares a statement; sets the error on failure. */
nm_status nm_store_prepare(nm_store *store, const char *sql, sqlite3_stmt **stmt);

/* One transaction per import: begin, then commit or roll back.  A rollback
 * leaves the file byte for byte as it was. */
nm_status nm_store_begin(nm_store *store);
nm_status nm_store_commit(nm_store *store);
void nm_store_rollback(nm_store *store);

/* Registers a dataset (inside the caller's transaction) and returns its id.
 * The file's SHA-256 is computed here. */
nm_status nm_store_add_dataset(nm_store *store, const char *kind, const char *file,
                               const char *attribution, long *id);
/* Records the number of rows a dataset contributed. */
nm_status nm_store_set_dataset_rows(nm_store *store, long id, long rows);

/* Schema (schema.c). */
nm_status nm_schema_create(nm_store *store);
nm_status nm_schema_check(nm_store *store);

#endif
