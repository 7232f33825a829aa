/*
 * Ingest: reads boundary files, indicator tables, the official English
 * Indices of Deprivation files and ONS lookups into the store.  Each import
 * is one transaction: a file with any error leaves the store byte for byte
 * as it was, and every bad row or feature is reported (once per kind of
 * problem, with a count) through the context's log callback.  Shapefiles are
 * read with shapelib, every other format with GDAL/OGR; coordinates are
 * transformed to EPSG:27700 with PROJ.
 */
#ifndef NEEDSMAP_INGEST_H
#define NEEDSMAP_INGEST_H

#include "needsmap/core.h"
#include "needsmap/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an import did.  Filled on success and, as far as it got, on
 * failure. */
typedef struct nm_import_result {
    long rows;          /* rows or features read */
    long stored;        /* areas, values or memberships written */
    long indicators;    /* indicators created or replaced */
    long unmatched;     /* codes that match no stored area (a warning) */
    long repaired;      /* invalid geometries met (kept; see DESIGN) */
    long skipped;       /* rows left out on purpose (e.g. other countries) */
    long dataset;       /* id of the dataset row */
    char codes[32];     /* the codes values were filed under, "lsoa 2021"
                           ("" for imports of no values) */
} nm_import_result;

/* Shared by every import. */
typedef struct nm_import_common {
    const char *path;   /* the input file */
    int strict;         /* unmatched codes are an error, not a warning */
} nm_import_common;

typedef struct nm_boundaries_opts {
    nm_import_common in;
    const char *level;      /* lsoa, msoa, ward, lad, region, locality, oa (required) */
    const char *code_field; /* NULL: detected from ONS headings (LSOA11CD, ...) */
    const char *name_field; /* NULL: detected (LSOA11NM, ...); may be absent */
    int vintage;            /* 0: from the code heading (LSOA11CD -> 2011) */
    const char *crs;        /* NULL: the source's own (.prj, GeoJSON crs); else "EPSG:N" */
    const char *extent;     /* NULL: every area must lie in England; else
                               "XMIN,YMIN,XMAX,YMAX" in EPSG:27700 metres */
} nm_boundaries_opts;

/* Imports areas from a shapefile or any OGR vector source.  Areas already
 * stored with the same level, vintage and code are replaced.  Returns NM_OK,
 * NM_USAGE (options), NM_NOTFOUND (file), NM_BADDATA (file content). */
nm_status nm_import_boundaries(nm_store *store, const nm_boundaries_opts *opts,
                               nm_import_result *result);

typedef struct nm_iod_opts {
    nm_import_common in;
    const char *period; /* NULL: from the file (name, headings) */
} nm_iod_opts;

/* Imports an official English Indices of Deprivation file (IoD 2019 Files
 * 1-7 or the assembled file, IoD 2025, IMD 2010, IMD 2007; CSV or XLSX).
 * Every score, rank, decile and population column becomes an indicator with
 * a stable short id (imd_score, idaci_rank, pop_0_15, ...).  Values of an
 * indicator and period already stored are replaced. */
nm_status nm_import_iod(nm_store *store, const nm_iod_opts *opts, nm_import_result *result);

typedef struct nm_indicators_opts {
    nm_import_common in;
    const char *key;     /* column holding the area code (required) */
    const char *level;   /* NULL: from the codes (E01 -> lsoa, E05 -> ward, ...) */
    int vintage;         /* 0: from the key heading, else the latest stored */
    const char *period;  /* required unless the file says */
    const char *columns; /* comma-separated subset of columns, NULL for all numeric */
    const char *source;  /* attribution text; NULL: the file name */
} nm_indicators_opts;

/* Imports any table keyed by area code: one indicator per numeric column;
 * the id is the heading made lowercase with underscores. */
nm_status nm_import_indicators(nm_store *store, const nm_indicators_opts *opts,
                               nm_import_result *result);

typedef struct nm_lookup_opts {
    nm_import_common in;
    const char *child;        /* column of child codes (required) */
    const char *parent;       /* column of parent codes (required) */
    const char *child_level;  /* NULL: from the heading (LSOA11CD -> lsoa) */
    const char *parent_level; /* required */
    int child_vintage;        /* 0: from the heading */
    int parent_vintage;       /* 0: from the heading */
} nm_lookup_opts;

/* Imports memberships child -> parent from a lookup table (ONS LSOA to ward,
 * LSOA 2001 to 2011, ward or LAD to region).  Parent names found beside the
 * code column (WD19CD -> WD19NM) are stored as areas without a boundary
 * where no area of that code exists. */
nm_status nm_import_lookup(nm_store *store, const nm_lookup_opts *opts, nm_import_result *result);

typedef struct nm_localities_opts {
    nm_import_common in;
    const char *ward_column;     /* NULL: "ward", "ward code", "ward name" or an ONS WDnnCD/NM */
    const char *locality_column; /* NULL: "locality" or "locality name" */
    const char *code_column;     /* NULL: "locality code" when present, else codes are made */
    const char *code_prefix;     /* NULL: "LOC-" (West -> LOC-WEST; with 'within'
                                    LOC-E06000009-WEST) */
    const char *within;          /* code of the council: only its wards are matched, and
                                    only localities holding its wards replaced; NULL: all */
} nm_localities_opts;

