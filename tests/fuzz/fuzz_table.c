/*
 * libFuzzer target: the table reader on CSV (ingest/table.c and csv.c)
 * and XLSX (ingest/gdal/table.c in the GDAL module).  The first byte picks the format (even: CSV,
 * odd: XLSX); every cell of every row is read with its line.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "ingest/table_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path;
    nmI_table *t = NULL;
    nm_ctx *ctx;

    if (size < 1)
        return 0;
    path = fuzz_file(data[0] & 1 ? "f.xlsx" : "f.csv", data + 1, size - 1);
    if (!path)
        return 0;
    ctx = nm_ctx_new();
    if (nmI_table_open(ctx, path, NULL, NULL, &t) == NM_OK) {
        int i, n = nmI_table_ncols(t);
        char *heads = nmI_table_headings_text(t);
        long rows = 0;
        nm_free(heads);
        for (i = 0; i < n; i++)
            nmI_table_find(t, nmI_table_heading(t, i));
        while (rows++ < 100000 && nmI_table_next(t) == 1) {
            for (i = 0; i < n; i++)
                nmI_table_cell(t, i);
            nmI_table_line(t);
            nmI_table_row_utf8(t);
        }
    }
    nmI_table_close(t);
    nm_ctx_free(ctx);
    return 0;
}
