/*
 * Bulk loading of the area table.  SpatiaLite guards a geometry column with
 * per-row triggers (type/SRID check, last-change time, R-tree upkeep through
 * RTreeAlign, which prepares SQL on every row); on England's 32,844 LSOAs they
 * cost more than everything else together.  Inside the import's transaction
 * this module drops exactly those six triggers, keeps the R-tree itself with
 * one prepared statement, and restores the triggers from their stored SQL
 * before commit; a rollback restores them anyway.  Type and SRID need no
 * check: the importer builds every geometry as MULTIPOLYGON in EPSG:27700.
 * Should the store gain a bulk-load call, this belongs there.
 */
#include <string.h>

#include "ingest/bnd_int.h"
#include "store/store_int.h"

#define MAX_TRIGGERS 6

/* The triggers AddGeometryColumn and CreateSpatialIndex put on area.geom
 * whose work is done here instead.  The delete triggers stay. */
static const char *const bypassed[MAX_TRIGGERS] = {
    "ggi_area_geom", "ggu_area_geom", "tmi_area_geom",
    "tmu_area_geom", "gii_area_geom", "giu_area_geom",
};

struct bnd_bulk {
    nm_store *store;
    char *sql[MAX_TRIGGERS]; /* CREATE TRIGGER statements to restore */
    sqlite3_stmt *rtree;
    int inserted, updated;
};

static long query_long(nm_store *store, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long v = -1;

    if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Saves and drops the bypassed triggers. */
static nm_status drop_triggers(bnd_bulk *b)
{
    sqlite3_stmt *st = NULL;
    nm_buf drop = {0};
    nm_status rc;
    int i;

    rc = nm_store_prepare(b->store, "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'area' AND name = ?", &st);
    for (i = 0; rc == NM_OK && i < MAX_TRIGGERS; i++) {
        sqlite3_bind_text(st, 1, bypassed[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            if (!(b->sql[i] = nm_strdup((const char *)sqlite3_column_text(st, 0))))
                rc = nm_fail(b->store->ctx, NM_NOMEM, "out of memory");
            nm_buf_addf(&drop, "DROP TRIGGER \"%s\";", bypassed[i]);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc == NM_OK && drop.failed)
        rc = nm_fail(b->store->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK && drop.len)
        rc = nm_store_exec(b->store, drop.data);
    nm_buf_free(&drop);
    return rc;
}

nm_status bnd_bulk_begin(nm_store *store, bnd_bulk **out)
{
    bnd_bulk *b;
    nm_status rc;

    *out = NULL;
    /* 1: a plain R*Tree index, the one this module knows how to keep; with
       anything else the triggers stay and do their work row by row */
    if (query_long(store, "SELECT spatial_index_enabled FROM geometry_columns "
                          "WHERE f_table_name = 'area' AND f_geometry_column = 'geom'") != 1)
        return NM_OK;
    if (!(b = nm_calloc(1, sizeof *b)))
        return nm_fail(store->ctx, NM_NOMEM, "out of memory");
    b->store = store;
    rc = drop_triggers(b);
    if (rc == NM_OK)
        rc = nm_store_prepare(store,
                              "INSERT OR REPLACE INTO idx_area_geom(pkid, xmin, xmax, ymin, ymax) "
                              "VALUES (?, ?, ?, ?, ?)",
                              &b->rtree);
    if (rc != NM_OK) {
        bnd_bulk_free(b);
        return rc;
    }
    *out = b;
    return NM_OK;
}

nm_status bnd_bulk_row(bnd_bulk *b, sqlite3_int64 id, int inserted, gaiaGeomCollPtr geom)
{
    sqlite3_stmt *st = b->rtree;
    int step;

    if (inserted)
        b->inserted = 1;
    else
        b->updated = 1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_double(st, 2, geom->MinX);
    sqlite3_bind_double(st, 3, geom->MaxX);
    sqlite3_bind_double(st, 4, geom->MinY);
    sqlite3_bind_double(st, 5, geom->MaxY);
    step = sqlite3_step(st);
    sqlite3_reset(st);
    return step == SQLITE_DONE ? NM_OK : nm_store_sqlfail(b->store, "updating the spatial index");
}

nm_status bnd_bulk_end(bnd_bulk *b)
{
    nm_status rc = NM_OK;
    nm_buf sql = {0};
    int i;

    if (!b)
        return NM_OK;
    for (i = 0; i < MAX_TRIGGERS; i++)
        if (b->sql[i])
            nm_buf_addf(&sql, "%s;", b->sql[i]);
    /* what the time triggers would have recorded, once */
    if (b->inserted || b->updated)
        nm_buf_addf(&sql,
                    "UPDATE geometry_columns_time SET %s%s%s WHERE "
                    "Lower(f_table_name) = 'area' AND Lower(f_geometry_column) = 'geom';",
                    b->inserted ? "last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" : "",
                    b->inserted && b->updated ? ", " : "",
                    b->updated ? "last_update = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" : "");
    if (sql.failed)
        rc = nm_fail(b->store->ctx, NM_NOMEM, "out of memory");
    else if (sql.len)
        rc = nm_store_exec(b->store, sql.data);
    nm_buf_free(&sql);
    return rc;
}

void bnd_bulk_free(bnd_bulk *b)
{
    int i;

    if (!b)
        return;
    sqlite3_finalize(b->rtree);
    for (i = 0; i < MAX_TRIGGERS; i++)
        nm_free(b->sql[i]);
    nm_free(b);
}
