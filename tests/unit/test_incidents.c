/*
 * Incidents: the import (every kind of bad row with its line, sex, children
 * and date normalisation, all-bad files leaving the store byte for byte as
 * it was, re-import replacing), the point in polygon rule (points on shared
 * edges and vertices counted exactly once), counts by sex, rates over LSOA
 * populations summed to wards, suppression, the date window, and exact
 * Poisson intervals against published values.  Fixtures are generated: six
 * square wards of 1 km in a 3 x 2 grid, written as GeoJSON in EPSG:27700.
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

#include "analyse/count_int.h"
#include "analyse/pip_int.h"
#include "ingest/incidents_int.h"
#include "needsmap/needsmap.h"
#include "nm_int.h"
#include "support.h"

static char tmpdir[64];

typedef struct fixture {
    char db[128];
    nm_ctx *ctx;
    nm_store *store;
    nmC_buf log;
} fixture;

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

/* Ward w (1..6) is the square [1000 + 1000c, 2000 + 1000c] x [1000 + 1000r,
 * 2000 + 1000r] with c = (w - 1) % 3, r = (w - 1) / 3. */
static void write_wards(void)
{
    nmC_buf b = {0};
    int w;

    nmC_buf_addf(&b, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
                    "{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},\"features\":[");
    for (w = 1; w <= 6; w++) {
        int x = 1000 + 1000 * ((w - 1) % 3), y = 1000 + 1000 * ((w - 1) / 3);
        nmC_buf_addf(&b,
                    "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"E0500000%d\",\"name\":"
                    "\"Ward %d\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%d,%d],"
                    "[%d,%d],[%d,%d],[%d,%d],[%d,%d]]]}}",
                    w > 1 ? "," : "", w, w, x, y, x + 1000, y, x + 1000, y + 1000, x, y + 1000, x,
                    y);
    }
    nmC_buf_addf(&b, "]}");
    write_text("wards.geojson", b.data);
    nmC_buf_free(&b);
}

/* Two LSOAs per ward: E010000(2w-1) with 1000w people (600w female) and
 * E010000(2w) with 500 (200 female). */
static void write_populations(void)
{
    nmC_buf pop = {0}, lu = {0};
    int w;

    nmC_buf_addf(&pop, "LSOA11CD,pop_total,pop_female,pop_male\n");
    nmC_buf_addf(&lu, "LSOA11CD,WD13CD\n");
    for (w = 1; w <= 6; w++) {
        nmC_buf_addf(&pop, "E010000%02d,%d,%d,%d\n", 2 * w - 1, 1000 * w, 600 * w, 400 * w);
        nmC_buf_addf(&pop, "E010000%02d,500,200,300\n", 2 * w);
        nmC_buf_addf(&lu, "E010000%02d,E0500000%d\nE010000%02d,E0500000%d\n", 2 * w - 1, w, 2 * w,
                    w);
    }
    write_text("pop.csv", pop.data);
    write_text("lookup.csv", lu.data);
    nmC_buf_free(&pop);
    nmC_buf_free(&lu);
}

/* The lattice x = 1000 + 250i (i = 0..12), y = 1000 + 250j (j = 0..8): 117
 * points, many on edges and vertices.  Point k = 13j + i has sex F when
 * k % 3 == 0, M when k % 3 == 1, none otherwise; month 1 + k % 7 of 2018;
 * category "A" when k % 4 == 0, else "B". */
static void lattice_point(int k, double *x, double *y)
{
    *x = 1000 + 250 * (k % 13);
    *y = 1000 + 250 * (k / 13);
}

/* The ward by the documented rule: the square holding (x + eps, y + eps);
 * 0 outside (the right and top outer edges are outside). */
static int expected_ward(double x, double y)
{
    int c = (int)floor((x - 1000) / 1000), r = (int)floor((y - 1000) / 1000);
    if (c < 0 || c > 2 || r < 0 || r > 1)
        return 0;
    return 1 + c + 3 * r;
}

