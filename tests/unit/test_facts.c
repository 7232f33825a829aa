/*
 * Key facts and local-authority summaries on generated data small enough
 * to check by hand: 20 LSOAs in three authorities, one of which
 * ("Testham") has no LSOA in decile 1 and two LSOAs sharing the best rank.
 * The sentences must say "none" and name both tied LSOAs; extent, local
 * concentration and average rank must match the hand calculation in the
 * comments.
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
#include "support.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    nm_ctx *ctx;
    nm_store *store;
} fixture;

/* code, rank, population, children, LAD */
typedef struct gen_lsoa {
    int n;
    int rank;
    int pop, kids;
    const char *lad;
} gen_lsoa;

static const gen_lsoa lsoas[] = {
    {1, 1, 50, 10, "E09000003"},    {2, 2, 1000, 100, "E09000002"},
    {3, 3, 1000, 100, "E09000002"}, {4, 4, 1000, 100, "E09000002"},
    {5, 6, 1000, 100, "E09000002"}, {6, 7, 1000, 100, "E09000002"},
    {7, 8, 1000, 100, "E09000002"}, {8, 9, 1000, 100, "E09000002"},
    {9, 10, 950, 90, "E09000003"},  {10, 11, 1000, 100, "E09000002"},
    {11, 5, 1000, 200, "E09000001"}, {12, 5, 1500, 300, "E09000001"},
    {13, 12, 1200, 100, "E09000001"}, {14, 20, 1300, 100, "E09000001"},
    {15, 13, 1000, 100, "E09000002"}, {16, 14, 1000, 100, "E09000002"},
    {17, 15, 1000, 100, "E09000002"}, {18, 16, 1000, 100, "E09000002"},
    {19, 17, 1000, 100, "E09000002"}, {20, 18, 1000, 100, "E09000002"},
};
#define NLSOAS (sizeof lsoas / sizeof lsoas[0])

static const char *lad_name(const char *code)
{
    return strcmp(code, "E09000001") == 0   ? "Testham"
           : strcmp(code, "E09000002") == 0 ? "Otherby"
                                            : "Smallham";
}

/* An IoD-like file with MHCLG's headings; deciles as MHCLG cuts them. */
static void write_iod(const char *path)
{
    FILE *fp = fopen(path, "w");
    size_t i;

    assert_non_null(fp);
    fprintf(fp, "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
                "Local Authority District name (2019),"
                "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
                "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10%% of "
                "LSOAs),Total population: mid 2015 (excluding prisoners),"
                "Dependent Children aged 0-15: mid 2015 (excluding prisoners)\n");
    for (i = 0; i < NLSOAS; i++)
        fprintf(fp, "E010000%02d,Test %02d,%s,%s,%d,%d,%d,%d\n", lsoas[i].n, lsoas[i].n,
                lsoas[i].lad, lad_name(lsoas[i].lad), lsoas[i].rank, (lsoas[i].rank + 1) / 2,
                lsoas[i].pop, lsoas[i].kids);
    fclose(fp);
}

/* Unit squares 1 km apart for the LSOAs of Testham only: the others are
 * known by their values, as the rest of England is in a borough's store. */
static void write_boundaries(const char *path)
{
    FILE *fp = fopen(path, "w");
    int i;

    assert_non_null(fp);
    fprintf(fp, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (i = 11; i <= 14; i++) {
        double x = 500000 + 1000.0 * i, y = 180000;
        fprintf(fp,
                "%s{\"type\":\"Feature\",\"properties\":{\"LSOA11CD\":\"E010000%02d\","
                "\"LSOA11NM\":\"Test %02d\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                "[[[%.0f,%.0f],[%.0f,%.0f],[%.0f,%.0f],[%.0f,%.0f],[%.0f,%.0f]]]}}",
                i == 11 ? "" : ",", i, i, x, y, x + 900, y, x + 900, y + 900, x, y + 900, x, y);
    }
    fprintf(fp, "]}\n");
    fclose(fp);
}

