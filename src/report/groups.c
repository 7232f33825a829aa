/*
 * The figures of wards and groups of wards for summaries and comparisons.
 * Ward values are the stored aggregates (nm_aggregate) and incident counts
 * (nm_count_incidents); a group's are recomputed from its wards (sums,
 * shares of the summed LSOAs, population-weighted means, rates of the
 * summed counts), so a locality, the borough and the wards in one table
 * agree; England's come from every LSOA value stored.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/groups_int.h"
#include "store/store_int.h"
#include "report/report_int.h"
#include "report/summary_int.h"

static const char *const default_ids[] = {"pop_total",        "pop_0_15",         "lsoas",
                                          "imd_nat10_share",  "imd_nat20_share",  "imd_nat10_people",
                                          "imd_nat20_people", "imd_score_pw"};

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n > t && strcmp(s + n - t, tail) == 0;
}

/* ---- columns --------------------------------------------------------------- */

typedef struct finder {
    const char *want; /* id to find, or NULL to list incident sets */
    int found;
    char **sets;      /* incident set prefixes (list mode) */
    int nsets, failed;
} finder;

static int find_one(void *user, const nm_indicator_info *info)
{
    finder *f = user;

    if (f->want) {
        f->found |= strcmp(info->id, f->want) == 0;
        return f->found;
    }
    if (ends_with(info->id, "_suppressed")) {
        size_t n = strlen(info->id) - strlen("_suppressed");
        char **p = nm_realloc(f->sets, (size_t)(f->nsets + 1) * sizeof *p);
        char *s = nm_malloc(n + 1);
        if (!p || !s) {
            nm_free(s);
            if (p)
                f->sets = p;
            f->failed = 1;
            return 1;
        }
        f->sets = p;
        memcpy(s, info->id, n);
        s[n] = '\0';
        /* one entry per set, whatever its periods */
        for (int i = 0; i < f->nsets; i++)
            if (strcmp(f->sets[i], s) == 0) {
                nm_free(s);
                return 0;
            }
        f->sets[f->nsets++] = s;
    }
    return 0;
}

/* Whether an indicator "<prefix>_suppressed" of wards exists. */
static int is_incident_set(nm_store *store, const char *prefix, size_t n)
{
    char key[96];
    finder f = {key, 0, NULL, 0, 0};

    if (n + sizeof "_suppressed" > sizeof key)
        return 0;
    snprintf(key, sizeof key, "%.*s_suppressed", (int)n, prefix);
    nm_store_indicators(store, key, "ward", find_one, &f);
    return f.found;
}

static nm_status add_col(nm_ctx *ctx, gr_set *s, const char *id, size_t n, int rate)
{
    gr_col *p = nm_realloc(s->col, (size_t)(s->ncol + 1) * sizeof *p);

    if (!p)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    s->col = p;
    memset(&s->col[s->ncol], 0, sizeof *s->col);
    if (!(s->col[s->ncol].id = nm_malloc(n + 1)))
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    memcpy(s->col[s->ncol].id, id, n);
    s->col[s->ncol].id[n] = '\0';
    s->col[s->ncol].rate = rate;
    s->ncol++;
    return NM_OK;
}

/* The rows of two releases side by side, in place of the one release's
 * national shares. */
static nm_status add_since_cols(nm_ctx *ctx, gr_set *s)
{
    static const char *const ids[] = {"since_nat10_then", "since_nat10_now", "since_nat20_then",
                                      "since_nat20_now",  "since_worse",     "since_better"};
    nm_status rc = NM_OK;

    for (int k = 0; rc == NM_OK && k < 6; k++)
        if ((rc = add_col(ctx, s, ids[k], strlen(ids[k]), 0)) == NM_OK)
            s->col[s->ncol - 1].since = GR_SINCE_THEN10 + k;
    return rc;
}