/* Imports a table of ward (code, or name matched ignoring case and
 * punctuation: "St Luke's" = "St. Luke's") to locality name.  Makes areas
 * of level 'locality' (vintage = the wards') whose boundary is the union
 * of their wards, and memberships ward -> locality (method 'lookup'),
 * replacing the localities stored before.  Returns NM_BADDATA (an unknown
 * or ambiguous ward, a ward in two localities, an empty file; nothing
 * stored), NM_NOTFOUND (file, no ward boundaries). */
nm_status nm_import_localities(nm_store *store, const nm_localities_opts *opts,
                               nm_import_result *result);

typedef struct nm_incidents_opts {
    nm_import_common in;
    const char *x, *y;      /* coordinate columns; NULL: detected (longitude/latitude,
                               lon/lat, easting/northing) */
    const char *crs;        /* "EPSG:4326" or "EPSG:27700"; NULL: from the columns
                               (longitude/latitude -> 4326, easting/northing -> 27700) */
    const char *date;       /* column of dates; NULL: "month" or "date" if present */
    const char *category;   /* column of categories; NULL: "crime_type", "category" */
    const char *sex;        /* column of the victim's sex; NULL: none */
    const char *children;   /* column saying children were present; NULL: none */
    const char *where;      /* "COLUMN=VALUE": only rows with that value; NULL: all */
    const char *name;       /* name of the set; NULL: the file name without extension */
    const char *source;     /* attribution; NULL: the police.uk statement */
} nm_incidents_opts;

/* Imports incidents (points) from a CSV or spreadsheet through the table
 * reader.  Coordinates are transformed to EPSG:27700; rows without usable
 * coordinates (empty, not a number, outside the CRS's range) are reported
 * with their lines and left out, as are rows whose date cannot be read
 * (kept, without a date); the import fails with NM_BADDATA only when no row
 * has usable coordinates.  Sex is normalised to F/M, children to 1/0, dates
 * to 'YYYY-MM' or 'YYYY-MM-DD'.  Points in no stored area of the finest
 * level with boundaries are counted in result->unmatched and reported.  The
 * earlier incidents of the same name are replaced, in one transaction.
 * result->skipped counts rows left out (bad coordinates or --where). */
nm_status nm_import_incidents(nm_store *store, const nm_incidents_opts *opts,
                              nm_import_result *result);

/* ---- ONS code headings ------------------------------------------------ */

/* Recognises an ONS code heading such as "LSOA11CD", "WD13CD", "lsoa01_code"
 * or "LSOA code (2011)".  Sets *level (static string) and *vintage and
 * returns 1; returns 0 when the heading is not one. */
int nm_ons_code_heading(const char *heading, const char **level, int *vintage);

/* ---- DfE statistical neighbours (neighbours.c) ------------------------- */

#define NM_SN_MAX 10

/* One authority of a DfE statistical-neighbour file. */
typedef struct nm_sn_row {
    int number;            /* old three-digit LA number (882) */
    char *file_name;       /* its name in the file; owned */
    char *code, *name;     /* the stored upper-tier authority found by name; owned */
    const char *level;     /* its stored level ("county" or "utla"), static */
    int vintage;           /* its code year */
    long line;
    int nsn;               /* neighbours given */
    int sn_number[NM_SN_MAX];
    long sn[NM_SN_MAX];    /* index of each neighbour in rows */
} nm_sn_row;

typedef struct nm_sn_table {
    nm_sn_row *rows; /* owned */
    size_t n;
    char model[8];   /* "2021", "2025" */
} nm_sn_table;

/* Reads a DfE file (New_Statistical_Neighbour_Groupings_April_2021.csv,
 * sn_model_2025_wide.csv) and finds each authority's ONS code by its name
 * among the stored upper-tier names.  'model' NULL: from the file name.
 * Every name that matches none (with the nearest stored one) and every
 * neighbour number that is no authority of the file is reported; any makes
 * it NM_BADDATA.  NM_USAGE: an unknown model; NM_NOTFOUND: no upper-tier
 * names stored.  Free with nm_sn_table_clear(). */
nm_status nm_neighbours_read(nm_store *store, const char *path, const char *model,
                             nm_sn_table *out);
void nm_sn_table_clear(nm_sn_table *t);

typedef struct nm_neighbours_opts {
    nm_import_common in;
    const char *model; /* "2021" or "2025"; NULL: from the file name */
} nm_neighbours_opts;

/* Stores the neighbours of a DfE file as memberships authority ->
 * neighbour (level "neighbour", method "dfe-sn-MODEL", weight the place
 * 1..10), replacing the model's earlier ones; one transaction. */
nm_status nm_import_neighbours(nm_store *store, const nm_neighbours_opts *opts,
                               nm_import_result *result);

#ifdef __cplusplus
}
#endif
#endif /* NEEDSMAP_INGEST_H */
