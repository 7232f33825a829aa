/*
 * Generic tables keyed by area code (one indicator per numeric column) and
 * lookups between levels (ONS LSOA to ward, LSOA 2001 to 2011, ward to
 * region).  Both read through table.c and refuse a file with any bad row.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/values_int.h"

/* Returns 1 when 'name' is in the comma-separated list 'list'. */
static int in_list(const char *list, const char *name)
{
    const char *p = list;
    size_t n = strlen(name);

    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncasecmp(p, name, n) == 0)
            return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

/* Checks that every name in 'list' is a heading of t. */
static nm_status check_columns_exist(nm_ctx *ctx, nmI_table *t, const char *path, const char *list)
{
    const char *p = list;
    char name[256];

    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len >= sizeof name)
            len = sizeof name - 1;
        memcpy(name, p, len);
        name[len] = '\0';
        if (nmI_table_find(t, name) < 0) {
            char *all = nmI_table_headings_text(t);
            nm_status rc = nmC_fail(ctx, NM_USAGE, "%s: no column \"%s\"; the columns are %s", path,
                                   name, all ? all : "");
            nm_free(all);
            return rc;
        }
        p = comma ? comma + 1 : NULL;
    }
    return NM_OK;
}

/* Without --columns, a column holds values when any of its first 100
 * non-empty cells is a number and its heading is not an ONS code heading:
 * "one indicator per numeric column".  The whole column is then held to
 * that, so a stray "n/a" is an error rather than a reason to drop the
 * column (--columns settles any doubt). */
#define SNIFF_ROWS 100

static nm_status sniff_numeric(nm_ctx *ctx, nmI_table *t, int **numeric)
{
    int n = nmI_table_ncols(t), *good = NULL, *seen = NULL, i, row, got = 1;
    nm_status rc = NM_OK;
    double v;

    *numeric = NULL;
    good = nm_calloc((size_t)n + 1, sizeof *good);
    seen = nm_calloc((size_t)n + 1, sizeof *seen);
    if (!good || !seen) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (row = 0; row < SNIFF_ROWS && (got = nmI_table_next(t)) == 1; row++)
        for (i = 0; i < n; i++) {
            const char *s = nmI_table_cell(t, i);
            if (!*s)
                continue;
            seen[i]++;
            good[i] += nmC_parse_double(s, &v);
        }
    if (got < 0) {
        rc = nm_errcode(ctx);
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        const char *level;
        int vintage;
        good[i] = good[i] > 0 && !nm_ons_code_heading(nmI_table_heading(t, i), &level, &vintage);
    }
    nmI_table_rewind(t);
    *numeric = good;
    good = NULL;

cleanup:
    nm_free(good);
    nm_free(seen);
    return rc;
}

static nm_status pick_columns(nm_ctx *ctx, nmI_table *t, const nm_indicators_opts *o, int key_col,
                              nmI_values_job *job)
{
    int i, *numeric = NULL;
    nm_status rc = NM_OK;

    job->cols = nm_calloc((size_t)nmI_table_ncols(t) + 1, sizeof *job->cols);
    if (!job->cols)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    if (!o->columns && (rc = sniff_numeric(ctx, t, &numeric)) != NM_OK)
        return rc;
    for (i = 0; i < nmI_table_ncols(t); i++) {
        const char *h = nmI_table_heading(t, i);
        nmI_colspec *c = &job->cols[job->ncols];
        if (i == key_col)
            continue;
        if (o->columns ? !in_list(o->columns, h) : !numeric[i])
            continue;
        c->col = i;
        c->key = nmI_make_key(h);
        c->label = nm_strdup(h);
        c->unit = "value";
        c->polarity = 0;
        job->ncols++;
        if (!c->key || !c->label) {
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
            break;
        }
        if (!*c->key) {
            rc = nmC_fail(ctx, NM_USAGE, "%s: column \"%s\" has no letters or digits to make an id",
                         o->in.path, h);
            break;
        }
    }
    nm_free(numeric);
    if (rc == NM_OK && job->ncols == 0)
        rc = nmC_fail(ctx, NM_BADDATA, "%s: no column of numbers besides the key \"%s\"",
                     o->in.path, nmI_table_heading(t, key_col));
    return rc;
}

/* Level and vintage of the keyed codes: given, or from the heading; the
 * level else from the first code.  A vintage neither given nor named is
 * left to the codes themselves (values.c: the stored vintage they match
 * best), 2011 (the codes of the IoD 2015 and 2019) when nothing is
 * stored. */
