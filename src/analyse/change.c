/*
 * Change between two releases of an index (IMD 2025 against 2019) for the
 * areas of a selection.  The later release is read for the areas as they
 * are; the earlier one through the stored memberships between the two code
 * years (the ONS LSOA 2011 -> 2021 lookup), each area's lineage read from
 * the shape of those memberships.  Only ranks and deciles are compared:
 * MHCLG's scores are not on one scale across releases.  What the numbers
 * say is report's business (facts, change maps).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analyse_int.h"

void nm_change_clear(nm_change *c)
{
    size_t i;

    if (!c)
        return;
    nm_values_clear(&c->now);
    for (i = 0; c->then_code && i < c->n; i++)
        nm_free(c->then_code[i]);
    nm_free(c->then_code);
    nm_free(c->then);
    nm_free(c->lineage);
    nm_free(c->then_label);
    for (i = 0; c->older_code && i < c->nolder; i++)
        nm_free(c->older_code[i]);
    nm_free(c->older_code);
    nm_free(c->older_value);
    memset(c, 0, sizeof *c);
}

const char *nm_lineage_name(nm_lineage l)
{
    static const char *const names[] = {"unchanged", "split", "merged", "redrawn", "new"};
    return (unsigned)l < sizeof names / sizeof names[0] ? names[l] : "?";
}

static int comparable_unit(const char *unit)
{
    return strcmp(unit, "rank") == 0 || strcmp(unit, "decile") == 0;
}

/* How an area came from its 'n' older areas, given into how many areas
 * of the later year each of them went. */
static nm_lineage decide_lineage(int n, const long *parents)
{
    int k, shared = 0;

    for (k = 0; k < n; k++)
        shared += parents[k] > 1;
    if (n == 0)
        return NM_LINEAGE_NONE;
    if (n == 1)
        return shared ? NM_LINEAGE_SPLIT : NM_LINEAGE_SAME;
    return shared ? NM_LINEAGE_REDRAWN : NM_LINEAGE_MERGED;
}

/* The memberships between the two code years, for walking from an area to
 * its older areas: looked up one area at a time for a borough (two
 * statements), or read whole and searched in memory for a region or
 * England, where 33,755 pairs of lookups would cost more than the map. */
/* A membership between the code years; new_code first, for lower_bound(). */
typedef struct pair {
    char *new_code, *old_code;
} pair;

typedef struct walk {
    sqlite3_stmt *up, *down; /* per-area statements, or NULL */
    char *arena;                 /* whole: every code read, NUL-separated */
    pair *pairs;                 /* whole: sorted by new code, then old */
    size_t npairs;
    char **old_code;             /* whole: distinct older codes, sorted */
    long *old_parents;           /* and into how many newer areas each went */
    size_t nold;
} walk;

/* The codes of a whole walk point into its arena. */
static void walk_free(walk *w)
{
    sqlite3_finalize(w->up);
    sqlite3_finalize(w->down);
    nm_free(w->arena);
    nm_free(w->pairs);
    nm_free(w->old_code);
    nm_free(w->old_parents);
    memset(w, 0, sizeof *w);
}

/* First index of 'code' among 'n' elements of 'size' bytes sorted by the
 * code each begins with (a char * array, or pairs by new code), or n. */
static size_t lower_bound(const void *base, size_t n, size_t size, const char *code)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(*(char *const *)((const char *)base + mid * size), code) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The older codes of one area (up to 'max', copies owned by the caller)
 * and into how many newer areas each of them went. */
