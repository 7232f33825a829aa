/*
 * Assignments and aggregates on a small generated world: four 100 m
 * square LSOAs in a 2 x 2 grid and three wards cutting through them (x 0 to
 * 130 m, 130 to 199.95 m, and a 5 cm sliver), values from a generated
 * IoD-style CSV with six more LSOAs of the same region that have no
 * boundary.  Checks interior-point and area assignments (weights summing
 * to 1, slivers dropped), the disagreement report against a lookup, and
 * the weighted sums, population-weighted means and decile counts the
 * aggregate stores.
 */
#include <math.h>
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
#include "support.h"


typedef ts_store fixture;

static char path_buf[256];
static const char *fpath(const fixture *f, const char *name)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", f->dir, name);
    return path_buf;
}

static void write_file(const fixture *f, const char *name, const char *text)
{
    FILE *fp = fopen(fpath(f, name), "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int setup(void **state)
{
    static fixture f;
    static const char *const lsoas[] = {"E01000001", "E01000002", "E01000003", "E01000004"};
    static const double lbox[][4] = {{0, 0, 100, 100}, {100, 0, 200, 100}, {0, 100, 100, 200},
                                     {100, 100, 200, 200}};
    static const char *const wards[] = {"E05000001", "E05000002", "E05000003"};
    static const double wbox[][4] = {{0, 0, 130, 200}, {130, 0, 199.95, 200}, {199.95, 0, 200, 200}};
    nm_iod_opts i = {0};
    char path[256];

    assert_int_equal(ts_store_new(&f, "agg"), 0);
    assert_int_equal(ts_import_rects(&f, "lsoa.geojson", "lsoa", 2011, lsoas, lbox, 4), 0);
    assert_int_equal(ts_import_rects(&f, "ward.geojson", "ward", 2013, wards, wbox, 3), 0);
    /* scores: grid 50, 40, 10, 5; six more LSOAs of the region 30 .. 1 */
    write_file(&f, "iod.csv",
               "LSOA code (2011),Local Authority District code (2019),RGN19CD,"
               "Index of Multiple Deprivation (IMD) Score,"
               "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs),"
               "Total population: mid 2015 (excluding prisoners),"
               "Dependent Children aged 0-15: mid 2015 (excluding prisoners)\n"
               "E01000001,E06000001,E12000001,50,1,1000,200\n"
               "E01000002,E06000001,E12000001,40,2,2000,500\n"
               "E01000003,E06000001,E12000001,10,5,1500,300\n"
               "E01000004,E06000001,E12000001,5,9,500,100\n"
               "E01000005,E06000002,E12000001,30,3,1000,100\n"
               "E01000006,E06000002,E12000001,25,3,1000,100\n"
               "E01000007,E06000002,E12000001,20,4,1000,100\n"
               "E01000008,E06000002,E12000001,15,4,1000,100\n"
               "E01000009,E06000002,E12000001,3,10,1000,100\n"
               "E01000010,E06000002,E12000001,1,10,1000,100\n");
    snprintf(path, sizeof path, "%s", fpath(&f, "iod.csv"));
    i.in.path = path;
    i.period = "2019";
    assert_int_equal(nm_import_iod(f.store, &i, NULL), NM_OK);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    return ts_store_free(*state);
}

static double value(fixture *f, const char *key, const char *code)
{
    double v = NAN;
    nm_status rc = nm_store_value(f->store, key, "2019", code, &v);
    if (rc != NM_OK)
        fail_msg("%s of %s: %s", key, code, nm_errmsg(f->ctx));
    return v;
}

static double sql_double(fixture *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    double v = NAN;

    assert_int_equal(sqlite3_prepare_v2(f->store->db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void point_assignment(void **state)
{
    fixture *f = *state;
    nm_assign_opts o = {0};
    nm_assign_result r = {0};

    o.child_level = "lsoa";
    o.parent_level = "ward";
    assert_int_equal(nm_assign(f->store, &o, &r), NM_OK);
    assert_int_equal(r.children, 4);
    assert_int_equal(r.assigned, 4);
    assert_int_equal(r.memberships, 4);
    assert_int_equal(r.compared, 0);
    /* the right-hand squares' interior points lie at x = 150: ward 2 */
    assert_true(sql_double(f, "SELECT COUNT(*) FROM membership WHERE method = 'point' AND "
                              "parent = 'E05000002' AND child IN ('E01000002', 'E01000004') "
                              "AND weight = 1") == 2);
    nm_assign_result_clear(&r);
}

static void area_weights(void **state)
{
    fixture *f = *state;
    nm_assign_opts o = {0};
    nm_assign_result r = {0};

    o.child_level = "lsoa";
    o.parent_level = "ward";
    o.method = NM_ASSIGN_AREA;
    assert_int_equal(nm_assign(f->store, &o, &r), NM_OK);
    assert_int_equal(r.assigned, 4);
    assert_int_equal(r.memberships, 6);
    assert_int_equal(r.slivers, 2); /* the 5 cm strip of wards 3 */
    /* weights sum to 1 for every child */
    assert_true(sql_double(f, "SELECT MAX(ABS(s - 1)) FROM (SELECT SUM(weight) s FROM membership "
                              "WHERE method = 'area' GROUP BY child)") < 1e-12);
    /* 30 of the 99.95 m kept: renormalised */
    assert_float_equal(sql_double(f, "SELECT weight FROM membership WHERE method = 'area' AND "
                                     "child = 'E01000002' AND parent = 'E05000001'"),
                       30.0 / 99.95, 1e-9);
    assert_true(sql_double(f, "SELECT COUNT(*) FROM membership WHERE parent = 'E05000003'") == 0);
    /* a second run replaces */
    nm_assign_result_clear(&r);
    assert_int_equal(nm_assign(f->store, &o, &r), NM_OK);
    assert_true(sql_double(f, "SELECT COUNT(*) FROM membership WHERE method = 'area'") == 6);
    nm_assign_result_clear(&r);
}

static void aggregate_by_point(void **state)
{
    fixture *f = *state;
    nm_aggregate_opts o = {0};
    nm_aggregate_result r;

    /* point memberships are preferred to the area ones also stored */
    o.to = "ward";
    assert_int_equal(nm_aggregate(f->store, &o, &r), NM_OK);
    assert_int_equal(r.parents, 2);
    assert_int_equal(r.children, 4);
    assert_string_equal(r.period, "2019");
    assert_float_equal(value(f, "ward_pop_total", "E05000001"), 2500, 1e-9);
    assert_float_equal(value(f, "ward_pop_0_15", "E05000002"), 600, 1e-9);
    assert_float_equal(value(f, "ward_lsoas", "E05000001"), 2, 1e-9);
    /* (1000 x 50 + 1500 x 10) / 2500 and (2000 x 40 + 500 x 5) / 2500 */
    assert_float_equal(value(f, "ward_imd_score_pw", "E05000001"), 26, 1e-9);
    assert_float_equal(value(f, "ward_imd_score_pw", "E05000002"), 33, 1e-9);
    /* national deciles: 1 in ward 1 (E01000001); 2 in ward 2 */
    assert_float_equal(value(f, "ward_imd_nat10_lsoas", "E05000001"), 1, 1e-9);
    assert_float_equal(value(f, "ward_imd_nat10_share", "E05000001"), 0.5, 1e-9);
    assert_float_equal(value(f, "ward_imd_nat10_people", "E05000001"), 1000, 1e-9);
    assert_float_equal(value(f, "ward_imd_nat10_children", "E05000001"), 200, 1e-9);
    assert_float_equal(value(f, "ward_imd_nat10_lsoas", "E05000002"), 0, 1e-9);
    assert_float_equal(value(f, "ward_imd_nat20_people", "E05000002"), 2000, 1e-9);
    assert_float_equal(value(f, "ward_imd_nat20_children", "E05000002"), 500, 1e-9);
    /* among the region's 10 LSOAs: 50 is 1st (10%), 40 2nd (20%) */
    assert_float_equal(value(f, "ward_imd_reg10_lsoas", "E05000001"), 1, 1e-9);
    assert_float_equal(value(f, "ward_imd_reg10_lsoas", "E05000002"), 0, 1e-9);
    assert_float_equal(value(f, "ward_imd_reg20_share", "E05000002"), 0.5, 1e-9);
    assert_float_equal(value(f, "ward_imd_reg20_people", "E05000002"), 2000, 1e-9);
}

static void aggregate_by_area(void **state)
{
    fixture *f = *state;
    nm_aggregate_opts o = {0};
    double w1, w2;

    assert_int_equal(nmS_store_exec(f->store, "DELETE FROM membership WHERE method = 'point'"),
                     NM_OK);
    o.to = "ward";
    assert_int_equal(nm_aggregate(f->store, &o, NULL), NM_OK);
    w1 = 30.0 / 99.95;
    w2 = 1 - w1;
    /* ward 1: all of 1 and 3, w1 of 2 and 4 */
    assert_float_equal(value(f, "ward_pop_total", "E05000001"), 2500 + w1 * 2500, 1e-6);
    assert_float_equal(value(f, "ward_pop_total", "E05000002"), w2 * 2500, 1e-6);
    assert_float_equal(value(f, "ward_lsoas", "E05000002"), 2 * w2, 1e-9);
    assert_float_equal(value(f, "ward_imd_score_pw", "E05000002"), 33, 1e-9);
    assert_float_equal(value(f, "ward_imd_score_pw", "E05000001"),
                       (50000 + 15000 + w1 * (80000 + 2500)) / (2500 + w1 * 2500), 1e-9);
    assert_float_equal(value(f, "ward_imd_nat20_share", "E05000002"), 0.5, 1e-9);
    assert_float_equal(value(f, "ward_imd_nat20_people", "E05000001"), 1000 + w1 * 2000, 1e-6);
}

static void disagreement(void **state)
{
    fixture *f = *state;
    nm_lookup_opts l = {0};
    nm_assign_opts o = {0};
    nm_assign_result r = {0};
    char path[256];

    /* an official lookup that puts E01000002 in ward 1 */
    write_file(f, "lookup.csv", "LSOA11CD,WD13CD\nE01000001,E05000001\nE01000002,E05000001\n"
                                "E01000003,E05000001\nE01000004,E05000002\n");
    snprintf(path, sizeof path, "%s", fpath(f, "lookup.csv"));
    l.in.path = path;
    l.child = "LSOA11CD";
    l.parent = "WD13CD";
    l.parent_level = "ward";
    assert_int_equal(nm_import_lookup(f->store, &l, NULL), NM_OK);
    o.child_level = "lsoa";
    o.parent_level = "ward";
    assert_int_equal(nm_assign(f->store, &o, &r), NM_OK);
    assert_int_equal(r.compared, 4);
    assert_int_equal(r.disagree, 1);
    assert_string_equal(r.disagreements[0].child, "E01000002");
    assert_string_equal(r.disagreements[0].assigned, "E05000002");
    assert_string_equal(r.disagreements[0].lookup, "E05000001");
    nm_assign_result_clear(&r);
    assert_null(r.disagreements);
    /* the lookup wins in aggregates: ward 1 has three LSOAs */
    assert_int_equal(nm_aggregate(f->store, &(nm_aggregate_opts){.to = "ward"}, NULL), NM_OK);
    assert_float_equal(value(f, "ward_lsoas", "E05000001"), 3, 1e-9);
    assert_float_equal(value(f, "ward_pop_total", "E05000001"), 4500, 1e-9);
}

static void errors(void **state)
{
    fixture *f = *state;
    nm_aggregate_opts o = {0};
    nm_assign_opts a = {0};

    o.to = "ward";
    o.indicators = "nothing_here";
    assert_int_equal(nm_aggregate(f->store, &o, NULL), NM_NOTFOUND);
    assert_non_null(strstr(nm_errmsg(f->ctx), "nothing_here"));
    o.to = "region";
    o.indicators = NULL;
    o.from = "msoa";
    assert_int_equal(nm_aggregate(f->store, &o, NULL), NM_NOTFOUND);
    a.child_level = "lsoa";
    a.parent_level = "lsoa";
    assert_int_equal(nm_assign(f->store, &a, NULL), NM_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(point_assignment), cmocka_unit_test(area_weights),
        cmocka_unit_test(aggregate_by_point), cmocka_unit_test(aggregate_by_area),
        cmocka_unit_test(disagreement),     cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
