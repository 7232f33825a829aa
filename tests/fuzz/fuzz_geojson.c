/*
 * libFuzzer target: boundaries read through GDAL/OGR (ingest/gdal/bnd_ogr.c
 * in the GDAL module), as a GeoJSON file.  Every feature and field is read
 * as an import would.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "ingest/bnd_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("f.geojson", data, size);
    bnd_source *src = NULL;
    nm_ctx *ctx;

    if (!path)
        return 0;
    ctx = nm_ctx_new();
    if (nmI_ogr_open(ctx, path, &src) == NM_OK)
        fuzz_drain(src);
    nmI_source_close(src);
    nm_ctx_free(ctx);
    return 0;
}
