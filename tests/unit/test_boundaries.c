/*
 * Unit tests of `import boundaries` on small shapefiles written here with
 * shapelib: ring assembly (holes, multi-part areas, holes listed before their
 * outer ring), upsert, recoding, and each kind of bad input, which must fail
 * with NM_BADDATA, name the file and the feature, and leave the store file
 * byte for byte as it was.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <proj.h>
#include <shapefil.h>

#include "ingest/bnd_int.h"
#include "store/store_int.h"

/* Every fixture sits near the middle of England in BNG metres. */
#define X0 500000.0
#define Y0 200000.0

static char tmpdir[64];

typedef struct fixture {
    nm_ctx *ctx;
    nm_store *store;
    char db[128];
    nmC_buf log;
} fixture;

/* ---- writing shapefiles ---------------------------------------------- */

typedef struct shp_out {
    SHPHandle shp;
    DBFHandle dbf;
    int n;
} shp_out;

static void path_of(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmpdir, name);
}

static shp_out fx_create(const char *name, int type)
{
    char path[160];
    shp_out o;

    path_of(path, sizeof path, name);
    o.shp = SHPCreate(path, type);
    o.dbf = DBFCreate(path);
    assert_non_null(o.shp);
    assert_non_null(o.dbf);
    assert_int_equal(DBFAddField(o.dbf, "LSOA11CD", FTString, 9, 0), 0);
    assert_int_equal(DBFAddField(o.dbf, "LSOA11NM", FTString, 40, 0), 1);
    o.n = 0;
    return o;
}

/* Adds a feature of 'nparts' rings; 'xy' holds x, y pairs relative to
 * (X0, Y0). */
static void fx_add(shp_out *o, const char *code, const char *name, int nparts, const int *starts,
                   int nverts, const double *xy)
{
    double x[64], y[64];
    SHPObject *obj;
    int i;

    assert_true(nverts <= 64);
    for (i = 0; i < nverts; i++) {
        x[i] = X0 + xy[2 * i];
        y[i] = Y0 + xy[2 * i + 1];
    }
    obj = SHPCreateObject(nverts ? SHPT_POLYGON : SHPT_NULL, -1, nparts, starts, NULL, nverts, x,
                          y, NULL, NULL);
    assert_int_equal(SHPWriteObject(o->shp, -1, obj), o->n);
    SHPDestroyObject(obj);
    if (code)
        DBFWriteStringAttribute(o->dbf, o->n, 0, code);
    else
        DBFWriteNULLAttribute(o->dbf, o->n, 0);
    DBFWriteStringAttribute(o->dbf, o->n, 1, name);
    o->n++;
}

static void fx_close(shp_out *o)
{
    SHPClose(o->shp);
    DBFClose(o->dbf);
}

/* Writes a closed square ring of side 's' at (x, y) into xy (10 values),
 * clockwise for an outer ring, counter-clockwise for a hole. */
static void square(double *xy, double x, double y, double s, int clockwise)
{
    const double cw[] = {0, 0, 0, 1, 1, 1, 1, 0, 0, 0};
    const double ccw[] = {0, 0, 1, 0, 1, 1, 0, 1, 0, 0};
    int i;

    for (i = 0; i < 10; i += 2) {
        xy[i] = x + s * (clockwise ? cw : ccw)[i];
        xy[i + 1] = y + s * (clockwise ? cw : ccw)[i + 1];
    }
}

/* A square of 100 m with a hole of 50 m: 7,500 m². */
static void add_holed(shp_out *o, const char *code, const char *name, double x)
{
    double xy[20];
    const int starts[] = {0, 5};

    square(xy, x, 0, 100, 1);
    square(xy + 10, x + 25, 25, 50, 0);
    fx_add(o, code, name, 2, starts, 10, xy);
}

/* Two squares of 10 m, the second with a 4 m hole listed before both outer
 * rings: 184 m² in two polygons. */
static void add_multipart(shp_out *o, const char *code, const char *name, double x)
{
    double xy[30];
    const int starts[] = {0, 5, 10};

    square(xy, x + 23, 3, 4, 0);
    square(xy + 10, x, 0, 10, 1);
    square(xy + 20, x + 20, 0, 10, 1);
    fx_add(o, code, name, 3, starts, 15, xy);
}

