/*
 * Counting invalid geometries (self-intersecting rings and the like) with
 * GEOS through SpatiaLite's gaiaIsValid_r, the test ST_IsValid applies.  The
 * check costs about as much as reading and storing the geometry, so on a
 * machine with two cores it runs in a second thread that takes geometries
 * from a small bounded queue, and the import thread only waits for it at the
 * end.  The checker has its own SpatiaLite cache (so its own GEOS context)
 * and never touches the database.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <spatialite.h>
#include <unistd.h>

#include "ingest/bnd_int.h"

/* Enough to keep the checker busy while the reader stalls on a page write,
   small enough that a queue of England's largest polygons stays a few MB. */
#define QUEUE_CAP 64
/* The reader wakes the checker only once this many geometries wait: one
   wake-up per geometry cost more in futex calls than the copying it saves. */
#define WAKE_BATCH 16
#define FIRST_MAX 8

typedef struct queued {
    gaiaGeomCollPtr geom;
    long number;
} queued;

struct bnd_valid {
    void *splite;  /* the checker's own SpatiaLite cache */
    int threaded;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    queued queue[QUEUE_CAP];
    int head, len, closing;
    long invalid;
    long first[FIRST_MAX];
};

/* Checks one geometry and frees it.  Runs in the checker's thread. */
static void check_one(bnd_valid *v, gaiaGeomCollPtr geom, long number)
{
    if (gaiaIsValid_r(v->splite, geom) != 1) {
        if (v->invalid < FIRST_MAX)
            v->first[v->invalid] = number;
        v->invalid++;
    }
    gaiaFreeGeomColl(geom);
}

static void *checker_main(void *arg)
{
    bnd_valid *v = arg;
    queued q;

    pthread_mutex_lock(&v->lock);
    for (;;) {
        /* once awake the checker empties the queue, then sleeps until a
           batch is waiting (see WAKE_BATCH) or the reader is done */
        if (v->len == 0) {
            while (v->len < WAKE_BATCH && !v->closing)
                pthread_cond_wait(&v->not_empty, &v->lock);
            if (v->len == 0)
                break;
        }
        q = v->queue[v->head];
        v->head = (v->head + 1) % QUEUE_CAP;
        /* the reader only waits on a full queue */
        if (v->len-- == QUEUE_CAP)
            pthread_cond_signal(&v->not_full);
        pthread_mutex_unlock(&v->lock);
        check_one(v, q.geom, q.number);
        pthread_mutex_lock(&v->lock);
    }
    pthread_mutex_unlock(&v->lock);
    return NULL;
}

nm_status bnd_valid_start(nm_ctx *ctx, bnd_valid **out)
{
    bnd_valid *v = nm_calloc(1, sizeof *v);

    *out = NULL;
    if (!v || !(v->splite = spatialite_alloc_connection())) {
        nm_free(v);
        return nm_fail(ctx, NM_NOMEM, "out of memory");
    }
    /* GEOS explains every invalid ring on stderr otherwise */
    spatialite_set_silent_mode(v->splite);
    pthread_mutex_init(&v->lock, NULL);
    pthread_cond_init(&v->not_empty, NULL);
    pthread_cond_init(&v->not_full, NULL);
    /* a thread only pays on a second core; without one, check inline */
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
        pthread_create(&v->thread, NULL, checker_main, v) == 0)
        v->threaded = 1;
    *out = v;
    return NM_OK;
}

void bnd_valid_push(bnd_valid *v, gaiaGeomCollPtr geom, long number)
{
    if (!v->threaded) {
        check_one(v, geom, number);
        return;
    }
    pthread_mutex_lock(&v->lock);
    while (v->len == QUEUE_CAP)
        pthread_cond_wait(&v->not_full, &v->lock);
    v->queue[(v->head + v->len) % QUEUE_CAP] = (queued){geom, number};
    if (++v->len == WAKE_BATCH)
        pthread_cond_signal(&v->not_empty);
    pthread_mutex_unlock(&v->lock);
}

long bnd_valid_finish(bnd_valid *v, long *first, int nfirst)
{
    long invalid;
    int i;

    if (!v)
        return 0;
    if (v->threaded) {
        pthread_mutex_lock(&v->lock);
        v->closing = 1;
        pthread_cond_signal(&v->not_empty);
        pthread_mutex_unlock(&v->lock);
        pthread_join(v->thread, NULL);
    }
    invalid = v->invalid;
    for (i = 0; i < nfirst && i < FIRST_MAX && i < invalid; i++)
        first[i] = v->first[i];
    pthread_cond_destroy(&v->not_empty);
    pthread_cond_destroy(&v->not_full);
    pthread_mutex_destroy(&v->lock);
    spatialite_cleanup_ex(v->splite);
    nm_free(v);
    return invalid;
}
