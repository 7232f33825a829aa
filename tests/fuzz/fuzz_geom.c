/*
 * libFuzzer target: the decoder of stored geometries (store/geom.c), which
 * reads SpatiaLite BLOBs straight from the store.  Any bytes must decode
 * or be refused without reading out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "store/geom_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nmS_geombuf g;

    memset(&g, 0, sizeof g);
    nmS_geom_decode(data, size, &g);
    nmS_geombuf_free(&g);
    return 0;
}