/* The good file: two areas. */
static void write_good(const char *name)
{
    shp_out o = fx_create(name, SHPT_POLYGON);

    add_holed(&o, "E01000001", "Holed 001A", 0);
    add_multipart(&o, "E01000002", "Parts 001B", 200);
    fx_close(&o);
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

/* ---- fixture ---------------------------------------------------------- */

static void on_log(void *user, nm_level level, const char *message)
{
    (void)level;
    nmC_buf_addf(user, "%s\n", message);
}

static int setup(void **state)
{
    static int n;
    fixture *f = calloc(1, sizeof *f);

    assert_non_null(f);
    f->ctx = nm_ctx_new();
    nm_ctx_set_log(f->ctx, on_log, &f->log, NM_LOG_DEBUG);
    snprintf(f->db, sizeof f->db, "%s/store%d.sqlite", tmpdir, n++);
    assert_int_equal(nm_store_open(f->ctx, f->db, NM_STORE_CREATE, &f->store), NM_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    nm_store_close(f->store);
    nm_ctx_free(f->ctx);
    nmC_buf_free(&f->log);
    free(f);
    return 0;
}

static nm_status import(fixture *f, const char *name, const char *level, nm_import_result *r)
{
    char path[160];
    nm_boundaries_opts o = {0};

    path_of(path, sizeof path, name);
    o.in.path = path;
    o.level = level;
    o.crs = "EPSG:27700";
    return nm_import_boundaries(f->store, &o, r);
}

static long query_long(fixture *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long v = -1;

    assert_int_equal(sqlite3_prepare_v2(f->store->db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static double query_double(fixture *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    double v = -1;

    assert_int_equal(sqlite3_prepare_v2(f->store->db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Imports the good file, then 'bad', which must fail with NM_BADDATA and
 * leave the store as it was; the message must contain 'want'. */
static void expect_bad(fixture *f, const char *bad, const char *want)
{
    char before[65], after[65];
    nm_import_result r;

    write_good("base.shp");
    assert_int_equal(import(f, "base.shp", "lsoa", &r), NM_OK);
    assert_int_equal(nmC_sha256_file(f->ctx, f->db, before), NM_OK);
    if (import(f, bad, "lsoa", &r) != NM_BADDATA)
        fail_msg("%s: not NM_BADDATA: %s", bad, nm_errmsg(f->ctx));
    if (!strstr(nm_errmsg(f->ctx), want) || !strstr(nm_errmsg(f->ctx), bad))
        fail_msg("message \"%s\" lacks \"%s\" or the file name", nm_errmsg(f->ctx), want);
    assert_int_equal(nmC_sha256_file(f->ctx, f->db, after), NM_OK);
    assert_string_equal(before, after);
    assert_int_equal(query_long(f, "SELECT COUNT(*) FROM area"), 2);
}

/* ---- good input ------------------------------------------------------- */

static void test_holes_and_parts(void **state)
{
    fixture *f = *state;
    nm_import_result r;

    write_good("good.shp");
    assert_int_equal(import(f, "good.shp", "lsoa", &r), NM_OK);
    assert_int_equal(r.rows, 2);
    assert_int_equal(r.stored, 2);
    assert_int_equal(r.repaired, 0);
    assert_true(r.dataset > 0);
    assert_true(fabs(query_double(f, "SELECT ST_Area(geom) FROM area WHERE code='E01000001'") -
                     7500) < 1e-6);
    assert_true(fabs(query_double(f, "SELECT ST_Area(geom) FROM area WHERE code='E01000002'") -
                     184) < 1e-6);
    assert_int_equal(query_long(f, "SELECT ST_NumGeometries(geom) FROM area "
                                   "WHERE code='E01000002'"), 2);
    /* the hole went to the second square, the one containing it */
    assert_int_equal(query_long(f, "SELECT ST_NumInteriorRing(ST_GeometryN(geom, 2)) FROM area "
                                   "WHERE code='E01000002'"), 1);
    assert_int_equal(query_long(f, "SELECT COUNT(*) FROM area WHERE level='lsoa' AND "
                                   "vintage=2011 AND GeometryType(geom)='MULTIPOLYGON' AND "
                                   "ST_SRID(geom)=27700 AND name LIKE '% 001_'"), 2);
    assert_int_equal(query_long(f, "SELECT rows FROM dataset WHERE kind='boundaries'"), 2);
    assert_non_null(strstr(f->log.data, "2 lsoa areas"));
}

static void test_upsert(void **state)
{
    fixture *f = *state;
    nm_import_result r;

    long triggers = query_long(f, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' "
                                  "AND tbl_name = 'area'");

    assert_true(triggers >= 6);
    write_good("again.shp");
    assert_int_equal(import(f, "again.shp", "lsoa", &r), NM_OK);
    assert_int_equal(import(f, "again.shp", "lsoa", &r), NM_OK);
    /* the bulk load put SpatiaLite's triggers back */
    assert_int_equal(query_long(f, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' "
                                   "AND tbl_name = 'area'"), triggers);
    assert_int_equal(query_long(f, "SELECT COUNT(*) FROM area a JOIN idx_area_geom i ON "
                                   "i.pkid = a.id WHERE abs(i.xmin - MbrMinX(a.geom)) < 0.1 AND "
                                   "abs(i.ymax - MbrMaxY(a.geom)) < 0.1"), 2);
    assert_int_equal(r.stored, 2);
    assert_int_equal(query_long(f, "SELECT COUNT(*) FROM area"), 2);
    assert_int_equal(query_long(f, "SELECT COUNT(*) FROM dataset"), 2);
    assert_int_equal(query_long(f, "SELECT COUNT(DISTINCT dataset) FROM area"), 1);
    /* the spatial index follows the replaced geometries */
    assert_int_equal(query_long(f, "SELECT COUNT(*) FROM idx_area_geom"), 2);
}

static void test_recode_latin1(void **state)
{
    fixture *f = *state;
    nm_import_result r;
    shp_out o = fx_create("latin1.shp", SHPT_POLYGON);

    add_holed(&o, "E01000003", "Caf\xe9 001A", 0);
    fx_close(&o);
    write_text("latin1.cpg", "ISO-8859-1");
    assert_int_equal(import(f, "latin1.shp", "lsoa", &r), NM_OK);
    assert_int_equal(query_long(f, "SELECT COUNT(*) FROM area WHERE name='Caf\xc3\xa9 001A'"), 1);
    assert_non_null(strstr(f->log.data, "recoded from ISO-8859-1"));
}

static void test_invalid_counted(void **state)
{
    fixture *f = *state;
    nm_import_result r;
    /* a bow tie: the ring crosses itself */
    const double xy[] = {0, 0, 0, 10, 10, 0, 10, 10, 0, 0};
    const int starts[] = {0};
    shp_out o = fx_create("bowtie.shp", SHPT_POLYGON);

    fx_add(&o, "E01000004", "Bow 001A", 1, starts, 5, xy);
    add_holed(&o, "E01000005", "Fine 001A", 100);
    fx_close(&o);
    assert_int_equal(import(f, "bowtie.shp", "lsoa", &r), NM_OK);
    assert_int_equal(r.stored, 2);
    assert_int_equal(r.repaired, 1);
    assert_int_equal(query_long(f, "SELECT COUNT(*) FROM area WHERE NOT ST_IsValid(geom)"), 1);
}

/* ---- usage ------------------------------------------------------------ */

static void test_usage(void **state)
{
    fixture *f = *state;
    nm_import_result r;
    char path[160];
    nm_boundaries_opts o = {0};

    write_good("usage.shp");
    assert_int_equal(import(f, "usage.shp", "ward", &r), NM_USAGE);
    assert_non_null(strstr(nm_errmsg(f->ctx), "LSOA11CD, LSOA11NM"));
    assert_int_equal(import(f, "usage.shp", "parish", &r), NM_USAGE);
    assert_int_equal(import(f, "nothere.shp", "lsoa", &r), NM_ERROR);
    assert_non_null(strstr(nm_errmsg(f->ctx), "nothere.shp"));
    /* no .prj and no --crs */
    path_of(path, sizeof path, "usage.shp");
    o.in.path = path;
    o.level = "LSOA";
    assert_int_equal(nm_import_boundaries(f->store, &o, &r), NM_USAGE);
    assert_non_null(strstr(nm_errmsg(f->ctx), "--crs"));
    /* a field given by name, vintage given */
    o.crs = "EPSG:27700";
    o.code_field = "lsoa11nm";
    o.vintage = 2021;
    assert_int_equal(nm_import_boundaries(f->store, &o, &r), NM_OK);
    assert_int_equal(query_long(f, "SELECT COUNT(*) FROM area WHERE vintage=2021 AND "
                                   "code='Holed 001A'"), 1);
}

/* ---- bad input -------------------------------------------------------- */

static void test_dbf_count_mismatch(void **state)
{
    fixture *f = *state;
    shp_out o = fx_create("count.shp", SHPT_POLYGON);

    add_holed(&o, "E01000001", "A", 0);
    add_holed(&o, "E01000002", "B", 200);
    DBFWriteStringAttribute(o.dbf, 2, 0, "E01000003");
    fx_close(&o);
    expect_bad(f, "count.shp", "the .dbf has 3 records but the .shp has 2");
}

static void test_truncated_shp(void **state)
{
    fixture *f = *state;
    char path[160];
    shp_out o = fx_create("cut.shp", SHPT_POLYGON);

    add_holed(&o, "E01000001", "A", 0);
    add_holed(&o, "E01000002", "B", 200);
    add_holed(&o, "E01000003", "C", 400);
    fx_close(&o);
    path_of(path, sizeof path, "cut.shp");
    /* cut into the last record's points */
    assert_int_equal(truncate(path, 100 + 3 * (8 + 44 + 2 * 4 + 10 * 16) - 40), 0);
    expect_bad(f, "cut.shp", "feature 3 (E01000003): record cannot be read");
}

static void test_duplicate_code(void **state)
{
    fixture *f = *state;
    shp_out o = fx_create("dup.shp", SHPT_POLYGON);

    add_holed(&o, "E01000001", "A", 0);
    add_holed(&o, "E01000002", "B", 200);
    add_holed(&o, "E01000001", "C", 400);
    fx_close(&o);
    expect_bad(f, "dup.shp", "feature 3 (E01000001): code already used by feature 1");
}

static void test_empty_code(void **state)
{
    fixture *f = *state;
    shp_out o = fx_create("empty.shp", SHPT_POLYGON);

    add_holed(&o, "E01000001", "A", 0);
    add_holed(&o, "", "B", 200);
    fx_close(&o);
    expect_bad(f, "empty.shp", "feature 2: ");
}

static void test_null_geometry(void **state)
{
    fixture *f = *state;
    shp_out o = fx_create("nullgeom.shp", SHPT_POLYGON);

    add_holed(&o, "E01000001", "A", 0);
    fx_add(&o, "E01000002", "B", 0, NULL, 0, NULL);
    fx_close(&o);
    expect_bad(f, "nullgeom.shp", "feature 2 (E01000002): empty or NULL geometry");
}

static void test_not_polygon(void **state)
{
    fixture *f = *state;
    shp_out o = fx_create("points.shp", SHPT_POINT);
    double x = X0, y = Y0;
    SHPObject *obj = SHPCreateSimpleObject(SHPT_POINT, 1, &x, &y, NULL);

    SHPWriteObject(o.shp, -1, obj);
    SHPDestroyObject(obj);
    DBFWriteStringAttribute(o.dbf, 0, 0, "E01000009");
    DBFWriteStringAttribute(o.dbf, 0, 1, "P");
    fx_close(&o);
    expect_bad(f, "points.shp", "feature 1 (E01000009): not a polygon");
}

static void test_missing_dbf(void **state)
{
    fixture *f = *state;
    char path[160];

    write_good("nodbf.shp");
    path_of(path, sizeof path, "nodbf.dbf");
    assert_int_equal(unlink(path), 0);
    expect_bad(f, "nodbf.shp", "nodbf.dbf");
}

static void test_bad_utf8(void **state)
{
    fixture *f = *state;
    shp_out o = fx_create("utf8.shp", SHPT_POLYGON);

    add_holed(&o, "E01000001", "Caf\xe9", 0);
    fx_close(&o);
    write_text("utf8.cpg", "UTF-8");
    expect_bad(f, "utf8.shp", "feature 1: field LSOA11NM is not valid UTF-8");
}

/* Many problems of one kind are reported once, with a count. */
static void test_repeated_problems(void **state)
{
    fixture *f = *state;
    shp_out o = fx_create("many.shp", SHPT_POLYGON);
    int i;

    for (i = 0; i < 5; i++)
        add_holed(&o, "", "x", i * 200);
    fx_close(&o);
    expect_bad(f, "many.shp", "5 problems");
    if (!strstr(f->log.data, "feature 1: empty code in field LSOA11CD (and 4 more"))
        fail_msg("log: %s", f->log.data);
}

/* ---- coordinates checked at the door (issue 15, finding 2) ------------ */

/* A square of 100 m at (X0 + x, Y0) whose second point is (px, py),
 * absolute. */
static void add_with_point(shp_out *o, const char *code, double x, double px, double py)
{
    double xy[10];
    const int starts[] = {0};
    double ax[5], ay[5];
    SHPObject *obj;
    int i;

    square(xy, x, 0, 100, 1);
    for (i = 0; i < 5; i++) {
        ax[i] = X0 + xy[2 * i];
        ay[i] = Y0 + xy[2 * i + 1];
    }
    ax[1] = px;
    ay[1] = py;
    obj = SHPCreateObject(SHPT_POLYGON, -1, 1, starts, NULL, 5, ax, ay, NULL, NULL);
    assert_int_equal(SHPWriteObject(o->shp, -1, obj), o->n);
    SHPDestroyObject(obj);
    DBFWriteStringAttribute(o->dbf, o->n, 0, code);
    DBFWriteStringAttribute(o->dbf, o->n, 1, "x");
    o->n++;
}

/* NaN and infinite coordinates are refused with the feature and its code
 * (they were stored with a warning, and every later map failed). */
static void test_not_finite(void **state)
{
    fixture *f = *state;
    shp_out o = fx_create("nan.shp", SHPT_POLYGON);

    add_holed(&o, "E01000001", "A", 0);
    add_with_point(&o, "E01000006", 200, NAN, Y0);
    fx_close(&o);
    expect_bad(f, "nan.shp", "feature 2 (E01000006): point 2 is not a finite number (x = nan");
    o = fx_create("inf.shp", SHPT_POLYGON);
    add_with_point(&o, "E01000007", 200, X0, INFINITY);
    fx_close(&o);
    expect_bad(f, "inf.shp", "feature 1 (E01000007): point 2 is not a finite number");
}

/* A coordinate of 1e300, and one off England's coast, are outside England. */
static void test_outside_england(void **state)
{
    fixture *f = *state;
    shp_out o = fx_create("huge.shp", SHPT_POLYGON);

    add_with_point(&o, "E01000008", 0, 1e300, Y0);
    fx_close(&o);
    expect_bad(f, "huge.shp", "feature 1 (E01000008): lies outside England: x 500000 to 1e+300");
    o = fx_create("sea.shp", SHPT_POLYGON);
    add_with_point(&o, "E01000009", 0, 20000, Y0);
    fx_close(&o);
    expect_bad(f, "sea.shp", "feature 1 (E01000009): lies outside England: x 20000 to 500100");
}

/* Longitude and latitude in a file that declares British National Grid:
 * areas of a few m2 near the grid's origin, refused with a hint. */
static void test_lonlat_as_bng(void **state)
{
    fixture *f = *state;
    const double xy[] = {0.70, 51.54, 0.70, 51.55, 0.71, 51.55, 0.71, 51.54, 0.70, 51.54};
    const int starts[] = {0};
    shp_out o = fx_create("lonlat.shp", SHPT_POLYGON);
    double x[5], y[5];
    SHPObject *obj;
    int i;

    for (i = 0; i < 5; i++) {
        x[i] = xy[2 * i];
        y[i] = xy[2 * i + 1];
    }
    obj = SHPCreateObject(SHPT_POLYGON, -1, 1, starts, NULL, 5, x, y, NULL, NULL);
    SHPWriteObject(o.shp, -1, obj);
    SHPDestroyObject(obj);
    DBFWriteStringAttribute(o.dbf, 0, 0, "E01000010");
    DBFWriteStringAttribute(o.dbf, 0, 1, "x");
    fx_close(&o);
    expect_bad(f, "lonlat.shp", "these look like longitude and latitude: give --crs EPSG:4326");
}

/* A GeoJSON square near (lon, lat) in 'crs', its corners transformed by
 * PROJ from lon/lat; 'out_bng' receives the smallest x and y of its corners
 * in British National Grid. */
static void write_geojson_in(const char *name, const char *crs, double lon, double lat,
                             double out_bng[2])
{
    PJ_CONTEXT *pc = proj_context_create();
    PJ *raw = proj_create_crs_to_crs(pc, "EPSG:4326", crs, NULL);
    PJ *to = proj_normalize_for_visualization(pc, raw);
    PJ *raw_bng = proj_create_crs_to_crs(pc, "EPSG:4326", "EPSG:27700", NULL);
    PJ *bng = proj_normalize_for_visualization(pc, raw_bng);
    const double d[5][2] = {{0, 0}, {0, 0.01}, {0.01, 0.01}, {0.01, 0}, {0, 0}};
    nmC_buf b = {0};
    int i;

    assert_non_null(to);
    assert_non_null(bng);
    nmC_buf_addf(&b, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
                    "{\"name\":\"%s\"}},\"features\":[{\"type\":\"Feature\",\"properties\":"
                    "{\"LSOA11CD\":\"E01000011\"},\"geometry\":{\"type\":\"Polygon\","
                    "\"coordinates\":[[",
                crs);
    for (i = 0; i < 5; i++) {
        PJ_COORD c = proj_trans(to, PJ_FWD, proj_coord(lon + d[i][0], lat + d[i][1], 0, 0));
        nmC_buf_addf(&b, "%s[%.6f,%.6f]", i ? "," : "", c.xy.x, c.xy.y);
    }
    nmC_buf_addf(&b, "]]}}]}");
    write_text(name, b.data);
    for (i = 0; out_bng && i < 4; i++) {
        PJ_COORD c = proj_trans(bng, PJ_FWD, proj_coord(lon + d[i][0], lat + d[i][1], 0, 0));
        out_bng[0] = i ? fmin(out_bng[0], c.xy.x) : c.xy.x;
        out_bng[1] = i ? fmin(out_bng[1], c.xy.y) : c.xy.y;
    }
    nmC_buf_free(&b);
    proj_destroy(to);
    proj_destroy(raw);
    proj_destroy(bng);
    proj_destroy(raw_bng);
    proj_context_destroy(pc);
}

static nm_status import_as_is(fixture *f, const char *name)
{
    char path[160];
    nm_boundaries_opts o = {0};

    path_of(path, sizeof path, name);
    o.in.path = path;
    o.level = "lsoa";
    return nm_import_boundaries(f->store, &o, NULL);
}

/* Real CRSs transform correctly: Web Mercator and UTM zone 31N land where
 * PROJ puts the same point from lon/lat. */
static void test_real_crs(void **state)
{
    fixture *f = *state;
    static const char *const crs[] = {"EPSG:3857", "EPSG:32631", "EPSG:4258"};
    double want[2];
    size_t i;

    for (i = 0; i < sizeof crs / sizeof crs[0]; i++) {
        write_geojson_in("real.geojson", crs[i], 1.0, 52.2, want);
        assert_int_equal(import_as_is(f, "real.geojson"), NM_OK);
        assert_true(fabs(query_double(f, "SELECT MbrMinX(geom) FROM area") - want[0]) < 1.0);
        assert_true(fabs(query_double(f, "SELECT MbrMinY(geom) FROM area") - want[1]) < 1.0);
    }
}

/* UTM zone 31N is for 0 to 6 degrees east: an area at 2 degrees west in
 * its coordinates transforms, but lies outside the CRS's area of use. */
static void test_crs_area_of_use(void **state)
{
    fixture *f = *state;
    char before[65], after[65];

    write_geojson_in("utm.geojson", "EPSG:32631", -2.0, 52.5, NULL);
    assert_int_equal(nmC_sha256_file(f->ctx, f->db, before), NM_OK);
    assert_int_equal(import_as_is(f, "utm.geojson"), NM_BADDATA);
    if (!strstr(nm_errmsg(f->ctx), "feature 1 (E01000011): lies outside the area of use of "
                                   "WGS 84 / UTM zone 31N"))
        fail_msg("%s", nm_errmsg(f->ctx));
    assert_int_equal(nmC_sha256_file(f->ctx, f->db, after), NM_OK);
    assert_string_equal(before, after);
}

/* A CRS PROJ does not know, named in a GeoJSON file, is refused (GDAL took
 * it as WGS 84 without a word). */
static void test_unknown_crs(void **state)
{
    fixture *f = *state;

    write_text("unknown.geojson",
               "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
               "{\"name\":\"EPSG:999999\"}},\"features\":[{\"type\":\"Feature\","
               "\"properties\":{\"LSOA11CD\":\"E01000012\"},\"geometry\":{\"type\":\"Polygon\","
               "\"coordinates\":[[[0.7,51.5],[0.7,51.51],[0.71,51.51],[0.7,51.5]]]}}]}");
    assert_int_equal(import_as_is(f, "unknown.geojson"), NM_BADDATA);
    assert_non_null(strstr(nm_errmsg(f->ctx), "PROJ does not know"));
    assert_int_equal(query_long(f, "SELECT COUNT(*) FROM area"), 0);
}

/* Areas far from the sizes of their level are imported with a warning. */
static void test_implausible_size(void **state)
{
    fixture *f = *state;
    nm_import_result r;
    double xy[10];
    const int starts[] = {0};
    shp_out o = fx_create("tiny.shp", SHPT_POLYGON);

    square(xy, 0, 0, 2, 1);
    fx_add(&o, "E01000013", "Tiny", 1, starts, 5, xy);
    add_holed(&o, "E01000014", "Fine", 100);
    fx_close(&o);
    assert_int_equal(import(f, "tiny.shp", "lsoa", &r), NM_OK);
    assert_int_equal(r.stored, 2);
    if (!strstr(f->log.data, "feature 1 (E01000013): 4 m2, far smaller than any lsoa of England"))
        fail_msg("log: %s", f->log.data);
    assert_null(strstr(f->log.data, "E01000014): "));
}

/* ---- the smaller ones (finding 6) ------------------------------------ */

/* Esri tools write the code page as "1252" or "ANSI 1252". */
static void test_cpg_numbers(void **state)
{
    fixture *f = *state;
    static const char *const pages[] = {"1252", "ANSI 1252", "88591"};
    nm_import_result r;
    size_t i;

    for (i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        shp_out o = fx_create("cp.shp", SHPT_POLYGON);
        add_holed(&o, "E01000015", "Caf\xe9 \xb0", 0);
        fx_close(&o);
        write_text("cp.cpg", pages[i]);
        assert_int_equal(import(f, "cp.shp", "lsoa", &r), NM_OK);
        assert_int_equal(query_long(f, "SELECT COUNT(*) FROM area WHERE name = "
                                       "'Caf\xc3\xa9 \xc2\xb0'"), 1);
    }
}

/* A .dbf cut short is reported as such, not as empty codes. */
static void test_truncated_dbf(void **state)
{
    fixture *f = *state;
    char path[160];

    write_good("cutdbf.shp");
    path_of(path, sizeof path, "cutdbf.dbf");
    /* header of 32 + 2 fields of 32 + 1, then the first record only */
    assert_int_equal(truncate(path, 97 + 50), 0);
    expect_bad(f, "cutdbf.shp", "the .dbf is cut short: ");
    assert_non_null(strstr(nm_errmsg(f->ctx), "cutdbf.dbf has 147 bytes where its header says 197"));
}

/* One problem is in the error, not in the log too (it was printed twice). */
static void test_single_problem_once(void **state)
{
    fixture *f = *state;
    shp_out o = fx_create("once.shp", SHPT_POLYGON);

    add_holed(&o, "E01000001", "A", 0);
    add_holed(&o, "E01000001", "B", 200);
    fx_close(&o);
    f->log.len = 0;
    if (f->log.data)
        f->log.data[0] = '\0';
    expect_bad(f, "once.shp", "once.shp: feature 2 (E01000001): code already used");
    assert_null(strstr(f->log.data ? f->log.data : "", "once.shp: feature 2"));
}

/* ---- main ------------------------------------------------------------- */

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char path[512];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_holes_and_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upsert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recode_latin1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dbf_count_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_shp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_geometry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_polygon, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_dbf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_problems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_finite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outside_england, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lonlat_as_bng, setup, teardown),
        cmocka_unit_test_setup_teardown(test_real_crs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crs_area_of_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_crs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_implausible_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpg_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_dbf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_single_problem_once, setup, teardown),
    };
    int failed;

    nmC_strlcpy(tmpdir, "/tmp/nm_bnd_XXXXXX", sizeof tmpdir);
    if (!mkdtemp(tmpdir))
        return 1;
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    remove_tmpdir();
    return failed;
}
