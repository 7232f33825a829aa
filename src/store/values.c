/*
 * Reading indicator values.  An indicator's values are in one or more
 * parts, each a column of a data_<dataset> table (see schema.c); this file
 * is the one place that turns them into SQL (the table itself, or the
 * union of the parts), so the rest of the library asks for "the values of
 * imd_score 2019" and never builds table names itself.
 */
#include <math.h>
#include <string.h>

#include "store/store_int.h"

static void copy_col(char *dst, size_t size, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    nmC_strlcpy(dst, t ? (const char *)t : "", size);
}

void nmS_ind_clear(nmS_ind *ind)
{
    if (!ind)
        return;
    nm_free(ind->label);
    nm_free(ind->source);
    nm_free(ind->src);
    memset(ind, 0, sizeof *ind);
}

/* "2007, 2010, 2019" for a message, or "none". */
static void list_periods(nm_store *store, const char *key, nmC_buf *b)
{
    sqlite3_stmt *st = NULL;
    int n = 0;

    if (sqlite3_prepare_v2(store->db, "SELECT period FROM indicator WHERE key = ? ORDER BY period",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW)
            nmC_buf_addf(b, "%s%s", n++ ? ", " : "", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (n == 0)
        nmC_buf_addf(b, "none");
}

nm_status nmS_store_ind_source(nm_store *store, long id, const char *key, char **src,
                              char col[64])
{
    sqlite3_stmt *st = NULL;
    nmC_buf sql = {0}, one = {0};
    char first[64] = "";
    int n = 0, s;
    nm_status rc = nmS_store_prepare(
        store, "SELECT tbl, col FROM indicator_part WHERE indicator = ? ORDER BY tbl", &st);

    *src = NULL;
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    /* tbl and col were made by ingest from [a-z0-9_] only; quoting is for
       clarity, not safety */
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        const char *c = (const char *)sqlite3_column_text(st, 1);
        if (n == 0) {
            nmC_strlcpy(first, c, sizeof first);
            nmC_buf_addf(&one, "\"%s\"", t);
        }
        /* several parts: their union, under the key's name */
        nmC_buf_addf(&sql, "%s SELECT code, \"%s\" AS \"%s\" FROM \"%s\" WHERE \"%s\" IS NOT NULL",
                    n ? " UNION ALL" : "(", c, key, t, c);
        n++;
    }
    if (s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "finding an indicator's values");
    else if (n == 0)
        rc = nmC_fail(store->ctx, NM_NOTFOUND, "indicator \"%s\" holds no values", key);
    sqlite3_finalize(st);
    nmC_buf_addf(&sql, ")");
    if (rc == NM_OK && (sql.failed || one.failed))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK) {
        nmC_buf *use = n > 1 ? &sql : &one;
        nmC_strlcpy(col, n > 1 ? key : first, 64);
        *src = use->data;
        use->data = NULL;
    }
    nmC_buf_free(&sql);
    nmC_buf_free(&one);
    return rc;
}

nm_status nmS_store_find_indicator(nm_store *store, const char *key, const char *period,
                                  nmS_ind *out)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;
    int s;

    memset(out, 0, sizeof *out);
    rc = nmS_store_prepare(store,
                          "SELECT i.id, i.key, i.period, i.unit, i.level, '', '', i.vintage,"
                          " i.polarity, i.dataset, i.label, d.attribution "
                          "FROM indicator i LEFT JOIN dataset d ON d.id = i.dataset "
                          "WHERE i.key = ?1 AND (?2 IS NULL OR i.period = ?2) "
                          /* of one period's vintages, the one drawn */
                          "ORDER BY i.period DESC, i.vintage = (SELECT MAX(vintage) FROM area "
                          " WHERE level = i.level AND geom IS NOT NULL) DESC, i.vintage DESC "
                          "LIMIT 1",
                          &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
    s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        const unsigned char *label = sqlite3_column_text(st, 10);
        const unsigned char *source = sqlite3_column_text(st, 11);
        out->id = (long)sqlite3_column_int64(st, 0);
        copy_col(out->key, sizeof out->key, st, 1);
        copy_col(out->period, sizeof out->period, st, 2);
        copy_col(out->unit, sizeof out->unit, st, 3);
        copy_col(out->level, sizeof out->level, st, 4);
        out->vintage = sqlite3_column_int(st, 7);
        out->polarity = sqlite3_column_int(st, 8);
        out->dataset = (long)sqlite3_column_int64(st, 9);
        out->label = nm_strdup(label ? (const char *)label : "");
        out->source = nm_strdup(source ? (const char *)source : "");
        if (!out->label || !out->source)
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        else
            rc = nmS_store_ind_source(store, out->id, out->key, &out->src, out->col);
    } else if (s == SQLITE_DONE) {
        nmC_buf periods = {0};
        list_periods(store, key, &periods);
        if (period && strcmp(periods.data ? periods.data : "none", "none") != 0)
            rc = nmC_fail(store->ctx, NM_NOTFOUND,
                         "indicator \"%s\" has no period \"%s\" (periods stored: %s)", key, period,
                         periods.data ? periods.data : "");
        else
            rc = nmC_fail(store->ctx, NM_NOTFOUND,
                         "no indicator \"%s\" in the store; 'needsmap info' lists them", key);
        nmC_buf_free(&periods);
    } else {
        rc = nmS_store_sqlfail(store, "finding an indicator");
    }
    sqlite3_finalize(st);
    if (rc != NM_OK)
        nmS_ind_clear(out);
    return rc;
}

