/*
 * Internals shared by the library's modules (SQLite's sqliteInt.h plays the
 * same part): setting errors on a context, collecting repeated problems,
 * growable strings, strict number parsing and file helpers.  Nothing here is
 * published; the tool must not include it.
 */
#ifndef NM_INT_H
#define NM_INT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "needsmap/core.h"

#if defined(__GNUC__)
#define NM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define NM_PRINTF(a, b)
#endif

/* ---- context ---------------------------------------------------------- */

/* The longest message a context or a log line holds, NUL included. */
#define NM_MSG_MAX 2048

/* Sets the context's error and returns 'status', so that a caller can write
 * 'return nmC_fail(ctx, NM_BADDATA, "%s:%ld: ...", ...)'. */
nm_status nmC_fail(nm_ctx *ctx, nm_status status, const char *fmt, ...) NM_PRINTF(3, 4);
/* Clears the context's error (at the start of a public call). */
void nmC_clear(nm_ctx *ctx);
/* Notes that the run reads 'path' (by device and inode; 'what' says what it
 * is, "the store"), so that nmC_atomic_open refuses to replace it.  A path
 * that does not exist is not noted. */
void nmC_note_input(nm_ctx *ctx, const char *path, const char *what);
/* What 'path' is when it is a noted input, else NULL. */
const char *nmC_input_what(const nm_ctx *ctx, const char *path);
/* The same for a file already statted: its device and inode. */
const char *nmC_input_what_id(const nm_ctx *ctx, dev_t dev, ino_t ino);
/* Sets 'status' with the current message prefixed by "PATH: " (unless it
 * already starts so), for errors of code that does not know the file. */
nm_status nmC_fail_naming(nm_ctx *ctx, nm_status status, const char *path);
/* Passes a message to the log callback. */
void nmC_log(nm_ctx *ctx, nm_level level, const char *fmt, ...) NM_PRINTF(3, 4);
/* True when messages of 'level' reach the callback (skip costly formatting). */
int nmC_log_enabled(const nm_ctx *ctx, nm_level level);

/* ---- allocation failure injection (tests only) ------------------------ */

/* After 'n' more successful allocations, every allocation fails; n < 0
 * turns injection off.  Returns how many allocations were made since the
 * last call. */
long nmC_alloc_fail_after(long n);

/* A transparent huge page on x86-64 and arm64 with 4 KB pages: what the
 * allocator advises for big blocks (alloc.c) and a page image is aligned
 * to (render/pagebuf.c). */
#define NMC_HUGE_PAGE ((size_t)2 << 20)

/* ---- growable string -------------------------------------------------- */

typedef struct nmC_buf {
    char *data; /* always NUL-terminated once anything was added */
    size_t len;
    size_t cap;
    int failed; /* sticky: an allocation failed */
} nmC_buf;

void nmC_buf_addf(nmC_buf *b, const char *fmt, ...) NM_PRINTF(2, 3);
void nmC_buf_vaddf(nmC_buf *b, const char *fmt, va_list ap);
void nmC_buf_add(nmC_buf *b, const char *s, size_t n);
/* Text for the user, cut to 'max' bytes (at a UTF-8 boundary) with "...". */
void nmC_buf_add_quoted(nmC_buf *b, const char *s, size_t max);
void nmC_buf_free(nmC_buf *b);
/* Takes the string out of the buffer; caller frees with nm_free(). */
char *nmC_buf_take(nmC_buf *b);

/* ---- problem collector ------------------------------------------------ */

/* Collects the problems of one input file so that each kind is reported once
 * with a count and the first few places (GDAL's CPLErrorOnce, tippecanoe's
 * json_context).  A "kind" is a short key such as "nan:IMD Score". */
typedef struct nmC_diag nmC_diag;

nmC_diag *nmC_diag_new(nm_ctx *ctx, const char *file);
void nmC_diag_free(nmC_diag *d);
/* Records a problem.  'line' is the line (CSV) or feature number (vector
 * data), 0 when it has none.  The message is the first occurrence's text,
 * without the file and line. */
void nmC_diag_add(nmC_diag *d, const char *kind, long line, const char *fmt, ...) NM_PRINTF(4, 5);
/* Number of problems recorded (all kinds, every occurrence). */
long nmC_diag_count(const nmC_diag *d);
/* Logs every kind at 'level' as "FILE:LINE: message (and N more like this,
 * lines a, b, c, ...)", then, when any problem was recorded and status is not
 * NM_OK, sets the context's error to a one-line summary and returns status;
 * returns NM_OK when nothing was recorded.  A failure of a single problem
 * is not logged: the error says it all, and the tool prints it once. */
nm_status nmC_diag_report(nmC_diag *d, nm_level level, nm_status status, const char *summary);

/* ---- text and numbers ------------------------------------------------- */

/* Parses a whole string as a finite double; surrounding blanks and
 * thousands separators ("12,331") are allowed, nothing else.  Returns 1 on
 * success. */
