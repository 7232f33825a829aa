/*
 * Build: every figure of a needs analysis from one figures file (INI),
 * incrementally and in parallel, and the official input files fetched
 * into a local cache.  A build imports the inputs whose content changed,
 * then redraws only the figures whose inputs, definition or needsmap
 * version changed, recording what it built in the store's build table.
 * Drawing each figure is the report module's job; this module decides
 * what is stale and runs the jobs.
 */
#ifndef NEEDSMAP_BUILD_H
#define NEEDSMAP_BUILD_H

#include "needsmap/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What happened during a build, reported through the event callback. */
typedef enum nm_build_event_kind {
    NM_BUILD_IMPORT = 0,  /* an input is about to be imported ('reason' says why) */
    NM_BUILD_IMPORTED,    /* an input was imported, or failed ('status', 'message') */
    NM_BUILD_PLAN,        /* 'total' figures are stale and will be built */
    NM_BUILD_STALE,       /* a figure is stale ('reason'); the only figure event of a dry run */
    NM_BUILD_DONE,        /* a figure was built, or failed ('status', 'message') */
    NM_BUILD_UPTODATE     /* a figure is up to date and was left alone */
} nm_build_event_kind;

typedef struct nm_build_event {
    nm_build_event_kind kind;
    const char *name;    /* "map.imd_deciles", "data.iod2019"; NULL for PLAN */
    const char *output;  /* the figure's output file, or NULL */
    const char *reason;  /* "definition changed; input iod2019 changed", or NULL */
    nm_status status;    /* of IMPORTED and DONE */
    const char *message; /* the error of a failed IMPORTED or DONE, else NULL */
    long done;           /* figures finished so far (built or failed) */
    long total;          /* figures to build */
    double elapsed;      /* seconds since the first figure started */
} nm_build_event;

/* Receives events.  Calls are serialised (never two at once, even with
 * jobs > 1) and may come from worker threads; pointers are valid only
 * during the call. */
typedef void (*nm_build_fn)(void *user, const nm_build_event *event);

typedef struct nm_build_opts {
    const char *figures;     /* the figures file (required) */
    const char *db;          /* the store; created when missing (required) */
    const char *const *set;  /* "NAME=VALUE" overrides of the file's [vars] */
    int nset;
    int jobs;                /* figures drawn at once; 0 or 1: one at a time */
    int force;               /* rebuild every selected figure (inputs still by checksum) */
    int dry_run;             /* say what would be imported and rebuilt; change nothing */
    const char *only;        /* comma-separated figure names ("imd_deciles" or
                                "map.imd_deciles"); NULL: all */
    const char *out_root;    /* a folder outputs may go under besides the figures
                                file's own; NULL: only that one */
    nm_build_fn on_event;    /* NULL: no events */
    void *user;
} nm_build_opts;

typedef struct nm_build_result {
    long inputs;      /* inputs in the file */
    long imported;    /* of which were (re)imported */
    long figures;     /* figures selected */
    long stale;       /* of which were stale */
    long built;       /* of which were built */
    long failed;      /* of which failed */
} nm_build_result;

/* Builds the figures file.  Errors in the file (unknown section or key, bad
 * value, missing required key, unknown variable, a key given twice, an
 * output outside the figures file's folder and 'out_root' or shared by two
 * figures, an output that is an input or the store) are each logged as
 * "FILE:LINE: [section] key: what" and the call returns NM_USAGE without
 * touching the store.  An input that fails to import stops the build with
 * its status.  A figure that fails is reported (NM_BUILD_DONE with its
 * message), keeps its previous output, and is retried next time; the others
 * still build and the call returns NM_ERROR.  'result' may be NULL. */
nm_status nm_build(nm_ctx *ctx, const nm_build_opts *opts, nm_build_result *result);

/* ---- fetching the official files (fetch.c) ----------------------------- */

typedef struct nm_fetch_opts {
    const char *manifests; /* folder holding boundaries/ and indicators/ manifests;
                              NULL: the current folder */
    const char *cache;     /* download folder; NULL: $XDG_CACHE_HOME/needsmap or
                              ~/.cache/needsmap */
    const char *mirror;    /* a folder or http(s):// URL holding the files by name,
                              instead of their official URLs; NULL: official */
    const char *only;      /* comma-separated manifest names; NULL: all */
    long timeout;          /* seconds without progress before a download fails; 0: 60 */
} nm_fetch_opts;

typedef struct nm_fetch_result {
    long manifests;  /* manifests read */
    long derived;    /* of which describe files made by a script, not fetched */
    long present;    /* already in the cache with the right checksum */
    long fetched;    /* downloaded or copied and verified */
    long failed;     /* could not be fetched or did not verify */
} nm_fetch_result;

/* Reads every manifest (*.ini) in the manifests folder's boundaries/ and
 * indicators/ and puts each official file into the cache, verified by size
 * and SHA-256.  A download goes to CACHE/FILE.part and resumes from there
 * (HTTP Range) after an interruption; only a verified file is renamed to
 * CACHE/FILE.  A file whose checksum is wrong is removed.  Each failure is
 * logged; returns NM_ERROR when any file failed, NM_USAGE for a bad
 * manifest.  'result' may be NULL. */
nm_status nm_fetch(nm_ctx *ctx, const nm_fetch_opts *opts, nm_fetch_result *result);

#ifdef __cplusplus
}
#endif
#endif /* NEEDSMAP_BUILD_H */