static nm_status key_level(nm_ctx *ctx, nmI_table *t, const nm_indicators_opts *o, int key_col,
                           nmI_values_job *job)
{
    const char *level = NULL;
    int vintage = 0;

    nm_ons_code_heading(nmI_table_heading(t, key_col), &level, &vintage);
    if (o->level)
        level = o->level;
    if (o->vintage)
        vintage = o->vintage;
    if (!level) {
        /* the first code says: E01... is an LSOA, E05... a ward */
        int rows = 0, got = 0;
        while (!level && (got = nmI_table_next(t)) == 1 && ++rows)
            if (*nmI_table_cell(t, key_col))
                level = nmI_level_of_code(nmI_table_cell(t, key_col));
        nmI_table_rewind(t);
        if (got < 0)
            return nm_errcode(ctx);
        if (rows == 0)
            return nmC_fail(ctx, NM_BADDATA, "%s: no rows below the headings", o->in.path);
    }
    if (!level)
        return nmC_fail(ctx, NM_USAGE,
                       "%s: cannot tell the level of the codes in \"%s\"; give --level", o->in.path,
                       nmI_table_heading(t, key_col));
    if (!nmI_level_valid(level))
        return nmI_level_unknown(ctx, level);
    job->level = level;
    job->vintage = vintage;
    job->vintage_default = 2011;
    return NM_OK;
}

nm_status nm_import_indicators(nm_store *store, const nm_indicators_opts *opts,
                               nm_import_result *result)
{
    nm_ctx *ctx = nm_store_ctx(store);
    nmI_values_job job = {0};
    nm_import_result local = {0};
    nmI_table *t = NULL;
    char *attribution = NULL;
    nm_status rc;
    int key_col;

    nmC_clear(ctx);
    if (!result)
        result = &local;
    memset(result, 0, sizeof *result);
    if (!opts->period)
        return nmC_fail(ctx, NM_USAGE, "--period is required (e.g. 2019, or 2018-01..2018-07)");
    rc = nmI_table_open(ctx, opts->in.path, NULL, NULL, &t);
    if (rc != NM_OK)
        goto cleanup;
    key_col = nmI_table_find(t, opts->key);
    if (key_col < 0) {
        char *all = nmI_table_headings_text(t);
        rc = nmC_fail(ctx, NM_USAGE, "%s: no key column \"%s\"; the columns are %s", opts->in.path,
                     opts->key, all ? all : "");
        nm_free(all);
        goto cleanup;
    }
    if (opts->columns)
        rc = check_columns_exist(ctx, t, opts->in.path, opts->columns);
    if (rc == NM_OK)
        rc = key_level(ctx, t, opts, key_col, &job);
    if (rc == NM_OK)
        rc = pick_columns(ctx, t, opts, key_col, &job);
    if (rc != NM_OK)
        goto cleanup;
    attribution = nm_strdup(opts->source ? opts->source : nmC_basename(opts->in.path));
    job.table = t;
    job.path = opts->in.path;
    job.key_col = key_col;
    job.period = opts->period;
    job.kind = "indicators";
    job.attribution = attribution;
    job.strict = opts->in.strict;
    rc = nmI_values_import(store, &job, result);

cleanup:
    nmI_colspecs_free(job.cols, job.ncols);
    nm_free(attribution);
    nmI_table_close(t);
    return rc;
}

/* ---- lookups ---------------------------------------------------------- */

typedef struct pair {
    char *child, *parent, *pname;
    long line;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *p = a, *q = b;
    int c = strcmp(p->child, q->child);
    if (!c)
        c = strcmp(p->parent, q->parent);
    return c ? c : (p->line > q->line) - (p->line < q->line);
}

static void pairs_free(pair *pairs, long n)
{
    long i;
    for (i = 0; pairs && i < n; i++) {
        nm_free(pairs[i].child);
        nm_free(pairs[i].parent);
        nm_free(pairs[i].pname);
    }
    nm_free(pairs);
}

typedef struct lookup_cols {
    int child, parent, pname;
    const char *child_level, *parent_level;
    int child_vintage, parent_vintage;
} lookup_cols;

