/*
 * Unit tests of the table reader (src/ingest/table.c, csv.c).  A .csv file
 * is split by needsmap's own reader; these tests hold it to what OGR's CSV
 * driver gives for the same bytes (the same cells, blank lines skipped), to
 * GDAL's CSV line parser, which it replaced, on thousands of generated
 * files, and check what only needsmap adds: the line each row starts on,
 * counting line breaks inside quoted cells, and that every row has the
 * heading's number of fields in UTF-8 text.
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
#include <cpl_csv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <xlsxwriter.h>
#include <ogr_api.h>

#include "ingest/csv_int.h"
#include "ingest/ingest_int.h"
#include "ingest/table_int.h"
#include "support.h"

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
    nmC_buf b = {0};
    int i;

    GDALAllRegister();
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, opts, NULL);
    assert_non_null(ds);
    layer = GDALDatasetGetLayer(ds, 0);
    assert_int_equal(OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(layer)), ncols);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        for (i = 0; i < ncols; i++)
            nmC_buf_addf(&b, "%s%s", i ? "|" : "",
                        OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "");
        nmC_buf_add(&b, "\n", 1);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return nmC_buf_take(&b);
}

/* The same through nmI_table, with the line of each row in 'lines'. */
static char *rows_by_table(nm_ctx *ctx, const char *path, int *ncols, long *lines, int max)
{
    nmI_table *t = NULL;
    nmC_buf b = {0};
    int i, n = 0, got;

    assert_int_equal(nmI_table_open(ctx, path, NULL, NULL, &t), NM_OK);
    *ncols = nmI_table_ncols(t);
    while ((got = nmI_table_next(t)) == 1) {
        for (i = 0; i < *ncols; i++)
            nmC_buf_addf(&b, "%s%s", i ? "|" : "", nmI_table_cell(t, i));
        nmC_buf_add(&b, "\n", 1);
        if (n < max)
            lines[n++] = nmI_table_line(t);
    }
    assert_int_equal(got, 0);
    nmI_table_close(t);
    return nmC_buf_take(&b);
}

/* Quoted separators, quotes and a line break inside a cell, a blank line,
 * an empty cell and CRLF line ends: the cells equal OGR's, and each row
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
                     "E01000003,short,\r\n"
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
    nmI_table *t = NULL;
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
    assert_int_equal(nmI_table_open(ctx, path, NULL, NULL, &t), NM_OK);
    assert_string_equal(nmI_table_heading(t, 0), "code");
    assert_int_equal(nmI_table_find(t, "SCORE"), 1);
    nmI_table_close(t);
    nm_free(mine);
    nm_free(ogr);
    nm_ctx_free(ctx);
}

/* Rewinding starts again at the first row below the headings. */
static void test_rewind(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nmI_table *t = NULL;
    char path[128];

    (void)state;
    path_in(path, sizeof path, "rewind.csv");
    write_file(path, "code,v\nA,1\nB,2\n");
    assert_int_equal(nmI_table_open(ctx, path, NULL, NULL, &t), NM_OK);
    assert_int_equal(nmI_table_next(t), 1);
    assert_int_equal(nmI_table_next(t), 1);
    assert_string_equal(nmI_table_cell(t, 0), "B");
    nmI_table_rewind(t);
    assert_int_equal(nmI_table_next(t), 1);
    assert_string_equal(nmI_table_cell(t, 0), "A");
    assert_int_equal(nmI_table_line(t), 2);
    /* out of range cells read as empty */
    assert_string_equal(nmI_table_cell(t, 2), "");
    assert_string_equal(nmI_table_cell(t, -1), "");
    nmI_table_close(t);
    nm_ctx_free(ctx);
}

/* A row with bytes that are not UTF-8 stops the reading with its line,
 * column and value, the bytes escaped; the rows before it are read. */
static void test_not_utf8_refused(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nmI_table *t = NULL;
    char path[128];

    (void)state;
    path_in(path, sizeof path, "latin1.csv");
    write_file(path, "code,name\nA,caf\xC3\xA9\nB,caf\xE9s\nC,plain\n");
    assert_int_equal(nmI_table_open(ctx, path, NULL, NULL, &t), NM_OK);
    assert_int_equal(nmI_table_next(t), 1);
    assert_true(nmI_table_row_utf8(t));
    assert_int_equal(nmI_table_next(t), -1);
    assert_int_equal(nm_errcode(ctx), NM_BADDATA);
    assert_non_null(strstr(nm_errmsg(ctx), "latin1.csv:3: column \"name\": value "
                                           "\"caf\\xE9s\" is not UTF-8 text"));
    nmI_table_close(t);
    nm_ctx_free(ctx);
}

/* Every row has the heading's number of fields: a row cut short (a file
 * truncated in its last row) or with one too many fails, naming the file,
 * the line and both counts. */
