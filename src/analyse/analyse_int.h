/*
 * Internals of the analyse module shared by its files.
 */
#ifndef NM_ANALYSE_INT_H
#define NM_ANALYSE_INT_H

#include "needsmap/analyse.h"
#include "store/store_int.h"

struct nm_areas {
    char level[16];
    int vintage;
    char *within_name;
    size_t n, cap;
    long *rowid;
    char **code;
    char **name;
    double minx, miny, maxx, maxy;
};

#endif
