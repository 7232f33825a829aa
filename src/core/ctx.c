/*
 * The context: the last error's status and message, the log callback
 * that the tool installs, and the files the run reads (so that no output
 * replaces them).  Messages are formatted into a fixed buffer so that
 * reporting an out-of-memory error needs no memory.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "nm_int.h"

/* a run reads a store and a few files; fixed, so noting one cannot fail */
#define NM_INPUTS_MAX 64

typedef struct nmC_input_id {
    dev_t dev;
    ino_t ino;
    char what[96];
} nmC_input_id;

struct nm_ctx {
    nm_status status;
    char message[NM_MSG_MAX];
    nm_log_fn log_fn;
    void *log_user;
    nm_level log_max;
    nmC_input_id input[NM_INPUTS_MAX];
    int ninputs;
    int sync_later; /* nmC_set_sync_later */
    int max_threads; /* nmC_set_max_threads; 0: no limit */
};

nm_ctx *nm_ctx_new(void)
{
    nm_ctx *ctx = nm_calloc(1, sizeof *ctx);
    if (ctx)
        ctx->log_max = NM_LOG_WARN;
    return ctx;
}

void nm_ctx_free(nm_ctx *ctx)
{
    nm_free(ctx);
}

void nmC_set_sync_later(nm_ctx *ctx, int on)
{
    ctx->sync_later = on;
}

int nmC_sync_later(const nm_ctx *ctx)
{
    return ctx->sync_later;
}

void nmC_set_max_threads(nm_ctx *ctx, int n)
{
    ctx->max_threads = n;
}

int nmC_threads_for(const nm_ctx *ctx, int wanted)
{
    return ctx->max_threads > 0 && wanted > ctx->max_threads ? ctx->max_threads : wanted;
}

void nm_ctx_set_log(nm_ctx *ctx, nm_log_fn fn, void *user, nm_level max_level)
{
    ctx->log_fn = fn;
    ctx->log_user = user;
    ctx->log_max = max_level;
}

const char *nm_errmsg(const nm_ctx *ctx)
{
    return ctx ? ctx->message : "no context";
}

nm_status nm_errcode(const nm_ctx *ctx)
{
    return ctx ? ctx->status : NM_ERROR;
}

const char *nm_status_str(nm_status status)
{
    switch (status) {
    case NM_OK: return "success";
    case NM_ERROR: return "failure";
    case NM_USAGE: return "usage error";
    case NM_BADDATA: return "bad input data";
    case NM_NOMEM: return "out of memory";
    case NM_NOTFOUND: return "not found";
    case NM_SCHEMA: return "store schema mismatch";
    }
    return "unknown status";
}

const char *nm_version(void)
{
    return NM_VERSION;
}

nm_status nmC_fail(nm_ctx *ctx, nm_status status, const char *fmt, ...)
{
    va_list ap;

    if (!ctx)
        return status;
    ctx->status = status;
    va_start(ap, fmt);
    vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
    va_end(ap);
    return status;
}

void nmC_note_input(nm_ctx *ctx, const char *path, const char *what)
{
    struct stat st;
    int i;

    if (!ctx || stat(path, &st) != 0)
        return;
    for (i = 0; i < ctx->ninputs; i++)
        if (ctx->input[i].dev == st.st_dev && ctx->input[i].ino == st.st_ino)
            return;
    if (ctx->ninputs == NM_INPUTS_MAX)
        return;
    ctx->input[ctx->ninputs].dev = st.st_dev;
    ctx->input[ctx->ninputs].ino = st.st_ino;
    snprintf(ctx->input[ctx->ninputs].what, sizeof ctx->input[0].what, "%s", what);
    ctx->ninputs++;
}

const char *nmC_input_what(const nm_ctx *ctx, const char *path)
{
    struct stat st;

    if (!ctx || stat(path, &st) != 0)
        return NULL;
    return nmC_input_what_id(ctx, st.st_dev, st.st_ino);
}

const char *nmC_input_what_id(const nm_ctx *ctx, dev_t dev, ino_t ino)
{
    int i;

    for (i = 0; ctx && i < ctx->ninputs; i++)
        if (ctx->input[i].dev == dev && ctx->input[i].ino == ino)
            return ctx->input[i].what;
    return NULL;
}

nm_status nmC_fail_naming(nm_ctx *ctx, nm_status status, const char *path)
{
    char copy[NM_MSG_MAX];
    size_t n = strlen(path);

    if (!ctx)
        return status;
    if (strncmp(ctx->message, path, n) == 0 && ctx->message[n] == ':') {
        ctx->status = status;
        return status;
    }
    snprintf(copy, sizeof copy, "%s", ctx->message);
    return nmC_fail(ctx, status, "%s: %s", path, copy);
}

void nmC_clear(nm_ctx *ctx)
{
    if (!ctx)
        return;
    ctx->status = NM_OK;
    ctx->message[0] = '\0';
}

int nmC_log_enabled(const nm_ctx *ctx, nm_level level)
{
    return ctx && ctx->log_fn && level <= ctx->log_max;
}

void nmC_log(nm_ctx *ctx, nm_level level, const char *fmt, ...)
{
    char line[NM_MSG_MAX];
    va_list ap;

    if (!nmC_log_enabled(ctx, level))
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    ctx->log_fn(ctx->log_user, level, line);
}
