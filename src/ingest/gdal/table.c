/*
 * Tables through GDAL.  A .csv file is split into cells by GDAL's own CSV
 * line parser (cpl_csv.h, the one OGR's CSV driver uses), without OGR's
 * feature objects around it: building a feature per row cost two fifths of
 * an IoD import.  Spreadsheets (and other extensions) go through OGR with
 * FIELD_TYPES=STRING.  Either way every cell is text, so that needsmap, not
 * a type guess, decides what is a number.  Encodings GDAL would silently
 * misread (UTF-16 from Excel's "Unicode text") are refused up front.
 */
#include <cpl_csv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <pthread.h>
#include <string.h>

#include "ingest/ingest_int.h"
#include "ingest/table_int.h"

struct nm_table {
    nm_ctx *ctx;
    char *path;
    GDALDatasetH ds;
    OGRLayerH layer;
    OGRFeatureH feature;
    VSILFILE *csv;  /* a .csv file: read with the line parser */
    char delim[2];
    char **cells;   /* the current CSV row */
    int ncells;
    int ncols;
    char **headings;
    long line;      /* line of the current row */
    long next_line; /* line where the next row starts */
    int spreadsheet;
    int nfields;    /* OGR's fields, ncols and any made for cells beyond
                       the heading row (see headed_columns) */
    int utf8_ok;
};

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

static void register_gdal(void)
{
    GDALAllRegister();
    /* GDAL reports through CPLError; needsmap reports itself */
    CPLSetErrorHandler(CPLQuietErrorHandler);
}

void nm_gdal_init(void)
{
    pthread_once(&gdal_once, register_gdal);
}

/* Checks the first bytes: a UTF-16 or UTF-32 byte-order mark means a file
 * GDAL's CSV reader would misread. */
static nm_status check_encoding(nm_ctx *ctx, const char *path)
{
    unsigned char head[4] = {0};
    size_t n;
    FILE *fp = fopen(path, "rb");

    if (!fp)
        return nm_fail(ctx, NM_ERROR, "%s: cannot open: no such file or not readable", path);
    n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    if (n == 0)
        return nm_fail(ctx, NM_BADDATA, "%s: the file is empty", path);
    if (n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF)))
        return nm_fail(ctx, NM_BADDATA,
                       "%s: the file is UTF-16 text; save it as CSV UTF-8 (comma delimited)",
                       path);
    return NM_OK;
}

static int is_spreadsheet(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && (nm_strieq(dot, ".xlsx") || nm_strieq(dot, ".xls") || nm_strieq(dot, ".ods"));
}

static void free_headings(nm_table *t)
{
    int i;
    for (i = 0; t->headings && i < t->ncols; i++)
        nm_free(t->headings[i]);
    nm_free(t->headings);
    t->headings = NULL;
    t->ncols = 0;
}

static int is_csv(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && nm_strieq(dot, ".csv");
}

static int count_lines_in(char **cells)
{
    int n = 0;
    for (; cells && *cells; cells++)
        for (const char *p = strchr(*cells, '\n'); p; p = strchr(p + 1, '\n'))
            n++;
    return n;
}

/* The next row of cells that is not a blank line (OGR's CSV driver skips
 * those too), keeping count of the lines read; NULL at the end. */
static char **csv_next_cells(nm_table *t)
{
    char **cells;

    for (;;) {
        cells = CSVReadParseLine3L(t->csv, 0, t->delim, true, false, false, true);
        if (!cells)
            return NULL;
        t->line = t->next_line;
        t->next_line += 1 + count_lines_in(cells);
        if (cells[0])
            return cells;
        CSLDestroy(cells);
    }
}

/* Reads the heading line of a CSV file, with the separator OGR would
 * detect from it (comma, semicolon, tab or space). */
static nm_status csv_open(nm_table *t)
{
    const char *first;
    char **cells;
    int i;

    t->csv = VSIFOpenL(t->path, "rb");
    if (!t->csv)
        return nm_fail(t->ctx, NM_ERROR, "%s: cannot open: no such file or not readable",
                       t->path);
    first = CPLReadLineL(t->csv);
    t->delim[0] = first ? CSVDetectSeperator(first) : ',';
    t->delim[1] = '\0';
    VSIRewindL(t->csv);
    t->next_line = 1;
    cells = csv_next_cells(t);
    t->ncols = CSLCount(cells);
    t->headings = nm_calloc((size_t)(t->ncols > 0 ? t->ncols : 1), sizeof *t->headings);
    if (!t->headings) {
        CSLDestroy(cells);
        return nm_fail(t->ctx, NM_NOMEM, "out of memory");
    }
    for (i = 0; i < t->ncols; i++) {
        const char *h = cells[i];
        if (strncmp(h, "\xEF\xBB\xBF", 3) == 0)
            h += 3;
        if (!(t->headings[i] = nm_strdup(h))) {
            CSLDestroy(cells);
            return nm_fail(t->ctx, NM_NOMEM, "out of memory");
        }
    }
    CSLDestroy(cells);
    for (i = 0; i < t->ncols; i++)
        if (!nm_utf8_valid(t->headings[i], strlen(t->headings[i])))
            return nm_fail(t->ctx, NM_BADDATA,
                           "%s:1: the headings are not UTF-8 text; save the file as CSV UTF-8",
                           t->path);
    return NM_OK;
}

