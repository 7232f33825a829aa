/*
 * DfE's statistical neighbours of children's services authorities: each
 * authority of the file (by its old three-digit LA number) with its ten
 * nearest.  LA numbers are no ONS codes, so each authority is found by its
 * name among the stored upper-tier names (from the ONS LAD -> UTLA
 * lookups), spelling normalised; a name that matches none, or a neighbour
 * number that is no authority of the file, is an error naming the line.
 * Stored as memberships authority -> neighbour (level "neighbour", method
 * "dfe-sn-MODEL", weight the neighbour's place 1..10).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/values_int.h"

/* A stored upper-tier name, normalised. */
typedef struct sn_name {
    char *norm, *code, *name, *level;
    int vintage;
} sn_name;

typedef struct sn_names {
    sn_name *a;
    size_t n;
} sn_names;

static void names_free(sn_names *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        nm_free(s->a[i].norm);
        nm_free(s->a[i].code);
        nm_free(s->a[i].name);
        nm_free(s->a[i].level);
    }
    nm_free(s->a);
    memset(s, 0, sizeof *s);
}

/* Drops 'word' (lower case, whole words) from 'w' in place. */
static void drop_word(char *w, const char *word)
{
    size_t n = strlen(word);
    char *p = w;

    while ((p = strstr(p, word)) != NULL) {
        int start = p == w || p[-1] == ' ', end = p[n] == '\0' || p[n] == ' ';
        if (start && end)
            memmove(p, p + n, strlen(p + n) + 1);
        else
            p += n;
    }
}

/* A name as the two sources can agree on it: lower case, "&" as "and",
 * punctuation as spaces, without "city of", "county of", a leading
 * "county" or a trailing "borough" ("Kingston Upon Hull, City of" and
 * "Kingston upon Hull"; "Durham" and "County Durham"; "Bedford Borough"
 * and "Bedford"; "St. Helens" and "St Helens").  Caller frees. */
static char *sn_normalise(const char *name)
{
    nmC_buf b = {0};
    char *w, *out;
    const char *p;
    size_t i, j;

    for (p = name; *p; p++) {
        if (*p == '&')
            nmC_buf_addf(&b, " and ");
        else if (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80)
            nmC_buf_addf(&b, "%c", tolower((unsigned char)*p));
        else
            nmC_buf_addf(&b, " ");
    }
    if (!(w = nmC_buf_take(&b)))
        return NULL;
    drop_word(w, "city of");
    drop_word(w, "county of");
    if (strncmp(w, "county ", 7) == 0)
        drop_word(w, "county");
    if (strlen(w) > 8 && strcmp(w + strlen(w) - 8, " borough") == 0)
        w[strlen(w) - 8] = '\0';
    /* one space between words, none at the ends */
    out = w;
    for (i = 0, j = 0; w[i]; i++)
        if (w[i] != ' ' || (j > 0 && w[i + 1] && w[i + 1] != ' '))
            out[j++] = w[i];
    out[j] = '\0';
    return out;
}

static nm_status load_names(nm_store *store, sn_names *s)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    nm_status rc;
    int r;

    rc = nmS_store_prepare(store,
                          "SELECT code, name, level, vintage FROM area WHERE level IN ('utla', "
                          "'county') AND name IS NOT NULL ORDER BY vintage DESC, code",
                          &st);
    while (rc == NM_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        sn_name *e;
        if (s->n == cap) {
            sn_name *g = nm_realloc(s->a, (cap = cap ? cap * 2 : 256) * sizeof *g);
            if (!g) {
                rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
                break;
            }
            s->a = g;
        }
        e = &s->a[s->n++];
        e->code = nm_strdup((const char *)sqlite3_column_text(st, 0));
        e->name = nm_strdup((const char *)sqlite3_column_text(st, 1));
        e->level = nm_strdup((const char *)sqlite3_column_text(st, 2));
        e->norm = e->name ? sn_normalise(e->name) : NULL;
        e->vintage = sqlite3_column_int(st, 3);
        if (!e->code || !e->name || !e->level || !e->norm)
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    if (rc == NM_OK && r != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "reading upper-tier names");
    sqlite3_finalize(st);
    if (rc == NM_OK && s->n == 0)
        rc = nmC_fail(store->ctx, NM_NOTFOUND,
                     "no upper-tier authority names in the store to find DfE's authorities by: "
                     "import the ONS lookup first (needsmap import lookup "
                     "lookups/ons/LAD23_UTLA23_EW_LU.csv --child LAD23CD --parent UTLA23CD "
                     "--parent-level utla)");
    return rc;
}

