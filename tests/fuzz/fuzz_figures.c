/*
 * libFuzzer target: the figures file reader of 'needsmap build'
 * (batch/figures.c over inih): sections, keys, ${var} expansion, paths and
 * every type's keys.
 */
#include <stddef.h>
#include <stdint.h>

#include "batch/build_int.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const set[] = {"data=/nonexistent", "out=out"};
    const char *path = fuzz_file("figures.ini", data, size);
    bd_file f;
    nm_ctx *ctx;

    if (!path)
        return 0;
    ctx = nm_ctx_new();
    nmB_file_read(ctx, path, set, (int)(size & 1) * 2, NULL, &f);
    nmB_file_free(&f);
    nm_ctx_free(ctx);
    return 0;
}