static void test_ragged_rows(void **state)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"code,a,b\nE1,1,2\nE2,1", "ragged.csv:3: 2 fields where the heading has 3 (the file "
                                   "ends inside it: cut short?)"},
        {"code,a,b\nE1,1,2\nE2,1\nE3,1,2\n", "ragged.csv:3: 2 fields where the heading has 3"},
        {"code,a,b\nE1,1,2,\nE2,1,2\n", "ragged.csv:2: 4 fields where the heading has 3"},
        {"code,a,b\nE1,\"1,5\",2,9\n", "ragged.csv:2: 4 fields where the heading has 3"},
    };
    nm_ctx *ctx = nm_ctx_new();
    char path[128];
    size_t k;

    (void)state;
    path_in(path, sizeof path, "ragged.csv");
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        nmI_table *t = NULL;
        int got;
        write_file(path, cases[k].text);
        assert_int_equal(nmI_table_open(ctx, path, NULL, NULL, &t), NM_OK);
        while ((got = nmI_table_next(t)) == 1)
            ;
        assert_int_equal(got, -1);
        assert_int_equal(nm_errcode(ctx), NM_BADDATA);
        if (!strstr(nm_errmsg(ctx), cases[k].want))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", k, nm_errmsg(ctx), cases[k].want);
        nmI_table_close(t);
    }
    nm_ctx_free(ctx);
}

/* A spreadsheet row with a cell to the right of the heading row fails the
 * same way; cells left empty at the end of a row are just empty. */