static nm_status choose_cols(nm_store *store, const char *indicators, gr_set *s)
{
    nm_ctx *ctx = nm_store_ctx(store);
    nm_status rc = NM_OK;
    size_t i;

    if (!indicators) {
        finder f = {NULL, 0, NULL, 0, 0};
        for (i = 0; rc == NM_OK && i < sizeof default_ids / sizeof default_ids[0]; i++) {
            const char *id = default_ids[i];
            if (s->since[0] && strcmp(id, "imd_nat10_share") == 0)
                rc = add_since_cols(ctx, s);
            else if (!s->since[0] || strcmp(id, "imd_nat20_share") != 0)
                rc = add_col(ctx, s, id, strlen(id), 0);
        }
        if (rc == NM_OK)
            rc = nm_store_indicators(store, NULL, "ward", find_one, &f);
        if (rc == NM_OK && f.failed)
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        for (int k = 0; k < f.nsets; k++) {
            if (rc == NM_OK)
                rc = add_col(ctx, s, f.sets[k], strlen(f.sets[k]), 1);
            nm_free(f.sets[k]);
        }
        nm_free(f.sets);
        return rc;
    }
    for (const char *p = indicators; rc == NM_OK && *p;) {
        size_t len = strcspn(p, ","), cut = len;
        int rate;
        if (len == 0)
            return nmC_fail(ctx, NM_USAGE, "--indicators: an empty id in \"%s\"", indicators);
        /* an incident set by its name, or by one of its figures */
        if (len > 5 && strncmp(p + len - 5, "_rate", 5) == 0)
            cut = len - 5;
        else if (len > 6 && strncmp(p + len - 6, "_count", 6) == 0)
            cut = len - 6;
        rate = is_incident_set(store, p, cut);
        if (!rate)
            cut = len;
        rc = add_col(ctx, s, p, cut, rate);
        p += len + (p[len] == ',');
    }
    if (rc == NM_OK && s->since[0])
        rc = add_since_cols(ctx, s);
    return rc;
}

/* The set's name from its rate's label: "Incidents (Violence and sexual
 * offences), rate per 1,000" -> "Violence and sexual offences". */
static char *set_label(const char *label, const char *id)
{
    const char *open = label ? strstr(label, "Incidents (") : NULL, *close;
    nmC_buf b = {0};

    if (open && (close = strstr(open, "),")) != NULL)
        nmC_buf_add(&b, open + 11, (size_t)(close - open - 11));
    else if (label && strncmp(label, "Incidents", 9) != 0)
        nmC_buf_addf(&b, "%s", label);
    else
        nmC_buf_addf(&b, "%s incidents", id);
    return nmC_buf_take(&b);
}

static char *short_label(const gr_col *c, const char *label)
{
    static const struct {
        const char *id, *label;
    } names[] = {{"pop_total", "Population"},
                 {"pop_0_15", "Children aged 0-15"},
                 {"lsoas", "LSOAs"}};

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(c->id, names[i].id) == 0)
            return nm_strdup(names[i].label);
    return nm_strdup(label && *label ? label : c->id);
}

/* ---- ward values ----------------------------------------------------------- */

static int is_sum(const gr_col *c)
{
    return strcmp(c->unit, "people") == 0 || strcmp(c->unit, "count") == 0 ||
           strncmp(c->id, "pop_", 4) == 0 || strcmp(c->id, "lsoas") == 0 ||
           ends_with(c->id, "_lsoas") || ends_with(c->id, "_people") ||
           ends_with(c->id, "_children");
}

/* Reads 'key' for every ward into a fresh array (NAN where missing);
 * *out NULL when the indicator does not exist and 'optional'. */
static nm_status read_key(nm_store *store, const gr_set *s, const char *key, const char *period,
                          int optional, nm_values *v)
{
    nm_status rc = nm_values_read(store, s->wards, key, period, NM_RANK_NONE, v);

    if (rc == NM_NOTFOUND && optional) {
        nmC_clear(nm_store_ctx(store));
        memset(v, 0, sizeof *v);
        return NM_OK;
    }
    return rc;
}

static double at(const nm_values *v, size_t i)
{
    return v->value ? v->value[i] : NAN;
}

static nm_status read_rate(nm_store *store, gr_set *s, int c, const double *pop)
{
    gr_col *col = &s->col[c];
    static const char *const parts[] = {"_count", "_rate", "_rate_lo", "_rate_hi", "_suppressed"};
    nm_values v[5];
    char key[96];
    nm_status rc = NM_OK;
    size_t i;
    int k;

    memset(v, 0, sizeof v);
    for (k = 0; rc == NM_OK && k < 5; k++) {
        snprintf(key, sizeof key, "%s%s", col->id, parts[k]);
        rc = read_key(store, s, key, NULL, k != 0 && k != 4, &v[k]);
    }
    if (rc == NM_OK) {
        const nm_values *lab = v[1].value ? &v[1] : &v[0];
        col->label = set_label(lab->label, col->id);
        col->source = nm_strdup(v[0].source ? v[0].source : "");
        nmC_strlcpy(col->period, v[0].period, sizeof col->period);
        nmC_strlcpy(col->unit, v[1].value ? "rate" : "count", sizeof col->unit);
        col->chart = 1;
        if (!col->label || !col->source)
            rc = nmC_fail(nm_store_ctx(store), NM_NOMEM, "out of memory");
    }
    for (i = 0; rc == NM_OK && i < nm_areas_count(s->wards); i++) {
        gr_cell *x = &s->ward[i].cell[c];
        double sup = at(&v[4], i);
        x->count = at(&v[0], i);
        x->v = v[1].value ? at(&v[1], i) : x->count;
        x->lo = at(&v[2], i);
        x->hi = at(&v[3], i);
        x->suppressed = !isnan(sup) && sup != 0;
        if (x->suppressed)
            s->suppress_note++;
        x->num = x->count;
        /* the denominator the rate was computed on */
        x->den = v[1].value && x->v > 0 && !isnan(x->count) ? x->count * 1000 / x->v : pop[i];
    }
    for (k = 0; k < 5; k++)
        nm_values_clear(&v[k]);
    return rc;
}

