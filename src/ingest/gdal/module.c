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

    nmI_gdal_init();
    recoded = CPLRecode(text, from, CPL_ENC_UTF8);
    copy = recoded ? nm_strdup(recoded) : NULL;
    CPLFree(recoded);
    return copy;
}

static const nmI_gdal_api api = {
    NM_GDAL_API_VERSION,
    nmI_sheet_open,
    nmI_sheet_close,
    nmI_sheet_ncols,
    nmI_sheet_heading,
    nmI_sheet_rewind,
    nmI_sheet_next,
    nmI_sheet_cell,
    nmI_sheet_line,
    nmI_sheet_row_utf8,
    nmI_sheet_line_word,
    nmI_ogr_open,
    recode,
};

const nmI_gdal_api *nm_gdal_module(const nmI_gdal_host *host) __attribute__((visibility("default")));

const nmI_gdal_api *nm_gdal_module(const nmI_gdal_host *host)
{
    if (!host || host->version != NM_GDAL_API_VERSION)
        return NULL;
    nmI_gdal_host_set(host);
    return &api;
}