/* The columns of a spreadsheet that have a heading.  OGR gives a cell to
 * the right of the heading row a field of its own, named "Field<n>" after
 * its position; those trailing fields are cells without a heading, which
 * nm_table_next refuses. */
static int headed_columns(OGRFeatureDefnH defn, int n)
{
    char name[32];

    for (; n > 0; n--) {
        snprintf(name, sizeof name, "Field%d", n);
        if (strcmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, n - 1)), name) != 0)
            break;
    }
    return n;
}

/* Loads the headings of 'layer' into t. */
static nm_status load_headings(nm_table *t, OGRLayerH layer)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int i, n = OGR_FD_GetFieldCount(defn);

    free_headings(t);
    t->nfields = n;
    if (t->spreadsheet)
        n = headed_columns(defn, n);
    t->headings = nm_calloc((size_t)(n > 0 ? n : 1), sizeof *t->headings);
    if (!t->headings)
        return nm_fail(t->ctx, NM_NOMEM, "out of memory");
    t->ncols = n;
    for (i = 0; i < n; i++) {
        const char *h = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        if (strncmp(h, "\xEF\xBB\xBF", 3) == 0)
            h += 3;
        t->headings[i] = nm_strdup(h);
        if (!t->headings[i])
            return nm_fail(t->ctx, NM_NOMEM, "out of memory");
        if (!nm_utf8_valid(h, strlen(h)))
            return nm_fail(t->ctx, NM_BADDATA,
                           "%s:1: the headings are not UTF-8 text; save the file as CSV UTF-8",
                           t->path);
    }
    return NM_OK;
}