static nm_status read_value(nm_store *store, gr_set *s, int c, const char *period,
                            const double *pop, const double *lsoas)
{
    gr_col *col = &s->col[c];
    nm_values v = {0};
    nm_status rc;
    size_t i;

    rc = nm_values_read(store, s->wards, col->id, period, NM_RANK_NONE, &v);
    if (rc == NM_NOTFOUND && period) {
        /* an indicator of another release than the index */
        nmC_clear(nm_store_ctx(store));
        rc = nm_values_read(store, s->wards, col->id, NULL, NM_RANK_NONE, &v);
    }
    if (rc != NM_OK)
        goto cleanup;
    nmC_strlcpy(col->unit, v.unit, sizeof col->unit);
    nmC_strlcpy(col->period, v.period, sizeof col->period);
    col->label = short_label(col, v.label);
    col->source = nm_strdup(v.source ? v.source : "");
    if (!col->label || !col->source) {
        rc = nmC_fail(nm_store_ctx(store), NM_NOMEM, "out of memory");
        goto cleanup;
    }
    col->sum = is_sum(col);
    /* shares and means are charted; head counts are not comparable */
    col->chart = !col->sum;
    for (i = 0; i < v.n; i++) {
        gr_cell *x = &s->ward[i].cell[c];
        x->v = v.value[i];
        x->lo = x->hi = x->count = NAN;
        if (col->sum) {
            x->num = x->v;
            x->den = 1;
        } else {
            x->den = strcmp(col->unit, "share") == 0 ? lsoas[i] : pop[i];
            x->num = x->v * x->den;
        }
    }

cleanup:
    nm_values_clear(&v);
    return rc;
}

/* ---- the set ------------------------------------------------------------- */

static void cell_missing(gr_cell *x)
{
    x->v = x->lo = x->hi = x->count = x->num = x->den = NAN;
    x->suppressed = 0;
}

static nm_status row_alloc(nm_ctx *ctx, int ncol, const char *code, const char *name, char kind,
                           gr_row *r)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->code = nm_strdup(code ? code : "");
    r->name = nm_strdup(name ? name : "");
    r->cell = nm_malloc((size_t)(ncol ? ncol : 1) * sizeof *r->cell);
    if (!r->code || !r->name || !r->cell)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    for (int c = 0; c < ncol; c++)
        cell_missing(&r->cell[c]);
    return NM_OK;
}

void nmP_row_clear(gr_row *r)
{
    nm_free(r->code);
    nm_free(r->name);
    nm_free(r->cell);
    memset(r, 0, sizeof *r);
}

/* ---- two releases side by side ------------------------------------------ */

/* The since rows of one area: its LSOAs (those within 'code', NULL: all)
 * in both releases by the release-comparison rule.  The earlier shares
 * are of the distinct older LSOAs they come from, as the change facts
 * count them; the moves are of the area's own LSOAs. */
