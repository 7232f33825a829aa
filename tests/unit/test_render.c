/*
 * Unit tests of the render module on pages built here: pixel colours inside
 * squares of known colour at known BNG coordinates (holes show the page,
 * self-crossing rings fill even-odd) at 150 and 300 dpi, physical sizes
 * that do not change with the resolution, text read back from PDF and SVG,
 * the world file, label placement, and atomic replacement of outputs.
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "render/render_int.h"
#include "support.h"

/* Fixtures sit near Southend in BNG metres. */
#define X0 585000.0
#define PI 3.14159265358979323846
#define Y0 185000.0

#define RED 0xd7301f
#define BLUE 0x2c7fb8
#define GREEN 0x31a354
#define ORANGE 0xfd8d3c
#define PURPLE 0x756bb1

static char tmpdir[64];

/* fontconfig, under Pango, keeps its font cache until the process ends;
 * LeakSanitizer reads this hook (the list is tests/lsan.supp's). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

static void make_tmpdir(void)
{
    if (!tmpdir[0]) {
        nmC_strlcpy(tmpdir, "/tmp/nm_test_render_XXXXXX", sizeof tmpdir);
        assert_non_null(mkdtemp(tmpdir));
    }
}

static void tmp_path(char *out, size_t n, const char *name)
{
    make_tmpdir();
    snprintf(out, n, "%s/%s", tmpdir, name);
}

/* A square [x0, x0 + s] x [y0, y0 + s] as one ring, offset from X0, Y0. */
static void square_ring(double *xy, double x0, double y0, double s)
{
    double pts[8] = {x0, y0, x0 + s, y0, x0 + s, y0 + s, x0, y0 + s};
    int i;

    for (i = 0; i < 8; i += 2) {
        xy[i] = X0 + pts[i];
        xy[i + 1] = Y0 + pts[i + 1];
    }
}

static void add_square(nm_ctx *ctx, nm_map *map, double x0, double y0, double s, uint32_t rgb)
{
    double xy[8];
    size_t rs[2] = {0, 4};
    nm_geom g = {xy, 4, rs, 1, NULL, 0};

    square_ring(xy, x0, y0, s);
    assert_int_equal(nm_map_add_feature(ctx, map, &g, rgb, 0), NM_OK);
}

/* The test page: five areas in a 1 km square, a legend and texts. */
static nm_map *test_map(nm_ctx *ctx, double dpi)
{
    nm_map *map = nm_map_new();
    double holed[16], bow[8], star[10];
    size_t rs2[3] = {0, 4, 8}, rs1[2] = {0, 4}, rs5[2] = {0, 5};
    nm_geom g_holed = {holed, 8, rs2, 2, NULL, 0};
    nm_geom g_bow = {bow, 4, rs1, 1, NULL, 0};
    nm_geom g_star = {star, 5, rs5, 1, NULL, 0};
    int i;

    assert_non_null(map);
    assert_int_equal(nm_map_set_page(ctx, map, NM_PAPER_A4, NM_ORIENT_AUTO, dpi), NM_OK);
    assert_int_equal(nm_map_set_extent(ctx, map, X0, Y0, X0 + 1000, Y0 + 1000), NM_OK);
    add_square(ctx, map, 0, 0, 300, RED);
    add_square(ctx, map, 700, 0, 300, BLUE);
    /* a square with a square hole, the hole listed second */
    square_ring(holed, 0, 700, 300);
    square_ring(holed + 8, 100, 800, 100);
    assert_int_equal(nm_map_add_feature(ctx, map, &g_holed, GREEN, 0), NM_OK);
    /* a bow-tie: crosses itself at (850, 850) */
    {
        double p[8] = {700, 700, 1000, 1000, 1000, 700, 700, 1000};
        for (i = 0; i < 8; i += 2) {
            bow[i] = X0 + p[i];
            bow[i + 1] = Y0 + p[i + 1];
        }
    }
    assert_int_equal(nm_map_add_feature(ctx, map, &g_bow, ORANGE, 0), NM_OK);
    /* a pentagram around (500, 500): its centre is wound twice, so even-odd
     * leaves it empty */
    for (i = 0; i < 5; i++) {
        double a = PI / 2 + i * 4 * PI / 5;
        star[2 * i] = X0 + 500 + 180 * cos(a);
        star[2 * i + 1] = Y0 + 500 + 180 * sin(a);
    }
    assert_int_equal(nm_map_add_feature(ctx, map, &g_star, PURPLE, 0), NM_OK);
    assert_int_equal(nm_map_set_title(ctx, map, "Test map of squares", "Five areas of known colour"),
                     NM_OK);
    assert_int_equal(nm_map_set_legend_title(ctx, map, "Test classes"), NM_OK);
    assert_int_equal(nm_map_add_legend_entry(ctx, map, RED, 0, "1 (most deprived 10%)", 12), NM_OK);
    assert_int_equal(nm_map_add_legend_entry(ctx, map, BLUE, 0, "10.0 to under 20.0", 7), NM_OK);
    assert_int_equal(nm_map_add_legend_entry(ctx, map, 0, NM_MAP_MISSING, "No data", 3), NM_OK);
    assert_int_equal(nm_map_set_attribution(ctx, map,
                                            "Contains OS data © Crown copyright and database right "
                                            "2016. Source: MHCLG, English Indices of Deprivation 2019."),
                     NM_OK);
    return map;
}

