/*
 * needsmap classify: turns a column of indicator values into map classes
 * (quantiles, equal intervals, Fisher-Jenks natural breaks, fixed breaks,
 * national deciles and quintiles) with legend labels and member counts, and
 * hands out ColorBrewer palettes for them.  Pure computation: reading values
 * from the store and drawing are left to analyse and render.
 *
 * Class order: classes are numbered 0..k-1 from the LEAST to the MOST
 * deprived, so that palette colour i (light to dark) fills class i and the
 * darkest class is always the worst, whatever the indicator's direction.
 *
 * Intervals are closed below and open above: a class holds lower <= v <
 * upper, so a value exactly on a break belongs to the class above it; the
 * highest-valued class of quantile, equal and jenks also holds its upper
 * bound, the data maximum.  Labels follow: "under 10.0", "10.0 to under
 * 20.0", "20.0 and over"; for whole-number data (ranks, counts) inclusive
 * ranges "1 to 3,284", "3,285 to 6,568" (fixed breaks: "up to 9", "10 and
 * over").  Decimals are those the data are given to (at least one), and a
 * break shown is rounded up to them, so no data value is misplaced by its
 * label; computed data get the fewest decimals that keep breaks apart.
 */
#ifndef NEEDSMAP_CLASSIFY_H
#define NEEDSMAP_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "needsmap/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most classes any method makes. */
#define NM_CLASSES_MAX 32

typedef enum nm_classify_method {
    NM_CLASSIFY_QUANTILE = 0, /* "quantile:N": about n/N values a class */
    NM_CLASSIFY_EQUAL,        /* "equal:N": N intervals of equal width over min..max */
    NM_CLASSIFY_JENKS,        /* "jenks:N": exact Fisher-Jenks natural breaks */
    NM_CLASSIFY_BREAKS,       /* "breaks:A,B,C": fixed breaks, 4 classes */
    NM_CLASSIFY_DECILES,      /* "deciles" or "deciles:N": national deciles */
    NM_CLASSIFY_QUINTILES     /* "quintiles" or "quintiles:N": national quintiles */
} nm_classify_method;

/* What to classify and how; filled by nm_classify_parse() or by hand. */
typedef struct nm_classify_spec {
    nm_classify_method method;
    /* quantile, equal, jenks: number of classes, 1..NM_CLASSES_MAX */
    int nclasses;
    /* breaks: the fixed breaks, strictly increasing.  Breaks A,B,C make the
     * classes "under A", "A to under B", "B to under C", "C and over". */
    int nbreaks;
    double breaks[NM_CLASSES_MAX - 1];
    /* deciles, quintiles: when > 0 the values are national ranks 1..N (1 =
     * most deprived) and decile = ceil(rank * 10 / N), quintile =
     * ceil(rank * 5 / N), as MHCLG publishes them; when 0 the values are
     * the published decile numbers 1..10 (quintile = ceil(decile / 2)). */
    long national_n;
    /* optional, range methods: the values' possible range (shares: 0 to
     * 1).  Fixed breaks on or outside it are dropped (no class is drawn
     * that no value can reach) and the outer classes are bounded by it:
     * "0% to under 25%" ... "75% to 100%". */
    int bounded;
    double lo, hi;
    /* labels as percentages: the values are shares, 0.25 is "25%" */
    int percent;
} nm_classify_spec;

/* The result of a classification.  Opaque. */
typedef struct nm_classes nm_classes;

/* Parses a method: "quantile:N", "equal:N", "jenks:N", "breaks:A,B,...",
 * "deciles", "deciles:N", "quintiles", "quintiles:N" (N a national total
 * of ranked areas such as 32844; thousands separators are not allowed in
 * a spec).  Method names are case-insensitive.
 *   ctx   receives the message on failure
 *   text  the spec
 *   out   OUT: the parsed spec
 * Returns NM_OK, or NM_USAGE with a message quoting the spec (unknown
 * method, a class count outside 1..NM_CLASSES_MAX, breaks not numbers or not
 * strictly increasing). */
nm_status nm_classify_parse(nm_ctx *ctx, const char *text, nm_classify_spec *out);