static nm_status since_cells(const gr_set *s, const char *code, gr_row *row, nm_change *keep)
{
    nm_areas *a = NULL;
    nm_change ch;
    nm_status rc = nm_areas_select(s->store, "lsoa", 0, code && *code ? code : NULL, &a);
    double then10 = 0, then20 = 0, thenn = 0, now10 = 0, now20 = 0, nown = 0, worse = 0,
           better = 0;
    size_t i;

    memset(&ch, 0, sizeof ch);
    if (rc == NM_OK && nm_areas_count(a) == 0)
        goto cleanup; /* no LSOA: the cells stay missing */
    if (rc == NM_OK)
        rc = nm_change_read(s->store, a, s->since_key, s->period[0] ? s->period : NULL, s->since,
                            &ch);
    if (rc != NM_OK)
        goto cleanup;
    for (i = 0; i < ch.nolder; i++) {
        double d = ch.older_value[i];
        if (isnan(d))
            continue;
        thenn++;
        then10 += d <= 1;
        then20 += d <= 2;
    }
    for (i = 0; i < ch.n; i++) {
        double d = ch.now.value[i], t = ch.then[i];
        if (isnan(d))
            continue;
        nown++;
        now10 += d <= 1;
        now20 += d <= 2;
        worse += !isnan(t) && d < t;
        better += !isnan(t) && d > t;
    }
    for (int c = 0; c < s->ncol; c++) {
        gr_cell *x = &row->cell[c];
        double num, den = 1;
        switch (s->col[c].since) {
        case GR_SINCE_THEN10: num = then10, den = thenn; break;
        case GR_SINCE_NOW10: num = now10, den = nown; break;
        case GR_SINCE_THEN20: num = then20, den = thenn; break;
        case GR_SINCE_NOW20: num = now20, den = nown; break;
        case GR_SINCE_WORSE: num = worse; break;
        case GR_SINCE_BETTER: num = better; break;
        default: continue;
        }
        if (den <= 0)
            continue;
        x->num = num;
        x->den = den;
        x->v = num / den;
    }
    if (keep) {
        *keep = ch;
        memset(&ch, 0, sizeof ch);
    }

cleanup:
    nm_change_clear(&ch);
    nm_areas_free(a);
    return rc;
}

/* Labels, units and sources of the since rows, and the note saying how
 * the releases were compared, from the borough's comparison. */
static nm_status since_setup(gr_set *s, nm_change *ch, const char *within)
{
    nm_ctx *ctx = nm_store_ctx(s->store);
    nmS_ind old = {0};
    nm_areas *a = NULL;
    char dom[64], *index, *note = NULL;
    const char *cut = ch->now.label ? strstr(ch->now.label, " decile") : NULL;
    nmC_buf src = {0}, b = {0}, rank = {0};
    nm_status rc = NM_OK;

    /* "imd_decile" -> "IMD"; "Income Deprivation Domain decile" -> its name */
    snprintf(dom, sizeof dom, "%.*s", (int)(strlen(s->since_key) - strlen("_decile")),
             s->since_key);
    if (cut)
        nmC_buf_addf(&rank, "%.*s rank", (int)(cut - ch->now.label), ch->now.label);
    index = nmP_index_name(dom, rank.data ? rank.data : ch->now.label);
    nmC_buf_free(&rank);

    if (nmS_store_find_indicator(s->store, s->since_key, ch->since, &old) != NM_OK)
        nmC_clear(ctx);
    nmC_buf_addf(&src, "%s", ch->now.source ? ch->now.source : "");
    if (old.source && !strstr(src.data ? src.data : "", old.source))
        nmC_buf_addf(&src, "%s%s", src.len ? " " : "", old.source);
    if (!index || src.failed) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (int c = 0; rc == NM_OK && c < s->ncol; c++) {
        gr_col *col = &s->col[c];
        int then = col->since == GR_SINCE_THEN10 || col->since == GR_SINCE_THEN20;
        int pct = col->since <= GR_SINCE_NOW10 ? 10 : 20;
        nmC_buf l = {0};
        if (!col->since)
            continue;
        if (col->since >= GR_SINCE_WORSE)
            nmC_buf_addf(&l, "LSOAs in a %s deprived national decile than in %s (%s)",
                        col->since == GR_SINCE_WORSE ? "more" : "less", ch->since, index);
        else
            nmC_buf_addf(&l, "Share of LSOAs among the %d%% most deprived nationally (%s %s)", pct,
                        index, then ? ch->since : ch->now.period);
        col->label = nmC_buf_take(&l);
        col->source = nm_strdup(src.data);
        nmC_strlcpy(col->unit, col->since >= GR_SINCE_WORSE ? "count" : "share", sizeof col->unit);
        nmC_strlcpy(col->period, then ? ch->since : ch->now.period, sizeof col->period);
        col->sum = col->since >= GR_SINCE_WORSE;
        if (!col->label || !col->source)
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    if (rc == NM_OK)
        rc = nm_areas_select(s->store, "lsoa", 0, within, &a);
    if (rc == NM_OK && !(note = nmP_change_note(a, ch, index)))
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK) {
        nmC_buf_addf(&b, "%s %s beside %s. %s.", index, ch->since, ch->now.period, note);
        if (ch->since_vintage != nm_areas_vintage(a))
            nmC_buf_addf(&b, " The %s figures are of the LSOAs of %d that an area's LSOAs of %d "
                            "come from (the ONS lookup, with its change codes), each counted "
                            "once however it was split.",
                        ch->since, ch->since_vintage, nm_areas_vintage(a));
        nmC_buf_addf(&b, " An LSOA moved when it, or the LSOA it was split from, was in another "
                        "national decile in %s. Only deciles and ranks compare between releases "
                        "(MHCLG: scores are not on one scale across them), so scores are of %s "
                        "only.",
                    ch->since, ch->now.period);
        if (!(s->since_note = nmC_buf_take(&b)))
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    }

cleanup:
    nm_free(index);
    nm_free(note);
    nmC_buf_free(&src);
    nmS_ind_clear(&old);
    nm_areas_free(a);
    return rc;
}