/* The pixel at BNG (X0 + x, Y0 + y) as 0xRRGGBB, found through the layout's
 * georeference. */
static uint32_t pixel_at(cairo_surface_t *img, const nm_map_layout *l, double x, double y)
{
    long col = lround((X0 + x - l->origin_x) / l->pixel_size);
    long row = lround((l->origin_y - (Y0 + y)) / l->pixel_size);
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);

    assert_true(col >= 0 && col < cairo_image_surface_get_width(img));
    assert_true(row >= 0 && row < cairo_image_surface_get_height(img));
    return *(const uint32_t *)(data + row * stride + col * 4) & 0xffffff;
}

/* Every compression level gives the same pixels: 1 to 3 go through
 * zrows.c's encoder, 0 and 4 to 9 through zlib, on two threads each. */
static void test_png_levels(void **state)
{
    static const int levels[] = {0, 1, 3, 6, 9};
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = test_map(ctx, 150);
    cairo_surface_t *first = NULL;
    nm_render_opts ro;
    size_t i;
    int y;

    (void)state;
    make_tmpdir();
    nm_render_opts_init(&ro);
    for (i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        char path[128];
        cairo_surface_t *img;
        ro.png_level = levels[i];
        assert_int_equal(nm_map_set_options(ctx, map, &ro), NM_OK);
        snprintf(path, sizeof path, "%s/level_%d.png", tmpdir, levels[i]);
        assert_int_equal(nm_map_write(ctx, map, path, NULL), NM_OK);
        img = cairo_image_surface_create_from_png(path);
        assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
        cairo_surface_flush(img);
        if (!first) {
            first = img;
            continue;
        }
        assert_int_equal(cairo_image_surface_get_height(img), cairo_image_surface_get_height(first));
        for (y = 0; y < cairo_image_surface_get_height(img); y++)
            assert_memory_equal(cairo_image_surface_get_data(img) +
                                    (size_t)y * (size_t)cairo_image_surface_get_stride(img),
                                cairo_image_surface_get_data(first) +
                                    (size_t)y * (size_t)cairo_image_surface_get_stride(first),
                                4 * (size_t)cairo_image_surface_get_width(img));
        cairo_surface_destroy(img);
    }
    cairo_surface_destroy(first);
    nm_map_free(map);
    nm_ctx_free(ctx);
}

static void check_squares(double dpi)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = test_map(ctx, dpi);
    nm_map_layout l;
    cairo_surface_t *img;
    char path[128];

    snprintf(path, sizeof path, "%s/squares_%g.png", (make_tmpdir(), tmpdir), dpi);
    assert_int_equal(nm_map_write(ctx, map, path, &l), NM_OK);
    img = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(img), l.width_px);
    assert_int_equal(cairo_image_surface_get_height(img), l.height_px);
    assert_int_equal(l.width_px, lround(l.page_w_mm / 25.4 * dpi));
    assert_int_equal(pixel_at(img, &l, 150, 150), RED);
    assert_int_equal(pixel_at(img, &l, 850, 150), BLUE);
    assert_int_equal(pixel_at(img, &l, 50, 750), GREEN);
    assert_int_equal(pixel_at(img, &l, 150, 850), 0xffffff); /* the hole */
    assert_int_equal(pixel_at(img, &l, 760, 850), ORANGE);   /* bow-tie lobes */
    assert_int_equal(pixel_at(img, &l, 940, 850), ORANGE);
    assert_int_equal(pixel_at(img, &l, 850, 760), 0xffffff); /* beside the crossing */
    assert_int_equal(pixel_at(img, &l, 850, 940), 0xffffff);
    assert_int_equal(pixel_at(img, &l, 500, 660), PURPLE);   /* a point of the star */
    assert_int_equal(pixel_at(img, &l, 500, 500), 0xffffff); /* its twice-wound centre */
    assert_int_equal(pixel_at(img, &l, 500, 150), 0xffffff); /* between areas */
    cairo_surface_destroy(img);
    nm_map_free(map);
    nm_ctx_free(ctx);
}

