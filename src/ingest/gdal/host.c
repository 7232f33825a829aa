/*
 * The library's functions as the module sees them: each forwards through
 * the table the library handed over at load (gdal_api.h, nmI_gdal_host).
 * With these the module resolves nothing from the program that loaded it,
 * which may have linked libneedsmap.a or libneedsmap.so in the ordinary
 * way.  Compiled with hidden visibility, so the names bind here.
 */
#include <stdarg.h>
#include <stdio.h>

#include "ingest/gdal_api.h"

static const nmI_gdal_host *host;

void nmI_gdal_host_set(const nmI_gdal_host *h)
{
    host = h;
}

void *nm_malloc(size_t size)
{
    return host->malloc_fn(size);
}

void *nm_calloc(size_t count, size_t size)
{
    return host->calloc_fn(count, size);
}

void *nm_realloc(void *ptr, size_t size)
{
    return host->realloc_fn(ptr, size);
}

void nm_free(void *ptr)
{
    host->free_fn(ptr);
}

char *nm_strdup(const char *s)
{
    return host->strdup_fn(s);
}

nm_status nmC_fail(nm_ctx *ctx, nm_status status, const char *fmt, ...)
{
    char message[NM_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return host->fail(ctx, status, message);
}

int nmC_log_enabled(const nm_ctx *ctx, nm_level level)
{
    return host->log_enabled(ctx, level);
}

void nmC_log(nm_ctx *ctx, nm_level level, const char *fmt, ...)
{
    char message[NM_MSG_MAX];
    va_list ap;

    if (!host->log_enabled(ctx, level))
        return;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    host->log(ctx, level, message);
}
