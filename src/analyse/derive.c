/*
 * Derived indicators: an arithmetic expression over stored indicators of
 * one level, code year and period ("(ethnic_group_total - ethnic_group_white)
 * / ethnic_group_total", "age_aged_15_years_and_under / area_ha"), computed
 * for every area that holds a value of any of them and stored like any
 * other indicator, with its inputs' sources and its definition.  A missing
 * input or a division by zero gives a missing value, counted.  Parsing is
 * a small recursive descent over + - * / and brackets.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analyse_int.h"

/* The name an expression uses for each area's land area in hectares. */
#define AREA_HA "area_ha"
#define MAX_INPUTS 16
#define MAX_NODES 128

typedef enum op { OP_NUM, OP_VAR, OP_NEG, OP_ADD, OP_SUB, OP_MUL, OP_DIV } op;

typedef struct node {
    op op;
    double num; /* OP_NUM */
    int var;    /* OP_VAR: index of the input */
    int a, b;   /* operands (node indexes) */
} node;

/* What the parser makes: the tree and the names it refers to. */
typedef struct expr {
    const char *text, *p;
    node nodes[MAX_NODES];
    int nnodes, root;
    char *names[MAX_INPUTS];
    int nnames;
    nm_ctx *ctx;
    nm_status rc;
} expr;

static void skip_space(expr *e)
{
    while (isspace((unsigned char)*e->p))
        e->p++;
}

static int parse_error(expr *e, const char *what)
{
    if (e->rc == NM_OK)
        e->rc = nmC_fail(e->ctx, NM_USAGE, "derive: expression \"%s\", at character %ld: %s",
                        e->text, (long)(e->p - e->text) + 1, what);
    return -1;
}

static int add_node(expr *e, op o, double num, int var, int a, int b)
{
    node *n;

    if (a < 0 || b < -1)
        return -1;
    if (e->nnodes == MAX_NODES)
        return parse_error(e, "the expression is too long");
    n = &e->nodes[e->nnodes];
    n->op = o;
    n->num = num;
    n->var = var;
    n->a = a;
    n->b = b;
    return e->nnodes++;
}

static int name_index(expr *e, const char *name, size_t len)
{
    int i;

    for (i = 0; i < e->nnames; i++)
        if (strlen(e->names[i]) == len && strncmp(e->names[i], name, len) == 0)
            return i;
    if (e->nnames == MAX_INPUTS)
        return parse_error(e, "more than 16 different indicators");
    if (!(e->names[e->nnames] = nm_malloc(len + 1))) {
        e->rc = nmC_fail(e->ctx, NM_NOMEM, "out of memory");
        return -1;
    }
    memcpy(e->names[e->nnames], name, len);
    e->names[e->nnames][len] = '\0';
    return e->nnames++;
}

static int parse_sum(expr *e);

/* number | id | ( sum ) | - primary */
static int parse_primary(expr *e)
{
    const char *start;
    char *end;
    double v;
    int i;

    skip_space(e);
    if (*e->p == '(') {
        e->p++;
        i = parse_sum(e);
        skip_space(e);
        if (i >= 0 && *e->p != ')')
            return parse_error(e, "expected ')'");
        e->p++;
        return i;
    }
    if (*e->p == '-') {
        e->p++;
        return add_node(e, OP_NEG, 0, 0, parse_primary(e), -1);
    }
    if (isdigit((unsigned char)*e->p) || *e->p == '.') {
        v = strtod(e->p, &end);
        if (end == e->p || !isfinite(v))
            return parse_error(e, "expected a number");
        e->p = end;
        return add_node(e, OP_NUM, v, 0, 0, -1);
    }
    if ((*e->p >= 'a' && *e->p <= 'z') || *e->p == '_') {
        start = e->p;
        while ((*e->p >= 'a' && *e->p <= 'z') || (*e->p >= '0' && *e->p <= '9') || *e->p == '_')
            e->p++;
        i = name_index(e, start, (size_t)(e->p - start));
        return i < 0 ? -1 : add_node(e, OP_VAR, 0, i, 0, -1);
    }
    if (*e->p >= 'A' && *e->p <= 'Z')
        return parse_error(e, "indicator ids are lower case");
    return parse_error(e, *e->p ? "expected a number, an indicator id or '('"
                                : "the expression ends too soon");
}

