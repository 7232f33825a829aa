/*
 * The connection's memo of small id lists: the datasets a figure reads are
 * asked by every map of a build with the same few queries (each a scan of
 * a level's rows), so one worker connection answers each once and keeps
 * the ids while the store is unchanged.  Unchanged means the same
 * PRAGMA data_version (no other connection committed) and the same count
 * of this connection's own changes.  A one-row count that every map of an
 * indicator asks (its national number of values) is kept the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

struct nmS_store_memo {
    struct nmS_store_memo *next;
    char *key;   /* the SQL, then each parameter, 0x1f apart; or a text's key */
    long *ids;
    int n;
    char *text;  /* a remembered sentence (nmS_store_memo_text), else NULL */
};

static void memo_clear(nm_store *store)
{
    while (store->memo) {
        nmS_store_memo *m = store->memo;
        store->memo = m->next;
        nm_free(m->key);
        nm_free(m->ids);
        nm_free(m->text);
        nm_free(m);
    }
}

void nmS_store_memo_free(nm_store *store)
{
    memo_clear(store);
}

/* The store's state now: the data version and this connection's changes. */
static nm_status stamp(nm_store *store, long long *version, long long *changes)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(store, "PRAGMA data_version", &st);

    if (rc == NM_OK && sqlite3_step(st) == SQLITE_ROW)
        *version = sqlite3_column_int64(st, 0);
    else if (rc == NM_OK)
        rc = nmS_store_sqlfail(store, "reading the data version");
    sqlite3_finalize(st);
    *changes = sqlite3_total_changes64(store->db);
    return rc;
}

/* Forgets everything remembered when the store has changed since. */
static nm_status refresh(nm_store *store)
{
    long long version = 0, changes = 0;
    nm_status rc = stamp(store, &version, &changes);

    if (rc == NM_OK && (version != store->memo_version || changes != store->memo_changes)) {
        memo_clear(store);
        store->memo_version = version;
        store->memo_changes = changes;
    }
    return rc;
}

static nm_status run_query(nm_store *store, const char *sql, const char *const *params,
                           int nparams, const char *what, nmS_store_memo *m)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(store, sql, &st);
    int i, s = SQLITE_DONE, cap = 0;

    for (i = 0; rc == NM_OK && i < nparams; i++)
        sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
    while (rc == NM_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (m->n == cap) {
            long *more = nm_realloc(m->ids, (size_t)(cap = cap ? 2 * cap : 8) * sizeof *more);
            if (!more) {
                rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
                break;
            }
            m->ids = more;
        }
        m->ids[m->n++] = (long)sqlite3_column_int64(st, 0);
    }
    if (rc == NM_OK && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, what);
    sqlite3_finalize(st);
    return rc;
}

nm_status nmS_store_memo_ids(nm_store *store, const char *sql, const char *const *params,
                            int nparams, const char *what, const long **ids, int *n)
{
    nmC_buf key = {0};
    nmS_store_memo *m;
    nm_status rc = refresh(store);
    int i;

    if (rc != NM_OK)
        return rc;
    nmC_buf_add(&key, sql, strlen(sql));
    for (i = 0; i < nparams; i++)
        nmC_buf_addf(&key, "\x1f%s", params[i] ? params[i] : "\x1e");
    if (key.failed) {
        nmC_buf_free(&key);
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    for (m = store->memo; m && strcmp(m->key, key.data) != 0; m = m->next)
        ;
    if (!m) {
        m = nm_malloc(sizeof *m);
        if (!m) {
            nmC_buf_free(&key);
            return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        }
        memset(m, 0, sizeof *m);
        rc = run_query(store, sql, params, nparams, what, m);
        if (rc != NM_OK) {
            nm_free(m->ids);
            nm_free(m);
            nmC_buf_free(&key);
            return rc;
        }
        m->key = key.data;
        key.data = NULL;
        m->next = store->memo;
        store->memo = m;
    }
    nmC_buf_free(&key);
    *ids = m->ids;
    *n = m->n;
    return NM_OK;
}

const char *nmS_store_memo_text(nm_store *store, const char *key)
{
    nmS_store_memo *m;

    if (refresh(store) != NM_OK) {
        nmC_clear(store->ctx);
        return NULL;
    }
    for (m = store->memo; m; m = m->next)
        if (m->text && strcmp(m->key, key) == 0)
            return m->text;
    return NULL;
}

void nmS_store_memo_keep_text(nm_store *store, const char *key, const char *text)
{
    nmS_store_memo *m = nm_calloc(1, sizeof *m);

    /* out of memory: the text is only made again next time */
    if (!m || !(m->key = nm_strdup(key)) || !(m->text = nm_strdup(text))) {
        if (m)
            nm_free(m->key);
        nm_free(m);
        return;
    }
    m->next = store->memo;
    store->memo = m;
}