static void write_lattice(void)
{
    nmC_buf b = {0};
    int k;

    nmC_buf_addf(&b, "easting,northing,date,category,sex\n");
    for (k = 0; k < 117; k++) {
        double x, y;
        lattice_point(k, &x, &y);
        nmC_buf_addf(&b, "%.0f,%.0f,2018-%02d,%s,%s\n", x, y, 1 + k % 7, k % 4 ? "B" : "A",
                    k % 3 == 0 ? "Female" : k % 3 == 1 ? "m" : "");
    }
    write_text("lattice.csv", b.data);
    nmC_buf_free(&b);
}

static void on_log(void *user, nm_level level, const char *message)
{
    (void)level;
    nmC_buf_addf(user, "%s\n", message);
}

static int setup(void **state)
{
    static int n;
    fixture *f = calloc(1, sizeof *f);
    nm_boundaries_opts b = {0};
    nm_indicators_opts i = {0};
    nm_lookup_opts l = {0};
    char wards[160], pop[160], lookup[160];

    assert_non_null(f);
    f->ctx = nm_ctx_new();
    nm_ctx_set_log(f->ctx, on_log, &f->log, NM_LOG_DEBUG);
    snprintf(f->db, sizeof f->db, "%s/store%d.sqlite", tmpdir, n++);
    assert_int_equal(nm_store_open(f->ctx, f->db, NM_STORE_CREATE, &f->store), NM_OK);
    path_of(wards, sizeof wards, "wards.geojson");
    path_of(pop, sizeof pop, "pop.csv");
    path_of(lookup, sizeof lookup, "lookup.csv");
    b.in.path = wards;
    b.level = "ward";
    b.code_field = "code";
    b.name_field = "name";
    b.vintage = 2013;
    /* the squares lie near the grid's origin, off England's coast */
    b.extent = "0,0,10000,10000";
    assert_int_equal(nm_import_boundaries(f->store, &b, NULL), NM_OK);
    i.in.path = pop;
    i.key = "LSOA11CD";
    i.level = "lsoa";
    i.vintage = 2011;
    i.period = "2015";
    assert_int_equal(nm_import_indicators(f->store, &i, NULL), NM_OK);
    l.in.path = lookup;
    l.child = "LSOA11CD";
    l.parent = "WD13CD";
    l.parent_level = "ward";
    assert_int_equal(nm_import_lookup(f->store, &l, NULL), NM_OK);
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

static nm_status import_file(fixture *f, const char *name, const char *set, nm_import_result *r)
{
    nm_incidents_opts o;
    char path[160];

    memset(&o, 0, sizeof o);
    path_of(path, sizeof path, name);
    o.in.path = path;
    o.name = set;
    o.sex = "sex";
    return nm_import_incidents(f->store, &o, r);
}

static double value(fixture *f, const char *key, const char *period, int ward)
{
    char code[16];
    double v = NAN;

    snprintf(code, sizeof code, "E0500000%d", ward);
    if (nm_store_value(f->store, key, period, code, &v) != NM_OK)
        return NAN;
    return v;
}

/* ---- intervals --------------------------------------------------------- */

static void test_poisson_known_values(void **state)
{
    /* Garwood limits as tabulated (e.g. the ONS / PHE confidence interval
       tables): count -> [lower, upper] */
    static const struct {
        long k;
        double lo, hi, tol;
    } known[] = {
        {0, 0.0, 3.6889, 5e-4},    {1, 0.0253, 5.5716, 5e-4},  {5, 1.6235, 11.6683, 5e-4},
        {10, 4.7954, 18.3904, 5e-4}, {100, 81.3639, 121.6280, 5e-3},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof known / sizeof known[0]; i++) {
        double lo, hi;
        nm_poisson_ci_exact(known[i].k, 0.95, &lo, &hi);
        assert_true(fabs(lo - known[i].lo) < known[i].tol);
        assert_true(fabs(hi - known[i].hi) < known[i].tol);
    }
}

static void test_gamma_inverse_round_trip(void **state)
{
    static const double shapes[] = {0.5, 1, 3, 10, 57, 1000, 25000};
    static const double ps[] = {1e-6, 0.025, 0.5, 0.975, 1 - 1e-6};
    size_t a, p;

    (void)state;
    for (a = 0; a < sizeof shapes / sizeof shapes[0]; a++)
        for (p = 0; p < sizeof ps / sizeof ps[0]; p++) {
            double x = nmA_gamma_p_inv(shapes[a], ps[p]);
            assert_true(fabs(nmA_gamma_p(shapes[a], x) - ps[p]) < 1e-9);
        }
    /* Gamma(1) is the exponential: quantile -log(1 - p) */
    assert_true(fabs(nmA_gamma_p_inv(1, 0.975) - -log(0.025)) < 1e-10);
}

static void test_byar_agrees(void **state)
{
    long k;

    (void)state;
    for (k = 10; k < 5000; k += 37) {
        double lo, hi, blo, bhi;
        nm_poisson_ci_exact(k, 0.95, &lo, &hi);
        nmA_poisson_ci_byar(k, &blo, &bhi);
        assert_true(fabs(lo - blo) < 0.005 * lo);
        assert_true(fabs(hi - bhi) < 0.005 * hi);
    }
}

/* ---- point in polygon --------------------------------------------------- */

/* Builds a pip of one polygon (a closed ring of n points). */
static nm_pip *one_polygon(const double *xy, size_t n)
{
    size_t first[2] = {0, 1}, rings[2] = {0, n};
    nm_ctx *ctx = nm_ctx_new();
    nm_pip *p = NULL;

    assert_int_equal(nmA_pip_build_rings(ctx, 1, first, rings, xy, &p), NM_OK);
    nm_ctx_free(ctx);
    return p;
}

/* Two triangles sharing an awkward diagonal: every point near and on it is
 * in exactly one of them, whatever the rounding. */
static void test_shared_diagonal_exactly_once(void **state)
{
    const double ax = 0.1, ay = 0.3, bx = 7.3, by = 9.9;
    const double left[] = {ax, ay, bx, by, -5, 9.9, ax, ay};
    const double right[] = {ax, ay, 12, 0.3, bx, by, ax, ay};
    nm_pip *l = one_polygon(left, 4), *r = one_polygon(right, 4);
    int k, both = 0, none = 0;

    (void)state;
    for (k = 1; k < 1000; k++) {
        double t = k / 1000.0, x = ax + t * (bx - ax), y = ay + t * (by - ay);
        int inl = nm_pip_find(l, x, y) == 0, inr = nm_pip_find(r, x, y) == 0;
        both += inl && inr;
        none += !inl && !inr;
    }
    assert_int_equal(both, 0);
    assert_int_equal(none, 0);
    nm_pip_free(l);
    nm_pip_free(r);
}

/* The six stored wards, each alone: every lattice point inside the grid is
 * in exactly one, the one the documented rule names. */
static void test_edges_and_vertices_rule(void **state)
{
    fixture *f = *state;
    nm_areas *areas = NULL;
    nm_pip *all = NULL;
    int k;

    assert_int_equal(nm_areas_select(f->store, "ward", 0, NULL, &areas), NM_OK);
    assert_int_equal(nm_areas_count(areas), 6);
    assert_int_equal(nm_pip_build(f->store, areas, &all), NM_OK);
    for (k = 0; k < 117; k++) {
        double x, y;
        long got;
        lattice_point(k, &x, &y);
        got = nm_pip_find(all, x, y);
        assert_int_equal(got + 1, expected_ward(x, y));
    }
    /* a vertex shared by four wards goes to the one up and to the right */
    assert_int_equal(nm_pip_find(all, 2000, 2000) + 1, 5);
    assert_int_equal(nm_pip_find(all, 2000, 1500) + 1, 2); /* vertical edge: the right */
    assert_int_equal(nm_pip_find(all, 1500, 2000) + 1, 4); /* horizontal edge: above */
    nm_pip_free(all);
    nm_areas_free(areas);
}

/* ---- import ------------------------------------------------------------- */

static void test_cell_parsers(void **state)
{
    char d[11];

    (void)state;
    assert_true(nmI_incident_date("2018-01", d));
    assert_string_equal(d, "2018-01");
    assert_true(nmI_incident_date("2018-02-28", d));
    assert_string_equal(d, "2018-02-28");
    assert_true(nmI_incident_date("29/02/2016", d));
    assert_string_equal(d, "2016-02-29");
    assert_false(nmI_incident_date("29/02/2018", d));
    assert_false(nmI_incident_date("2018-13", d));
    assert_false(nmI_incident_date("2018-1-5", d));
    assert_false(nmI_incident_date("Jan 2018", d));
    assert_int_equal(nmI_incident_sex("Female"), 'F');
    assert_int_equal(nmI_incident_sex(" w "), 'F');
    assert_int_equal(nmI_incident_sex("Woman"), 'F');
    assert_int_equal(nmI_incident_sex("MALE"), 'M');
    assert_int_equal(nmI_incident_sex("man"), 'M');
    assert_int_equal(nmI_incident_sex(""), 0);
    assert_int_equal(nmI_incident_sex("X"), '?');
}

static void test_bad_rows_reported_by_line(void **state)
{
    fixture *f = *state;
    nm_import_result r;
    nm_incidents_opts o;
    char path[160];

    write_text("bad.csv", "easting,northing,date,sex,children\n"
                          "1500,1500,2018-01,F,Y\n"        /* 2: good */
                          ",1500,2018-01,F,N\n"            /* 3: empty coordinate */
                          "abc,1500,2018-01,F,yes\n"       /* 4: not a number */
                          "800000,1500,2018-01,F,no\n"     /* 5: outside BNG */
                          "1500,1500,2018-13,Woman,1\n"    /* 6: bad date, kept */
                          "1600,1600,01/02/2018,x,maybe\n" /* 7: sex, children unknown */
                          "9000,9000,2018-02,M,0\n");      /* 8: in no ward */
    memset(&o, 0, sizeof o);
    path_of(path, sizeof path, "bad.csv");
    o.in.path = path;
    o.sex = "sex";
    o.children = "children";
    assert_int_equal(nm_import_incidents(f->store, &o, &r), NM_OK);
    assert_int_equal(r.rows, 7);
    assert_int_equal(r.stored, 4);
    assert_int_equal(r.skipped, 3);
    assert_int_equal(r.unmatched, 1);
    assert_non_null(strstr(f->log.data, "bad.csv:3: no coordinate in column \"easting\""));
    assert_non_null(strstr(f->log.data, "bad.csv:4: coordinate \"abc\" in column \"easting\" is not a number"));
    assert_non_null(strstr(f->log.data, "bad.csv:5: coordinate \"800000\""));
    assert_non_null(strstr(f->log.data, "bad.csv:6: date \"2018-13\" in column \"date\" is not a date"));
    assert_non_null(strstr(f->log.data, "bad.csv:7: sex \"x\" in column \"sex\" is not F"));
    assert_non_null(strstr(f->log.data, "bad.csv:7: children flag \"maybe\""));
    assert_non_null(strstr(f->log.data, "bad.csv:8: point (9000.0, 9000.0) lies in no stored ward"));
}

static void test_stored_values_normalised(void **state)
{
    fixture *f = *state;
    nm_incidents_opts o;
    char path[160];
    nm_count_opts c;
    nm_count_result r;

    write_text("norm.csv", "x,y,when,sex,kids\n"
                           "1500,1500,31/01/2018,female,true\n"
                           "1500,1500,2018-02-03,Man,false\n"
                           "1500,1500,2018-03,,\n");
    memset(&o, 0, sizeof o);
    path_of(path, sizeof path, "norm.csv");
    o.in.path = path;
    o.crs = "EPSG:27700";
    o.date = "when";
    o.sex = "sex";
    o.children = "kids";
    assert_int_equal(nm_import_incidents(f->store, &o, NULL), NM_OK);
    memset(&c, 0, sizeof c);
    c.level = "ward";
    c.sex = "F";
    c.suppress_below = -1;
    assert_int_equal(nm_count_incidents(f->store, &c, &r), NM_OK);
    assert_int_equal(r.counted, 1);
    assert_string_equal(r.period, "2018-01-31");
    c.sex = "M";
    assert_int_equal(nm_count_incidents(f->store, &c, &r), NM_OK);
    assert_int_equal(r.counted, 1);
    c.sex = NULL;
    c.from = "2018-02";
    c.to = "2018-02";
    assert_int_equal(nm_count_incidents(f->store, &c, &r), NM_OK);
    assert_int_equal(r.counted, 1);
}

static void test_all_bad_leaves_store_unchanged(void **state)
{
    fixture *f = *state;
    char before[65], after[65];
    nm_import_result r;

    write_text("allbad.csv", "easting,northing,sex\n,,F\nabc,1,F\n-5,100,M\n");
    assert_int_equal(import_file(f, "lattice.csv", "keep", NULL), NM_OK);
    assert_int_equal(nmC_sha256_file(f->ctx, f->db, before), NM_OK);
    assert_int_equal(import_file(f, "allbad.csv", "keep", &r), NM_BADDATA);
    assert_non_null(strstr(nm_errmsg(f->ctx), "no row has usable coordinates"));
    assert_int_equal(nmC_sha256_file(f->ctx, f->db, after), NM_OK);
    assert_string_equal(before, after);
    /* a missing column is a usage error, also before anything is written */
    {
        nm_incidents_opts o;
        char path[160];
        memset(&o, 0, sizeof o);
        path_of(path, sizeof path, "lattice.csv");
        o.in.path = path;
        o.category = "no_such_column";
        assert_int_equal(nm_import_incidents(f->store, &o, NULL), NM_USAGE);
        assert_int_equal(nmC_sha256_file(f->ctx, f->db, after), NM_OK);
        assert_string_equal(before, after);
    }
}

/* ---- counting ----------------------------------------------------------- */

static void test_counts_rates_by_sex(void **state)
{
    fixture *f = *state;
    long count[7] = {0}, fem[7] = {0}, mal[7] = {0}, outside = 0;
    nm_count_opts c;
    nm_count_result r;
    int k, w;

    assert_int_equal(import_file(f, "lattice.csv", "lat", NULL), NM_OK);
    /* a second import of the same name replaces, not adds */
    assert_int_equal(import_file(f, "lattice.csv", "lat", NULL), NM_OK);
    for (k = 0; k < 117; k++) {
        double x, y;
        lattice_point(k, &x, &y);
        w = expected_ward(x, y);
        if (!w) {
            outside++;
            continue;
        }
        count[w]++;
        fem[w] += k % 3 == 0;
        mal[w] += k % 3 == 1;
    }
    memset(&c, 0, sizeof c);
    c.level = "ward";
    c.incidents = "lat";
    c.per = "pop_total";
    c.per_female = "pop_female";
    c.per_male = "pop_male";
    c.name = "lat";
    c.suppress_below = -1;
    assert_int_equal(nm_count_incidents(f->store, &c, &r), NM_OK);
    assert_int_equal(r.incidents + 0, 117 - 0 * outside);
    assert_int_equal(r.counted, 96);
    assert_int_equal(r.outside, outside);
    assert_int_equal(r.outside, 21);
    assert_string_equal(r.period, "2018-01..2018-07");
    for (w = 1; w <= 6; w++) {
        double pop = 1000.0 * w + 500, popf = 600.0 * w + 200, popm = 400.0 * w + 300, lo, hi;
        assert_int_equal(count[w], 16);
        assert_true(value(f, "lat_count", r.period, w) == count[w]);
        assert_true(value(f, "lat_f_count", r.period, w) == fem[w]);
        assert_true(value(f, "lat_m_count", r.period, w) == mal[w]);
        assert_true(fabs(value(f, "lat_rate", r.period, w) - count[w] / pop * 1000) < 1e-9);
        assert_true(fabs(value(f, "lat_f_rate", r.period, w) - fem[w] / popf * 1000) < 1e-9);
        assert_true(fabs(value(f, "lat_m_rate", r.period, w) - mal[w] / popm * 1000) < 1e-9);
        nm_poisson_ci_exact(16, 0.95, &lo, &hi);
        assert_true(fabs(value(f, "lat_rate_lo", r.period, w) - lo / pop * 1000) < 1e-9);
        assert_true(fabs(value(f, "lat_rate_hi", r.period, w) - hi / pop * 1000) < 1e-9);
        assert_true(value(f, "lat_suppressed", r.period, w) == 0);
    }
    /* ward 1: 1,500 people, 16 incidents: 10.667 per 1,000 */
    assert_true(fabs(value(f, "lat_rate", r.period, 1) - 10.6666666667) < 1e-6);
}

static void test_window_category_suppression(void **state)
{
    fixture *f = *state;
    long count[7] = {0};
    nm_count_opts c;
    nm_count_result r;
    int k, w;

    assert_int_equal(import_file(f, "lattice.csv", "lat", NULL), NM_OK);
    for (k = 0; k < 117; k++) {
        double x, y;
        lattice_point(k, &x, &y);
        if (k % 4 == 0 && 1 + k % 7 >= 2 && 1 + k % 7 <= 6)
            count[expected_ward(x, y)]++;
    }
    memset(&c, 0, sizeof c);
    c.level = "ward";
    c.category = "A";
    c.from = "2018-02";
    c.to = "2018-06";
    c.name = "a";
    c.per = "pop_total";
    assert_int_equal(nm_count_incidents(f->store, &c, &r), NM_OK);
    assert_string_equal(r.period, "2018-02..2018-06");
    for (w = 1; w <= 6; w++) {
        int sup = count[w] < 5;
        assert_true(value(f, "a_suppressed", r.period, w) == sup);
        if (sup) {
            /* suppressed: flagged, and no count or rate to show */
            assert_true(isnan(value(f, "a_count", r.period, w)));
            assert_true(isnan(value(f, "a_rate", r.period, w)));
        } else {
            assert_true(value(f, "a_count", r.period, w) == count[w]);
        }
    }
    assert_true(r.suppressed > 0);
    /* without suppression every count is there */
    c.suppress_below = -1;
    assert_int_equal(nm_count_incidents(f->store, &c, &r), NM_OK);
    assert_int_equal(r.suppressed, 0);
    for (w = 1; w <= 6; w++)
        assert_true(value(f, "a_count", r.period, w) == count[w]);
    /* bad options */
    c.sex = "X";
    assert_int_equal(nm_count_incidents(f->store, &c, &r), NM_USAGE);
    c.sex = NULL;
    c.from = "2018-7";
    assert_int_equal(nm_count_incidents(f->store, &c, &r), NM_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poisson_known_values),
        cmocka_unit_test(test_gamma_inverse_round_trip),
        cmocka_unit_test(test_byar_agrees),
        cmocka_unit_test(test_shared_diagonal_exactly_once),
        cmocka_unit_test(test_cell_parsers),
        cmocka_unit_test_setup_teardown(test_edges_and_vertices_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rows_reported_by_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stored_values_normalised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_bad_leaves_store_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts_rates_by_sex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_category_suppression, setup, teardown),
    };
    int rc;

    snprintf(tmpdir, sizeof tmpdir, "/tmp/nm-incidents-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    write_wards();
    write_populations();
    write_lattice();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (ts_rmtree(tmpdir) != 0)
        return 1;
    return rc;
}