/* Fills the since rows of every ward, then labels them from the
 * borough's comparison (whose row nmP_group_row fills). */
static nm_status read_since(gr_set *s, const char *within)
{
    nm_change ch;
    nm_status rc = NM_OK;
    size_t i;

    memset(&ch, 0, sizeof ch);
    for (i = 0; rc == NM_OK && i < nm_areas_count(s->wards); i++)
        rc = since_cells(s, s->ward[i].code, &s->ward[i], NULL);
    if (rc == NM_OK) {
        gr_row scratch;
        rc = row_alloc(nm_store_ctx(s->store), s->ncol, "", "", 'b', &scratch);
        if (rc == NM_OK)
            rc = since_cells(s, within, &scratch, &ch);
        nmP_row_clear(&scratch);
    }
    if (rc == NM_OK)
        rc = since_setup(s, &ch, within);
    nm_change_clear(&ch);
    return rc;
}

nm_status nmP_group_row(const gr_set *s, const long *idx, size_t n, const char *code,
                       const char *name, char kind, gr_row *out)
{
    nm_status rc = row_alloc(nm_store_ctx(s->store), s->ncol, code, name, kind, out);
    int c;

    for (c = 0; rc == NM_OK && c < s->ncol; c++) {
        const gr_col *col = &s->col[c];
        double num = 0, den = 0;
        int missing = 0, suppressed = 0;
        if (col->since)
            continue; /* from the group's own LSOAs, below */
        for (size_t i = 0; i < n; i++) {
            const gr_cell *x = &s->ward[idx[i]].cell[c];
            suppressed |= x->suppressed;
            if (isnan(x->num) || isnan(x->den))
                missing = 1;
            else {
                num += x->num;
                den += x->den;
            }
        }
        if (missing || suppressed || n == 0)
            continue; /* a withheld count cannot be added up */
        if (col->rate) {
            out->cell[c].count = num;
            out->cell[c].num = num;
            out->cell[c].den = den;
            if (strcmp(col->unit, "rate") == 0 && den > 0) {
                double lo, hi;
                nm_poisson_ci_exact(lround(num), 0.95, &lo, &hi);
                out->cell[c].v = num * 1000 / den;
                out->cell[c].lo = lo * 1000 / den;
                out->cell[c].hi = hi * 1000 / den;
            } else {
                out->cell[c].v = num;
            }
        } else if (col->sum) {
            out->cell[c].v = out->cell[c].num = num;
            out->cell[c].den = 1;
        } else if (den > 0) {
            out->cell[c].v = num / den;
            out->cell[c].num = num;
            out->cell[c].den = den;
        }
    }
    /* a split older LSOA counts once in a group, so these are not sums */
    if (rc == NM_OK && s->since[0])
        rc = since_cells(s, code, out, NULL);
    return rc;
}

/* England's value of every column but the rates (analyse's, from every
 * LSOA stored). */
static nm_status england_row(nm_store *store, const char *period, gr_set *s)
{
    const char **ids = nm_calloc((size_t)(s->ncol ? s->ncol : 1), sizeof *ids);
    double *v = nm_malloc((size_t)(s->ncol ? s->ncol : 1) * sizeof *v);
    nm_status rc = ids && v ? NM_OK : nmC_fail(nm_store_ctx(store), NM_NOMEM, "out of memory");

    for (int c = 0; rc == NM_OK && c < s->ncol; c++)
        ids[c] = s->col[c].rate || s->col[c].since ? NULL : s->col[c].id;
    if (rc == NM_OK)
        rc = nm_england_values(store, period, ids, (size_t)s->ncol, v);
    for (int c = 0; rc == NM_OK && c < s->ncol; c++)
        s->england.cell[c].v = v[c];
    nm_free(ids);
    nm_free(v);
    return rc;
}

/* Why England's column reads "–": a store of one council holds its own
 * LSOAs, not England's 33,755, and a column of sums over them under
 * England's name would be wrong (nm_england_values).  Said once under the
 * tables, in every format, so that "–" is not read as "no deprivation".
 * Rates are England's in no store; rows of two releases are the council's. */
