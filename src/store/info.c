/*
 * Answers "what does the store hold": areas per level, indicators with their
 * coverage, datasets and lookups.  Results go to a callback, row by row, so
 * the caller decides how to show them.
 */
#include <string.h>

#include "store/store_int.h"

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* Steps a prepared statement, handing each row to 'row'; stops when 'row'
 * returns non-zero. */
static nm_status each_row(nm_store *store, sqlite3_stmt *st,
                          int (*row)(sqlite3_stmt *, void *, void *), void *fn, void *user)
{
    int s;

    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (row(st, fn, user))
            return NM_OK;
    if (s != SQLITE_DONE)
        return nmS_store_sqlfail(store, "reading the store");
    return NM_OK;
}

static int level_row(sqlite3_stmt *st, void *fn, void *user)
{
    nm_level_info info;

    info.level = col_text(st, 0);
    info.vintage = sqlite3_column_int(st, 1);
    info.areas = (long)sqlite3_column_int64(st, 2);
    info.with_geometry = (long)sqlite3_column_int64(st, 3);
    return ((nm_level_fn)fn)(user, &info);
}

nm_status nm_store_levels(nm_store *store, const char *level, nm_level_fn fn, void *user)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;

    nmC_clear(store->ctx);
    rc = nmS_store_prepare(store,
                          "SELECT level, vintage, COUNT(*), COUNT(geom) FROM area "
                          "WHERE ?1 IS NULL OR level = ?1 GROUP BY level, vintage "
                          "ORDER BY CASE level WHEN 'oa' THEN 0 WHEN 'lsoa' THEN 1 "
                          "WHEN 'msoa' THEN 2 WHEN 'ward' THEN 3 WHEN 'locality' THEN 4 "
                          "WHEN 'lad' THEN 5 WHEN 'region' THEN 6 ELSE 7 END, level, vintage",
                          &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
    rc = each_row(store, st, level_row, (void *)fn, user);
    sqlite3_finalize(st);
    return rc;
}

/* Counts with one query on the indicator's data table. */
static long count_sql(nm_store *store, const char *sql, const char *level, int vintage)
{
    sqlite3_stmt *st = NULL;
    long n = -1;

    if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, vintage);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = (long)sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

/* Fills the three counts of one indicator: values, mappable areas at its
 * level, and those of them with a value. */
static nm_status coverage(nm_store *store, nm_indicator_info *info, long id)
{
    nmC_buf a = {0}, b = {0};
    char *tbl = NULL, col[64];
    nm_status rc = nmS_store_ind_source(store, id, info->id, &tbl, col);

    if (rc != NM_OK)
        return rc;

    nmC_buf_addf(&a, "SELECT COUNT(\"%s\") FROM %s WHERE ?1 IS NOT NULL OR ?2", col, tbl);
    nmC_buf_addf(&b,
                "SELECT COUNT(*) FROM area a JOIN %s d ON d.code = a.code "
                "WHERE a.level = ?1 AND a.vintage = ?2 AND a.geom IS NOT NULL "
                "AND d.\"%s\" IS NOT NULL",
                tbl, col);
    if (a.failed || b.failed) {
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    } else {
        info->values = count_sql(store, a.data, info->level, info->vintage);
        info->areas_at_level = count_sql(store,
                                         "SELECT COUNT(*) FROM area WHERE level = ?1 AND "
                                         "vintage = ?2 AND geom IS NOT NULL",
                                         info->level, info->vintage);
        info->areas_covered = count_sql(store, b.data, info->level, info->vintage);
        if (info->values < 0 || info->areas_at_level < 0 || info->areas_covered < 0)
            rc = nmS_store_sqlfail(store, "counting values");
    }
    nmC_buf_free(&a);
    nmC_buf_free(&b);
    nm_free(tbl);
    return rc;
}

