/*
 * Tables through OGR, in the GDAL module: spreadsheets (XLSX, ODS) with
 * FIELD_TYPES=STRING and any other source OGR reads (not .csv, which
 * table.c reads itself).  Every cell is text, so that needsmap, not a type
 * guess, decides what is a number.
 */
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <pthread.h>
#include <string.h>

#include "ingest/ingest_int.h"
#include "ingest/gdal_api.h"

struct nmI_sheet {
    nm_ctx *ctx;
    char *path;
    GDALDatasetH ds;
    OGRLayerH layer;
    OGRFeatureH feature;
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

void nmI_gdal_init(void)
{
    pthread_once(&gdal_once, register_gdal);
}

static int is_spreadsheet(const char *path)
{
    nmC_format fmt = nmC_format_of(path);
    return fmt == NMC_FMT_XLSX || fmt == NMC_FMT_XLS || fmt == NMC_FMT_ODS;
}

static void free_headings(nmI_sheet *t)
{
    int i;
    for (i = 0; t->headings && i < t->ncols; i++)
        nm_free(t->headings[i]);
    nm_free(t->headings);
    t->headings = NULL;
    t->ncols = 0;
}

/* The columns of a spreadsheet that have a heading.  OGR gives a cell to
 * the right of the heading row a field of its own, named "Field<n>" after
 * its position; those trailing fields are cells without a heading, which
 * nmI_sheet_next refuses. */
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
static nm_status load_headings(nmI_sheet *t, OGRLayerH layer)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int i, n = OGR_FD_GetFieldCount(defn);

    free_headings(t);
    t->nfields = n;
    if (t->spreadsheet)
        n = headed_columns(defn, n);
    t->headings = nm_calloc((size_t)(n > 0 ? n : 1), sizeof *t->headings);
    if (!t->headings)
        return nmC_fail(t->ctx, NM_NOMEM, "out of memory");
    t->ncols = n;
    for (i = 0; i < n; i++) {
        const char *h = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        if (strncmp(h, "\xEF\xBB\xBF", 3) == 0)
            h += 3;
        t->headings[i] = nm_strdup(h);
        if (!t->headings[i])
            return nmC_fail(t->ctx, NM_NOMEM, "out of memory");
        if (!nmC_utf8_valid(h, strlen(h)))
            return nmC_fail(t->ctx, NM_BADDATA,
                           "%s:1: the headings are not UTF-8 text; save the file as CSV UTF-8",
                           t->path);
    }
    return NM_OK;
}

nm_status nmI_sheet_open(nm_ctx *ctx, const char *path,
                        int (*accept)(void *user, int ncols, const char *const *headings),
                        void *user, nmI_sheet **out)
{
    static const char *const csv_opts[] = {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO", NULL};
    static const char *const sheet_opts[] = {"HEADERS=FORCE", "FIELD_TYPES=STRING", NULL};
    nmI_sheet *t = NULL;
    nm_status rc;
    int i, nlayers;

    *out = NULL;
    nmI_gdal_init();
    t = nm_calloc(1, sizeof *t);
    if (!t || !(t->path = nm_strdup(path))) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    t->ctx = ctx;
    t->spreadsheet = is_spreadsheet(path);
    t->ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                       t->spreadsheet ? sheet_opts : csv_opts, NULL);
    if (!t->ds) {
        rc = nmC_fail(ctx, NM_BADDATA, "%s: not a table GDAL can read (CSV, XLSX, ODS, ...)",
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
        rc = nmC_fail(ctx, NM_BADDATA, "%s: %s", path,
                     nlayers == 0 ? "the file holds no table"
                                  : "no sheet or table has the expected headings");
        goto cleanup;
    }
    OGR_L_ResetReading(t->layer);
    t->next_line = 2;

cleanup:
    if (rc != NM_OK) {
        nmI_sheet_close(t);
        return rc;
    }
    *out = t;
    return NM_OK;
}

void nmI_sheet_close(nmI_sheet *t)
{
    if (!t)
        return;
    if (t->feature)
        OGR_F_Destroy(t->feature);
    if (t->ds)
        GDALClose(t->ds);
    free_headings(t);
    nm_free(t->path);
    nm_free(t);
}

int nmI_sheet_ncols(const nmI_sheet *t)
{
    return t->ncols;
}

const char *nmI_sheet_heading(const nmI_sheet *t, int i)
{
    return i >= 0 && i < t->ncols ? t->headings[i] : "";
}

void nmI_sheet_rewind(nmI_sheet *t)
{
    OGR_L_ResetReading(t->layer);
    t->next_line = 2;
    t->line = 0;
}

int nmI_sheet_next(nmI_sheet *t)
{
    int i;

    if (t->feature)
        OGR_F_Destroy(t->feature);
    t->feature = OGR_L_GetNextFeature(t->layer);
    if (!t->feature) {
        if (CPLGetLastErrorType() >= CE_Failure && CPLGetLastErrorNo() != CPLE_None) {
            nmC_fail(t->ctx, NM_BADDATA, "%s:%ld: cannot read: %s", t->path, t->next_line,
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
            nmC_fail(t->ctx, NM_BADDATA, "%s:%ld: %d cells where the heading row has %d", t->path,
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
        if (t->utf8_ok && !nmC_utf8_valid(s, n))
            t->utf8_ok = 0;
    }
    return 1;
}

const char *nmI_sheet_cell(const nmI_sheet *t, int i)
{
    if (!t->feature || i < 0 || i >= t->ncols || !OGR_F_IsFieldSetAndNotNull(t->feature, i))
        return "";
    return OGR_F_GetFieldAsString(t->feature, i);
}

long nmI_sheet_line(const nmI_sheet *t)
{
    return t->line;
}

int nmI_sheet_row_utf8(const nmI_sheet *t)
{
    return t->utf8_ok;
}

const char *nmI_sheet_line_word(const nmI_sheet *t)
{
    return t->spreadsheet ? "row" : "line";
}
