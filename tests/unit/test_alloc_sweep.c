/*
 * Allocation-failure sweep (issues 15 and 13): every import (boundaries
 * from a shapefile and from GeoJSON, IoD, indicators, lookup, localities,
 * incidents), the steps that store what they compute (derive, aggregate,
 * assign) and the store's open and create are run with the Nth
 * allocation through nm_malloc failing, for N = 0, 1, ... up to the
 * number of allocations the import makes.  Each failed run must return an error with a message (never
 * crash), and leave the store file byte for byte as it was; under ASan the
 * leak checker at exit finds anything a failed run did not free.
 * Allocations SQLite, GDAL, PROJ, GEOS and shapelib make themselves do not
 * go through nm_malloc and are not swept.  The sweep covers the first
 * SWEEP_ALL values of N and then SWEEP_SAMPLED more evenly spread, unless
 * NM_SWEEP_FULL=1 asks for every N; it prints its counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <shapefil.h>
#include <sqlite3.h>

#include "needsmap/needsmap.h"
#include "nm_int.h"
#include "support.h"

#define SWEEP_ALL 150
#define SWEEP_SAMPLED 100

static char tmpdir[64];
static char base_db[160]; /* a store with wards and LSOAs, the imports' start */
static char steps_db[160]; /* and an indicator table and a lookup: the steps' start */

static void path_of(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmpdir, name);
}

static void write_text(const char *name, const char *text)
{
    char path[160];
    FILE *fp;

    path_of(path, sizeof path, name);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void copy_file(const char *from, const char *to)
{
    char buf[65536];
    size_t n;
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");

    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* ---- fixtures --------------------------------------------------------- */

/* Four LSOAs, squares of 500 m from (500000, 200000), as a shapefile. */
static void write_lsoa_shp(void)
{
    char path[160];
    SHPHandle shp;
    DBFHandle dbf;
    int i;

    path_of(path, sizeof path, "lsoa.shp");
    shp = SHPCreate(path, SHPT_POLYGON);
    dbf = DBFCreate(path);
    assert_non_null(shp);
    assert_non_null(dbf);
    DBFAddField(dbf, "LSOA11CD", FTString, 9, 0);
    DBFAddField(dbf, "LSOA11NM", FTString, 40, 0);
    for (i = 0; i < 4; i++) {
        double x0 = 500000 + 500 * (i % 2), y0 = 200000 + 500 * (i / 2);
        double x[] = {x0, x0, x0 + 500, x0 + 500, x0}, y[] = {y0, y0 + 500, y0 + 500, y0, y0};
        char code[16], name[32];
        SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, 5, x, y, NULL);
        SHPWriteObject(shp, -1, o);
        SHPDestroyObject(o);
        snprintf(code, sizeof code, "E0100000%d", i + 1);
        snprintf(name, sizeof name, "Somewhere 00%dA", i + 1);
        DBFWriteStringAttribute(dbf, i, 0, code);
        DBFWriteStringAttribute(dbf, i, 1, name);
    }
    SHPClose(shp);
    DBFClose(dbf);
    write_text("lsoa.prj", "PROJCS[\"British_National_Grid\",GEOGCS[\"GCS_OSGB_1936\","
                           "DATUM[\"D_OSGB_1936\",SPHEROID[\"Airy_1849\",6377563.396,"
                           "299.3249646]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\","
                           "0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
                           "PARAMETER[\"False_Easting\",400000.0],PARAMETER[\"False_Northing\","
                           "-100000.0],PARAMETER[\"Central_Meridian\",-2.0],PARAMETER["
                           "\"Scale_Factor\",0.9996012717],PARAMETER[\"Latitude_Of_Origin\","
                           "49.0],UNIT[\"Meter\",1.0]]");
}

/* Two wards as GeoJSON: the west and east halves of the LSOAs. */
static void write_wards_geojson(void)
{
    nmC_buf b = {0};
    int w;

    nmC_buf_addf(&b, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
                    "{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},\"features\":[");
    for (w = 0; w < 2; w++) {
        int x = 500000 + 500 * w;
        nmC_buf_addf(&b,
                    "%s{\"type\":\"Feature\",\"properties\":{\"WD13CD\":\"E0500000%d\","
                    "\"WD13NM\":\"Ward %c\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                    "[[[%d,200000],[%d,201000],[%d,201000],[%d,200000],[%d,200000]]]}}",
                    w ? "," : "", w + 1, 'A' + w, x, x, x + 500, x + 500, x);
    }
    nmC_buf_addf(&b, "]}");
    assert_false(b.failed);
    write_text("wards.geojson", b.data);
    nmC_buf_free(&b);
}

