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
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "ingest/bnd_int.h"
#include "ingest/gdal_api.h"
#include "store/store_int.h"

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
    nm_diag *diag;
    sqlite3_stmt *upsert;
    int replacing; /* areas of this level and vintage are stored already */
    bnd_bulk *bulk;    /* NULL: SpatiaLite's triggers do the per-row work */
    code_set seen;
    nm_buf code, name; /* UTF-8 text of the current feature */
    long recoded;      /* features whose text was recoded */
    long dataset;
} importer;


static int is_shapefile(const char *path)
{
    size_t n = strlen(path);

    return n > 4 && strcasecmp(path + n - 4, ".shp") == 0;
}

static nm_status open_source(nm_ctx *ctx, const char *path, bnd_source **out)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return nm_fail(ctx, NM_ERROR, "%s: %s", path, strerror(errno));
    return is_shapefile(path) ? bnd_shp_open(ctx, path, out) : bnd_ogr_open(ctx, path, out);
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
static void list_fields(const bnd_source *src, nm_buf *b)
{
    int i;

    for (i = 0; i < src->nfields; i++)
        nm_buf_addf(b, "%s%s", i ? ", " : "", src->fields[i]);
    if (src->nfields == 0)
        nm_buf_addf(b, "none");
}

static int find_field(const bnd_source *src, const char *name)
{
    int i;

    for (i = 0; i < src->nfields; i++)
        if (nm_strieq(src->fields[i], name))
            return i;
    return -1;
}

