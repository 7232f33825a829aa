/*
 * Internals of incident counting (count.c) shared with tests and other
 * analyses: Poisson confidence intervals (poisson.c) and indicator values
 * carried up to a coarser level through memberships (levelsum.c).  Not
 * published.
 */
#ifndef NM_COUNT_INT_H
#define NM_COUNT_INT_H

#include "analyse/analyse_int.h"

/* Regularised lower incomplete gamma P(a, x), a > 0, x >= 0. */
double nmA_gamma_p(double a, double x);
/* The x with P(a, x) = p, 0 < p < 1: the p-quantile of Gamma(a, 1).  Found by
 * bracketing and safeguarded Newton steps; relative accuracy about 1e-12. */
double nmA_gamma_p_inv(double a, double p);

/* Byar's approximation of the exact interval (nm_poisson_ci_exact in
 * analyse.h; 95% only), used as a cross-check of the exact one. */
void nmA_poisson_ci_byar(long k, double *lo, double *hi);

/* Values of indicator 'key' (period NULL: the latest) for the areas
 * 'codes' (sorted by strcmp, 'n' of them) of 'level'/'vintage'.  When the
 * indicator is stored at that level, the stored values; otherwise the
 * weighted sum of its values over the areas' children through stored
 * memberships (LSOA populations summed to wards), using one set of
 * memberships: the parent vintage asked for if any, then 'lookup' before
 * 'point' before 'area'.  out[i] is NAN where there is no value, or where
 * any child lacks one.  'how' (may be NULL, 96 bytes) receives a phrase for
 * messages: "stored", "summed from lsoa (lookup)".  Returns NM_NOTFOUND
 * when the indicator does not exist or no memberships lead to its level. */
nm_status nmA_level_values(nm_store *store, const char *key, const char *period, const char *level,
                          int vintage, char *const *codes, size_t n, double *out, char how[96]);

#endif