nm_status nmS_store_each_value(nm_store *store, const nmS_ind *ind,
                              int (*fn)(void *user, const char *code, double value), void *user)
{
    sqlite3_stmt *st = NULL;
    nmC_buf sql = {0};
    nm_status rc;
    int s;

    nmC_buf_addf(&sql, "SELECT code, \"%s\" FROM %s WHERE \"%s\" IS NOT NULL ORDER BY code",
                ind->col, ind->src, ind->col);
    if (sql.failed) {
        nmC_buf_free(&sql);
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    rc = nmS_store_prepare(store, sql.data, &st);
    nmC_buf_free(&sql);
    if (rc != NM_OK)
        return rc;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(user, (const char *)sqlite3_column_text(st, 0), sqlite3_column_double(st, 1)))
            break;
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "reading values");
    sqlite3_finalize(st);
    return rc;
}

/* Prepares "SELECT <col> FROM <source> <tail>" for an indicator. */
static nm_status prepare_on(nm_store *store, const nmS_ind *ind, const char *what, const char *tail,
                            sqlite3_stmt **st)
{
    nmC_buf sql = {0};
    nm_status rc;

    nmC_buf_addf(&sql, "SELECT %s(\"%s\") FROM %s %s", what, ind->col, ind->src, tail);
    rc = sql.failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory")
                    : nmS_store_prepare(store, sql.data, st);
    nmC_buf_free(&sql);
    return rc;
}

nm_status nmS_store_values_of(nm_store *store, const nmS_ind *ind, char *const *codes, size_t n,
                             double *out)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = prepare_on(store, ind, "", "WHERE code = ?", &st);
    size_t i;
    int s;

    for (i = 0; rc == NM_OK && i < n; i++) {
        sqlite3_bind_text(st, 1, codes[i], -1, SQLITE_STATIC);
        s = sqlite3_step(st);
        if (s == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            out[i] = sqlite3_column_double(st, 0);
        else if (s == SQLITE_ROW || s == SQLITE_DONE)
            out[i] = NAN;
        else
            rc = nmS_store_sqlfail(store, "reading values");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* A scan of the whole indicator that every map of it asks the same: the
 * answer comes from the connection's memo (memo.c). */
nm_status nmS_store_count_values(nm_store *store, const nmS_ind *ind, long *count)
{
    nmC_buf sql = {0};
    const long *got = NULL;
    int ngot = 0;
    nm_status rc;

    nmC_buf_addf(&sql, "SELECT COUNT(\"%s\") FROM %s", ind->col, ind->src);
    rc = sql.failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory")
                    : nmS_store_memo_ids(store, sql.data, NULL, 0, "counting values", &got, &ngot);
    nmC_buf_free(&sql);
    if (rc == NM_OK)
        *count = ngot > 0 ? got[0] : 0;
    return rc;
}

nm_status nmS_max_value(nm_store *store, const nmS_ind *ind, long *top)
{
    nmC_buf sql = {0};
    const long *got = NULL;
    int ngot = 0;
    nm_status rc;

    nmC_buf_addf(&sql, "SELECT COALESCE(CAST(MAX(\"%s\") AS INTEGER), 0) FROM %s", ind->col,
                ind->src);
    rc = sql.failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory")
                    : nmS_store_memo_ids(store, sql.data, NULL, 0, "reading the highest value",
                                        &got, &ngot);
    nmC_buf_free(&sql);
    if (rc == NM_OK)
        *top = ngot > 0 ? got[0] : 0;
    return rc;
}

nm_status nmS_store_drop_orphan_data(nm_store *store)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;
    char *names[256];
    int n = 0, i;

    rc = nmS_store_prepare(store,
                          "SELECT name FROM sqlite_master WHERE type = 'table' "
                          "AND name GLOB 'data_[0-9]*' "
                          "AND name NOT IN (SELECT tbl FROM indicator_part)",
                          &st);
    if (rc != NM_OK)
        return rc;
    while (n < 256 && sqlite3_step(st) == SQLITE_ROW)
        names[n++] = nm_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    for (i = 0; i < n; i++) {
        nmC_buf sql = {0};
        if (rc == NM_OK && names[i]) {
            nmC_buf_addf(&sql, "DROP TABLE \"%s\"", names[i]);
            rc = sql.failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory")
                            : nmS_store_exec(store, sql.data);
        }
        nmC_buf_free(&sql);
        nm_free(names[i]);
    }
    return rc;
}

/* ---- every value of an indicator in memory (nmS_vtable) ---------------- */

void nmS_vtable_free(nmS_vtable *t)
{
    size_t i;
    for (i = 0; i < t->n; i++)
        nm_free(t->code[i]);
    nm_free(t->code);
    nm_free(t->value);
    memset(t, 0, sizeof *t);
}

int nmS_vtable_add(void *user, const char *code, double value)
{
    nmS_vtable *t = user;

    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        char **c = nm_realloc(t->code, cap * sizeof *c);
        double *v = c ? nm_realloc(t->value, cap * sizeof *v) : NULL;
        if (c)
            t->code = c;
        if (!v)
            return t->failed = 1;
        t->value = v;
        t->cap = cap;
    }
    t->code[t->n] = nm_strdup(code);
    if (!t->code[t->n])
        return t->failed = 1;
    t->value[t->n++] = value;
    return 0;
}

/* SQLite sorts text by bytes, as strcmp does, so a binary search finds
 * the codes nmS_store_each_value() gave in order. */
long nmS_code_find(char *const *codes, size_t n, const char *code)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(codes[mid], code);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

long nmS_vtable_find(const nmS_vtable *t, const char *code)
{
    return nmS_code_find(t->code, t->n, code);
}
