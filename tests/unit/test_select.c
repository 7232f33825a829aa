/*
 * Selecting areas (analyse/select.c) and the point index (analyse/pip.c)
 * on a generated world: four 100 m square LSOAs in a 2 x 2 grid and two
 * wards, the west and east halves, with no memberships stored, so that
 * an LSOA is within a ward by its interior point.  Checks the codes of
 * each selection, their extents, the refusals, sets joined into one,
 * which area holds a point, and (in a store of its own, with memberships)
 * the ward of each LSOA and the place of the areas an alt text names.
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

static const char *const lsoas[] = {"E01000001", "E01000002", "E01000003", "E01000004"};

static int setup(void **state)
{
    static ts_store f;
    static const double lbox[][4] = {{0, 0, 100, 100}, {100, 0, 200, 100}, {0, 100, 100, 200},
                                     {100, 100, 200, 200}};
    static const char *const wards[] = {"E05000001", "E05000002"};
    static const double wbox[][4] = {{0, 0, 100, 200}, {100, 0, 200, 200}};

    assert_int_equal(ts_store_new(&f, "select"), 0);
    assert_int_equal(ts_import_rects(&f, "lsoa.geojson", "lsoa", 2011, lsoas, lbox, 4), 0);
    assert_int_equal(ts_import_rects(&f, "ward.geojson", "ward", 2013, wards, wbox, 2), 0);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    return ts_store_free(*state);
}

/* the codes of a set, in its order, joined by spaces */
static void codes_are(const nm_areas *a, const char *want)
{
    char got[256] = "";
    size_t used = 0;

    for (size_t i = 0; i < nm_areas_count(a); i++)
        used += (size_t)snprintf(got + used, sizeof got - used, "%s%s", i ? " " : "",
                                 nm_areas_code(a, i));
    assert_string_equal(got, want);
}

static void extent_is(const nm_areas *a, double x1, double y1, double x2, double y2)
{
    double minx, miny, maxx, maxy;

    nm_areas_extent(a, &minx, &miny, &maxx, &maxy);
    assert_true(fabs(minx - (TS_X0 + x1)) < 1e-6 && fabs(miny - (TS_Y0 + y1)) < 1e-6);
    assert_true(fabs(maxx - (TS_X0 + x2)) < 1e-6 && fabs(maxy - (TS_Y0 + y2)) < 1e-6);
}

static void test_all_and_within(void **state)
{
    ts_store *f = *state;
    nm_areas *all = NULL, *west = NULL, *east = NULL;

    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, NULL, &all), NM_OK);
    codes_are(all, "E01000001 E01000002 E01000003 E01000004");
    assert_string_equal(nm_areas_level(all), "lsoa");
    assert_int_equal(nm_areas_vintage(all), 2011);
    extent_is(all, 0, 0, 200, 200);

    /* no memberships: by interior point */
    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, "E05000001", &west), NM_OK);
    codes_are(west, "E01000001 E01000003");
    extent_is(west, 0, 0, 100, 200);
    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, "E05000002", &east), NM_OK);
    codes_are(east, "E01000002 E01000004");
    extent_is(east, 100, 0, 200, 200);
    nm_areas_free(all);
    nm_areas_free(west);
    nm_areas_free(east);
}

static void test_refusals(void **state)
{
    ts_store *f = *state;
    nm_areas *a = NULL;

    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, "E05999999", &a), NM_NOTFOUND);
    assert_null(a);
    /* an area of the level itself is no parent */
    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, "E01000001", &a), NM_USAGE);
    assert_non_null(strstr(nm_errmsg(f->ctx), "is itself a lsoa"));
    assert_null(a);
    assert_int_equal(nm_areas_select(f->store, "msoa", 0, NULL, &a), NM_NOTFOUND);
    assert_null(a);
}

static void test_concat(void **state)
{
    ts_store *f = *state;
    nm_areas *part[2] = {NULL, NULL}, *both = NULL;

    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, "E05000002", &part[0]), NM_OK);
    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, "E05000001", &part[1]), NM_OK);
    assert_int_equal(nm_areas_concat(f->store, part, 2, &both), NM_OK);
    /* the first set's areas, then the second's */
    codes_are(both, "E01000002 E01000004 E01000001 E01000003");
    extent_is(both, 0, 0, 200, 200);
    assert_string_equal(nm_areas_level(both), "lsoa");
    assert_int_equal(nm_areas_vintage(both), 2011);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(nm_areas_rowid(both, i), nm_areas_rowid(part[0], i));
        assert_int_equal(nm_areas_dataset(both, 2 + i), nm_areas_dataset(part[1], i));
        assert_string_equal(nm_areas_name(both, 2 + i), nm_areas_name(part[1], i));
    }
    nm_areas_free(both);
    both = NULL;
    assert_int_equal(nm_areas_concat(f->store, part, 0, &both), NM_USAGE);
    assert_null(both);
    nm_areas_free(part[0]);
    nm_areas_free(part[1]);
}

static void test_parents(void **state)
{
    ts_store *f = *state;
    nm_areas *west = NULL, *wards = NULL;

    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, "E05000001", &west), NM_OK);
    assert_int_equal(nm_areas_parents(f->store, west, "ward", &wards), NM_OK);
    codes_are(wards, "E05000001");
    nm_areas_free(wards);
    nm_areas_free(west);
}

