/*
 * Provenance of a map: which datasets of the store it reads.  The answer is
 * a short list of SQL queries whose union is those datasets' ids, so that
 * the sidecar (which lists them with their checksums) and the build (which
 * rebuilds a figure when one changes, asking once for many figures) agree
 * by construction.  The lists err on the side of too many datasets: a
 * figure rebuilt needlessly is slower, one left stale is wrong.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "store/store_int.h"

/* The areas drawn and outlined: their boundaries.  The datasets are few
 * and the areas many, so the index is walked from one dataset to the next
 * (a seek each) instead of read whole: DISTINCT over England's 33,755
 * LSOAs was 4 ms of every build's judging. */
static const char *const sql_areas =
    "WITH RECURSIVE d(x) AS (SELECT (SELECT min(dataset) FROM area WHERE level = ?1) "
    "UNION ALL SELECT (SELECT min(dataset) FROM area WHERE level = ?1 AND dataset > d.x) "
    "FROM d WHERE d.x IS NOT NULL) SELECT x FROM d WHERE x IS NOT NULL";
/* The indicator as nm_values_read finds it: the latest period unless one
 * is given; a computed one of the level under "<level>_<id>". */
static const char *const sql_indicator =
    "SELECT DISTINCT p.dataset FROM indicator_part p WHERE p.dataset IS NOT NULL AND p.indicator IN "
    "(SELECT id FROM indicator WHERE key IN (?1, ?3 || '_' || ?1) "
    "AND (?2 IS NULL OR period = ?2) ORDER BY period DESC LIMIT 1)";
/* Memberships leading from the level's areas (of the vintage drawn) to any
 * larger area: the parent given as 'within' or the overlay level.  Not
 * narrowed to the parent's own level, so that the maps of 300 authorities
 * ask one question, not 300. */
/* Walked from dataset to dataset like sql_areas (index membership_dataset),
 * each kept when one of its rows leads to another level: two seeks, below
 * and above the level's own name. */
static const char *const sql_members =
    "WITH RECURSIVE v(y) AS (SELECT CAST(coalesce(NULLIF(?2, '0'), "
    "(SELECT max(vintage) FROM area WHERE level = ?1)) AS INTEGER)), "
    "d(x, y) AS (SELECT (SELECT min(dataset) FROM membership WHERE child_level = ?1 "
    "AND child_vintage = v.y), v.y FROM v UNION ALL SELECT (SELECT min(dataset) FROM membership "
    "WHERE child_level = ?1 AND child_vintage = d.y AND dataset > d.x), d.y FROM d "
    "WHERE d.x IS NOT NULL) "
    "SELECT x FROM d WHERE x IS NOT NULL AND (EXISTS (SELECT 1 FROM membership WHERE "
    "child_level = ?1 AND child_vintage = d.y AND dataset = d.x AND parent_level < ?1) OR "
    "EXISTS (SELECT 1 FROM membership WHERE child_level = ?1 AND child_vintage = d.y AND "
    "dataset = d.x AND parent_level > ?1))";
/* Values of another code vintage are carried through the level's own
 * lookup between vintages (LSOA 2001 -> 2011).  The test of the vintages
 * goes first, as a row that is there or not, and the lookup is found
 * through its parent level: as one WHERE the test was made on every
 * membership of the level's areas (10 ms a figure on England's LSOAs). */
static const char *const sql_vintages =
    "SELECT DISTINCT m.dataset FROM (SELECT 1 WHERE (SELECT vintage FROM indicator "
    "WHERE key = ?2 ORDER BY period DESC LIMIT 1) <> (SELECT max(vintage) FROM area "
    "WHERE level = ?1)) CROSS JOIN membership m INDEXED BY membership_parent "
    "WHERE m.parent_level = ?1 AND m.child_level = ?1 AND m.dataset IS NOT NULL";