static nm_status england_note(nm_store *store, const char *period, gr_set *s)
{
    nm_england_cover cov;
    nmC_buf b = {0};
    char n1[32], n2[32];
    const char *now = NULL; /* the later release of the rows of two */
    int missing = 0;

    for (int c = 0; c < s->ncol; c++) {
        if (s->col[c].since == GR_SINCE_NOW10)
            now = s->col[c].period;
        if (s->col[c].since)
            continue;
        if (!s->col[c].rate && isnan(s->england.cell[c].v))
            missing = 1;
    }
    if (!missing && !now)
        return NM_OK;
    nm_england_coverage(store, period && *period ? period : NULL, &cov);
    if (missing && cov.england > 0 && cov.stored < cov.england)
        nmC_buf_addf(&b, "England: needs the figures of every LSOA of England (%s LSOAs of %d); "
                    "the store holds populations for %s of them: import the national file "
                    "(the IoD's File 7 for all of England) to fill England's column.",
                    nmP_fmt_count(cov.england, n1), cov.vintage, nmP_fmt_count(cov.stored, n2));
    else if (missing)
        nmC_buf_addf(&b, "England: needs the figures of every LSOA of England; the store holds "
                    "no LSOA populations (pop_total)%s%s: import the national file (the IoD's "
                    "File 7 for all of England) to fill England's column.",
                    period && *period ? " of " : "", period && *period ? period : "");
    if (now)
        nmC_buf_addf(&b, "%s rows comparing %s with %s are given for the council's areas, not "
                    "for England.", b.len ? "  Its" : "England: its", s->since, now);
    if (b.failed || !(s->england_note = nmC_buf_take(&b))) {
        nmC_buf_free(&b);
        return nmC_fail(nm_store_ctx(store), NM_NOMEM, "out of memory");
    }
    return NM_OK;
}

/* The national decile of a map's index or domain ("idaci_rank" ->
 * "idaci_decile"), which is what compares between releases. */
static void decile_key(const char *indicator, char out[64])
{
    static const char *const tails[] = {"_decile", "_rank", "_score"};
    size_t n = indicator ? strlen(indicator) : 0;

    if (n == 0) {
        nmC_strlcpy(out, "imd_decile", 64);
        return;
    }
    for (size_t k = 0; k < sizeof tails / sizeof tails[0]; k++)
        if (ends_with(indicator, tails[k])) {
            n -= strlen(tails[k]);
            break;
        }
    snprintf(out, 64, "%.*s_decile", (int)(n < 56 ? n : 56), indicator);
}

