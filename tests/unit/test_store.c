/*
 * The store file (store/store.c, schema.c, info.c): a new store is made
 * with its schema and reopened; an SQLite file that is not a store, and a
 * missing file opened for writing, are refused with a message naming the
 * path and left as they were; what the store holds is listed per level.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "needsmap/needsmap.h"
#include "support.h"

static int setup(void **state)
{
    static ts_store f;
    static const char *const wards[] = {"E05000001", "E05000002", "E05000003"};
    static const double box[][4] = {{0, 0, 100, 100}, {100, 0, 200, 100}, {0, 100, 200, 200}};

    assert_int_equal(ts_store_new(&f, "store"), 0);
    assert_int_equal(ts_import_rects(&f, "ward.geojson", "ward", 2022, wards, box, 3), 0);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    return ts_store_free(*state);
}

typedef struct levels {
    char text[256];
} levels;

static int add_level(void *user, const nm_level_info *info)
{
    levels *l = user;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s %d %ld %ld;", info->level, info->vintage,
             info->areas, info->with_geometry);
    return 0;
}

static void test_reopen_lists_levels(void **state)
{
    ts_store *f = *state;
    nm_store *s = NULL;
    levels l = {""};

    assert_int_equal(nm_store_open(f->ctx, f->db, NM_STORE_READONLY, &s), NM_OK);
    assert_int_equal(nm_store_levels(s, NULL, add_level, &l), NM_OK);
    assert_string_equal(l.text, "ward 2022 3 3;");
    l.text[0] = '\0';
    assert_int_equal(nm_store_levels(s, "lsoa", add_level, &l), NM_OK);
    assert_string_equal(l.text, "");
    nm_store_close(s);
}

/* the bytes of a file, to compare before and after */
static char *slurp(const char *path, long *n)
{
    FILE *fp = fopen(path, "rb");
    char *b;

    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    *n = ftell(fp);
    rewind(fp);
    b = malloc((size_t)*n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)*n, fp), (size_t)*n);
    fclose(fp);
    return b;
}

static void test_other_sqlite_refused(void **state)
{
    ts_store *f = *state;
    char path[256];
    sqlite3 *db = NULL;
    nm_store *s = NULL;
    char *before, *after;
    long nb, na;

    ts_path(f, "other.sqlite", path, sizeof path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    before = slurp(path, &nb);
    assert_int_equal(nm_store_open(f->ctx, path, NM_STORE_CREATE, &s), NM_SCHEMA);
    assert_null(s);
    assert_non_null(strstr(nm_errmsg(f->ctx), path));
    after = slurp(path, &na);
    assert_int_equal(na, nb);
    assert_memory_equal(after, before, (size_t)nb);
    free(before);
    free(after);
}

static void test_missing_not_created(void **state)
{
    ts_store *f = *state;
    char path[256];
    struct stat st;
    nm_store *s = NULL;

    ts_path(f, "none.sqlite", path, sizeof path);
    assert_int_not_equal(nm_store_open(f->ctx, path, NM_STORE_WRITE, &s), NM_OK);
    assert_null(s);
    assert_non_null(strstr(nm_errmsg(f->ctx), path));
    assert_int_not_equal(stat(path, &st), 0); /* nothing made */
}

static void test_create_makes_folder(void **state)
{
    ts_store *f = *state;
    char path[256];
    nm_store *s = NULL;
    levels l = {""};

    ts_path(f, "deeper/still/new.sqlite", path, sizeof path);
    assert_int_equal(nm_store_open(f->ctx, path, NM_STORE_CREATE, &s), NM_OK);
    assert_int_equal(nm_store_levels(s, NULL, add_level, &l), NM_OK);
    assert_string_equal(l.text, ""); /* empty */
    nm_store_close(s);
    s = NULL;
    assert_int_equal(nm_store_open(f->ctx, path, NM_STORE_WRITE, &s), NM_OK);
    nm_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reopen_lists_levels),
        cmocka_unit_test(test_other_sqlite_refused),
        cmocka_unit_test(test_missing_not_created),
        cmocka_unit_test(test_create_makes_folder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
