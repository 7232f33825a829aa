/*
 * bench/sqlcount.c: a preloaded shim that counts the SQL statements a
 * process prepares and the steps it takes through SQLite, and prints both
 * on stderr at exit ("sqlcount: N prepared, M steps").  bench/atlas.sh
 * builds it to show how many queries a no-op rebuild asks.  It wraps the
 * public entry points only, through dlsym(RTLD_NEXT).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;

int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail);
int sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned flags, sqlite3_stmt **st,
                       const char **tail);
int sqlite3_step(sqlite3_stmt *st);
int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg,
                 char **err);

static atomic_long prepared, steps, execs;

static void report(void)
{
    fprintf(stderr, "sqlcount: %ld prepared, %ld exec, %ld steps\n", (long)prepared, (long)execs,
            (long)steps);
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
