/*
 * bench/sqlcount.c: a preloaded shim that counts the SQL statements a
 * process prepares and the steps it takes through SQLite, and prints both
 * on stderr at exit ("sqlcount: N prepared, M steps").  bench/atlas.sh
 * builds it to show how many queries a no-op rebuild asks.  With
 * SQLCOUNT_PROFILE=1 it also lists the 15 statements that took longest in
 * all (SQLite's profile trace, summed by SQL text).  It wraps the public
 * entry points only, through dlsym(RTLD_NEXT).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;

int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail);
int sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned flags, sqlite3_stmt **st,
                       const char **tail);
int sqlite3_step(sqlite3_stmt *st);
int sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs);
int sqlite3_trace_v2(sqlite3 *db, unsigned mask, int (*cb)(unsigned, void *, void *, void *),
                     void *ctx);
const char *sqlite3_sql(sqlite3_stmt *st);
int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg,
                 char **err);

static atomic_long prepared, steps, execs;

/* the statements' total times, by SQL text (first 160 bytes) */
enum { NPROF = 512 };
static struct prof { char sql[160]; double ns; long runs; } prof[NPROF];
static int nprof;
static pthread_mutex_t prof_mu = PTHREAD_MUTEX_INITIALIZER;

static int on_profile(unsigned kind, void *ctx, void *p, void *x)
{
    const char *sql = sqlite3_sql(p);
    int i;

    (void)kind;
    (void)ctx;
    pthread_mutex_lock(&prof_mu);
    for (i = 0; i < nprof && strncmp(prof[i].sql, sql ? sql : "", sizeof prof[i].sql - 1); i++)
        ;
    if (i == nprof && nprof < NPROF)
        snprintf(prof[nprof++].sql, sizeof prof[0].sql, "%s", sql ? sql : "");
    if (i < NPROF) {
        prof[i].ns += (double)*(long long *)x;
        prof[i].runs++;
    }
    pthread_mutex_unlock(&prof_mu);
    return 0;
}

static int by_time(const void *a, const void *b)
{
    double d = ((const struct prof *)b)->ns - ((const struct prof *)a)->ns;
    return (d > 0) - (d < 0);
}

static void report(void)
{
    fprintf(stderr, "sqlcount: %ld prepared, %ld exec, %ld steps\n", (long)prepared, (long)execs,
            (long)steps);
    qsort(prof, (size_t)nprof, sizeof prof[0], by_time);
    for (int i = 0; i < nprof && i < 15; i++)
        fprintf(stderr, "sqlcount: %9.1f ms %6ld runs  %.150s\n", prof[i].ns / 1e6, prof[i].runs,
                prof[i].sql);
}

static void *next(const char *name)
{
    static atomic_int registered;
    void *f = dlsym(RTLD_NEXT, name);

    if (!atomic_exchange(&registered, 1))
        atexit(report);
    if (!f)
        abort();
    return f;
}

int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail)
{
    static int (*f)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
    if (!f)
        *(void **)&f = next("sqlite3_prepare_v2");
    prepared++;
    return f(db, sql, n, st, tail);
}

int sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned flags, sqlite3_stmt **st,
                       const char **tail)
{
    static int (*f)(sqlite3 *, const char *, int, unsigned, sqlite3_stmt **, const char **);
    if (!f)
        *(void **)&f = next("sqlite3_prepare_v3");
    prepared++;
    return f(db, sql, n, flags, st, tail);
}

int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg,
                 char **err)
{
    static int (*f)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *,
                    char **);
    if (!f)
        *(void **)&f = next("sqlite3_exec");
    execs++;
    return f(db, sql, cb, arg, err);
}

int sqlite3_step(sqlite3_stmt *st)
{
    static int (*f)(sqlite3_stmt *);
    if (!f)
        *(void **)&f = next("sqlite3_step");
    steps++;
    return f(st);
}

int sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs)
{
    static int (*f)(const char *, sqlite3 **, int, const char *);
    int rc;
    const char *want = getenv("SQLCOUNT_PROFILE");

    if (!f)
        *(void **)&f = next("sqlite3_open_v2");
    rc = f(name, db, flags, vfs);
    if (rc == 0 && want && *want == '1')
        sqlite3_trace_v2(*db, 0x02 /* SQLITE_TRACE_PROFILE */, on_profile, NULL);
    return rc;
}