static int setup(void **state)
{
    static fixture f;
    nm_boundaries_opts b = {0};
    nm_iod_opts i = {0};
    char path[160];

    memset(&f, 0, sizeof f);
    snprintf(f.dir, sizeof f.dir, "/tmp/nm-facts-XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    snprintf(f.db, sizeof f.db, "%s/store.sqlite", f.dir);
    f.ctx = nm_ctx_new();
    assert_int_equal(nm_store_open(f.ctx, f.db, NM_STORE_CREATE, &f.store), NM_OK);
    snprintf(path, sizeof path, "%s/lsoa.geojson", f.dir);
    write_boundaries(path);
    b.in.path = path;
    b.level = "lsoa";
    b.crs = "EPSG:27700";
    assert_int_equal(nm_import_boundaries(f.store, &b, NULL), NM_OK);
    snprintf(path, sizeof path, "%s/iod2019_test.csv", f.dir);
    write_iod(path);
    i.in.path = path;
    assert_int_equal(nm_import_iod(f.store, &i, NULL), NM_OK);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    nm_store_close(f->store);
    nm_ctx_free(f->ctx);
    return ts_rmtree(f->dir);
}

static const nm_fact *find_fact(const nm_facts_result *r, const char *id)
{
    size_t i;
    for (i = 0; i < r->n; i++)
        if (strcmp(r->facts[i].id, id) == 0)
            return &r->facts[i];
    fail_msg("no fact %s", id);
    return NULL;
}

static double number(const nm_fact *f, const char *name)
{
    int i;
    for (i = 0; i < f->nnumbers; i++)
        if (strcmp(f->numbers[i].name, name) == 0)
            return f->numbers[i].value;
    fail_msg("fact %s has no number %s", f->id, name);
    return NAN;
}

/* Testham has no LSOA in decile 1: the sentence says none, the numbers 0. */
static void test_none_in_decile_1(void **state)
{
    fixture *f = *state;
    nm_facts_opts o = {.within = "E09000001"};
    nm_facts_result r = {0};
    const nm_fact *k;

    assert_int_equal(nm_facts(f->store, &o, &r), NM_OK);
    k = find_fact(&r, "most_deprived_10");
    assert_non_null(strstr(k->text, "None of the 4 LSOAs of Testham is among the 10% most "
                                    "deprived in England (IMD 2019)"));
    assert_true(number(k, "lsoas") == 0);
    assert_true(number(k, "people") == 0);
    /* decile 3 is outside the 20% as well */
    k = find_fact(&r, "most_deprived_20");
    assert_non_null(strstr(k->text, "None of the 4 LSOAs"));
    /* shares of the ten deciles: 2 of 4 in decile 3, one in 6, one in 10 */
    k = find_fact(&r, "decile_shares");
    assert_true(number(k, "decile_3") == 2 && number(k, "decile_6") == 1);
    assert_true(fabs(number(k, "share_3") - 0.5) < 1e-12);
    assert_non_null(strstr(k->text, "0 (0.0%) are in national decile 1"));
    /* no ward is stored: said, not invented */
    k = find_fact(&r, "wards_region_20");
    assert_non_null(strstr(k->text, "No LSOA of Testham has a ward"));
    nm_facts_result_clear(&r);
}

/* Two LSOAs share the best rank: both are named. */
static void test_tied_most_deprived(void **state)
{
    fixture *f = *state;
    nm_facts_opts o = {.within = "E09000001", .format = NM_FORMAT_JSON};
    nm_facts_result r = {0};
    const nm_fact *k;

    assert_int_equal(nm_facts(f->store, &o, &r), NM_OK);
    k = find_fact(&r, "most_deprived_lsoa");
    assert_non_null(strstr(k->text, "The most deprived LSOAs of Testham are E01000011 \"Test "
                                    "11\" and E01000012 \"Test 12\", sharing rank 5 of 20"));
    assert_true(number(k, "tied") == 2 && number(k, "rank") == 5);
    assert_non_null(strstr(r.rendered, "\"id\": \"most_deprived_lsoa\""));
    assert_non_null(strstr(r.rendered, "\"tied\": 2"));
    nm_facts_result_clear(&r);
}

static const nm_la_row *row_of(const nm_la_summary_result *r, const char *code)
{
    size_t i;
    for (i = 0; i < r->n; i++)
        if (strcmp(r->rows[i].code, code) == 0)
            return &r->rows[i];
    fail_msg("no authority %s", code);
    return NULL;
}

/* The measures against the hand calculation (20 LSOAs: reversed rank =
 * 21 - rank; percentile = ceil(rank x 100 / 20) = 5 x rank). */
static void test_la_measures(void **state)
{
    fixture *f = *state;
    nm_la_summary_opts o = {.la = "E09000001", .neighbours = "E09000002,E09000003"};
    nm_la_summary_result r = {0};
    const nm_la_row *t, *s;

    assert_int_equal(nm_la_summary(f->store, &o, &r), NM_OK);
    assert_int_equal(r.n, 3);
    assert_false(r.has_score);
    /* Smallham: rank 1 (pop 50) and rank 10 (pop 950) */
    s = row_of(&r, "E09000003");
    assert_true(fabs(s->avg_rank - (50 * 20 + 950 * 11) / 1000.0) < 1e-9);
    assert_true(fabs(s->prop10 - 0.5) < 1e-12);
    /* rank 1: 5th percentile, weight 1; rank 10: 50th, weight 0 */
    assert_true(fabs(s->extent - 0.05) < 1e-12);
    /* the most deprived 10% of 1,000 people: all 50 of rank 1 (reversed
       20), then 50 of rank 10 (reversed 11) */
    assert_true(fabs(s->local_conc - (50 * 20 + 50 * 11) / 100.0) < 1e-9);
    /* Testham: ranks 5, 5 are the 25th percentile, weight
       0.95 - 0.9 / 19 x 14 */
    t = row_of(&r, "E09000001");
    assert_true(fabs(t->extent - 2500 * (0.95 - 0.9 / 19 * 14) / 5000) < 1e-12);
    assert_true(fabs(t->local_conc - 16) < 1e-9);
    assert_true(t->prop10 == 0);
    /* 1 = the largest share in decile 1: Smallham 1/2, Otherby 1/16 */
    assert_int_equal(s->rank_prop10, 1);
    assert_int_equal(row_of(&r, "E09000002")->rank_prop10, 2);
    assert_int_equal(t->rank_prop10, 3);
    assert_int_equal(r.nneighbours, 2);
    assert_non_null(strstr(r.rendered, "Neighbours (2)"));
    assert_non_null(strstr(r.rendered, "average score cannot be given"));
    nm_la_summary_result_clear(&r);
}

static void test_errors(void **state)
{
    fixture *f = *state;
    nm_la_summary_opts o = {.la = "E09999999"};
    nm_la_summary_result r = {0};
    nm_facts_opts fo = {.within = "E09000001", .period = "1999"};
    nm_facts_result fr = {0};

    assert_int_equal(nm_la_summary(f->store, &o, &r), NM_NOTFOUND);
    assert_non_null(strstr(nm_errmsg(f->ctx), "no local authority \"E09999999\""));
    o.la = "E09000001";
    o.neighbours = "E09000002,nowhere";
    assert_int_equal(nm_la_summary(f->store, &o, &r), NM_NOTFOUND);
    assert_non_null(strstr(nm_errmsg(f->ctx), "\"nowhere\""));
    assert_int_equal(nm_facts(f->store, &fo, &fr), NM_NOTFOUND);
    assert_non_null(strstr(nm_errmsg(f->ctx), "no period \"1999\""));
    fo.period = NULL;
    fo.population_period = "2007";
    assert_int_equal(nm_facts(f->store, &fo, &fr), NM_NOTFOUND);
    assert_null(fr.facts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_none_in_decile_1),
        cmocka_unit_test(test_tied_most_deprived),
        cmocka_unit_test(test_la_measures),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