static nm_status olds_of(nm_store *store, walk *w, const char *code, char **olds, long *parents,
                         int max, int *nolds)
{
    int n = 0, s = SQLITE_DONE;

    *nolds = 0;
    if (!w->up) {
        size_t i = lower_bound(w->pairs, w->npairs, sizeof *w->pairs, code);
        for (; i < w->npairs && n < max && strcmp(w->pairs[i].new_code, code) == 0; i++) {
            const char *older = w->pairs[i].old_code;
            size_t k = lower_bound(w->old_code, w->nold, sizeof *w->old_code, older);
            if (!(olds[n] = nm_strdup(older)))
                return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
            parents[n++] = k < w->nold ? w->old_parents[k] : 0;
            *nolds = n;
        }
        return NM_OK;
    }
    sqlite3_bind_text(w->up, 4, code, -1, SQLITE_STATIC);
    while (n < max && (s = sqlite3_step(w->up)) == SQLITE_ROW) {
        const char *old = (const char *)sqlite3_column_text(w->up, 0);
        if (!(olds[n] = nm_strdup(old)))
            break;
        sqlite3_bind_text(w->down, 4, old, -1, SQLITE_STATIC);
        parents[n] = sqlite3_step(w->down) == SQLITE_ROW ? (long)sqlite3_column_int64(w->down, 0)
                                                         : 0;
        sqlite3_reset(w->down);
        *nolds = ++n;
    }
    sqlite3_reset(w->up);
    if (s == SQLITE_ROW && n < max)
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    if (s != SQLITE_DONE && s != SQLITE_ROW)
        return nmS_store_sqlfail(store, "reading the lookup between code years");
    return NM_OK;
}

/* Prepares a statement on the memberships between the code years: ?1 is
 * the level, ?2 the older code year, ?3 the newer one. */
static nm_status prepare_between(nm_store *store, const nm_areas *a, int old_vintage,
                                 const char *sql, sqlite3_stmt **st)
{
    nm_status rc = nmS_store_prepare(store, sql, st);

    if (rc == NM_OK) {
        sqlite3_bind_text(*st, 1, a->level, -1, SQLITE_STATIC);
        sqlite3_bind_int(*st, 2, old_vintage);
        sqlite3_bind_int(*st, 3, a->vintage);
    }
    return rc;
}

static int cmp_pair(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    int c = strcmp(p->new_code, q->new_code);
    return c ? c : strcmp(p->old_code, q->old_code);
}

/* Reads the memberships between the code years in one scan of the
 * primary key, older code first (England's 35,795 pairs in 8 ms, where
 * DISTINCT and GROUP BY queries spent 60 ms sorting): each older code's
 * count of newer areas comes from its run of rows, and the pairs are then
 * sorted by newer code in memory. */
static nm_status read_pairs(nm_store *store, const nm_areas *a, int old_vintage, nmC_buf *arena,
                            size_t **off, size_t *npairs)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    nm_status rc;
    int s = SQLITE_DONE;

    *off = NULL;
    *npairs = 0;
    rc = prepare_between(store, a, old_vintage,
                         "SELECT child, parent FROM membership WHERE child_level = ?1 AND "
                         "child_vintage = ?2 AND parent_level = ?1 AND parent_vintage = ?3 "
                         "ORDER BY child",
                         &st);
    while (rc == NM_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *old = (const char *)sqlite3_column_text(st, 0);
        const char *new = (const char *)sqlite3_column_text(st, 1);
        if (*npairs == cap) {
            size_t grown = cap ? 2 * cap : 4096, *o = nm_realloc(*off, 2 * grown * sizeof *o);
            if (!o) {
                rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
                break;
            }
            *off = o;
            cap = grown;
        }
        (*off)[2 * *npairs] = arena->len;
        nmC_buf_add(arena, old, strlen(old) + 1);
        (*off)[2 * *npairs + 1] = arena->len;
        nmC_buf_add(arena, new, strlen(new) + 1);
        ++*npairs;
    }
    if (rc == NM_OK && arena->failed)
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "reading the lookup between code years");
    sqlite3_finalize(st);
    return rc;
}

/* Whether pair i repeats an earlier pair of its older code's run (the
 * same two codes by another method). */