/* Classifies 'values' (NaN = missing, skipped and counted apart).
 *   values    n values; for deciles/quintiles ranks or decile numbers
 *   spec      the method
 *   polarity  +1 when a higher value is worse (scores, rates), -1 when a
 *             lower value is worse (ranks); decides which end of the range
 *             is class k-1, the darkest.  Deciles and quintiles ignore it:
 *             decile 1 is always the most deprived and so class 9.
 *   out       OUT: the classes; caller frees with nm_classes_free()
 * Quantile rule: with the n non-missing values sorted as x[0..n-1], class
 * j (ascending, 1 <= j < N) starts at the break x[floor(j*n/N)] (0-based),
 * and a value belongs to the highest class whose break it reaches, so equal
 * values are never split (ties go up).  Without ties this puts the value at
 * sorted position i (1-based) in class ceil(i*N/n) - 1, MHCLG's decile rule,
 * so quantile:10 of national ranks gives the national deciles.  Breaks that
 * coincide (or equal the minimum) would make empty classes: they are
 * merged, the result has fewer classes than asked (see nm_classes_count()),
 * and a warning is logged on ctx.
 * Returns NM_OK; NM_USAGE for no non-missing value, more classes than
 * distinct values (the message says how many there are), a polarity other
 * than +1/-1 or a bad spec; NM_BADDATA for a rank outside 1..N or a decile
 * outside 1..10 (message names the value's position); NM_NOMEM. */
nm_status nm_classify(nm_ctx *ctx, const double *values, size_t n, const nm_classify_spec *spec,
                      int polarity, nm_classes **out);

/* Frees a classification; NULL is a no-op. */
void nm_classes_free(nm_classes *c);

/* Number of classes k (national deciles always 10, quintiles 5, even when
 * some are empty). */
int nm_classes_count(const nm_classes *c);

/* Bounds of class i (0..k-1): lower <= v < upper (the highest-valued class
 * also holds its upper bound).  Data-driven methods bound the outer classes
 * by the data's minimum and maximum; fixed breaks leave them at -INFINITY
 * and +INFINITY; deciles and quintiles give the
 * first rank (or decile number) of the class and one past its last.  NaN
 * for an i out of range. */
double nm_classes_lower(const nm_classes *c, int i);
double nm_classes_upper(const nm_classes *c, int i);

/* The legend label of class i, e.g. "10.0 to under 20.0", "1 to 3,284",
 * "1 (most deprived 10%)".  Owned by c, valid until nm_classes_free().
 * NULL for an i out of range. */
const char *nm_classes_label(const nm_classes *c, int i);

/* Replaces the legend label of class i, for classes whose meaning the
 * caller knows better than their range ("No change").  Returns NM_OK,
 * NM_USAGE for an i out of range, NM_NOMEM. */
nm_status nm_classes_relabel(nm_ctx *ctx, nm_classes *c, int i, const char *label);
/* Number of input values in class i (0 for an empty class), -1 for an i out
 * of range. */
long nm_classes_members(const nm_classes *c, int i);

/* The number of classes asked for (quantile, equal, jenks: N; fixed
 * breaks: one more than the breaks given), which nm_classes_count() can
 * be below when tied values or the possible range merged classes. */
int nm_classes_asked(const nm_classes *c);

/* When quantile classes were merged: how many values share the most
 * repeated value, which goes in OUT value (may be NULL).  0 otherwise. */
long nm_classes_tie(const nm_classes *c, double *value);

/* A value as the labels write it ("25%" for shares, "1,234.5"), into a
 * buffer of 'size' bytes. */
void nm_classes_format(const nm_classes *c, double v, char *out, size_t size);

/* Number of missing (NaN) input values. */
long nm_classes_missing(const nm_classes *c);

/* The class (0..k-1) of a value under these classes; -1 for NaN, and for a
 * rank or decile that is out of range. */
int nm_classes_of(const nm_classes *c, double value);

/* ---- palettes ---------------------------------------------------------- */

typedef struct nm_rgb {
    uint8_t r, g, b;
} nm_rgb;

typedef enum nm_palette_kind {
    NM_PALETTE_SEQUENTIAL = 0,
    NM_PALETTE_DIVERGING = 1
} nm_palette_kind;

/* ColorBrewer's published suitability of a scheme at a class count. */
typedef enum nm_palette_fit {
    NM_FIT_NO = 0,
    NM_FIT_YES = 1,
    NM_FIT_MAYBE = 2 /* ColorBrewer's "?" */
} nm_palette_fit;