static void test_ragged_sheet(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nmI_table *t = NULL;
    char path[128];
    lxw_workbook *wb;
    lxw_worksheet *ws;
    int got, rows = 0;

    (void)state;
    path_in(path, sizeof path, "ragged.xlsx");
    wb = workbook_new(path);
    ws = workbook_add_worksheet(wb, NULL);
    worksheet_write_string(ws, 0, 0, "code", NULL);
    worksheet_write_string(ws, 0, 1, "a", NULL);
    worksheet_write_string(ws, 0, 2, "b", NULL);
    worksheet_write_string(ws, 1, 0, "E1", NULL);
    worksheet_write_number(ws, 1, 1, 1, NULL);
    worksheet_write_string(ws, 2, 0, "E2", NULL);
    worksheet_write_number(ws, 2, 1, 1, NULL);
    worksheet_write_number(ws, 2, 2, 2, NULL);
    worksheet_write_number(ws, 2, 3, 9, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    assert_int_equal(nmI_table_open(ctx, path, NULL, NULL, &t), NM_OK);
    assert_int_equal(nmI_table_ncols(t), 3);
    while ((got = nmI_table_next(t)) == 1)
        rows++;
    assert_int_equal(rows, 1);
    assert_int_equal(got, -1);
    assert_non_null(strstr(nm_errmsg(ctx), "ragged.xlsx:3: 4 cells where the heading row has 3"));
    nmI_table_close(t);
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
    nmI_table *t = NULL;
    char path[128];

    (void)state;
    path_in(path, sizeof path, "utf16.csv");
    write_file(path, "\xFF\xFE" "c\0o\0d\0e\0");
    assert_int_equal(nmI_table_open(ctx, path, NULL, NULL, &t), NM_BADDATA);
    assert_non_null(strstr(nm_errmsg(ctx), "UTF-16"));
    assert_non_null(strstr(nm_errmsg(ctx), "utf16.csv"));

    path_in(path, sizeof path, "blank.csv");
    write_file(path, "\n\n");
    assert_int_equal(nmI_table_open(ctx, path, NULL, NULL, &t), NM_BADDATA);
    assert_non_null(strstr(nm_errmsg(ctx), "holds no table"));

    path_in(path, sizeof path, "other.csv");
    write_file(path, "x,y\n1,2\n");
    assert_int_equal(nmI_table_open(ctx, path, accept_nothing, NULL, &t), NM_BADDATA);
    assert_non_null(strstr(nm_errmsg(ctx), "expected headings"));

    path_in(path, sizeof path, "absent.csv");
    assert_int_equal(nmI_table_open(ctx, path, NULL, NULL, &t), NM_ERROR);
    assert_null(t);
    nm_ctx_free(ctx);
}

/* Every record of 'path' as GDAL's CSV line parser splits it, the way the
 * reader before csv.c called it (separator from the first line, blank
 * lines skipped, a record's line counted from the breaks in its cells):
 * "line:[cell][cell]\n" per record. */
static char *records_by_gdal(const char *path)
{
    VSILFILE *fp = VSIFOpenL(path, "rb");
    const char *first;
    char delim[2] = {',', '\0'}, **cells;
    nmC_buf b = {0};
    long next = 1;

    assert_non_null(fp);
    first = CPLReadLineL(fp);
    if (first)
        delim[0] = CSVDetectSeperator(first);
    VSIRewindL(fp);
    while ((cells = CSVReadParseLine3L(fp, 0, delim, true, false, false, true)) != NULL) {
        long line = next;
        char **c;
        next++;
        for (c = cells; *c; c++)
            for (const char *p = strchr(*c, '\n'); p; p = strchr(p + 1, '\n'))
                next++;
        if (cells[0]) {
            nmC_buf_addf(&b, "%ld:", line);
            for (c = cells; *c; c++)
                nmC_buf_addf(&b, "[%s]", *c);
            nmC_buf_add(&b, "\n", 1);
        }
        CSLDestroy(cells);
    }
    VSIFCloseL(fp);
    return nmC_buf_take(&b);
}

/* The same through csv.c. */
static char *records_by_csv(nm_ctx *ctx, const char *path)
{
    nmI_csv *c = NULL;
    nmC_buf b = {0};
    int i, got;

    assert_int_equal(nmI_csv_open(ctx, path, &c), NM_OK);
    while ((got = nmI_csv_next(c)) == 1) {
        nmC_buf_addf(&b, "%ld:", nmI_csv_line(c));
        for (i = 0; i < nmI_csv_ncells(c); i++)
            nmC_buf_addf(&b, "[%s]", nmI_csv_cell(c, i));
        nmC_buf_add(&b, "\n", 1);
    }
    assert_int_equal(got, 0);
    nmI_csv_close(c);
    return nmC_buf_take(&b);
}

/* Generated files of quotes, separators of every kind, line ends of every
 * kind, blank lines and byte-order marks split into the same records, on
 * the same lines, as the installed GDAL's parser splits them (the reader
 * csv.c replaced; should a later GDAL split differently, this says where). */
static void test_same_as_gdal(void **state)
{
    static const char *const bits[] = {"a", "bc", ",", ",", ";", "\t", " ", "\"", "\"", "\"\"",
                                       "\n", "\r\n", "\r", "\n\r", "\xEF\xBB\xBF", "\xC3\xA9"};
    nm_ctx *ctx = nm_ctx_new();
    char path[128];
    unsigned long seed = 12345;
    int k;

    (void)state;
    path_in(path, sizeof path, "gen.csv");
    /* the last few are long, so that records and line ends straddle the
       reader's 64 KiB chunks */
    for (k = 0; k < 2503; k++) {
        FILE *fp = fopen(path, "wb");
        int j, n;
        char *mine, *gdal;
        assert_non_null(fp);
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        n = k < 2500 ? (int)((seed >> 33) % 40) : 60000;
        for (j = 0; j < n; j++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            fputs(bits[(seed >> 33) % (sizeof bits / sizeof bits[0])], fp);
        }
        fclose(fp);
        mine = records_by_csv(ctx, path);
        gdal = records_by_gdal(path);
        if (strcmp(mine ? mine : "", gdal ? gdal : "") != 0) {
            char cmd[200];
            snprintf(cmd, sizeof cmd, "od -c %s >&2", path);
            if (system(cmd) != 0)
                fprintf(stderr, "(od failed)\n");
            fail_msg("file %d: csv.c gave\n%s\nGDAL gave\n%s", k, mine ? mine : "",
                     gdal ? gdal : "");
        }
        nm_free(mine);
        nm_free(gdal);
    }
    nm_ctx_free(ctx);
}

/* A NUL byte is refused with its line, not read as the end of a cell. */
static void test_nul_refused(void **state)
{
    nm_ctx *ctx = nm_ctx_new();
    nmI_table *t = NULL;
    char path[128];
    FILE *fp;

    (void)state;
    path_in(path, sizeof path, "nul.csv");
    fp = fopen(path, "wb");
    assert_non_null(fp);
    fwrite("code,v\nA,1\nB,2\0x\n", 1, 18, fp);
    fclose(fp);
    assert_int_equal(nmI_table_open(ctx, path, NULL, NULL, &t), NM_OK);
    assert_int_equal(nmI_table_next(t), 1);
    assert_int_equal(nmI_table_next(t), -1);
    assert_int_equal(nm_errcode(ctx), NM_BADDATA);
    assert_non_null(strstr(nm_errmsg(ctx), "nul.csv:3: a NUL byte"));
    nmI_table_close(t);
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
    (void)state;
    return ts_rmtree(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cells_and_lines), cmocka_unit_test(test_semicolons),
        cmocka_unit_test(test_rewind),          cmocka_unit_test(test_not_utf8_refused),
        cmocka_unit_test(test_ragged_rows),
        cmocka_unit_test(test_ragged_sheet),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_same_as_gdal),
        cmocka_unit_test(test_nul_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
