/*
 * Analyse: which areas a figure covers, and the values it shows.  Selects
 * the areas of a level within a parent area (through stored memberships, or
 * by the position of each area's interior point where no membership
 * exists), reads an indicator's values for them, and re-ranks them within
 * their region or within the selection.  Drawing and classing are left to
 * classify and render.
 */
#ifndef NEEDSMAP_ANALYSE_H
#define NEEDSMAP_ANALYSE_H

#include <stddef.h>

#include "needsmap/core.h"
#include "needsmap/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A set of areas of one level and vintage, each with its code, name and
 * boundary extent. */
typedef struct nm_areas nm_areas;

/* Selects the areas of 'level' that have a boundary.  'vintage' 0 takes
 * the latest vintage with boundaries.  'within' NULL selects them all;
 * otherwise the code of a parent area (a local authority, region, ward or
 * locality): its descendants through memberships, or, when none are
 * stored, the areas whose interior point lies in its boundary.  Returns
 * NM_NOTFOUND (no such level or parent), NM_USAGE (empty selection).
 * Caller frees with nm_areas_free(). */
nm_status nm_areas_select(nm_store *store, const char *level, int vintage, const char *within,
                          nm_areas **out);
void nm_areas_free(nm_areas *areas);
/* The areas of an older code year that make up 'set' (same level), by the
 * stored lookup between the years: every old area with a part in the set,
 * an old area split into several counting once; one split between the set
 * and others counts where most of its parts are (OUT 'split_across': how
 * many were split so).  Used to summarise a release on older codes (IMD
 * 2007 on 2001 LSOAs) for an area of newer ones.  The result has no
 * boundaries.  Returns NM_NOTFOUND when no lookup leads to the set.
 * Caller frees with nm_areas_free(). */
nm_status nm_areas_older(nm_store *store, const nm_areas *set, int vintage, nm_areas **out,
                         long *split_across);

/* The areas of sets[0], then those of sets[1], ... as one set, of the
 * first set's level and vintage, its extent theirs (the LSOAs of several
 * wards).  An area in two sets is there twice.  Returns NM_USAGE when n is
 * 0.  Caller frees with nm_areas_free(). */
nm_status nm_areas_concat(nm_store *store, nm_areas *const *sets, size_t n, nm_areas **out);

/* Gives 'a' the extent [minx, miny, maxx, maxy] of all its areas, as a
 * caller that read every geometry of them measured it, so that
 * nm_areas_extent need not read them again; an extent already known is
 * kept. */
void nm_areas_measured(nm_areas *a, const double ext[4]);

size_t nm_areas_count(const nm_areas *areas);
const char *nm_areas_code(const nm_areas *areas, size_t i);  /* owned by areas */
const char *nm_areas_name(const nm_areas *areas, size_t i);  /* "" when none */
long nm_areas_rowid(const nm_areas *areas, size_t i);        /* area.id in the store */
const char *nm_areas_level(const nm_areas *areas);
int nm_areas_vintage(const nm_areas *areas);
/* Name of the parent given as 'within' ("Southend-on-Sea"), or "". */
const char *nm_areas_within_name(const nm_areas *areas);
/* How a selection within an area was made, for a source line: "Essex:
 * LSOA 2021 to LAD 2024 by the lookup X.csv; LAD 2023 to UTLA 2023 by the
 * lookup Y.csv."  *out is NULL for a whole level (or when no step is
 * known); caller frees with nm_free(). */
nm_status nm_areas_selection_said(nm_store *store, const nm_areas *areas, char **out);
/* The dataset (nm_store dataset id) the boundary of area i came from. */
long nm_areas_dataset(const nm_areas *areas, size_t i);
/* Bounding box of the areas, BNG metres.  For a selection of a whole level
 * it is read from the store when first asked for: the store must still be
 * open. */
void nm_areas_extent(const nm_areas *areas, double *minx, double *miny, double *maxx,
                     double *maxy);

