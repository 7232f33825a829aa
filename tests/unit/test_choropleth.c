/*
 * End to end through the library on the real Southend data: a national
 * decile map whose every LSOA, sampled at its pole of inaccessibility in
 * the PNG, has the colour of the decile read independently from the CSV;
 * a missing value drawn in the missing class; legend, counts and
 * attribution read back from the PDF; and the errors a user meets.
 * Skipped when ../shared/data is absent.
 */
#include <cairo.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "needsmap/needsmap.h"
#include "render/render_int.h"
#include "store/geom_int.h"
#include "store/store_int.h"
#include "support.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    const char *data;
    nm_ctx *ctx;
    nm_store *store;
} fixture;

static char path_buf[512];
static const char *data_path(const fixture *f, const char *rel)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", f->data, rel);
    return path_buf;
}

static int setup(void **state)
{
    static fixture f;
    nm_boundaries_opts b = {0};
    nm_iod_opts i = {0};

    memset(&f, 0, sizeof f);
    f.data = getenv("NM_DATA");
    /* without the data the group fails: skipping would pass hollow */
    if (!f.data || access(data_path(&f, "boundaries/southend/shp/southend_lsoa11.shp"), R_OK)) {
        fprintf(stderr, "the real data is missing: expected ../shared/data beside the clone "
                        "(NM_DATA=%s)\n", f.data ? f.data : "unset");
        return -1;
    }
    snprintf(f.dir, sizeof f.dir, "/tmp/nm-choro-XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    snprintf(f.db, sizeof f.db, "%s/store.sqlite", f.dir);
    f.ctx = nm_ctx_new();
    assert_int_equal(nm_store_open(f.ctx, f.db, NM_STORE_CREATE, &f.store), NM_OK);
    b.in.path = data_path(&f, "boundaries/southend/shp/southend_lsoa11.shp");
    b.level = "lsoa";
    assert_int_equal(nm_import_boundaries(f.store, &b, NULL), NM_OK);
    i.in.path = data_path(&f, "indicators/iod2019/iod2019_lsoa_assembled.csv");
    assert_int_equal(nm_import_iod(f.store, &i, NULL), NM_OK);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    if (!f)
        return 0;
    nm_store_close(f->store);
    nm_ctx_free(f->ctx);
    if (ts_rmtree(f->dir) != 0)
        return -1;
    return 0;
}

/* IMD deciles of Southend's LSOAs, read from the assembled CSV by hand:
 * column 7 (1-based) is the decile, column 3 the LAD code. */
static int csv_deciles(const fixture *f, char codes[][10], int *deciles, int max)
{
    FILE *fp = fopen(data_path(f, "indicators/iod2019/iod2019_lsoa_assembled.csv"), "r");
    char line[4096];
    int n = 0;

    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof line, fp)); /* headings */
    while (n < max && fgets(line, sizeof line, fp)) {
        char *fields[8];
        int k = 0;
        char *p = line;
        /* the first seven fields hold no quoted commas */
        while (k < 8 && p) {
            fields[k++] = p;
            p = strchr(p, ',');
            if (p)
                *p++ = '\0';
        }
        if (k < 8 || strcmp(fields[2], "E06000033") != 0)
            continue;
        snprintf(codes[n], 10, "%.9s", fields[0]);
        deciles[n++] = (int)strtol(fields[6], NULL, 10);
    }
    fclose(fp);
    return n;
}

static uint32_t pixel(cairo_surface_t *img, double px, double py)
{
    int x = (int)(px + 0.5), y = (int)(py + 0.5);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *data = cairo_image_surface_get_data(img);

    assert_true(x >= 0 && y >= 0 && x < cairo_image_surface_get_width(img) &&
                y < cairo_image_surface_get_height(img));
    return *(const uint32_t *)(data + (size_t)y * (size_t)stride + (size_t)x * 4) & 0xffffff;
}

/* Pole of inaccessibility of the area's largest part, with its distance to
 * the nearest edge. */