static void test_point_index(void **state)
{
    ts_store *f = *state;
    nm_areas *all = NULL;
    nm_pip *pip = NULL;

    assert_string_equal(nm_pip_finest_level(f->store), "lsoa");
    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, NULL, &all), NM_OK);
    assert_int_equal(nm_pip_build(f->store, all, &pip), NM_OK);
    assert_string_equal(nm_areas_code(all, (size_t)nm_pip_find(pip, TS_X0 + 50, TS_Y0 + 50)),
                        "E01000001");
    assert_string_equal(nm_areas_code(all, (size_t)nm_pip_find(pip, TS_X0 + 150, TS_Y0 + 150)),
                        "E01000004");
    assert_string_equal(nm_areas_code(all, (size_t)nm_pip_find(pip, TS_X0 + 10, TS_Y0 + 190)),
                        "E01000003");
    assert_int_equal(nm_pip_find(pip, TS_X0 - 10, TS_Y0 + 50), -1);
    assert_int_equal(nm_pip_find(pip, TS_X0 + 100, TS_Y0 + 250), -1);
    /* on the edge two areas share: exactly one holds it */
    assert_true(nm_pip_find(pip, TS_X0 + 100, TS_Y0 + 50) >= 0);
    nm_pip_free(pip);
    nm_areas_free(all);
}

/* The ward of each LSOA: none before any membership is stored; then an
 * official lookup's ward wins over the interior point's, and the others
 * take their point's.  A store of its own, since memberships would change
 * the selections of the group's world. */
static void test_wards(void **state)
{
    static const char *const wards[] = {"E05000001", "E05000002"};
    static const double lbox[][4] = {{0, 0, 100, 100}, {100, 0, 200, 100}, {0, 100, 100, 200},
                                     {100, 100, 200, 200}};
    static const double wbox[][4] = {{0, 0, 100, 200}, {100, 0, 200, 200}};
    ts_store f;
    nm_areas *all = NULL;
    nm_area_wards w;
    nm_assign_opts as = {0};
    nm_lookup_opts lo = {0};
    char path[256];

    (void)state;
    assert_int_equal(ts_store_new(&f, "wards"), 0);
    assert_int_equal(ts_import_rects(&f, "lsoa.geojson", "lsoa", 2011, lsoas, lbox, 4), 0);
    assert_int_equal(ts_import_rects(&f, "ward.geojson", "ward", 2013, wards, wbox, 2), 0);
    assert_int_equal(nm_areas_select(f.store, "lsoa", 0, NULL, &all), NM_OK);

    assert_int_equal(nm_areas_wards(f.store, all, 0, &w), NM_OK);
    assert_int_equal(w.n, 4);
    assert_int_equal(w.found, 0);
    for (size_t i = 0; i < w.n; i++)
        assert_null(w.code[i]);
    nm_area_wards_clear(&w);

    as.child_level = "lsoa";
    as.parent_level = "ward";
    as.method = NM_ASSIGN_POINT;
    assert_int_equal(nm_assign(f.store, &as, NULL), NM_OK);
    /* the lookup puts the south-west LSOA in the east ward */
    assert_int_equal(ts_write(&f, "lu.csv", "LSOA11CD,WD13CD\nE01000001,E05000002\n"), 0);
    lo.in.path = ts_path(&f, "lu.csv", path, sizeof path);
    lo.child = "LSOA11CD";
    lo.parent = "WD13CD";
    lo.parent_level = "ward";
    assert_int_equal(nm_import_lookup(f.store, &lo, NULL), NM_OK);

    assert_int_equal(nm_areas_wards(f.store, all, 0, &w), NM_OK);
    assert_int_equal(w.vintage, 2013);
    assert_int_equal(w.found, 4);
    assert_string_equal(w.code[0], "E05000002"); /* the lookup's */
    assert_string_equal(w.code[1], "E05000002");
    assert_string_equal(w.code[2], "E05000001");
    assert_string_equal(w.code[3], "E05000002");
    assert_string_equal(w.name[2], "E05000001");
    nm_area_wards_clear(&w);
    assert_null(w.code);

    /* the place of the areas asked, for an alt text: the lookup's first */
    static const unsigned char want[] = {1, 0, 1, 1};
    char **names = NULL;
    assert_int_equal(nm_areas_place_names(f.store, all, "ward", want, &names), NM_OK);
    assert_string_equal(names[0], "E05000002");
    assert_null(names[1]); /* not asked */
    assert_string_equal(names[2], "E05000001");
    assert_string_equal(names[3], "E05000002");
    nm_place_names_free(names, 4);
    /* no LSOA is in a district: nothing is asked of each */
    assert_int_equal(nm_areas_place_names(f.store, all, "lad", NULL, &names), NM_OK);
    for (size_t i = 0; i < 4; i++)
        assert_null(names[i]);
    nm_place_names_free(names, 4);
    nm_areas_free(all);
    assert_int_equal(ts_store_free(&f), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_and_within), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_concat),         cmocka_unit_test(test_parents),
        cmocka_unit_test(test_point_index),    cmocka_unit_test(test_wards),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
