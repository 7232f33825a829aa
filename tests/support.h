/*
 * Fixtures shared by the unit tests: a temporary folder removed with
 * everything in it (no shell), a store created in one, files written into
 * it, and rectangles imported as boundaries.  Each call returns 0 when it
 * worked, so that a test asserts on it; none prints.
 */
#ifndef NM_TEST_SUPPORT_H
#define NM_TEST_SUPPORT_H

#include <stddef.h>

#include "needsmap/needsmap.h"

/* The world's origin of ts_import_rects(), BNG metres (in Essex). */
#define TS_X0 500000.0
#define TS_Y0 200000.0

typedef struct ts_store {
    char dir[64];   /* the temporary folder */
    char db[128];   /* dir/store.sqlite */
    nm_ctx *ctx;
    nm_store *store;
} ts_store;

/* Makes a folder /tmp/nm-<tag>-XXXXXX into dir (64 bytes). */
int ts_tmpdir(char dir[64], const char *tag);
/* Removes dir and everything below it, not following links. */
int ts_rmtree(const char *dir);

/* A new folder with a new store in it, and its context. */
int ts_store_new(ts_store *f, const char *tag);
/* Closes the store, frees the context and removes the folder; safe on a
 * zeroed or half-made fixture. */
int ts_store_free(ts_store *f);

/* dir/name into buf (size bytes); returns buf. */
const char *ts_path(const ts_store *f, const char *name, char *buf, size_t size);
/* Writes 'text' to dir/name. */
int ts_write(const ts_store *f, const char *name, const char *text);

/* Imports n axis-aligned rectangles as boundaries of 'level' (vintage),
 * box[i] = {x1, y1, x2, y2} metres from (TS_X0, TS_Y0), each named as its
 * code, through a GeoJSON file dir/name. */
int ts_import_rects(ts_store *f, const char *name, const char *level, int vintage,
                    const char *const *codes, const double (*box)[4], int n);

#endif