static void interior_point(const fixture *f, const nmS_geombuf *g, double *x, double *y,
                           double *dist)
{
    double best = -1;
    size_t p;

    *x = *y = 0;
    for (p = 0; p < g->nparts; p++) {
        double px, py, d;
        size_t r0 = g->part_start[p], nr = g->part_start[p + 1] - r0;
        assert_int_equal(nmR_polylabel(f->ctx, g->xy, g->ring_start, r0, nr, 0.5, &px, &py, &d),
                         NM_OK);
        if (d > best) {
            best = d;
            *x = px;
            *y = py;
        }
    }
    *dist = best;
}

static void test_decile_colours(void **state)
{
    fixture *f = *state;
    nm_choropleth_opts o;
    nm_choropleth_result r;
    char codes[200][10], out[160];
    int deciles[200], n, i, sampled = 0;
    nm_rgb pal[10];
    nm_areas *areas = NULL;
    nmS_geombuf g = {0};
    sqlite3_stmt *cache = NULL;
    cairo_surface_t *img;

    n = csv_deciles(f, codes, deciles, 200);
    assert_int_equal(n, 107);
    snprintf(out, sizeof out, "%s/imd.png", f->dir);
    nm_choropleth_opts_init(&o);
    o.indicator = "imd_decile";
    o.within = "E06000033";
    o.output = out;
    o.dpi = 150;
    assert_int_equal(nm_choropleth(f->store, &o, &r), NM_OK);
    assert_int_equal(r.areas, 107);
    assert_int_equal(r.classes, 10);
    assert_int_equal(nm_palette(f->ctx, NM_PALETTE_DEFAULT, 10, 0, pal), NM_OK);

    img = cairo_image_surface_create_from_png(out);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, "E06000033", &areas), NM_OK);
    assert_int_equal(nm_areas_count(areas), 107);
    for (i = 0; i < n; i++) {
        size_t k;
        double x = 0, y = 0, d = 0, px, py;
        uint32_t want, got;
        for (k = 0; k < 107 && strcmp(nm_areas_code(areas, k), codes[i]) != 0; k++)
            ;
        assert_true(k < 107);
        assert_int_equal(nmS_store_area_geom(f->store, nm_areas_rowid(areas, k), &g, &cache), NM_OK);
        interior_point(f, &g, &x, &y, &d);
        if (d < 3 * r.layout.pixel_size)
            continue; /* too thin to sample clear of its outline */
        px = (x - r.layout.origin_x) / r.layout.pixel_size;
        py = (r.layout.origin_y - y) / r.layout.pixel_size;
        /* decile 1 is the darkest: the palette's last colour */
        want = (uint32_t)pal[10 - deciles[i]].r << 16 | (uint32_t)pal[10 - deciles[i]].g << 8 |
               pal[10 - deciles[i]].b;
        got = pixel(img, px, py);
        if (got != want)
            fail_msg("%s (decile %d): pixel %06x, class colour %06x", codes[i], deciles[i], got,
                     want);
        sampled++;
    }
    assert_true(sampled >= 100);
    cairo_surface_destroy(img);
    sqlite3_finalize(cache);
    nmS_geombuf_free(&g);
    nm_areas_free(areas);
}

