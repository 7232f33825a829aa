/*
 * Aggregates of small-area indicators to wards, localities and councils:
 * population and children, population-weighted mean scores, and how many
 * LSOAs, people and children are in the most deprived 10% and 20%,
 * nationally (from the published deciles) and within the region (from the
 * positions rank.c computes among all the region's LSOAs).  Parents are
 * reached through memberships, chained where needed (LSOA -> ward ->
 * locality), with weights multiplied along the chain.  The results are
 * stored like any indicator (nmS_store_put_batch) so maps and tables read
 * them as they read the IoD.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyse/analyse_int.h"

/* One child -> parent link with its weight (a product along a chain). */
typedef struct link {
    size_t parent, child;
    double weight;
} link;

/* A stored series: id, label and a value per parent. */
typedef struct series {
    char *key, *label;
    const char *unit;
    int polarity;
    double *v;
} series;

/* A deprivation domain: what its decile, rank and score are called. */
typedef struct domain {
    char id[48];      /* "imd" */
    char name[96];    /* "IMD", for labels */
    int has_decile, has_rank, has_score;
} domain;

typedef struct agg {
    nm_store *store;
    nm_ctx *ctx;
    const nm_aggregate_opts *o;
    const char *from;
    int from_vintage, to_vintage;
    char **pcode;           /* parents, sorted */
    size_t np, cap_p;
    nm_areas *kids;         /* children, sorted by code */
    link *links;
    size_t nl, cap_l;
    double *pop, *pop_kids; /* per child */
    series *s;
    int ns, cap_s;
    char period[32];
    char *source;           /* attribution of the first source read */
    char prefix[24];
} agg;

/* ---- small helpers ------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The error indicator_exists() left on the context. */
static nm_status store_error(agg *g)
{
    nm_status rc = nm_errcode(g->ctx);
    return rc != NM_OK ? rc : NM_ERROR;
}

/* 1 when 'key' is stored (of the period asked), 0 when it is not, -1
 * when the store could not say (out of memory, SQL): that error stays on
 * the context, so that a failure is never taken for an absence. */
static int indicator_exists(agg *g, const char *key, nmS_ind *out)
{
    nmS_ind tmp = {0};
    nmS_ind *ind = out ? out : &tmp;
    nm_status rc = nmS_store_find_indicator(g->store, key, g->o->period, ind);

    if (!out || rc != NM_OK)
        nmS_ind_clear(ind);
    if (rc == NM_NOTFOUND)
        nmC_clear(g->ctx);
    return rc == NM_OK ? 1 : rc == NM_NOTFOUND ? 0 : -1;
}

/* "Index of Multiple Deprivation (IMD) decile (1 = ...)" -> "IMD";
 * "Education, Skills and Training decile" -> "Education, Skills and
 * Training". */
static void domain_name(const char *label, const char *fallback, char *out, size_t size)
{
    static const char *const words[] = {" decile", " rank", " score"};
    const char *end = NULL, *open, *close;
    size_t n = strlen(label), w;

    for (w = 0; w < 3; w++) {
        const char *p = label;
        size_t len = strlen(words[w]);
        for (; (p = strstr(p, words[w])) != NULL; p += len)
            if (!end || p < end)
                end = p;
    }
    if (end)
        n = (size_t)(end - label);
    open = memchr(label, '(', n);
    close = open ? memchr(open, ')', n - (size_t)(open - label)) : NULL;
    if (open && close && close > open + 1) {
        label = open + 1;
        n = (size_t)(close - open - 1);
    }
    if (n == 0) {
        nmC_strlcpy(out, fallback, size);
        return;
    }
    if (n >= size)
        n = size - 1;
    memcpy(out, label, n);
    out[n] = '\0';
}

/* ---- which parents, which children --------------------------------------- */

