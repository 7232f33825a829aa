/*
 * Bulk loading of a table with a geometry column: the areas of a boundary
 * import, the points of an incident import.  SpatiaLite guards a geometry
 * column with per-row triggers (type/SRID check, last-change time, R-tree
 * upkeep through RTreeAlign, which prepares SQL on every row); on England's
 * 32,844 LSOAs they cost more than everything else together, and a million
 * incidents took twice ogr2ogr's time.  Inside the import's transaction this
 * module drops exactly those six triggers, keeps the R-tree itself, and
 * restores the triggers from their stored SQL before commit; a rollback
 * restores them anyway.  The R-tree is built at the end: a packed tree
 * written straight into its shadow tables (as GDAL and SpatiaLite 5.1 bulk
 * load theirs), since each row through the virtual table rewrites whole
 * 1.2 KB nodes and took 0.18 s for England's LSOAs.  Type and SRID need no
 * check: the importers build every geometry themselves, MULTIPOLYGONs and
 * POINTs in EPSG:27700.  The triggers and the R-tree's shadow tables are
 * the store file's own, so this is store code (it was ingest/bnd_bulk.c);
 * the boundary and incident imports call it through store_int.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define MAX_TRIGGERS 8
#define FIRST_DELETE_TRIGGER 6

/* The triggers AddGeometryColumn and CreateSpatialIndex put on a geometry
 * column (named <prefix>_<table>_geom) whose work is done here instead:
 * those of inserts and updates always, those of deletes (the last two)
 * only for nmS_bulk_delete. */
static const char *const bypassed[MAX_TRIGGERS] = {"ggi", "ggu", "tmi", "tmu",
                                                   "gii", "giu", "gid", "tmd"};

/* An entry of the R-tree: a row id (or child node) and its box as the
 * R-tree stores it, in single precision rounded outwards. */
typedef struct rt_entry {
    sqlite3_int64 id;
    float box[4]; /* xmin, xmax, ymin, ymax */
} rt_entry;

struct nmS_bulk {
    nm_store *store;
    char table[16];          /* "area" or "incident": its column 'geom' */
    char *sql[MAX_TRIGGERS]; /* CREATE TRIGGER statements to restore */
    int inserted, updated, deleted;
    sqlite3_int64 *gone;     /* ids deleted by nmS_bulk_delete, sorted */
    size_t ngone;
    rt_entry *rows;          /* boxes of the rows stored, in order */
    size_t nrows, caprows;
};

/* Saves and drops the bypassed triggers from..to-1. */
static nm_status drop_triggers(nmS_bulk *b, int from, int to)
{
    sqlite3_stmt *st = NULL;
    nmC_buf drop = {0};
    nm_status rc;
    int i;

    rc = nmS_store_prepare(b->store, "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = ? AND name = ?", &st);
    sqlite3_bind_text(st, 1, b->table, -1, SQLITE_STATIC);
    for (i = from; rc == NM_OK && i < to; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s_%s_geom", bypassed[i], b->table);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) {
            if (!(b->sql[i] = nm_strdup((const char *)sqlite3_column_text(st, 0))))
                rc = nmC_fail(b->store->ctx, NM_NOMEM, "out of memory");
            nmC_buf_addf(&drop, "DROP TRIGGER \"%s\";", name);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc == NM_OK && drop.failed)
        rc = nmC_fail(b->store->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK && drop.len)
        rc = nmS_store_exec(b->store, drop.data);
    nmC_buf_free(&drop);
    return rc;
}

nm_status nmS_bulk_begin(nm_store *store, const char *table, nmS_bulk **out)
{
    nmS_bulk *b;
    nm_status rc;
    char sql[160];

    *out = NULL;
    /* 1: a plain R*Tree index, the one this module knows how to keep; with
       anything else the triggers stay and do their work row by row */
    snprintf(sql, sizeof sql, "SELECT spatial_index_enabled FROM geometry_columns "
                              "WHERE f_table_name = '%s' AND f_geometry_column = 'geom'", table);
    if (nmS_query_long(store, sql) != 1)
        return NM_OK;
    if (!(b = nm_calloc(1, sizeof *b)))
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    b->store = store;
    nmC_strlcpy(b->table, table, sizeof b->table);
    rc = drop_triggers(b, 0, FIRST_DELETE_TRIGGER);
    if (rc != NM_OK) {
        nmS_bulk_free(b);
        return rc;
    }
    *out = b;
    return NM_OK;
}

