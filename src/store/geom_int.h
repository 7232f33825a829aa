/*
 * Boundaries as flat arrays (store/geom.c): the layout the renderer's
 * nm_geom points into.
 */
#ifndef NM_GEOM_INT_H
#define NM_GEOM_INT_H

#include <sqlite3.h>
#include <stddef.h>

#include "needsmap/store.h"

typedef struct nmS_geombuf {
    double *xy;          /* x0, y0, x1, y1, ... (BNG metres) */
    size_t npoints, xy_cap;
    size_t *ring_start;  /* first point of each ring, plus a sentinel */
    size_t nrings, ring_cap;
    size_t *part_start;  /* first ring of each polygon, plus a sentinel */
    size_t nparts, part_cap;
} nmS_geombuf;

/* Decodes a SpatiaLite BLOB into g (reusing its arrays).  Returns 1, 0 when
 * the BLOB is not an uncompressed XY (MULTI)POLYGON, -1 out of memory. */
int nmS_geom_decode(const void *blob, size_t size, nmS_geombuf *g);
void nmS_geombuf_free(nmS_geombuf *g);
/* Reads the boundary of area 'rowid' into g.  '*cache' holds a prepared
 * statement between calls (start with NULL; sqlite3_finalize it after). */
nm_status nmS_store_area_geom(nm_store *store, long rowid, nmS_geombuf *g, sqlite3_stmt **cache);

/* Calls 'each' with the boundary of every area of 'rowids' ('i' is the
 * index in 'rowids', 'g' valid during the call): in that order for a small
 * selection; for a large one in the order of the ids, the store's, read on
 * a second connection in a thread while 'each' runs here (feed.c).  The
 * caller must hold a read transaction (nmS_store_read_begin) so that both
 * connections see the same store.  Stops at the first status other than
 * NM_OK, from 'each' or from reading. */
typedef nm_status (*nmS_geom_each_fn)(void *user, size_t i, const nmS_geombuf *g);
nm_status nmS_store_each_geom(nm_store *store, const long *rowids, size_t n, nmS_geom_each_fn each,
                             void *user);

#endif