static nm_status vintages(agg *g)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(
        g->store,
        "SELECT (SELECT MAX(child_vintage) FROM membership WHERE child_level = ?1),"
        /* the latest drawn vintage, else the latest: asked of the drawn-areas
           index, as "ORDER BY geom IS NOT NULL" reads every row and boundary */
        " coalesce((SELECT MAX(vintage) FROM area INDEXED BY area_drawn WHERE level = ?2 AND"
        " geom IS NOT NULL), (SELECT MAX(vintage) FROM area WHERE level = ?2))",
        &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, g->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g->o->to, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = nmS_store_sqlfail(g->store, "finding levels");
    else if (sqlite3_column_type(st, 0) == SQLITE_NULL)
        rc = nmC_fail(g->ctx, NM_NOTFOUND,
                     "no memberships of %s areas are stored: import a lookup (needsmap import "
                     "lookup) or assign them (needsmap assign --child %s --parent %s)",
                     g->from, g->from, g->o->to);
    else if (sqlite3_column_type(st, 1) == SQLITE_NULL)
        rc = nmC_fail(g->ctx, NM_NOTFOUND, "no %s areas in the store", g->o->to);
    else {
        g->from_vintage = sqlite3_column_int(st, 0);
        /* the run's year of the level (vintage.c) */
        g->to_vintage = nmS_store_vintage_of(g->store, g->o->to, 0);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Child -> parent through up to three memberships.  For each child and
 * parent level only the best method counts (an official lookup over an
 * interior point over shares of area), so assigning where a lookup exists
 * never counts a child twice. */
static const char *const chain_sql =
    "WITH RECURSIVE best AS MATERIALIZED (SELECT child, child_level, child_vintage, parent,"
    "  parent_level, parent_vintage, weight FROM (SELECT m.*, RANK() OVER (PARTITION BY"
    "  child_level, child_vintage, child, parent_level, parent_vintage ORDER BY CASE method"
    "  WHEN 'lookup' THEN 0 WHEN 'point' THEN 1 WHEN 'area' THEN 2 ELSE 3 END) AS r"
    "  FROM membership m WHERE m.child_level <> m.parent_level) WHERE r = 1),"
    " up(child, level, vintage, code, weight, depth) AS ("
    "  SELECT child, parent_level, parent_vintage, parent, weight, 1 FROM best"
    "   WHERE child_level = ?1 AND child_vintage = ?2"
    "  UNION ALL SELECT up.child, b.parent_level, b.parent_vintage, b.parent,"
    "   up.weight * b.weight, up.depth + 1 FROM up JOIN best b ON b.child_level = up.level"
    "   AND b.child_vintage = up.vintage AND b.child = up.code"
    "   WHERE up.depth < 3 AND NOT (up.level = ?3 AND up.vintage = ?4)) "
    "SELECT code, child, SUM(weight) FROM up WHERE level = ?3 AND vintage = ?4 "
    "GROUP BY code, child ORDER BY code, child";

static int push_code(char ***codes, size_t *n, size_t *cap, const char *code)
{
    if (*n > 0 && strcmp((*codes)[*n - 1], code) == 0)
        return 1;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        char **nc = nm_realloc(*codes, c * sizeof *nc);
        if (!nc)
            return 0;
        *codes = nc;
        *cap = c;
    }
    if (!((*codes)[*n] = nm_strdup(code)))
        return 0;
    (*n)++;
    return 1;
}

/* Reads the chain into parent codes (sorted by the query) and raw links
 * whose child is an index into a sorted list made afterwards. */
typedef struct raw {
    char **child;
    size_t n, cap;
} raw;

/* Why no parent was reached: memberships into other years of the level
 * (a WD19 lookup where the wards drawn are of 2013), or none at all. */
static nm_status no_links(agg *g)
{
    sqlite3_stmt *st = NULL;
    nmC_buf years = {0};
    nm_status rc = nmS_store_prepare(g->store,
                                    "SELECT DISTINCT parent_vintage FROM membership WHERE "
                                    "child_level = ?1 AND parent_level = ?2 ORDER BY 1 DESC",
                                    &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, g->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g->o->to, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW)
        nmC_buf_addf(&years, "%s%d", years.len ? ", " : "", sqlite3_column_int(st, 0));
    sqlite3_finalize(st);
    if (years.data)
        rc = nmC_fail(g->ctx, NM_USAGE,
                     "no memberships lead from %s %d to %s %d (the %s year of this run); the "
                     "stored ones lead to %s %s: give --%s-vintage YEAR, or import a lookup into "
                     "%s %d",
                     g->from, g->from_vintage, g->o->to, g->to_vintage, g->o->to, g->o->to,
                     years.data, g->o->to, g->o->to, g->to_vintage);
    else
        rc = nmC_fail(g->ctx, NM_USAGE,
                     "no %s areas are reached from %s %d areas through memberships: import a "
                     "lookup, or assign them (needsmap assign --child %s --parent %s)",
                     g->o->to, g->from, g->from_vintage, g->from, g->o->to);
    nmC_buf_free(&years);
    return rc;
}

static nm_status read_links(agg *g, raw *r)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(g->store, chain_sql, &st);
    int s = SQLITE_DONE;

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, g->from, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, g->from_vintage);
    sqlite3_bind_text(st, 3, g->o->to, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, g->to_vintage);
    while (rc == NM_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 0);
        const char *c = (const char *)sqlite3_column_text(st, 1);
        if (g->nl == g->cap_l) {
            size_t cap = g->cap_l ? g->cap_l * 2 : 256;
            link *nlk = nm_realloc(g->links, cap * sizeof *nlk);
            if (!nlk) {
                rc = nmC_fail(g->ctx, NM_NOMEM, "out of memory");
                break;
            }
            g->links = nlk;
            g->cap_l = cap;
        }
        if (!push_code(&g->pcode, &g->np, &g->cap_p, p)) {
            rc = nmC_fail(g->ctx, NM_NOMEM, "out of memory");
            break;
        }
        /* raw children are not deduplicated: one per link, sorted later */
        if (r->n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 256;
            char **nc = nm_realloc(r->child, cap * sizeof *nc);
            if (!nc) {
                rc = nmC_fail(g->ctx, NM_NOMEM, "out of memory");
                break;
            }
            r->child = nc;
            r->cap = cap;
        }
        if (!(r->child[r->n] = nm_strdup(c))) {
            rc = nmC_fail(g->ctx, NM_NOMEM, "out of memory");
            break;
        }
        g->links[g->nl].parent = g->np - 1;
        g->links[g->nl].child = r->n++;
        g->links[g->nl++].weight = sqlite3_column_double(st, 2);
    }
    if (rc == NM_OK && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(g->store, "following memberships");
    sqlite3_finalize(st);
    if (rc == NM_OK && g->np == 0)
        rc = no_links(g);
    return rc;
}

