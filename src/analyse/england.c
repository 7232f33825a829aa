/*
 * England's figures for the ward measures that aggregate.c writes: the
 * population, the LSOAs, the population-weighted mean score and the LSOAs,
 * people and children in the nationally most deprived 10% and 20%, each
 * from every LSOA value stored.  The ids are aggregate.c's, so they are
 * read back here, beside the code that makes them, and a report asks for
 * England's column by the ward column's id.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analyse/analyse_int.h"

typedef struct england {
    nm_store *store;
    const char *period;
    nmS_vtable pop, kids;
} england;

/* What an id asks for: nm_aggregate's "<domain>_nat<10|20>_<what>",
 * "<domain>_score_pw", "pop_*" or "lsoas". */
typedef struct measure {
    enum { M_NONE, M_SUM, M_COUNT, M_SCORE, M_CLASS } kind;
    char key[96]; /* the LSOA indicator read */
    int pct;      /* M_CLASS: 10 or 20 */
    char what[16];
} measure;

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n > t && strcmp(s + n - t, tail) == 0;
}

static measure parse_id(const char *id)
{
    measure m = {M_NONE, "", 0, ""};
    const char *p;

    if (strcmp(id, "lsoas") == 0) {
        m.kind = M_COUNT;
        nmC_strlcpy(m.key, "pop_total", sizeof m.key);
    } else if (strncmp(id, "pop_", 4) == 0) {
        m.kind = M_SUM;
        nmC_strlcpy(m.key, id, sizeof m.key);
    } else if (ends_with(id, "_score_pw")) {
        m.kind = M_SCORE;
        snprintf(m.key, sizeof m.key, "%.*s_score", (int)(strlen(id) - strlen("_score_pw")), id);
    } else if ((p = strstr(id, "_nat")) && sscanf(p, "_nat%d_%15s", &m.pct, m.what) == 2 &&
               (m.pct == 10 || m.pct == 20)) {
        m.kind = M_CLASS;
        snprintf(m.key, sizeof m.key, "%.*s_decile", (int)(p - id), id);
    }
    return m;
}

long nm_england_lsoas(int vintage)
{
    return vintage == 2001 ? 32482 : vintage == 2011 ? 32844 : vintage == 2021 ? 33755 : 0;
}

long nm_rank_denominator(long stored, long top, int vintage)
{
    long known = nm_england_lsoas(vintage);

    if (top <= stored)
        return stored;
    return known > top ? known : top;
}

/* Every stored LSOA value of 'key'; NM_NOTFOUND when it is not an LSOA
 * indicator, or when the store holds it for fewer than all of England's
 * LSOAs of its code year: a sum over Southend's 108 LSOAs printed as
 * England's population (180,884) is a wrong figure, not a partial one. */
static nm_status load_table(nm_store *store, const char *key, const char *period, nmS_vtable *t)
{
    nmS_ind ind = {0};
    nm_status rc = nmS_store_find_indicator(store, key, period, &ind);

    if (rc == NM_OK)
        rc = nmS_store_each_value(store, &ind, nmS_vtable_add, t);
    if (rc == NM_OK && t->failed)
        rc = nmC_fail(nm_store_ctx(store), NM_NOMEM, "out of memory");
    if (rc == NM_OK && (strcmp(ind.level, "lsoa") != 0 ||
                        (nm_england_lsoas(ind.vintage) > 0 &&
                         (long)t->n < nm_england_lsoas(ind.vintage)))) {
        nmS_vtable_free(t);
        rc = NM_NOTFOUND;
    }
    nmS_ind_clear(&ind);
    return rc;
}

/* The class measure over table t of deciles or scores. */
static double over_lsoas(const england *e, const measure *m, const nmS_vtable *t)
{
    double num = 0, den = 0;

    for (size_t i = 0; i < t->n; i++) {
        long j = nmS_vtable_find(&e->pop, t->code[i]);
        double pop = j >= 0 ? e->pop.value[j] : NAN, x = t->value[i];
        if (m->kind == M_SCORE) {
            if (!isnan(pop) && !isnan(x)) {
                num += pop * x;
                den += pop;
            }
            continue;
        }
        den += 1;
        if (x > m->pct / 10)
            continue;
        if (strcmp(m->what, "lsoas") == 0 || strcmp(m->what, "share") == 0) {
            num += 1;
        } else if (strcmp(m->what, "people") == 0) {
            num += isnan(pop) ? 0 : pop;
        } else if (strcmp(m->what, "children") == 0) {
            long k = nmS_vtable_find(&e->kids, t->code[i]);
            num += k >= 0 && !isnan(e->kids.value[k]) ? e->kids.value[k] : 0;
        }
    }
    if (m->kind == M_SCORE || strcmp(m->what, "share") == 0)
        return den > 0 ? num / den : NAN;
    return num;
}

/* England's value of one id, NAN when it is none of the measures above or
 * its LSOA values are not stored. */
static double england_value(england *e, const char *id)
{
    measure m = parse_id(id);
    nmS_vtable t = {0};
    double r = NAN;

    if (m.kind != M_NONE && load_table(e->store, m.key, e->period, &t) == NM_OK) {
        if (m.kind == M_COUNT) {
            r = (double)t.n;
        } else if (m.kind == M_SUM) {
            r = 0;
            for (size_t i = 0; i < t.n; i++)
                r += isnan(t.value[i]) ? 0 : t.value[i];
        } else {
            r = over_lsoas(e, &m, &t);
        }
    }
    nmC_clear(nm_store_ctx(e->store));
    nmS_vtable_free(&t);
    return r;
}

nm_status nm_england_values(nm_store *store, const char *period, const char *const *ids,
                            size_t n, double *out)
{
    england e = {store, period, {0}, {0}};
    size_t i;

    for (i = 0; i < n; i++)
        out[i] = NAN;
    if (load_table(store, "pop_total", period, &e.pop) == NM_OK) {
        load_table(store, "pop_0_15", period, &e.kids);
        for (i = 0; i < n; i++)
            if (ids[i])
                out[i] = england_value(&e, ids[i]);
    }
    nmC_clear(nm_store_ctx(store));
    nmS_vtable_free(&e.pop);
    nmS_vtable_free(&e.kids);
    return NM_OK;
}

nm_status nm_england_coverage(nm_store *store, const char *period, nm_england_cover *out)
{
    nmS_ind ind = {0};
    long have = 0;
    nm_status rc;

    memset(out, 0, sizeof *out);
    nmC_strlcpy(out->key, "pop_total", sizeof out->key);
    rc = nmS_store_find_indicator(store, "pop_total", period, &ind);
    if (rc == NM_OK)
        rc = nmS_store_count_values(store, &ind, &have);
    if (rc == NM_OK && strcmp(ind.level, "lsoa") == 0) {
        out->stored = have;
        out->vintage = ind.vintage;
        out->england = nm_england_lsoas(ind.vintage);
    }
    nmS_ind_clear(&ind);
    nmC_clear(nm_store_ctx(store));
    return NM_OK;
}