nm_status nm_table_open(nm_ctx *ctx, const char *path,
                        int (*accept)(void *user, int ncols, const char *const *headings),
                        void *user, nm_table **out)
{
    static const char *const csv_opts[] = {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO", NULL};
    static const char *const sheet_opts[] = {"HEADERS=FORCE", "FIELD_TYPES=STRING", NULL};
    nm_table *t = NULL;
    nm_status rc;
    int i, nlayers;

    *out = NULL;
    nm_gdal_init();
    rc = check_encoding(ctx, path);
    if (rc != NM_OK)
        return rc;
    t = nm_calloc(1, sizeof *t);
    if (!t || !(t->path = nm_strdup(path))) {
        rc = nm_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    t->ctx = ctx;
    t->spreadsheet = is_spreadsheet(path);
    if (is_csv(path)) {
        rc = csv_open(t);
        if (rc == NM_OK && (t->ncols == 0 ||
                            (accept && !accept(user, t->ncols, (const char *const *)t->headings))))
            rc = nm_fail(ctx, NM_BADDATA, "%s: %s", path,
                         t->ncols == 0 ? "the file holds no table"
                                       : "no sheet or table has the expected headings");
        goto cleanup;
    }
    t->ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                       t->spreadsheet ? sheet_opts : csv_opts, NULL);
    if (!t->ds) {
        rc = nm_fail(ctx, NM_BADDATA, "%s: not a table GDAL can read (CSV, XLSX, ODS, ...)",
                     path);
        goto cleanup;
    }
    nlayers = GDALDatasetGetLayerCount(t->ds);
    for (i = 0; i < nlayers && !t->layer; i++) {
        OGRLayerH layer = GDALDatasetGetLayer(t->ds, i);
        rc = load_headings(t, layer);
        if (rc != NM_OK)
            goto cleanup;
        if (t->ncols > 0 && (!accept || accept(user, t->ncols, (const char *const *)t->headings)))
            t->layer = layer;
    }
    if (!t->layer) {
        rc = nm_fail(ctx, NM_BADDATA, "%s: %s", path,
                     nlayers == 0 ? "the file holds no table"
                                  : "no sheet or table has the expected headings");
        goto cleanup;
    }
    OGR_L_ResetReading(t->layer);
    t->next_line = 2;

cleanup:
    if (rc != NM_OK) {
        nm_table_close(t);
        return rc;
    }
    *out = t;
    return NM_OK;
}

void nm_table_close(nm_table *t)
{
    if (!t)
        return;
    if (t->feature)
        OGR_F_Destroy(t->feature);
    if (t->ds)
        GDALClose(t->ds);
    CSLDestroy(t->cells);
    if (t->csv)
        VSIFCloseL(t->csv);
    free_headings(t);
    nm_free(t->path);
    nm_free(t);
}

int nm_table_ncols(const nm_table *t)
{
    return t->ncols;
}

const char *nm_table_heading(const nm_table *t, int i)
{
    return i >= 0 && i < t->ncols ? t->headings[i] : "";
}

int nm_table_find(const nm_table *t, const char *name)
{
    int i;
    for (i = 0; i < t->ncols; i++)
        if (nm_strieq(t->headings[i], name))
            return i;
    return -1;
}

char *nm_table_headings_text(const nm_table *t)
{
    nm_buf b = {0};
    int i;

    for (i = 0; i < t->ncols; i++) {
        if (i)
            nm_buf_add(&b, ", ", 2);
        nm_buf_add_quoted(&b, t->headings[i], 60);
    }
    return nm_buf_take(&b);
}

void nm_table_rewind(nm_table *t)
{
    if (t->csv) {
        CSLDestroy(t->cells);
        t->cells = NULL;
        t->ncells = 0;
        VSIRewindL(t->csv);
        t->next_line = 1;
        CSLDestroy(csv_next_cells(t)); /* the headings */
        t->line = 0;
        return;
    }
    OGR_L_ResetReading(t->layer);
    t->next_line = 2;
    t->line = 0;
}

/* Fails on cell i, which is not UTF-8, quoting it with its bytes beyond
 * ASCII escaped, as the terminal could not show them. */
static int fail_not_utf8(nm_table *t, int i)
{
    const unsigned char *p = (const unsigned char *)t->cells[i];
    nm_buf v = {0};
    int n;

    for (n = 0; p[n] && n < 40; n++) {
        if (p[n] >= 0x80 || p[n] < 0x20 || p[n] == '"')
            nm_buf_addf(&v, "\\x%02X", p[n]);
        else
            nm_buf_add(&v, (const char *)p + n, 1);
    }
    nm_fail(t->ctx, NM_BADDATA,
            "%s:%ld: column \"%s\": value \"%s%s\" is not UTF-8 text (Latin-1 or "
            "Windows-1252?); save the file as CSV UTF-8",
            t->path, t->line, nm_table_heading(t, i), v.failed || !v.data ? "" : v.data,
            p[n] ? "..." : "");
    nm_buf_free(&v);
    return -1;
}

/* The next CSV row, with as many fields as the heading, all UTF-8 text. */
static int csv_next(nm_table *t)
{
    int i;

    CSLDestroy(t->cells);
    t->cells = csv_next_cells(t);
    t->ncells = CSLCount(t->cells);
    if (!t->cells)
        return 0;
    /* a row cut short (a truncated file) or with a stray separator would
       shift or lose values without a word */
    if (t->ncells != t->ncols) {
        nm_fail(t->ctx, NM_BADDATA, "%s:%ld: %d field%s where the heading has %d%s", t->path,
                t->line, t->ncells, t->ncells == 1 ? "" : "s", t->ncols,
                t->ncells < t->ncols && VSIFEofL(t->csv) ? " (the file ends inside it: cut short?)"
                                                         : "");
        return -1;
    }
    t->utf8_ok = 1;
    for (i = 0; i < t->ncells; i++)
        if (!nm_utf8_valid(t->cells[i], strlen(t->cells[i])))
            return fail_not_utf8(t, i);
    return 1;
}

int nm_table_next(nm_table *t)
{
    int i;

    if (t->csv)
        return csv_next(t);
    if (t->feature)
        OGR_F_Destroy(t->feature);
    t->feature = OGR_L_GetNextFeature(t->layer);
    if (!t->feature) {
        if (CPLGetLastErrorType() >= CE_Failure && CPLGetLastErrorNo() != CPLE_None) {
            nm_fail(t->ctx, NM_BADDATA, "%s:%ld: cannot read: %s", t->path, t->next_line,
                    CPLGetLastErrorMsg());
            CPLErrorReset();
            return -1;
        }
        return 0;
    }
    t->line = t->next_line;
    t->next_line++;
    t->utf8_ok = 1;
    for (i = t->nfields - 1; i >= t->ncols; i--)
        if (OGR_F_IsFieldSetAndNotNull(t->feature, i) && *OGR_F_GetFieldAsString(t->feature, i)) {
            nm_fail(t->ctx, NM_BADDATA, "%s:%ld: %d cells where the heading row has %d", t->path,
                    t->line, i + 1, t->ncols);
            return -1;
        }
    /* a quoted cell may hold line breaks: count them so that later rows
       are reported at their real line */
    for (i = 0; i < t->ncols; i++) {
        const char *s = OGR_F_GetFieldAsString(t->feature, i);
        size_t n = strlen(s);
        if (!t->spreadsheet) {
            const char *p;
            for (p = memchr(s, '\n', n); p; p = memchr(p + 1, '\n', n - (size_t)(p + 1 - s)))
                t->next_line++;
        }
        if (t->utf8_ok && !nm_utf8_valid(s, n))
            t->utf8_ok = 0;
    }
    return 1;
}

const char *nm_table_cell(const nm_table *t, int i)
{
    if (t->csv)
        return i >= 0 && i < t->ncols && i < t->ncells ? t->cells[i] : "";
    if (!t->feature || i < 0 || i >= t->ncols || !OGR_F_IsFieldSetAndNotNull(t->feature, i))
        return "";
    return OGR_F_GetFieldAsString(t->feature, i);
}

long nm_table_line(const nm_table *t)
{
    return t->line;
}

int nm_table_row_utf8(const nm_table *t)
{
    return t->utf8_ok;
}

const char *nm_table_line_word(const nm_table *t)
{
    return t->spreadsheet ? "row" : "line";
}