static void test_squares_150(void **state)
{
    (void)state;
    check_squares(150);
}

static void test_squares_300(void **state)
{
    (void)state;
    check_squares(300);
}

/* The default outline of a fill: the fill darkened by 40%. */
static uint32_t outline_of(uint32_t rgb)
{
    uint32_t r = (uint32_t)(((rgb >> 16) & 0xff) * 0.6), g = (uint32_t)(((rgb >> 8) & 0xff) * 0.6);
    uint32_t b = (uint32_t)((rgb & 0xff) * 0.6);
    return r << 16 | g << 8 | b;
}

static uint32_t pixel_rc(cairo_surface_t *img, long row, long col)
{
    const unsigned char *data = cairo_image_surface_get_data(img);
    return *(const uint32_t *)(data + row * cairo_image_surface_get_stride(img) + col * 4) &
           0xffffff;
}

/* Outlines at 300 dpi are 0.1 mm, 1.18 px, drawn aliased: across a
 * straight edge there are one or two outline pixels, side by side, and
 * none is missing along it, for a level edge, an upright one and a
 * diagonal (the bow-tie's, from (700, 700) to (1000, 1000)).  At 200 dpi
 * the outline is 0.79 px, still at least a pixel everywhere. */
static void check_outlines(double dpi)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = test_map(ctx, dpi);
    nm_map_layout l;
    cairo_surface_t *img;
    char path[128];
    uint32_t red = outline_of(RED), orange = outline_of(ORANGE);
    long row, col, k;

    snprintf(path, sizeof path, "%s/outlines_%g.png", (make_tmpdir(), tmpdir), dpi);
    assert_int_equal(nm_map_write(ctx, map, path, &l), NM_OK);
    img = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    /* the red square's bottom edge (y = 0), column by column */
    row = lround((l.origin_y - Y0) / l.pixel_size);
    for (col = lround((X0 + 20 - l.origin_x) / l.pixel_size);
         col < lround((X0 + 280 - l.origin_x) / l.pixel_size); col++) {
        int n = 0, first = -1;
        for (k = -3; k <= 3; k++)
            if (pixel_rc(img, row + k, col) == red) {
                n++;
                if (first < 0)
                    first = (int)k;
                else
                    assert_int_equal(pixel_rc(img, row + k - 1, col), red); /* side by side */
            }
        assert_true(n == 1 || n == 2);
        assert_int_equal(pixel_rc(img, row - 4, col), RED);    /* inside: the fill */
        assert_int_equal(pixel_rc(img, row + 4, col), 0xffffff); /* outside: paper */
    }
    /* its left edge (x = 0), row by row */
    col = lround((X0 - l.origin_x) / l.pixel_size);
    for (row = lround((l.origin_y - Y0 - 280) / l.pixel_size);
         row < lround((l.origin_y - Y0 - 20) / l.pixel_size); row++) {
        int n = 0;
        for (k = -3; k <= 3; k++)
            n += pixel_rc(img, row, col + k) == red;
        assert_true(n == 1 || n == 2);
    }
    /* the bow-tie's diagonal, away from its crossing */
    for (row = lround((l.origin_y - Y0 - 980) / l.pixel_size);
         row < lround((l.origin_y - Y0 - 870) / l.pixel_size); row++) {
        double y = l.origin_y - (double)row * l.pixel_size - Y0; /* BNG offset of the row */
        long c = lround((X0 + y - l.origin_x) / l.pixel_size);
        int n = 0;
        for (k = -3; k <= 3; k++)
            n += pixel_rc(img, row, c + k) == orange;
        assert_true(n >= 1 && n <= 3);
    }
    cairo_surface_destroy(img);
    nm_map_free(map);
    nm_ctx_free(ctx);
}

/* A hyphenated place name is not split at a line end: the legend title
 * "Quintile within Southend-on-Sea" wraps before the name, not after
 * "Southend-". */
static void test_hyphenated_names_kept(void **state)
{
    PangoContext *pc = nmR_pango_context(NULL);
    const char *text = "Quintile within Southend-on-Sea";
    PangoLayout *lay = nmR_rn_text(pc, RN_F_LEGEND_TITLE, text, 48);
    int i, n = pango_layout_get_line_count(lay);

    (void)state;
    assert_int_equal(n, 2);
    for (i = 0; i < n; i++) {
        PangoLayoutLine *line = pango_layout_get_line_readonly(lay, i);
        const char *end = text + line->start_index + line->length;
        assert_false(line->length > 0 && end[-1] == '-');
    }
    assert_int_equal(pango_layout_get_line_readonly(lay, 1)->start_index,
                     (int)(strstr(text, "Southend") - text));
    g_object_unref(lay);
    g_object_unref(pc);
}

