/*
 * Localities: a council's own grouping of wards (West, Central, East), read
 * from a two-column table of ward and locality.  Wards are named by code or
 * by name, since councils keep such lists by name and spell them their own
 * way ("St Luke's" for ONS's "St. Luke's"); names are matched ignoring case
 * and punctuation, and must match one stored ward exactly.  A locality's
 * boundary is the union of its wards (SpatiaLite's ST_Union), so it lines
 * up with them on every map.  Drawing and aggregating are other modules'.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/values_int.h"
#include "needsmap/analyse.h"

#define DEFAULT_PREFIX "LOC-"

/* A stored ward of the vintage the localities are built from. */
typedef struct ward {
    char *code, *name, *key; /* key: the name folded for matching */
    long line;               /* line of the file that placed it, 0 if none */
    int locality;            /* index into the localities, -1 if none */
} ward;

typedef struct locality {
    char *name, *code;
    long line;   /* where it was first named */
    int nwards;
} locality;

typedef struct job {
    nm_store *store;
    nm_ctx *ctx;
    const nm_localities_opts *o;
    nmI_table *t;
    int ward_col, loc_col, code_col;
    int vintage;
    ward *wards;
    size_t nwards;
    locality *locs;
    int nlocs, caplocs;
    long rows;
    char prefix[48]; /* of the codes made: --code-prefix, else LOC- (LOC-E06000009- within) */
} job;

/* "St. Luke's" -> "stlukes": letters and digits only, lower case. */
static char *fold_name(const char *s)
{
    char *k = nm_malloc(strlen(s) + 1), *p = k;

    if (!k)
        return NULL;
    for (; *s; s++)
        if (isalnum((unsigned char)*s))
            *p++ = (char)tolower((unsigned char)*s);
    *p = '\0';
    return k;
}

/* "Leigh & Belfairs" -> "LOC-LEIGH-BELFAIRS". */
static char *make_code(const char *prefix, const char *name)
{
    nmC_buf b = {0};
    int gap = 0;

    nmC_buf_addf(&b, "%s", prefix);
    for (; *name; name++) {
        if (isalnum((unsigned char)*name)) {
            char c = (char)toupper((unsigned char)*name);
            if (gap && b.len > strlen(prefix))
                nmC_buf_add(&b, "-", 1);
            nmC_buf_add(&b, &c, 1);
            gap = 0;
        } else {
            gap = 1;
        }
    }
    return nmC_buf_take(&b);
}

static void job_free(job *j)
{
    size_t i;

    for (i = 0; i < j->nwards; i++) {
        nm_free(j->wards[i].code);
        nm_free(j->wards[i].name);
        nm_free(j->wards[i].key);
    }
    nm_free(j->wards);
    for (int k = 0; k < j->nlocs; k++) {
        nm_free(j->locs[k].name);
        nm_free(j->locs[k].code);
    }
    nm_free(j->locs);
    nmI_table_close(j->t);
}

/* The first heading of 'names' (a NULL-terminated list) present, or -1. */
static int find_any(const nmI_table *t, const char *const *names)
{
    for (; *names; names++) {
        int c = nmI_table_find(t, *names);
        if (c >= 0)
            return c;
    }
    return -1;
}

/* An ONS ward heading: the code (WD13CD) or, failing that, the name
 * (WD13NM). */
static int find_ward_column(const nmI_table *t)
{
    static const char *const names[] = {"ward", "ward code", "ward_code", "ward name",
                                        "ward_name", NULL};
    const char *level;
    int c = find_any(t, names), vintage, i;

    for (i = 0; c < 0 && i < nmI_table_ncols(t); i++)
        if (nm_ons_code_heading(nmI_table_heading(t, i), &level, &vintage) &&
            strcmp(level, "ward") == 0)
            c = i;
    for (i = 0; c < 0 && i < nmI_table_ncols(t); i++) {
        const char *h = nmI_table_heading(t, i);
        if (strlen(h) == 6 && tolower((unsigned char)h[0]) == 'w' &&
            tolower((unsigned char)h[1]) == 'd' && isdigit((unsigned char)h[2]) &&
            isdigit((unsigned char)h[3]) && tolower((unsigned char)h[4]) == 'n' &&
            tolower((unsigned char)h[5]) == 'm')
            c = i;
    }
    return c;
}