/* Edit distance, for "did you mean". */
static size_t distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), i, j, *row, best;

    if (!(row = nm_malloc((nb + 1) * sizeof *row)))
        return (size_t)-1;
    for (j = 0; j <= nb; j++)
        row[j] = j;
    for (i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (j = 1; j <= nb; j++) {
            size_t up = row[j], v = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < v)
                v = row[j] + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
        }
    }
    best = row[nb];
    nm_free(row);
    return best;
}

/* The stored name nearest to 'norm'. */
static const sn_name *nearest(const sn_names *s, const char *norm)
{
    const sn_name *best = NULL;
    size_t i, d, bd = (size_t)-1;

    for (i = 0; i < s->n; i++)
        if ((d = distance(norm, s->a[i].norm)) < bd) {
            bd = d;
            best = &s->a[i];
        }
    return best;
}

/* The latest stored authority of that name, or NULL; *ambiguous when two
 * codes of that year share it. */
static const sn_name *match(const sn_names *s, const char *norm, int *ambiguous)
{
    const sn_name *hit = NULL;
    size_t i;

    *ambiguous = 0;
    for (i = 0; i < s->n; i++) {
        if (strcmp(s->a[i].norm, norm) != 0)
            continue;
        if (!hit)
            hit = &s->a[i];
        else if (s->a[i].vintage == hit->vintage && strcmp(s->a[i].code, hit->code) != 0)
            *ambiguous = 1;
    }
    return hit;
}

/* ---- the file ------------------------------------------------------------ */

typedef struct sn_cols {
    int number, name, sn[NM_SN_MAX];
    int nsn;
} sn_cols;

/* "SN1" (2021) or "SN_1" (2025): the k-th neighbour's number; 0 else. */
static int sn_heading(const char *h)
{
    char *end;
    long k;

    if (strncasecmp(h, "SN", 2) != 0)
        return 0;
    h += 2;
    if (*h == '_')
        h++;
    if (!isdigit((unsigned char)*h))
        return 0;
    k = strtol(h, &end, 10);
    return *end == '\0' && k >= 1 && k <= NM_SN_MAX ? (int)k : 0;
}

static nm_status find_columns(nm_ctx *ctx, nmI_table *t, const char *path, sn_cols *c)
{
    int i, k;

    c->number = c->name = -1;
    for (k = 0; k < NM_SN_MAX; k++)
        c->sn[k] = -1;
    for (i = 0; i < nmI_table_ncols(t); i++) {
        const char *h = nmI_table_heading(t, i);
        if (c->number < 0 && (nmC_strieq(h, "LA num") || nmC_strieq(h, "old_la_code") ||
                              nmC_strieq(h, "LA number") || nmC_strieq(h, "la_code")))
            c->number = i;
        else if (c->name < 0 && (nmC_strieq(h, "LA Name") || nmC_strieq(h, "la_name")))
            c->name = i;
        else if ((k = sn_heading(h)) > 0 && c->sn[k - 1] < 0)
            c->sn[k - 1] = i;
    }
    for (c->nsn = 0; c->nsn < NM_SN_MAX && c->sn[c->nsn] >= 0; c->nsn++)
        ;
    if (c->number < 0 || c->name < 0 || c->nsn == 0) {
        char *all = nmI_table_headings_text(t);
        nm_status rc = nmC_fail(ctx, NM_BADDATA,
                               "%s: not a DfE statistical neighbour file: expected an LA number "
                               "(\"LA num\" or \"old_la_code\"), a name (\"LA Name\" or "
                               "\"la_name\") and SN1..SN10 (or SN_1..SN_10) among %s",
                               path, all ? all : "the headings");
        nm_free(all);
        return rc;
    }
    return NM_OK;
}