static void test_outlines_300(void **state)
{
    (void)state;
    check_outlines(300);
}

static void test_outlines_200(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = test_map(ctx, 200);
    nm_map_layout l;
    cairo_surface_t *img;
    char path[128];
    long row, col, k;
    double y;

    (void)state;
    check_outlines(200);
    /* 0.1 mm is 0.79 px at 200 dpi: a level edge lying on the boundary
     * between two rows of pixel centres must still show, a pixel wide */
    snprintf(path, sizeof path, "%s/edge_200.png", (make_tmpdir(), tmpdir));
    assert_int_equal(nm_map_write(ctx, map, path, &l), NM_OK);
    row = lround((l.origin_y - (Y0 + 100)) / l.pixel_size);
    y = l.origin_y - ((double)row - 0.5) * l.pixel_size - Y0; /* the top edge of row 'row' */
    add_square(ctx, map, 350, y, 150, BLUE);
    assert_int_equal(nm_map_write(ctx, map, path, &l), NM_OK);
    img = cairo_image_surface_create_from_png(path);
    for (col = lround((X0 + 370 - l.origin_x) / l.pixel_size);
         col < lround((X0 + 480 - l.origin_x) / l.pixel_size); col++) {
        int n = 0;
        for (k = -3; k <= 3; k++)
            n += pixel_rc(img, row + k, col) == outline_of(BLUE);
        assert_true(n >= 1);
    }
    cairo_surface_destroy(img);
    nm_map_free(map);
    nm_ctx_free(ctx);
}

static void assert_rect_equal(nm_rect a, nm_rect b)
{
    assert_true(fabs(a.x - b.x) < 1e-9 && fabs(a.y - b.y) < 1e-9);
    assert_true(fabs(a.w - b.w) < 1e-9 && fabs(a.h - b.h) < 1e-9);
}

/* Width in mm of the run of 'rgb' pixels through the middle of a rect. */
static double run_mm(cairo_surface_t *img, nm_rect r, uint32_t rgb, double dpi)
{
    double k = dpi / 25.4;
    long row = lround((r.y + r.h / 2) * k), col = lround((r.x + r.w / 2) * k), a = col, b = col;
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);

#define PX(c) (*(const uint32_t *)(data + row * stride + (c) * 4) & 0xffffff)
    assert_int_equal(PX(col), rgb);
    while (a > 0 && PX(a - 1) == rgb)
        a--;
    while (b + 1 < cairo_image_surface_get_width(img) && PX(b + 1) == rgb)
        b++;
#undef PX
    return (double)(b - a + 1) / k;
}

static void test_physical_sizes(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *m150 = test_map(ctx, 150), *m300 = test_map(ctx, 300);
    nm_map_layout a, b;
    double w150, w300;
    cairo_surface_t *img;
    char path[128];

    (void)state;
    assert_int_equal(nm_map_layout_get(ctx, m150, &a), NM_OK);
    assert_int_equal(nm_map_layout_get(ctx, m300, &b), NM_OK);
    assert_rect_equal(a.legend, b.legend);
    assert_rect_equal(a.legend_swatch0, b.legend_swatch0);
    assert_rect_equal(a.scale_bar, b.scale_bar);
    assert_rect_equal(a.north_arrow, b.north_arrow);
    assert_rect_equal(a.map, b.map);
    assert_true(fabs(a.legend_swatch0.w - 8) < 1e-9 && fabs(a.legend_swatch0.h - 5) < 1e-9);
    assert_true(a.scale_bar_m == b.scale_bar_m && a.scale_bar_m > 0);
    assert_true(b.width_px == 2 * a.width_px);
    assert_true(fabs(a.pixel_size - 2 * b.pixel_size) < 1e-9);
    /* and on the pixels: the swatch measures 8 mm at both resolutions */
    tmp_path(path, sizeof path, "phys150.png");
    assert_int_equal(nm_map_write(ctx, m150, path, NULL), NM_OK);
    img = cairo_image_surface_create_from_png(path);
    w150 = run_mm(img, a.legend_swatch0, RED, 150);
    cairo_surface_destroy(img);
    tmp_path(path, sizeof path, "phys300.png");
    assert_int_equal(nm_map_write(ctx, m300, path, NULL), NM_OK);
    img = cairo_image_surface_create_from_png(path);
    w300 = run_mm(img, b.legend_swatch0, RED, 300);
    cairo_surface_destroy(img);
    /* 8 mm less the swatch's 0.15 mm outline, less a blended pixel at
     * each edge */
    assert_true(fabs(w150 - 8) < 0.15 + 2 * 25.4 / 150);
    assert_true(fabs(w300 - 8) < 0.15 + 2 * 25.4 / 300);
    nm_map_free(m150);
    nm_map_free(m300);
    nm_ctx_free(ctx);
}

