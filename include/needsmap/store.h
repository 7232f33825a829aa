/*
 * The store: one SpatiaLite database holding areas (geometry in British
 * National Grid, EPSG:27700), indicators and their values, memberships
 * between levels, and the datasets they came from.  This module creates,
 * opens and checks the schema, and answers "what does the store hold";
 * reading input files is ingest's job, and analysis reads through its own
 * queries.
 */
#ifndef NEEDSMAP_STORE_H
#define NEEDSMAP_STORE_H

#include <stdint.h>

#include "needsmap/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Schema version written by this library.  A store with another version is
 * refused with NM_SCHEMA. */
#define NM_SCHEMA_VERSION 2

typedef struct nm_store nm_store;

enum {
    NM_STORE_READONLY = 0, /* open an existing store for reading */
    NM_STORE_WRITE = 1,    /* open an existing store for writing */
    NM_STORE_CREATE = 3    /* open for writing, creating it if missing */
};

/* Opens the store at 'path'.  With NM_STORE_CREATE a missing file (and its
 * folder) is created with the current schema.  Returns NM_OK, NM_ERROR
 * (no store there, or it cannot be read), NM_SCHEMA (another schema version, or not a needsmap
 * store) or NM_ERROR.  On success *out is set; caller frees with
 * nm_store_close().  The store keeps a pointer to ctx, which must outlive
 * it. */
nm_status nm_store_open(nm_ctx *ctx, const char *path, int flags, nm_store **out);

/* Closes the store; NULL is a no-op. */
void nm_store_close(nm_store *store);

/* Names the code year of 'level' every command on this handle uses (its
 * boundaries and the memberships into it), e.g. ("ward", 2019) for
 * --ward-vintage 2019; 0 returns to the rule: the latest year with stored
 * boundaries, else the latest any membership leads to. */
void nm_store_set_vintage(nm_store *store, const char *level, int vintage);

/* The context the store reports through.  Owned by the caller of open. */
nm_ctx *nm_store_ctx(const nm_store *store);

/* ---- what the store holds --------------------------------------------- */

typedef struct nm_level_info {
    const char *level;   /* lsoa, msoa, ward, lad, region, locality, ... */
    int vintage;         /* year of the codes, e.g. 2011 */
    long areas;          /* rows of that level and vintage */
    long with_geometry;  /* of which have a boundary */
} nm_level_info;

typedef struct nm_indicator_info {
    const char *id;       /* stable short id, e.g. "imd_score" */
    const char *period;   /* e.g. "2019" */
    const char *label;
    const char *unit;     /* "score", "rank", "decile", "count", ... */
    int polarity;         /* +1 higher is more deprived, -1 lower is, 0 neither */
    const char *level;    /* level of the areas the values belong to */
    int vintage;          /* code vintage of those areas */
    long values;          /* values stored */
    long areas_at_level;  /* stored areas of that level and vintage with a
                             boundary (areas known only by name from a
                             lookup are not counted) */
    long areas_covered;   /* of which have a value */
    const char *source;   /* attribution text of the dataset */
} nm_indicator_info;

typedef struct nm_dataset_info {
    long id;
    const char *kind;         /* boundaries, iod, indicators, lookup, ... */
    const char *file;         /* path as given on import */
    const char *sha256;
    long rows;
    const char *imported_at;  /* ISO 8601, UTC */
    const char *attribution;
} nm_dataset_info;

typedef struct nm_lookup_info {
    const char *child_level;
    int child_vintage;
    const char *parent_level;
    int parent_vintage;
    const char *method;   /* lookup, point, area */
    long memberships;
    long children;
    long parents;
} nm_lookup_info;

/* Callbacks receive pointers valid only during the call; returning non-zero
 * stops the iteration (the function then returns NM_OK). */
typedef int (*nm_level_fn)(void *user, const nm_level_info *info);
typedef int (*nm_indicator_fn)(void *user, const nm_indicator_info *info);
typedef int (*nm_dataset_fn)(void *user, const nm_dataset_info *info);
typedef int (*nm_lookup_fn)(void *user, const nm_lookup_info *info);

/* Areas per level and vintage; 'level' NULL for all levels. */
nm_status nm_store_levels(nm_store *store, const char *level, nm_level_fn fn, void *user);
/* Indicators with their coverage; 'id' NULL for all, 'level' NULL for any. */
nm_status nm_store_indicators(nm_store *store, const char *id, const char *level,
                              nm_indicator_fn fn, void *user);
/* Datasets in the order they were imported. */
nm_status nm_store_datasets(nm_store *store, nm_dataset_fn fn, void *user);
/* Memberships grouped by child level, parent level and method. */
nm_status nm_store_lookups(nm_store *store, nm_lookup_fn fn, void *user);

/* Reads one stored value.  Returns NM_OK and sets *value, or NM_NOTFOUND
 * when the indicator, period or area has none.  'period' NULL takes the
 * latest period of the indicator. */
nm_status nm_store_value(nm_store *store, const char *id, const char *period,
                         const char *code, double *value);

#ifdef __cplusplus
}
#endif
#endif /* NEEDSMAP_STORE_H */