int nm_map_input_queries(const nm_choropleth_opts *o, nm_input_query *q)
{
    const char *level = o->level ? o->level : "lsoa";
    const char *over = o->overlay ? o->overlay : o->labels;
    int n = 0;

    q[n++] = (nm_input_query){sql_areas, {level}, 1, ""};
    if (over)
        q[n++] = (nm_input_query){sql_areas, {over}, 1, ""};
    q[n++] = (nm_input_query){sql_indicator, {o->indicator, o->period, level}, 3, ""};
    q[n++] = (nm_input_query){sql_vintages, {level, o->indicator}, 2, ""};
    if (o->within || over) {
        q[n] = (nm_input_query){sql_members, {level, NULL}, 2, ""};
        snprintf(q[n].buf, sizeof q[n].buf, "%d", o->vintage);
        q[n].params[1] = q[n].buf;
        n++;
    }
    return n;
}

/* Adds the ids one query returns to 'ids' (n of them, room for *cap),
 * skipping duplicates; the answers come from the connection's memo, since
 * every map of a build asks the same. */
static nm_status collect(nm_store *store, const nm_input_query *q, long **ids, size_t *n,
                         size_t *cap)
{
    const long *got = NULL;
    int ngot = 0, j;
    size_t i;
    nm_status rc = nmS_store_memo_ids(store, q->sql, q->params, q->nparams,
                                     "listing a map's datasets", &got, &ngot);

    for (j = 0; rc == NM_OK && j < ngot; j++) {
        for (i = 0; i < *n && (*ids)[i] != got[j]; i++)
            ;
        if (i < *n)
            continue;
        if (*n == *cap) {
            size_t c = *cap ? *cap * 2 : 16;
            long *p = nm_realloc(*ids, c * sizeof *p);
            if (!p)
                return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
            *ids = p;
            *cap = c;
        }
        (*ids)[(*n)++] = got[j];
    }
    return rc;
}

static int by_id(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

nm_status nm_map_inputs(nm_store *store, const nm_choropleth_opts *o, long **ids, size_t *n)
{
    nm_input_query q[NM_INPUT_QUERIES_MAX];
    int nq = nm_map_input_queries(o, q), i;
    size_t cap = 0;
    nm_status rc = NM_OK;

    *ids = NULL;
    *n = 0;
    for (i = 0; rc == NM_OK && i < nq; i++)
        rc = collect(store, &q[i], ids, n, &cap);
    if (rc != NM_OK) {
        nm_free(*ids);
        *ids = NULL;
        *n = 0;
        return rc;
    }
    if (*n)
        qsort(*ids, *n, sizeof **ids, by_id);
    return NM_OK;
}

nm_status nmP_map_inputs_json(nm_store *store, const nm_choropleth_opts *o, json_object **out)
{
    long *ids = NULL;
    size_t n = 0, i;
    sqlite3_stmt *st = NULL;
    json_object *arr = NULL;
    nm_status rc = nm_map_inputs(store, o, &ids, &n);

    if (rc == NM_OK)
        rc = nmS_store_prepare(store, "SELECT kind, file, sha256, imported_at, attribution "
                                     "FROM dataset WHERE id = ?", &st);
    if (rc == NM_OK && !(arr = json_object_new_array()))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    for (i = 0; rc == NM_OK && i < n; i++) {
        json_object *d;
        int c;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, ids[i]);
        if (sqlite3_step(st) != SQLITE_ROW)
            continue;
        d = json_object_new_object();
        json_object_object_add(d, "dataset", json_object_new_int64(ids[i]));
        for (c = 0; c < 5; c++) {
            const char *v = (const char *)sqlite3_column_text(st, c);
            json_object_object_add(d, sqlite3_column_name(st, c),
                                   v ? json_object_new_string(v) : NULL);
        }
        json_object_array_add(arr, d);
    }
    sqlite3_finalize(st);
    nm_free(ids);
    if (rc != NM_OK) {
        json_object_put(arr);
        arr = NULL;
    }
    *out = arr;
    return rc;
}

