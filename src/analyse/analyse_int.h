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


/* Fails with NM_NOTFOUND: no area 'text', with the nearest codes or names
 * as suggestions (resolve.c). */
nm_status nmA_area_unknown(nm_store *store, const char *text);
/* Fails with NM_NOTFOUND: no indicator 'key', with the nearest ids. */
nm_status nmA_indicator_unknown(nm_store *store, const char *key);
/* 1 when an indicator 'key' is stored for any period. */
int nmA_indicator_known(nm_store *store, const char *key);

#endif
