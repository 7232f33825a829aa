/*
 * Point in polygon over the stored boundaries of a set of areas (pip.c):
 * used to count incidents per area (count.c) and, at import, to say how many
 * incidents fall in no stored area (ingest/incidents.c).  Not published.
 */
#ifndef NM_PIP_INT_H
#define NM_PIP_INT_H

#include "analyse/analyse_int.h"

typedef struct nm_pip nm_pip;

/* Reads the boundaries of every area of 'areas' and builds the index.
 * Caller frees with nm_pip_free(). */
nm_status nm_pip_build(nm_store *store, const nm_areas *areas, nm_pip **out);
/* Builds the index from polygons given directly: area i is the set of rings
 * ring_start[first_ring[i]] .. ring_start[first_ring[i + 1]] of 'xy' (each
 * ring a closed or open loop of points).  For tests; the arrays are
 * copied. */
nm_status nm_pip_build_rings(nm_ctx *ctx, size_t nareas, const size_t *first_ring,
                             const size_t *ring_start, const double *xy, nm_pip **out);
void nm_pip_free(nm_pip *p);

/* The area (index into the set) whose polygon holds (x, y), or -1 when none
 * does.  Half-open crossing rule (pip.c): a point on an edge shared by two
 * areas belongs to exactly one of them. */
long nm_pip_find(const nm_pip *p, double x, double y);

/* Finest level that has stored boundaries (oa, lsoa, msoa, ward, ...), or
 * NULL when the store has none.  Static string. */
const char *nm_pip_finest_level(nm_store *store);

#endif
