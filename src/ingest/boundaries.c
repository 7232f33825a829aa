/*
 * `import boundaries`: areas from a shapefile or any OGR source into the
 * store's area table.  This file owns the import itself: choosing the code
 * and name fields from ONS headings, text encoding, per-feature checks
 * (empty or duplicated codes, geometry problems), the upsert in one
 * transaction, and the count of invalid geometries.  Reading files is left to
 * bnd_shp.c (shapelib) and bnd_ogr.c (GDAL), coordinates to bnd_proj.c and
 * the validity test to bnd_valid.c.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ingest/bnd_int.h"
#include "ingest/gdal_api.h"
#include "store/store_int.h"
#include "nm_lazy.h"

/* Feature numbers of invalid geometries named in the log. */
#define INVALID_NAMED 5

/* The codes met so far, to find one used twice: open addressing, grown at
 * half full. */
typedef struct seen_code {
    char *code;  /* NULL: empty slot */
    long number; /* feature that used it first */
} seen_code;

typedef struct code_set {
    seen_code *slots;
    size_t cap, len;
} code_set;

/* The state of one import. */
typedef struct importer {
    nm_store *store;
    nm_ctx *ctx;
    const nm_boundaries_opts *opts;
    char level[16];
    int vintage;
    bnd_source *src;
    int code_field, name_field; /* name_field -1: none */
    bnd_proj *proj;
    bnd_valid *valid;
    nmC_diag *diag;
    sqlite3_stmt *upsert;
    int replacing; /* areas of this level and vintage are stored already */
    nmS_bulk *bulk;    /* NULL: SpatiaLite's triggers do the per-row work */
    code_set seen;
    double within[4];  /* England or --extent, in EPSG:27700 metres */
    char within_what[48];
    double use[4];     /* the area of use of the source CRS, in the same */
    char use_what[320];
    int has_use;
    double size_min, size_max; /* plausible areas of the level, m2 */
    nmC_diag *warn;     /* implausible sizes: warned of, not refused */
    nmC_buf code, name; /* UTF-8 text of the current feature */
    long recoded;      /* features whose text was recoded */
    long dataset;
} importer;


static int is_shapefile(const char *path)
{
    return nmC_format_of(path) == NMC_FMT_SHP;
}

static nm_status open_source(nm_ctx *ctx, const char *path, bnd_source **out)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return nmC_fail(ctx, NM_ERROR, "%s: %s", path, strerror(errno));
    return is_shapefile(path) ? nmI_shp_open(ctx, path, out) : nmI_ogr_open(ctx, path, out);
}

/* ---- duplicate codes -------------------------------------------------- */

static size_t hash_code(const char *s)
{
    size_t h = 14695981039346656037u; /* FNV-1a */

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h;
}

static void code_set_free(code_set *set)
{
    size_t i;

    for (i = 0; i < set->cap; i++)
        nm_free(set->slots[i].code);
    nm_free(set->slots);
}

