/*
 * Reading many boundaries in order, with the reading on a second core.  A
 * map of England reads 32,844 boundaries and hands each to the renderer,
 * which copies it; one after the other these took 40 ms of a 250 ms map.
 * Here a reader thread, on its own read-only connection, decodes
 * boundaries into a ring of slots while the caller's thread takes them in
 * turn, so the two halves of the work overlap.  The thread reads the areas
 * in the order of their ids, the table's own, and where the ids allow in
 * one scan of the table rather than a lookup each.  The caller holds a read
 * transaction on its own connection (nmS_store_read_begin), so no import
 * can commit in between and both connections see the same store.  Small
 * selections, and any failure to start the thread, read on the caller's
 * connection instead.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/geom_int.h"
#include "store/store_int.h"

/* Below this many areas a thread and a connection cost more than they
 * save (opening one is about a millisecond). */
#define FEED_MIN_AREAS 2000
#define FEED_SLOTS 256
/* Hand-overs happen in batches: one wake-up per boundary cost more than it
 * carried. */
#define FEED_BATCH 32

typedef struct feed_slot {
    size_t index;      /* which of the caller's areas */
    nmS_geombuf g;
    int status;        /* 1 read; 0 not a polygon BLOB; -1 out of memory; -2 SQL */
    char code[32];     /* the area's code, for messages */
    char sqlmsg[160];
} feed_slot;

typedef struct feed {
    const char *path;
    const long *rowids;
    size_t *order;     /* the areas by id: the order they are read in */
    size_t n;
    feed_slot slot[FEED_SLOTS];
    pthread_mutex_t lock;
    pthread_cond_t ready, space;
    size_t produced, consumed; /* areas read by the thread, taken by the caller */
    int stop;                  /* the caller gave up: the thread ends */
    int open_failed;
} feed;

/* Reads one area into its slot on the thread's connection. */
static void read_slot(sqlite3_stmt *st, long rowid, feed_slot *s)
{
    const unsigned char *code;
    int step;

    sqlite3_bind_int64(st, 1, rowid);
    step = sqlite3_step(st);
    s->code[0] = '\0';
    if (step != SQLITE_ROW) {
        s->status = -2;
        if (step == SQLITE_DONE)
            snprintf(s->sqlmsg, sizeof s->sqlmsg, "no area with id %ld", rowid);
        else
            snprintf(s->sqlmsg, sizeof s->sqlmsg, "reading a boundary: %s",
                     sqlite3_errmsg(sqlite3_db_handle(st)));
        sqlite3_reset(st);
        return;
    }
    code = sqlite3_column_text(st, 1);
    nmC_strlcpy(s->code, code ? (const char *)code : "?", sizeof s->code);
    s->status = nmS_geom_decode(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                               &s->g);
    sqlite3_reset(st);
}

/* Whether the areas are best read by one scan of their id range: the
 * range not much wider than the selection (a whole level, imported in one
 * go) and no id twice.  A scan visits each page once; a lookup per area
 * descends the tree each time, and took twice as long for England. */
