/*
 * A boundary source as the readers make it (bnd_shp.c, and gdal/bnd_ogr.c
 * in the GDAL module): creation, fields and closing.  Compiled into the
 * library and into the module, which must resolve nothing from the program
 * that loaded it (gdal_api.h); it allocates through nm_calloc, which the
 * module forwards to the library.
 */
#include <string.h>

#include "ingest/bnd_int.h"

bnd_source *nmI_source_new(nm_ctx *ctx, const char *path, const bnd_ops *ops)
{
    bnd_source *src = nm_calloc(1, sizeof *src);

    if (!src)
        return NULL;
    src->ctx = ctx;
    src->path = path;
    src->ops = ops;
    src->count = -1;
    return src;
}

void nmI_source_close(bnd_source *src)
{
    int i;

    if (!src)
        return;
    src->ops->close(src);
    for (i = 0; src->fields && i < src->nfields; i++)
        nm_free(src->fields[i]);
    nm_free(src->fields);
    nm_free(src->crs);
    nm_free(src->encoding);
    nm_free(src);
}

nm_status nmI_source_add_field(bnd_source *src, const char *name)
{
    char **grown = nm_realloc(src->fields, ((size_t)src->nfields + 1) * sizeof *grown);

    if (!grown)
        return nmC_fail(src->ctx, NM_NOMEM, "out of memory");
    src->fields = grown;
    if (!(src->fields[src->nfields] = nm_strdup(name)))
        return nmC_fail(src->ctx, NM_NOMEM, "out of memory");
    src->nfields++;
    return NM_OK;
}

const char *nmI_trimmed(const char *text, char **buf, size_t *cap)
{
    const char *end;
    size_t n;

    while (*text == ' ')
        text++;
    end = text + strlen(text);
    while (end > text && end[-1] == ' ')
        end--;
    n = (size_t)(end - text);
    if (n + 1 > *cap) {
        char *grown = nm_realloc(*buf, n + 1 < 64 ? 64 : n + 1);
        if (!grown)
            return NULL;
        *buf = grown;
        *cap = n + 1 < 64 ? 64 : n + 1;
    }
    memcpy(*buf, text, n);
    (*buf)[n] = '\0';
    return *buf;
}
