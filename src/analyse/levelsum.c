/*
 * An indicator's values at a level where it is not stored: a ward's
 * population is the sum of its LSOAs' populations, read through the stored
 * memberships.  Counting incidents uses it for rate denominators; anything
 * that needs a count-like indicator at a coarser level can.  Averages and
 * ranks must not be summed: callers pass counts of people or events.
 */
#include <math.h>
#include <string.h>

#include "analyse/count_int.h"

typedef struct fill {
    char *const *codes;
    size_t n;
    double *out;
} fill;

static int fill_one(void *user, const char *code, double value)
{
    fill *f = user;
    long i = nmS_code_find(f->codes, f->n, code);

    if (i >= 0)
        f->out[i] = value;
    return 0;
}

/* Picks the memberships from the indicator's level up to 'level'. */
static nm_status pick_memberships(nm_store *store, const nmS_ind *ind, const char *level,
                                  int vintage, char method[16], int *parent_vintage,
                                  int *child_vintage)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(
        store,
        "SELECT method, parent_vintage, child_vintage FROM membership "
        "WHERE parent_level = ?1 AND child_level = ?2 GROUP BY 1, 2, 3 "
        "ORDER BY parent_vintage = ?3 DESC, child_vintage = ?4 DESC, "
        "CASE method WHEN 'lookup' THEN 0 WHEN 'point' THEN 1 ELSE 2 END, COUNT(*) DESC LIMIT 1",
        &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ind->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, vintage);
    sqlite3_bind_int(st, 4, ind->vintage);
    if (sqlite3_step(st) == SQLITE_ROW) {
        nmC_strlcpy(method, (const char *)sqlite3_column_text(st, 0), 16);
        *parent_vintage = sqlite3_column_int(st, 1);
        *child_vintage = sqlite3_column_int(st, 2);
    } else {
        rc = nmC_fail(store->ctx, NM_NOTFOUND,
                     "indicator %s is stored for %s areas, and no memberships lead from %s to "
                     "%s to sum it (import a lookup, or run needsmap assign)",
                     ind->key, ind->level, ind->level, level);
    }
    sqlite3_finalize(st);
    return rc;
}

static nm_status sum_children(nm_store *store, const nmS_ind *ind, const char *level, int vintage,
                              char *const *codes, size_t n, double *out, char how[96])
{
    sqlite3_stmt *st = NULL;
    nmC_buf sql = {0};
    char method[16];
    int pv = 0, cv = 0, s;
    nm_status rc = pick_memberships(store, ind, level, vintage, method, &pv, &cv);

    if (rc != NM_OK)
        return rc;
    /* a child without a value makes the parent's sum unknown, not smaller */
    nmC_buf_addf(&sql,
                "SELECT m.parent, SUM(d.\"%s\" * m.weight), COUNT(d.\"%s\") = COUNT(*) "
                "FROM membership m LEFT JOIN %s d ON d.code = m.child "
                "WHERE m.parent_level = ?1 AND m.parent_vintage = ?2 AND m.child_level = ?3 "
                "AND m.child_vintage = ?4 AND m.method = ?5 GROUP BY m.parent",
                ind->col, ind->col, ind->src);
    if (sql.failed)
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    rc = nmS_store_prepare(store, sql.data, &st);
    nmC_buf_free(&sql);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, pv);
    sqlite3_bind_text(st, 3, ind->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, cv);
    sqlite3_bind_text(st, 5, method, -1, SQLITE_STATIC);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        long i = nmS_code_find(codes, n, (const char *)sqlite3_column_text(st, 0));
        if (i >= 0 && sqlite3_column_int(st, 2) && sqlite3_column_type(st, 1) != SQLITE_NULL)
            out[i] = sqlite3_column_double(st, 1);
    }
    if (s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "summing an indicator over memberships");
    sqlite3_finalize(st);
    if (how)
        snprintf(how, 96, "summed from %s (%s %d)", ind->level, method, pv);
    return rc;
}

nm_status nmA_level_values(nm_store *store, const char *key, const char *period, const char *level,
                          int vintage, char *const *codes, size_t n, double *out, char how[96])
{
    nmS_ind ind;
    nm_status rc;
    size_t i;

    memset(&ind, 0, sizeof ind);
    for (i = 0; i < n; i++)
        out[i] = NAN;
    rc = nmS_store_find_indicator(store, key, period, &ind);
    if (rc != NM_OK)
        return rc;
    if (strcmp(ind.level, level) == 0) {
        fill f = {codes, n, out};
        rc = nmS_store_each_value(store, &ind, fill_one, &f);
        if (how)
            snprintf(how, 96, "stored for %s", level);
    } else {
        rc = sum_children(store, &ind, level, vintage, codes, n, out, how);
    }
    nmS_ind_clear(&ind);
    return rc;
}