typedef struct nm_palette_info {
    const char *name; /* static storage */
    nm_palette_kind kind;
    int max_official;           /* most classes ColorBrewer defines: 9 or 11 */
    nm_palette_fit colourblind; /* safe for colour-blind readers */
    nm_palette_fit print;       /* survives colour printing */
    nm_palette_fit photocopy;   /* survives greyscale photocopying */
} nm_palette_info;

/* Colour-blind safe and lightness-monotone: the default fill (ColorBrewer
 * up to 9 classes, spaced by measurement past them; see nm_palette()). */
#define NM_PALETTE_DEFAULT "YlOrRd"
/* The greyscale option: greys from #fcfcfc to #3b3b3b (never near-black,
 * so outlines still show), spaced at equal CIEDE2000 steps for any count. */
#define NM_PALETTE_GREYSCALE "Greyscale"

/* The smallest colour differences (CIEDE2000) that the default schemes
 * keep between adjacent classes, in normal vision and under simulated
 * deuteranopia and protanopia. */
#define NM_PALETTE_MIN_DE_NORMAL 8.0
#define NM_PALETTE_MIN_DE_CVD 5.0

typedef enum nm_vision {
    NM_VISION_NORMAL = 0,
    NM_VISION_DEUTERANOPIA = 1, /* Machado, Oliveira & Fernandes 2009, severity 1.0 */
    NM_VISION_PROTANOPIA = 2
} nm_vision;

/* CIELAB (D65) of an sRGB colour as seen with 'vision' (the simulation
 * works on linear RGB, clipped to the gamut).  OUT lab: L*, a*, b*. */
void nm_colour_lab(nm_rgb c, nm_vision vision, double lab[3]);

/* The CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu and
 * Dalal 2005, kL = kC = kH = 1). */
double nm_colour_difference(const double lab1[3], const double lab2[3]);

/* The smallest CIEDE2000 difference between adjacent colours of 'c' (n
 * of them) for each vision: OUT min_de[NM_VISION_NORMAL ..
 * NM_VISION_PROTANOPIA].  0 when n < 2. */
void nm_palette_contrast(const nm_rgb *c, int n, double min_de[3]);

/* Fills 'out' with 'nclasses' colours of a named scheme, lightest (class 0)
 * to darkest (class nclasses-1) for sequential schemes; 'reverse' non-zero
 * turns the order round.  ColorBrewer's own colours for 3..9 classes (3..11
 * for diverging schemes); 1 and 2 classes take the ends of the 3-class
 * scheme (1: its darkest); 10 and 11 sequential classes lie on the path
 * through the 9-class scheme's colours (piecewise linear in CIELAB), placed
 * so that the smallest adjacent difference, in CIEDE2000 over the
 * thresholds above and in all three visions, is as large as it can be;
 * both ends stay ColorBrewer's and lightness stays monotone.  "Greyscale"
 * is constructed the same way for every count.  Diverging schemes list
 * their warm end first (RdYlBu: red), as ColorBrewer does; the maps put
 * that end on the most deprived class.
 *   name      a scheme name, case-insensitive ("YlOrRd", "Blues", "RdBu")
 *   nclasses  1..11
 *   reverse   0 or 1
 *   out       OUT: nclasses colours
 * Returns NM_OK, NM_NOTFOUND for an unknown name (the message lists the
 * names), NM_USAGE for a class count outside 1..11. */
nm_status nm_palette(nm_ctx *ctx, const char *name, int nclasses, int reverse, nm_rgb *out);

/* Describes a scheme at a class count (suitability flags per ColorBrewer's
 * guidance; interpolated sequential counts keep the colour-blind flag and
 * have print and photocopy NM_FIT_NO, as ColorBrewer gives no guidance).
 *   out  OUT: the description
 * Returns NM_OK, NM_NOTFOUND or NM_USAGE as nm_palette(). */
nm_status nm_palette_describe(nm_ctx *ctx, const char *name, int nclasses, nm_palette_info *out);

/* The name of the i-th scheme (sequential ones first), NULL past the end:
 * for (i = 0; (name = nm_palette_name(i)); i++) lists them all.  Static
 * storage. */
const char *nm_palette_name(int i);

/* The fill for areas with missing data: a light grey that no sequential
 * scheme's class uses, to be drawn with thin diagonal hatching in 'hatch'
 * so it stays distinct in greyscale.  Either pointer may be NULL. */
void nm_palette_missing(nm_rgb *fill, nm_rgb *hatch);

#ifdef __cplusplus
}
#endif
#endif /* NEEDSMAP_CLASSIFY_H */