/* Selects the areas of 'level' (with a boundary) that the set's areas
 * belong to, through memberships up to two levels up (the wards of a set
 * of LSOAs); where none are stored, those holding the interior point of
 * one of the set's areas.  Used for outlines and labels drawn over a map.
 * Caller frees with nm_areas_free(). */
nm_status nm_areas_parents(nm_store *store, const nm_areas *areas, const char *level,
                           nm_areas **out);

/* The ward each LSOA of a set lies in, by the stored LSOA -> ward
 * memberships of the store's ward year: an official lookup wins over a
 * point-in-polygon membership, that over an area share.  A set of an
 * older code year than 'newer_vintage' (0: the set's own) takes the ward
 * of each LSOA's part of that year (the first, when split).  code[i] and
 * name[i] are NULL where the LSOA has none; a ward without a stored name
 * is named by its code.  Clear with nm_area_wards_clear(). */
typedef struct nm_area_wards {
    char **code, **name; /* n of each */
    size_t n;
    size_t found;        /* LSOAs with a ward */
    int vintage;         /* the wards' year, 0 when the store has none */
} nm_area_wards;
nm_status nm_areas_wards(nm_store *store, const nm_areas *set, int newer_vintage,
                         nm_area_wards *out);
void nm_area_wards_clear(nm_area_wards *w);

/* The name of the area of 'place_level' (ward, lad, ...) each area of a
 * set lies in, by the stored memberships of any year: an official
 * lookup's first, then the largest share.  Only the areas i with want[i]
 * are asked (all when 'want' is NULL).  OUT names: one a set's area, NULL
 * where not asked or none; free with nm_place_names_free(names, count of
 * the set). */
nm_status nm_areas_place_names(nm_store *store, const nm_areas *set, const char *place_level,
                               const unsigned char *want, char ***names);
void nm_place_names_free(char **names, size_t n);

/* A point index over the stored boundaries of a set of areas: which area
 * holds a point (incidents counted per area, and at import those in no
 * area).  Builds it from the boundaries of every area of 'areas'.  Caller
 * frees with nm_pip_free(). */
typedef struct nm_pip nm_pip;
nm_status nm_pip_build(nm_store *store, const nm_areas *areas, nm_pip **out);
void nm_pip_free(nm_pip *p);
/* The area (index into the set) whose polygon holds (x, y), BNG metres, or
 * -1 when none does.  Half-open crossing rule: a point on an edge shared
 * by two areas belongs to exactly one of them. */
long nm_pip_find(const nm_pip *p, double x, double y);
/* Finest level that has stored boundaries (oa, lsoa, msoa, ward, ...), or
 * NULL when the store has none.  Static string. */
const char *nm_pip_finest_level(nm_store *store);

/* How values are ranked before classing. */
typedef enum nm_rank_scope {
    NM_RANK_NONE = 0,     /* the stored values as they are */
    NM_RANK_NATIONAL = 1, /* the stored values; rank indicators keep their national rank */
    NM_RANK_REGION = 2,   /* position among all areas of the same region, 1 = most deprived */
    NM_RANK_LOCAL = 3     /* position within the selection, 1 = most deprived */
} nm_rank_scope;

/* An indicator's values for a set of areas. */
typedef struct nm_values {
    double *value;     /* per area of the set, NAN where missing; owned */
    long *group_size;  /* per area: areas ranked together (REGION, LOCAL), else 0 */
    char **group_name; /* per area: region name for REGION ranks; owned */
    long national_n;   /* areas its ranks count against: the values stored for its
                          level, or England's LSOAs when only some are stored */
    int polarity;      /* of the values returned: ranked values are -1 */
    char key[64];
    char period[32];
    char unit[16];
    char *label;       /* owned */
    char *source;      /* attribution of the indicator's dataset; owned */
    char *group_label; /* e.g. "East of England" when one region; owned, may be "" */
    size_t n;
} nm_values;

