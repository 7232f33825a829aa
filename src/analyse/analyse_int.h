/*
 * Internals of the analyse module shared by its files.
 */
#ifndef NM_ANALYSE_INT_H
#define NM_ANALYSE_INT_H

#include "needsmap/analyse.h"
#include "store/store_int.h"

struct nm_areas {
    nm_store *store; /* for the extent, read when first asked for */
    char level[16];
    int vintage;
    char *within_name;
    size_t n, cap;
    long *rowid;
    long *dataset;   /* the dataset each boundary came from */
    char **code;
    char **name;
    int has_extent;  /* minx .. maxy are known */
    double minx, miny, maxx, maxy;
};

/* Every stored value of an indicator, in code order (rank.c).  Filled by
 * passing nm_vtable_add and the table to nm_store_each_value(); 'failed'
 * is set when an allocation failed while filling. */
typedef struct nm_vtable {
    size_t n, cap;
    char **code;
    double *value;
    int failed;
} nm_vtable;

/* Frees what the table holds and zeroes it; safe on a zeroed table. */
void nm_vtable_free(nm_vtable *t);
/* Callback for nm_store_each_value(): appends one value; returns non-zero
 * (stop) when out of memory. */
int nm_vtable_add(void *user, const char *code, double value);
/* Index of 'code' in the table (filled in code order), or -1. */
long nm_vtable_find(const nm_vtable *t, const char *code);
/* Index of 'code' in 'codes' sorted by strcmp (SQLite's order for text),
 * or -1. */
long nm_code_find(char *const *codes, size_t n, const char *code);

/* Fails with NM_NOTFOUND: no area 'text', with the nearest codes or names
 * as suggestions (resolve.c). */
nm_status nm_area_unknown(nm_store *store, const char *text);
/* Fails with NM_NOTFOUND: no indicator 'key', with the nearest ids. */
nm_status nm_indicator_unknown(nm_store *store, const char *key);
/* 1 when an indicator 'key' is stored for any period. */
int nm_indicator_known(nm_store *store, const char *key);

#endif