/* An LA number: three digits. */
static int la_number(const char *s)
{
    return strlen(s) == 3 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
                   isdigit((unsigned char)s[2])
               ? (int)strtol(s, NULL, 10)
               : -1;
}

static nm_status add_row(nm_ctx *ctx, nm_sn_table *out, size_t *cap, nm_sn_row **row)
{
    if (out->n == *cap) {
        nm_sn_row *g = nm_realloc(out->rows, (*cap = *cap ? *cap * 2 : 64) * sizeof *g);
        if (!g)
            return nmC_fail(ctx, NM_NOMEM, "out of memory");
        out->rows = g;
    }
    *row = &out->rows[out->n++];
    memset(*row, 0, sizeof **row);
    return NM_OK;
}

/* Reads the authorities of the model; rows after the file's "Old SNs:"
 * line (groupings of authorities abolished before the model, e.g. Dorset
 * "(Pre LG)") are skipped and counted. */
static nm_status read_rows(nm_ctx *ctx, nmI_table *t, const char *path, const sn_cols *c,
                           nmC_diag *d, nm_sn_table *out, long *skipped, long *first_skipped)
{
    size_t cap = 0;
    int got, old = 0, k;
    nm_status rc = NM_OK;

    while (rc == NM_OK && (got = nmI_table_next(t)) == 1) {
        const char *num = nmI_table_cell(t, c->number), *name = nmI_table_cell(t, c->name);
        long line = nmI_table_line(t);
        nm_sn_row *r = NULL;
        int n;
        if (!*num) {
            old |= strncasecmp(name, "Old SN", 6) == 0;
            continue;
        }
        if (old) {
            if (!(*skipped)++)
                *first_skipped = line;
            continue;
        }
        if ((n = la_number(num)) < 0) {
            nmC_diag_add(d, "number", line, "LA number \"%.20s\" is not three digits", num);
            continue;
        }
        if ((rc = add_row(ctx, out, &cap, &r)) != NM_OK)
            break;
        r->number = n;
        r->line = line;
        r->file_name = nm_strdup(name);
        if (!r->file_name)
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        for (k = 0; k < c->nsn; k++) {
            const char *v = nmI_table_cell(t, c->sn[k]);
            r->sn_number[k] = la_number(v);
            if (r->sn_number[k] < 0)
                nmC_diag_add(d, "sn", line, "neighbour %d of %s (%s): \"%.20s\" is no LA number",
                            k + 1, name, num, v);
        }
        r->nsn = c->nsn;
    }
    if (rc == NM_OK && got < 0)
        rc = nm_errcode(ctx);
    if (rc == NM_OK && out->n == 0 && nmC_diag_count(d) == 0)
        rc = nmC_fail(ctx, NM_BADDATA, "%s: no authorities below the headings", path);
    return rc;
}

/* Finds every authority's ONS code by its name, then every neighbour's
 * by its LA number. */