static int scan_suits(const feed *f)
{
    size_t i;

    for (i = 1; i < f->n; i++)
        if (f->rowids[f->order[i]] == f->rowids[f->order[i - 1]])
            return 0;
    return f->n > 0 && (size_t)(f->rowids[f->order[f->n - 1]] - f->rowids[f->order[0]]) < 2 * f->n;
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;
static const long *sort_ids;

static int by_id(const void *a, const void *b)
{
    long x = sort_ids[*(const size_t *)a], y = sort_ids[*(const size_t *)b];
    return x < y ? -1 : x > y;
}

/* Steps the scan to area 'rowid' and reads it into its slot: rows of the
 * range that were not selected are passed over. */
static void scan_slot(sqlite3_stmt *st, long rowid, feed_slot *s)
{
    int step = SQLITE_ROW;
    const unsigned char *code;

    s->code[0] = '\0';
    while ((step = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_int64(st, 2) < rowid)
        ;
    if (step != SQLITE_ROW || sqlite3_column_int64(st, 2) != rowid) {
        s->status = -2;
        if (step == SQLITE_ROW || step == SQLITE_DONE)
            snprintf(s->sqlmsg, sizeof s->sqlmsg, "no area with id %ld", rowid);
        else
            snprintf(s->sqlmsg, sizeof s->sqlmsg, "reading a boundary: %s",
                     sqlite3_errmsg(sqlite3_db_handle(st)));
        return;
    }
    code = sqlite3_column_text(st, 1);
    nmC_strlcpy(s->code, code ? (const char *)code : "?", sizeof s->code);
    s->status = nmS_geom_decode(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                               &s->g);
}

static void *feed_main(void *arg)
{
    feed *f = arg;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int scan = scan_suits(f);
    size_t i;

    if (sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(db, 10000) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           scan ? "SELECT geom, code, id FROM area WHERE id BETWEEN ? AND ? "
                                  "ORDER BY id"
                                : "SELECT geom, code FROM area WHERE id = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        pthread_mutex_lock(&f->lock);
        f->open_failed = 1;
        pthread_cond_signal(&f->ready);
        pthread_mutex_unlock(&f->lock);
        sqlite3_finalize(st);
        sqlite3_close(db);
        return NULL;
    }
    /* one read transaction for the lot, as the caller's */
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (scan) {
        sqlite3_bind_int64(st, 1, f->rowids[f->order[0]]);
        sqlite3_bind_int64(st, 2, f->rowids[f->order[f->n - 1]]);
    }
    for (i = 0; i < f->n; i++) {
        pthread_mutex_lock(&f->lock);
        while (i - f->consumed >= FEED_SLOTS && !f->stop)
            pthread_cond_wait(&f->space, &f->lock);
        if (f->stop) {
            pthread_mutex_unlock(&f->lock);
            break;
        }
        pthread_mutex_unlock(&f->lock);
        /* slot i % FEED_SLOTS is the thread's until 'produced' passes i */
        f->slot[i % FEED_SLOTS].index = f->order[i];
        if (scan)
            scan_slot(st, f->rowids[f->order[i]], &f->slot[i % FEED_SLOTS]);
        else
            read_slot(st, f->rowids[f->order[i]], &f->slot[i % FEED_SLOTS]);
        if ((i + 1) % FEED_BATCH == 0 || i + 1 == f->n) {
            pthread_mutex_lock(&f->lock);
            f->produced = i + 1;
            pthread_cond_signal(&f->ready);
            pthread_mutex_unlock(&f->lock);
        }
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return NULL;
}

/* The caller's side: takes the areas as the thread reads them. */
static nm_status consume(nm_store *store, feed *f, nmS_geom_each_fn each, void *user)
{
    nm_status rc = NM_OK;
    size_t i = 0, avail;

    while (rc == NM_OK && i < f->n) {
        pthread_mutex_lock(&f->lock);
        while (f->produced == i && !f->open_failed)
            pthread_cond_wait(&f->ready, &f->lock);
        avail = f->produced;
        pthread_mutex_unlock(&f->lock);
        if (f->open_failed && avail == i)
            return nmC_fail(store->ctx, NM_ERROR, "%s: cannot open the store a second time to "
                                                 "read boundaries", store->path);
        for (; rc == NM_OK && i < avail; i++) {
            feed_slot *s = &f->slot[i % FEED_SLOTS];
            if (s->status == 1)
                rc = each(user, s->index, &s->g);
            else if (s->status == -1)
                rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
            else if (s->status == -2)
                rc = nmC_fail(store->ctx, NM_ERROR, "%s: %s", store->path, s->sqlmsg);
            else
                rc = nmC_fail(store->ctx, NM_ERROR,
                             "%s: the boundary of %s is not a polygon geometry needsmap wrote; "
                             "re-import the boundaries",
                             store->path, s->code);
        }
        pthread_mutex_lock(&f->lock);
        f->consumed = i;
        pthread_cond_signal(&f->space);
        pthread_mutex_unlock(&f->lock);
    }
    return rc;
}

static nm_status each_in_turn(nm_store *store, const long *rowids, size_t n,
                              nmS_geom_each_fn each, void *user)
{
    nmS_geombuf g = {0};
    sqlite3_stmt *st = NULL;
    nm_status rc = NM_OK;
    size_t i;

    for (i = 0; rc == NM_OK && i < n; i++) {
        rc = nmS_store_area_geom(store, rowids[i], &g, &st);
        if (rc == NM_OK)
            rc = each(user, i, &g);
    }
    sqlite3_finalize(st);
    nmS_geombuf_free(&g);
    return rc;
}

nm_status nmS_store_each_geom(nm_store *store, const long *rowids, size_t n, nmS_geom_each_fn each,
                             void *user)
{
    feed *f;
    pthread_t tid;
    nm_status rc;
    int i;

    if (n < FEED_MIN_AREAS || sqlite3_threadsafe() == 0)
        return each_in_turn(store, rowids, n, each, user);
    f = nm_calloc(1, sizeof *f);
    if (!f)
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    f->path = store->path;
    f->rowids = rowids;
    f->n = n;
    f->order = nm_malloc(n * sizeof *f->order);
    if (!f->order) {
        nm_free(f);
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < n; k++)
        f->order[k] = k;
    /* qsort has no context argument; maps are drawn one per thread, but
       the build draws several at once */
    pthread_mutex_lock(&sort_lock);
    sort_ids = rowids;
    qsort(f->order, n, sizeof *f->order, by_id);
    pthread_mutex_unlock(&sort_lock);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->ready, NULL);
    pthread_cond_init(&f->space, NULL);
    if (pthread_create(&tid, NULL, feed_main, f) != 0) {
        rc = each_in_turn(store, rowids, n, each, user);
    } else {
        rc = consume(store, f, each, user);
        pthread_mutex_lock(&f->lock);
        f->stop = 1;
        pthread_cond_signal(&f->space);
        pthread_mutex_unlock(&f->lock);
        pthread_join(tid, NULL);
        if (rc != NM_OK && f->open_failed && f->produced == 0) {
            nmC_clear(store->ctx);
            rc = each_in_turn(store, rowids, n, each, user);
        }
    }
    for (i = 0; i < FEED_SLOTS; i++)
        nmS_geombuf_free(&f->slot[i].g);
    pthread_cond_destroy(&f->ready);
    pthread_cond_destroy(&f->space);
    pthread_mutex_destroy(&f->lock);
    nm_free(f->order);
    nm_free(f);
    return rc;
}
