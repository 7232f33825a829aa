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
    char *within_code;     /* the 'within' asked for, NULL for a whole level */
    char within_level[16]; /* its level */
    int by_position;       /* found by interior points, no membership leading there */
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
/* How many areas the ranks of 'ind' count against (rank.c): the values
 * stored when the ranks stay within them (a whole country stored, as in a
 * generated test), else, for LSOA ranks, England's LSOAs of their code
 * year (nm_england_lsoas), never below the highest rank stored.  A store of
 * Southend's 108 rows of File 7 ranks them of 33,755. */
nm_status nmA_national_count(nm_store *store, const nmS_ind *ind, long *out);

#endif
