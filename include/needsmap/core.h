/*
 * needsmap core: status codes, the context that carries error messages and
 * the log callback, and the one allocator every module goes through.
 * Every other public header includes this one.  The library never prints and
 * never exits: it reports through the context, and the tool decides what to
 * show.
 */
#ifndef NEEDSMAP_CORE_H
#define NEEDSMAP_CORE_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status of every fallible call.  The tool maps them to exit codes:
 * NM_OK 0; NM_USAGE and NM_NOTFOUND 2 (the user asked for something that
 * is not there: fix the command or import it first); NM_BADDATA 3;
 * anything else 1 (README "Errors and exit status"). */
typedef enum nm_status {
    NM_OK = 0,
    NM_ERROR = 1,    /* failure not caused by the input data (I/O, a missing file) */
    NM_USAGE = 2,    /* the caller asked for something impossible */
    NM_BADDATA = 3,  /* the input file is wrong; nothing was stored */
    NM_NOMEM = 4,    /* an allocation failed */
    NM_NOTFOUND = 5, /* a named indicator, area, period, level or palette is not
                        in the store (a missing file is NM_ERROR) */
    NM_SCHEMA = 6    /* the store was written by another schema version */
} nm_status;

/* Log levels passed to the log callback. */
typedef enum nm_level {
    NM_LOG_ERROR = 0, /* one problem of a failing call, e.g. one bad row */
    NM_LOG_WARN = 1,  /* something the user should see; the call goes on */
    NM_LOG_INFO = 2,  /* what was done (rows imported, time taken) */
    NM_LOG_DEBUG = 3
} nm_level;

typedef void (*nm_log_fn)(void *user, nm_level level, const char *message);

/* A context: one per thread of work.  Owns the message of the last failed
 * call; carries the log callback. */
typedef struct nm_ctx nm_ctx;

/* Creates a context.  Returns NULL only when memory is exhausted.
 * Caller frees with nm_ctx_free(). */
nm_ctx *nm_ctx_new(void);
/* Frees a context; NULL is a no-op. */
void nm_ctx_free(nm_ctx *ctx);

/* Installs the log callback (NULL to discard messages).  Messages below
 * 'max_level' in importance (a higher number) are not passed on. */
void nm_ctx_set_log(nm_ctx *ctx, nm_log_fn fn, void *user, nm_level max_level);

/* The message of the last failed call on this context: "FILE:LINE: what was
 * wrong".  Owned by ctx, valid until the next call that uses ctx.  Never
 * NULL (empty when nothing failed). */
const char *nm_errmsg(const nm_ctx *ctx);
/* The status of the last failed call on this context (NM_OK if none). */
nm_status nm_errcode(const nm_ctx *ctx);
/* A short English description of a status code.  Static storage. */
const char *nm_status_str(nm_status status);

/* The version of the library, "MAJOR.MINOR.PATCH".  Static storage. */
const char *nm_version(void);

/* The allocator.  All memory the library hands to callers is freed with
 * nm_free(); nm_free(NULL) is a no-op. */
void *nm_malloc(size_t size);
void *nm_calloc(size_t count, size_t size);
void *nm_realloc(void *ptr, size_t size);
char *nm_strdup(const char *s);
void nm_free(void *ptr);

/* Tunes the C library's allocator for a program that draws large maps:
 * one arena, a heap that grows 64 MB at a time and is kept between maps,
 * backed by transparent huge pages where the kernel allows.  A map touches
 * tens of megabytes once, and where a page fault is dear (virtual
 * machines) its 4 KB faults cost as much as its drawing.  Process-wide:
 * call it first thing in main(), before any thread starts, or not at all.
 * Returns 1 when tuned, 0 where it does nothing (not glibc on Linux). */
int nm_memory_for_maps(void);

#ifdef __cplusplus
}
#endif
#endif /* NEEDSMAP_CORE_H */