/* Everything 'cmd' prints, in a buffer the caller frees with free(). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    char *out = calloc(1, 1 << 16);
    size_t n;

    assert_non_null(p);
    n = fread(out, 1, (1 << 16) - 1, p);
    out[n] = 0;
    pclose(p);
    return out;
}

/* Writes the test page to 'name' in the test folder and returns what
 * 'cmd_fmt' (with %s for the path) prints about it; caller frees with free(). */
static char *write_and_run(const char *name, const char *cmd_fmt)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = test_map(ctx, 300);
    char path[128], cmd[256];

    tmp_path(path, sizeof path, name);
    assert_int_equal(nm_map_write(ctx, map, path, NULL), NM_OK);
    nm_map_free(map);
    nm_ctx_free(ctx);
    snprintf(cmd, sizeof cmd, cmd_fmt, path);
    return run(cmd);
}

static void test_pdf_text(void **state)
{
    char *text = write_and_run("text.pdf", "pdftotext -raw '%s' -");

    (void)state;
    assert_non_null(strstr(text, "Test map of squares"));
    assert_non_null(strstr(text, "Five areas of known colour"));
    assert_non_null(strstr(text, "Test classes"));
    assert_non_null(strstr(text, "1 (most deprived 10%)"));
    assert_non_null(strstr(text, "10.0 to under 20.0"));
    assert_non_null(strstr(text, "No data"));
    assert_non_null(strstr(text, "(12)"));
    assert_non_null(strstr(text, "(7)"));
    assert_non_null(strstr(text, "(3)"));
    assert_non_null(strstr(text, "Crown copyright"));
    assert_non_null(strstr(text, "English Indices of Deprivation 2019."));
    free(text);
}

static void test_svg_text(void **state)
{
    char *text = write_and_run("text.svg", "cat '%s'");

    (void)state;
    assert_non_null(strstr(text, "<title>Test map of squares</title>"));
    assert_non_null(strstr(text, ">Test map of squares</text>"));
    assert_non_null(strstr(text, ">1 (most deprived 10%)</text>"));
    assert_non_null(strstr(text, ">(12)</text>"));
    assert_non_null(strstr(text, "</svg>"));
    free(text);
}

/* Number of files in the test folder whose name starts with 'prefix'. */
static int count_files(const char *prefix)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

static void test_unwritable(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = test_map(ctx, 150);
    char path[128];

    (void)state;
    assert_int_not_equal(nm_map_write(ctx, map, "/nonexistent-nm-dir/map.png", NULL), NM_OK);
    assert_non_null(strstr(nm_errmsg(ctx), "nonexistent-nm-dir"));
    /* a folder in the way: the rename fails after the file was written */
    tmp_path(path, sizeof path, "blocked.pdf");
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(nm_map_write(ctx, map, path, NULL), NM_ERROR);
    assert_int_equal(count_files("blocked.pdf.tmp"), 0);
    rmdir(path);
    assert_int_equal(nm_map_write(ctx, map, "map.tiff", NULL), NM_USAGE);
    nm_map_free(map);
    nm_ctx_free(ctx);
}

/* The format comes from the file's own extension (nmC_format_of): a name
 * that is a dot and a word has none, and a folder's dot is not the
 * file's.  Before, "DIR/.png" was written as a PNG (and "DIR/.pgw"). */
static void test_format_by_name(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = test_map(ctx, 150);
    char path[128];

    (void)state;
    tmp_path(path, sizeof path, ".png");
    assert_int_equal(nm_map_write(ctx, map, path, NULL), NM_USAGE);
    assert_non_null(strstr(nm_errmsg(ctx), "unknown output format"));
    assert_int_equal(count_files(".p"), 0);
    tmp_path(path, sizeof path, "out.pdf");
    assert_int_equal(mkdir(path, 0755), 0);
    tmp_path(path, sizeof path, "out.pdf/map");
    assert_int_equal(nm_map_write(ctx, map, path, NULL), NM_USAGE);
    assert_non_null(strstr(nm_errmsg(ctx), "unknown output format"));
    tmp_path(path, sizeof path, "out.pdf/map.SVG");
    assert_int_equal(nm_map_write(ctx, map, path, NULL), NM_OK);
    unlink(path);
    tmp_path(path, sizeof path, "out.pdf");
    rmdir(path);
    nm_map_free(map);
    nm_ctx_free(ctx);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    char *data;

    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    *n = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    data = malloc(*n + 1);
    assert_int_equal(fread(data, 1, *n, fp), *n);
    fclose(fp);
    return data;
}