static nm_status resolve(nm_ctx *ctx, const sn_names *names, nmC_diag *d, nm_sn_table *out)
{
    size_t i, j;
    int k, amb;

    for (i = 0; i < out->n; i++) {
        nm_sn_row *r = &out->rows[i];
        char *norm = sn_normalise(r->file_name);
        const sn_name *m;
        if (!norm)
            return nmC_fail(ctx, NM_NOMEM, "out of memory");
        m = match(names, norm, &amb);
        if (!m) {
            const sn_name *near = nearest(names, norm);
            nmC_diag_add(d, "name", r->line,
                        "authority %03d \"%s\" matches no stored upper-tier authority%s%s%s%s%s; "
                        "a model older than the stored LAD -> UTLA lookups needs the lookup "
                        "of its own years too (LAD19_UTLA19)",
                        r->number, r->file_name, near ? " (did you mean " : "",
                        near ? near->name : "", near ? ", " : "", near ? near->code : "",
                        near ? "?)" : "");
        } else if (amb) {
            nmC_diag_add(d, "ambiguous", r->line,
                        "authority %03d \"%s\" matches several stored authorities of %d",
                        r->number, r->file_name, m->vintage);
        } else {
            r->code = nm_strdup(m->code);
            r->name = nm_strdup(m->name);
            /* a literal, not m->level: the names are freed before the rows
             * are stored (a dangling level once corrupted the store's index) */
            r->level = strcmp(m->level, "county") == 0 ? "county" : "utla";
            r->vintage = m->vintage;
            if (!r->code || !r->name) {
                nm_free(norm);
                return nmC_fail(ctx, NM_NOMEM, "out of memory");
            }
        }
        nm_free(norm);
    }
    for (i = 0; i < out->n; i++) {
        nm_sn_row *r = &out->rows[i];
        for (k = 0; k < r->nsn; k++) {
            r->sn[k] = -1;
            for (j = 0; j < out->n; j++)
                if (out->rows[j].number == r->sn_number[k])
                    r->sn[k] = (long)j;
            if (r->sn_number[k] >= 0 && r->sn[k] < 0)
                nmC_diag_add(d, "unknown", r->line,
                            "neighbour %d of %s (%03d): LA number %03d is no authority of the "
                            "file",
                            k + 1, r->file_name, r->number, r->sn_number[k]);
        }
    }
    return NM_OK;
}

/* The model from the file name ("..._April_2021.csv", "sn_model_2025"). */
static int model_of_name(const char *path, char model[8])
{
    const char *p;

    for (p = nmC_basename(path); *p; p++)
        if (strncmp(p, "20", 2) == 0 && isdigit((unsigned char)p[2]) &&
            isdigit((unsigned char)p[3]) && !isdigit((unsigned char)p[4])) {
            memcpy(model, p, 4);
            model[4] = '\0';
            return 1;
        }
    return 0;
}

static nm_status pick_model(nm_ctx *ctx, const char *path, const char *given, char model[8])
{
    char named[8] = "";
    int has = model_of_name(path, named);

    if (given && strcmp(given, "2021") != 0 && strcmp(given, "2025") != 0)
        return nmC_fail(ctx, NM_USAGE,
                       "--model: \"%s\" is no DfE statistical-neighbour model (2021 or 2025)",
                       given);
    if (given && has && strcmp(given, named) != 0)
        return nmC_fail(ctx, NM_USAGE, "%s: the file name says model %s, --model says %s", path,
                       named, given);
    if (!given && !has)
        return nmC_fail(ctx, NM_USAGE, "%s: cannot tell the model from the file name; give "
                                      "--model 2021 or 2025",
                       path);
    nmC_strlcpy(model, given ? given : named, 8);
    return NM_OK;
}

void nm_sn_table_clear(nm_sn_table *t)
{
    size_t i;

    if (!t)
        return;
    for (i = 0; i < t->n; i++) {
        nm_free(t->rows[i].code);
        nm_free(t->rows[i].name);
        nm_free(t->rows[i].file_name);
    }
    nm_free(t->rows);
    memset(t, 0, sizeof *t);
}

nm_status nm_neighbours_read(nm_store *store, const char *path, const char *model,
                             nm_sn_table *out)
{
    nm_ctx *ctx = nm_store_ctx(store);
    sn_names names = {0};
    nmI_table *t = NULL;
    nmC_diag *d = NULL;
    sn_cols c;
    long skipped = 0, first = 0;
    nm_status rc;

    nmC_clear(ctx);
    memset(out, 0, sizeof *out);
    rc = pick_model(ctx, path, model, out->model);
    if (rc == NM_OK)
        rc = nmI_table_open(ctx, path, NULL, NULL, &t);
    if (rc == NM_OK)
        rc = find_columns(ctx, t, path, &c);
    if (rc == NM_OK && !(d = nmC_diag_new(ctx, path)))
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        rc = read_rows(ctx, t, path, &c, d, out, &skipped, &first);
    if (rc == NM_OK)
        rc = load_names(store, &names);
    if (rc == NM_OK)
        rc = resolve(ctx, &names, d, out);
    if (rc == NM_OK && skipped)
        nmC_log(ctx, NM_LOG_WARN,
               "%s:%ld: %ld authorities below \"Old SNs:\" (abolished before the model) skipped",
               path, first, skipped);
    if (rc == NM_OK)
        rc = nmC_diag_report(d, NM_LOG_ERROR, NM_BADDATA, "no neighbours were read");
    nmC_diag_free(d);
    names_free(&names);
    nmI_table_close(t);
    if (rc != NM_OK)
        nm_sn_table_clear(out);
    return rc;
}

