/*
 * Internals of the boundaries import, shared by its files: the reader
 * interface that the shapefile reader (bnd_shp.c, shapelib) and the OGR
 * reader (bnd_ogr.c) implement, the PROJ transform to British National Grid
 * (bnd_proj.c) and the validity checker that may run in a second thread
 * (bnd_valid.c).  boundaries.c drives them and owns the store side.  Not
 * published.
 */
#ifndef NM_BND_INT_H
#define NM_BND_INT_H

/* gaiageo.h uses sqlite3 types without including sqlite3.h */
#include <sqlite3.h>
#include <spatialite/gaiageo.h>

#include "ingest/ingest_int.h"

/* The store's reference system: British National Grid. */
#define BND_SRID 27700

/* A feature as a reader hands it over. */
typedef struct bnd_feature {
    long number;          /* 1-based position in the file */
    gaiaGeomCollPtr geom; /* polygons in the source CRS, DeclaredType MULTIPOLYGON;
                             NULL when 'problem' is set; caller frees with
                             gaiaFreeGeomColl() */
    const char *problem;  /* NULL, or the kind of geometry problem: a static key
                             such as "geometry-empty"; 'what' says more */
    char what[160];       /* the problem in words, without file and feature */
} bnd_feature;

typedef struct bnd_source bnd_source;

/* Operations a reader provides. */
typedef struct bnd_ops {
    /* Reads the next feature into *f (geometry and position); *done is set to
     * 1 after the last one.  A problem with one feature is reported in
     * f->problem, not by the status, which is for failures that stop
     * reading. */
    nm_status (*next)(bnd_source *src, bnd_feature *f, int *done);
    /* Text of field 'field' of the feature last read, trimmed of blanks;
     * NULL when the field is null.  Owned by the reader, valid until the next
     * call of text or next. */
    const char *(*text)(bnd_source *src, int field);
    /* Frees the reader's own state (not the fields common to all). */
    void (*close)(bnd_source *src);
} bnd_ops;

/* An open input file. */
struct bnd_source {
    nm_ctx *ctx;
    const char *path;    /* as given; owned by the caller */
    const bnd_ops *ops;
    void *impl;          /* the reader's own state */
    int nfields;
    char **fields;       /* field names; owned, freed by nmI_source_close */
    long count;          /* features in the file, -1 when unknown */
    char *crs;           /* the source's CRS for proj_create (WKT or "EPSG:N"),
                            NULL when the file does not say; owned */
    char *encoding;      /* encoding of text fields to recode from (CPLRecode
                            name); NULL when the text is meant to be UTF-8 */
    int encoding_guessed; /* the file does not say; 'encoding' applies only to
                             text that is not valid UTF-8 */
};

/* Opens a shapefile (.shp with its .shx and .dbf) with shapelib.  Returns
 * NM_OK, NM_NOTFOUND, NM_BADDATA (missing .shx/.dbf, record counts differ,
 * unreadable header) or NM_NOMEM.  Caller frees with nmI_source_close(). */
nm_status nmI_shp_open(nm_ctx *ctx, const char *path, bnd_source **out);
/* Opens the first layer of any vector source GDAL/OGR reads.  Same returns
 * as nmI_shp_open. */
nm_status nmI_ogr_open(nm_ctx *ctx, const char *path, bnd_source **out);
/* Closes a source; NULL is a no-op. */
void nmI_source_close(bnd_source *src);
/* Allocates a source with its common part zeroed; NULL when out of memory. */
bnd_source *nmI_source_new(nm_ctx *ctx, const char *path, const bnd_ops *ops);
/* Appends a field name (copied).  Returns NM_OK or NM_NOMEM (error set). */
nm_status nmI_source_add_field(bnd_source *src, const char *name);
/* Copies 'text' without leading and trailing blanks into *buf, grown as
 * needed (caller frees with nm_free()).  Returns *buf, NULL when out of
 * memory. */
const char *nmI_trimmed(const char *text, char **buf, size_t *cap);

/* ---- transform (bnd_proj.c) ------------------------------------------- */

typedef struct bnd_proj bnd_proj;

/* Prepares the transform from 'source_crs' (WKT, "EPSG:N", anything
 * proj_create reads) to EPSG:27700.  Sets *out to NULL when the source is
 * British National Grid already, so nothing needs doing.  'origin' names
 * where the definition came from, for messages (".prj", "--crs").  Returns
 * NM_OK, NM_USAGE (a --crs PROJ does not know), NM_BADDATA (a file's CRS PROJ
 * cannot read or transform) or NM_ERROR.  Caller frees with
 * nmI_proj_free(). */
nm_status nmI_proj_new(nm_ctx *ctx, const char *path, const char *source_crs, const char *origin,
                       nm_status bad, bnd_proj **out);
/* Transforms every coordinate of 'geom' in place.  Returns 1, or 0 when a
 * point cannot be transformed (outside the area of use). */
int nmI_proj_apply(bnd_proj *p, gaiaGeomCollPtr geom);
/* Transforms 'n' points x0, y0, x1, y1, ... in place (incidents).  A point
 * that cannot be transformed comes back as HUGE_VAL; the caller checks with
 * isfinite(). */
void nmI_proj_points(bnd_proj *p, double *xy, size_t n);
void nmI_proj_free(bnd_proj *p);
/* The area of use of 'source_crs' as PROJ knows it (proj_get_area_of_use),
 * as a box of EPSG:27700 metres (xmin, ymin, xmax, ymax; an empty box, min
 * above max, when the area is nowhere near Great Britain), and described in
 * words in 'name'.  Returns 1, or 0 when the CRS does not say (a custom
 * WKT) or the area cannot be expressed: then box and name are unchanged. */
int nmI_proj_area_of_use(const char *source_crs, double box[4], char *name, size_t size);

/* ---- validity (bnd_valid.c) ------------------------------------------- */

typedef struct bnd_valid bnd_valid;

/* Starts a validity checker: in a second thread when the machine has more
 * than one core, else in the caller's thread.  Caller frees with
 * nmI_valid_finish(). */
nm_status nmI_valid_start(nm_ctx *ctx, bnd_valid **out);
/* Queues a geometry for checking; takes ownership of 'geom'. */
void nmI_valid_push(bnd_valid *v, gaiaGeomCollPtr geom, long number);
/* Waits for the queue to drain, frees the checker and returns the number of
 * invalid geometries; 'first' receives up to 'nfirst' of their feature
 * numbers.  NULL is a no-op returning 0. */
long nmI_valid_finish(bnd_valid *v, long *first, int nfirst);

#endif
