/*
 * The point index's parts that are analyse's own (pip.c): building it
 * from polygons given directly, for tests.  The index itself is published
 * in needsmap/analyse.h, where ingest uses it too.
 */
#ifndef NM_PIP_INT_H
#define NM_PIP_INT_H

#include "analyse/analyse_int.h"

/* Builds the index from polygons given directly: area i is the set of rings
 * ring_start[first_ring[i]] .. ring_start[first_ring[i + 1]] of 'xy' (each
 * ring a closed or open loop of points).  For tests; the arrays are
 * copied. */
nm_status nmA_pip_build_rings(nm_ctx *ctx, size_t nareas, const size_t *first_ring,
                             const size_t *ring_start, const double *xy, nm_pip **out);

#endif
