/*
 * Opening, creating and closing the store, transactions and the dataset
 * register.  A new store is built under a temporary name and renamed into
 * place, so a failed creation never leaves a half-made file behind.
 */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"
#include "nm_lazy.h"

nm_status nmS_store_sqlfail(nm_store *store, const char *what)
{
    return nmC_fail(store->ctx, NM_ERROR, "%s: %s: %s", store->path, what, sqlite3_errmsg(store->db));
}

nm_status nmS_store_exec(nm_store *store, const char *sql)
{
    char *err = NULL;
    nm_status rc = NM_OK;

    if (sqlite3_exec(store->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        rc = nmC_fail(store->ctx, NM_ERROR, "%s: %s", store->path, err ? err : "SQL error");
        sqlite3_free(err);
    }
    return rc;
}

/* True when a statement failed to prepare for want of what SpatiaLite
 * registers: its SQL functions, or the module behind SpatialIndex. */
static int wants_spatialite(sqlite3 *db)
{
    const char *msg = sqlite3_errmsg(db);

    return sqlite3_errcode(db) == SQLITE_ERROR && (strncmp(msg, "no such function:", 17) == 0 ||
                                                   strncmp(msg, "no such module:", 15) == 0);
}

nm_status nmS_store_prepare(nm_store *store, const char *sql, sqlite3_stmt **stmt)
{
    int rc = sqlite3_prepare_v2(store->db, sql, -1, stmt, NULL);

    /* SpatiaLite's functions and SpatialIndex are resolved when a
       statement is prepared: a store that registers them on first need
       (read-only stores do, src/nm_lazy.h) learns of it here, once; any
       other failure is the statement's own and reported as it is */
    if (rc != SQLITE_OK && store->spatial_later && wants_spatialite(store->db)) {
        nm_status started = nmS_store_spatial(store);
        if (started != NM_OK)
            return started;
        rc = sqlite3_prepare_v2(store->db, sql, -1, stmt, NULL);
    }
    if (rc != SQLITE_OK)
        return nmS_store_sqlfail(store, "preparing a query");
    return NM_OK;
}

/* ---- a dataset's SHA-256, computed beside the import ------------------ */

struct nmS_hash_job {
    pthread_t thread;
    int started;
    nm_ctx *ctx;    /* the thread's own: a context serves one thread */
    char *path;
    long dataset;
    nm_status rc;
    char hex[65];
};

static void *hash_main(void *arg)
{
    struct nmS_hash_job *h = arg;
    h->rc = nmC_sha256_file(h->ctx, h->path, h->hex);
    return NULL;
}

static void hash_free(struct nmS_hash_job *h)
{
    if (!h)
        return;
    if (h->started)
        pthread_join(h->thread, NULL);
    nm_ctx_free(h->ctx);
    nm_free(h->path);
    nm_free(h);
}

/* Starts hashing 'path' for dataset 'id'; without a thread, hashes now. */
static nm_status start_hash(nm_store *store, const char *path, long id)
{
    struct nmS_hash_job *h = nm_calloc(1, sizeof *h);

    if (!h || !(h->path = nm_strdup(path)) || !(h->ctx = nm_ctx_new())) {
        hash_free(h);
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    h->dataset = id;
    store->hash = h;
    h->started = pthread_create(&h->thread, NULL, hash_main, h) == 0;
    if (!h->started)
        hash_main(h);
    return NM_OK;
}

/* Waits for the hash and stores it in the dataset's row. */
static nm_status finish_hash(nm_store *store)
{
    struct nmS_hash_job *h = store->hash;
    sqlite3_stmt *st = NULL;
    nm_status rc;

    if (!h)
        return NM_OK;
    if (h->started)
        pthread_join(h->thread, NULL);
    h->started = 0;
    store->hash = NULL;
    rc = h->rc != NM_OK ? nmC_fail(store->ctx, h->rc, "%s", nm_errmsg(h->ctx)) : NM_OK;
    if (rc == NM_OK)
        rc = nmS_store_prepare(store, "UPDATE dataset SET sha256 = ? WHERE id = ?", &st);
    if (rc == NM_OK) {
        sqlite3_bind_text(st, 1, h->hex, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, h->dataset);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = nmS_store_sqlfail(store, "registering the dataset");
    }
    sqlite3_finalize(st);
    hash_free(h);
    return rc;
}

static void drop_hash(nm_store *store)
{
    hash_free(store->hash);
    store->hash = NULL;
}

nm_status nmS_store_begin(nm_store *store)
{
    nm_status rc;

    if (!store->writable)
        return nmC_fail(store->ctx, NM_ERROR, "%s: store opened read-only", store->path);
    /* SpatiaLite's triggers guard the geometry columns of every write */
    rc = nmS_store_spatial(store);
    if (rc == NM_OK)
        rc = nmS_store_exec(store, "BEGIN IMMEDIATE");
    if (rc == NM_OK)
        store->in_tx = 1;
    if (rc == NM_OK)
        rc = nmS_schema_upgrade(store);
    if (rc != NM_OK)
        nmS_store_rollback(store);
    return rc;
}

nm_status nmS_store_commit(nm_store *store)
{
    nm_status rc = finish_hash(store);

    if (rc == NM_OK)
        rc = nmS_store_exec(store, "COMMIT");
    if (rc != NM_OK)
        nmS_store_rollback(store);
    store->in_tx = 0;
    return rc;
}

void nmS_store_rollback(nm_store *store)
{
    if (store)
        drop_hash(store);
    if (store && store->in_tx && !sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
    if (store)
        store->in_tx = 0;
}

nm_status nmS_store_read_begin(nm_store *store)
{
    if (!sqlite3_get_autocommit(store->db))
        return NM_OK; /* already inside a transaction: it holds the lock */
    return nmS_store_exec(store, "BEGIN DEFERRED");
}

void nmS_store_read_end(nm_store *store)
{
    if (!store->in_tx && !sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL);
}

/* Every connection is used by one thread at a time (build workers and
 * the validity checker open their own or none), so SQLite's per-call
 * mutexes and its global memory statistics (a mutex around every malloc
 * and free) only cost time: about a tenth of an import's.  The settings
 * must come before SQLite initialises; when something else initialised it
 * first they are refused and the defaults stay, which is only slower. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Registers SpatiaLite's functions on the connection. */
static nm_status start_spatialite(nm_store *store)
{
    nm_status rc = nmC_need(store->ctx, NMC_SPATIALITE, "a store's spatial functions");
    if (rc != NM_OK)
        return rc;
    store->splite = spatialite_alloc_connection();
    if (!store->splite)
        return nmC_fail(store->ctx, NM_NOMEM, "%s: cannot start SpatiaLite", store->path);
    spatialite_init_ex(store->db, store->splite, 0);
    store->spatial_later = 0;
    return NM_OK;
}

nm_status nmS_store_spatial(nm_store *store)
{
    return store && store->spatial_later ? start_spatialite(store) : NM_OK;
}

/* Opens a SQLite connection, with SpatiaLite's functions registered unless
 * the store asks for them later. */
static nm_status open_connection(nm_store *store, const char *path, int sqlflags)
{
    pthread_once(&sqlite_once, configure_sqlite);
    if (sqlite3_open_v2(path, &store->db, sqlflags, NULL) != SQLITE_OK) {
        nm_status rc = nmC_fail(store->ctx, NM_ERROR, "%s: cannot open store: %s", path,
                               store->db ? sqlite3_errmsg(store->db) : "out of memory");
        sqlite3_close(store->db);
        store->db = NULL;
        return rc;
    }
    sqlite3_busy_timeout(store->db, 10000);
    return store->spatial_later ? NM_OK : start_spatialite(store);
}

static void disconnect(nm_store *store)
{
    if (store->db)
        sqlite3_close(store->db);
    if (store->splite)
        spatialite_cleanup_ex(store->splite);
    store->db = NULL;
    store->splite = NULL;
}

/* Makes the folders leading to 'path' (like mkdir -p of its dirname). */
static nm_status make_parent_dirs(nm_ctx *ctx, const char *path)
{
    char *dir = nm_strdup(path);
    nm_status rc = NM_OK;
    char *p;

    if (!dir)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    for (p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
            rc = nmC_fail(ctx, NM_ERROR, "%s: cannot create folder: %s", dir, strerror(errno));
            break;
        }
        *p = '/';
    }
    nm_free(dir);
    return rc;
}

/* Builds a new store at a temporary name, then renames it to 'path'. */
static nm_status create_store(nm_store *store, const char *path)
{
    nmC_buf tmp = {0};
    char *temp = NULL;
    nm_status rc;

    rc = make_parent_dirs(store->ctx, path);
    if (rc != NM_OK)
        return rc;
    nmC_buf_addf(&tmp, "%s.new-%ld", path, (long)getpid());
    temp = nmC_buf_take(&tmp);
    if (!temp)
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    unlink(temp);
    rc = open_connection(store, temp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (rc == NM_OK)
        rc = nmS_schema_create(store);
    if (rc == NM_OK)
        rc = nmS_store_exec(store, "COMMIT");
    disconnect(store);
    /* link, not rename: when two imports create the same store at once,
       the second must open the first's file, not replace it under it */
    if (rc == NM_OK && link(temp, path) != 0 && errno != EEXIST)
        rc = nmC_fail(store->ctx, NM_ERROR, "%s: cannot create store: %s", path, strerror(errno));
    unlink(temp);
    nm_free(temp);
    return rc;
}

nm_status nm_store_open(nm_ctx *ctx, const char *path, int flags, nm_store **out)
{
    nm_store *store = NULL;
    struct stat st;
    nm_status rc = NM_OK;
    int exists;

    nmC_clear(ctx);
    *out = NULL;
    store = nm_calloc(1, sizeof *store);
    if (!store || !(store->path = nm_strdup(path))) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    store->ctx = ctx;
    store->writable = (flags & NM_STORE_WRITE) != 0;
    exists = stat(path, &st) == 0 && st.st_size > 0;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* SQLite says only "disk I/O error" */
        rc = nmC_fail(ctx, NM_USAGE, "%s: a folder, not a store file; give --db FOLDER/NAME.sqlite",
                     path);
        goto cleanup;
    }
    if (!exists) {
        if ((flags & NM_STORE_CREATE) != NM_STORE_CREATE) {
            rc = nmC_fail(ctx, NM_ERROR,
                         "%s: no store here; import something first (needsmap import ...) "
                         "or give --db",
                         path);
            goto cleanup;
        }
        rc = create_store(store, path);
        if (rc != NM_OK)
            goto cleanup;
    }
    /* a reader seldom needs SpatiaLite (a map never does): it is loaded
       for the first statement that names one of its functions */
    store->spatial_later = (flags & NMS_STORE_SPATIAL_LATER) != 0 || !store->writable;
    rc = open_connection(store, path, store->writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY);
    if (rc == NM_OK)
        rc = nmS_schema_check(store);
    if (rc == NM_OK)
        nmC_note_input(ctx, path, "the store");
    /* a large page cache pays for imports, which revisit B-tree pages;
       readers stream through boundaries once, and a 64 MB cache would
       only hold on to a whole map's geometry */
    if (rc == NM_OK)
        rc = nmS_store_exec(store, store->writable
                                      ? "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;"
                                      : "PRAGMA cache_size = -8192;");

cleanup:
    if (rc != NM_OK) {
        nm_store_close(store);
        return rc;
    }
    *out = store;
    return NM_OK;
}

void nm_store_close(nm_store *store)
{
    if (!store)
        return;
    nmS_store_rollback(store);
    nmS_store_memo_free(store);
    disconnect(store);
    nm_free(store->path);
    nm_free(store);
}

nm_ctx *nm_store_ctx(const nm_store *store)
{
    return store->ctx;
}

nm_status nmS_store_add_dataset(nm_store *store, const char *kind, const char *file,
                               const char *attribution, long *id)
{
    char when[32];
    sqlite3_stmt *st = NULL;
    time_t now = time(NULL);
    struct tm tm;
    nm_status rc;

    /* one import, one dataset: a second one in the same transaction waits
       for the first's hash */
    rc = finish_hash(store);
    if (rc != NM_OK)
        return rc;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    rc = nmS_store_prepare(store,
                          "INSERT INTO dataset(kind, file, sha256, imported_at, attribution) "
                          "VALUES (?, ?, ?, ?, ?)",
                          &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, when, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, attribution, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "registering the dataset");
    else
        *id = (long)sqlite3_last_insert_rowid(store->db);
    sqlite3_finalize(st);
    return rc == NM_OK ? start_hash(store, file, *id) : rc;
}

nm_status nmS_store_set_dataset_rows(nm_store *store, long id, long rows)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(store, "UPDATE dataset SET rows = ? WHERE id = ?", &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, rows);
    sqlite3_bind_int64(st, 2, id);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "updating the dataset");
    sqlite3_finalize(st);
    return rc;
}
