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
    nm_table_open,
    nm_table_close,
    nm_table_ncols,
    nm_table_heading,
    nm_table_find,
    nm_table_headings_text,
    nm_table_rewind,
    nm_table_next,
    nm_table_cell,
    nm_table_line,
    nm_table_row_utf8,
    nm_table_line_word,
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