static nm_status find_columns(job *j)
{
    static const char *const loc_names[] = {"locality", "locality name", "locality_name", NULL};
    static const char *const code_names[] = {"locality code", "locality_code", NULL};
    const nm_localities_opts *o = j->o;
    char *all = NULL;
    nm_status rc = NM_OK;

    j->ward_col = o->ward_column ? nmI_table_find(j->t, o->ward_column) : find_ward_column(j->t);
    j->loc_col = o->locality_column ? nmI_table_find(j->t, o->locality_column)
                                    : find_any(j->t, loc_names);
    j->code_col = o->code_column ? nmI_table_find(j->t, o->code_column)
                                 : find_any(j->t, code_names);
    if (j->ward_col >= 0 && j->loc_col >= 0 && (j->code_col >= 0 || !o->code_column))
        return NM_OK;
    all = nmI_table_headings_text(j->t);
    if (j->ward_col < 0)
        rc = nmC_fail(j->ctx, NM_USAGE, "%s: no ward column%s%s%s; the columns are %s; give --ward",
                     o->in.path, o->ward_column ? " \"" : "", o->ward_column ? o->ward_column : "",
                     o->ward_column ? "\"" : "", all ? all : "");
    else if (j->loc_col < 0)
        rc = nmC_fail(j->ctx, NM_USAGE,
                     "%s: no locality column%s%s%s; the columns are %s; give --locality",
                     o->in.path, o->locality_column ? " \"" : "",
                     o->locality_column ? o->locality_column : "", o->locality_column ? "\"" : "",
                     all ? all : "");
    else
        rc = nmC_fail(j->ctx, NM_USAGE, "%s: no column \"%s\"; the columns are %s", o->in.path,
                     o->code_column, all ? all : "");
    nm_free(all);
    return rc;
}

/* With --within, only the wards of that area are matched: ward names
 * repeat across England ("Greenlands" is in Blackpool and elsewhere).  The
 * selection is analyse's, the one every figure within the area uses; the
 * scoped wards are also listed in nm_loc_scope for remove_earlier(). */