/* Fails the Nth allocation of a write, for every N until the write
 * succeeds: the old file must survive each failure whole, and no temporary
 * file may remain. */
static void test_atomic_replace(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = test_map(ctx, 72);
    char path[128], *old, *now;
    size_t nold, nnow;
    long n;
    nm_status rc = NM_ERROR;
    FILE *fp;

    (void)state;
    tmp_path(path, sizeof path, "atomic.png");
    fp = fopen(path, "wb");
    fputs("old content", fp);
    fclose(fp);
    old = slurp(path, &nold);
    for (n = 0; n < 400 && rc != NM_OK; n++) {
        nmC_alloc_fail_after(n);
        rc = nm_map_write(ctx, map, path, NULL);
        nmC_alloc_fail_after(-1);
        if (rc != NM_OK) {
            now = slurp(path, &nnow);
            assert_true(nnow == nold && memcmp(now, old, nold) == 0);
            free(now);
            assert_int_equal(count_files("atomic.png.tmp"), 0);
        }
    }
    assert_int_equal(rc, NM_OK);
    assert_true(n > 1); /* some allocations did fail */
    now = slurp(path, &nnow);
    assert_true(nnow > 8 && memcmp(now, "\x89PNG", 4) == 0);
    free(now);
    free(old);
    nm_map_free(map);
    nm_ctx_free(ctx);
}

static void test_world_file(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = test_map(ctx, 200);
    nm_map_layout l;
    char path[128];
    double v[6], k = 200 / 25.4, cx;
    FILE *fp;
    int i;

    (void)state;
    tmp_path(path, sizeof path, "world.png");
    assert_int_equal(nm_map_write(ctx, map, path, &l), NM_OK);
    tmp_path(path, sizeof path, "world.pgw");
    fp = fopen(path, "r");
    assert_non_null(fp);
    for (i = 0; i < 6; i++)
        assert_int_equal(fscanf(fp, "%lf", &v[i]), 1);
    fclose(fp);
    assert_true(fabs(v[0] - l.pixel_size) < 1e-9 && v[1] == 0 && v[2] == 0);
    assert_true(fabs(v[3] + l.pixel_size) < 1e-9);
    assert_true(fabs(v[4] - l.origin_x) < 1e-6 && fabs(v[5] - l.origin_y) < 1e-6);
    /* the extent's centre falls at the centre of the map box */
    cx = (X0 + 500 - v[4]) / v[0];
    assert_true(fabs(cx - ((l.map.x + l.map.w / 2) * k - 0.5)) < 1e-6);
    assert_true(fabs((v[5] - (Y0 + 500)) / v[0] - ((l.map.y + l.map.h / 2) * k - 0.5)) < 1e-6);
    /* the 1 km extent fills the map box less its 2 mm padding on one axis */
    assert_true(fabs(1000 / v[0] - (fmin(l.map.w, l.map.h) - 4) * k) < 1e-6);
    assert_true(fabs(l.scale - 1000 / ((fmin(l.map.w, l.map.h) - 4) / 1000)) < 1e-6);
    nm_map_free(map);
    nm_ctx_free(ctx);
}

static void test_polylabel(void **state)
{
    /* a U: the centroid (500, ~400) is in the notch, outside the polygon */
    double xy[16] = {0, 0, 1000, 0, 1000, 1000, 700, 1000, 700, 300, 300, 300, 300, 1000, 0, 1000};
    size_t rs[2] = {0, 8};
    nm_ctx *ctx = nm_ctx_new();
    double x, y, d;

    (void)state;
    assert_int_equal(nmR_polylabel(ctx, xy, rs, 0, 1, 1, &x, &y, &d), NM_OK);
    assert_false(x > 300 && x < 700 && y > 300); /* not in the notch */
    /* the arms and base are 300 wide; the inner corner allows a circle of
     * radius 300 sqrt 2 / (1 + sqrt 2) = 175.7 */
    assert_true(d > 170 && d < 177);
    nm_ctx_free(ctx);
}

