/*
 * The entry of needsmap-gdal.so (see gdal_api.h): takes the library's
 * table of host functions and returns the table of the functions this
 * module implements.  Everything here is compiled with
 * hidden visibility, so that the module's calls among its own functions
 * never bind to the stubs of the same names in the program.
 */
#include <cpl_conv.h>
#include <cpl_string.h>

#include "ingest/gdal_api.h"

static char *recode(const char *text, const char *from)
{
    char *recoded, *copy;

    nm_gdal_init();
    recoded = CPLRecode(text, from, CPL_ENC_UTF8);
    copy = recoded ? nm_strdup(recoded) : NULL;
    CPLFree(recoded);
    return copy;
}

static const nm_gdal_api api = {
    NM_GDAL_API_VERSION,
    nm_sheet_open,
    nm_sheet_close,
    nm_sheet_ncols,
    nm_sheet_heading,
    nm_sheet_rewind,
    nm_sheet_next,
    nm_sheet_cell,
    nm_sheet_line,
    nm_sheet_row_utf8,
    nm_sheet_line_word,
    bnd_ogr_open,
    recode,
};

const nm_gdal_api *nm_gdal_module(const nm_gdal_host *host) __attribute__((visibility("default")));

const nm_gdal_api *nm_gdal_module(const nm_gdal_host *host)
{
    if (!host || host->version != NM_GDAL_API_VERSION)
        return NULL;
    nm_gdal_host_set(host);
    return &api;
}