static int parse_product(expr *e)
{
    int a = parse_primary(e);

    for (;;) {
        skip_space(e);
        if (a < 0 || (*e->p != '*' && *e->p != '/'))
            return a;
        op o = *e->p++ == '*' ? OP_MUL : OP_DIV;
        a = add_node(e, o, 0, 0, a, parse_primary(e));
    }
}

static int parse_sum(expr *e)
{
    int a = parse_product(e);

    for (;;) {
        skip_space(e);
        if (a < 0 || (*e->p != '+' && *e->p != '-'))
            return a;
        op o = *e->p++ == '+' ? OP_ADD : OP_SUB;
        a = add_node(e, o, 0, 0, a, parse_product(e));
    }
}

static nm_status parse(nm_ctx *ctx, const char *text, expr *e)
{
    memset(e, 0, sizeof *e);
    e->ctx = ctx;
    e->text = e->p = text;
    e->root = parse_sum(e);
    skip_space(e);
    if (e->rc == NM_OK && *e->p)
        parse_error(e, "expected an operator (+ - * /) or the end");
    if (e->rc == NM_OK && e->nnames == 0)
        e->rc = nmC_fail(ctx, NM_USAGE, "derive: expression \"%s\" names no indicator", text);
    return e->rc;
}

static void expr_free(expr *e)
{
    int i;

    for (i = 0; i < e->nnames; i++)
        nm_free(e->names[i]);
}

/* Evaluates node i for one area; *divzero is set by a division by zero. */
static double eval(const expr *e, int i, const double *in, int *divzero)
{
    const node *n = &e->nodes[i];
    double a, b;

    switch (n->op) {
    case OP_NUM: return n->num;
    case OP_VAR: return in[n->var];
    case OP_NEG: return -eval(e, n->a, in, divzero);
    default: break;
    }
    a = eval(e, n->a, in, divzero);
    b = eval(e, n->b, in, divzero);
    switch (n->op) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    default:
        if (b == 0 && !isnan(a)) {
            *divzero = 1;
            return NAN;
        }
        return a / b;
    }
}

/* ---- inputs ------------------------------------------------------------- */

/* One input of the expression: a stored indicator, or the areas' land. */
typedef struct input {
    nmS_ind ind;      /* unused for area_ha */
    int is_area;
    nmS_vtable values; /* every value, in code order */
} input;

/* Every land area of a level and code year, in hectares, code order. */
static nm_status read_area_ha(nm_store *store, const char *level, int vintage, nmS_vtable *t)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(store,
                                    "SELECT code, ST_Area(geom) / 10000.0 FROM area WHERE level = ? "
                                    "AND vintage = ? AND geom IS NOT NULL ORDER BY code",
                                    &st);
    int s;

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, vintage);
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (nmS_vtable_add(t, (const char *)sqlite3_column_text(st, 0), sqlite3_column_double(st, 1)))
            break;
    if (t->failed)
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    else if (s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "reading the areas' land");
    sqlite3_finalize(st);
    return rc;
}

/* Finds every named indicator and checks that they describe the same
 * areas (level and code year) and period. */