static void test_labels_collide(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = test_map(ctx, 150);
    double xy[8];
    size_t rs[2] = {0, 4};
    nm_geom g = {xy, 4, rs, 1, NULL, 0};
    nm_map_layout l;
    rn_layout lay;
    PangoContext *pc;

    (void)state;
    square_ring(xy, 0, 0, 300);
    assert_int_equal(nm_map_add_label(ctx, map, "Milton", &g), NM_OK);
    assert_int_equal(nm_map_add_label(ctx, map, "Milton again", &g), NM_OK);
    assert_int_equal(nm_map_add_label(ctx, map, "Milton third", &g), NM_OK);
    square_ring(xy, 700, 0, 300);
    assert_int_equal(nm_map_add_label(ctx, map, "Kursaal", &g), NM_OK);
    assert_int_equal(nm_map_layout_get(ctx, map, &l), NM_OK);
    assert_true(l.labels_placed >= 2 && l.labels_placed <= 4);
    /* the placed boxes do not overlap each other */
    pc = nmR_pango_context(NULL);
    assert_int_equal(nmR_layout_compute(ctx, map, pc, &lay), NM_OK);
    {
        size_t i, j;
        for (i = 0; i < lay.nplaced; i++)
            for (j = i + 1; j < lay.nplaced; j++) {
                double wi, hi, wj, hj;
                PangoLayout *a = nmR_rn_text(pc, RN_F_LABEL, map->labels[lay.placed[i].label].text, 0);
                PangoLayout *b = nmR_rn_text(pc, RN_F_LABEL, map->labels[lay.placed[j].label].text, 0);
                nmR_text_size(a, &wi, &hi);
                nmR_text_size(b, &wj, &hj);
                g_object_unref(a);
                g_object_unref(b);
                assert_false(lay.placed[i].x < lay.placed[j].x + wj &&
                             lay.placed[j].x < lay.placed[i].x + wi &&
                             lay.placed[i].y < lay.placed[j].y + hj &&
                             lay.placed[j].y < lay.placed[i].y + hi);
            }
    }
    nmR_layout_free(&lay);
    g_object_unref(pc);
    nm_map_free(map);
    nm_ctx_free(ctx);
}

static void test_bad_input(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = nm_map_new();
    double xy[6] = {0, 0, 1, 0, NAN, 1};
    size_t rs[2] = {0, 3}, bad_rs[2] = {0, 4};
    nm_geom g = {xy, 3, rs, 1, NULL, 0}, g2 = {xy, 3, bad_rs, 1, NULL, 0};
    nm_map_layout l;
    int layer;

    (void)state;
    assert_int_equal(nm_map_add_feature(ctx, map, &g, 0, 0), NM_BADDATA);
    assert_int_equal(nm_map_add_feature(ctx, map, &g2, 0, 0), NM_BADDATA);
    assert_int_equal(nm_map_add_outline(ctx, map, 3, &g), NM_USAGE);
    assert_int_equal(nm_map_add_layer(ctx, map, 0, 0, &layer), NM_USAGE);
    assert_int_equal(nm_map_set_page(ctx, map, NM_PAPER_A4, NM_ORIENT_AUTO, 5), NM_USAGE);
    assert_int_equal(nm_map_set_extent(ctx, map, 1, 1, 1, 2), NM_USAGE);
    assert_int_equal(nm_map_set_title(ctx, map, "\xff\xfe", NULL), NM_BADDATA);
    assert_int_equal(nm_map_layout_get(ctx, map, &l), NM_USAGE);
    nm_map_free(map);
    nm_map_free(NULL);
    nm_ctx_free(ctx);
}

static void test_orientation(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = test_map(ctx, 150);
    nm_map_layout l;

    (void)state;
    /* a wide extent goes landscape, a tall one portrait */
    assert_int_equal(nm_map_set_extent(ctx, map, X0, Y0, X0 + 4000, Y0 + 1000), NM_OK);
    assert_int_equal(nm_map_layout_get(ctx, map, &l), NM_OK);
    assert_int_equal(l.orient, NM_ORIENT_LANDSCAPE);
    assert_true(l.page_w_mm == 297 && l.page_h_mm == 210);
    assert_int_equal(nm_map_set_extent(ctx, map, X0, Y0, X0 + 1000, Y0 + 4000), NM_OK);
    assert_int_equal(nm_map_layout_get(ctx, map, &l), NM_OK);
    assert_int_equal(l.orient, NM_ORIENT_PORTRAIT);
    assert_int_equal(nm_map_set_page(ctx, map, NM_PAPER_A3, NM_ORIENT_LANDSCAPE, 150), NM_OK);
    assert_int_equal(nm_map_layout_get(ctx, map, &l), NM_OK);
    assert_true(l.page_w_mm == 420 && l.page_h_mm == 297);
    nm_map_free(map);
    nm_ctx_free(ctx);
}

