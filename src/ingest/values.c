/*
 * The table import engine.  A whole file is read and checked before
 * anything is written: every cell that is not a number, every empty or
 * duplicated code is collected (one report per kind, with a count and line
 * numbers), and only a clean file reaches the store.  A file's values go
 * into one table, data_<dataset id>, a row per area (schema.c says why).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/values_int.h"

/* A block of the rows' strings. */
typedef struct pool_block {
    struct pool_block *next;
    size_t used, size;
    char text[];
} pool_block;

/* The rows of a table held in memory: codes and a column-major matrix.
 * The strings live in blocks, not a malloc each: an IoD file has some
 * 33,000 codes and twice as many parent codes and names, and their
 * mallocs and frees were a sixth of its import. */
typedef struct rows {
    long n, cap;
    pool_block *pool;
    char **codes;
    long *lines;
    double **values;   /* values[c][row], NAN when missing */
    char ***parents;   /* parents[p][row], NULL when empty */
    char ***pnames;    /* pnames[p][row] */
    int ncols, nparents;
} rows;

static void rows_free(rows *r)
{
    int c;

    while (r->pool) {
        pool_block *next = r->pool->next;
        nm_free(r->pool);
        r->pool = next;
    }
    nm_free(r->codes);
    nm_free(r->lines);
    for (c = 0; c < r->ncols; c++)
        nm_free(r->values ? r->values[c] : NULL);
    for (c = 0; c < r->nparents; c++) {
        nm_free(r->parents[c]);
        nm_free(r->pnames[c]);
    }
    nm_free(r->values);
    nm_free(r->parents);
    nm_free(r->pnames);
    memset(r, 0, sizeof *r);
}

static int rows_grow(rows *r)
{
    long cap = r->cap ? r->cap * 2 : 4096;
    int c;

#define GROW(ptr)                                                                                 \
    do {                                                                                          \
        void *p_ = nm_realloc((ptr), (size_t)cap * sizeof *(ptr));                                \
        if (!p_)                                                                                  \
            return 0;                                                                             \
        (ptr) = p_;                                                                               \
    } while (0)
    GROW(r->codes);
    GROW(r->lines);
    for (c = 0; c < r->ncols; c++)
        GROW(r->values[c]);
    for (c = 0; c < r->nparents; c++) {
        GROW(r->parents[c]);
        GROW(r->pnames[c]);
    }
#undef GROW
    r->cap = cap;
    return 1;
}

void nmI_colspecs_free(nmI_colspec *cols, int n)
{
    int i;
    for (i = 0; cols && i < n; i++) {
        nm_free(cols[i].key);
        nm_free(cols[i].label);
    }
    nm_free(cols);
}

char *nmI_make_key(const char *heading)
{
    nmC_buf b = {0};
    const char *p;
    int pending = 0;

    for (p = heading; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z')) {
            char lower = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
            if (pending && b.len > 0)
                nmC_buf_add(&b, "_", 1);
            pending = 0;
            nmC_buf_add(&b, &lower, 1);
        } else {
            pending = 1;
        }
    }
    /* ids live in 64-byte fields of the store's records: a long heading
       ("Ethnic group: Black, Black British, Black Welsh, Caribbean or
       African") is cut at the last word that fits */
    if (b.data && b.len > NM_KEY_MAX) {
        size_t cut = NM_KEY_MAX;
        while (cut > NM_KEY_MAX / 2 && b.data[cut] != '_')
            cut--;
        b.data[b.data[cut] == '_' ? cut : NM_KEY_MAX] = '\0';
        b.len = strlen(b.data);
    }
    return nmC_buf_take(&b);
}

/* A copy of 's' in the rows' pool, or NULL when memory is short. */
static char *pool_copy(rows *r, const char *s)
{
    size_t n = strlen(s) + 1;
    pool_block *b = r->pool;
    char *copy;

    if (!b || b->size - b->used < n) {
        size_t size = n > 65536 ? n : 65536;
        if (!(b = nm_malloc(sizeof *b + size)))
            return NULL;
        b->next = r->pool;
        b->used = 0;
        b->size = size;
        r->pool = b;
    }
    copy = b->text + b->used;
    memcpy(copy, s, n);
    b->used += n;
    return copy;
}