/* Reads indicator 'key' (period NULL: the latest) for every area of the
 * set and ranks as asked.  Values are matched by code; an indicator whose
 * codes are of another vintage (IMD 2007 on 2001 LSOAs) is carried to the
 * set's vintage through stored LSOA 2001 -> 2011 memberships where the
 * area is unchanged.  Returns NM_NOTFOUND (no such indicator or period).
 * Free with nm_values_clear(). */
nm_status nm_values_read(nm_store *store, const nm_areas *areas, const char *key,
                         const char *period, nm_rank_scope scope, nm_values *out);
void nm_values_clear(nm_values *v);
/* How many of the set's areas have a value (not NAN); 0 for NULL. */
size_t nm_values_known(const nm_values *v);


/* ---- what the user typed (resolve.c) ----------------------------------- */

/* Turns an area as a user gives it -- its code in any case ("e06000009")
 * or its stored name ignoring case ("Blackpool", "southend-on-sea") -- into
 * the stored code, which every other call takes.  Returns NM_OK with *code
 * set (caller frees with nm_free()); NM_USAGE when several areas carry the
 * name (the message lists their codes, names and levels); NM_NOTFOUND when
 * nothing matches (the message suggests the nearest codes or names). */
nm_status nm_resolve_area(nm_store *store, const char *text, char **code);
/* Returns NM_OK when indicator 'key' is stored (any period), else
 * NM_NOTFOUND with the nearest ids suggested ("did you mean imd_decile?"). */
nm_status nm_resolve_indicator(nm_store *store, const char *key);

/* ---- memberships computed from boundaries (assign.c) ------------------ */

typedef enum nm_assign_method {
    NM_ASSIGN_POINT = 0, /* the parent holding the child's interior point, weight 1 */
    NM_ASSIGN_AREA = 1   /* each parent overlapping the child, weight = share of its area */
} nm_assign_method;

typedef struct nm_assign_opts {
    const char *child_level;  /* e.g. "lsoa" (required) */
    const char *parent_level; /* e.g. "ward" (required) */
    int child_vintage;        /* 0: the latest with boundaries */
    int parent_vintage;       /* 0: the latest with boundaries */
    nm_assign_method method;
    const char *within;       /* only the children within this area (as nm_areas_select), or NULL */
    double min_share;         /* area method: parts smaller than this share of the child are
                                 dropped and the rest renormalised; 0: 0.001 (0.1%) */
} nm_assign_opts;

/* A child whose assigned parent differs from the official lookup's. */
typedef struct nm_disagreement {
    char *child;
    char *assigned; /* the parent assigned (area method: the largest share) */
    char *lookup;   /* the lookup's parent (the largest weight) */
} nm_disagreement;

typedef struct nm_assign_result {
    long children;    /* children with a boundary considered */
    long assigned;    /* of which were given a parent */
    long memberships; /* rows stored */
    long slivers;     /* area method: overlaps dropped as below min_share */
    long compared;    /* children that an official lookup of the same levels also places */
    long disagree;    /* of which the lookup places in another parent */
    nm_disagreement *disagreements; /* 'disagree' of them; owned, free with
                                       nm_assign_result_clear() */
    long lookups_differ; /* stored lookups (of any parent year) that place
                            some child elsewhere; each is logged */
} nm_assign_result;

/* Stores memberships child -> parent computed from the boundaries (method
 * 'point' or 'area'), replacing earlier ones of the same levels, vintages
 * and method (for the children considered, with 'within').  Children whose
 * point lies in no parent, and disagreements with a stored official lookup
 * of the same levels, are reported as a warning (count and first few); the
 * full list is in 'result' and logged at info level.  Returns NM_USAGE
 * (options), NM_NOTFOUND (no boundaries of a level).  'result' may be NULL. */
nm_status nm_assign(nm_store *store, const nm_assign_opts *opts, nm_assign_result *result);
/* Frees what a result owns; safe on a zeroed struct. */
void nm_assign_result_clear(nm_assign_result *result);

