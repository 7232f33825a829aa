/*
 * Which code years a run uses.  One rule, here only: the year of a level
 * is the one the user named (nm_store_set_vintage, --ward-vintage), else
 * the latest with stored boundaries, else the latest any membership leads
 * to; the memberships into it are those of the best method (lookup, then
 * point, then area), of the latest dataset among equals.  Also the words
 * every output uses to name them, and where two stored lookups disagree.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

void nm_store_set_vintage(nm_store *store, const char *level, int vintage)
{
    if (!store || !level)
        return;
    nmC_strlcpy(store->vlevel, vintage > 0 ? level : "", sizeof store->vlevel);
    store->vvintage = vintage > 0 ? vintage : 0;
}

int nmS_store_vintage_of(nm_store *store, const char *level, int drawn)
{
    sqlite3_stmt *st = NULL;
    int v = 0;

    if (store->vvintage > 0 && strcmp(store->vlevel, level) == 0)
        return store->vvintage;
    if (sqlite3_prepare_v2(store->db,
                           drawn ? "SELECT MAX(vintage) FROM area WHERE level = ?1 AND geom IS NOT NULL"
                                 : "SELECT coalesce((SELECT MAX(vintage) FROM area WHERE level = ?1 "
                                   "AND geom IS NOT NULL), (SELECT MAX(parent_vintage) FROM "
                                   "membership WHERE parent_level = ?1))",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}

/* A level as a sentence names it: "LSOA", "MSOA", "LAD"; others as they are. */
const char *nmS_level_word(const char *level)
{
    static const char *const upper[][2] = {{"lsoa", "LSOA"}, {"msoa", "MSOA"}, {"oa", "OA"},
                                           {"lad", "LAD"}, {"utla", "UTLA"}};
    for (size_t i = 0; i < sizeof upper / sizeof upper[0]; i++)
        if (strcmp(level, upper[i][0]) == 0)
            return upper[i][1];
    return level;
}