/* Copies a cell into the pool; NULL for an empty one.  'prev' is the same
 * column's copy in the row before: rows come grouped by parent, so most
 * parent cells repeat it and share it.  Sets *oom on allocation failure. */
static char *cell_copy(rows *r, const char *s, char *prev, int *oom)
{
    char *copy;
    if (!*s)
        return NULL;
    if (prev && strcmp(prev, s) == 0)
        return prev;
    copy = pool_copy(r, s);
    if (!copy)
        *oom = 1;
    return copy;
}

/* Reads one row into r, reporting bad cells to d. */
static int read_row(nmI_values_job *job, rows *r, nmC_diag *d)
{
    nmI_table *t = job->table;
    long line = nmI_table_line(t), i = r->n;
    const char *code = nmI_table_cell(t, job->key_col);
    int c, oom = 0;

    if (!nmI_table_row_utf8(t))
        nmC_diag_add(d, "utf8", line, "text is not UTF-8; save the file as CSV UTF-8");
    if (!*code)
        nmC_diag_add(d, "nocode", line, "no area code in column \"%s\"",
                    nmI_table_heading(t, job->key_col));
    r->codes[i] = pool_copy(r, code);
    r->lines[i] = line;
    if (!r->codes[i])
        return 0;
    for (c = 0; c < job->ncols; c++) {
        const char *s = nmI_table_cell(t, job->cols[c].col);
        double v = NAN;
        if (*s && !nmC_parse_double(s, &v)) {
            nmC_buf kind = {0}, val = {0};
            nmC_buf_addf(&kind, "nan:%d", c);
            nmC_buf_add_quoted(&val, s, 40);
            nmC_diag_add(d, kind.data ? kind.data : "nan", line,
                        "value %s in column \"%s\" is not a number", val.data ? val.data : "",
                        nmI_table_heading(t, job->cols[c].col));
            nmC_buf_free(&kind);
            nmC_buf_free(&val);
        }
        r->values[c][i] = v;
    }
    for (c = 0; c < job->nparents; c++) {
        r->parents[c][i] = cell_copy(r, nmI_table_cell(t, job->parents[c].col),
                                     i > 0 ? r->parents[c][i - 1] : NULL, &oom);
        r->pnames[c][i] = job->parents[c].name_col >= 0
                              ? cell_copy(r, nmI_table_cell(t, job->parents[c].name_col),
                                          i > 0 ? r->pnames[c][i - 1] : NULL, &oom)
                              : NULL;
    }
    r->n++;
    return !oom;
}

static const rows *sort_rows_ctx;

static int cmp_row_code(const void *a, const void *b)
{
    long i = *(const long *)a, j = *(const long *)b;
    int c = strcmp(sort_rows_ctx->codes[i], sort_rows_ctx->codes[j]);
    return c ? c : (i < j ? -1 : i > j);
}

/* Orders rows by code (qsort is not re-entrant with a context; imports run
 * one at a time per process, guarded by the store's write lock). */
static long *order_by_code(const rows *r)
{
    long *order = nm_malloc((size_t)(r->n ? r->n : 1) * sizeof *order);
    long i;

    if (!order)
        return NULL;
    for (i = 0; i < r->n; i++)
        order[i] = i;
    sort_rows_ctx = r;
    qsort(order, (size_t)r->n, sizeof *order, cmp_row_code);
    sort_rows_ctx = NULL;
    return order;
}

static void report_duplicates(const rows *r, const long *order, nmC_diag *d)
{
    long k;

    for (k = 1; k < r->n; k++) {
        const char *a = r->codes[order[k - 1]], *b = r->codes[order[k]];
        if (*a && strcmp(a, b) == 0)
            nmC_diag_add(d, "dup", r->lines[order[k]], "area code \"%s\" appears again (first at line %ld)",
                        b, r->lines[order[k - 1]]);
    }
}