/* ---- storing -------------------------------------------------------------- */

static nm_status write_members(nm_store *store, const nm_sn_table *sn, long dataset)
{
    sqlite3_stmt *del = NULL, *ins = NULL;
    nmC_buf method = {0};
    nm_status rc;
    size_t i;
    int k;

    nmC_buf_addf(&method, "dfe-sn-%s", sn->model);
    if (method.failed)
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    rc = nmS_store_prepare(store, "DELETE FROM membership WHERE method = ?1", &del);
    if (rc == NM_OK) {
        sqlite3_bind_text(del, 1, method.data, -1, SQLITE_STATIC);
        if (sqlite3_step(del) != SQLITE_DONE)
            rc = nmS_store_sqlfail(store, "replacing the model's neighbours");
    }
    if (rc == NM_OK)
        rc = nmS_store_prepare(store,
                              "INSERT INTO membership (child, child_level, child_vintage, "
                              "parent, parent_level, parent_vintage, method, weight, dataset) "
                              "VALUES (?1, ?2, ?3, ?4, 'neighbour', ?5, ?6, ?7, ?8)",
                              &ins);
    for (i = 0; rc == NM_OK && i < sn->n; i++) {
        const nm_sn_row *r = &sn->rows[i];
        for (k = 0; rc == NM_OK && k < r->nsn; k++) {
            const nm_sn_row *o = &sn->rows[r->sn[k]];
            sqlite3_reset(ins);
            sqlite3_bind_text(ins, 1, r->code, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 2, r->level, -1, SQLITE_STATIC);
            sqlite3_bind_int(ins, 3, r->vintage);
            sqlite3_bind_text(ins, 4, o->code, -1, SQLITE_STATIC);
            sqlite3_bind_int(ins, 5, o->vintage);
            sqlite3_bind_text(ins, 6, method.data, -1, SQLITE_STATIC);
            /* the weight is the neighbour's place, 1 the closest */
            sqlite3_bind_double(ins, 7, (double)(k + 1));
            sqlite3_bind_int64(ins, 8, dataset);
            if (sqlite3_step(ins) != SQLITE_DONE)
                rc = nmS_store_sqlfail(store, "storing neighbours");
        }
    }
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    nmC_buf_free(&method);
    return rc;
}

#define NM_ATTR_DFE                                                                            \
    "Contains public sector information licensed under the Open Government Licence v3.0. "     \
    "Source: Department for Education, children's services statistical neighbour benchmarking."

nm_status nm_import_neighbours(nm_store *store, const nm_neighbours_opts *opts,
                               nm_import_result *result)
{
    nm_import_result local = {0};
    nm_sn_table sn = {0};
    long dataset = 0;
    nm_status rc;

    if (!result)
        result = &local;
    memset(result, 0, sizeof *result);
    rc = nm_neighbours_read(store, opts->in.path, opts->model, &sn);
    if (rc != NM_OK)
        return rc;
    result->rows = (long)sn.n;
    rc = nmS_store_begin(store);
    if (rc == NM_OK)
        rc = nmS_store_add_dataset(store, "neighbours", opts->in.path, NM_ATTR_DFE, &dataset);
    if (rc == NM_OK)
        rc = write_members(store, &sn, dataset);
    if (rc == NM_OK)
        rc = nmS_store_set_dataset_rows(store, dataset, (long)sn.n);
    if (rc == NM_OK)
        rc = nmS_store_commit(store);
    else
        nmS_store_rollback(store);
    result->stored = rc == NM_OK ? (long)sn.n : 0;
    result->dataset = dataset;
    nm_sn_table_clear(&sn);
    return rc;
}