static int cmp_int64(const void *pa, const void *pb)
{
    sqlite3_int64 a = *(const sqlite3_int64 *)pa, b = *(const sqlite3_int64 *)pb;
    return a < b ? -1 : a > b;
}

static int is_gone(const nmS_bulk *b, sqlite3_int64 id)
{
    return b->ngone && bsearch(&id, b->gone, b->ngone, sizeof *b->gone, cmp_int64);
}

nm_status nmS_bulk_delete(nmS_bulk *b, const char *where, const char *param)
{
    sqlite3_stmt *st = NULL;
    nmC_buf sql = {0};
    size_t cap = 0;
    nm_status rc;
    int step;

    rc = drop_triggers(b, FIRST_DELETE_TRIGGER, MAX_TRIGGERS);
    nmC_buf_addf(&sql, "SELECT id FROM \"%s\" WHERE %s", b->table, where);
    if (rc == NM_OK)
        rc = sql.failed ? nmC_fail(b->store->ctx, NM_NOMEM, "out of memory")
                        : nmS_store_prepare(b->store, sql.data, &st);
    if (rc == NM_OK)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
    while (rc == NM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (b->ngone == cap) {
            size_t grown_cap = cap ? 2 * cap : 4096;
            sqlite3_int64 *grown = nm_realloc(b->gone, grown_cap * sizeof *grown);
            if (!grown) {
                rc = nmC_fail(b->store->ctx, NM_NOMEM, "out of memory");
                break;
            }
            b->gone = grown;
            cap = grown_cap;
        }
        b->gone[b->ngone++] = sqlite3_column_int64(st, 0);
    }
    if (rc == NM_OK && step != SQLITE_DONE)
        rc = nmS_store_sqlfail(b->store, "listing the rows to replace");
    sqlite3_finalize(st);
    st = NULL;
    if (b->ngone)
        qsort(b->gone, b->ngone, sizeof *b->gone, cmp_int64);
    sql.len = 0;
    nmC_buf_addf(&sql, "DELETE FROM \"%s\" WHERE %s", b->table, where);
    if (rc == NM_OK)
        rc = sql.failed ? nmC_fail(b->store->ctx, NM_NOMEM, "out of memory")
                        : nmS_store_prepare(b->store, sql.data, &st);
    if (rc == NM_OK) {
        sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = nmS_store_sqlfail(b->store, "replacing rows");
    }
    sqlite3_finalize(st);
    nmC_buf_free(&sql);
    b->deleted = b->ngone > 0;
    return rc;
}

/* The R-tree's rounding of a box (rtreeValueDown and rtreeValueUp in
 * SQLite's rtree.c): the float never lies inside the double's box. */
static float round_down(double d)
{
    float f = (float)d;
    if (f > d)
        f = (float)(d * (d < 0 ? 1.0 + 1.0 / 8388608.0 : 1.0 - 1.0 / 8388608.0));
    return f;
}

static float round_up(double d)
{
    float f = (float)d;
    if (f < d)
        f = (float)(d * (d < 0 ? 1.0 - 1.0 / 8388608.0 : 1.0 + 1.0 / 8388608.0));
    return f;
}

nm_status nmS_bulk_row(nmS_bulk *b, sqlite3_int64 id, int inserted, const double box[4])
{
    rt_entry *e;

    if (inserted)
        b->inserted = 1;
    else
        b->updated = 1;
    if (b->nrows == b->caprows) {
        size_t cap = b->caprows ? 2 * b->caprows : 4096;
        rt_entry *grown = nm_realloc(b->rows, cap * sizeof *grown);
        if (!grown)
            return nmC_fail(b->store->ctx, NM_NOMEM, "out of memory");
        b->rows = grown;
        b->caprows = cap;
    }
    e = &b->rows[b->nrows++];
    e->id = id;
    e->box[0] = round_down(box[0]);
    e->box[1] = round_up(box[2]);
    e->box[2] = round_down(box[1]);
    e->box[3] = round_up(box[3]);
    return NM_OK;
}

/* ---- building the R-tree ---------------------------------------------- */