/* The table's columns as series for the store (values.c owns the rows). */
static nm_status write_values(nm_store *store, const nmI_values_job *job, const rows *r,
                              const long *order, long dataset, nm_import_result *result)
{
    nmS_series *series = nm_calloc((size_t)job->ncols + 1, sizeof *series);
    nmS_batch b = {0};
    nm_status rc;
    int c;

    if (!series)
        return nmC_fail(nm_store_ctx(store), NM_NOMEM, "out of memory");
    for (c = 0; c < job->ncols; c++) {
        series[c].key = job->cols[c].key;
        series[c].label = job->cols[c].label;
        series[c].unit = job->cols[c].unit;
        series[c].polarity = job->cols[c].polarity;
        series[c].values = r->values[c];
    }
    b.level = job->level;
    b.vintage = job->vintage;
    b.period = job->period;
    b.codes = r->codes;
    b.n = (size_t)r->n;
    b.order = order;
    b.series = series;
    b.nseries = job->ncols;
    b.dataset = dataset;
    rc = nmS_store_put_batch(store, &b);
    result->stored = b.stored;
    result->indicators = rc == NM_OK ? job->ncols : 0;
    nm_free(series);
    return rc;
}

/* Two headings that make the same id ("IMD Score", "IMD-score") cannot
 * both be stored. */
static nm_status check_keys_unique(nm_ctx *ctx, const nmI_values_job *job)
{
    int a, b;

    for (a = 0; a < job->ncols; a++)
        for (b = a + 1; b < job->ncols; b++)
            if (strcmp(job->cols[a].key, job->cols[b].key) == 0 || strcmp(job->cols[b].key, "code") == 0)
                return nmC_fail(ctx, NM_BADDATA,
                               "%s: columns \"%s\" and \"%s\" both make the indicator id \"%s\"; "
                               "choose one with --columns",
                               job->path, nmI_table_heading(job->table, job->cols[a].col),
                               nmI_table_heading(job->table, job->cols[b].col), job->cols[b].key);
    return NM_OK;
}

/* Binds the five columns that name a child at a parent level. */
static void bind_levels(nmI_members *m, sqlite3_stmt *st, const char *child)
{
    sqlite3_bind_text(st, 1, m->child_level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, m->child_vintage);
    sqlite3_bind_text(st, 3, child, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m->parent_level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, m->parent_vintage);
}