/* ---- aggregates to larger areas (aggregate.c) -------------------------- */

typedef struct nm_aggregate_opts {
    const char *to;         /* ward, locality, lad, ... (required) */
    const char *from;       /* NULL: "lsoa" */
    const char *within;     /* only the parents with a child within this area, or NULL */
    const char *indicators; /* comma-separated ids or domains ("imd_score,idaci_rank");
                               NULL: "imd" */
    const char *period;     /* NULL: the latest of each indicator */
} nm_aggregate_opts;

typedef struct nm_aggregate_result {
    long parents;      /* areas given values */
    long children;     /* distinct child areas used */
    int series;        /* indicators stored */
    char prefix[24];   /* what the stored ids start with, e.g. "ward_" */
    char period[32];   /* period they were stored under */
    long dataset;      /* id of the dataset row */
} nm_aggregate_result;

/* Sums and population-weighted means of child-area indicators for each
 * parent area reached through memberships (weights multiply along a chain
 * such as LSOA -> ward -> locality; where a child has memberships of
 * several methods, 'lookup' is preferred to 'point', and 'point' to
 * 'area').  Stored as indicators of the parent level named
 * "<to>_<id>": <to>_pop_total, <to>_pop_0_15, <to>_lsoas, for each domain D
 * <to>_D_score_pw, and <to>_D_{nat,reg}{10,20}_{lsoas,share,people,children}
 * (national deciles; positions within the region as in NM_RANK_REGION).
 * nm_values_read() finds them also by the short id (imd_score_pw) for areas
 * of that level.  Returns NM_USAGE (options, nothing to aggregate),
 * NM_NOTFOUND (an indicator, the population).  'result' may be NULL. */
nm_status nm_aggregate(nm_store *store, const nm_aggregate_opts *opts,
                       nm_aggregate_result *result);

/* England's figures for the short ids of nm_aggregate's measures
 * ("pop_total", "lsoas", "imd_score_pw", "imd_nat10_share", ...), computed
 * from every stored LSOA value of 'period' (NULL: the latest): out[i] for
 * ids[i], NAN where ids[i] is NULL, is none of those measures (the
 * regional ones included), or its LSOA values or the LSOA populations are
 * not stored for every LSOA of England of their code year (32,482 in 2001,
 * 32,844 in 2011, 33,755 in 2021): a store of one council gives no
 * England figures rather than its own under England's name.  Used for the England row beside a borough's wards.  Always
 * returns NM_OK; a figure it cannot compute is NAN. */
nm_status nm_england_values(nm_store *store, const char *period, const char *const *ids,
                            size_t n, double *out);

/* England's LSOAs in the code year 'vintage' (ONS): 32,482 in 2001, 32,844
 * in 2011, 33,755 in 2021; 0 for any other year.  MHCLG ranks every one, so
 * the national ranks of IoD 2019 run to 32,844 and of IoD 2025 to 33,755,
 * whatever a store holds of them. */
long nm_england_lsoas(int vintage);

/* How many areas national ranks count against, from the 'stored' values of
 * an LSOA indicator on codes of 'vintage' and the highest rank 'top' among
 * them: 'stored' when the ranks stay within it (a whole country stored),
 * else England's LSOAs of that year, never below 'top'.  The one rule for
 * every caller, so that a store of one council's File 7 rows ranks them of
 * 33,755 everywhere. */
long nm_rank_denominator(long stored, long top, int vintage);

/* What England's figures stand on: the LSOA populations (pop_total) of
 * 'period' (NULL: the latest) stored, of how many LSOAs England has in
 * their code year.  A report says why England's column is empty with it. */
typedef struct nm_england_cover {
    char key[64]; /* the indicator counted: "pop_total" */
    int vintage;  /* its LSOAs' code year, 0 when it is not stored for LSOAs */
    long stored;  /* LSOAs with a value */
    long england; /* England's LSOAs of that year (33,755 in 2021), 0 when unknown */
} nm_england_cover;