static int repeated(const char *arena, const size_t *off, size_t run, size_t i)
{
    size_t j;

    for (j = run; j < i; j++)
        if (strcmp(arena + off[2 * j + 1], arena + off[2 * i + 1]) == 0)
            return 1;
    return 0;
}

static nm_status read_whole(nm_store *store, const nm_areas *a, int old_vintage, walk *w)
{
    nmC_buf arena = {0};
    size_t *off = NULL, n = 0, i, run = 0;
    nm_status rc = read_pairs(store, a, old_vintage, &arena, &off, &n);

    w->arena = arena.data; /* no longer moves */
    if (rc == NM_OK) {
        w->pairs = nm_malloc((n ? n : 1) * sizeof *w->pairs);
        w->old_code = nm_malloc((n ? n : 1) * sizeof *w->old_code);
        w->old_parents = nm_calloc(n ? n : 1, sizeof *w->old_parents);
        if (!w->pairs || !w->old_code || !w->old_parents)
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    for (i = 0; rc == NM_OK && i < n; i++) {
        char *old = arena.data + off[2 * i];
        if (i == 0 || strcmp(old, arena.data + off[2 * run]) != 0) {
            run = i;
            w->old_code[w->nold++] = old;
        } else if (repeated(arena.data, off, run, i)) {
            continue;
        }
        w->old_parents[w->nold - 1]++;
        w->pairs[w->npairs].old_code = old;
        w->pairs[w->npairs++].new_code = arena.data + off[2 * i + 1];
    }
    if (rc == NM_OK)
        qsort(w->pairs, w->npairs, sizeof *w->pairs, cmp_pair);
    nm_free(off);
    return rc;
}

/* Below this many areas the memberships are looked up area by area. */
#define WALK_ONE_BY_ONE 2000

/* The statements that walk the memberships between the two code years;
 * 'found' says whether there are any, 'lookup' names the file they came
 * from, for the outputs to say what they used. */
static nm_status prepare_walk(nm_store *store, const nm_areas *a, int old_vintage, walk *w,
                              int *found, char *lookup, size_t lookup_size)
{
    sqlite3_stmt *st = NULL;
    nm_status rc;

    rc = prepare_between(store, a, old_vintage,
                         "SELECT d.file FROM membership m LEFT JOIN dataset d ON d.id = m.dataset "
                         "WHERE m.child_level = ?1 AND m.parent_level = ?1 AND "
                         "m.child_vintage = ?2 AND m.parent_vintage = ?3 LIMIT 1",
                         &st);
    if (rc != NM_OK)
        return rc;
    *found = sqlite3_step(st) == SQLITE_ROW;
    if (*found && sqlite3_column_text(st, 0))
        nmC_strlcpy(lookup, nmC_basename((const char *)sqlite3_column_text(st, 0)), lookup_size);
    sqlite3_finalize(st);
    if (!*found)
        return NM_OK;
    if (a->n > WALK_ONE_BY_ONE)
        return read_whole(store, a, old_vintage, w);
    rc = prepare_between(store, a, old_vintage,
                         "SELECT DISTINCT child FROM membership WHERE parent = ?4 AND "
                         "parent_level = ?1 AND child_level = ?1 AND child_vintage = ?2 AND "
                         "parent_vintage = ?3 ORDER BY child",
                         &w->up);
    if (rc == NM_OK)
        rc = prepare_between(store, a, old_vintage,
                             "SELECT COUNT(DISTINCT parent) FROM membership WHERE child = ?4 "
                             "AND child_level = ?1 AND parent_level = ?1 AND child_vintage = ?2 "
                             "AND parent_vintage = ?3",
                             &w->down);
    return rc;
}

/* The earlier value of a merged area: its older areas' common decile, or
 * nothing when they differ (there is no one earlier value to compare). */
static double merged_value(const double *vals, int n, const char *unit)
{
    int i;

    if (strcmp(unit, "decile") != 0)
        return NAN;
    for (i = 1; i < n; i++)
        if (!(vals[i] == vals[0]))
            return NAN;
    return vals[0];
}

#define MAX_OLDS 16

/* Adds the older codes of one area to the set's list (duplicates are
 * removed once all are in). */
static int keep_older(nm_change *c, size_t *cap, char *const *olds, const double *vals, int n)
{
    int k;

    for (k = 0; k < n; k++) {
        if (c->nolder == *cap) {
            size_t grown = *cap ? 2 * *cap : 256;
            char **codes = nm_realloc(c->older_code, grown * sizeof *codes);
            double *v;
            if (!codes)
                return 0;
            c->older_code = codes;
            if (!(v = nm_realloc(c->older_value, grown * sizeof *v)))
                return 0;
            c->older_value = v;
            *cap = grown;
        }
        if (!(c->older_code[c->nolder] = nm_strdup(olds[k])))
            return 0;
        c->older_value[c->nolder++] = vals[k];
    }
    return 1;
}

typedef struct older {
    char *code;
    double value;
} older;

static int cmp_older(const void *a, const void *b)
{
    return strcmp(((const older *)a)->code, ((const older *)b)->code);
}

/* Sorts the older codes and drops repeats (a split area's parts share
 * one); codes and values move together. */
static nm_status dedupe_older(nm_ctx *ctx, nm_change *c)
{
    older *o = nm_malloc((c->nolder ? c->nolder : 1) * sizeof *o);
    size_t i, m = 0;

    if (!o)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < c->nolder; i++) {
        o[i].code = c->older_code[i];
        o[i].value = c->older_value[i];
    }
    qsort(o, c->nolder, sizeof *o, cmp_older);
    for (i = 0; i < c->nolder; i++) {
        if (m > 0 && strcmp(c->older_code[m - 1], o[i].code) == 0) {
            nm_free(o[i].code);
            continue;
        }
        c->older_code[m] = o[i].code;
        c->older_value[m++] = o[i].value;
    }
    c->nolder = m;
    nm_free(o);
    return NM_OK;
}