static nm_status keep_within(job *j)
{
    nm_areas *set = NULL;
    sqlite3_stmt *st = NULL;
    size_t i, w = 0, k = 0, n;
    nm_status rc = nm_areas_select(j->store, "ward", j->vintage, j->o->within, &set);

    if (rc == NM_OK)
        rc = nmS_store_exec(j->store, "CREATE TEMP TABLE IF NOT EXISTS nm_loc_scope(code TEXT "
                                     "PRIMARY KEY); DELETE FROM nm_loc_scope");
    if (rc == NM_OK)
        rc = nmS_store_prepare(j->store, "INSERT OR IGNORE INTO nm_loc_scope VALUES (?)", &st);
    n = rc == NM_OK ? nm_areas_count(set) : 0;
    /* both lists are in code order */
    for (i = 0; rc == NM_OK && i < j->nwards; i++) {
        int c = 1;
        while (k < n && (c = strcmp(nm_areas_code(set, k), j->wards[i].code)) < 0)
            k++;
        if (k < n && c == 0) {
            sqlite3_bind_text(st, 1, j->wards[i].code, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = nmS_store_sqlfail(j->store, "selecting wards");
            sqlite3_reset(st);
            j->wards[w++] = j->wards[i];
        } else {
            nm_free(j->wards[i].code);
            nm_free(j->wards[i].name);
            nm_free(j->wards[i].key);
        }
    }
    sqlite3_finalize(st);
    if (rc == NM_OK)
        j->nwards = w;
    nm_areas_free(set);
    return rc;
}

/* The wards of the latest vintage with boundaries, the ones a union can
 * be made of. */
static nm_status load_wards(job *j)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    nm_status rc;
    int s;

    rc = nmS_store_prepare(j->store,
                          "SELECT code, COALESCE(name, ''), vintage FROM area WHERE level = 'ward' "
                          "AND geom IS NOT NULL AND vintage = (SELECT MAX(vintage) FROM area "
                          "WHERE level = 'ward' AND geom IS NOT NULL) ORDER BY code",
                          &st);
    while (rc == NM_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        ward *w;
        if (j->nwards == cap) {
            ward *nw = nm_realloc(j->wards, (cap = cap ? cap * 2 : 64) * sizeof *nw);
            if (!nw) {
                rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
                break;
            }
            j->wards = nw;
        }
        w = &j->wards[j->nwards++];
        memset(w, 0, sizeof *w);
        w->locality = -1;
        w->code = nm_strdup((const char *)sqlite3_column_text(st, 0));
        w->name = nm_strdup((const char *)sqlite3_column_text(st, 1));
        w->key = w->name ? fold_name(w->name) : NULL;
        j->vintage = sqlite3_column_int(st, 2);
        if (!w->code || !w->key)
            rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    }
    if (rc == NM_OK && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(j->store, "reading wards");
    sqlite3_finalize(st);
    if (rc == NM_OK && j->nwards == 0)
        rc = nmC_fail(j->ctx, NM_NOTFOUND,
                     "no ward boundaries in the store: a locality is the union of its wards; "
                     "import them first (needsmap import boundaries FILE --level ward)");
    if (rc == NM_OK && j->o->within)
        rc = keep_within(j);
    return rc;
}

/* The ward a cell names: its code, else its name folded.  Returns the
 * index, -1 when none matches, -2 when the name is ambiguous. */
static long match_ward(const job *j, const char *cell, const char *key)
{
    long found = -1;
    size_t i;

    for (i = 0; i < j->nwards; i++)
        if (strcmp(j->wards[i].code, cell) == 0)
            return (long)i;
    for (i = 0; i < j->nwards && *key; i++)
        if (strcmp(j->wards[i].key, key) == 0) {
            if (found >= 0)
                return -2;
            found = (long)i;
        }
    return found;
}

static int find_locality(const job *j, const char *name)
{
    for (int k = 0; k < j->nlocs; k++)
        if (strcmp(j->locs[k].name, name) == 0)
            return k;
    return -1;
}

/* The locality named on this row, added when new; -1 on a problem
 * (recorded in d) or when memory ran out (*oom). */
static int row_locality(job *j, const char *name, const char *given, long line, nmC_diag *d,
                        int *oom)
{
    int k = find_locality(j, name);
    const char *prefix = j->prefix;

    if (k >= 0) {
        if (*given && strcmp(given, j->locs[k].code) != 0)
            nmC_diag_add(d, "code", line, "locality \"%s\" has code \"%s\" here but \"%s\" at line %ld",
                        name, given, j->locs[k].code, j->locs[k].line);
        return k;
    }
    if (j->nlocs == j->caplocs) {
        int cap = j->caplocs ? j->caplocs * 2 : 8;
        locality *nl = nm_realloc(j->locs, (size_t)cap * sizeof *nl);
        if (!nl)
            return *oom = 1, -1;
        j->locs = nl;
        j->caplocs = cap;
    }
    k = j->nlocs++;
    j->locs[k].name = nm_strdup(name);
    j->locs[k].code = *given ? nm_strdup(given) : make_code(prefix, name);
    j->locs[k].line = line;
    j->locs[k].nwards = 0;
    if (!j->locs[k].name || !j->locs[k].code)
        return *oom = 1, -1;
    for (int other = 0; other < k; other++)
        if (strcmp(j->locs[other].code, j->locs[k].code) == 0)
            nmC_diag_add(d, "samecode", line,
                        "localities \"%s\" and \"%s\" (line %ld) would both have code \"%s\"; "
                        "give a locality code column",
                        name, j->locs[other].name, j->locs[other].line, j->locs[k].code);
    return k;
}

static void place_ward(job *j, long w, int k, const char *cell, long line, nmC_diag *d)
{
    ward *wd = &j->wards[w];

    if (wd->locality >= 0 && wd->locality != k) {
        nmC_diag_add(d, "twice", line, "ward \"%s\" (%s) is in locality \"%s\" here and in \"%s\" "
                    "at line %ld; a ward belongs to one locality",
                    cell, wd->code, j->locs[k].name, j->locs[wd->locality].name, wd->line);
        return;
    }
    if (wd->locality < 0) {
        wd->locality = k;
        wd->line = line;
        j->locs[k].nwards++;
    }
}

static nm_status read_rows(job *j)
{
    nmC_diag *d = nmC_diag_new(j->ctx, j->o->in.path);
    nm_status rc = NM_OK;
    int got, oom = 0;

    if (!d)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    while (!oom && (got = nmI_table_next(j->t)) == 1) {
        const char *cell = nmI_table_cell(j->t, j->ward_col);
        const char *name = nmI_table_cell(j->t, j->loc_col);
        const char *given = j->code_col >= 0 ? nmI_table_cell(j->t, j->code_col) : "";
        long line = nmI_table_line(j->t), w;
        char *key;
        int k;

        if (!*cell && !*name)
            continue; /* a blank line */
        j->rows++;
        if (!*cell || !*name) {
            nmC_diag_add(d, "empty", line, "no %s on this row", *cell ? "locality" : "ward");
            continue;
        }
        if (!(key = fold_name(cell))) {
            oom = 1;
            break;
        }
        w = match_ward(j, cell, key);
        nm_free(key);
        if (w == -1)
            nmC_diag_add(d, "unknown", line, "unknown ward \"%s\": no stored ward %d%s%s has this "
                        "code or name", cell, j->vintage, j->o->within ? " within " : "",
                        j->o->within ? j->o->within : "");
        else if (w == -2)
            nmC_diag_add(d, "ambiguous", line, "ward name \"%s\" matches several stored wards%s%s; "
                        "give the ward code%s", cell, j->o->within ? " within " : "",
                        j->o->within ? j->o->within : "",
                        j->o->within ? "" : ", or --within the council");
        k = row_locality(j, name, given, line, d, &oom);
        if (w >= 0 && k >= 0)
            place_ward(j, w, k, cell, line, d);
    }
    if (oom)
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    else if (got < 0)
        rc = nm_errcode(j->ctx);
    else if (j->rows == 0)
        rc = nmC_fail(j->ctx, NM_BADDATA, "%s: no rows below the headings", j->o->in.path);
    else
        rc = nmC_diag_report(d, NM_LOG_ERROR, NM_BADDATA, "nothing was stored");
    nmC_diag_free(d);
    return rc;
}

/* Runs one statement of remove_earlier() with the vintage as ?1. */
static nm_status run_for_vintage(job *j, const char *sql)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(j->store, sql, &st);

    if (rc == NM_OK) {
        sqlite3_bind_int(st, 1, j->vintage);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = nmS_store_sqlfail(j->store, "replacing localities");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Replaces the localities of this vintage and their memberships: all of
 * them, or with --within those holding a ward of the area, so that one
 * council's localities leave another's alone. */
static nm_status remove_earlier(job *j)
{
    nm_status rc;

    if (!j->o->within) {
        rc = run_for_vintage(j, "DELETE FROM membership WHERE parent_level = 'locality' AND "
                                "parent_vintage = ?1 AND method = 'lookup'");
        return rc == NM_OK
                   ? run_for_vintage(j, "DELETE FROM area WHERE level = 'locality' AND vintage = ?1")
                   : rc;
    }
    rc = nmS_store_exec(j->store, "CREATE TEMP TABLE IF NOT EXISTS nm_loc_gone(code TEXT "
                                 "PRIMARY KEY); DELETE FROM nm_loc_gone;");
    if (rc == NM_OK)
        rc = run_for_vintage(j, "INSERT OR IGNORE INTO nm_loc_gone SELECT parent FROM membership "
                                "WHERE parent_level = 'locality' AND parent_vintage = ?1 AND "
                                "method = 'lookup' AND child IN (SELECT code FROM nm_loc_scope)");
    if (rc == NM_OK)
        rc = run_for_vintage(j, "DELETE FROM membership WHERE parent_level = 'locality' AND "
                                "parent_vintage = ?1 AND method = 'lookup' AND parent IN "
                                "(SELECT code FROM nm_loc_gone)");
    if (rc == NM_OK)
        rc = run_for_vintage(j, "DELETE FROM area WHERE level = 'locality' AND vintage = ?1 AND "
                                "code IN (SELECT code FROM nm_loc_gone)");
    return rc;
}

/* The boundary of locality k: the union of its wards, listed in the
 * temporary table nm_loc_wards. */
static nm_status insert_locality(job *j, int k, long dataset, long *repaired)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_exec(j->store, "DELETE FROM nm_loc_wards");
    size_t i;

    if (rc == NM_OK)
        rc = nmS_store_prepare(j->store, "INSERT INTO nm_loc_wards VALUES (?)", &st);
    for (i = 0; rc == NM_OK && i < j->nwards; i++) {
        if (j->wards[i].locality != k)
            continue;
        sqlite3_bind_text(st, 1, j->wards[i].code, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = nmS_store_sqlfail(j->store, "building a locality");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    st = NULL;
    /* a union of valid wards is valid; the zero-width buffer repairs one
       made of invalid wards (England has one) rather than storing it */
    if (rc == NM_OK)
        rc = nmS_store_prepare(
            j->store,
            "WITH u(g) AS (SELECT ST_Union(a.geom) FROM area a JOIN nm_loc_wards l ON "
            "l.code = a.code WHERE a.level = 'ward' AND a.vintage = ?4) "
            "INSERT INTO area(code, name, level, vintage, dataset, geom) "
            "SELECT ?1, ?2, 'locality', ?4, ?3, CastToMultiPolygon(CASE WHEN ST_IsValid(g) THEN g "
            "ELSE ST_Buffer(g, 0) END) FROM u RETURNING ST_IsValid(geom), geom IS NULL",
            &st);
    if (rc == NM_OK) {
        sqlite3_bind_text(st, 1, j->locs[k].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, j->locs[k].name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, dataset);
        sqlite3_bind_int(st, 4, j->vintage);
        if (sqlite3_step(st) != SQLITE_ROW)
            rc = nmS_store_sqlfail(j->store, "storing a locality");
        else if (sqlite3_column_int(st, 1))
            rc = nmC_fail(j->ctx, NM_BADDATA, "%s: the wards of locality \"%s\" could not be joined "
                         "into one boundary", j->o->in.path, j->locs[k].name);
        else if (!sqlite3_column_int(st, 0))
            ++*repaired;
        while (rc == NM_OK && sqlite3_step(st) == SQLITE_ROW)
            ;
    }
    sqlite3_finalize(st);
    return rc;
}

static nm_status store_memberships(job *j, long dataset)
{
    nmI_members m = {0};
    nm_status rc;
    size_t i;

    m.child_level = "ward";
    m.child_vintage = j->vintage;
    m.parent_level = "locality";
    m.parent_vintage = j->vintage;
    m.dataset = dataset;
    rc = nmI_members_open(j->store, &m);
    for (i = 0; rc == NM_OK && i < j->nwards; i++) {
        if (j->wards[i].locality < 0)
            continue;
        rc = nmI_members_clear(&m, j->wards[i].code);
        if (rc == NM_OK)
            rc = nmI_members_add(&m, j->wards[i].code, j->locs[j->wards[i].locality].code, 1.0,
                                NULL);
    }
    nmI_members_close(&m);
    return rc;
}

/* The attribution of the wards' boundaries: a locality is drawn from them. */
static char *ward_attribution(job *j)
{
    sqlite3_stmt *st = NULL;
    char *text = NULL;

    if (nmS_store_prepare(j->store,
                         "SELECT d.attribution FROM area a JOIN dataset d ON d.id = a.dataset "
                         "WHERE a.level = 'ward' AND a.vintage = ? AND a.geom IS NOT NULL AND "
                         "d.attribution IS NOT NULL LIMIT 1",
                         &st) == NM_OK) {
        sqlite3_bind_int(st, 1, j->vintage);
        if (sqlite3_step(st) == SQLITE_ROW)
            text = nm_strdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return text ? text : nm_strdup(NM_ATTR_ONS_BOUNDARIES);
}

static nm_status store_all(job *j, nm_import_result *res)
{
    char *attribution = ward_attribution(j);
    nm_status rc = attribution ? nmS_store_begin(j->store) : nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    long dataset = 0;

    if (rc != NM_OK) {
        nm_free(attribution);
        return rc;
    }
    rc = nmS_store_exec(j->store, "CREATE TEMP TABLE IF NOT EXISTS nm_loc_wards(code TEXT)");
    if (rc == NM_OK)
        rc = nmS_store_add_dataset(j->store, "localities", j->o->in.path, attribution, &dataset);
    if (rc == NM_OK)
        rc = remove_earlier(j);
    for (int k = 0; rc == NM_OK && k < j->nlocs; k++)
        rc = insert_locality(j, k, dataset, &res->repaired);
    if (rc == NM_OK)
        rc = store_memberships(j, dataset);
    if (rc == NM_OK)
        rc = nmS_store_set_dataset_rows(j->store, dataset, j->rows);
    if (rc == NM_OK)
        rc = nmS_store_commit(j->store);
    else
        nmS_store_rollback(j->store);
    res->dataset = rc == NM_OK ? dataset : 0;
    res->stored = rc == NM_OK ? j->nlocs : 0;
    nm_free(attribution);
    return rc;
}

nm_status nm_import_localities(nm_store *store, const nm_localities_opts *opts,
                               nm_import_result *result)
{
    nm_import_result local = {0};
    job j = {0};
    nm_status rc;
    size_t i, left = 0;

    j.store = store;
    j.ctx = nm_store_ctx(store);
    j.o = opts;
    nmC_clear(j.ctx);
    if (opts->code_prefix)
        nmC_strlcpy(j.prefix, opts->code_prefix, sizeof j.prefix);
    else
        snprintf(j.prefix, sizeof j.prefix, "%s%s%s", DEFAULT_PREFIX,
                 opts->within ? opts->within : "", opts->within ? "-" : "");
    if (!result)
        result = &local;
    memset(result, 0, sizeof *result);
    rc = nmI_table_open(j.ctx, opts->in.path, NULL, NULL, &j.t);
    if (rc == NM_OK)
        rc = find_columns(&j);
    if (rc == NM_OK)
        rc = load_wards(&j);
    if (rc == NM_OK)
        rc = read_rows(&j);
    result->rows = j.rows;
    if (rc == NM_OK)
        rc = store_all(&j, result);
    if (rc == NM_OK) {
        for (i = 0; i < j.nwards; i++)
            left += j.wards[i].locality < 0;
        /* the file may cover one council of an England-wide store */
        nmC_log(j.ctx, NM_LOG_INFO, "%s: %d localities of %ld wards (%zu other wards stored)",
               opts->in.path, j.nlocs, j.rows, left);
    }
    job_free(&j);
    return rc;
}
