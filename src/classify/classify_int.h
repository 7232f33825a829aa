/*
 * Internals of the classify module shared between its files: the exact
 * Fisher-Jenks solver and the ColorBrewer tables.  Nothing here is
 * published.
 */
#ifndef NM_CLASSIFY_INT_H
#define NM_CLASSIFY_INT_H

#include "needsmap/classify.h"
#include "nm_int.h"

/* Optimal 1-D k-means (Fisher-Jenks) over m sorted distinct values x with
 * weights w (their multiplicities): fills start[0..k-1] with the index in x
 * of each class's first value (start[0] = 0).  Requires 1 <= k <= m.
 * Returns NM_OK or NM_NOMEM. */
nm_status nmK_jenks_starts(const double *x, const double *w, size_t m, int k, size_t *start);

/* One ColorBrewer scheme: colours for 3..max classes back to back
 * (0xRRGGBB), and the published suitability by class count (index 0 = 3
 * classes, up to 11; 1 yes, 2 maybe, 0 no). */
typedef struct nmK_scheme {
    const char *name;
    nm_palette_kind kind;
    int max;
    const uint32_t *colours;
    unsigned char blind[9];
    unsigned char print[9];
    unsigned char copy[9];
    /* constructed schemes (colours NULL): the two ends of a grey ramp,
       spaced by measurement for every class count */
    uint32_t from, to;
} nmK_scheme;

extern const nmK_scheme nmK_schemes[];
extern const int nmK_nschemes;

#endif /* NM_CLASSIFY_INT_H */