static void write_tables(void)
{
    char src[512], line[8192];
    FILE *in, *out;
    int n;

    write_text("ind.csv", "code,Life expectancy,Rate,pop_total,pop_0_15\n"
                          "E01000001,80.5,1,1500,300\nE01000002,79,2,1400,250\n"
                          "E01000003,81.25,3,1700,400\nE01000004,78,4,1600,350\n");
    write_text("lookup.csv", "LSOA11CD,WD13CD,WD13NM\nE01000001,E05000001,Ward A\n"
                             "E01000003,E05000001,Ward A\nE01000002,E05000002,Ward B\n"
                             "E01000004,E05000002,Ward B\n");
    write_text("loc.csv", "ward,locality\nE05000001,West\nWard B,East\n");
    write_text("inc.csv", "easting,northing,month,crime_type\n500100,200100,2019-01,Burglary\n"
                          "500700,200200,2019-02,Burglary\n500300,200800,2019-02,Violence\n"
                          ",,2019-03,Violence\n");
    /* the IoD import recognises the real headings: the first rows of the
       Southend file */
    snprintf(src, sizeof src, "%s/indicators/iod2019/southend_iod2019_assembled.csv",
             getenv("NM_DATA") ? getenv("NM_DATA") : "../shared/data");
    in = fopen(src, "r");
    if (!in)
        fail_msg("%s: missing; the sweep needs ../shared/data (NM_DATA)", src);
    path_of(line, sizeof line, "iod.csv");
    out = fopen(line, "w");
    assert_non_null(out);
    for (n = 0; n < 6 && fgets(line, sizeof line, in); n++)
        fputs(line, out);
    fclose(in);
    fclose(out);
}

/* ---- the imports ------------------------------------------------------ */

static nm_status run_lsoa_shp(nm_store *s)
{
    char path[160];
    nm_boundaries_opts o = {0};

    path_of(path, sizeof path, "lsoa.shp");
    o.in.path = path;
    o.level = "lsoa";
    return nm_import_boundaries(s, &o, NULL);
}

static nm_status run_wards_geojson(nm_store *s)
{
    char path[160];
    nm_boundaries_opts o = {0};

    path_of(path, sizeof path, "wards.geojson");
    o.in.path = path;
    o.level = "ward";
    return nm_import_boundaries(s, &o, NULL);
}

static nm_status run_iod(nm_store *s)
{
    char path[160];
    nm_iod_opts o = {0};

    path_of(path, sizeof path, "iod.csv");
    o.in.path = path;
    return nm_import_iod(s, &o, NULL);
}

static nm_status run_indicators(nm_store *s)
{
    char path[160];
    nm_indicators_opts o = {0};

    path_of(path, sizeof path, "ind.csv");
    o.in.path = path;
    o.key = "code";
    o.period = "2019";
    return nm_import_indicators(s, &o, NULL);
}

static nm_status run_lookup(nm_store *s)
{
    char path[160];
    nm_lookup_opts o = {0};

    path_of(path, sizeof path, "lookup.csv");
    o.in.path = path;
    o.child = "LSOA11CD";
    o.parent = "WD13CD";
    o.parent_level = "ward";
    return nm_import_lookup(s, &o, NULL);
}

static nm_status run_localities(nm_store *s)
{
    char path[160];
    nm_localities_opts o = {0};

    path_of(path, sizeof path, "loc.csv");
    o.in.path = path;
    return nm_import_localities(s, &o, NULL);
}

static nm_status run_incidents(nm_store *s)
{
    char path[160];
    nm_incidents_opts o = {0};

    path_of(path, sizeof path, "inc.csv");
    o.in.path = path;
    return nm_import_incidents(s, &o, NULL);
}

/* ---- the steps that store what they compute (derive, aggregate, assign) */

static nm_status run_derive(nm_store *s)
{
    nm_derive_opts o = {0};

    o.id = "le_per_rate";
    o.expression = "(life_expectancy - 70) / rate + area_ha / 100";
    o.period = "2019";
    o.label = "A derived value";
    return nm_derive(s, &o, NULL);
}

static nm_status run_aggregate(nm_store *s)
{
    nm_aggregate_opts o = {0};

    o.to = "ward";
    o.indicators = "life_expectancy,rate";
    o.period = "2019";
    return nm_aggregate(s, &o, NULL);
}

static nm_status run_assign(nm_store *s)
{
    nm_assign_opts o = {0};
    nm_assign_result r = {0};
    nm_status rc;

    o.child_level = "lsoa";
    o.parent_level = "ward";
    rc = nm_assign(s, &o, &r);
    nm_assign_result_clear(&r);
    return rc;
}

/* A map with its sidecar: reads through the store's memo (the datasets a
 * sidecar lists, national counts) and writes only its own files. */
