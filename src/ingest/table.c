/*
 * Tables as every importer reads them (table_int.h): a .csv file through
 * the reader of csv.c, anything else (XLSX, ODS, other OGR sources) through
 * the GDAL module as a sheet (gdal_api.h), so that a CSV import never loads
 * GDAL.  Here too what both share: encodings refused up front, headings
 * without a byte-order mark, and for CSV the checks on every row (the
 * heading's number of fields, UTF-8 text).
 */
#include <stdio.h>
#include <string.h>

#include "ingest/csv_int.h"
#include "ingest/gdal_api.h"
#include "ingest/ingest_int.h"

struct nmI_table {
    nm_ctx *ctx;
    char *path;
    nmI_csv *csv;              /* a .csv file, or */
    nmI_sheet *sheet;          /* a table read by the module */
    const nmI_gdal_api *gdal;
    char **headings;          /* CSV only: the sheet owns its own */
    int ncols;
};

/* Checks the first bytes: a UTF-16 or UTF-32 byte-order mark means a file
 * that would be misread as text. */
static nm_status check_encoding(nm_ctx *ctx, const char *path)
{
    unsigned char head[4] = {0};
    size_t n;
    FILE *fp = fopen(path, "rb");

    if (!fp)
        return nmC_fail(ctx, NM_ERROR, "%s: cannot open: no such file or not readable", path);
    n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    if (n == 0)
        return nmC_fail(ctx, NM_BADDATA, "%s: the file is empty", path);
    if (n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF)))
        return nmC_fail(ctx, NM_BADDATA,
                       "%s: the file is UTF-16 text; save it as CSV UTF-8 (comma delimited)",
                       path);
    return NM_OK;
}

/* The first record of the CSV file as its headings. */
static nm_status csv_headings(nmI_table *t)
{
    int i, r = nmI_csv_next(t->csv);

    if (r < 0)
        return nm_errcode(t->ctx);
    t->ncols = r ? nmI_csv_ncells(t->csv) : 0;
    t->headings = nm_calloc((size_t)(t->ncols > 0 ? t->ncols : 1), sizeof *t->headings);
    if (!t->headings) {
        t->ncols = 0;
        return nmC_fail(t->ctx, NM_NOMEM, "out of memory");
    }
    for (i = 0; i < t->ncols; i++) {
        const char *h = nmI_csv_cell(t->csv, i);
        if (strncmp(h, "\xEF\xBB\xBF", 3) == 0)
            h += 3;
        if (!(t->headings[i] = nm_strdup(h)))
            return nmC_fail(t->ctx, NM_NOMEM, "out of memory");
        if (!nmC_utf8_valid(h, strlen(h)))
            return nmC_fail(t->ctx, NM_BADDATA,
                           "%s:1: the headings are not UTF-8 text; save the file as CSV UTF-8",
                           t->path);
    }
    return NM_OK;
}

static nm_status csv_open(nmI_table *t,
                          int (*accept)(void *user, int ncols, const char *const *headings),
                          void *user)
{
    nm_status rc = nmI_csv_open(t->ctx, t->path, &t->csv);

    if (rc == NM_OK)
        rc = csv_headings(t);
    if (rc == NM_OK && t->ncols == 0)
        rc = nmC_fail(t->ctx, NM_BADDATA, "%s: the file holds no table", t->path);
    if (rc == NM_OK && accept && !accept(user, t->ncols, (const char *const *)t->headings))
        rc = nmC_fail(t->ctx, NM_BADDATA, "%s: no sheet or table has the expected headings",
                     t->path);
    return rc;
}