static nm_status lookup_columns(nm_ctx *ctx, nmI_table *t, const nm_lookup_opts *o, lookup_cols *lc)
{
    const char *level = NULL;
    int vintage = 0, i;

    lc->child = nmI_table_find(t, o->child);
    lc->parent = nmI_table_find(t, o->parent);
    if (lc->child < 0 || lc->parent < 0) {
        char *all = nmI_table_headings_text(t);
        nm_status rc = nmC_fail(ctx, NM_USAGE, "%s: no column \"%s\"; the columns are %s",
                               o->in.path, lc->child < 0 ? o->child : o->parent, all ? all : "");
        nm_free(all);
        return rc;
    }
    lc->pname = -1;
    for (i = 0; i < nmI_table_ncols(t); i++)
        if (nmI_ons_is_name_for(nmI_table_heading(t, lc->parent), nmI_table_heading(t, i)))
            lc->pname = i;
    nm_ons_code_heading(nmI_table_heading(t, lc->child), &level, &vintage);
    lc->child_level = o->child_level ? o->child_level : level;
    lc->child_vintage = o->child_vintage ? o->child_vintage : vintage;
    level = NULL;
    vintage = 0;
    nm_ons_code_heading(nmI_table_heading(t, lc->parent), &level, &vintage);
    lc->parent_level = o->parent_level;
    lc->parent_vintage = o->parent_vintage ? o->parent_vintage : vintage;
    if (!lc->child_level)
        return nmC_fail(ctx, NM_USAGE, "%s: cannot tell the level of \"%s\"; give --child-level",
                       o->in.path, o->child);
    if (!nmI_level_valid(lc->child_level) || !nmI_level_valid(lc->parent_level))
        return nmI_level_unknown(ctx, nmI_level_valid(lc->child_level) ? lc->parent_level
                                                                     : lc->child_level);
    if (!lc->child_vintage || !lc->parent_vintage)
        return nmC_fail(ctx, NM_USAGE, "%s: cannot tell the year of the %s codes; give --%s-vintage",
                       o->in.path, lc->child_vintage ? "parent" : "child",
                       lc->child_vintage ? "parent" : "child");
    return NM_OK;
}