nm_status nmI_members_open(nm_store *store, nmI_members *m)
{
    sqlite3_stmt *any = NULL;
    nm_status rc;

    m->store = store;
    m->last_named[0] = '\0';
    /* on a first import there is nothing to replace: skip a DELETE per
       child, which would double the statements of the whole import */
    rc = nmS_store_prepare(store,
                          "SELECT EXISTS (SELECT 1 FROM membership WHERE child_level = ?1 AND "
                          "child_vintage = ?2 AND parent_level = ?4 AND parent_vintage = ?5 "
                          "AND method = 'lookup' AND ?3 IS NULL)",
                          &any);
    if (rc != NM_OK)
        return rc;
    bind_levels(m, any, NULL);
    m->replacing = sqlite3_step(any) == SQLITE_ROW && sqlite3_column_int(any, 0);
    sqlite3_finalize(any);
    rc = nmS_store_prepare(store,
                          "DELETE FROM membership WHERE child_level = ? AND child_vintage = ? "
                          "AND child = ? AND parent_level = ? AND parent_vintage = ? "
                          "AND method = 'lookup'",
                          &m->del);
    if (rc == NM_OK)
        rc = nmS_store_prepare(store,
                              "INSERT INTO membership(child_level, child_vintage, child,"
                              " parent_level, parent_vintage, parent, method, weight, dataset) "
                              "VALUES (?, ?, ?, ?, ?, ?, 'lookup', ?, ?)",
                              &m->ins);
    if (rc == NM_OK)
        rc = nmS_store_prepare(store,
                              "INSERT INTO area(code, name, level, vintage, dataset) "
                              "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                              &m->area);
    return rc;
}

nm_status nmI_members_clear(nmI_members *m, const char *child)
{
    int s;

    if (!m->replacing)
        return NM_OK;
    bind_levels(m, m->del, child);
    s = sqlite3_step(m->del);
    sqlite3_reset(m->del);
    return s == SQLITE_DONE ? NM_OK : nmS_store_sqlfail(m->store, "replacing memberships");
}

nm_status nmI_members_add(nmI_members *m, const char *child, const char *parent, double weight,
                         const char *parent_name)
{
    int s;

    bind_levels(m, m->ins, child);
    sqlite3_bind_text(m->ins, 6, parent, -1, SQLITE_STATIC);
    sqlite3_bind_double(m->ins, 7, weight);
    sqlite3_bind_int64(m->ins, 8, m->dataset);
    s = sqlite3_step(m->ins);
    sqlite3_reset(m->ins);
    if (s != SQLITE_DONE)
        return nmS_store_sqlfail(m->store, "storing memberships");
    /* rows come grouped by parent: store each name once, not per child */
    if (!parent_name || strcmp(parent, m->last_named) == 0)
        return NM_OK;
    nmC_strlcpy(m->last_named, parent, sizeof m->last_named);
    sqlite3_bind_text(m->area, 1, parent, -1, SQLITE_STATIC);
    sqlite3_bind_text(m->area, 2, parent_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(m->area, 3, m->parent_level, -1, SQLITE_STATIC);
    sqlite3_bind_int(m->area, 4, m->parent_vintage);
    sqlite3_bind_int64(m->area, 5, m->dataset);
    s = sqlite3_step(m->area);
    sqlite3_reset(m->area);
    return s == SQLITE_DONE ? NM_OK : nmS_store_sqlfail(m->store, "storing area names");
}

void nmI_members_close(nmI_members *m)
{
    sqlite3_finalize(m->del);
    sqlite3_finalize(m->ins);
    sqlite3_finalize(m->area);
    m->del = m->ins = m->area = NULL;
}

static const rows *via_rows_ctx;
static int via_col_ctx, parent_col_ctx;

static int cmp_via_pair(const void *a, const void *b)
{
    long i = *(const long *)a, j = *(const long *)b;
    int c = strcmp(via_rows_ctx->parents[via_col_ctx][i], via_rows_ctx->parents[via_col_ctx][j]);
    if (!c)
        c = strcmp(via_rows_ctx->parents[parent_col_ctx][i],
                   via_rows_ctx->parents[parent_col_ctx][j]);
    return c ? c : (i < j ? -1 : i > j);
}

/* The rows that carry each distinct (via, parent) pair once, in 'keep'
 * (r->n long); returns how many.  Static context as in order_by_code. */
static long distinct_via_pairs(const rows *r, int via, int p, long *keep)
{
    long i, n = 0, k = 0;

    for (i = 0; i < r->n; i++)
        if (r->parents[via][i] && r->parents[p][i])
            keep[n++] = i;
    via_rows_ctx = r;
    via_col_ctx = via;
    parent_col_ctx = p;
    qsort(keep, (size_t)n, sizeof *keep, cmp_via_pair);
    via_rows_ctx = NULL;
    for (i = 0; i < n; i++)
        if (k == 0 || strcmp(r->parents[via][keep[i]], r->parents[via][keep[k - 1]]) != 0 ||
            strcmp(r->parents[p][keep[i]], r->parents[p][keep[k - 1]]) != 0)
            keep[k++] = keep[i];
    return k;
}

/* Memberships from one parent column of a table: the LAD code column of an
 * IoD file makes LSOA -> LAD; the region column, read 'via' the LAD
 * column, makes LAD -> region (317 rows rather than one per LSOA: regions
 * are reached through the LAD, and the import writes half as much).  Each
 * pair is written once (the table's codes are unique, and 'via' pairs are
 * made distinct), which lets the writer use a plain INSERT. */
static nm_status write_parents(nm_store *store, const nmI_values_job *job, const rows *r, int p,
                               long dataset)
{
    const nmI_parentspec *ps = &job->parents[p];
    const nmI_parentspec *via = ps->via >= 0 ? &job->parents[ps->via] : NULL;
    nmI_members m = {0};
    nm_status rc;
    long i, k, n = r->n, *keep = NULL;

    m.child_level = via ? via->level : job->level;
    m.child_vintage = via ? via->vintage : job->vintage;
    m.parent_level = ps->level;
    m.parent_vintage = ps->vintage;
    m.dataset = dataset;
    if (via) {
        if (!(keep = nm_malloc((size_t)(r->n ? r->n : 1) * sizeof *keep)))
            return nmC_fail(nm_store_ctx(store), NM_NOMEM, "out of memory");
        n = distinct_via_pairs(r, ps->via, p, keep);
    }
    rc = nmI_members_open(store, &m);
    for (k = 0; rc == NM_OK && k < n; k++) {
        const char *child;
        i = keep ? keep[k] : k;
        child = via ? r->parents[ps->via][i] : r->codes[i];
        if (!r->parents[p][i] || !child)
            continue;
        /* a child under two parents: clear once, before the first */
        if (!keep || k == 0 || strcmp(child, r->parents[ps->via][keep[k - 1]]) != 0)
            rc = nmI_members_clear(&m, child);
        if (rc == NM_OK)
            rc = nmI_members_add(&m, child, r->parents[p][i], 1.0, r->pnames[p][i]);
    }
    nmI_members_close(&m);
    nm_free(keep);
    return rc;
}

/* How many of the sorted codes (duplicates and empty ones skipped) are
 * areas of level/vintage in the store, how many are not, and the first
 * three of those in 'first' (NULL: not wanted).  One ordered pass over the
 * level's codes, merged with the sorted list: a third of the time of a
 * lookup per code. */
static nm_status count_matched(nm_store *store, char **codes, long n, const char *level,
                               int vintage, int drawn, long *matched, long *missing, nmC_buf *first)
{
    sqlite3_stmt *st = NULL;
    const char *stored;
    long i, hit = 0, miss = 0;
    nm_status rc = nmS_store_prepare(
        store,
        drawn ? "SELECT code FROM area WHERE level = ? AND vintage = ? AND geom IS NOT NULL "
                "ORDER BY code"
              : "SELECT code FROM area WHERE level = ? AND vintage = ? ORDER BY code",
        &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, vintage);
    stored = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    for (i = 0; i < n; i++) {
        int c = 1;
        if (!codes[i] || !*codes[i] || (i > 0 && codes[i - 1] && strcmp(codes[i], codes[i - 1]) == 0))
            continue;
        while (stored && (c = strcmp(stored, codes[i])) < 0)
            stored = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0)
                                                    : NULL;
        if (stored && c == 0) {
            hit++;
        } else if (miss++ < 3 && first) {
            nmC_buf_addf(first, "%s%s", miss > 1 ? ", " : "", codes[i]);
        }
    }
    sqlite3_finalize(st);
    *matched = hit;
    if (missing)
        *missing = miss;
    return NM_OK;
}

/* The code year of a table that does not name it: of the stored vintages
 * of its level, the one most of its codes are areas of (E01 codes exist in
 * 2011 and 2021 alike; E01033769 and above only in 2021, 1,034 of 2011 are
 * gone), said in the log, never assumed silently. */
static nm_status vintage_of_codes(nm_store *store, nmI_values_job *job, char **sorted, long n)
{
    nm_ctx *ctx = nm_store_ctx(store);
    sqlite3_stmt *st = NULL;
    nmC_buf other = {0};
    long best_hits = -1;
    int best = 0;
    nm_status rc = nmS_store_prepare(
        store, "SELECT DISTINCT vintage FROM area WHERE level = ? ORDER BY vintage DESC", &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, job->level, -1, SQLITE_STATIC);
    while (rc == NM_OK && sqlite3_step(st) == SQLITE_ROW) {
        int v = sqlite3_column_int(st, 0);
        long hits = 0;
        rc = count_matched(store, sorted, n, job->level, v, 0, &hits, NULL, NULL);
        if (rc == NM_OK && best_hits >= 0)
            nmC_buf_addf(&other, "; %d: %ld", hits > best_hits ? best : v,
                        hits > best_hits ? best_hits : hits);
        if (rc == NM_OK && hits > best_hits) {
            best_hits = hits;
            best = v;
        }
    }
    sqlite3_finalize(st);
    if (rc != NM_OK) {
        nmC_buf_free(&other);
        return rc;
    }
    if (best_hits < 0) {
        job->vintage = job->vintage_default;
        nmC_log(ctx, NM_LOG_INFO,
               "%s: no %s areas are stored: the codes are taken as %s %d (give --vintage "
               "otherwise)",
               job->path, job->level, job->level, job->vintage);
    } else {
        job->vintage = best;
        nmC_log(ctx, NM_LOG_INFO,
               "%s: codes filed as %s %d, the stored vintage most of them match (%ld of %ld "
               "rows%s%s%s); give --vintage otherwise",
               job->path, job->level, best, best_hits, n, other.data ? ", against " : "",
               other.data ? other.data + 2 : "", "");
    }
    nmC_buf_free(&other);
    return NM_OK;
}

static int level_drawn(nm_store *store, const char *level)
{
    sqlite3_stmt *st = NULL;
    int yes = 0;

    if (sqlite3_prepare_v2(store->db,
                           "SELECT EXISTS (SELECT 1 FROM area WHERE level = ? AND geom IS NOT NULL)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
        yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return yes;
}

/* For codes that match no area of level/vintage: the stored vintage of
 * the level they look like (the one most of them match), as "; they look
 * like ward 2013 codes (5,012 of them are stored ward 2013 areas)", or
 * "; no ward areas of any year are stored". */
static nm_status look_alike(nm_store *store, char **codes, long n, const char *level, int vintage,
                            int drawn, nmC_buf *hint)
{
    sqlite3_stmt *st = NULL;
    long best_hits = 0, any = 0;
    int best = 0;
    const char *what = drawn ? "boundaries" : "areas";
    nm_status rc = nmS_store_prepare(
        store,
        /* the partial index, named: left to itself SQLite reads every row of
           the level, boundaries and all (46 MB for England's LSOAs), to test
           geom for NULL */
        drawn ? "SELECT DISTINCT vintage FROM area INDEXED BY area_drawn WHERE level = ? AND "
                "geom IS NOT NULL ORDER BY vintage DESC"
              : "SELECT DISTINCT vintage FROM area WHERE level = ? ORDER BY vintage DESC",
        &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
    while (rc == NM_OK && sqlite3_step(st) == SQLITE_ROW) {
        int v = sqlite3_column_int(st, 0);
        long hits = 0;
        any++;
        if (v == vintage)
            continue;
        rc = count_matched(store, codes, n, level, v, drawn, &hits, NULL, NULL);
        if (rc == NM_OK && hits > best_hits) {
            best_hits = hits;
            best = v;
        }
    }
    sqlite3_finalize(st);
    if (rc == NM_OK && any == 0)
        nmC_buf_addf(hint, "; no %s %s of any year are stored", level, what);
    else if (rc == NM_OK && best_hits > 0)
        nmC_buf_addf(hint, "; they look like %s %d codes (%ld of them have stored %s %d %s)",
                    level, best, best_hits, level, best, what);
    else if (rc == NM_OK && any > 0)
        nmC_buf_addf(hint, "; none is among the stored %s %s of other years either", level, what);
    return rc;
}

nm_status nmI_check_unmatched(nm_store *store, const char *path, const char *what, char **codes,
                             long n, const char *level, int vintage, int drawn, int strict,
                             const char *consequence, long *unmatched)
{
    nmC_buf first = {0};
    long missing = 0, matched = 0;
    nm_status rc;

    /* against boundaries where the level has any, else against the areas
       other imports named (LSOAs of an IoD file in a store of no maps) */
    drawn = drawn && level_drawn(store, level);
    rc = count_matched(store, codes, n, level, vintage, drawn, &matched, &missing, &first);

    if (rc != NM_OK)
        return rc;
    *unmatched = missing;
    if (missing > 0) {
        const char *text = first.data ? first.data : "";
        nmC_buf hint = {0};
        rc = look_alike(store, codes, n, level, vintage, drawn, &hint);
        if (rc == NM_OK && strict)
            rc = nmC_fail(nm_store_ctx(store), NM_BADDATA,
                         "%s: %ld %s match no stored %s (%d) %s (first: %s)%s; nothing was "
                         "stored (--strict)",
                         path, missing, what, level, vintage, drawn ? "boundary" : "area", text,
                         hint.data ? hint.data : "");
        else if (rc == NM_OK)
            nmC_log(nm_store_ctx(store), NM_LOG_WARN,
                   "%s: %ld %s match no stored %s (%d) %s (first: %s%s)%s; %s", path, missing,
                   what, level, vintage, drawn ? "boundary" : "area", text, missing > 3 ? ", ..." : "",
                   hint.data ? hint.data : "", consequence);
        nmC_buf_free(&hint);
    }
    nmC_buf_free(&first);
    return rc;
}

/* Reads and checks every row; NM_BADDATA with the report when anything is
 * wrong. */
static nm_status read_all(nm_ctx *ctx, nmI_values_job *job, rows *r, long **order)
{
    nmC_diag *d = nmC_diag_new(ctx, job->path);
    nm_status rc = NM_OK;
    int got;

    if (!d)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    while ((got = nmI_table_next(job->table)) == 1) {
        if (r->n == r->cap && !rows_grow(r)) {
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
            goto cleanup;
        }
        if (!read_row(job, r, d)) {
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
            goto cleanup;
        }
    }
    if (got < 0) {
        rc = nm_errcode(ctx);
        goto cleanup;
    }
    if (r->n == 0) {
        rc = nmC_fail(ctx, NM_BADDATA, "%s: no rows below the headings", job->path);
        goto cleanup;
    }
    *order = order_by_code(r);
    if (!*order) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    report_duplicates(r, *order, d);
    rc = nmC_diag_report(d, NM_LOG_ERROR, NM_BADDATA, "nothing was stored");

cleanup:
    nmC_diag_free(d);
    return rc;
}

static nm_status alloc_matrix(nm_ctx *ctx, const nmI_values_job *job, rows *r)
{
    r->values = nm_calloc((size_t)job->ncols + 1, sizeof *r->values);
    r->parents = nm_calloc((size_t)job->nparents + 1, sizeof *r->parents);
    r->pnames = nm_calloc((size_t)job->nparents + 1, sizeof *r->pnames);
    if (!r->values || !r->parents || !r->pnames)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    r->ncols = job->ncols;
    r->nparents = job->nparents;
    return NM_OK;
}

nm_status nmI_values_import(nm_store *store, nmI_values_job *job, nm_import_result *result)
{
    nm_ctx *ctx = nm_store_ctx(store);
    rows r = {0};
    long *order = NULL, dataset = 0, k;
    char **sorted = NULL;
    nm_status rc;
    int c, most = sqlite3_limit(store->db, SQLITE_LIMIT_COLUMN, -1) - 1;

    /* a table of the store holds the code and one column per indicator */
    if (job->ncols > most)
        return nmC_fail(ctx, NM_BADDATA, "%s: %d columns of values, more than one import takes "
                       "(%d); choose some with --columns", job->path, job->ncols, most);
    rc = check_keys_unique(ctx, job);
    if (rc == NM_OK)
        rc = alloc_matrix(ctx, job, &r);
    if (rc == NM_OK)
        rc = read_all(ctx, job, &r, &order);
    if (rc != NM_OK)
        goto cleanup;
    result->rows = r.n;
    sorted = nm_malloc((size_t)(r.n ? r.n : 1) * sizeof *sorted);
    if (!sorted) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (k = 0; k < r.n; k++)
        sorted[k] = r.codes[order[k]];
    rc = nmS_store_begin(store);
    if (rc != NM_OK)
        goto cleanup;
    if (job->vintage == 0)
        rc = vintage_of_codes(store, job, sorted, r.n);
    if (rc == NM_OK)
        rc = nmS_store_add_dataset(store, job->kind, job->path, job->attribution, &dataset);
    result->dataset = dataset;
    snprintf(result->codes, sizeof result->codes, "%s %d", job->level, job->vintage);
    if (rc == NM_OK)
        rc = write_values(store, job, &r, order, dataset, result);
    for (c = 0; rc == NM_OK && c < job->nparents; c++)
        rc = write_parents(store, job, &r, c, dataset);
    if (rc == NM_OK)
        rc = nmS_store_set_dataset_rows(store, dataset, r.n);
    if (rc == NM_OK)
        rc = nmI_check_unmatched(store, job->path, "codes", sorted, r.n, job->level, job->vintage, 0,
                                job->strict,
                                "their values are kept and count in national and regional ranks",
                                &result->unmatched);
    if (rc == NM_OK)
        rc = nmS_store_commit(store);
    else
        nmS_store_rollback(store);
    if (rc == NM_OK)
        nmC_log(ctx, NM_LOG_INFO, "%s: %ld rows, %ld indicators, %ld values stored (period %s)",
               job->path, r.n, result->indicators, result->stored, job->period);

cleanup:
    nm_free(sorted);
    nm_free(order);
    rows_free(&r);
    return rc;
}
