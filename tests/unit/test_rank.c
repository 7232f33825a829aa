/*
 * Ranks re-computed within a region and within the selection
 * (analyse/rank.c), on four LSOAs with boundaries and six more of the same
 * region without, from a generated IoD-style file.  The expected ranks
 * are worked out here from the scores: 1 is the highest score (most
 * deprived), counted among the region's ten or the selection's four.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "needsmap/needsmap.h"
#include "support.h"

/* the bounded LSOAs' scores, then the others' */
static const double score[10] = {50, 40, 10, 5, 30, 25, 20, 15, 3, 1};

static int setup(void **state)
{
    static ts_store f;
    static const char *const lsoas[] = {"E01000001", "E01000002", "E01000003", "E01000004"};
    static const double lbox[][4] = {{0, 0, 100, 100}, {100, 0, 200, 100}, {0, 100, 100, 200},
                                     {100, 100, 200, 200}};
    char csv[2048], path[256];
    size_t used;
    nm_iod_opts i = {0};

    assert_int_equal(ts_store_new(&f, "rank"), 0);
    assert_int_equal(ts_import_rects(&f, "lsoa.geojson", "lsoa", 2011, lsoas, lbox, 4), 0);
    used = (size_t)snprintf(csv, sizeof csv, "%s",
                            "LSOA code (2011),Local Authority District code (2019),RGN19CD,"
                            "Index of Multiple Deprivation (IMD) Score,"
                            "Total population: mid 2015 (excluding prisoners)\n");
    for (int k = 0; k < 10; k++)
        used += (size_t)snprintf(csv + used, sizeof csv - used, "E010000%02d,E0600000%d,E12000001,%g,1000\n",
                                 k + 1, k < 4 ? 1 : 2, score[k]);
    assert_int_equal(ts_write(&f, "iod.csv", csv), 0);
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

/* rank of score k among scores[0 .. n), 1 = highest */
static double rank_among(int k, int n)
{
    int r = 1;
    for (int j = 0; j < n; j++)
        r += score[j] > score[k];
    return r;
}

static void read_ranked(ts_store *f, nm_rank_scope scope, nm_values *v, nm_areas **a)
{
    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, NULL, a), NM_OK);
    assert_int_equal(nm_areas_count(*a), 4);
    assert_int_equal(nm_values_read(f->store, *a, "imd_score", NULL, scope, v), NM_OK);
    assert_int_equal(v->n, 4);
}

static void test_none(void **state)
{
    nm_values v = {0};
    nm_areas *a = NULL;

    read_ranked(*state, NM_RANK_NONE, &v, &a);
    for (size_t i = 0; i < 4; i++)
        assert_true(fabs(v.value[i] - score[i]) < 1e-9);
    assert_int_equal(v.national_n, 10);
    nm_values_clear(&v);
    nm_areas_free(a);
}

static void test_region(void **state)
{
    nm_values v = {0};
    nm_areas *a = NULL;

    read_ranked(*state, NM_RANK_REGION, &v, &a);
    for (size_t i = 0; i < 4; i++) {
        assert_true(fabs(v.value[i] - rank_among((int)i, 10)) < 1e-9);
        assert_int_equal(v.group_size[i], 10);
    }
    assert_int_equal(v.polarity, -1);
    nm_values_clear(&v);
    nm_areas_free(a);
}

static void test_local(void **state)
{
    nm_values v = {0};
    nm_areas *a = NULL;

    read_ranked(*state, NM_RANK_LOCAL, &v, &a);
    for (size_t i = 0; i < 4; i++) {
        assert_true(fabs(v.value[i] - rank_among((int)i, 4)) < 1e-9);
        assert_int_equal(v.group_size[i], 4);
    }
    assert_int_equal(v.polarity, -1);
    nm_values_clear(&v);
    nm_areas_free(a);
}

static void test_unknown(void **state)
{
    ts_store *f = *state;
    nm_values v = {0};
    nm_areas *a = NULL;

    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, NULL, &a), NM_OK);
    assert_int_equal(nm_values_read(f->store, a, "imd_scor", NULL, NM_RANK_REGION, &v),
                     NM_NOTFOUND);
    assert_non_null(strstr(nm_errmsg(f->ctx), "imd_score")); /* the nearest id is named */
    nm_values_clear(&v);
    nm_areas_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_region),
        cmocka_unit_test(test_local),
        cmocka_unit_test(test_unknown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
