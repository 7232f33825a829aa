/*
 * What a build compares to decide that a figure is stale (batch/stale.c,
 * report/provenance.c): the datasets a map reads, id lists sorted and
 * deduplicated, queries answered once through the build's memo, and the
 * build table's rows written, replaced, read back and deleted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "batch/build_int.h"
#include "needsmap/needsmap.h"
#include "store/store_int.h"
#include "support.h"

static const char *const lsoas[] = {"E01000001", "E01000002"};
static const double lbox[][4] = {{0, 0, 100, 100}, {100, 0, 200, 100}};
static const char *const wards[] = {"E05000001"};
static const double wbox[][4] = {{0, 0, 200, 100}};

/* datasets 1 (LSOAs), 2 (wards), 3 (IoD) */
static int setup(void **state)
{
    static ts_store f;
    char path[256];
    nm_iod_opts i = {0};

    assert_int_equal(ts_store_new(&f, "stale"), 0);
    assert_int_equal(ts_import_rects(&f, "lsoa.geojson", "lsoa", 2011, lsoas, lbox, 2), 0);
    assert_int_equal(ts_import_rects(&f, "ward.geojson", "ward", 2013, wards, wbox, 1), 0);
    assert_int_equal(ts_write(&f, "iod.csv",
                              "LSOA code (2011),Index of Multiple Deprivation (IMD) Score\n"
                              "E01000001,50\nE01000002,10\n"),
                     0);
    i.in.path = ts_path(&f, "iod.csv", path, sizeof path);
    i.period = "2019";
    assert_int_equal(nm_import_iod(f.store, &i, NULL), NM_OK);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    return ts_store_free(*state);
}

static void ids_text_is(const bd_ids *ids, const char *want)
{
    char *t = nmB_ids_text(ids);
    assert_non_null(t);
    assert_string_equal(t, want);
    nm_free(t);
}

static void test_ids(void **state)
{
    ts_store *f = *state;
    bd_ids ids = {0};
    const long add[] = {5, 3, 5, 1, 3};

    for (size_t i = 0; i < 5; i++)
        assert_int_equal(nmB_ids_add(f->ctx, &ids, add[i]), NM_OK);
    nmB_ids_finish(&ids);
    ids_text_is(&ids, "1 3 5");
    nmB_ids_free(&ids);
    ids_text_is(&ids, "");
}

/* The datasets nm_map_inputs lists for 'o' are exactly 'want'. */
static void map_inputs_are(ts_store *f, const nm_choropleth_opts *o, size_t nwant,
                           const long *want)
{
    long *ids = NULL;
    size_t n = 0;

    assert_int_equal(nm_map_inputs(f->store, o, &ids, &n), NM_OK);
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < nwant; i++)
        assert_int_equal(ids[i], want[i]);
    nm_free(ids);
}

static void test_map_inputs(void **state)
{
    ts_store *f = *state;
    nm_choropleth_opts o = {0};

    o.indicator = "imd_score";
    /* the LSOAs' boundaries and the IoD, not the wards */
    map_inputs_are(f, &o, 2, (const long[]){1, 3});
    o.overlay = "ward";
    map_inputs_are(f, &o, 3, (const long[]){1, 2, 3});
}

/* The memberships a map follows come from their own datasets: every
 * dataset whose rows lead from the level to another level, none whose
 * rows stay within it (a lookup between LSOA years), none of a row
 * without one.  The query walks the index from dataset to dataset. */
static void test_map_inputs_memberships(void **state)
{
    ts_store *f = *state;
    nm_choropleth_opts o = {0};

    assert_int_equal(nmS_store_begin(f->store), NM_OK);
    assert_int_equal(
        nmS_store_exec(f->store,
                      "INSERT INTO dataset (id, kind, file, sha256, imported_at) VALUES "
                      "(10, 'lookup', 'a.csv', 'x', 'now'), (11, 'lookup', 'b.csv', 'y', 'now'),"
                      "(12, 'lookup', 'c.csv', 'z', 'now');"
                      "INSERT INTO membership (child, child_level, child_vintage, parent, "
                      "parent_level, parent_vintage, method, dataset) VALUES "
                      "('E01000001', 'lsoa', 2011, 'E05000001', 'ward', 2013, 'lookup', 11),"
                      "('E01000002', 'lsoa', 2011, 'E05000001', 'ward', 2013, 'lookup', 10),"
                      "('E01000001', 'lsoa', 2011, 'E01100001', 'lsoa', 2021, 'lookup', 12),"
                      "('E01000002', 'lsoa', 2011, 'E06000001', 'lad', 2019, 'lookup', NULL),"
                      "('E01000002', 'lsoa', 2021, 'E06000001', 'lad', 2019, 'lookup', 12);"),
        NM_OK);
    assert_int_equal(nmS_store_commit(f->store), NM_OK);
    o.indicator = "imd_score";
    o.overlay = "ward";
    map_inputs_are(f, &o, 5, (const long[]){1, 2, 3, 10, 11});
}

static void test_memo(void **state)
{
    ts_store *f = *state;
    static const char *const sql = "SELECT id FROM dataset WHERE kind = ?1";
    const char *kind[] = {"boundaries"};
    static const char *const more[] = {"E02000001"};
    bd_memo *memo = nmB_memo_new();
    bd_ids a = {0}, b = {0}, c = {0};

    assert_non_null(memo);
    assert_int_equal(nmB_query_ids(f->store, memo, sql, kind, 1, &a), NM_OK);
    nmB_ids_finish(&a);
    ids_text_is(&a, "1 2");
    /* a dataset more: the build's memo keeps its answer for the build */
    assert_int_equal(ts_import_rects(f, "msoa.geojson", "msoa", 2011, more, wbox, 1), 0);
    assert_int_equal(nmB_query_ids(f->store, memo, sql, kind, 1, &b), NM_OK);
    nmB_ids_finish(&b);
    ids_text_is(&b, "1 2");
    assert_int_equal(nmB_query_ids(f->store, NULL, sql, kind, 1, &c), NM_OK);
    nmB_ids_finish(&c);
    ids_text_is(&c, "1 2 4");
    nmB_ids_free(&a);
    nmB_ids_free(&b);
    nmB_ids_free(&c);
    nmB_memo_free(memo);
}

static void test_records(void **state)
{
    ts_store *f = *state;
    bd_record r;

    assert_int_equal(nmB_record_read(f->store, NULL, "map.a", &r), NM_OK);
    assert_false(r.found);
    nmB_record_clear(&r);
    assert_int_equal(nmB_record_write(f->store, "map.a", "d1", "1 3", "/out/a.png"), NM_OK);
    assert_int_equal(nmB_record_write(f->store, "map.a", "d2", "1 2 3", "/out/a.png"), NM_OK);
    assert_int_equal(nmB_record_read(f->store, NULL, "map.a", &r), NM_OK);
    assert_true(r.found);
    assert_string_equal(r.definition, "d2");
    assert_string_equal(r.inputs, "1 2 3");
    assert_string_equal(r.version, nm_version());
    assert_string_equal(r.output, "/out/a.png");
    nmB_record_clear(&r);
    assert_int_equal(nmB_record_delete(f->store, "map.a"), NM_OK);
    assert_int_equal(nmB_record_read(f->store, NULL, "map.a", &r), NM_OK);
    assert_false(r.found);
    nmB_record_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_map_inputs),
        cmocka_unit_test(test_memo),
        cmocka_unit_test(test_records),
        /* last: its datasets would change the ids the others expect */
        cmocka_unit_test(test_map_inputs_memberships),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
