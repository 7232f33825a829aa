/*
 * Storing indicators needsmap computes itself (aggregates to wards and
 * localities, incident counts and rates) in the same shape as imported
 * ones: a data_<dataset> table and an indicator row per series, so maps,
 * tables and summaries read them through one path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_int.h"

static nm_status add_derived_dataset(nm_store *store, nm_batch *b)
{
    sqlite3_stmt *st = NULL;
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    nm_status rc;

    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    rc = nm_store_prepare(store,
                          "INSERT INTO dataset(kind, file, sha256, rows, imported_at, attribution) "
                          "VALUES (?, ?, ?, ?, ?, ?)",
                          &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, b->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->description, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b->inputs_hash ? b->inputs_hash : "-", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)b->n);
    sqlite3_bind_text(st, 5, when, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, b->attribution, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = nm_store_sqlfail(store, "registering a computed dataset");
    else
        b->dataset = (long)sqlite3_last_insert_rowid(store->db);
    sqlite3_finalize(st);
    return rc;
}

static nm_status create_table(nm_store *store, const nm_batch *b, const char *tbl,
                              sqlite3_stmt **ins)
{
    nm_buf create = {0}, insert = {0};
    nm_status rc = NM_OK;
    int c;

    nm_buf_addf(&create, "CREATE TABLE \"%s\" (code TEXT PRIMARY KEY", tbl);
    nm_buf_addf(&insert, "INSERT INTO \"%s\" VALUES (?", tbl);
    for (c = 0; c < b->nseries; c++) {
        nm_buf_addf(&create, ", \"%s\" REAL", b->series[c].key);
        nm_buf_addf(&insert, ", ?");
    }
    nm_buf_addf(&create, ") WITHOUT ROWID");
    nm_buf_addf(&insert, ")");
    if (create.failed || insert.failed)
        rc = nm_fail(store->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        rc = nm_store_exec(store, create.data);
    if (rc == NM_OK)
        rc = nm_store_prepare(store, insert.data, ins);
    nm_buf_free(&create);
    nm_buf_free(&insert);
    return rc;
}

static nm_status upsert(nm_store *store, const nm_batch *b, const nm_series *s, const char *tbl)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nm_store_prepare(
        store,
        "INSERT INTO indicator(key, period, label, unit, polarity, level, vintage, tbl, col,"
        " dataset) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?1, ?9) "
        "ON CONFLICT(key, period) DO UPDATE SET label = ?3, unit = ?4, polarity = ?5,"
        " level = ?6, vintage = ?7, tbl = ?8, col = ?1, dataset = ?9",
        &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, s->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->label, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->unit, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, s->polarity);
    sqlite3_bind_text(st, 6, b->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, b->vintage);
    sqlite3_bind_text(st, 8, tbl, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, b->dataset);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = nm_store_sqlfail(store, "storing an indicator");
    sqlite3_finalize(st);
    return rc;
}

nm_status nm_store_put_batch(nm_store *store, nm_batch *b)
{
    sqlite3_stmt *ins = NULL;
    char tbl[32];
    nm_status rc;
    size_t i;
    int c;

    for (c = 0; c < b->nseries; c++)
        for (const char *p = b->series[c].key; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
                return nm_fail(store->ctx, NM_USAGE, "indicator id \"%s\" may hold only a-z, 0-9 and _",
                               b->series[c].key);
    rc = b->dataset > 0 ? NM_OK : add_derived_dataset(store, b);
    if (rc != NM_OK)
        return rc;
    snprintf(tbl, sizeof tbl, "data_%ld", b->dataset);
    rc = create_table(store, b, tbl, &ins);
    for (size_t k = 0; rc == NM_OK && k < b->n; k++) {
        i = b->order ? (size_t)b->order[k] : k;
        sqlite3_bind_text(ins, 1, b->codes[i], -1, SQLITE_STATIC);
        for (c = 0; c < b->nseries; c++) {
            double v = b->series[c].values[i];
            if (isnan(v)) {
                sqlite3_bind_null(ins, c + 2);
            } else {
                sqlite3_bind_double(ins, c + 2, v);
                b->stored++;
            }
        }
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = nm_store_sqlfail(store, "storing computed values");
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    for (c = 0; rc == NM_OK && c < b->nseries; c++)
        rc = upsert(store, b, &b->series[c], tbl);
    if (rc == NM_OK)
        rc = nm_store_drop_orphan_data(store);
    return rc;
}
