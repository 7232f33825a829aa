/*
 * What the user typed for an area or an indicator, turned into what the
 * store knows.  An area may be given by its code in any case or by its
 * stored name ignoring case ("Blackpool", "southend-on-sea"); a name that
 * several areas carry is refused with the list of them, and anything
 * unknown is answered with the nearest codes and names ("did you mean").
 * The tool calls this before a figure so that every output sees the code.
 */
#include <ctype.h>
#include <string.h>

#include "analyse/analyse_int.h"

/* Most candidates listed for an ambiguous name. */
#define MAX_LISTED 12

static int looks_like_code(const char *s)
{
    size_t i;

    if (strlen(s) != 9 || !isalpha((unsigned char)s[0]))
        return 0;
    for (i = 1; i < 9; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* The code exactly as stored, or upper-cased ("e06000009"). */
static nm_status find_code(nm_store *store, const char *text, char **code)
{
    sqlite3_stmt *st = NULL;
    char upper[16];
    size_t i;
    nm_status rc;

    *code = NULL;
    if (strlen(text) >= sizeof upper)
        return NM_OK;
    for (i = 0; text[i]; i++)
        upper[i] = (char)toupper((unsigned char)text[i]);
    upper[i] = '\0';
    rc = nmS_store_prepare(store, "SELECT code FROM area WHERE code IN (?1, ?2) LIMIT 1", &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, upper, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW &&
        !(*code = nm_strdup((const char *)sqlite3_column_text(st, 0))))
        rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    sqlite3_finalize(st);
    return rc;
}

/* The areas named 'text' ignoring case: one code is the answer, several
 * are listed in the error.  A unitary stored as lad and utla is one code. */
static nm_status find_name(nm_store *store, const char *text, char **code)
{
    sqlite3_stmt *st = NULL;
    nmC_buf list = {0};
    nm_status rc;
    int n = 0, s;

    *code = NULL;
    rc = nmS_store_prepare(store,
                          "SELECT code, group_concat(DISTINCT level), MIN(name) FROM area "
                          "WHERE name = ?1 COLLATE NOCASE GROUP BY code ORDER BY code",
                          &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        if (n == 0 && !(*code = nm_strdup(c))) {
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
            break;
        }
        if (n < MAX_LISTED)
            nmC_buf_addf(&list, "%s%s \"%s\" (%s)", n ? ", " : "", c,
                        (const char *)sqlite3_column_text(st, 2),
                        (const char *)sqlite3_column_text(st, 1));
        n++;
    }
    if (rc == NM_OK && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "finding an area by name");
    sqlite3_finalize(st);
    if (rc == NM_OK && n > 1) {
        nm_free(*code);
        *code = NULL;
        rc = nmC_fail(store->ctx, NM_USAGE,
                     "the name \"%s\" is ambiguous: %d areas carry it: %s%s; give the code", text,
                     n, list.data ? list.data : "", n > MAX_LISTED ? ", ..." : "");
    }
    nmC_buf_free(&list);
    return rc;
}

/* Fails with NM_NOTFOUND "no WHAT "word" in the store", suggesting the
 * nearest of the first column of 'sql' (the second and third, when there,
 * are shown as a note), or adding 'otherwise' when nothing is near. */
static nm_status suggest_fail(nm_store *store, const char *sql, const char *what,
                              const char *word, const char *otherwise)
{
    sqlite3_stmt *st = NULL;
    nmC_buf msg = {0};
    nmC_near near;
    nm_status rc;

    nmC_near_init(&near, word);
    rc = nmS_store_prepare(store, sql, &st);
    while (rc == NM_OK && sqlite3_step(st) == SQLITE_ROW) {
        char note[64] = "";
        if (sqlite3_column_count(st) >= 3)
            snprintf(note, sizeof note, "%s, %s", (const char *)sqlite3_column_text(st, 1),
                     (const char *)sqlite3_column_text(st, 2));
        nmC_near_offer(&near, (const char *)sqlite3_column_text(st, 0), note);
    }
    sqlite3_finalize(st);
    nmC_buf_addf(&msg, "no %s \"%s\" in the store", what, word);
    nmC_near_add_to(&near, &msg);
    if (near.count == 0)
        nmC_buf_addf(&msg, "%s", otherwise);
    rc = nmC_fail(store->ctx, NM_NOTFOUND, "%s", msg.data ? msg.data : "not in the store");
    nmC_buf_free(&msg);
    return rc;
}

nm_status nmA_area_unknown(nm_store *store, const char *text)
{
    /* a code is compared with codes, anything else with names */
    return suggest_fail(store,
                        looks_like_code(text)
                            ? "SELECT code, COALESCE(name, code), level FROM area ORDER BY level, code"
                            : "SELECT name, code, level FROM area WHERE name IS NOT NULL "
                              "ORDER BY level, code",
                        "area", text,
                        " (give a code or a name of an imported area; 'needsmap info' lists the "
                        "levels)");
}

nm_status nm_resolve_area(nm_store *store, const char *text, char **code)
{
    nm_status rc;

    nmC_clear(store->ctx);
    *code = NULL;
    if (!text || !*text)
        return nmC_fail(store->ctx, NM_USAGE, "no area given");
    rc = find_code(store, text, code);
    if (rc == NM_OK && !*code)
        rc = find_name(store, text, code);
    if (rc == NM_OK && !*code)
        rc = nmA_area_unknown(store, text);
    return rc;
}

nm_status nmA_indicator_unknown(nm_store *store, const char *key)
{
    return suggest_fail(store, "SELECT DISTINCT key FROM indicator ORDER BY key", "indicator", key,
                        "; 'needsmap info' lists them");
}

int nmA_indicator_known(nm_store *store, const char *key)
{
    sqlite3_stmt *st = NULL;
    int known = 0;

    if (nmS_store_prepare(store, "SELECT 1 FROM indicator WHERE key = ?1 LIMIT 1", &st) == NM_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        known = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return known;
}

nm_status nm_resolve_indicator(nm_store *store, const char *key)
{
    nmC_clear(store->ctx);
    if (!key || !*key)
        return nmC_fail(store->ctx, NM_USAGE, "no indicator given");
    return nmA_indicator_known(store, key) ? NM_OK : nmA_indicator_unknown(store, key);
}