int nmC_parse_double(const char *s, double *out);
/* Parses a whole string as a long in [min, max].  Returns 1 on success. */
int nmC_parse_long(const char *s, long min, long max, long *out);
/* Returns 1 when 's' is valid UTF-8. */
int nmC_utf8_valid(const char *s, size_t n);
/* Case-insensitive ASCII comparison. */
int nmC_strieq(const char *a, const char *b);
/* Copies at most size-1 bytes and terminates (snprintf semantics). */
void nmC_strlcpy(char *dst, const char *src, size_t size);
/* Last path component (no allocation). */
const char *nmC_basename(const char *path);

/* ---- file formats by extension ----------------------------------------- */

/* The formats a file's extension names, for outputs and inputs alike. */
typedef enum nmC_format {
    NMC_FMT_UNKNOWN = 0,
    NMC_FMT_PNG,
    NMC_FMT_PDF,
    NMC_FMT_SVG,
    NMC_FMT_HTML, /* .html, .htm */
    NMC_FMT_CSV,
    NMC_FMT_XLSX,
    NMC_FMT_XLS,
    NMC_FMT_ODS,
    NMC_FMT_MD, /* .md, .markdown */
    NMC_FMT_SHP
} nmC_format;

/* The extension of the last component of 'path': what follows its last
 * dot, without the dot (points into 'path').  "" when it has none: no dot,
 * a dot only at its start (".hidden"), or a path ending in '/'.  A dot in
 * a folder's name ("out.pdf/map") is not the file's.  NULL gives "". */
const char *nmC_extension(const char *path);
/* The length of 'path' up to that extension's dot (its whole length when
 * it has none): what a file beside it ("map.png" -> "map.pgw") or a name
 * taken from it keeps.  "file." loses its dot. */
size_t nmC_stem_len(const char *path);
/* The format that extension names, case ignored ("a/b.PNG" is PNG);
 * NMC_FMT_UNKNOWN for any other ("x.tar.gz", "noext", ".hidden"). */
nmC_format nmC_format_of(const char *path);

/* ---- nearest word (near.c) -------------------------------------------- */

/* The candidates nearest to a word the user typed, for "did you mean"
 * messages.  Offer every candidate; at most NM_NEAR_KEEP of the smallest
 * distance are kept, in the order offered. */
#define NM_NEAR_KEEP 3
typedef struct nmC_near {
    const char *word; /* not owned; must outlive the struct */
    size_t limit;     /* largest distance that still suggests */
    size_t dist;      /* distance of the kept candidates */
    size_t count;
    char best[NM_NEAR_KEEP][96];
    char note[NM_NEAR_KEEP][64]; /* shown in brackets after the candidate */
} nmC_near;

void nmC_near_init(nmC_near *n, const char *word);
/* Offers 'cand' with an optional 'note' ("E06000009, lad"); NULL and the
 * word itself are ignored. */
void nmC_near_offer(nmC_near *n, const char *cand, const char *note);
/* Appends '; did you mean "a" (note) or "b"?' when anything was near. */
void nmC_near_add_to(const nmC_near *n, nmC_buf *b);

/* ---- files ------------------------------------------------------------ */

/* SHA-256 of a file as 64 lowercase hex digits plus NUL. */
nm_status nmC_sha256_file(nm_ctx *ctx, const char *path, char hex[65]);

/* The date written into an output's metadata (a PDF's CreationDate):
 * SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else a
 * fixed date, so that the same figure gives the same bytes whenever it is
 * drawn.  Returns buf or a static string. */
const char *nmC_output_date(char buf[32]);

/* Atomic replacement of an output file: write to a temporary file in the
 * same folder, then rename over the target. */
typedef struct nmC_atomic {
    char *target;
    char *temp;
    FILE *fp;
    char *room; /* fp's buffer: larger than stdio's own */
} nmC_atomic;

nm_status nmC_atomic_open(nm_ctx *ctx, const char *target, nmC_atomic *a);
/* Flushes, syncs (unless the context syncs later) and renames; on any
 * error removes the temporary file. */
nm_status nmC_atomic_commit(nm_ctx *ctx, nmC_atomic *a);
/* Outputs committed on 'ctx' skip their own fsync: a build, which writes
 * thousands, syncs their file systems once (nmC_sync_outputs) before it
 * records them as built, so that a crash leaves at worst figures that the
 * next build redraws.  An fsync a file is a tenth of an atlas's time. */
void nmC_set_sync_later(nm_ctx *ctx, int on);
int nmC_sync_later(const nm_ctx *ctx);
/* The threads one piece of work on 'ctx' may start: a build's workers
 * already keep every core busy, and a map's bands and deflate shares on
 * threads of their own only add thread starts and switches there.  0 lifts
 * the limit. */
void nmC_set_max_threads(nm_ctx *ctx, int n);
/* 'wanted', or fewer under the context's limit. */
int nmC_threads_for(const nm_ctx *ctx, int wanted);
/* Syncs the file systems that hold the n files 'paths' (each once).
 * Returns NM_OK or NM_ERROR naming the folder that failed. */
nm_status nmC_sync_outputs(nm_ctx *ctx, const char *const *paths, size_t n);
/* Removes the temporary file; safe after commit and on a zeroed struct. */
void nmC_atomic_abort(nmC_atomic *a);

#endif /* NM_INT_H */