static nm_status run_map(nm_store *s)
{
    char path[160];
    nm_choropleth_opts o;

    nm_choropleth_opts_init(&o);
    path_of(path, sizeof path, "map.png");
    o.indicator = "life_expectancy";
    o.period = "2019";
    o.dpi = 40;
    o.classify = "quantile:3";
    o.output = path;
    return nm_choropleth(s, &o, NULL);
}

/* ---- the sweep -------------------------------------------------------- */

/* What a store holds, in rows per table, so that a run that "succeeded"
 * after a failed allocation can be held to the full result. */
static void fingerprint(const char *db, char *out, size_t size)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT (SELECT COUNT(*) FROM area) || ' areas, ' || "
                                        "(SELECT COUNT(*) FROM indicator) || ' indicators, ' || "
                                        "(SELECT COUNT(*) FROM membership) || ' memberships, ' || "
                                        "(SELECT COUNT(*) FROM incident) || ' incidents, ' || "
                                        "(SELECT COUNT(*) FROM dataset) || ' datasets'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    nmC_strlcpy(out, (const char *)sqlite3_column_text(st, 0), size);
    sqlite3_finalize(st);
    sqlite3_close(h);
}

/* The next N to try after 'n', of a run that made 'total' allocations. */
static long next_n(long n, long total)
{
    long step;

    if (getenv("NM_SWEEP_FULL") || n + 1 < SWEEP_ALL)
        return n + 1;
    step = (total - SWEEP_ALL) / SWEEP_SAMPLED;
    return n + (step > 1 ? step : 1);
}

/* Sweeps one import or step on a copy of the store 'base'. */
static void sweep_on(const char *base, const char *what, nm_status (*run)(nm_store *))
{
    char db[160], before[65], after[65], want[256], got[256];
    nm_ctx *ctx = nm_ctx_new();
    nm_store *s = NULL;
    long n, total, runs = 0, tolerated = 0;
    nm_status rc;

    path_of(db, sizeof db, "sweep.sqlite");
    copy_file(base, db);
    /* a dry run on another copy counts the allocations */
    {
        char dry[160];
        path_of(dry, sizeof dry, "dry.sqlite");
        copy_file(base, dry);
        assert_int_equal(nm_store_open(ctx, dry, NM_STORE_WRITE, &s), NM_OK);
        nmC_alloc_fail_after(-1);
        rc = run(s);
        total = nmC_alloc_fail_after(-1);
        if (rc != NM_OK)
            fail_msg("%s: fails without injection: %s", what, nm_errmsg(ctx));
        nm_store_close(s);
        fingerprint(dry, want, sizeof want);
        unlink(dry);
    }
    assert_int_equal(nmC_sha256_file(ctx, db, before), NM_OK);
    assert_int_equal(nm_store_open(ctx, db, NM_STORE_WRITE, &s), NM_OK);
    /* nmC_alloc_fail_after fails the one allocation N; a run may get past
       it (a cache it can do without) and must then store the full result */
    for (n = 0; n <= total; n = n < total && next_n(n, total) > total ? total : next_n(n, total)) {
        nmC_alloc_fail_after(n);
        rc = run(s);
        nmC_alloc_fail_after(-1);
        runs++;
        if (rc == NM_OK) {
            nm_store_close(s);
            fingerprint(db, got, sizeof got);
            if (strcmp(want, got) != 0)
                fail_msg("%s: allocation %ld failed, yet the import succeeded with %s instead "
                         "of %s", what, n, got, want);
            tolerated += n < total;
            copy_file(base, db);
            assert_int_equal(nm_store_open(ctx, db, NM_STORE_WRITE, &s), NM_OK);
            continue;
        }
        if (!*nm_errmsg(ctx))
            fail_msg("%s: allocation %ld failed: status %d without a message", what, n, rc);
        assert_int_equal(nmC_sha256_file(ctx, db, after), NM_OK);
        if (strcmp(before, after) != 0)
            fail_msg("%s: allocation %ld failed (%s): the store changed", what, n,
                     nm_errmsg(ctx));
    }
    nm_store_close(s);
    printf("sweep: %-22s %5ld allocations, %4ld runs, N covered 0..%ld%s, %ld failures got "
           "past\n",
           what, total, runs, total, getenv("NM_SWEEP_FULL") || (total - SWEEP_ALL) / SWEEP_SAMPLED < 2 ? " (all)"
                                                                                  : " (sampled)",
           tolerated);
    unlink(db);
    nm_ctx_free(ctx);
}

static void sweep_import(const char *what, nm_status (*run)(nm_store *))
{
    sweep_on(base_db, what, run);
}

/* Sweeps opening an existing store and creating a new one: a failed create
 * leaves no file behind, a failed open leaves the file as it was. */
