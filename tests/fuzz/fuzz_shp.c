/*
 * libFuzzer target: the shapefile reader (ingest/bnd_shp.c over shapelib).
 * An input is a .shp, .shx and .dbf in one: two little-endian 16-bit
 * lengths (of the .shp and the .shx), then the three files' bytes.  Every
 * feature and field is read as an import would.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "ingest/bnd_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t take(const uint8_t *p, size_t left)
{
    size_t n = (size_t)p[0] | (size_t)p[1] << 8;
    return n < left ? n : left;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t nshp, nshx;
    const char *shp;
    bnd_source *src = NULL;
    nm_ctx *ctx;

    if (size < 4)
        return 0;
    nshp = take(data, size - 4);
    nshx = take(data + 2, size - 4 - nshp);
    if (!fuzz_file("f.shx", data + 4 + nshp, nshx) ||
        !fuzz_file("f.dbf", data + 4 + nshp + nshx, size - 4 - nshp - nshx) ||
        !(shp = fuzz_file("f.shp", data + 4, nshp)))
        return 0;
    ctx = nm_ctx_new();
    if (nmI_shp_open(ctx, shp, &src) == NM_OK)
        fuzz_drain(src);
    nmI_source_close(src);
    nm_ctx_free(ctx);
    return 0;
}