static nm_status find_inputs(nm_store *store, const nm_derive_opts *o, const expr *e,
                             input *in, nm_derive_result *r)
{
    nm_status rc = NM_OK;
    const char *first = NULL;
    int i;

    for (i = 0; rc == NM_OK && i < e->nnames; i++) {
        if (strcmp(e->names[i], AREA_HA) == 0) {
            in[i].is_area = 1;
            continue;
        }
        if (strcmp(e->names[i], o->id) == 0) {
            rc = nmC_fail(store->ctx, NM_USAGE, "derive: %s is defined by itself", o->id);
            break;
        }
        rc = nmS_store_find_indicator(store, e->names[i], o->period ? o->period : r->period[0] ? r->period : NULL,
                                     &in[i].ind);
        if (rc == NM_NOTFOUND) {
            char why[512];
            nmC_strlcpy(why, nm_errmsg(store->ctx), sizeof why);
            rc = nmC_fail(store->ctx, NM_USAGE, "derive: %s", why);
        }
        if (rc != NM_OK)
            break;
        if (!first) {
            first = e->names[i];
            nmC_strlcpy(r->period, in[i].ind.period, sizeof r->period);
            nmC_strlcpy(r->level, in[i].ind.level, sizeof r->level);
            r->vintage = in[i].ind.vintage;
        } else if (strcmp(in[i].ind.level, r->level) != 0 || in[i].ind.vintage != r->vintage) {
            rc = nmC_fail(store->ctx, NM_USAGE,
                         "derive: %s is on %s codes of %d but %s on %s codes of %d: an expression "
                         "combines indicators of the same areas",
                         first, r->level, r->vintage, e->names[i], in[i].ind.level,
                         in[i].ind.vintage);
        }
    }
    if (rc == NM_OK && !first)
        rc = nmC_fail(store->ctx, NM_USAGE, "derive: \"%s\" names no stored indicator besides %s",
                     o->expression, AREA_HA);
    return rc;
}

static nm_status read_inputs(nm_store *store, const expr *e, input *in, nm_derive_result *r)
{
    nm_status rc = NM_OK;
    int i;

    for (i = 0; rc == NM_OK && i < e->nnames; i++) {
        rc = in[i].is_area ? read_area_ha(store, r->level, r->vintage, &in[i].values)
                           : nmS_store_each_value(store, &in[i].ind, nmS_vtable_add, &in[i].values);
        if (rc == NM_OK && in[i].values.failed)
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    return rc;
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The areas of the result: every code any indicator input holds a value
 * for (the land alone does not make an area a member), sorted, once. */
static nm_status union_codes(nm_ctx *ctx, const expr *e, const input *in, char ***codes,
                             size_t *n)
{
    size_t total = 0, k = 0, m = 0;
    int i;

    for (i = 0; i < e->nnames; i++)
        if (!in[i].is_area)
            total += in[i].values.n;
    *codes = nm_malloc((total ? total : 1) * sizeof **codes);
    if (!*codes)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < e->nnames; i++)
        if (!in[i].is_area)
            for (size_t j = 0; j < in[i].values.n; j++)
                (*codes)[k++] = in[i].values.code[j];
    qsort(*codes, k, sizeof **codes, cmp_code);
    for (size_t j = 0; j < k; j++)
        if (m == 0 || strcmp((*codes)[m - 1], (*codes)[j]) != 0)
            (*codes)[m++] = (*codes)[j];
    *n = m;
    return NM_OK;
}

/* "derived: EXPR, where a = label (period); land from the boundaries" */
static char *definition(const nm_derive_opts *o, const expr *e, const input *in)
{
    nmC_buf b = {0};
    int i, any = 0;

    nmC_buf_addf(&b, "derived: %s", o->expression);
    for (i = 0; i < e->nnames; i++) {
        if (in[i].is_area)
            nmC_buf_addf(&b, "%s%s = land area of the area in hectares, from its boundary",
                        any++ ? "; " : ", where ", AREA_HA);
        else
            nmC_buf_addf(&b, "%s%s = %s (%s)", any++ ? "; " : ", where ", e->names[i],
                        in[i].ind.label, in[i].ind.period);
    }
    return nmC_buf_take(&b);
}

/* The inputs' sources, each once. */
static char *sources(const expr *e, const input *in)
{
    nmC_buf b = {0};
    int i, j;

    for (i = 0; i < e->nnames; i++) {
        const char *s = in[i].is_area ? NULL : in[i].ind.source;
        int seen = 0;
        if (!s || !*s)
            continue;
        for (j = 0; j < i; j++)
            seen = seen || (!in[j].is_area && in[j].ind.source && strcmp(in[j].ind.source, s) == 0);
        if (!seen)
            nmC_buf_addf(&b, "%s%s", b.len ? " " : "", s);
    }
    if (!b.data)
        nmC_buf_addf(&b, "%s", "");
    return nmC_buf_take(&b);
}

static nm_status compute_and_store(nm_store *store, const nm_derive_opts *o, const expr *e,
                                   const input *in, nm_derive_result *r)
{
    char **codes = NULL, *def = NULL, *src = NULL;
    double *values = NULL, args[MAX_INPUTS];
    size_t n = 0, i;
    nm_status rc = union_codes(store->ctx, e, in, &codes, &n);
    int k;

    if (rc == NM_OK && !(values = nm_malloc((n ? n : 1) * sizeof *values)))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    for (i = 0; rc == NM_OK && i < n; i++) {
        int missing = 0, divzero = 0;
        for (k = 0; k < e->nnames; k++) {
            long at = nmS_vtable_find(&in[k].values, codes[i]);
            args[k] = at >= 0 ? in[k].values.value[at] : NAN;
            missing = missing || isnan(args[k]);
        }
        values[i] = missing ? NAN : eval(e, e->root, args, &divzero);
        if (!missing && !divzero && !isfinite(values[i]))
            values[i] = NAN, divzero = 1;
        r->missing += missing;
        r->divzero += divzero;
    }
    r->areas = (long)n;
    if (rc == NM_OK && r->missing + r->divzero == (long)n)
        rc = nmC_fail(store->ctx, NM_BADDATA,
                     "derive: %s: no area has a value (%ld lack an input, %ld divide by zero); "
                     "nothing stored",
                     o->id, r->missing, r->divzero);
    def = rc == NM_OK ? definition(o, e, in) : NULL;
    src = rc == NM_OK ? sources(e, in) : NULL;
    if (rc == NM_OK && (!def || !src))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK) {
        nmS_series s = {o->id, o->label ? o->label : o->expression, o->unit ? o->unit : "value",
                       o->polarity, values};
        nmS_batch b = {0};
        b.level = r->level;
        b.vintage = r->vintage;
        b.period = r->period;
        b.kind = "derived";
        b.description = def;
        b.attribution = src;
        b.codes = codes;
        b.n = n;
        b.series = &s;
        b.nseries = 1;
        rc = nmS_store_begin(store);
        if (rc == NM_OK)
            rc = nmS_store_put_batch(store, &b);
        if (rc == NM_OK)
            rc = nmS_store_commit(store);
        else
            nmS_store_rollback(store);
        r->stored = b.stored;
    }
    nm_free(codes); /* the strings belong to the inputs' tables */
    nm_free(values);
    nm_free(def);
    nm_free(src);
    return rc;
}