/* The children as a set of areas (sorted, distinct) for nm_values_read,
 * and the links pointed at them. */
static nm_status make_children(agg *g, raw *r)
{
    char **sorted = NULL;
    size_t i, n = 0;
    nm_areas *a = nm_calloc(1, sizeof *a);

    if (!a || !(sorted = nm_malloc((r->n ? r->n : 1) * sizeof *sorted))) {
        nm_free(a);
        return nmC_fail(g->ctx, NM_NOMEM, "out of memory");
    }
    g->kids = a;
    nmC_strlcpy(a->level, g->from, sizeof a->level);
    a->vintage = g->from_vintage;
    /* only the children of the parents kept */
    for (i = 0; i < g->nl; i++)
        sorted[i] = r->child[g->links[i].child];
    qsort(sorted, g->nl, sizeof *sorted, cmp_str);
    a->code = nm_malloc((r->n ? r->n : 1) * sizeof *a->code);
    a->name = nm_calloc(r->n ? r->n : 1, sizeof *a->name);
    a->rowid = nm_calloc(r->n ? r->n : 1, sizeof *a->rowid);
    if (!a->code || !a->name || !a->rowid) {
        nm_free(sorted);
        return nmC_fail(g->ctx, NM_NOMEM, "out of memory");
    }
    for (i = 0; i < g->nl; i++) {
        if (n > 0 && strcmp(a->code[n - 1], sorted[i]) == 0)
            continue;
        if (!(a->code[n] = nm_strdup(sorted[i]))) {
            nm_free(sorted);
            return nmC_fail(g->ctx, NM_NOMEM, "out of memory");
        }
        a->n = ++n;
    }
    a->cap = r->n;
    nm_free(sorted);
    for (i = 0; i < g->nl; i++)
        g->links[i].child = (size_t)nmS_code_find(a->code, a->n, r->child[g->links[i].child]);
    return NM_OK;
}

/* With --within: keeps the parents with a child within the area, and
 * their links (all their children, so that a ward on a border is whole). */