nm_status nmP_set_read(nm_store *store, const char *within, const char *indicators,
                      const char *period, const char *key, const char *since, gr_set *s)
{
    nm_ctx *ctx = nm_store_ctx(store);
    nm_values pop = {0}, lsoas = {0};
    long *all = NULL;
    size_t i, n = 0;
    nm_status rc;
    int c;

    memset(s, 0, sizeof *s);
    s->store = store;
    nmC_strlcpy(s->period, period ? period : "", sizeof s->period);
    if (since && *since) {
        nmC_strlcpy(s->since, since, sizeof s->since);
        decile_key(key, s->since_key);
    }
    rc = nm_areas_select(store, "ward", 0, within, &s->wards);
    if (rc == NM_OK)
        rc = choose_cols(store, indicators, s);
    if (rc == NM_OK) {
        n = nm_areas_count(s->wards);
        s->ward = nm_calloc(n ? n : 1, sizeof *s->ward);
        all = nm_malloc((n ? n : 1) * sizeof *all);
        if (!s->ward || !all)
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    for (i = 0; rc == NM_OK && i < n; i++) {
        all[i] = (long)i;
        rc = row_alloc(ctx, s->ncol, nm_areas_code(s->wards, i), nm_areas_name(s->wards, i), 'w',
                       &s->ward[i]);
    }
    /* the weights of shares and means: the wards' LSOAs and people */
    if (rc == NM_OK)
        rc = read_key(store, s, "pop_total", period, 0, &pop);
    if (rc == NM_NOTFOUND)
        rc = nmC_fail(ctx, NM_NOTFOUND, "no ward populations are stored: run 'needsmap "
                                       "aggregate --to ward' first");
    if (rc == NM_OK && n > 0 && nm_values_known(&pop) == 0)
        rc = nmC_fail(ctx, NM_NOTFOUND,
                     "none of the %zu wards%s%s has a stored population (ward_pop_total): run "
                     "'needsmap aggregate --to ward%s%s' first",
                     n, within ? " within " : "", within ? within : "",
                     within ? " --within " : "", within ? within : "");
    if (rc == NM_OK)
        rc = read_key(store, s, "lsoas", period, 1, &lsoas);
    for (c = 0; rc == NM_OK && c < s->ncol; c++) {
        if (s->col[c].since)
            continue;
        if (s->col[c].rate)
            rc = read_rate(store, s, c, pop.value);
        else
            rc = read_value(store, s, c, period, pop.value,
                            lsoas.value ? lsoas.value : pop.value);
    }
    if (rc == NM_OK && s->since[0])
        rc = read_since(s, within);
    if (rc == NM_OK)
        rc = nmP_group_row(s, all, n, within ? within : "",
                          nm_areas_within_name(s->wards)[0] ? nm_areas_within_name(s->wards)
                                                              : "All wards",
                          'b', &s->borough);
    if (rc == NM_OK)
        rc = row_alloc(ctx, s->ncol, "E92000001", "England", 'e', &s->england);
    if (rc == NM_OK)
        rc = england_row(store, period, s);
    if (rc == NM_OK)
        rc = england_note(store, period, s);
    if (rc == NM_OK)
        nmC_clear(ctx);
    nm_values_clear(&pop);
    nm_values_clear(&lsoas);
    nm_free(all);
    if (rc != NM_OK)
        nmP_set_free(s);
    return rc;
}

void nmP_set_free(gr_set *s)
{
    size_t i;
    int c;

    for (i = 0; s->ward && s->wards && i < nm_areas_count(s->wards); i++)
        nmP_row_clear(&s->ward[i]);
    nm_free(s->ward);
    for (c = 0; c < s->ncol; c++) {
        nm_free(s->col[c].id);
        nm_free(s->col[c].label);
        nm_free(s->col[c].source);
    }
    nm_free(s->col);
    nmP_row_clear(&s->borough);
    nmP_row_clear(&s->england);
    nm_free(s->since_note);
    nm_free(s->england_note);
    nm_areas_free(s->wards);
    memset(s, 0, sizeof *s);
}

long nmP_find_ward(const gr_set *s, const char *key)
{
    size_t i;

    for (i = 0; i < nm_areas_count(s->wards); i++)
        if (nmC_strieq(nm_areas_code(s->wards, i), key) || nmC_strieq(nm_areas_name(s->wards, i), key))
            return (long)i;
    return -1;
}

/* ---- words ----------------------------------------------------------------- */

static void fmt_num(double x, int dec, char out[48])
{
    char ip[32];
    double scale = pow(10, dec), r = round(fabs(x) * scale);

    if (r == 0)
        x = 0;
    if (dec > 0)
        snprintf(out, 48, "%s%s.%0*ld", x < 0 ? "-" : "", nmP_fmt_count((long)(r / scale), ip), dec,
                 (long)fmod(r, scale));
    else
        snprintf(out, 48, "%s%s", x < 0 ? "-" : "", nmP_fmt_count((long)r, ip));
}

void nmP_cell_text(const gr_col *c, const gr_cell *x, char out[48], char ci[48])
{
    char a[48], b[48];

    ci[0] = '\0';
    if (x->suppressed) {
        nmC_strlcpy(out, "suppressed", 48);
        return;
    }
    if (isnan(x->v)) {
        nmC_strlcpy(out, "\xE2\x80\x93", 48); /* en dash: no data */
        return;
    }
    if (c->sum || strcmp(c->unit, "count") == 0) {
        fmt_num(x->v, 0, out);
    } else if (strcmp(c->unit, "share") == 0) {
        fmt_num(x->v * 100, 1, a);
        snprintf(out, 48, "%.40s%%", a);
    } else {
        fmt_num(x->v, 1, out);
    }
    if (c->rate && !isnan(x->lo) && !isnan(x->hi)) {
        fmt_num(x->lo, 1, a);
        fmt_num(x->hi, 1, b);
        snprintf(ci, 48, "(%.20s\xE2\x80\x93%.20s)", a, b);
    }
}

void nmP_fmt_period(const char *p, char out[48])
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y0, m0, y1, m1;

    if (sscanf(p, "%4d-%2d..%4d-%2d", &y0, &m0, &y1, &m1) == 4 && m0 >= 1 && m0 <= 12 &&
        m1 >= 1 && m1 <= 12) {
        if (y0 == y1 && m0 == m1)
            snprintf(out, 48, "%s %d", mon[m0 - 1], y0);
        else if (y0 == y1)
            snprintf(out, 48, "%s\xE2\x80\x93%s %d", mon[m0 - 1], mon[m1 - 1], y0);
        else
            snprintf(out, 48, "%s %d\xE2\x80\x93%s %d", mon[m0 - 1], y0, mon[m1 - 1], y1);
    } else if (strlen(p) == 7 && sscanf(p, "%4d-%2d", &y0, &m0) == 2 && m0 >= 1 && m0 <= 12) {
        snprintf(out, 48, "%s %d", mon[m0 - 1], y0);
    } else {
        nmC_strlcpy(out, p, 48);
    }
}

