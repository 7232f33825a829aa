/*
 * Unit tests of the table reader (src/ingest/table.c).  A .csv file is split
 * by GDAL's CSV line parser directly; these tests hold it to what OGR's CSV
 * driver gives for the same bytes (the same cells, blank lines skipped),
 * and check what only needsmap adds: the line each row starts on, counting
 * line breaks inside quoted cells, and the per-row UTF-8 check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gdal.h>
#include <ogr_api.h>

#include "ingest/ingest_int.h"
#include "ingest/table_int.h"

static char tmpdir[64];

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmpdir, name);
}

/* Every row and cell of 'path' as OGR's CSV driver reads them, one line of
 * text per row, cells separated by '|'. */
static char *rows_by_ogr(const char *path, int ncols)
{
    static const char *const opts[] = {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO", NULL};
    GDALDatasetH ds;
    OGRLayerH layer;
    OGRFeatureH f;
    nm_buf b = {0};
    int i;

    GDALAllRegister();
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, opts, NULL);
    assert_non_null(ds);
    layer = GDALDatasetGetLayer(ds, 0);
    assert_int_equal(OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(layer)), ncols);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        for (i = 0; i < ncols; i++)
            nm_buf_addf(&b, "%s%s", i ? "|" : "",
                        OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "");
        nm_buf_add(&b, "\n", 1);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return nm_buf_take(&b);
}

/* The same through nm_table, with the line of each row in 'lines'. */
static char *rows_by_table(nm_ctx *ctx, const char *path, int *ncols, long *lines, int max)
{
    nm_table *t = NULL;
    nm_buf b = {0};
    int i, n = 0, got;

    assert_int_equal(nm_table_open(ctx, path, NULL, NULL, &t), NM_OK);
    *ncols = nm_table_ncols(t);
    while ((got = nm_table_next(t)) == 1) {
        for (i = 0; i < *ncols; i++)
            nm_buf_addf(&b, "%s%s", i ? "|" : "", nm_table_cell(t, i));
        nm_buf_add(&b, "\n", 1);
        if (n < max)
            lines[n++] = nm_table_line(t);
    }
    assert_int_equal(got, 0);
    nm_table_close(t);
    return nm_buf_take(&b);
}

/* Quoted separators, quotes and a line break inside a cell, a blank line,
 * a short row and CRLF line ends: the cells equal OGR's, and each row
 * carries the line it starts on. */
static void test_cells_and_lines(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    char path[128], *mine, *ogr;
    long lines[8] = {0};
    int ncols = 0;

    (void)state;
    path_in(path, sizeof path, "quoted.csv");
    write_file(path, "\xEF\xBB\xBF" "code,name,value\r\n"
                     "E01000001,\"Smith, \"\"Old\"\" Town\",1.5\r\n"
                     "E01000002,\"two\r\nlines\",2\r\n"
                     "\r\n"
                     "E01000003,short\r\n"
                     "E01000004,,4\r\n");
    mine = rows_by_table(ctx, path, &ncols, lines, 8);
    assert_int_equal(ncols, 3);
    ogr = rows_by_ogr(path, 3);
    assert_string_equal(mine, ogr);
    assert_string_equal(mine, "E01000001|Smith, \"Old\" Town|1.5\n"
                              "E01000002|two\nlines|2\n"
                              "E01000003|short|\n"
                              "E01000004||4\n");
    /* heading 1; the quoted break makes row 2 span lines 3-4; line 5 is
       blank */
    assert_int_equal(lines[0], 2);
    assert_int_equal(lines[1], 3);
    assert_int_equal(lines[2], 6);
    assert_int_equal(lines[3], 7);
    nm_free(mine);
    nm_free(ogr);
    nm_ctx_free(ctx);
}

/* A semicolon-separated file (Excel in many European locales) is split on
 * semicolons, as OGR does, and a heading's byte-order mark is dropped. */