static nm_status keep_within(agg *g, const raw *r)
{
    nm_areas *in = NULL;
    char *keep = NULL;
    size_t i, np = 0, nl = 0;
    long *remap = NULL;
    nm_status rc;

    if (!g->o->within)
        return NM_OK;
    rc = nm_areas_select(g->store, g->from, g->from_vintage, g->o->within, &in);
    if (rc == NM_OK && (!(keep = nm_calloc(g->np ? g->np : 1, 1)) ||
                        !(remap = nm_malloc((g->np ? g->np : 1) * sizeof *remap))))
        rc = nmC_fail(g->ctx, NM_NOMEM, "out of memory");
    if (rc != NM_OK)
        goto cleanup;
    for (i = 0; i < g->nl; i++)
        if (nmS_code_find(in->code, in->n, r->child[g->links[i].child]) >= 0)
            keep[g->links[i].parent] = 1;
    for (i = 0; i < g->np; i++) {
        remap[i] = keep[i] ? (long)np : -1;
        if (keep[i])
            g->pcode[np++] = g->pcode[i];
        else
            nm_free(g->pcode[i]);
    }
    g->np = np;
    for (i = 0; i < g->nl; i++)
        if (remap[g->links[i].parent] >= 0) {
            g->links[nl] = g->links[i];
            g->links[nl++].parent = (size_t)remap[g->links[i].parent];
        }
    g->nl = nl;
    if (np == 0)
        rc = nmC_fail(g->ctx, NM_USAGE, "no %s areas have %ss within %s", g->o->to, g->from,
                     g->o->within);

cleanup:
    nm_areas_free(in);
    nm_free(keep);
    nm_free(remap);
    return rc;
}

/* ---- the children's values ----------------------------------------------- */

/* One indicator for every child, ranked as asked, NAN where missing.
 * Remembers the first period and source met.  Free with
 * nm_values_clear(). */
static nm_status read_values(agg *g, const char *key, nm_rank_scope scope, nm_values *v)
{
    nm_status rc = nm_values_read(g->store, g->kids, key, g->o->period, scope, v);

    if (rc == NM_OK && !g->period[0])
        nmC_strlcpy(g->period, v->period, sizeof g->period);
    if (rc == NM_OK && !g->source && !(g->source = nm_strdup(v->source)))
        rc = nmC_fail(g->ctx, NM_NOMEM, "out of memory");
    return rc;
}

/* A new series of the parent level; returns its values (all NAN) or NULL
 * when memory ran out. */
static double *add_series(agg *g, const char *id, const char *unit, int polarity,
                          const char *label_fmt, ...) NM_PRINTF(5, 6);
static double *add_series(agg *g, const char *id, const char *unit, int polarity,
                          const char *label_fmt, ...)
{
    nmC_buf key = {0}, label = {0};
    va_list ap;
    series *s;
    size_t i;

    if (g->ns == g->cap_s) {
        int cap = g->cap_s ? g->cap_s * 2 : 16;
        series *n = nm_realloc(g->s, (size_t)cap * sizeof *n);
        if (!n)
            return NULL;
        g->s = n;
        g->cap_s = cap;
    }
    s = &g->s[g->ns];
    memset(s, 0, sizeof *s);
    nmC_buf_addf(&key, "%s%s", g->prefix, id);
    va_start(ap, label_fmt);
    nmC_buf_vaddf(&label, label_fmt, ap);
    va_end(ap);
    s->key = nmC_buf_take(&key);
    s->label = nmC_buf_take(&label);
    s->unit = unit;
    s->polarity = polarity;
    s->v = nm_malloc((g->np ? g->np : 1) * sizeof *s->v);
    g->ns++;
    if (!s->key || !s->label || !s->v)
        return NULL;
    for (i = 0; i < g->np; i++)
        s->v[i] = NAN;
    return s->v;
}

static const char *plural(const char *level)
{
    return strcmp(level, "lsoa") == 0 ? "LSOAs" : strcmp(level, "msoa") == 0 ? "MSOAs"
           : strcmp(level, "ward") == 0 ? "wards" : "areas";
}

/* ---- the sums ------------------------------------------------------------ */

/* Population, children and the number of child areas: weighted sums. */
static nm_status add_population(agg *g)
{
    double *pop = add_series(g, "pop_total", "people", 0, "Total population");
    double *kids = pop ? add_series(g, "pop_0_15", "people", 0, "Children aged 0-15") : NULL;
    double *n = kids ? add_series(g, g->from[0] == 'l' ? "lsoas" : "areas", "count", 0,
                                  "Number of %s", plural(g->from))
                     : NULL;
    size_t i;

    if (!n)
        return nmC_fail(g->ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < g->nl; i++) {
        const link *l = &g->links[i];
        double w = l->weight, p = g->pop[l->child], k = g->pop_kids[l->child];
        n[l->parent] = (isnan(n[l->parent]) ? 0 : n[l->parent]) + w;
        if (!isnan(p))
            pop[l->parent] = (isnan(pop[l->parent]) ? 0 : pop[l->parent]) + w * p;
        if (!isnan(k))
            kids[l->parent] = (isnan(kids[l->parent]) ? 0 : kids[l->parent]) + w * k;
    }
    return NM_OK;
}

/* The unit as a string that outlives the values read (a series keeps a
 * pointer to it until stored). */