static seen_code *code_set_find(seen_code *slots, size_t cap, const char *code)
{
    size_t i = hash_code(code) & (cap - 1);

    while (slots[i].code && strcmp(slots[i].code, code) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int code_set_grow(code_set *set)
{
    size_t cap = set->cap ? set->cap * 2 : 1024, i;
    seen_code *slots = nm_calloc(cap, sizeof *slots);

    if (!slots)
        return 0;
    for (i = 0; i < set->cap; i++)
        if (set->slots[i].code)
            *code_set_find(slots, cap, set->slots[i].code) = set->slots[i];
    nm_free(set->slots);
    set->slots = slots;
    set->cap = cap;
    return 1;
}

/* Adds 'code' first met at feature 'number'.  Returns the feature that used
 * it before, 0 when it is new, -1 when out of memory. */
static long code_set_add(code_set *set, const char *code, long number)
{
    seen_code *slot;

    if (2 * (set->len + 1) > set->cap && !code_set_grow(set))
        return -1;
    slot = code_set_find(set->slots, set->cap, code);
    if (slot->code)
        return slot->number;
    if (!(slot->code = nm_strdup(code)))
        return -1;
    slot->number = number;
    set->len++;
    return 0;
}

/* ---- fields ----------------------------------------------------------- */

/* "A, B, C": the source's fields, for usage messages. */
static void list_fields(const bnd_source *src, nmC_buf *b)
{
    int i;

    for (i = 0; i < src->nfields; i++)
        nmC_buf_addf(b, "%s%s", i ? ", " : "", src->fields[i]);
    if (src->nfields == 0)
        nmC_buf_addf(b, "none");
}

static int find_field(const bnd_source *src, const char *name)
{
    int i;

    for (i = 0; i < src->nfields; i++)
        if (nmC_strieq(src->fields[i], name))
            return i;
    return -1;
}

/* Fails with NM_USAGE, listing the source's fields after 'fmt'. */
static nm_status fields_usage(importer *im, const char *problem, const char *hint)
{
    nmC_buf b = {0};
    nm_status rc;

    list_fields(im->src, &b);
    rc = nmC_fail(im->ctx, NM_USAGE, "%s: %s; the fields are %s; %s", im->opts->in.path,
                 problem, b.failed ? "(out of memory)" : b.data, hint);
    nmC_buf_free(&b);
    return rc;
}

/* Finds the field of the area codes: the one given, or the only ONS code
 * heading of the level asked for; and the vintage of its codes. */
static nm_status choose_code_field(importer *im)
{
    const nm_boundaries_opts *o = im->opts;
    const char *level;
    char problem[160];
    int i, vintage = 0, found = 0;

    if (o->code_field) {
        im->code_field = find_field(im->src, o->code_field);
        if (im->code_field < 0) {
            snprintf(problem, sizeof problem, "no field '%s'", o->code_field);
            return fields_usage(im, problem, "give another --code");
        }
        if (!nm_ons_code_heading(im->src->fields[im->code_field], &level, &vintage) &&
            !o->vintage)
            return nmC_fail(im->ctx, NM_USAGE,
                           "%s: the vintage of the codes in '%s' is not in its name; give "
                           "--vintage YEAR",
                           o->in.path, o->code_field);
    } else {
        for (i = 0; i < im->src->nfields; i++) {
            int v;
            if (!nm_ons_code_heading(im->src->fields[i], &level, &v) ||
                strcmp(level, im->level) != 0)
                continue;
            if (found++ == 0) {
                im->code_field = i;
                vintage = v;
            }
        }
        if (found != 1) {
            if (found)
                snprintf(problem, sizeof problem, "%d ONS code fields of level %s", found,
                         im->level);
            else
                snprintf(problem, sizeof problem, "no ONS code field of level %s", im->level);
            return fields_usage(im, problem, "give --code FIELD");
        }
    }
    im->vintage = o->vintage ? o->vintage : vintage;
    return NM_OK;
}

/* Finds the field of the area names: the one given, or the ONS name
 * heading that goes with the code heading (LSOA11CD -> LSOA11NM).  A source
 * without names is fine. */
static nm_status choose_name_field(importer *im)
{
    const char *code = im->src->fields[im->code_field];
    char problem[160];
    int i;

    im->name_field = -1;
    if (im->opts->name_field) {
        im->name_field = find_field(im->src, im->opts->name_field);
        if (im->name_field < 0) {
            snprintf(problem, sizeof problem, "no field '%s'", im->opts->name_field);
            return fields_usage(im, problem, "give another --name");
        }
        return NM_OK;
    }
    for (i = 0; i < im->src->nfields && im->name_field < 0; i++)
        if (nmI_ons_is_name_for(code, im->src->fields[i]))
            im->name_field = i;
    return NM_OK;
}

static nm_status check_opts(nm_ctx *ctx, const nm_boundaries_opts *o, char *level, size_t size)
{
    size_t i;

    if (!o || !o->in.path || !*o->in.path)
        return nmC_fail(ctx, NM_USAGE, "import boundaries: no input file given");
    if (!o->level || strlen(o->level) >= size)
        return nmC_fail(ctx, NM_USAGE, "import boundaries: a --level is required");
    for (i = 0; o->level[i]; i++)
        level[i] = (char)(o->level[i] >= 'A' && o->level[i] <= 'Z' ? o->level[i] + 32 : o->level[i]);
    level[i] = '\0';
    if (!nmI_level_valid(level))
        return nmI_level_unknown(ctx, o->level);
    if (o->vintage < 0 || o->vintage > 2100)
        return nmC_fail(ctx, NM_USAGE, "import boundaries: vintage %d is not a year", o->vintage);
    return NM_OK;
}

/* Sets up the transform from the source's CRS (or --crs) to BNG. */
static nm_status choose_crs(importer *im)
{
    const char *path = im->opts->in.path;

    if (im->opts->crs)
        return nmI_proj_new(im->ctx, path, im->opts->crs, "--crs", NM_USAGE, &im->proj);
    if (!im->src->crs)
        return nmC_fail(im->ctx, NM_USAGE,
                       "%s: the file does not say its coordinate reference system (no .prj); "
                       "give --crs EPSG:N (27700 for British National Grid)",
                       path);
    return nmI_proj_new(im->ctx, path, im->src->crs,
                        is_shapefile(path) ? ".prj" : "layer's", NM_BADDATA, &im->proj);
}

/* ---- where the areas must lie ------------------------------------------ */

/* England in EPSG:27700 metres: the ONS boundary files reach x 82,672 to
 * 655,605 and y 5,341 to 657,534 (the Isles of Scilly to Berwick), and a
 * margin of 5 km takes in coastlines drawn more generously.  Wales lies
 * inside this box too, so England-and-Wales files pass.  No CRS has
 * England as its area of use, so this one box is written down here. */
static const double england[4] = {77000, 0, 661000, 663000};

/* Parses --extent "XMIN,YMIN,XMAX,YMAX" (EPSG:27700 metres). */
static nm_status parse_extent(nm_ctx *ctx, const char *text, double box[4])
{
    const char *p = text;
    char part[64];
    int i;

    for (i = 0; i < 4; i++) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if ((i < 3) != (comma != NULL) || n >= sizeof part)
            break;
        memcpy(part, p, n);
        part[n] = '\0';
        if (!nmC_parse_double(part, &box[i]))
            break;
        p = comma ? comma + 1 : p + n;
    }
    if (i < 4 || box[0] >= box[2] || box[1] >= box[3])
        return nmC_fail(ctx, NM_USAGE,
                       "import boundaries: --extent \"%s\" is not XMIN,YMIN,XMAX,YMAX in "
                       "EPSG:27700 metres with XMIN < XMAX and YMIN < YMAX",
                       text);
    return NM_OK;
}

/* Plausible areas in m2 of one area of each level: a few times beyond the
 * smallest and largest of England's (LSOAs 2011: 16,902 m2 to 684 km2;
 * wards 2013: 47,253 m2 to 868 km2; districts 2.9 to 5,027 km2; regions
 * 1,573 to 23,852 km2). */
static const struct {
    const char *level;
    double min, max;
} typical_size[] = {
    {"oa", 200, 1e9},       {"lsoa", 1e3, 3e9},    {"msoa", 1e4, 5e9},
    {"ward", 2e3, 5e9},     {"locality", 1e4, 2e10}, {"lad", 1e5, 2e10},
    {"county", 1e6, 5e10},  {"utla", 1e6, 5e10},  {"region", 1e8, 1e11}, {"country", 1e9, 3e11},
};

/* Sets where the areas must lie (England or --extent, and the area of use
 * of the source CRS) and the plausible sizes of the level. */
static nm_status choose_bounds(importer *im)
{
    const char *crs = im->opts->crs ? im->opts->crs : im->src->crs;
    size_t i;
    nm_status rc = NM_OK;

    memcpy(im->within, england, sizeof england);
    nmC_strlcpy(im->within_what, "England", sizeof im->within_what);
    if (im->opts->extent) {
        rc = parse_extent(im->ctx, im->opts->extent, im->within);
        nmC_strlcpy(im->within_what, "the --extent", sizeof im->within_what);
    }
    im->has_use = crs && nmI_proj_area_of_use(crs, im->use, im->use_what, sizeof im->use_what);
    im->size_min = 0;
    im->size_max = HUGE_VAL;
    for (i = 0; i < sizeof typical_size / sizeof typical_size[0]; i++)
        if (strcmp(typical_size[i].level, im->level) == 0) {
            im->size_min = typical_size[i].min;
            im->size_max = typical_size[i].max;
        }
    return rc;
}

static size_t ring_stride(const gaiaRing *ring)
{
    switch (ring->DimensionModel) {
    case GAIA_XY_Z:
    case GAIA_XY_M: return 3;
    case GAIA_XY_Z_M: return 4;
    default: return 2;
    }
}

/* 0 when a point of the ring is not finite; *at gets its 1-based number
 * counted over the whole geometry, xy its coordinates. */
static int ring_finite(const gaiaRing *ring, long *at, double xy[2])
{
    size_t stride = ring_stride(ring);
    int i;

    for (i = 0; i < ring->Points; i++, (*at)++) {
        const double *c = ring->Coords + (size_t)i * stride;
        if (!isfinite(c[0]) || !isfinite(c[1])) {
            xy[0] = c[0];
            xy[1] = c[1];
            return 0;
        }
    }
    return 1;
}

/* Refuses NaN and infinite coordinates, which no transform or map can
 * place.  Returns 0 after recording the problem. */
static int check_finite(importer *im, const bnd_feature *f, const char *code,
                        gaiaGeomCollPtr geom)
{
    gaiaPolygonPtr pg;
    double xy[2];
    long at = 1;
    int i, ok = 1;

    for (pg = geom->FirstPolygon; pg && ok; pg = pg->Next) {
        ok = ring_finite(pg->Exterior, &at, xy);
        for (i = 0; ok && i < pg->NumInteriors; i++)
            ok = ring_finite(pg->Interiors + i, &at, xy);
    }
    if (!ok)
        nmC_diag_add(im->diag, "geometry-not-finite", 0,
                    "feature %ld (%s): point %ld is not a finite number (x = %g, y = %g)",
                    f->number, code, at, xy[0], xy[1]);
    return ok;
}

/* Degrees of longitude and latitude near Great Britain. */
static const double lonlat[4] = {-15, 45, 10, 65};

static int box_inside(const double *box, double minx, double miny, double maxx, double maxy)
{
    return minx >= box[0] && miny >= box[1] && maxx <= box[2] && maxy <= box[3];
}

/* Refuses a feature outside England (or --extent) or outside the area of
 * use of its CRS: coordinates in another CRS than the one declared (lon/lat
 * said to be British National Grid), or wild values.  'geom' is in BNG. */
static int check_place(importer *im, const bnd_feature *f, const char *code,
                       gaiaGeomCollPtr geom)
{
    const char *where = NULL;

    gaiaMbrGeometry(geom);
    if (!box_inside(im->within, geom->MinX, geom->MinY, geom->MaxX, geom->MaxY))
        where = im->within_what;
    else if (im->has_use && !box_inside(im->use, geom->MinX, geom->MinY, geom->MaxX, geom->MaxY))
        where = im->use_what;
    if (!where)
        return 1;
    nmC_diag_add(im->diag, "geometry-outside", 0,
                "feature %ld (%s): lies outside %s: x %.6g to %.6g, y %.6g to %.6g in "
                "EPSG:27700 metres; %s",
                f->number, code, where, geom->MinX, geom->MaxX, geom->MinY, geom->MaxY,
                !im->proj && box_inside(lonlat, geom->MinX, geom->MinY, geom->MaxX, geom->MaxY)
                    ? "these look like longitude and latitude: give --crs EPSG:4326"
                    : "are the coordinates in the CRS declared?");
    return 0;
}

static double ring_area(const gaiaRing *ring)
{
    size_t stride = ring_stride(ring);
    double a = 0;
    int i;

    for (i = 0; i + 1 < ring->Points; i++) {
        const double *p = ring->Coords + (size_t)i * stride, *q = p + stride;
        a += p[0] * q[1] - q[0] * p[1];
    }
    return fabs(a) / 2;
}

/* Warns of an area far from the sizes its level has in England: a sign of
 * the wrong --level, of units other than metres, or of a broken file. */
static void check_size(importer *im, const bnd_feature *f, const char *code,
                       gaiaGeomCollPtr geom)
{
    gaiaPolygonPtr pg;
    double area = 0;
    int i;

    for (pg = geom->FirstPolygon; pg; pg = pg->Next) {
        area += ring_area(pg->Exterior);
        for (i = 0; i < pg->NumInteriors; i++)
            area -= ring_area(pg->Interiors + i);
    }
    if (area < im->size_min)
        nmC_diag_add(im->warn, "size-small", 0,
                    "feature %ld (%s): %.3g m2, far smaller than any %s of England (below "
                    "%.3g m2): is the level right?",
                    f->number, code, area, im->level, im->size_min);
    else if (area > im->size_max)
        nmC_diag_add(im->warn, "size-large", 0,
                    "feature %ld (%s): %.3g m2, far larger than any %s of England (above "
                    "%.3g m2): is the level right?",
                    f->number, code, area, im->level, im->size_max);
}

/* ---- text ------------------------------------------------------------- */

static int is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

/* Puts field 'field' of the current feature into 'out' as UTF-8, recoding
 * it from the file's encoding when that is not UTF-8.  Returns 1, or 0 after
 * recording a problem.  *is_null is set when the field is null. */
static int field_utf8(importer *im, const bnd_feature *f, int field, nmC_buf *out, int *is_null)
{
    bnd_source *src = im->src;
    const char *raw = src->ops->text(src, field);
    char *recoded = NULL;
    int ok = 1;

    out->len = 0;
    nmC_buf_add(out, "", 0);
    *is_null = raw == NULL;
    if (!raw || is_ascii(raw)) {
        nmC_buf_add(out, raw ? raw : "", raw ? strlen(raw) : 0);
        return 1;
    }
    if (!src->encoding || (src->encoding_guessed && nmC_utf8_valid(raw, strlen(raw)))) {
        ok = nmC_utf8_valid(raw, strlen(raw));
        if (ok)
            nmC_buf_add(out, raw, strlen(raw));
        else
            nmC_diag_add(im->diag, "text-utf8", 0,
                        "feature %ld: field %s is not valid UTF-8 although the file says it is",
                        f->number, src->fields[field]);
        return ok;
    }
    recoded = nmI_gdal_recode(raw, src->encoding);
    ok = recoded && nmC_utf8_valid(recoded, strlen(recoded));
    if (ok) {
        nmC_buf_add(out, recoded, strlen(recoded));
        im->recoded++;
    } else {
        nmC_diag_add(im->diag, "text-recode", 0,
                    "feature %ld: field %s cannot be recoded from %s to UTF-8", f->number,
                    src->fields[field], src->encoding);
    }
    nm_free(recoded);
    return ok;
}

/* ---- features --------------------------------------------------------- */

/* Prepares the statement that stores an area.  A level and vintage the
 * store does not hold yet (the usual first import) takes a plain INSERT:
 * the upsert's conflict check and RETURNING cost a tenth of England's
 * import, and the importer has already refused duplicated codes. */
static nm_status prepare_store(importer *im)
{
    sqlite3_stmt *any = NULL;
    nm_status rc;

    rc = nmS_store_prepare(im->store,
                          "SELECT EXISTS (SELECT 1 FROM area WHERE level = ?1 AND vintage = ?2)",
                          &any);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(any, 1, im->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(any, 2, im->vintage);
    im->replacing = sqlite3_step(any) != SQLITE_ROW || sqlite3_column_int(any, 0);
    sqlite3_finalize(any);
    if (!im->replacing)
        return nmS_store_prepare(im->store,
                                "INSERT INTO area(code, name, level, vintage, dataset, geom) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                &im->upsert);
    return nmS_store_prepare(im->store,
                            "INSERT INTO area(code, name, level, vintage, dataset, geom) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                            "ON CONFLICT(level, vintage, code) DO UPDATE SET "
                            "name = excluded.name, dataset = excluded.dataset, "
                            "geom = excluded.geom RETURNING id",
                            &im->upsert);
}

static nm_status store_area(importer *im, gaiaGeomCollPtr geom, int has_name)
{
    sqlite3_stmt *st = im->upsert;
    unsigned char *blob = NULL;
    sqlite3_int64 last, id = 0;
    int size = 0, step, inserted;

    /* this also computes the MBR that nmS_bulk_row reads */
    gaiaToSpatiaLiteBlobWkb(geom, &blob, &size);
    if (!blob)
        return nmC_fail(im->ctx, NM_NOMEM, "out of memory");
    sqlite3_bind_text(st, 1, im->code.data, (int)im->code.len, SQLITE_STATIC);
    if (has_name)
        sqlite3_bind_text(st, 2, im->name.data, (int)im->name.len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, im->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, im->vintage);
    sqlite3_bind_int64(st, 5, im->dataset);
    /* SQLite frees the blob: no copy */
    sqlite3_bind_blob(st, 6, blob, size, free);
    last = sqlite3_last_insert_rowid(im->store->db);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        step = sqlite3_step(st);
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return nmS_store_sqlfail(im->store, "storing an area");
    /* an upsert that replaced a row leaves last_insert_rowid alone */
    inserted = sqlite3_last_insert_rowid(im->store->db) != last;
    if (!im->replacing)
        id = sqlite3_last_insert_rowid(im->store->db);
    if (im->bulk) {
        double box[4] = {geom->MinX, geom->MinY, geom->MaxX, geom->MaxY};
        return nmS_bulk_row(im->bulk, id, inserted, box);
    }
    return NM_OK;
}

/* Checks one feature and, while the file has shown no problem, stores it.
 * Takes ownership of f->geom. */
static nm_status import_feature(importer *im, bnd_feature *f, nm_import_result *result)
{
    gaiaGeomCollPtr geom = f->geom;
    const char *code;
    long before;
    int is_null, name_null = 1, ok = 1;
    nm_status rc = NM_OK;

    f->geom = NULL;
    if (!field_utf8(im, f, im->code_field, &im->code, &is_null))
        goto cleanup;
    if (im->code.failed) {
        rc = nmC_fail(im->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    code = im->code.data;
    if (f->problem)
        nmC_diag_add(im->diag, f->problem, 0, "feature %ld (%s): %s", f->number, code, f->what);
    if (!*code) {
        /* a DBF cannot tell an empty string from NULL: one message for both */
        nmC_diag_add(im->diag, "code-empty", 0, "feature %ld: empty code in field %s", f->number,
                    im->src->fields[im->code_field]);
    } else if ((before = code_set_add(&im->seen, code, f->number)) != 0) {
        if (before < 0) {
            rc = nmC_fail(im->ctx, NM_NOMEM, "out of memory");
            goto cleanup;
        }
        nmC_diag_add(im->diag, "code-duplicate", 0,
                    "feature %ld (%s): code already used by feature %ld", f->number, code,
                    before);
    }
    if (im->name_field >= 0)
        ok = field_utf8(im, f, im->name_field, &im->name, &name_null);
    if (ok && geom && !geom->FirstPolygon) {
        nmC_diag_add(im->diag, "geometry-empty", 0, "feature %ld (%s): empty or NULL geometry",
                    f->number, code);
        goto cleanup;
    }
    if (!ok || !geom || !check_finite(im, f, code, geom))
        goto cleanup;
    if (im->proj && !nmI_proj_apply(im->proj, geom)) {
        nmC_diag_add(im->diag, "geometry-transform", 0,
                    "feature %ld (%s): coordinates cannot be transformed to EPSG:27700 "
                    "(outside the area of the source CRS?)",
                    f->number, code);
        goto cleanup;
    }
    if (!check_place(im, f, code, geom))
        goto cleanup;
    check_size(im, f, code, geom);
    if (nmC_diag_count(im->diag) > 0)
        goto cleanup; /* nothing will be kept: only look for more problems */
    if (im->code.failed || im->name.failed) {
        rc = nmC_fail(im->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    rc = store_area(im, geom, !name_null);
    if (rc != NM_OK)
        goto cleanup;
    result->stored++;
    nmI_valid_push(im->valid, geom, f->number);
    geom = NULL;

cleanup:
    if (geom)
        gaiaFreeGeomColl(geom);
    return rc;
}

static nm_status import_features(importer *im, nm_import_result *result)
{
    bnd_feature f;
    nm_status rc = NM_OK;
    int done = 0;

    for (;;) {
        rc = im->src->ops->next(im->src, &f, &done);
        if (rc != NM_OK || done)
            break;
        result->rows++;
        rc = import_feature(im, &f, result);
        if (rc != NM_OK)
            break;
    }
    return rc;
}

/* ---- the import ------------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void log_summary(importer *im, const nm_import_result *r, const long *invalid,
                        double secs)
{
    const char *path = im->opts->in.path;
    nmC_buf b = {0};
    int i;

    if (im->recoded)
        nmC_log(im->ctx, NM_LOG_WARN, "%s: text of %ld features recoded from %s to UTF-8%s", path,
               im->recoded, im->src->encoding,
               im->src->encoding_guessed ? " (the file does not name its encoding; assumed)"
                                         : "");
    if (r->repaired) {
        for (i = 0; i < INVALID_NAMED && i < r->repaired; i++)
            nmC_buf_addf(&b, "%s%ld", i ? ", " : "", invalid[i]);
        nmC_log(im->ctx, NM_LOG_INFO,
               "%s: %ld invalid geometries (GEOS) kept as they are: features %s%s", path,
               r->repaired, b.failed ? "?" : b.data, r->repaired > INVALID_NAMED ? ", ..." : "");
    }
    nmC_log(im->ctx, NM_LOG_INFO, "%s: %ld %s areas (vintage %d) stored from %ld features in %.2f s",
           path, r->stored, im->level, im->vintage, r->rows, secs);
    nmC_buf_free(&b);
}

nm_status nm_import_boundaries(nm_store *store, const nm_boundaries_opts *opts,
                               nm_import_result *result)
{
    importer im = {0};
    nm_import_result dummy;
    long invalid[INVALID_NAMED];
    struct timespec t0;
    nm_status rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    im.store = store;
    im.ctx = nm_store_ctx(store);
    im.opts = opts;
    if (!result)
        result = &dummy;
    memset(result, 0, sizeof *result);
    nmC_clear(im.ctx);
    rc = nmC_need(im.ctx, NMC_SPATIALITE, "importing boundaries");
    if (rc == NM_OK)
        rc = check_opts(im.ctx, opts, im.level, sizeof im.level);
    if (rc == NM_OK)
        rc = open_source(im.ctx, opts->in.path, &im.src);
    if (rc == NM_OK && im.src->count == 0)
        rc = nmC_fail(im.ctx, NM_BADDATA, "%s: no features", opts->in.path);
    if (rc == NM_OK)
        rc = choose_code_field(&im);
    if (rc == NM_OK)
        rc = choose_name_field(&im);
    if (rc == NM_OK)
        rc = choose_crs(&im);
    if (rc == NM_OK)
        rc = choose_bounds(&im);
    if (rc != NM_OK)
        goto cleanup;
    im.diag = nmC_diag_new(im.ctx, opts->in.path);
    im.warn = nmC_diag_new(im.ctx, opts->in.path);
    if (!im.diag || !im.warn) {
        rc = nmC_fail(im.ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    rc = nmS_store_begin(store);
    if (rc == NM_OK)
        rc = nmS_store_add_dataset(store, "boundaries", opts->in.path, NM_ATTR_ONS_BOUNDARIES,
                                  &im.dataset);
    if (rc == NM_OK)
        rc = nmS_bulk_begin(store, "area", &im.bulk);
    if (rc == NM_OK)
        rc = prepare_store(&im);
    if (rc == NM_OK)
        rc = nmI_valid_start(im.ctx, &im.valid);
    if (rc == NM_OK)
        rc = import_features(&im, result);
    result->dataset = im.dataset;
    result->repaired = nmI_valid_finish(im.valid, invalid, INVALID_NAMED);
    im.valid = NULL;
    if (rc != NM_OK)
        goto cleanup;
    rc = nmC_diag_report(im.diag, NM_LOG_ERROR, NM_BADDATA, "nothing was imported");
    if (rc == NM_OK && result->rows == 0)
        rc = nmC_fail(im.ctx, NM_BADDATA, "%s: no features", opts->in.path);
    if (rc == NM_OK)
        rc = nmS_bulk_end(im.bulk);
    if (rc == NM_OK)
        rc = nmS_store_set_dataset_rows(store, im.dataset, result->stored);
    if (rc == NM_OK) {
        sqlite3_finalize(im.upsert);
        im.upsert = NULL;
        nmS_bulk_free(im.bulk);
        im.bulk = NULL;
        rc = nmS_store_commit(store);
    }
    if (rc == NM_OK) {
        nmC_diag_report(im.warn, NM_LOG_WARN, NM_OK, NULL);
        log_summary(&im, result, invalid, seconds_since(&t0));
    }

cleanup:
    sqlite3_finalize(im.upsert);
    nmS_bulk_free(im.bulk);
    if (rc != NM_OK) {
        nmS_store_rollback(store);
        result->stored = 0;
    }
    nmI_valid_finish(im.valid, NULL, 0);
    nmC_diag_free(im.diag);
    nmC_diag_free(im.warn);
    code_set_free(&im.seen);
    nmC_buf_free(&im.code);
    nmC_buf_free(&im.name);
    nmI_proj_free(im.proj);
    nmI_source_close(im.src);
    return rc;
}