static int cleanup_dir(void **state)
{

    (void)state;
    if (tmpdir[0]) {
        if (ts_rmtree(tmpdir) != 0)
            return 1;
    }
    return 0;
}

/* The selection's own names go first, a sliver's name goes outside on a
 * leader line, and every label's outcome is reported. */
static void test_labels_own_first(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = nm_map_new();
    double xy[8];
    size_t rs[2] = {0, 4};
    nm_geom g = {xy, 4, rs, 1, NULL, 0};
    nm_map_layout l;
    nm_label_info a, b, c;
    double thin[8] = {X0 + 100, Y0 + 800, X0 + 900, Y0 + 800, X0 + 900, Y0 + 802, X0 + 100,
                      Y0 + 802};

    (void)state;
    assert_int_equal(nm_map_set_extent(ctx, map, X0, Y0, X0 + 1000, Y0 + 1000), NM_OK);
    /* a neighbour's large area, added first, and an own smaller one with the
     * same label point */
    square_ring(xy, 0, 0, 600);
    assert_int_equal(nm_map_add_feature(ctx, map, &g, RED, 0), NM_OK);
    assert_int_equal(nm_map_add_label_keyed(ctx, map, "A neighbouring district", "N1", 0, &g),
                     NM_OK);
    square_ring(xy, 200, 200, 200);
    assert_int_equal(nm_map_add_label_keyed(ctx, map, "Own ward name", "W1", NM_LABEL_OWN, &g),
                     NM_OK);
    /* a sliver 2 m wide: far thinner than any text */
    g.xy = thin;
    assert_int_equal(nm_map_add_label_keyed(ctx, map, "Sliver", "W2", NM_LABEL_OWN, &g), NM_OK);
    assert_int_equal(nm_map_label_count(map), 3);
    assert_true(nm_map_label_info(map, 1, &b));
    assert_int_equal(b.status, NM_LABEL_PENDING);
    assert_int_equal(nm_map_layout_get(ctx, map, &l), NM_OK);
    assert_true(nm_map_label_info(map, 0, &a));
    assert_true(nm_map_label_info(map, 1, &b));
    assert_true(nm_map_label_info(map, 2, &c));
    assert_false(nm_map_label_info(map, 3, &c));
    assert_int_equal(b.status, NM_LABEL_PLACED);
    assert_string_equal(b.key, "W1");
    assert_true(b.pt == 7.5);
    assert_true(a.status != NM_LABEL_PLACED && a.status != NM_LABEL_PENDING);
    assert_int_equal(c.status, NM_LABEL_LEADER);
    assert_true(c.pt >= 5.5);
    assert_int_equal(l.labels_placed + l.labels_unplaced, 3);
    /* without leader lines the sliver is reported, with a reason */
    {
        nm_render_opts o;
        nm_render_opts_init(&o);
        o.label_leaders = 0;
        assert_int_equal(nm_map_set_options(ctx, map, &o), NM_OK);
        assert_int_equal(nm_map_layout_get(ctx, map, &l), NM_OK);
        assert_true(nm_map_label_info(map, 2, &c));
        assert_int_equal(c.status, NM_LABEL_NO_ROOM);
        assert_true(strlen(c.reason) > 10);
        assert_true(c.pt == 0);
        o.label_min_pt = 9; /* above the size tried first */
        assert_int_equal(nm_map_set_options(ctx, map, &o), NM_USAGE);
    }
    nm_map_free(map);
    nm_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_squares_150),   cmocka_unit_test(test_squares_300),
        cmocka_unit_test(test_outlines_300),  cmocka_unit_test(test_outlines_200),
        cmocka_unit_test(test_hyphenated_names_kept),
        cmocka_unit_test(test_physical_sizes), cmocka_unit_test(test_pdf_text),
        cmocka_unit_test(test_svg_text),      cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_format_by_name),
        cmocka_unit_test(test_atomic_replace), cmocka_unit_test(test_world_file),
        cmocka_unit_test(test_polylabel),     cmocka_unit_test(test_labels_collide),
        cmocka_unit_test(test_labels_own_first),
        cmocka_unit_test(test_bad_input),     cmocka_unit_test(test_orientation),
        cmocka_unit_test(test_png_levels),
    };
    return cmocka_run_group_tests(tests, NULL, cleanup_dir);
}