nm_status nm_store_indicators(nm_store *store, const char *id, const char *level,
                              nm_indicator_fn fn, void *user)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;
    int s;

    nmC_clear(store->ctx);
    rc = nmS_store_prepare(store,
                          "SELECT i.key, i.period, i.label, i.unit, i.polarity, i.level, i.vintage,"
                          " i.id, '', d.attribution "
                          "FROM indicator i LEFT JOIN dataset d ON d.id = i.dataset "
                          "WHERE (?1 IS NULL OR i.key = ?1) AND (?2 IS NULL OR i.level = ?2) "
                          "ORDER BY i.key, i.period",
                          &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, level, -1, SQLITE_STATIC);
    while (rc == NM_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        nm_indicator_info info;
        info.id = col_text(st, 0);
        info.period = col_text(st, 1);
        info.label = col_text(st, 2);
        info.unit = col_text(st, 3);
        info.polarity = sqlite3_column_int(st, 4);
        info.level = col_text(st, 5);
        info.vintage = sqlite3_column_int(st, 6);
        info.source = col_text(st, 9);
        rc = coverage(store, &info, (long)sqlite3_column_int64(st, 7));
        if (rc == NM_OK && fn(user, &info))
            break;
    }
    if (rc == NM_OK && s != SQLITE_ROW && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "reading indicators");
    sqlite3_finalize(st);
    return rc;
}

static int dataset_row(sqlite3_stmt *st, void *fn, void *user)
{
    nm_dataset_info info;

    info.id = (long)sqlite3_column_int64(st, 0);
    info.kind = col_text(st, 1);
    info.file = col_text(st, 2);
    info.sha256 = col_text(st, 3);
    info.rows = (long)sqlite3_column_int64(st, 4);
    info.imported_at = col_text(st, 5);
    info.attribution = col_text(st, 6);
    return ((nm_dataset_fn)fn)(user, &info);
}

nm_status nm_store_datasets(nm_store *store, nm_dataset_fn fn, void *user)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;

    nmC_clear(store->ctx);
    rc = nmS_store_prepare(store,
                          "SELECT id, kind, file, sha256, rows, imported_at, attribution "
                          "FROM dataset ORDER BY id",
                          &st);
    if (rc != NM_OK)
        return rc;
    rc = each_row(store, st, dataset_row, (void *)fn, user);
    sqlite3_finalize(st);
    return rc;
}

static int lookup_row(sqlite3_stmt *st, void *fn, void *user)
{
    nm_lookup_info info;

    info.child_level = col_text(st, 0);
    info.child_vintage = sqlite3_column_int(st, 1);
    info.parent_level = col_text(st, 2);
    info.parent_vintage = sqlite3_column_int(st, 3);
    info.method = col_text(st, 4);
    info.memberships = (long)sqlite3_column_int64(st, 5);
    info.children = (long)sqlite3_column_int64(st, 6);
    info.parents = (long)sqlite3_column_int64(st, 7);
    return ((nm_lookup_fn)fn)(user, &info);
}

nm_status nm_store_lookups(nm_store *store, nm_lookup_fn fn, void *user)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;

    nmC_clear(store->ctx);
    rc = nmS_store_prepare(store,
                          "SELECT child_level, child_vintage, parent_level, parent_vintage, method,"
                          " COUNT(*), COUNT(DISTINCT child), COUNT(DISTINCT parent) "
                          "FROM membership GROUP BY child_level, child_vintage, parent_level,"
                          " parent_vintage, method ORDER BY 1, 2, 3, 4, 5",
                          &st);
    if (rc != NM_OK)
        return rc;
    rc = each_row(store, st, lookup_row, (void *)fn, user);
    sqlite3_finalize(st);
    return rc;
}

nm_status nm_store_value(nm_store *store, const char *id, const char *period, const char *code,
                         double *value)
{
    sqlite3_stmt *st = NULL;
    nmC_buf sql = {0};
    nmS_ind ind;
    nm_status rc;

    nmC_clear(store->ctx);
    rc = nmS_store_find_indicator(store, id, period, &ind);
    if (rc != NM_OK)
        return rc;
    nmC_buf_addf(&sql, "SELECT \"%s\" FROM %s WHERE code = ?", ind.col, ind.src);
    rc = sql.failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory")
                    : nmS_store_prepare(store, sql.data, &st);
    if (rc == NM_OK) {
        int s;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        s = sqlite3_step(st);
        if (s == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            *value = sqlite3_column_double(st, 0);
        else if (s == SQLITE_ROW || s == SQLITE_DONE)
            rc = nmC_fail(store->ctx, NM_NOTFOUND, "no value of %s %s for %s", id, ind.period,
                         code);
        else
            rc = nmS_store_sqlfail(store, "reading a value");
    }
    sqlite3_finalize(st);
    nmC_buf_free(&sql);
    nmS_ind_clear(&ind);
    return rc;
}