static void test_missing_class(void **state)
{
    fixture *f = *state;
    char csv[160], out[160];
    nm_indicators_opts io = {0};
    nm_choropleth_opts o;
    nm_choropleth_result r;
    nm_areas *areas = NULL;
    nmS_geombuf g = {0};
    sqlite3_stmt *cache = NULL;
    cairo_surface_t *img;
    FILE *fp;
    size_t i, miss = 0;

    /* every Southend LSOA but the first gets a value */
    assert_int_equal(nm_areas_select(f->store, "lsoa", 0, "E06000033", &areas), NM_OK);
    snprintf(csv, sizeof csv, "%s/partial.csv", f->dir);
    fp = fopen(csv, "w");
    fprintf(fp, "code,score\n");
    for (i = 1; i < nm_areas_count(areas); i++)
        fprintf(fp, "%s,%zu\n", nm_areas_code(areas, i), i);
    fclose(fp);
    io.in.path = csv;
    io.key = "code";
    io.period = "test";
    assert_int_equal(nm_import_indicators(f->store, &io, NULL), NM_OK);

    snprintf(out, sizeof out, "%s/partial.png", f->dir);
    nm_choropleth_opts_init(&o);
    o.indicator = "score";
    o.within = "E06000033";
    o.classify = "quantile:5";
    o.output = out;
    assert_int_equal(nm_choropleth(f->store, &o, &r), NM_OK);
    assert_int_equal(r.missing, 1);
    img = cairo_image_surface_create_from_png(out);
    assert_int_equal(nmS_store_area_geom(f->store, nm_areas_rowid(areas, miss), &g, &cache), NM_OK);
    {
        double x = 0, y = 0, d = 0;
        uint32_t got;
        interior_point(f, &g, &x, &y, &d);
        got = pixel(img, (x - r.layout.origin_x) / r.layout.pixel_size,
                    (r.layout.origin_y - y) / r.layout.pixel_size);
        /* the missing class is grey (fill or hatching), never a palette colour */
        assert_true((got >> 16 & 0xff) == (got >> 8 & 0xff) && (got >> 8 & 0xff) == (got & 0xff));
    }
    cairo_surface_destroy(img);
    sqlite3_finalize(cache);
    nmS_geombuf_free(&g);
    nm_areas_free(areas);
}

static void test_pdf_text(void **state)
{
    fixture *f = *state;
    nm_choropleth_opts o;
    char out[160], cmd[256], text[16384];
    size_t len;
    FILE *p;

    snprintf(out, sizeof out, "%s/imd.pdf", f->dir);
    nm_choropleth_opts_init(&o);
    o.indicator = "imd_decile";
    o.within = "E06000033";
    o.output = out;
    assert_int_equal(nm_choropleth(f->store, &o, NULL), NM_OK);
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", out);
    p = popen(cmd, "r");
    assert_non_null(p);
    len = fread(text, 1, sizeof text - 1, p);
    text[len] = '\0';
    assert_int_equal(pclose(p), 0);
    assert_non_null(strstr(text, "Index of Multiple Deprivation (IMD) decile, 2019"));
    assert_non_null(strstr(text, "National decile"));
    assert_non_null(strstr(text, "1 (most deprived 10%)"));
    assert_non_null(strstr(text, "10 (least deprived 10%)"));
    /* counts per decile, check value C1 of shared/data/README.md */
    assert_non_null(strstr(text, "(9)"));
    assert_non_null(strstr(text, "(14)"));
    assert_non_null(strstr(text, "Contains OS data"));
    assert_non_null(strstr(text, "English Indices of"));
}

static void test_errors(void **state)
{
    fixture *f = *state;
    nm_choropleth_opts o;
    char out[160];

    snprintf(out, sizeof out, "%s/err.png", f->dir);
    nm_choropleth_opts_init(&o);
    o.output = out;
    o.indicator = "no_such_indicator";
    assert_int_equal(nm_choropleth(f->store, &o, NULL), NM_NOTFOUND);
    assert_non_null(strstr(nm_errmsg(f->ctx), "no indicator \"no_such_indicator\""));
    o.indicator = "imd_score";
    o.within = "E06999999";
    assert_int_equal(nm_choropleth(f->store, &o, NULL), NM_NOTFOUND);
    o.within = "E06000033";
    o.classify = "jenks:200";
    assert_int_not_equal(nm_choropleth(f->store, &o, NULL), NM_OK);
    o.classify = "jenks:5";
    o.period = "1999";
    assert_int_equal(nm_choropleth(f->store, &o, NULL), NM_NOTFOUND);
    assert_non_null(strstr(nm_errmsg(f->ctx), "periods stored: 2019"));
    o.period = NULL;
    o.output = "/nonexistent/folder/map.png";
    assert_int_equal(nm_choropleth(f->store, &o, NULL), NM_ERROR);
    assert_int_equal(access(out, F_OK), -1); /* nothing written by the failures */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decile_colours),
        cmocka_unit_test(test_missing_class),
        cmocka_unit_test(test_pdf_text),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