static const char *static_unit(const char *unit)
{
    static const char *const known[] = {"score", "rate", "people", "count", "share", "value"};

    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(unit, known[i]) == 0)
            return known[i];
    return "value";
}

/* Mean of x over each parent's children, weighted by membership weight
 * times population: the share of the parent's people living there. */
static nm_status add_weighted_mean(agg *g, const char *key)
{
    double *num = NULL, *den = NULL, *out, *x;
    char id[96];
    nm_values v = {0};
    nm_status rc = read_values(g, key, NM_RANK_NONE, &v);
    size_t i;

    if (rc != NM_OK)
        goto cleanup;
    x = v.value;
    snprintf(id, sizeof id, "%s_pw", key);
    out = add_series(g, id, static_unit(v.unit), v.polarity, "Population-weighted mean %s",
                     v.label);
    num = nm_calloc(g->np ? g->np : 1, sizeof *num);
    den = nm_calloc(g->np ? g->np : 1, sizeof *den);
    if (!out || !num || !den) {
        rc = nmC_fail(g->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < g->nl; i++) {
        const link *l = &g->links[i];
        double w = l->weight * g->pop[l->child];
        if (isnan(x[l->child]) || isnan(w))
            continue;
        num[l->parent] += w * x[l->child];
        den[l->parent] += w;
    }
    for (i = 0; i < g->np; i++)
        out[i] = den[i] > 0 ? num[i] / den[i] : NAN;

cleanup:
    nm_free(num);
    nm_free(den);
    nm_values_clear(&v);
    return rc;
}

/* LSOAs, their share, people and children of each parent in a class
 * (flag 1) among the children that have a flag (0 or 1; -1 none). */
static nm_status add_class(agg *g, const domain *d, const char *tag, int pct, const char *where,
                           const signed char *flag)
{
    const char *word = plural(g->from);
    char id[96];
    double *cnt, *share, *people, *kids, *with;
    size_t i;

    snprintf(id, sizeof id, "%s_%s_lsoas", d->id, tag);
    cnt = add_series(g, id, "count", 1, "%s among the %d%% most deprived %s (%s)", word, pct,
                     where, d->name);
    snprintf(id, sizeof id, "%s_%s_share", d->id, tag);
    share = cnt ? add_series(g, id, "share", 1, "Share of %s among the %d%% most deprived %s (%s)",
                             word, pct, where, d->name)
                : NULL;
    snprintf(id, sizeof id, "%s_%s_people", d->id, tag);
    people = share ? add_series(g, id, "people", 1, "People in the %d%% most deprived %s %s (%s)",
                                pct, word, where, d->name)
                   : NULL;
    snprintf(id, sizeof id, "%s_%s_children", d->id, tag);
    kids = people ? add_series(g, id, "people", 1,
                               "Children aged 0-15 in the %d%% most deprived %s %s (%s)", pct, word,
                               where, d->name)
                  : NULL;
    with = kids ? nm_calloc(g->np ? g->np : 1, sizeof *with) : NULL;
    if (!with)
        return nmC_fail(g->ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < g->nl; i++) {
        const link *l = &g->links[i];
        size_t p = l->parent;
        double w = l->weight;
        if (flag[l->child] < 0)
            continue;
        with[p] += w;
        if (isnan(cnt[p]))
            cnt[p] = people[p] = kids[p] = 0;
        if (!flag[l->child])
            continue;
        cnt[p] += w;
        if (!isnan(g->pop[l->child]))
            people[p] += w * g->pop[l->child];
        if (!isnan(g->pop_kids[l->child]))
            kids[p] += w * g->pop_kids[l->child];
    }
    for (i = 0; i < g->np; i++)
        share[i] = with[i] > 0 ? cnt[i] / with[i] : NAN;
    nm_free(with);
    return NM_OK;
}

/* ---- deprivation classes ------------------------------------------------- */

/* National deciles: published, or from national ranks against all stored
 * values (ceil(10 rank / n)). */
static nm_status national(agg *g, const domain *d)
{
    char key[64];
    nm_values v = {0};
    signed char *f10 = NULL, *f20 = NULL;
    nm_status rc;
    size_t i;

    snprintf(key, sizeof key, "%s_%s", d->id, d->has_decile ? "decile" : "rank");
    rc = read_values(g, key, NM_RANK_NONE, &v);
    if (rc == NM_OK && (!(f10 = nm_malloc(g->kids->n + 1)) || !(f20 = nm_malloc(g->kids->n + 1))))
        rc = nmC_fail(g->ctx, NM_NOMEM, "out of memory");
    for (i = 0; rc == NM_OK && i < g->kids->n; i++) {
        double x = v.value[i];
        double dec = d->has_decile || isnan(x) || v.national_n <= 0
                         ? x
                         : ceil(x * 10.0 / (double)v.national_n);
        f10[i] = isnan(dec) ? -1 : dec <= 1;
        f20[i] = isnan(dec) ? -1 : dec <= 2;
    }
    if (rc == NM_OK)
        rc = add_class(g, d, "nat10", 10, "nationally", f10);
    if (rc == NM_OK)
        rc = add_class(g, d, "nat20", 20, "nationally", f20);
    nm_values_clear(&v);
    nm_free(f10);
    nm_free(f20);
    return rc;
}

/* Within the region: a child's position among all the region's LSOAs
 * (rank.c, as maps ranked by region), in the most deprived 10% when
 * 10 x position <= the region's count. */
static nm_status regional(agg *g, const domain *d)
{
    char key[64], where[128];
    nm_values v = {0};
    signed char *f10 = NULL, *f20 = NULL;
    nm_status rc;
    size_t i;

    snprintf(key, sizeof key, "%s_%s", d->id, d->has_rank ? "rank" : "score");
    rc = read_values(g, key, NM_RANK_REGION, &v);
    if (rc == NM_NOTFOUND || rc == NM_USAGE) {
        /* no regions known (a file without region codes), or a value with
           no direction (a generic import): the national figures stand
           alone */
        nmC_log(g->ctx, NM_LOG_WARN, "%s; regional figures left out", nm_errmsg(g->ctx));
        nmC_clear(g->ctx);
        return NM_OK;
    }
    if (rc == NM_OK && (!(f10 = nm_malloc(g->kids->n + 1)) || !(f20 = nm_malloc(g->kids->n + 1))))
        rc = nmC_fail(g->ctx, NM_NOMEM, "out of memory");
    for (i = 0; rc == NM_OK && i < g->kids->n; i++) {
        int known = !isnan(v.value[i]) && v.group_size[i] > 0;
        f10[i] = known ? v.value[i] * 10.0 <= (double)v.group_size[i] : -1;
        f20[i] = known ? v.value[i] * 10.0 <= 2.0 * (double)v.group_size[i] : -1;
    }
    if (rc == NM_OK) {
        /* neutral: one label serves every council's wards, which lie in
           different regions (the region is a property of each value) */
        snprintf(where, sizeof where, "in their region");
        rc = add_class(g, d, "reg10", 10, where, f10);
    }
    if (rc == NM_OK)
        rc = add_class(g, d, "reg20", 20, where, f20);
    nm_values_clear(&v);
    nm_free(f10);
    nm_free(f20);
    return rc;
}

/* ---- what to aggregate --------------------------------------------------- */

/* Splits "imd_score,idaci_rank" into domains (imd, idaci) and the scores
 * or other values to average. */
typedef struct wanted {
    domain dom[16];
    int ndom;
    char mean[16][64];
    int nmean;
} wanted;

/* Adds domain 'id' when any of its decile, rank or score is stored;
 * NM_OK, or the store's error. */
static nm_status add_domain(agg *g, wanted *w, const char *id)
{
    static const char *const kinds[] = {"decile", "rank", "score"};
    char key[64];
    nmS_ind ind = {0};
    domain *d;
    int i, *has[3];

    for (i = 0; i < w->ndom; i++)
        if (strcmp(w->dom[i].id, id) == 0)
            return NM_OK;
    if (w->ndom == 16)
        return NM_OK;
    d = &w->dom[w->ndom];
    memset(d, 0, sizeof *d);
    nmC_strlcpy(d->id, id, sizeof d->id);
    has[0] = &d->has_decile;
    has[1] = &d->has_rank;
    has[2] = &d->has_score;
    /* the label names the domain: the first of decile, rank, score */
    for (i = 0; i < 3; i++) {
        snprintf(key, sizeof key, "%s_%s", id, kinds[i]);
        *has[i] = indicator_exists(g, key, ind.label ? NULL : &ind);
        if (*has[i] < 0) {
            nmS_ind_clear(&ind);
            return store_error(g);
        }
    }
    if (d->has_decile || d->has_rank || d->has_score) {
        domain_name(ind.label, id, d->name, sizeof d->name);
        w->ndom++;
    }
    nmS_ind_clear(&ind);
    return NM_OK;
}

static void add_mean(wanted *w, const char *key)
{
    for (int i = 0; i < w->nmean; i++)
        if (strcmp(w->mean[i], key) == 0)
            return;
    if (w->nmean < 16)
        nmC_strlcpy(w->mean[w->nmean++], key, sizeof w->mean[0]);
}

static int ends_with(const char *s, const char *tail, size_t *stem)
{
    size_t n = strlen(s), t = strlen(tail);
    *stem = n > t ? n - t : 0;
    return n > t && strcmp(s + n - t, tail) == 0;
}

static nm_status parse_wanted(agg *g, wanted *w)
{
    const char *p = g->o->indicators ? g->o->indicators : "imd";
    nm_status rc = NM_OK;

    while (rc == NM_OK && *p) {
        size_t len = strcspn(p, ","), stem;
        char id[64], dom[64];
        nmS_ind ind = {0};
        int before = w->ndom + w->nmean, found;
        if (len == 0 || len >= sizeof id) {
            rc = nmC_fail(g->ctx, NM_USAGE, "--indicators: \"%.*s\" is not an indicator id",
                         (int)(len < 60 ? len : 60), p);
            break;
        }
        memcpy(id, p, len);
        id[len] = '\0';
        p += len + (p[len] == ',');
        nmC_strlcpy(dom, id, sizeof dom);
        if ((found = indicator_exists(g, id, &ind)) > 0) {
            int ranked = strcmp(ind.unit, "rank") == 0 || strcmp(ind.unit, "decile") == 0;
            if (!ranked)
                add_mean(w, id);
            if ((ends_with(id, "_rank", &stem) || ends_with(id, "_decile", &stem) ||
                 ends_with(id, "_score", &stem)) && stem < sizeof dom) {
                dom[stem] = '\0';
                rc = add_domain(g, w, dom);
            }
            nmS_ind_clear(&ind);
        } else if (found == 0) {
            char score[80];
            rc = add_domain(g, w, id);
            snprintf(score, sizeof score, "%s_score", id);
            if (rc == NM_OK && (found = indicator_exists(g, score, NULL)) > 0)
                add_mean(w, score);
        }
        if (rc == NM_OK && found >= 0 && w->ndom + w->nmean == before &&
            (found = indicator_exists(g, id, NULL)) == 0)
            rc = nmC_fail(g->ctx, NM_NOTFOUND,
                         "no indicator \"%s\"%s%s, and no %s_decile, _rank or _score; 'needsmap "
                         "info' lists them",
                         id, g->o->period ? " of period " : "", g->o->period ? g->o->period : "",
                         id);
        if (rc == NM_OK && found < 0)
            rc = store_error(g);
    }
    return rc;
}

/* ---- the call ------------------------------------------------------------ */

static nm_status read_population(agg *g)
{
    static const char *const keys[2] = {"pop_total", "pop_0_15"};
    double **out[2];
    nm_status rc = NM_OK;

    out[0] = &g->pop;
    out[1] = &g->pop_kids;
    for (int k = 0; rc == NM_OK && k < 2; k++) {
        nm_values v = {0};
        rc = nm_values_read(g->store, g->kids, keys[k], g->o->period, NM_RANK_NONE, &v);
        if (rc == NM_NOTFOUND)
            rc = nmC_fail(g->ctx, NM_NOTFOUND,
                         "aggregates need the population of each %s (%s%s%s): import the IoD "
                         "population denominators (File 6, or the assembled file)",
                         g->from, keys[k], g->o->period ? " of " : "",
                         g->o->period ? g->o->period : "");
        if (rc == NM_OK) {
            *out[k] = v.value;
            v.value = NULL;
        }
        nm_values_clear(&v);
    }
    return rc;
}

static nm_status store_series(agg *g, nm_aggregate_result *res)
{
    nmS_series *ser = nm_calloc((size_t)g->ns + 1, sizeof *ser);
    nmS_batch b = {0};
    nmC_buf what = {0};
    nm_status rc;
    int i;

    nmC_buf_addf(&what, "%s %d -> %s %d", g->from, g->from_vintage, g->o->to, g->to_vintage);
    nmC_buf_addf(&what, " (%s)%s%s", g->o->indicators ? g->o->indicators : "imd",
                g->o->within ? " within " : "", g->o->within ? g->o->within : "");
    if (!ser || what.failed) {
        rc = nmC_fail(g->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < g->ns; i++) {
        ser[i].key = g->s[i].key;
        ser[i].label = g->s[i].label;
        ser[i].unit = g->s[i].unit;
        ser[i].polarity = g->s[i].polarity;
        ser[i].values = g->s[i].v;
    }
    b.level = g->o->to;
    b.vintage = g->to_vintage;
    b.period = g->period;
    b.kind = "aggregate";
    b.description = what.data;
    b.attribution = g->source ? g->source : "";
    b.codes = g->pcode;
    b.n = g->np;
    b.series = ser;
    b.nseries = g->ns;
    rc = nmS_store_begin(g->store);
    if (rc != NM_OK)
        goto cleanup;
    rc = nmS_store_put_batch(g->store, &b);
    if (rc == NM_OK)
        rc = nmS_store_commit(g->store);
    else
        nmS_store_rollback(g->store);
    res->dataset = rc == NM_OK ? b.dataset : 0;

cleanup:
    nm_free(ser);
    nmC_buf_free(&what);
    return rc;
}

static void agg_free(agg *g)
{
    size_t i;

    for (i = 0; i < g->np; i++)
        nm_free(g->pcode[i]);
    nm_free(g->pcode);
    nm_areas_free(g->kids);
    nm_free(g->links);
    nm_free(g->pop);
    nm_free(g->pop_kids);
    for (int k = 0; k < g->ns; k++) {
        nm_free(g->s[k].key);
        nm_free(g->s[k].label);
        nm_free(g->s[k].v);
    }
    nm_free(g->s);
    nm_free(g->source);
}

static void raw_free(raw *r)
{
    for (size_t i = 0; i < r->n; i++)
        nm_free(r->child[i]);
    nm_free(r->child);
}

static nm_status compute(agg *g, const wanted *w)
{
    nm_status rc = add_population(g);
    int i;

    for (i = 0; rc == NM_OK && i < w->nmean; i++)
        rc = add_weighted_mean(g, w->mean[i]);
    for (i = 0; rc == NM_OK && i < w->ndom; i++) {
        const domain *d = &w->dom[i];
        if (d->has_decile || d->has_rank)
            rc = national(g, d);
        if (rc == NM_OK && (d->has_rank || d->has_score))
            rc = regional(g, d);
    }
    return rc;
}

nm_status nm_aggregate(nm_store *store, const nm_aggregate_opts *o, nm_aggregate_result *result)
{
    nm_aggregate_result local;
    agg g = {0};
    raw r = {0};
    wanted w;
    nm_status rc = NM_OK;

    nmC_clear(store->ctx);
    if (!result)
        result = &local;
    memset(result, 0, sizeof *result);
    memset(&w, 0, sizeof w);
    g.store = store;
    g.ctx = store->ctx;
    g.o = o;
    g.from = o->from ? o->from : "lsoa";
    if (!o->to)
        return nmC_fail(g.ctx, NM_USAGE, "the level to aggregate to is required (ward, locality, lad)");
    if (strcmp(o->to, g.from) == 0)
        return nmC_fail(g.ctx, NM_USAGE, "cannot aggregate %s areas to %s areas", g.from, o->to);
    if ((size_t)snprintf(g.prefix, sizeof g.prefix, "%s_", o->to) >= sizeof g.prefix)
        return nmC_fail(g.ctx, NM_USAGE, "level name \"%s\" is too long", o->to);
    rc = vintages(&g);
    if (rc == NM_OK)
        rc = read_links(&g, &r);
    if (rc == NM_OK)
        rc = keep_within(&g, &r);
    if (rc == NM_OK)
        rc = make_children(&g, &r);
    if (rc == NM_OK)
        rc = parse_wanted(&g, &w);
    if (rc == NM_OK)
        rc = read_population(&g);
    if (rc == NM_OK)
        rc = compute(&g, &w);
    if (rc == NM_OK && !g.period[0])
        nmC_strlcpy(g.period, o->period ? o->period : "", sizeof g.period);
    if (rc == NM_OK)
        rc = store_series(&g, result);
    if (rc == NM_OK) {
        result->parents = (long)g.np;
        result->children = (long)g.kids->n;
        result->series = g.ns;
        nmC_strlcpy(result->prefix, g.prefix, sizeof result->prefix);
        nmC_strlcpy(result->period, g.period, sizeof result->period);
        nmC_log(g.ctx, NM_LOG_INFO, "%s: %d indicators for %ld %s areas from %ld %s areas, period %s",
               o->to, g.ns, result->parents, o->to, result->children, g.from, g.period);
    }
    raw_free(&r);
    agg_free(&g);
    return rc;
}