/* Fills 'out' (zero counts when the populations are not stored).  Always
 * returns NM_OK. */
nm_status nm_england_coverage(nm_store *store, const char *period, nm_england_cover *out);

/* ---- incidents per area ------------------------------------------------ */

/* Exact (Garwood) two-sided confidence interval for a Poisson count k:
 * lo = Gamma(k).quantile(alpha/2) (0 when k = 0), hi =
 * Gamma(k + 1).quantile(1 - alpha/2), alpha = 1 - conf. */
void nm_poisson_ci_exact(long k, double conf, double *lo, double *hi);

/* One area's result, passed to nm_count_opts.on_row. */
typedef struct nm_count_row {
    const char *code, *name;
    long count;                 /* incidents in the area */
    double count_lo, count_hi;  /* exact 95% interval of the count */
    double population;          /* the --per denominator, NAN when none */
    double rate, rate_lo, rate_hi; /* per 1,000 of it, NAN when none */
    int suppressed;             /* count below the threshold: not to be shown */
    long female, male;          /* counts by sex, when asked for (else 0) */
    double female_rate, male_rate; /* per 1,000 of the female/male denominators */
} nm_count_row;

typedef struct nm_count_opts {
    const char *level;     /* level of the areas counted in (required), e.g. "ward" */
    int vintage;           /* 0: the latest with boundaries */
    const char *within;    /* parent area code, NULL: every area of the level */
    const char *incidents; /* name of the imported set, NULL: all incidents */
    const char *category;  /* only this category, NULL: all */
    const char *sex;       /* "F" or "M", NULL: all */
    const char *from, *to; /* date window, 'YYYY-MM' or 'YYYY-MM-DD', inclusive; NULL: open */
    const char *per;       /* population indicator for rates (pop_total, ...), NULL: counts only */
    const char *per_female, *per_male; /* denominators of rates by sex, NULL: none */
    const char *per_period; /* period of the denominators, NULL: the latest */
    long suppress_below;   /* counts below this are suppressed; 0: 5; < 0: none */
    const char *name;      /* prefix of the indicators stored, NULL: "incidents" */
    void (*on_row)(void *user, const nm_count_row *row); /* NULL: none */
    void *user;
} nm_count_opts;

typedef struct nm_count_result {
    long incidents;   /* incidents read (after the filters) */
    long counted;     /* of which in an area */
    long outside;     /* in none of the areas */
    long areas;
    long suppressed;  /* areas whose count is suppressed */
    long indicators;  /* indicators stored */
    char period[48];  /* of the stored indicators, e.g. "2018-01..2018-06" */
} nm_count_result;

/* Counts incidents per area of a level with needsmap's own point in polygon
 * test (a point on an edge shared by two areas counts in exactly one), with
 * exact Poisson 95% intervals, and rates per 1,000 of a population
 * indicator (summed from LSOAs through memberships when not stored at the
 * level).  Stores, in one transaction, indicators <name>_count,
 * _count_lo, _count_hi, _suppressed (1/0) and, with a denominator, _rate,
 * _rate_lo, _rate_hi (and _f_* / _m_* for --per-female / --per-male), with
 * the date window as their period; suppressed areas have no count or rate
 * stored, only the flag.  Returns NM_USAGE (options), NM_NOTFOUND (no
 * incidents, level, area or indicator).  'result' may be NULL. */
nm_status nm_count_incidents(nm_store *store, const nm_count_opts *opts, nm_count_result *result);

/* ---- change between releases (change.c) -------------------------------- */

/* How an area of the later code year came from those of the earlier one,
 * read from the stored memberships between the years (the ONS change
 * codes U, S, M, X of the LSOA 2011 -> 2021 lookup). */