/* Fills lineage, then_code and then for every area. */
/* The earlier values of 'n' older codes: from the whole table read once
 * for a large set, one by one for a borough. */
static nm_status values_then(nm_store *store, const nmS_ind *old, const nmS_vtable *t,
                             char *const *olds, int n, double *vals)
{
    int k;

    if (!t->code)
        return nmS_store_values_of(store, old, olds, (size_t)n, vals);
    for (k = 0; k < n; k++) {
        long at = nmS_vtable_find(t, olds[k]);
        vals[k] = at >= 0 ? t->value[at] : NAN;
    }
    return NM_OK;
}

static nm_status read_then(nm_store *store, const nm_areas *a, const nmS_ind *old, nm_change *c)
{
    walk w = {0};
    nmS_vtable t = {0};
    char *olds[MAX_OLDS];
    double vals[MAX_OLDS];
    long parents[MAX_OLDS];
    nm_status rc = NM_OK;
    size_t i, cap = 0;
    int n, k, found = 0;

    if (old->vintage != a->vintage) {
        rc = prepare_walk(store, a, old->vintage, &w, &found, c->lookup, sizeof c->lookup);
        if (rc == NM_OK && !found)
            rc = nmC_fail(store->ctx, NM_NOTFOUND,
                         "%s %s is on %s codes of %d and the map's areas on those of %d, and no "
                         "lookup between the two is stored: import the ONS one, e.g. 'needsmap "
                         "import lookup LSOA11_LSOA21_LAD22_EW_LU.csv --child LSOA11CD --parent "
                         "LSOA21CD --parent-level lsoa'",
                         old->key, old->period, a->level, old->vintage, a->vintage);
    }
    if (rc == NM_OK && a->n > WALK_ONE_BY_ONE) {
        rc = nmS_store_each_value(store, old, nmS_vtable_add, &t);
        if (rc == NM_OK && t.failed)
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    for (i = 0; rc == NM_OK && i < a->n; i++) {
        if (old->vintage == a->vintage) {
            olds[0] = nm_strdup(a->code[i]);
            n = olds[0] ? 1 : 0;
            c->lineage[i] = NM_LINEAGE_SAME;
            if (!n)
                rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        } else {
            rc = olds_of(store, &w, a->code[i], olds, parents, MAX_OLDS, &n);
            c->lineage[i] = decide_lineage(n, parents);
        }
        if (rc == NM_OK && n > 0)
            rc = values_then(store, old, &t, olds, n, vals);
        c->then[i] = NAN;
        if (rc == NM_OK && !keep_older(c, &cap, olds, vals, n))
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        if (rc == NM_OK && n > 0) {
            if (c->lineage[i] == NM_LINEAGE_SAME || c->lineage[i] == NM_LINEAGE_SPLIT)
                c->then[i] = vals[0];
            else if (c->lineage[i] == NM_LINEAGE_MERGED)
                c->then[i] = merged_value(vals, n, old->unit);
        }
        if (rc == NM_OK && n > 0 && !isnan(c->then[i])) {
            c->then_code[i] = olds[0];
            olds[0] = NULL;
        }
        for (k = 0; k < n; k++)
            nm_free(olds[k]);
        if (rc == NM_OK)
            c->count[c->lineage[i]]++;
    }
    walk_free(&w);
    nmS_vtable_free(&t);
    return rc == NM_OK ? dedupe_older(store->ctx, c) : rc;
}

nm_status nm_change_read(nm_store *store, const nm_areas *a, const char *key, const char *period,
                         const char *since, nm_change *c)
{
    nmS_ind old = {0};
    nm_status rc;
    size_t i;

    memset(c, 0, sizeof *c);
    if (!since || !*since)
        return nmC_fail(store->ctx, NM_USAGE, "a change needs the earlier release (--since)");
    rc = nm_values_read(store, a, key, period, NM_RANK_NONE, &c->now);
    if (rc != NM_OK)
        return rc;
    if (!comparable_unit(c->now.unit))
        rc = nmC_fail(store->ctx, NM_USAGE,
                     "%s is a %s: MHCLG's scores are not on one scale across releases, so only "
                     "ranks and deciles are compared; use an id ending in _rank or _decile",
                     key, c->now.unit);
    if (rc == NM_OK && strcmp(since, c->now.period) == 0)
        rc = nmC_fail(store->ctx, NM_USAGE, "--since %s is the release mapped itself", since);
    if (rc == NM_OK)
        rc = nmS_store_find_indicator(store, key, since, &old);
    if (rc == NM_OK && strcmp(old.unit, c->now.unit) != 0)
        rc = nmC_fail(store->ctx, NM_USAGE, "%s %s is a %s but %s %s a %s: they do not compare",
                     key, c->now.period, c->now.unit, key, since, old.unit);
    c->n = a->n;
    if (rc == NM_OK) {
        c->then = nm_malloc((a->n ? a->n : 1) * sizeof *c->then);
        c->lineage = nm_calloc(a->n ? a->n : 1, sizeof *c->lineage);
        c->then_code = nm_calloc(a->n ? a->n : 1, sizeof *c->then_code);
        c->then_label = nm_strdup(old.label);
        if (!c->then || !c->lineage || !c->then_code || !c->then_label)
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    if (rc == NM_OK)
        rc = nmA_national_count(store, &old, &c->then_national_n);
    if (rc == NM_OK) {
        nmC_strlcpy(c->since, old.period, sizeof c->since);
        c->since_vintage = old.vintage;
        rc = read_then(store, a, &old, c);
    }
    for (i = 0; rc == NM_OK && i < a->n; i++)
        c->compared += !isnan(c->then[i]) && !isnan(c->now.value[i]);
    nmS_ind_clear(&old);
    if (rc != NM_OK)
        nm_change_clear(c);
    return rc;
}