static int cmp_id(const void *pa, const void *pb)
{
    const rt_entry *a = pa, *b = pb;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_x(const void *pa, const void *pb)
{
    const rt_entry *a = pa, *b = pb;
    float ca = a->box[0] + a->box[1], cb = b->box[0] + b->box[1];
    return ca < cb ? -1 : ca > cb;
}

static int cmp_y(const void *pa, const void *pb)
{
    const rt_entry *a = pa, *b = pb;
    float ca = a->box[2] + a->box[3], cb = b->box[2] + b->box[3];
    return ca < cb ? -1 : ca > cb;
}

/* Orders one level's entries Sort-Tile-Recursive: slices by x, each slice
 * by y, so that each run of 'fan' entries is one compact node. */
static void str_order(rt_entry *e, size_t n, size_t fan)
{
    size_t nodes = (n + fan - 1) / fan, slices = (size_t)ceil(sqrt((double)nodes));
    size_t per = slices * fan, i;

    qsort(e, n, sizeof *e, cmp_x);
    for (i = 0; i < n; i += per)
        qsort(e + i, n - i < per ? n - i : per, sizeof *e, cmp_y);
}

static void put_be16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put_be64(unsigned char *p, sqlite3_uint64 v)
{
    int i;
    for (i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static void put_bef(unsigned char *p, float f)
{
    unsigned char raw[4];
    unsigned int u;

    memcpy(&u, &f, 4);
    raw[0] = (unsigned char)(u >> 24);
    raw[1] = (unsigned char)(u >> 16);
    raw[2] = (unsigned char)(u >> 8);
    raw[3] = (unsigned char)u;
    memcpy(p, raw, 4);
}

static nm_status step_reset(nmS_bulk *b, sqlite3_stmt *st)
{
    int step = sqlite3_step(st);

    sqlite3_reset(st);
    return step == SQLITE_DONE ? NM_OK : nmS_store_sqlfail(b->store, "writing the spatial index");
}

/* Replaces the R-tree's content by a packed tree of b->rows, written in
 * SQLite's R-tree format (rtree.c, "Database Format of R-Tree Tables"):
 * node 1 is the root, starting with the tree's depth; each node holds a
 * 16-bit count, then cells of a 64-bit id and four big-endian floats. */
static nm_status write_rtree(nmS_bulk *b)
{
    sqlite3_stmt *node = NULL, *rowid = NULL, *parent = NULL, *size = NULL;
    rt_entry *level = b->rows, *up = NULL;
    unsigned char *blob = NULL;
    size_t n = b->nrows, fan, i, k, nup;
    sqlite3_int64 next_node = 2;
    int node_size = 0, depth = 0;
    nm_status rc;

    char sql[160];

    snprintf(sql, sizeof sql, "SELECT length(data) FROM idx_%s_geom_node WHERE nodeno = 1",
             b->table);
    rc = nmS_store_prepare(b->store, sql, &size);
    if (rc == NM_OK && sqlite3_step(size) == SQLITE_ROW)
        node_size = sqlite3_column_int(size, 0);
    sqlite3_finalize(size);
    if (rc != NM_OK)
        return rc;
    fan = node_size > 4 ? (size_t)(node_size - 4) / 24 : 0;
    if (fan < 2)
        return nmC_fail(b->store->ctx, NM_ERROR, "%s: unexpected spatial index node size %d",
                       b->store->path, node_size);
    snprintf(sql, sizeof sql, "DELETE FROM idx_%1$s_geom_node; DELETE FROM idx_%1$s_geom_rowid;"
                              "DELETE FROM idx_%1$s_geom_parent;", b->table);
    rc = nmS_store_exec(b->store, sql);
    snprintf(sql, sizeof sql, "INSERT INTO idx_%s_geom_node VALUES (?, ?)", b->table);
    if (rc == NM_OK)
        rc = nmS_store_prepare(b->store, sql, &node);
    snprintf(sql, sizeof sql, "INSERT INTO idx_%s_geom_rowid VALUES (?, ?)", b->table);
    if (rc == NM_OK)
        rc = nmS_store_prepare(b->store, sql, &rowid);
    snprintf(sql, sizeof sql, "INSERT INTO idx_%s_geom_parent VALUES (?, ?)", b->table);
    if (rc == NM_OK)
        rc = nmS_store_prepare(b->store, sql, &parent);
    blob = nm_malloc((size_t)node_size);
    up = nm_malloc(((n + fan - 1) / fan + 1) * sizeof *up);
    if (rc == NM_OK && (!blob || !up))
        rc = nmC_fail(b->store->ctx, NM_NOMEM, "out of memory");
    /* level by level from the leaves; the last level fits in the root */
    while (rc == NM_OK) {
        int root = n <= fan;
        if (!root)
            str_order(level, n, fan);
        for (i = 0, nup = 0; rc == NM_OK && (i < n || (root && n == 0)); i += fan, nup++) {
            size_t cnt = n - i < fan ? n - i : fan;
            sqlite3_int64 no = root ? 1 : next_node++;
            rt_entry *box = &up[nup];
            memset(blob, 0, (size_t)node_size);
            if (root)
                put_be16(blob, (unsigned)depth);
            put_be16(blob + 2, (unsigned)cnt);
            box->id = no;
            for (k = 0; k < cnt; k++) {
                const rt_entry *e = &level[i + k];
                unsigned char *cell = blob + 4 + 24 * k;
                int c;
                put_be64(cell, (sqlite3_uint64)e->id);
                for (c = 0; c < 4; c++)
                    put_bef(cell + 8 + 4 * c, e->box[c]);
                if (k == 0)
                    memcpy(box->box, e->box, sizeof box->box);
                box->box[0] = fminf(box->box[0], e->box[0]);
                box->box[1] = fmaxf(box->box[1], e->box[1]);
                box->box[2] = fminf(box->box[2], e->box[2]);
                box->box[3] = fmaxf(box->box[3], e->box[3]);
                /* leaves map rows to nodes, inner nodes children to parents */
                sqlite3_bind_int64(depth == 0 ? rowid : parent, 1, e->id);
                sqlite3_bind_int64(depth == 0 ? rowid : parent, 2, no);
                rc = step_reset(b, depth == 0 ? rowid : parent);
            }
            sqlite3_bind_int64(node, 1, no);
            sqlite3_bind_blob(node, 2, blob, node_size, SQLITE_STATIC);
            if (rc == NM_OK)
                rc = step_reset(b, node);
            if (n == 0)
                break;
        }
        if (root)
            break;
        /* the boxes of this level's nodes are the entries of the next */
        if (level != b->rows)
            memcpy(level, up, nup * sizeof *up);
        else {
            level = up;
            up = nm_malloc(((nup + fan - 1) / fan + 1) * sizeof *up);
            if (!up)
                rc = nmC_fail(b->store->ctx, NM_NOMEM, "out of memory");
        }
        n = nup;
        depth++;
    }
    sqlite3_finalize(node);
    sqlite3_finalize(rowid);
    sqlite3_finalize(parent);
    if (level != b->rows)
        nm_free(level);
    nm_free(up);
    nm_free(blob);
    return rc;
}

/* Adds the boxes already in the index, except those of rows stored again
 * now, so that the tree can be rebuilt whole. */
static nm_status add_existing(nmS_bulk *b)
{
    sqlite3_stmt *st = NULL;
    rt_entry *mine = NULL;
    size_t n = b->nrows, i;
    nm_status rc;
    int step;

    /* the rows of this import, sorted by id, to leave out their old boxes */
    mine = nm_malloc((n ? n : 1) * sizeof *mine);
    if (!mine)
        return nmC_fail(b->store->ctx, NM_NOMEM, "out of memory");
    if (n) {
        memcpy(mine, b->rows, n * sizeof *mine);
        qsort(mine, n, sizeof *mine, cmp_id);
    }
    char sql[96];

    snprintf(sql, sizeof sql, "SELECT pkid, xmin, xmax, ymin, ymax FROM idx_%s_geom", b->table);
    rc = nmS_store_prepare(b->store, sql, &st);
    while (rc == NM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        rt_entry e;
        e.id = sqlite3_column_int64(st, 0);
        if (bsearch(&e, mine, n, sizeof *mine, cmp_id) || is_gone(b, e.id))
            continue;
        /* stored as floats, read back exactly */
        for (i = 0; i < 4; i++)
            e.box[i] = (float)sqlite3_column_double(st, (int)i + 1);
        if (b->nrows == b->caprows) {
            size_t cap = b->caprows ? 2 * b->caprows : 4096;
            rt_entry *grown = nm_realloc(b->rows, cap * sizeof *grown);
            if (!grown) {
                rc = nmC_fail(b->store->ctx, NM_NOMEM, "out of memory");
                break;
            }
            b->rows = grown;
            b->caprows = cap;
        }
        b->rows[b->nrows++] = e;
    }
    if (rc == NM_OK && step != SQLITE_DONE)
        rc = nmS_store_sqlfail(b->store, "reading the spatial index");
    sqlite3_finalize(st);
    nm_free(mine);
    return rc;
}
/* Puts the boxes of this import's rows in the index: a rebuild of the
 * whole tree unless the index already holds many more rows than this
 * import brings, when inserting them one by one costs less. */
static nm_status update_rtree(nmS_bulk *b)
{
    sqlite3_stmt *st = NULL;
    char sql[128];
    long existing;
    nm_status rc = NM_OK;
    size_t i;

    snprintf(sql, sizeof sql, "SELECT count(*) FROM idx_%s_geom_rowid", b->table);
    existing = nmS_query_long(b->store, sql);
    if (existing < 0)
        return nmS_store_sqlfail(b->store, "reading the spatial index");
    if ((size_t)existing <= 4 * b->nrows + b->ngone) {
        if (existing > 0)
            rc = add_existing(b);
        return rc == NM_OK ? write_rtree(b) : rc;
    }
    /* a few rows in a large index: take the deleted ones out, one by one */
    snprintf(sql, sizeof sql, "DELETE FROM idx_%s_geom WHERE pkid = ?", b->table);
    if (b->ngone)
        rc = nmS_store_prepare(b->store, sql, &st);
    for (i = 0; rc == NM_OK && i < b->ngone; i++) {
        sqlite3_bind_int64(st, 1, b->gone[i]);
        rc = step_reset(b, st);
    }
    sqlite3_finalize(st);
    st = NULL;
    snprintf(sql, sizeof sql,
             "INSERT OR REPLACE INTO idx_%s_geom(pkid, xmin, xmax, ymin, ymax) "
             "VALUES (?, ?, ?, ?, ?)",
             b->table);
    rc = nmS_store_prepare(b->store, sql, &st);
    for (i = 0; rc == NM_OK && i < b->nrows; i++) {
        int c;
        sqlite3_bind_int64(st, 1, b->rows[i].id);
        /* floats already rounded outwards: the R-tree keeps them as they are */
        for (c = 0; c < 4; c++)
            sqlite3_bind_double(st, c + 2, b->rows[i].box[c]);
        rc = step_reset(b, st);
    }
    sqlite3_finalize(st);
    return rc;
}

nm_status nmS_bulk_end(nmS_bulk *b)
{
    nm_status rc = NM_OK;
    nmC_buf sql = {0};
    int i;

    if (!b)
        return NM_OK;
    rc = update_rtree(b);
    if (rc != NM_OK)
        return rc;
    for (i = 0; i < MAX_TRIGGERS; i++)
        if (b->sql[i])
            nmC_buf_addf(&sql, "%s;", b->sql[i]);
    /* what the time triggers would have recorded, once */
    if (b->inserted || b->updated || b->deleted)
        nmC_buf_addf(&sql,
                    "UPDATE geometry_columns_time SET %s%s%s%s%s WHERE "
                    "Lower(f_table_name) = '%s' AND Lower(f_geometry_column) = 'geom';",
                    b->inserted ? "last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" : "",
                    b->inserted && (b->updated || b->deleted) ? ", " : "",
                    b->updated ? "last_update = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" : "",
                    b->updated && b->deleted ? ", " : "",
                    b->deleted ? "last_delete = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" : "",
                    b->table);
    if (sql.failed)
        rc = nmC_fail(b->store->ctx, NM_NOMEM, "out of memory");
    else if (sql.len)
        rc = nmS_store_exec(b->store, sql.data);
    nmC_buf_free(&sql);
    return rc;
}

void nmS_bulk_free(nmS_bulk *b)
{
    int i;

    if (!b)
        return;
    nm_free(b->rows);
    nm_free(b->gone);
    for (i = 0; i < MAX_TRIGGERS; i++)
        nm_free(b->sql[i]);
    nm_free(b);
}