typedef enum nm_lineage {
    NM_LINEAGE_SAME = 0,    /* the same area: same code year, or unchanged (U) */
    NM_LINEAGE_SPLIT = 1,   /* one part of an older area split into several (S) */
    NM_LINEAGE_MERGED = 2,  /* several whole older areas merged into it (M) */
    NM_LINEAGE_REDRAWN = 3, /* made of parts of older areas shared with others (X) */
    NM_LINEAGE_NONE = 4     /* no older area reaches it through the memberships */
} nm_lineage;

/* "unchanged", "split", "merged", "redrawn", "new"; static storage. */
const char *nm_lineage_name(nm_lineage lineage);

/* An indicator in two releases for one set of areas. */
typedef struct nm_change {
    nm_values now;        /* the later release, as nm_values_read gives it */
    double *then;         /* per area: the earlier value compared, NAN when none; owned */
    char **then_code;     /* per area: the older code it came from, NULL when none; owned */
    nm_lineage *lineage;  /* per area; owned */
    char *then_label;     /* label of the earlier release's indicator; owned */
    char since[32];       /* period of the earlier release */
    char lookup[128];     /* file name of the lookup between the code years, "" when the
                             code years are the same */
    int since_vintage;    /* its code year */
    long then_national_n; /* values of the earlier release stored (its national count) */
    long count[5];        /* areas by lineage */
    long compared;        /* areas with a value in both releases */
    size_t n;
    /* the distinct older areas the set's areas come from, with their
       values in the earlier release (NAN where none), in code order: what
       the earlier release said of the same place */
    char **older_code;    /* owned */
    double *older_value;  /* owned */
    size_t nolder;
} nm_change;

/* Reads indicator 'key' in release 'period' (NULL: the latest) and in the
 * earlier release 'since' for every area of the set.  Only ranks and
 * deciles compare: a score is refused (NM_USAGE), since MHCLG's scores are
 * not on one scale across releases.  An earlier release on other codes is
 * carried through the stored memberships between the two code years: an
 * unchanged or split area takes its older area's value; a merged one the
 * deciles its older areas share, and no value where they differ; a
 * redrawn or new one none.  Returns NM_NOTFOUND (indicator, period, or no
 * lookup between the code years), NM_USAGE.  Free with nm_change_clear(). */
nm_status nm_change_read(nm_store *store, const nm_areas *areas, const char *key,
                         const char *period, const char *since, nm_change *out);
/* Frees what a change owns; safe on a zeroed struct. */
void nm_change_clear(nm_change *change);

/* ---- derived indicators (derive.c) ------------------------------------- */

typedef struct nm_derive_opts {
    const char *id;         /* the new indicator's id, [a-z0-9_] (required) */
    const char *expression; /* + - * / and brackets over indicator ids, numbers and area_ha,
                               each area's land in hectares (required) */
    const char *period;     /* of the inputs and the result; NULL: the first input's latest */
    const char *label;      /* NULL: the expression */
    const char *unit;       /* "share", "per_ha", "count", ...; NULL: "value" */
    int polarity;           /* +1 higher is more deprived, -1 lower is, 0 neither */
} nm_derive_opts;

typedef struct nm_derive_result {
    long areas;      /* areas holding a value of any input */
    long stored;     /* values stored */
    long missing;    /* areas lacking an input */
    long divzero;    /* areas where a division by zero (or overflow) left no value */
    char period[32]; /* of the inputs and the result */
    char level[16];
    int vintage;
} nm_derive_result;

/* Computes indicator 'id' from an expression over stored indicators of
 * one level, code year and period, for every area holding a value of any
 * of them, and stores it in one transaction (replacing earlier values of
 * 'id' for those areas only), with the inputs' sources as its attribution
 * and the expression with its inputs' labels as its definition.  Missing
 * inputs and divisions by zero give missing values, counted in 'result'.
 * Returns NM_USAGE (bad expression, unknown id, inputs of different areas,
 * an id defined by itself).  'result' may be NULL. */
nm_status nm_derive(nm_store *store, const nm_derive_opts *opts, nm_derive_result *result);

#ifdef __cplusplus
}
#endif
#endif /* NEEDSMAP_ANALYSE_H */