static void test_semicolons(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_table *t = NULL;
    char path[128], *mine, *ogr;
    long lines[4];
    int ncols = 0;

    (void)state;
    path_in(path, sizeof path, "semi.csv");
    write_file(path, "\xEF\xBB\xBF" "code;score\nE01000001;3,5\nE01000002;4\n");
    mine = rows_by_table(ctx, path, &ncols, lines, 4);
    assert_int_equal(ncols, 2);
    ogr = rows_by_ogr(path, 2);
    assert_string_equal(mine, ogr);
    assert_string_equal(mine, "E01000001|3,5\nE01000002|4\n");
    assert_int_equal(nm_table_open(ctx, path, NULL, NULL, &t), NM_OK);
    assert_string_equal(nm_table_heading(t, 0), "code");
    assert_int_equal(nm_table_find(t, "SCORE"), 1);
    nm_table_close(t);
    nm_free(mine);
    nm_free(ogr);
    nm_ctx_free(ctx);
}

/* Rewinding starts again at the first row below the headings. */
static void test_rewind(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_table *t = NULL;
    char path[128];

    (void)state;
    path_in(path, sizeof path, "rewind.csv");
    write_file(path, "code,v\nA,1\nB,2\n");
    assert_int_equal(nm_table_open(ctx, path, NULL, NULL, &t), NM_OK);
    assert_int_equal(nm_table_next(t), 1);
    assert_int_equal(nm_table_next(t), 1);
    assert_string_equal(nm_table_cell(t, 0), "B");
    nm_table_rewind(t);
    assert_int_equal(nm_table_next(t), 1);
    assert_string_equal(nm_table_cell(t, 0), "A");
    assert_int_equal(nm_table_line(t), 2);
    /* out of range cells read as empty */
    assert_string_equal(nm_table_cell(t, 2), "");
    assert_string_equal(nm_table_cell(t, -1), "");
    nm_table_close(t);
    nm_ctx_free(ctx);
}

/* A row with bytes that are not UTF-8 is flagged; its neighbours are not. */
static void test_utf8_per_row(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_table *t = NULL;
    char path[128];

    (void)state;
    path_in(path, sizeof path, "latin1.csv");
    write_file(path, "code,name\nA,caf\xC3\xA9\nB,caf\xE9\nC,plain\n");
    assert_int_equal(nm_table_open(ctx, path, NULL, NULL, &t), NM_OK);
    assert_int_equal(nm_table_next(t), 1);
    assert_true(nm_table_row_utf8(t));
    assert_int_equal(nm_table_next(t), 1);
    assert_false(nm_table_row_utf8(t));
    assert_int_equal(nm_table_next(t), 1);
    assert_true(nm_table_row_utf8(t));
    nm_table_close(t);
    nm_ctx_free(ctx);
}

static int accept_nothing(void *user, int ncols, const char *const *headings)
{
    (void)user;
    (void)ncols;
    (void)headings;
    return 0;
}

/* Files that hold no usable table are refused with the file's name. */
static void test_refusals(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_table *t = NULL;
    char path[128];

    (void)state;
    path_in(path, sizeof path, "utf16.csv");
    write_file(path, "\xFF\xFE" "c\0o\0d\0e\0");
    assert_int_equal(nm_table_open(ctx, path, NULL, NULL, &t), NM_BADDATA);
    assert_non_null(strstr(nm_errmsg(ctx), "UTF-16"));
    assert_non_null(strstr(nm_errmsg(ctx), "utf16.csv"));

    path_in(path, sizeof path, "blank.csv");
    write_file(path, "\n\n");
    assert_int_equal(nm_table_open(ctx, path, NULL, NULL, &t), NM_BADDATA);
    assert_non_null(strstr(nm_errmsg(ctx), "holds no table"));

    path_in(path, sizeof path, "other.csv");
    write_file(path, "x,y\n1,2\n");
    assert_int_equal(nm_table_open(ctx, path, accept_nothing, NULL, &t), NM_BADDATA);
    assert_non_null(strstr(nm_errmsg(ctx), "expected headings"));

    path_in(path, sizeof path, "absent.csv");
    assert_int_equal(nm_table_open(ctx, path, NULL, NULL, &t), NM_ERROR);
    assert_null(t);
    nm_ctx_free(ctx);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nm-table-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cells_and_lines), cmocka_unit_test(test_semicolons),
        cmocka_unit_test(test_rewind),          cmocka_unit_test(test_utf8_per_row),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
