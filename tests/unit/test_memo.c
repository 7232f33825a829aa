/*
 * The store connection's memo of id lists (store/memo.c): an answer is
 * reused while the store is unchanged, and asked again after a change by
 * this connection or a commit by another, so that a build's maps never
 * list datasets from a stale answer; sentences about the store's rows are
 * remembered the same way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "needsmap/needsmap.h"
#include "store/store_int.h"

static const char *const sql = "SELECT id FROM t WHERE k = ?1 ORDER BY id";

static void ids_are(nm_store *s, const char *k, int n, const long *want, const long **got_out)
{
    const long *got = NULL;
    int ngot = -1;
    const char *params[1] = {k};

    assert_int_equal(nmS_store_memo_ids(s, sql, params, 1, "test", &got, &ngot), NM_OK);
    assert_int_equal(ngot, n);
    for (int i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
    if (got_out)
        *got_out = got;
}

/* A new store in a new folder 'dir' (path in 'db') with table t of 'rows'. */
static nm_store *new_store(nm_ctx *ctx, char *dir, char db[64], const char *rows)
{
    nm_store *s = NULL;
    char create[256];

    assert_non_null(mkdtemp(dir));
    snprintf(db, 64, "%s/store.sqlite", dir);
    assert_int_equal(nm_store_open(ctx, db, NM_STORE_CREATE, &s), NM_OK);
    snprintf(create, sizeof create,
             "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT); INSERT INTO t VALUES %s;", rows);
    assert_int_equal(nmS_store_exec(s, create), NM_OK);
    return s;
}

static void test_memo(void **state)
{
    char dir[] = "/tmp/nm-memo-XXXXXX", db[64];
    nm_ctx *ctx = nm_ctx_new(), *ctx2 = nm_ctx_new();
    nm_store *s = NULL, *other = NULL;
    const long *first = NULL, *again = NULL;
    const long one[] = {1}, two[] = {1, 2}, three[] = {1, 2, 3};

    (void)state;
    s = new_store(ctx, dir, db, "(1, 'a'), (5, 'b')");
    ids_are(s, "a", 1, one, &first);
    ids_are(s, "a", 1, one, &again);
    assert_ptr_equal(first, again); /* the same answer, not asked again */
    ids_are(s, "c", 0, NULL, NULL);  /* other parameters, another answer */

    /* a change by this connection */
    assert_int_equal(nmS_store_exec(s, "INSERT INTO t VALUES (2, 'a')"), NM_OK);
    ids_are(s, "a", 2, two, NULL);

    /* a commit by another connection */
    assert_int_equal(nm_store_open(ctx2, db, NM_STORE_WRITE, &other), NM_OK);
    assert_int_equal(nmS_store_exec(other, "INSERT INTO t VALUES (3, 'a')"), NM_OK);
    ids_are(s, "a", 3, three, NULL);

    nm_store_close(other);
    nm_store_close(s);
    nm_ctx_free(ctx2);
    nm_ctx_free(ctx);
    unlink(db);
    rmdir(dir);
}

/* A remembered sentence: kept while the store is unchanged, forgotten
 * after a change, never confused with an id list's key. */
static void test_memo_text(void **state)
{
    char dir[] = "/tmp/nm-memo-XXXXXX", db[64];
    nm_ctx *ctx = nm_ctx_new();
    nm_store *s = NULL;
    const char *got;

    (void)state;
    s = new_store(ctx, dir, db, "(1, 'a')");
    assert_null(nmS_store_memo_text(s, "said/a"));
    nmS_store_memo_keep_text(s, "said/a", "LSOA 2021 to LAD 2024");
    ids_are(s, "a", 1, (const long[]){1}, NULL);
    got = nmS_store_memo_text(s, "said/a");
    assert_non_null(got);
    assert_string_equal(got, "LSOA 2021 to LAD 2024");
    assert_null(nmS_store_memo_text(s, "said/b"));
    assert_null(nmS_store_memo_text(s, sql));
    assert_int_equal(nmS_store_exec(s, "INSERT INTO t VALUES (2, 'a')"), NM_OK);
    assert_null(nmS_store_memo_text(s, "said/a"));
    nm_store_close(s);
    nm_ctx_free(ctx);
    unlink(db);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_memo),
                                       cmocka_unit_test(test_memo_text)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