char *nmP_periods(const gr_set *s)
{
    nmC_buf b = {0};
    char phrase[160], when[48];
    int c;

    for (c = 0; c < s->ncol; c++) {
        const gr_col *col = &s->col[c];
        if (!col->period[0])
            continue;
        nmP_fmt_period(col->period, when);
        if (col->rate) {
            char lower[96];
            snprintf(lower, sizeof lower, "%s", col->label);
            lower[0] = (char)tolower((unsigned char)lower[0]);
            snprintf(phrase, sizeof phrase, "%s %s", lower, when);
        } else if (col->source && strstr(col->source, "Indices of Deprivation")) {
            snprintf(phrase, sizeof phrase, "IMD %s", when);
        } else {
            snprintf(phrase, sizeof phrase, "%s %s", col->id, when);
        }
        if (b.data && strstr(b.data, phrase))
            continue;
        nmC_buf_addf(&b, "%s%s", b.len ? "; " : "", phrase);
    }
    if (!b.len)
        nmC_buf_add(&b, "", 0);
    return nmC_buf_take(&b);
}

char *nmP_sources(nm_store *store, const gr_set *s)
{
    nmC_buf b = {0};
    char *text;
    int c;

    for (c = 0; c < s->ncol; c++) {
        const char *src = s->col[c].source;
        if (!src || !*src || (b.data && strstr(b.data, src)))
            continue;
        nmC_buf_addf(&b, "%s%s", b.len ? " " : "", src);
    }
    if (!b.len)
        nmC_buf_add(&b, "", 0);
    if (b.failed) {
        nmC_buf_free(&b);
        return NULL;
    }
    text = nmP_attribution(store, s->wards, "lsoa", b.data);
    nmC_buf_free(&b);
    /* and which wards, by which memberships */
    if (text) {
        char *wards = NULL;
        const char *within = s->borough.code && *s->borough.code ? s->borough.code : NULL;
        if (nmP_wards_said_within(store, within, &wards) == NM_OK && wards) {
            nmC_buf_addf(&b, "%s %s", text, wards);
            nm_free(text);
            text = nmC_buf_take(&b);
        }
        nm_free(wards);
    }
    return text;
}

/* ---- the data formats' cells --------------------------------------------- */

const char *const nmP_rate_parts[4] = {"_count", "_rate", "_rate_lo", "_rate_hi"};

const char *nmP_level_name(char kind)
{
    return kind == 'w'   ? "ward"
           : kind == 'l' ? "locality"
           : kind == 'd' ? "lad"
           : kind == 'b' ? "borough"
                         : "country";
}

int nmP_cell_values(const gr_col *c, const gr_cell *x, double v[4])
{
    if (!c->rate) {
        v[0] = x->v;
        return 1;
    }
    v[0] = x->count;
    v[1] = x->v;
    v[2] = x->lo;
    v[3] = x->hi;
    return strcmp(c->unit, "rate") == 0 ? 4 : 1;
}

void nmP_csv_head(const gr_set *s, FILE *fp)
{
    fputs("table,level,code,name", fp);
    for (int c = 0; c < s->ncol; c++) {
        double v[4];
        gr_cell none = {0};
        int k = nmP_cell_values(&s->col[c], &none, v);
        for (int p = 0; p < k; p++)
            fprintf(fp, ",%s%s", s->col[c].id, s->col[c].rate ? nmP_rate_parts[p] : "");
    }
    fputc('\n', fp);
}

void nmP_csv_row(const gr_set *s, const char *table, const gr_row *row, FILE *fp)
{
    nmP_csv_text(fp, table);
    fprintf(fp, ",%s,", nmP_level_name(row->kind));
    nmP_csv_text(fp, row->code);
    fputc(',', fp);
    nmP_csv_text(fp, row->name);
    for (int c = 0; c < s->ncol; c++) {
        double v[4];
        int k = nmP_cell_values(&s->col[c], &row->cell[c], v);
        for (int p = 0; p < k; p++) {
            fputc(',', fp);
            if (row->cell[c].suppressed)
                fputs("suppressed", fp);
            else if (!isnan(v[p]))
                nmP_csv_number(fp, v[p]);
        }
    }
    fputc('\n', fp);
}
