/*
 * Internals of the build module: the parsed figures file, the tables of
 * input and figure types (types.c), staleness (stale.c) and the SHA-256 of
 * texts.  Not published.
 */
#ifndef NM_BUILD_INT_H
#define NM_BUILD_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "needsmap/build.h"
#include "needsmap/options.h"
#include "needsmap/store.h"
#include "nm_int.h"

struct bd_memo;
struct bd_ids;

/* One kind of section: an input ([data.NAME] type = iod) or a figure
 * ([map.NAME]).  Adding a figure type is one entry in the table of
 * types.c. */
typedef struct bd_type {
    const char *name;    /* "boundaries", "map", ... */
    const char *command; /* whose options (options.c) are the section's keys */
    /* input types: runs the import (one transaction) */
    nm_status (*import)(nm_store *store, void *opts, const char *file);
    int derived;                    /* input computed from the store (localities,
                                       assign): redone when an earlier input changed */
    int nofile;                     /* input with no file (a step such as assign) */
    /* figure types: draws the figure; the store is read-only */
    nm_status (*draw)(nm_store *store, const void *opts);
    /* the datasets a figure reads, ascending; NULL: every dataset */
    nm_status (*inputs)(nm_store *store, const void *opts, struct bd_memo *memo,
                        struct bd_ids *out);
} bd_type;

/* Finds an input type ("iod") or figure type ("map"); NULL when none. */
const bd_type *nmB_input_type(const char *name);
const bd_type *nmB_figure_type(const char *name);
/* "map, table" for messages: the names of the figure (or input) types. */
const char *nmB_type_names(int figures);

/* ---- the figures file (figures.c) --------------------------------------- */

typedef struct bd_kv {
    char *key;
    char *value;  /* after ${var} expansion and path resolution */
    int line;
} bd_kv;

typedef struct bd_section {
    char *name;          /* "map.imd_deciles", "data.iod2019" */
    const char *id;      /* after the dot: "imd_deciles" (points into name) */
    int line;
    int is_input;
    const bd_type *type;
    bd_kv *kv;
    size_t nkv, capkv;
    void *opts;          /* the type's options struct, filled from kv */
    const char *file;    /* inputs: the resolved file, or NULL (derived steps) */
    const char *output;  /* figures: the resolved output, or NULL */
    char *output_real;   /* the output's absolute path without symlinks */
    /* the output as the reader found it (lstat of a path that is no
       symlink): whether it exists, and its device and inode, so that the
       build stats each output once, not three times */
    int output_statted, output_exists;
    dev_t output_dev;
    ino_t output_ino;
    int output_line;
    char definition[65]; /* SHA-256 of the type and sorted keys and values */
    int changed;         /* inputs: (to be) imported in this build */
} bd_section;

typedef struct bd_file {
    char *path;          /* the figures file as given */
    char *dir;           /* its folder, for relative paths */
    bd_section *sec;
    size_t nsec, capsec;
    long errors;         /* problems logged */
} bd_file;

/* Reads and checks a figures file.  Every problem is logged at error level
 * as "FILE:LINE: [section] key: what"; returns NM_USAGE when any was found
 * (with a summary as the context's error), NM_ERROR when the file cannot
 * be read.  'set' are "NAME=VALUE" overrides of [vars].  Every output must
 * lie under the file's folder or 'out_root' (may be NULL), symlinks
 * resolved, and be no other figure's. */
nm_status nmB_file_read(nm_ctx *ctx, const char *path, const char *const *set, int nset,
                       const char *out_root, bd_file *out);
void nmB_file_free(bd_file *f);

/* ---- hashing ------------------------------------------------------------ */

/* SHA-256 of 'n' bytes as 64 lowercase hex digits. */
void nmB_sha256(const void *data, size_t n, char hex[65]);

/* ---- staleness (stale.c) ------------------------------------------------ */

/* Dataset ids with their checksums, ascending by id. */
typedef struct bd_ids {
    long *id;
    size_t n, cap;
} bd_ids;

void nmB_ids_free(bd_ids *ids);
nm_status nmB_ids_add(nm_ctx *ctx, bd_ids *ids, long id);
/* Sorts and removes duplicates. */
void nmB_ids_finish(bd_ids *ids);
/* "12 34 56": the ids as text, as stored in build.inputs.  Caller frees. */
char *nmB_ids_text(const bd_ids *ids);

/* Results of queries shared by figures during one build (the datasets of
 * a level), so that 326 maps of LSOAs ask once. */
typedef struct bd_memo bd_memo;
bd_memo *nmB_memo_new(void);
void nmB_memo_free(bd_memo *m);
/* Adds to 'out' the dataset ids that 'sql' returns with its text
 * parameters bound in order (NULL binds NULL), through the memo. */
nm_status nmB_query_ids(nm_store *store, bd_memo *memo, const char *sql, const char *const *params,
                       int nparams, bd_ids *out);

/* A row of the build table. */
typedef struct bd_record {
    int found;
    char definition[65];
    char *inputs;   /* owned */
    char version[32];
    char *output;   /* owned */
} bd_record;

/* 'memo' (may be NULL) keeps the statement for a plan's next figures. */
nm_status nmB_record_read(nm_store *store, bd_memo *memo, const char *name, bd_record *out);
void nmB_record_clear(bd_record *r);
nm_status nmB_record_write(nm_store *store, const char *name, const char *definition,
                          const char *inputs, const char *output);
nm_status nmB_record_delete(nm_store *store, const char *name);

/* Checksum of an input file and its companions (.dbf, .shx, .prj of a
 * shapefile), as 64 hex digits. */
nm_status nmB_input_checksum(nm_ctx *ctx, const char *file, char hex[65]);
/* The stat signature of an input file and its companions, recorded beside
 * its checksum: a rebuild that finds it unchanged does not read the file.
 * NULL when a file cannot be stat'ed, changed in the last second or two
 * (to be read again), or out of memory; caller frees. */
char *nmB_input_signature(const char *file);

#endif