static int has_boundaries(nm_store *store, const char *level, int vintage)
{
    sqlite3_stmt *st = NULL;
    int yes = 0;

    if (sqlite3_prepare_v2(store->db,
                           "SELECT EXISTS (SELECT 1 FROM area WHERE level = ? AND vintage = ? AND "
                           "geom IS NOT NULL)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, level, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, vintage);
        yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return yes;
}

/* Binds ?1..?4: the child level and year, the parent level and year. */
static void bind_levels(sqlite3_stmt *st, const char *child_level, int child_vintage,
                        const char *parent_level, int parent_vintage)
{
    sqlite3_bind_text(st, 1, child_level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, child_vintage);
    sqlite3_bind_text(st, 3, parent_level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, parent_vintage);
}

/* How a membership of 'method' was made, after "by". */
static const char *method_words(const char *method)
{
    return strcmp(method, "point") == 0 ? "interior point (needsmap assign)"
                                        : "share of area (needsmap assign)";
}

/* The file name of a dataset path, for a sentence. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

nm_status nmS_store_members_said(nm_store *store, const char *child_level, int child_vintage,
                                const char *parent_level, int parent_vintage, nmC_buf *out)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(
        store,
        "SELECT m.method, coalesce(d.file, ''), COUNT(*) FROM membership m "
        "LEFT JOIN dataset d ON d.id = m.dataset WHERE m.child_level = ?1 AND m.child_vintage = ?2 "
        "AND m.parent_level = ?3 AND m.parent_vintage = ?4 GROUP BY m.method, m.dataset "
        "ORDER BY CASE m.method WHEN 'lookup' THEN 0 WHEN 'point' THEN 1 ELSE 2 END, "
        "m.dataset DESC LIMIT 1",
        &st);

    if (rc != NM_OK)
        return rc;
    bind_levels(st, child_level, child_vintage, parent_level, parent_vintage);
    nmC_buf_addf(out, "%s %d %s; ", parent_level, parent_vintage,
                has_boundaries(store, parent_level, parent_vintage) ? "boundaries"
                                                                    : "codes (no boundaries stored)");
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *method = (const char *)sqlite3_column_text(st, 0);
        const char *file = (const char *)sqlite3_column_text(st, 1);
        nmC_buf_addf(out, "%s %d to %s %d by ", nmS_level_word(child_level), child_vintage,
                    parent_level, parent_vintage);
        if (strcmp(method, "lookup") == 0)
            nmC_buf_addf(out, "the lookup %s", base_name(file));
        else
            nmC_buf_addf(out, "%s", method_words(method));
    } else {
        nmC_buf_addf(out, "no %s %d to %s %d memberships", nmS_level_word(child_level),
                    child_vintage, parent_level, parent_vintage);
    }
    sqlite3_finalize(st);
    return out->failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory") : NM_OK;
}

/* The parent of each child under the memberships of one dataset, by name
 * where codes of different years are compared. */
static const char *const differ_sql =
    "WITH pick AS (SELECT m.child, m.parent, m.dataset, m.parent_vintage, "
    "  coalesce((SELECT a.name FROM area a WHERE a.code = m.parent AND a.level = m.parent_level "
    "   AND a.vintage = m.parent_vintage AND a.name IS NOT NULL LIMIT 1), m.parent) AS name, "
    "  RANK() OVER (PARTITION BY m.child, m.dataset ORDER BY m.weight DESC, m.parent) AS r "
    "  FROM membership m JOIN nm_vset s ON s.code = m.child "
    "  WHERE m.child_level = ?1 AND m.child_vintage = ?2 AND m.parent_level = ?3 "
    "  AND m.method IN ('lookup', 'point')), "
    "chosen AS (SELECT * FROM pick WHERE r = 1 AND parent_vintage = ?4 AND dataset = "
    "  (SELECT dataset FROM pick WHERE r = 1 AND parent_vintage = ?4 ORDER BY dataset DESC LIMIT 1)) "
    "SELECT o.dataset, coalesce(d.file, ''), o.parent_vintage, c.child, c.name, o.name "
    "FROM chosen c JOIN pick o ON o.child = c.child AND o.r = 1 AND o.dataset <> c.dataset "
    "LEFT JOIN dataset d ON d.id = o.dataset "
    "WHERE (o.parent_vintage = c.parent_vintage AND o.parent <> c.parent) "
    "OR (o.parent_vintage <> c.parent_vintage AND o.name <> c.name) "
    "ORDER BY o.dataset, c.child";

static nm_status fill_codes(nm_store *store, const char *const *codes, size_t n)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_exec(store, "CREATE TEMP TABLE IF NOT EXISTS nm_vset(code TEXT PRIMARY KEY);"
                                        "DELETE FROM nm_vset;");
    size_t i;

    if (rc == NM_OK)
        rc = nmS_store_prepare(store, "INSERT OR IGNORE INTO nm_vset VALUES (?)", &st);
    for (i = 0; rc == NM_OK && i < n; i++) {
        sqlite3_bind_text(st, 1, codes[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = nmS_store_sqlfail(store, "comparing memberships");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Ends the sentence of one other lookup. */
static void said_one(nmC_buf *out, const char *level, const char *parent_level, long n,
                     long shown, const nmC_buf *head, const nmC_buf *list)
{
    nmC_buf_addf(out, "%s%ld %s%s %s in another %s by %s: %s%s.", out->len ? " " : "", n,
                nmS_level_word(level),
                n == 1 ? "" : "s", n == 1 ? "lies" : "lie", parent_level,
                head->data ? head->data : "", list->data ? list->data : "",
                n > shown ? ", ..." : "");
}

nm_status nmS_store_members_differ(nm_store *store, const char *child_level, int child_vintage,
                                  const char *const *codes, size_t ncodes, const char *parent_level,
                                  int parent_vintage, nmC_buf *out, long *count)
{
    sqlite3_stmt *st = NULL;
    long dataset = -1, n = 0, shown = 0, total = 0;
    nmC_buf head = {0}, list = {0};
    int s = SQLITE_DONE;
    nm_status rc = fill_codes(store, codes, ncodes);

    *count = 0;
    if (rc == NM_OK)
        rc = nmS_store_prepare(store, differ_sql, &st);
    if (rc != NM_OK)
        return rc;
    bind_levels(st, child_level, child_vintage, parent_level, parent_vintage);
    /* a sentence per other lookup: "6 lsoas lie in another ward by the
       lookup X (ward 2019): E01026796 (Bowthorpe; University), ..." */
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        long d = (long)sqlite3_column_int64(st, 0);
        if (d != dataset) {
            if (dataset >= 0)
                said_one(out, child_level, parent_level, n, shown, &head, &list);
            total += n;
            n = shown = 0;
            nmC_buf_free(&head);
            nmC_buf_free(&list);
            nmC_buf_addf(&head, "the lookup %s (%s %d)",
                        base_name((const char *)sqlite3_column_text(st, 1)), parent_level,
                        sqlite3_column_int(st, 2));
            dataset = d;
        }
        if (shown < 10) {
            nmC_buf_addf(&list, "%s%s (%s; %s)", shown ? ", " : "",
                        (const char *)sqlite3_column_text(st, 3),
                        (const char *)sqlite3_column_text(st, 4),
                        (const char *)sqlite3_column_text(st, 5));
            shown++;
        }
        n++;
    }
    if (dataset >= 0)
        said_one(out, child_level, parent_level, n, shown, &head, &list);
    total += n;
    if (s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "comparing memberships");
    sqlite3_finalize(st);
    nmC_buf_free(&head);
    nmC_buf_free(&list);
    *count = total;
    if (rc == NM_OK && out->failed)
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    return rc;
}

/* ---- how a selection within an area was found ------------------------------ */

/* The memberships followed down from the area (as select_by_membership
 * walks them), each step grouped by its levels, years, method and
 * source, with the number of areas it reached. */
static const char *const descent_sql =
    "WITH RECURSIVE d(code, level, cv, pl, pv, method, ds) AS ("
    "  VALUES (?1, ?2, NULL, NULL, NULL, NULL, NULL) UNION "
    "  SELECT m.child, m.child_level, m.child_vintage, m.parent_level, m.parent_vintage, m.method, "
    "  m.dataset FROM membership m JOIN d ON m.parent = d.code AND m.parent_level = d.level "
    "  WHERE m.child_level <> m.parent_level) "
    "SELECT d.level, d.cv, d.pl, d.pv, d.method, coalesce(s.file, ''), coalesce(s.kind, ''), "
    "count(*) FROM d "
    "LEFT JOIN dataset s ON s.id = d.ds WHERE d.cv IS NOT NULL "
    "GROUP BY d.level, d.cv, d.pl, d.pv, d.method, d.ds ORDER BY count(*) DESC, d.ds DESC";

typedef struct step {
    char child[16], parent[16], method[16], file[256], kind[32];
    int child_vintage, parent_vintage, kept;
} step;

enum { MAX_STEPS = 16 };

/* Keeps the steps that lead to the areas selected: those reaching the
 * level and year drawn, then the steps above them, one per level (the
 * one that reached most areas, listed first). */
static void keep_leading(step *s, int n, const char *level, int vintage)
{
    const char *below = level;
    int depth, i;

    for (depth = 0; depth < n && below; depth++) {
        const char *next = NULL;
        for (i = 0; i < n; i++) {
            if (s[i].kept || strcmp(s[i].child, below) != 0 ||
                (depth == 0 && s[i].child_vintage != vintage))
                continue;
            s[i].kept = depth + 1;
            next = s[i].parent;
            break;
        }
        below = next;
    }
}

static void say_step(nmC_buf *out, const step *s)
{
    nmC_buf_addf(out, "%s %d to %s %d by ", nmS_level_word(s->child), s->child_vintage,
                nmS_level_word(s->parent), s->parent_vintage);
    /* an IoD file's own district codes are a lookup only in effect */
    if (strcmp(s->method, "lookup") == 0 && strcmp(s->kind, "lookup") != 0 && *s->file)
        nmC_buf_addf(out, "the %s codes of %s", nmS_level_word(s->parent), base_name(s->file));
    else if (strcmp(s->method, "lookup") == 0)
        nmC_buf_addf(out, "the lookup %s", *s->file ? base_name(s->file) : "(no file)");
    else
        nmC_buf_addf(out, "%s", method_words(s->method));
}

nm_status nmS_store_descent_said(nm_store *store, const char *code, const char *code_level,
                                const char *level, int vintage, int by_position, nmC_buf *out)
{
    sqlite3_stmt *st = NULL;
    step s[MAX_STEPS];
    int n = 0, depth, i, said = 0;
    char key[160];
    const char *known;
    size_t before = out->len;
    nm_status rc;

    if (by_position) {
        nmC_buf_addf(out, "%s %d whose interior point lies within the %s boundary",
                    nmS_level_word(level), vintage, nmS_level_word(code_level));
        return out->failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory") : NM_OK;
    }
    /* the maps of a build ask it of each council five times */
    snprintf(key, sizeof key, "descent\x1f%s\x1f%s\x1f%s\x1f%d", code, code_level, level,
             vintage);
    if ((known = nmS_store_memo_text(store, key)) != NULL) {
        nmC_buf_add(out, known, strlen(known));
        return out->failed ? nmC_fail(store->ctx, NM_NOMEM, "out of memory") : NM_OK;
    }
    rc = nmS_store_prepare(store, descent_sql, &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, code_level, -1, SQLITE_STATIC);
    while (n < MAX_STEPS && sqlite3_step(st) == SQLITE_ROW) {
        memset(&s[n], 0, sizeof s[n]);
        nmC_strlcpy(s[n].child, (const char *)sqlite3_column_text(st, 0), sizeof s[n].child);
        s[n].child_vintage = sqlite3_column_int(st, 1);
        nmC_strlcpy(s[n].parent, (const char *)sqlite3_column_text(st, 2), sizeof s[n].parent);
        s[n].parent_vintage = sqlite3_column_int(st, 3);
        nmC_strlcpy(s[n].method, (const char *)sqlite3_column_text(st, 4), sizeof s[n].method);
        nmC_strlcpy(s[n].file, (const char *)sqlite3_column_text(st, 5), sizeof s[n].file);
        nmC_strlcpy(s[n].kind, (const char *)sqlite3_column_text(st, 6), sizeof s[n].kind);
        n++;
    }
    sqlite3_finalize(st);
    keep_leading(s, n, level, vintage);
    /* areas found above the memberships (the wards of a council's LSOAs):
       the steps to the level that reached most */
    for (i = 0; i < n && !s[i].kept; i++)
        ;
    if (i == n && n > 0)
        keep_leading(s, n, s[0].child, s[0].child_vintage);
    for (depth = 1; depth <= n; depth++)
        for (i = 0; i < n; i++)
            if (s[i].kept == depth) {
                nmC_buf_addf(out, "%s", said++ ? "; " : "");
                say_step(out, &s[i]);
            }
    if (out->failed)
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    nmS_store_memo_keep_text(store, key, out->data ? out->data + before : "");
    return NM_OK;
}