static void test_store_open_create(void **state)
{
    char db[160], before[65], after[65];
    nm_ctx *ctx = nm_ctx_new();
    nm_store *s = NULL;
    struct stat st;
    long n, runs_open = 0, runs_create = 0;
    nm_status rc;

    (void)state;
    assert_int_equal(nmC_sha256_file(ctx, base_db, before), NM_OK);
    for (n = 0;; n++, runs_open++) {
        nmC_alloc_fail_after(n);
        rc = nm_store_open(ctx, base_db, NM_STORE_WRITE, &s);
        nmC_alloc_fail_after(-1);
        if (rc == NM_OK)
            break;
        assert_null(s);
        assert_true(*nm_errmsg(ctx) != '\0');
        assert_int_equal(nmC_sha256_file(ctx, base_db, after), NM_OK);
        assert_string_equal(before, after);
    }
    nm_store_close(s);
    path_of(db, sizeof db, "new.sqlite");
    for (n = 0;; n++, runs_create++) {
        unlink(db);
        nmC_alloc_fail_after(n);
        rc = nm_store_open(ctx, db, NM_STORE_CREATE, &s);
        nmC_alloc_fail_after(-1);
        if (rc == NM_OK)
            break;
        assert_null(s);
        assert_true(*nm_errmsg(ctx) != '\0');
        if (stat(db, &st) == 0 && st.st_size > 0)
            fail_msg("create: allocation %ld failed (%s) but left %s", n, nm_errmsg(ctx), db);
    }
    nm_store_close(s);
    unlink(db);
    printf("sweep: store open %ld runs, store create %ld runs (all N)\n", runs_open + 1,
           runs_create + 1);
    nm_ctx_free(ctx);
}

static void test_boundaries_shp(void **state)
{
    (void)state;
    sweep_import("boundaries (shp)", run_lsoa_shp);
}

static void test_boundaries_geojson(void **state)
{
    (void)state;
    sweep_import("boundaries (GeoJSON)", run_wards_geojson);
}

static void test_iod(void **state)
{
    (void)state;
    sweep_import("iod", run_iod);
}

static void test_indicators(void **state)
{
    (void)state;
    sweep_import("indicators", run_indicators);
}

static void test_lookup(void **state)
{
    (void)state;
    sweep_import("lookup", run_lookup);
}

static void test_localities(void **state)
{
    (void)state;
    sweep_import("localities", run_localities);
}

static void test_incidents(void **state)
{
    (void)state;
    sweep_import("incidents", run_incidents);
}

static void test_derive(void **state)
{
    (void)state;
    sweep_on(steps_db, "derive", run_derive);
}

static void test_aggregate(void **state)
{
    (void)state;
    sweep_on(steps_db, "aggregate", run_aggregate);
}

static void test_map(void **state)
{
    (void)state;
    sweep_on(steps_db, "map (PNG and sidecar)", run_map);
}

static void test_assign(void **state)
{
    (void)state;
    sweep_on(steps_db, "assign", run_assign);
}

/* ---- main ------------------------------------------------------------- */

static int make_base(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_store *s = NULL;

    (void)state;
    write_lsoa_shp();
    write_wards_geojson();
    write_tables();
    path_of(base_db, sizeof base_db, "base.sqlite");
    assert_int_equal(nm_store_open(ctx, base_db, NM_STORE_CREATE, &s), NM_OK);
    if (run_lsoa_shp(s) != NM_OK || run_wards_geojson(s) != NM_OK)
        fail_msg("base store: %s", nm_errmsg(ctx));
    nm_store_close(s);
    path_of(steps_db, sizeof steps_db, "steps.sqlite");
    copy_file(base_db, steps_db);
    assert_int_equal(nm_store_open(ctx, steps_db, NM_STORE_WRITE, &s), NM_OK);
    if (run_indicators(s) != NM_OK || run_lookup(s) != NM_OK)
        fail_msg("steps' store: %s", nm_errmsg(ctx));
    nm_store_close(s);
    nm_ctx_free(ctx);
    return 0;
}

static int remove_all(void **state)
{

    (void)state;
    return ts_rmtree(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_open_create),
        cmocka_unit_test(test_boundaries_shp),
        cmocka_unit_test(test_boundaries_geojson),
        cmocka_unit_test(test_iod),
        cmocka_unit_test(test_indicators),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_localities),
        cmocka_unit_test(test_incidents),
        cmocka_unit_test(test_derive),
        cmocka_unit_test(test_aggregate),
        cmocka_unit_test(test_assign),
        cmocka_unit_test(test_map),
    };

    nmC_strlcpy(tmpdir, "/tmp/nm_sweep_XXXXXX", sizeof tmpdir);
    if (!mkdtemp(tmpdir))
        return 1;
    return cmocka_run_group_tests(tests, make_base, remove_all);
}
