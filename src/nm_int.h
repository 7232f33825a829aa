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
 * 'return nm_fail(ctx, NM_BADDATA, "%s:%ld: ...", ...)'. */
nm_status nm_fail(nm_ctx *ctx, nm_status status, const char *fmt, ...) NM_PRINTF(3, 4);
/* Clears the context's error (at the start of a public call). */
void nm_clear(nm_ctx *ctx);
/* Notes that the run reads 'path' (by device and inode; 'what' says what it
 * is, "the store"), so that nm_atomic_open refuses to replace it.  A path
 * that does not exist is not noted. */
void nm_note_input(nm_ctx *ctx, const char *path, const char *what);
/* What 'path' is when it is a noted input, else NULL. */
const char *nm_input_what(const nm_ctx *ctx, const char *path);
/* Sets 'status' with the current message prefixed by "PATH: " (unless it
 * already starts so), for errors of code that does not know the file. */
nm_status nm_fail_naming(nm_ctx *ctx, nm_status status, const char *path);
/* Passes a message to the log callback. */
void nm_log(nm_ctx *ctx, nm_level level, const char *fmt, ...) NM_PRINTF(3, 4);
/* True when messages of 'level' reach the callback (skip costly formatting). */
int nm_log_enabled(const nm_ctx *ctx, nm_level level);

/* ---- allocation failure injection (tests only) ------------------------ */

/* After 'n' more successful allocations, every allocation fails; n < 0
 * turns injection off.  Returns how many allocations were made since the
 * last call. */
long nm_alloc_fail_after(long n);

/* ---- growable string -------------------------------------------------- */

typedef struct nm_buf {
    char *data; /* always NUL-terminated once anything was added */
    size_t len;
    size_t cap;
    int failed; /* sticky: an allocation failed */
} nm_buf;

void nm_buf_addf(nm_buf *b, const char *fmt, ...) NM_PRINTF(2, 3);
void nm_buf_vaddf(nm_buf *b, const char *fmt, va_list ap);
void nm_buf_add(nm_buf *b, const char *s, size_t n);
/* Text for the user, cut to 'max' bytes (at a UTF-8 boundary) with "...". */
void nm_buf_add_quoted(nm_buf *b, const char *s, size_t max);
void nm_buf_free(nm_buf *b);
/* Takes the string out of the buffer; caller frees with nm_free(). */
char *nm_buf_take(nm_buf *b);

/* ---- problem collector ------------------------------------------------ */

/* Collects the problems of one input file so that each kind is reported once
 * with a count and the first few places (GDAL's CPLErrorOnce, tippecanoe's
 * json_context).  A "kind" is a short key such as "nan:IMD Score". */
typedef struct nm_diag nm_diag;

nm_diag *nm_diag_new(nm_ctx *ctx, const char *file);
void nm_diag_free(nm_diag *d);
/* Records a problem.  'line' is the line (CSV) or feature number (vector
 * data), 0 when it has none.  The message is the first occurrence's text,
 * without the file and line. */
void nm_diag_add(nm_diag *d, const char *kind, long line, const char *fmt, ...) NM_PRINTF(4, 5);
/* Number of problems recorded (all kinds, every occurrence). */
long nm_diag_count(const nm_diag *d);
/* Logs every kind at 'level' as "FILE:LINE: message (and N more like this,
 * lines a, b, c, ...)", then, when any problem was recorded and status is not
 * NM_OK, sets the context's error to a one-line summary and returns status;
 * returns NM_OK when nothing was recorded.  A failure of a single problem
 * is not logged: the error says it all, and the tool prints it once. */
nm_status nm_diag_report(nm_diag *d, nm_level level, nm_status status, const char *summary);

/* ---- text and numbers ------------------------------------------------- */

/* Parses a whole string as a finite double; surrounding blanks and
 * thousands separators ("12,331") are allowed, nothing else.  Returns 1 on
 * success. */
int nm_parse_double(const char *s, double *out);
/* Parses a whole string as a long in [min, max].  Returns 1 on success. */
int nm_parse_long(const char *s, long min, long max, long *out);
/* Returns 1 when 's' is valid UTF-8. */
int nm_utf8_valid(const char *s, size_t n);
/* Case-insensitive ASCII comparison. */
int nm_strieq(const char *a, const char *b);
/* Copies at most size-1 bytes and terminates (snprintf semantics). */
void nm_strlcpy(char *dst, const char *src, size_t size);
/* Last path component (no allocation). */
const char *nm_basename(const char *path);

/* ---- nearest word (near.c) -------------------------------------------- */

/* The candidates nearest to a word the user typed, for "did you mean"
 * messages.  Offer every candidate; at most NM_NEAR_KEEP of the smallest
 * distance are kept, in the order offered. */
#define NM_NEAR_KEEP 3
typedef struct nm_near {
    const char *word; /* not owned; must outlive the struct */
    size_t limit;     /* largest distance that still suggests */
    size_t dist;      /* distance of the kept candidates */
    size_t count;
    char best[NM_NEAR_KEEP][96];
    char note[NM_NEAR_KEEP][64]; /* shown in brackets after the candidate */
} nm_near;

void nm_near_init(nm_near *n, const char *word);
/* Offers 'cand' with an optional 'note' ("E06000009, lad"); NULL and the
 * word itself are ignored. */
void nm_near_offer(nm_near *n, const char *cand, const char *note);
/* Appends '; did you mean "a" (note) or "b"?' when anything was near. */
void nm_near_add_to(const nm_near *n, nm_buf *b);

/* ---- files ------------------------------------------------------------ */

/* SHA-256 of a file as 64 lowercase hex digits plus NUL. */
nm_status nm_sha256_file(nm_ctx *ctx, const char *path, char hex[65]);

/* The date written into an output's metadata (a PDF's CreationDate):
 * SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else a
 * fixed date, so that the same figure gives the same bytes whenever it is
 * drawn.  Returns buf or a static string. */
const char *nm_output_date(char buf[32]);

/* Atomic replacement of an output file: write to a temporary file in the
 * same folder, then rename over the target. */
typedef struct nm_atomic {
    char *target;
    char *temp;
    FILE *fp;
} nm_atomic;

nm_status nm_atomic_open(nm_ctx *ctx, const char *target, nm_atomic *a);
/* Flushes, syncs and renames; on any error removes the temporary file. */
nm_status nm_atomic_commit(nm_ctx *ctx, nm_atomic *a);
/* Removes the temporary file; safe after commit and on a zeroed struct. */
void nm_atomic_abort(nm_atomic *a);

#endif /* NM_INT_H */