/* Fails with NM_USAGE, listing the source's fields after 'fmt'. */
static nm_status fields_usage(importer *im, const char *problem, const char *hint)
{
    nm_buf b = {0};
    nm_status rc;

    list_fields(im->src, &b);
    rc = nm_fail(im->ctx, NM_USAGE, "%s: %s; the fields are %s; %s", im->opts->in.path,
                 problem, b.failed ? "(out of memory)" : b.data, hint);
    nm_buf_free(&b);
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
            return nm_fail(im->ctx, NM_USAGE,
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
        if (nm_ons_is_name_for(code, im->src->fields[i]))
            im->name_field = i;
    return NM_OK;
}

static nm_status check_opts(nm_ctx *ctx, const nm_boundaries_opts *o, char *level, size_t size)
{
    size_t i;

    if (!o || !o->in.path || !*o->in.path)
        return nm_fail(ctx, NM_USAGE, "import boundaries: no input file given");
    if (!o->level || strlen(o->level) >= size)
        return nm_fail(ctx, NM_USAGE, "import boundaries: a --level is required");
    for (i = 0; o->level[i]; i++)
        level[i] = (char)(o->level[i] >= 'A' && o->level[i] <= 'Z' ? o->level[i] + 32 : o->level[i]);
    level[i] = '\0';
    if (!nm_level_valid(level))
        return nm_level_unknown(ctx, o->level);
    if (o->vintage < 0 || o->vintage > 2100)
        return nm_fail(ctx, NM_USAGE, "import boundaries: vintage %d is not a year", o->vintage);
    return NM_OK;
}

/* Sets up the transform from the source's CRS (or --crs) to BNG. */
static nm_status choose_crs(importer *im)
{
    const char *path = im->opts->in.path;

    if (im->opts->crs)
        return bnd_proj_new(im->ctx, path, im->opts->crs, "--crs", NM_USAGE, &im->proj);
    if (!im->src->crs)
        return nm_fail(im->ctx, NM_USAGE,
                       "%s: the file does not say its coordinate reference system (no .prj); "
                       "give --crs EPSG:N (27700 for British National Grid)",
                       path);
    return bnd_proj_new(im->ctx, path, im->src->crs,
                        is_shapefile(path) ? ".prj" : "layer's", NM_BADDATA, &im->proj);
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
static int field_utf8(importer *im, const bnd_feature *f, int field, nm_buf *out, int *is_null)
{
    bnd_source *src = im->src;
    const char *raw = src->ops->text(src, field);
    char *recoded = NULL;
    int ok = 1;

    out->len = 0;
    nm_buf_add(out, "", 0);
    *is_null = raw == NULL;
    if (!raw || is_ascii(raw)) {
        nm_buf_add(out, raw ? raw : "", raw ? strlen(raw) : 0);
        return 1;
    }
    if (!src->encoding || (src->encoding_guessed && nm_utf8_valid(raw, strlen(raw)))) {
        ok = nm_utf8_valid(raw, strlen(raw));
        if (ok)
            nm_buf_add(out, raw, strlen(raw));
        else
            nm_diag_add(im->diag, "text-utf8", 0,
                        "feature %ld: field %s is not valid UTF-8 although the file says it is",
                        f->number, src->fields[field]);
        return ok;
    }
    recoded = nm_gdal_recode(raw, src->encoding);
    ok = recoded && nm_utf8_valid(recoded, strlen(recoded));
    if (ok) {
        nm_buf_add(out, recoded, strlen(recoded));
        im->recoded++;
    } else {
        nm_diag_add(im->diag, "text-recode", 0,
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

    rc = nm_store_prepare(im->store,
                          "SELECT EXISTS (SELECT 1 FROM area WHERE level = ?1 AND vintage = ?2)",
                          &any);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(any, 1, im->level, -1, SQLITE_STATIC);
    sqlite3_bind_int(any, 2, im->vintage);
    im->replacing = sqlite3_step(any) != SQLITE_ROW || sqlite3_column_int(any, 0);
    sqlite3_finalize(any);
    if (!im->replacing)
        return nm_store_prepare(im->store,
                                "INSERT INTO area(code, name, level, vintage, dataset, geom) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                &im->upsert);
    return nm_store_prepare(im->store,
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

    /* this also computes the MBR that bnd_bulk_row reads */
    gaiaToSpatiaLiteBlobWkb(geom, &blob, &size);
    if (!blob)
        return nm_fail(im->ctx, NM_NOMEM, "out of memory");
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
        return nm_store_sqlfail(im->store, "storing an area");
    /* an upsert that replaced a row leaves last_insert_rowid alone */
    inserted = sqlite3_last_insert_rowid(im->store->db) != last;
    if (!im->replacing)
        id = sqlite3_last_insert_rowid(im->store->db);
    if (im->bulk) {
        double box[4] = {geom->MinX, geom->MinY, geom->MaxX, geom->MaxY};
        return bnd_bulk_row(im->bulk, id, inserted, box);
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
        rc = nm_fail(im->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    code = im->code.data;
    if (f->problem)
        nm_diag_add(im->diag, f->problem, 0, "feature %ld (%s): %s", f->number, code, f->what);
    if (!*code) {
        /* a DBF cannot tell an empty string from NULL: one message for both */
        nm_diag_add(im->diag, "code-empty", 0, "feature %ld: empty code in field %s", f->number,
                    im->src->fields[im->code_field]);
    } else if ((before = code_set_add(&im->seen, code, f->number)) != 0) {
        if (before < 0) {
            rc = nm_fail(im->ctx, NM_NOMEM, "out of memory");
            goto cleanup;
        }
        nm_diag_add(im->diag, "code-duplicate", 0,
                    "feature %ld (%s): code already used by feature %ld", f->number, code,
                    before);
    }
    if (im->name_field >= 0)
        ok = field_utf8(im, f, im->name_field, &im->name, &name_null);
    if (!ok || !geom || nm_diag_count(im->diag) > 0)
        goto cleanup; /* nothing will be kept: only look for more problems */
    if (im->proj && !bnd_proj_apply(im->proj, geom)) {
        nm_diag_add(im->diag, "geometry-transform", 0,
                    "feature %ld (%s): coordinates cannot be transformed to EPSG:27700 "
                    "(outside the area of the source CRS?)",
                    f->number, code);
        goto cleanup;
    }
    if (im->code.failed || im->name.failed) {
        rc = nm_fail(im->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    rc = store_area(im, geom, !name_null);
    if (rc != NM_OK)
        goto cleanup;
    result->stored++;
    bnd_valid_push(im->valid, geom, f->number);
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
    nm_buf b = {0};
    int i;

    if (im->recoded)
        nm_log(im->ctx, NM_LOG_WARN, "%s: text of %ld features recoded from %s to UTF-8%s", path,
               im->recoded, im->src->encoding,
               im->src->encoding_guessed ? " (the file does not name its encoding; assumed)"
                                         : "");
    if (r->repaired) {
        for (i = 0; i < INVALID_NAMED && i < r->repaired; i++)
            nm_buf_addf(&b, "%s%ld", i ? ", " : "", invalid[i]);
        nm_log(im->ctx, NM_LOG_INFO,
               "%s: %ld invalid geometries (GEOS) kept as they are: features %s%s", path,
               r->repaired, b.failed ? "?" : b.data, r->repaired > INVALID_NAMED ? ", ..." : "");
    }
    nm_log(im->ctx, NM_LOG_INFO, "%s: %ld %s areas (vintage %d) stored from %ld features in %.2f s",
           path, r->stored, im->level, im->vintage, r->rows, secs);
    nm_buf_free(&b);
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
    nm_clear(im.ctx);
    rc = check_opts(im.ctx, opts, im.level, sizeof im.level);
    if (rc == NM_OK)
        rc = open_source(im.ctx, opts->in.path, &im.src);
    if (rc == NM_OK && im.src->count == 0)
        rc = nm_fail(im.ctx, NM_BADDATA, "%s: no features", opts->in.path);
    if (rc == NM_OK)
        rc = choose_code_field(&im);
    if (rc == NM_OK)
        rc = choose_name_field(&im);
    if (rc == NM_OK)
        rc = choose_crs(&im);
    if (rc != NM_OK)
        goto cleanup;
    if (!(im.diag = nm_diag_new(im.ctx, opts->in.path))) {
        rc = nm_fail(im.ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    rc = nm_store_begin(store);
    if (rc == NM_OK)
        rc = nm_store_add_dataset(store, "boundaries", opts->in.path, NM_ATTR_ONS_BOUNDARIES,
                                  &im.dataset);
    if (rc == NM_OK)
        rc = bnd_bulk_begin(store, "area", &im.bulk);
    if (rc == NM_OK)
        rc = prepare_store(&im);
    if (rc == NM_OK)
        rc = bnd_valid_start(im.ctx, &im.valid);
    if (rc == NM_OK)
        rc = import_features(&im, result);
    result->dataset = im.dataset;
    result->repaired = bnd_valid_finish(im.valid, invalid, INVALID_NAMED);
    im.valid = NULL;
    if (rc != NM_OK)
        goto cleanup;
    rc = nm_diag_report(im.diag, NM_LOG_ERROR, NM_BADDATA, "nothing was imported");
    if (rc == NM_OK && result->rows == 0)
        rc = nm_fail(im.ctx, NM_BADDATA, "%s: no features", opts->in.path);
    if (rc == NM_OK)
        rc = bnd_bulk_end(im.bulk);
    if (rc == NM_OK)
        rc = nm_store_set_dataset_rows(store, im.dataset, result->stored);
    if (rc == NM_OK) {
        sqlite3_finalize(im.upsert);
        im.upsert = NULL;
        bnd_bulk_free(im.bulk);
        im.bulk = NULL;
        rc = nm_store_commit(store);
    }
    if (rc == NM_OK)
        log_summary(&im, result, invalid, seconds_since(&t0));

cleanup:
    sqlite3_finalize(im.upsert);
    bnd_bulk_free(im.bulk);
    if (rc != NM_OK) {
        nm_store_rollback(store);
        result->stored = 0;
    }
    bnd_valid_finish(im.valid, NULL, 0);
    nm_diag_free(im.diag);
    code_set_free(&im.seen);
    nm_buf_free(&im.code);
    nm_buf_free(&im.name);
    bnd_proj_free(im.proj);
    bnd_source_close(im.src);
    return rc;
}