nm_status nmI_table_open(nm_ctx *ctx, const char *path,
                        int (*accept)(void *user, int ncols, const char *const *headings),
                        void *user, nmI_table **out)
{
    nmI_table *t = NULL;
    nm_status rc;

    *out = NULL;
    rc = check_encoding(ctx, path);
    if (rc != NM_OK)
        return rc;
    t = nm_calloc(1, sizeof *t);
    if (!t || !(t->path = nm_strdup(path))) {
        nm_free(t);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    t->ctx = ctx;
    if (nmC_format_of(path) == NMC_FMT_CSV)
        rc = csv_open(t, accept, user);
    else if (!(t->gdal = nmI_gdal_load(ctx)))
        rc = NM_ERROR;
    else
        rc = t->gdal->sheet_open(ctx, path, accept, user, &t->sheet);
    if (rc != NM_OK) {
        nmI_table_close(t);
        return rc;
    }
    *out = t;
    return NM_OK;
}

void nmI_table_close(nmI_table *t)
{
    int i;

    if (!t)
        return;
    if (t->sheet)
        t->gdal->sheet_close(t->sheet);
    nmI_csv_close(t->csv);
    for (i = 0; t->headings && i < t->ncols; i++)
        nm_free(t->headings[i]);
    nm_free(t->headings);
    nm_free(t->path);
    nm_free(t);
}

int nmI_table_ncols(const nmI_table *t)
{
    return t->sheet ? t->gdal->sheet_ncols(t->sheet) : t->ncols;
}

const char *nmI_table_heading(const nmI_table *t, int i)
{
    if (t->sheet)
        return t->gdal->sheet_heading(t->sheet, i);
    return i >= 0 && i < t->ncols ? t->headings[i] : "";
}

int nmI_table_find(const nmI_table *t, const char *name)
{
    int i, n = nmI_table_ncols(t);

    for (i = 0; i < n; i++)
        if (nmC_strieq(nmI_table_heading(t, i), name))
            return i;
    return -1;
}

char *nmI_table_headings_text(const nmI_table *t)
{
    nmC_buf b = {0};
    int i, n = nmI_table_ncols(t);

    for (i = 0; i < n; i++) {
        if (i)
            nmC_buf_add(&b, ", ", 2);
        nmC_buf_add_quoted(&b, nmI_table_heading(t, i), 60);
    }
    return nmC_buf_take(&b);
}

void nmI_table_rewind(nmI_table *t)
{
    if (t->sheet) {
        t->gdal->sheet_rewind(t->sheet);
        return;
    }
    /* the headings were read once already; a failure here shows at the
       next row */
    if (nmI_csv_rewind(t->csv) == 0)
        nmI_csv_next(t->csv);
}

/* Fails on cell i, which is not UTF-8, quoting it with its bytes beyond
 * ASCII escaped, as the terminal could not show them. */
static int fail_not_utf8(nmI_table *t, int i)
{
    const unsigned char *p = (const unsigned char *)nmI_csv_cell(t->csv, i);
    nmC_buf v = {0};
    int n;

    for (n = 0; p[n] && n < 40; n++) {
        if (p[n] >= 0x80 || p[n] < 0x20 || p[n] == '"')
            nmC_buf_addf(&v, "\\x%02X", p[n]);
        else
            nmC_buf_add(&v, (const char *)p + n, 1);
    }
    nmC_fail(t->ctx, NM_BADDATA,
            "%s:%ld: column \"%s\": value \"%s%s\" is not UTF-8 text (Latin-1 or "
            "Windows-1252?); save the file as CSV UTF-8",
            t->path, nmI_csv_line(t->csv), nmI_table_heading(t, i),
            v.failed || !v.data ? "" : v.data, p[n] ? "..." : "");
    nmC_buf_free(&v);
    return -1;
}

/* The next CSV row, with as many fields as the heading, all UTF-8 text. */
static int csv_next(nmI_table *t)
{
    int i, n, r = nmI_csv_next(t->csv);

    if (r <= 0)
        return r;
    n = nmI_csv_ncells(t->csv);
    /* a row cut short (a truncated file) or with a stray separator would
       shift or lose values without a word */
    if (n != t->ncols) {
        nmC_fail(t->ctx, NM_BADDATA, "%s:%ld: %d field%s where the heading has %d%s", t->path,
                nmI_csv_line(t->csv), n, n == 1 ? "" : "s", t->ncols,
                n < t->ncols && nmI_csv_at_end(t->csv) ? " (the file ends inside it: cut short?)"
                                                      : "");
        return -1;
    }
    for (i = 0; i < n; i++) {
        const char *s = nmI_csv_cell(t->csv, i);
        if (!nmC_utf8_valid(s, strlen(s)))
            return fail_not_utf8(t, i);
    }
    return 1;
}

int nmI_table_next(nmI_table *t)
{
    return t->sheet ? t->gdal->sheet_next(t->sheet) : csv_next(t);
}

const char *nmI_table_cell(const nmI_table *t, int i)
{
    if (t->sheet)
        return t->gdal->sheet_cell(t->sheet, i);
    return i < t->ncols ? nmI_csv_cell(t->csv, i) : "";
}

long nmI_table_line(const nmI_table *t)
{
    return t->sheet ? t->gdal->sheet_line(t->sheet) : nmI_csv_line(t->csv);
}

int nmI_table_row_utf8(const nmI_table *t)
{
    /* a CSV row that is not UTF-8 is refused by nmI_table_next */
    return t->sheet ? t->gdal->sheet_row_utf8(t->sheet) : 1;
}

const char *nmI_table_line_word(const nmI_table *t)
{
    return t->sheet ? t->gdal->sheet_line_word(t->sheet) : "line";
}
