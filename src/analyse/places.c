/*
 * The place each area of a set lies in, by the memberships the store holds:
 * the ward of each LSOA that key facts name ("the most deprived LSOA, in
 * Kursaal ward"), and the ward or district of a class's areas that a map's
 * alt text names.  Asked here, beside the selections that use the same
 * memberships, so that the rules of which membership wins are analyse's
 * and not a report's.
 */
#include <string.h>

#include "analyse/analyse_int.h"

/* One LSOA's ward: memberships of any method, an official lookup first,
 * then a point-in-polygon one, then the largest area share.  An LSOA of
 * an older code year (?2) than the selection's (?4) takes the ward of its
 * parts by the stored LSOA lookup (the first, when split).  The name is
 * the ward's latest stored name, else its code. */
static const char *const sql_ward =
    "SELECT m.parent, COALESCE((SELECT w.name FROM area w WHERE w.code = m.parent AND "
    "w.level = 'ward' AND w.name IS NOT NULL ORDER BY w.vintage DESC LIMIT 1), m.parent) "
    "FROM membership m WHERE m.child IN (SELECT ?1 UNION ALL SELECT l.parent FROM membership l "
    " WHERE l.child = ?1 AND l.child_level = 'lsoa' AND l.child_vintage = ?2 "
    " AND l.parent_level = 'lsoa' AND l.parent_vintage = ?4) AND m.child_level = 'lsoa' AND "
    "m.child_vintage IN (?2, ?4) AND m.parent_level = 'ward' AND m.parent_vintage = ?3 "
    "ORDER BY m.child_vintage = ?2 DESC, CASE m.method WHEN 'lookup' "
    "THEN 0 WHEN 'point' THEN 1 ELSE 2 END, m.dataset DESC, m.weight DESC, m.child LIMIT 1";

void nm_area_wards_clear(nm_area_wards *w)
{
    size_t i;

    for (i = 0; i < w->n; i++) {
        nm_free(w->code[i]);
        nm_free(w->name[i]);
    }
    nm_free(w->code);
    nm_free(w->name);
    memset(w, 0, sizeof *w);
}

nm_status nm_areas_wards(nm_store *store, const nm_areas *set, int newer_vintage,
                         nm_area_wards *out)
{
    sqlite3_stmt *st = NULL;
    size_t i, n = nm_areas_count(set);
    nm_status rc;

    memset(out, 0, sizeof *out);
    /* the wards of the store's one rule, as tables, maps and summaries */
    out->vintage = nmS_store_vintage_of(store, "ward", 0);
    out->code = nm_calloc(n ? n : 1, sizeof *out->code);
    out->name = nm_calloc(n ? n : 1, sizeof *out->name);
    if (!out->code || !out->name) {
        nm_area_wards_clear(out);
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    out->n = n;
    rc = nmS_store_prepare(store, sql_ward, &st);
    for (i = 0; rc == NM_OK && i < n; i++) {
        sqlite3_bind_text(st, 1, nm_areas_code(set, i), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, nm_areas_vintage(set));
        sqlite3_bind_int(st, 3, out->vintage);
        sqlite3_bind_int(st, 4, newer_vintage ? newer_vintage : nm_areas_vintage(set));
        if (sqlite3_step(st) == SQLITE_ROW) {
            out->code[i] = nm_strdup((const char *)sqlite3_column_text(st, 0));
            out->name[i] = nm_strdup((const char *)sqlite3_column_text(st, 1));
            if (!out->code[i] || !out->name[i])
                rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
            out->found++;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc != NM_OK)
        nm_area_wards_clear(out);
    return rc;
}

/* The place (e.g. ward) an area belongs to: an official lookup first, then
 * the largest share.  The join order is fixed: without ANALYZE statistics
 * SQLite would scan every area of the level first. */
static const char *const sql_place =
    "SELECT p.name FROM membership m INDEXED BY membership_child CROSS JOIN area p "
    "WHERE m.child_level = ?1 AND m.child = ?2 AND m.parent_level = ?3 "
    "AND p.code = m.parent AND p.level = m.parent_level AND p.name IS NOT NULL "
    "ORDER BY m.method = 'lookup' DESC, m.weight DESC, p.name LIMIT 1";

/* Whether any area of level ?1 is a member of one of level ?2: a map of
 * England's LSOAs in a store without wards would otherwise ask for the
 * ward of each of its darkest and lightest 6,500 in vain. */
static const char *const sql_any_place =
    "SELECT 1 FROM membership INDEXED BY membership_parent "
    "WHERE parent_level = ?2 AND child_level = ?1 LIMIT 1";

static nm_status any_place(nm_store *store, const char *level, const char *place_level, int *yes)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(store, sql_any_place, &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, place_level, -1, SQLITE_STATIC);
    *yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return NM_OK;
}

void nm_place_names_free(char **names, size_t n)
{
    size_t i;

    for (i = 0; names && i < n; i++)
        nm_free(names[i]);
    nm_free(names);
}

nm_status nm_areas_place_names(nm_store *store, const nm_areas *set, const char *place_level,
                               const unsigned char *want, char ***out)
{
    sqlite3_stmt *st = NULL;
    size_t i, n = nm_areas_count(set);
    char **names = nm_calloc(n ? n : 1, sizeof *names);
    int placed = 0;
    nm_status rc = names ? NM_OK : nmC_fail(store->ctx, NM_NOMEM, "out of memory");

    *out = NULL;
    if (rc == NM_OK)
        rc = any_place(store, nm_areas_level(set), place_level, &placed);
    if (rc == NM_OK && placed)
        rc = nmS_store_prepare(store, sql_place, &st);
    for (i = 0; rc == NM_OK && placed && i < n; i++) {
        if (want && !want[i])
            continue;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, nm_areas_level(set), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, nm_areas_code(set, i), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, place_level, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW &&
            !(names[i] = nm_strdup((const char *)sqlite3_column_text(st, 0))))
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    sqlite3_finalize(st);
    if (rc != NM_OK) {
        nm_place_names_free(names, n);
        return rc;
    }
    *out = names;
    return NM_OK;
}