nm_status nmP_wards_said(nm_store *store, const nm_areas *lsoas, char **out)
{
    nmC_buf b = {0}, differ = {0};
    size_t i, n = nm_areas_count(lsoas);
    const char **codes = nm_malloc((n ? n : 1) * sizeof *codes);
    int wv = nmS_store_vintage_of(store, "ward", 0);
    long moved = 0;
    nm_status rc;

    *out = NULL;
    if (!codes)
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < n; i++)
        codes[i] = nm_areas_code(lsoas, i);
    nmC_buf_addf(&b, "Wards: ");
    rc = nmS_store_members_said(store, nm_areas_level(lsoas), nm_areas_vintage(lsoas), "ward", wv,
                               &b);
    if (rc == NM_OK)
        rc = nmS_store_members_differ(store, nm_areas_level(lsoas), nm_areas_vintage(lsoas), codes,
                                     n, "ward", wv, &differ, &moved);
    nmC_buf_addf(&b, ".");
    if (rc == NM_OK && moved > 0)
        nmC_buf_addf(&b, " %s", differ.data);
    nm_free(codes);
    nmC_buf_free(&differ);
    if (rc == NM_OK && !(*out = nmC_buf_take(&b)))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    nmC_buf_free(&b);
    return rc;
}

nm_status nmP_wards_said_within(nm_store *store, const char *within, char **out)
{
    nm_areas *lsoas = NULL;
    nm_status rc;

    *out = NULL;
    rc = nm_areas_select(store, "lsoa", 0, within, &lsoas);
    if (rc == NM_OK)
        rc = nmP_wards_said(store, lsoas, out);
    nm_areas_free(lsoas);
    if (rc != NM_OK) {
        /* no LSOAs to speak of (a store of wards alone): nothing to say */
        nmC_clear(store->ctx);
        rc = NM_OK;
    }
    return rc;
}

nm_status nmP_boundaries_said(nm_store *store, const nm_areas *a, const char *overlay,
                             const char *labels, const char *within, char **out)
{
    const char *level = nm_areas_level(a), *named = overlay ? overlay : labels;
    int wards = strcmp(level, "ward") == 0 || (named && strcmp(named, "ward") == 0);
    char *said = NULL, *chosen = NULL;
    nmC_buf b = {0};
    nm_status rc = NM_OK;

    *out = NULL;
    /* the wards drawn or summed, and the lookup that gave them */
    if (wards)
        rc = nmP_wards_said_within(store, within, &said);
    /* a map of wards: that sentence names both years already */
    if (!said || strcmp(level, "ward") != 0) {
        nmC_buf_addf(&b, "Boundaries: %s %d", nmS_level_word(level), nm_areas_vintage(a));
        if (overlay && strcmp(overlay, level) != 0 && strcmp(overlay, "ward") != 0)
            nmC_buf_addf(&b, "; %s %d outlines", nmS_level_word(overlay),
                        nmS_store_vintage_of(store, overlay, 1));
        /* --labels alone: the boundaries place the names, nothing is drawn */
        else if (!overlay && named && strcmp(named, level) != 0 && strcmp(named, "ward") != 0)
            nmC_buf_addf(&b, "; names placed by %s %d boundaries", nmS_level_word(named),
                        nmS_store_vintage_of(store, named, 1));
        nmC_buf_add(&b, ".", 1);
    }
    /* which lookups chose the areas within the council or county */
    if (rc == NM_OK)
        rc = nm_areas_selection_said(store, a, &chosen);
    if (rc == NM_OK && chosen)
        nmC_buf_addf(&b, "%s%s", b.len ? " " : "", chosen);
    if (rc == NM_OK && said)
        nmC_buf_addf(&b, "%s%s", b.len ? " " : "", said);
    nm_free(chosen);
    nm_free(said);
    if (rc == NM_OK && !(*out = nmC_buf_take(&b)))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    nmC_buf_free(&b);
    return rc;
}
