/*
 * Storing a batch of values, imported or computed (aggregates to wards
 * and localities, incident counts and rates): a data_<dataset> table, and
 * per series an indicator with this table as its newest part.  Only the
 * areas the batch covers are taken from older parts (see schema.c), so
 * maps, tables and summaries read every indicator through one path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_int.h"

static nm_status add_derived_dataset(nm_store *store, nmS_batch *b)
{
    sqlite3_stmt *st = NULL;
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    nm_status rc;

    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    rc = nmS_store_prepare(store,
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
        rc = nmS_store_sqlfail(store, "registering a computed dataset");
    else
        b->dataset = (long)sqlite3_last_insert_rowid(store->db);
    sqlite3_finalize(st);
    return rc;
}

static nm_status create_table(nm_store *store, const nmS_batch *b, const char *tbl,
                              sqlite3_stmt **ins)
{
    nmC_buf create = {0}, insert = {0};
    nm_status rc = NM_OK;
    int c;

    nmC_buf_addf(&create, "CREATE TABLE \"%s\" (code TEXT PRIMARY KEY", tbl);
    nmC_buf_addf(&insert, "INSERT INTO \"%s\" VALUES (?", tbl);
    for (c = 0; c < b->nseries; c++) {
        nmC_buf_addf(&create, ", \"%s\" REAL", b->series[c].key);
        nmC_buf_addf(&insert, ", ?");
    }
    nmC_buf_addf(&create, ") WITHOUT ROWID");
    nmC_buf_addf(&insert, ")");
    if (create.failed || insert.failed)
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        rc = nmS_store_exec(store, create.data);
    if (rc == NM_OK)
        rc = nmS_store_prepare(store, insert.data, ins);
    nmC_buf_free(&create);
    nmC_buf_free(&insert);
    return rc;
}

/* The indicator (key, period, level, vintage) of a series, made or
 * updated; its label and unit are those of the latest computation. */
static nm_status upsert(nm_store *store, const nmS_batch *b, const nmS_series *s, long *id)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(
        store,
        "INSERT INTO indicator(key, period, label, unit, polarity, level, vintage, dataset)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT(key, period, level, vintage) DO UPDATE SET label = ?3, unit = ?4,"
        " polarity = ?5, dataset = ?8 RETURNING id",
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
    sqlite3_bind_int64(st, 8, b->dataset);
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = nmS_store_sqlfail(store, "storing an indicator");
    else
        *id = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc;
}

typedef struct part {
    char tbl[32];
    char col[64];
} part;

/* Runs 'fmt', filled with a part's table and column and the new table
 * (all made of [a-z0-9_] by ingest), and reads its one count if any. */
static nm_status exec_part(nm_store *store, const char *fmt, const part *p, const char *tbl,
                           long *count)
{
    sqlite3_stmt *st = NULL;
    nmC_buf sql = {0};
    nm_status rc;

    nmC_buf_addf(&sql, fmt, p->tbl, p->col, tbl);
    rc = sql.failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory")
                    : nmS_store_prepare(store, sql.data, &st);
    nmC_buf_free(&sql);
    if (rc != NM_OK)
        return rc;
    switch (sqlite3_step(st)) {
    case SQLITE_ROW:
        if (count)
            *count = (long)sqlite3_column_int64(st, 0);
        break;
    case SQLITE_DONE:
        break;
    default:
        rc = nmS_store_sqlfail(store, "replacing older values");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Hands the codes of table 'tbl' over from the indicator's older parts:
 * a part whose every value is covered goes, any other loses just those
 * values.  Values of areas the new computation does not cover stay. */
static nm_status take_over(nm_store *store, long id, const char *tbl)
{
    sqlite3_stmt *st = NULL;
    part *parts = NULL;
    size_t n = 0, cap = 0, i;
    nm_status rc = nmS_store_prepare(
        store, "SELECT tbl, col FROM indicator_part WHERE indicator = ?1 AND tbl <> ?2", &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, tbl, -1, SQLITE_STATIC);
    while (rc == NM_OK && sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            part *g = nm_realloc(parts, (cap = cap ? 2 * cap : 4) * sizeof *g);
            if (!g) {
                rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
                break;
            }
            parts = g;
        }
        nmC_strlcpy(parts[n].tbl, (const char *)sqlite3_column_text(st, 0), sizeof parts[n].tbl);
        nmC_strlcpy(parts[n].col, (const char *)sqlite3_column_text(st, 1), sizeof parts[n].col);
        n++;
    }
    sqlite3_finalize(st);
    for (i = 0; rc == NM_OK && i < n; i++) {
        long left = 0;
        rc = exec_part(store,
                       "SELECT COUNT(*) FROM \"%s\" WHERE \"%s\" IS NOT NULL "
                       "AND code NOT IN (SELECT code FROM \"%s\")",
                       &parts[i], tbl, &left);
        if (rc == NM_OK && left > 0)
            rc = exec_part(store,
                           "UPDATE \"%s\" SET \"%s\" = NULL "
                           "WHERE code IN (SELECT code FROM \"%s\")",
                           &parts[i], tbl, NULL);
        if (rc == NM_OK && left == 0) {
            sqlite3_stmt *del = NULL;
            rc = nmS_store_prepare(store,
                                  "DELETE FROM indicator_part WHERE indicator = ?1 AND tbl = ?2",
                                  &del);
            if (rc == NM_OK) {
                sqlite3_bind_int64(del, 1, id);
                sqlite3_bind_text(del, 2, parts[i].tbl, -1, SQLITE_STATIC);
                if (sqlite3_step(del) != SQLITE_DONE)
                    rc = nmS_store_sqlfail(store, "replacing older values");
            }
            sqlite3_finalize(del);
        }
    }
    nm_free(parts);
    return rc;
}

static nm_status add_part(nm_store *store, const nmS_batch *b, const nmS_series *s, const char *tbl)
{
    sqlite3_stmt *st = NULL;
    long id = 0;
    nm_status rc = upsert(store, b, s, &id);

    if (rc == NM_OK)
        rc = take_over(store, id, tbl);
    if (rc == NM_OK)
        rc = nmS_store_prepare(store,
                              "INSERT OR REPLACE INTO indicator_part(indicator, tbl, col, dataset) "
                              "VALUES (?, ?, ?, ?)",
                              &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, tbl, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, b->dataset);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "storing an indicator");
    sqlite3_finalize(st);
    return rc;
}

nm_status nmS_store_put_batch(nm_store *store, nmS_batch *b)
{
    sqlite3_stmt *ins = NULL;
    char tbl[32];
    nm_status rc;
    size_t i;
    int c;

    for (c = 0; c < b->nseries; c++)
        for (const char *p = b->series[c].key; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
                return nmC_fail(store->ctx, NM_USAGE, "indicator id \"%s\" may hold only a-z, 0-9 and _",
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
            rc = nmS_store_sqlfail(store, "storing computed values");
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    for (c = 0; rc == NM_OK && c < b->nseries; c++)
        rc = add_part(store, b, &b->series[c], tbl);
    if (rc == NM_OK)
        rc = nmS_store_drop_orphan_data(store);
    return rc;
}