static nm_status read_pairs(nm_ctx *ctx, nmI_table *t, const nm_lookup_opts *o,
                            const lookup_cols *lc, pair **out, long *nout)
{
    nmC_diag *d = nmC_diag_new(ctx, o->in.path), *orphans = nmC_diag_new(ctx, o->in.path);
    pair *pairs = NULL;
    long n = 0, cap = 0, i, w;
    nm_status rc = NM_OK;
    int got;

    if (!d || !orphans) {
        nmC_diag_free(d);
        nmC_diag_free(orphans);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    while ((got = nmI_table_next(t)) == 1) {
        const char *c = nmI_table_cell(t, lc->child), *p = nmI_table_cell(t, lc->parent);
        long line = nmI_table_line(t);
        if (!nmI_table_row_utf8(t))
            nmC_diag_add(d, "utf8", line, "text is not UTF-8; save the file as CSV UTF-8");
        if (!*c) {
            nmC_diag_add(d, "empty", line, "no child code in column \"%s\"", o->child);
            continue;
        }
        if (!*p) {
            /* a unitary authority has no county: a row to count, not an
               error */
            nmC_diag_add(orphans, "noparent", line,
                        "\"%s\" has no parent code in column \"%s\"; left without a %s", c,
                        o->parent, lc->parent_level);
            continue;
        }
        if (n == cap) {
            pair *np = nm_realloc(pairs, (size_t)(cap = cap ? cap * 2 : 4096) * sizeof *np);
            if (!np) {
                rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
                goto cleanup;
            }
            pairs = np;
        }
        pairs[n].child = nm_strdup(c);
        pairs[n].parent = nm_strdup(p);
        pairs[n].pname = lc->pname >= 0 && *nmI_table_cell(t, lc->pname)
                             ? nm_strdup(nmI_table_cell(t, lc->pname))
                             : NULL;
        pairs[n].line = line;
        if (!pairs[n].child || !pairs[n].parent) {
            n++;
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
            goto cleanup;
        }
        n++;
    }
    if (got < 0) {
        rc = nm_errcode(ctx);
        goto cleanup;
    }
    if (n == 0 && nmC_diag_count(d) == 0) {
        rc = nmC_fail(ctx, NM_BADDATA, "%s: no rows below the headings", o->in.path);
        goto cleanup;
    }
    qsort(pairs, (size_t)n, sizeof *pairs, cmp_pair);
    /* a pair repeated (a LAD on every row of its wards) is one membership */
    for (i = w = (n > 0); i < n; i++) {
        if (strcmp(pairs[i].child, pairs[w - 1].child) == 0 &&
            strcmp(pairs[i].parent, pairs[w - 1].parent) == 0) {
            nm_free(pairs[i].child);
            nm_free(pairs[i].parent);
            nm_free(pairs[i].pname);
        } else {
            pairs[w++] = pairs[i];
        }
    }
    n = w;
    rc = nmC_diag_report(d, NM_LOG_ERROR, NM_BADDATA, "nothing was stored");
    if (rc == NM_OK && nmC_diag_count(orphans) > 0) {
        nmC_diag_report(orphans, NM_LOG_WARN, NM_OK, NULL);
        nmC_log(ctx, NM_LOG_WARN, "%s: %ld rows without a parent code were left out", o->in.path,
               nmC_diag_count(orphans));
    }

cleanup:
    nmC_diag_free(d);
    nmC_diag_free(orphans);
    if (rc != NM_OK) {
        pairs_free(pairs, n);
        return rc;
    }
    *out = pairs;
    *nout = n;
    return NM_OK;
}

/* Writes the memberships; a child listed under k parents (an LSOA split
 * between 2001 and 2011) gets weight 1/k for each. */
static nm_status write_pairs(nm_store *store, const lookup_cols *lc, const pair *pairs, long n,
                             long dataset)
{
    nmI_members m = {0};
    nm_status rc;
    long i, j, k;

    m.child_level = lc->child_level;
    m.child_vintage = lc->child_vintage;
    m.parent_level = lc->parent_level;
    m.parent_vintage = lc->parent_vintage;
    m.dataset = dataset;
    rc = nmI_members_open(store, &m);
    for (i = 0; rc == NM_OK && i < n; i = j) {
        for (j = i + 1; j < n && strcmp(pairs[j].child, pairs[i].child) == 0; j++)
            ;
        rc = nmI_members_clear(&m, pairs[i].child);
        for (k = i; rc == NM_OK && k < j; k++)
            rc = nmI_members_add(&m, pairs[k].child, pairs[k].parent, 1.0 / (double)(j - i),
                                pairs[k].pname);
    }
    nmI_members_close(&m);
    return rc;
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The parents are checked against the stored areas of their level and
 * year as the children are: a WD19 lookup into a store of 2013 wards says
 * at once that no ward of 2019 has a boundary, instead of aggregate
 * finding no wards later. */
static nm_status check_parents(nm_store *store, const nm_lookup_opts *o, const lookup_cols *lc,
                               const pair *pairs, long n)
{
    char **codes = nm_malloc((size_t)(n ? n : 1) * sizeof *codes);
    long i, unmatched = 0;
    nm_status rc;

    if (!codes)
        return nmC_fail(nm_store_ctx(store), NM_NOMEM, "out of memory");
    for (i = 0; i < n; i++)
        codes[i] = pairs[i].parent;
    qsort(codes, (size_t)n, sizeof *codes, cmp_code);
    rc = nmI_check_unmatched(store, o->in.path, "parent codes", codes, n, lc->parent_level,
                            lc->parent_vintage, 1, o->in.strict,
                            "their memberships are kept, but lead to no stored area", &unmatched);
    nm_free(codes);
    return rc;
}

nm_status nm_import_lookup(nm_store *store, const nm_lookup_opts *opts, nm_import_result *result)
{
    nm_ctx *ctx = nm_store_ctx(store);
    nm_import_result local = {0};
    lookup_cols lc = {0};
    nmI_table *t = NULL;
    pair *pairs = NULL;
    char **codes = NULL;
    long n = 0, i, dataset = 0;
    nm_status rc;

    nmC_clear(ctx);
    if (!result)
        result = &local;
    memset(result, 0, sizeof *result);
    rc = nmI_table_open(ctx, opts->in.path, NULL, NULL, &t);
    if (rc == NM_OK)
        rc = lookup_columns(ctx, t, opts, &lc);
    if (rc == NM_OK)
        rc = read_pairs(ctx, t, opts, &lc, &pairs, &n);
    if (rc != NM_OK)
        goto cleanup;
    result->rows = n;
    codes = nm_malloc((size_t)(n ? n : 1) * sizeof *codes);
    if (!codes) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < n; i++)
        codes[i] = pairs[i].child;
    rc = nmS_store_begin(store);
    if (rc == NM_OK)
        rc = nmS_store_add_dataset(store, "lookup", opts->in.path, NM_ATTR_ONS_LOOKUP, &dataset);
    if (rc == NM_OK)
        rc = write_pairs(store, &lc, pairs, n, dataset);
    if (rc == NM_OK)
        rc = nmS_store_set_dataset_rows(store, dataset, n);
    if (rc == NM_OK)
        rc = nmI_check_unmatched(store, opts->in.path, "child codes", codes, n, lc.child_level,
                                lc.child_vintage, 1, opts->in.strict,
                                "their memberships are kept for aggregation",
                                &result->unmatched);
    if (rc == NM_OK)
        rc = check_parents(store, opts, &lc, pairs, n);
    if (rc == NM_OK)
        rc = nmS_store_commit(store);
    else
        nmS_store_rollback(store);
    result->stored = rc == NM_OK ? n : 0;
    result->dataset = dataset;

cleanup:
    nm_free(codes);
    pairs_free(pairs, n);
    nmI_table_close(t);
    return rc;
}