nm_status nm_derive(nm_store *store, const nm_derive_opts *o, nm_derive_result *r)
{
    nm_ctx *ctx = nm_store_ctx(store);
    nm_derive_result local;
    input in[MAX_INPUTS];
    expr e;
    nm_status rc;
    int i;

    nmC_clear(ctx);
    if (!r)
        r = &local;
    memset(r, 0, sizeof *r);
    memset(in, 0, sizeof in);
    memset(&e, 0, sizeof e);
    if (!o->id || !o->expression)
        return nmC_fail(ctx, NM_USAGE, "derive: an id and an expression are required");
    for (const char *p = o->id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return nmC_fail(ctx, NM_USAGE, "derive: the id \"%s\" may hold only a-z, 0-9 and _",
                           o->id);
    if (strlen(o->id) > 63 || !*o->id)
        return nmC_fail(ctx, NM_USAGE, "derive: the id must have 1 to 63 characters");
    rc = parse(ctx, o->expression, &e);
    if (rc == NM_OK)
        rc = find_inputs(store, o, &e, in, r);
    if (rc == NM_OK)
        rc = read_inputs(store, &e, in, r);
    if (rc == NM_OK)
        rc = compute_and_store(store, o, &e, in, r);
    for (i = 0; i < MAX_INPUTS; i++) {
        nmS_ind_clear(&in[i].ind);
        nmS_vtable_free(&in[i].values);
    }
    expr_free(&e);
    return rc;
}
