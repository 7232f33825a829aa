/*
 * The reader for every boundary format that is not a shapefile (GeoJSON,
 * GeoPackage, ...), through GDAL/OGR's C API.  It reads the first layer,
 * hands geometries over as SpatiaLite geometries made from OGR's WKB, and
 * reports the layer's CRS as WKT2 for PROJ.  GDAL's own messages are kept
 * off stderr and folded into ours.
 */
#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/bnd_int.h"

typedef struct ogr_reader {
    GDALDatasetH ds;
    OGRLayerH layer;
    OGRFeatureH feature; /* the feature last read */
    long number;
    unsigned char *wkb;
    size_t wkb_cap;
    char *text;          /* trimmed copy of a field value */
    size_t text_cap;
    char failure[256];   /* GDAL's first error while opening, or "" */
} ogr_reader;

/* Keeps GDAL's messages off stderr, noting the first error: some drivers
 * report a problem and carry on, as the GeoJSON driver does with a CRS it
 * cannot resolve (EPSG:999999), which it then takes as WGS 84. */
static void on_gdal_error(CPLErr level, CPLErrorNum number, const char *message)
{
    ogr_reader *r = CPLGetErrorHandlerUserData();

    (void)number;
    if (level >= CE_Failure && r && !r->failure[0])
        nmC_strlcpy(r->failure, message ? message : "unknown error", sizeof r->failure);
}

/* The last GDAL message, or "" when there is none. */
static const char *gdal_message(void)
{
    const char *m = CPLGetLastErrorMsg();
    return m ? m : "";
}

/* Makes room for 'need' bytes of WKB. */
static int grow_wkb(ogr_reader *r, size_t need)
{
    unsigned char *grown;

    if (need <= r->wkb_cap)
        return 1;
    grown = nm_realloc(r->wkb, need);
    if (!grown)
        return 0;
    r->wkb = grown;
    r->wkb_cap = need;
    return 1;
}

static void feature_problem(bnd_feature *f, const char *kind, const char *what,
                            const char *detail)
{
    f->problem = kind;
    snprintf(f->what, sizeof f->what, "%s%s", what, detail);
}

/* Converts an OGR polygon or multipolygon into a gaia geometry via WKB. */
static nm_status convert_geometry(ogr_reader *r, OGRGeometryH g, bnd_feature *f)
{
    OGRwkbGeometryType type;
    size_t size;

    if (!g || OGR_G_IsEmpty(g)) {
        feature_problem(f, "geometry-empty", "empty or NULL geometry", "");
        return NM_OK;
    }
    type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (type != wkbPolygon && type != wkbMultiPolygon) {
        feature_problem(f, "geometry-type", "not a polygon: ", OGRGeometryTypeToName(type));
        return NM_OK;
    }
    /* the store is 2D; a Z from the source would only cost space */
    OGR_G_FlattenTo2D(g);
    size = (size_t)OGR_G_WkbSize(g);
    if (!grow_wkb(r, size))
        return NM_NOMEM;
    if (OGR_G_ExportToWkb(g, wkbNDR, r->wkb) != OGRERR_NONE) {
        feature_problem(f, "geometry-unreadable", "geometry cannot be read: ", gdal_message());
        return NM_OK;
    }
    f->geom = gaiaFromWkb(r->wkb, (int)size);
    if (!f->geom) {
        feature_problem(f, "geometry-unreadable", "geometry cannot be read", "");
        return NM_OK;
    }
    f->geom->Srid = BND_SRID;
    f->geom->DeclaredType = GAIA_MULTIPOLYGON;
    return NM_OK;
}

static nm_status ogr_next(bnd_source *src, bnd_feature *f, int *done)
{
    ogr_reader *r = src->impl;
    nm_status rc;

    memset(f, 0, sizeof *f);
    if (r->feature)
        OGR_F_Destroy(r->feature);
    CPLErrorReset();
    r->feature = OGR_L_GetNextFeature(r->layer);
    *done = r->feature == NULL;
    if (*done) {
        /* a reader that stops early on a broken file leaves a message */
        if (CPLGetLastErrorType() >= CE_Failure)
            return nmC_fail(src->ctx, NM_BADDATA, "%s: after feature %ld: %s", src->path,
                           r->number, gdal_message());
        return NM_OK;
    }
    f->number = ++r->number;
    rc = convert_geometry(r, OGR_F_GetGeometryRef(r->feature), f);
    if (rc != NM_OK)
        return nmC_fail(src->ctx, rc, "out of memory");
    return NM_OK;
}

static const char *ogr_text(bnd_source *src, int field)
{
    ogr_reader *r = src->impl;

    if (!r->feature || !OGR_F_IsFieldSetAndNotNull(r->feature, field))
        return NULL;
    return nmI_trimmed(OGR_F_GetFieldAsString(r->feature, field), &r->text, &r->text_cap);
}

static void ogr_close(bnd_source *src)
{
    ogr_reader *r = src->impl;

    if (!r)
        return;
    if (r->feature)
        OGR_F_Destroy(r->feature);
    if (r->ds)
        GDALClose(r->ds);
    nm_free(r->wkb);
    nm_free(r->text);
    nm_free(r);
    CPLPopErrorHandler();
}

static const bnd_ops ogr_ops = {ogr_next, ogr_text, ogr_close};

static nm_status read_fields(bnd_source *src, OGRFeatureDefnH defn)
{
    nm_status rc = NM_OK;
    int i;

    for (i = 0; i < OGR_FD_GetFieldCount(defn) && rc == NM_OK; i++)
        rc = nmI_source_add_field(src, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    return rc;
}

/* The layer's CRS as WKT2 for PROJ; NULL in src->crs when it has none. */
static nm_status read_crs(bnd_source *src, OGRLayerH layer)
{
    static const char *const wkt2[] = {"FORMAT=WKT2_2019", NULL};
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    char *wkt = NULL;

    if (!srs)
        return NM_OK;
    if (OSRExportToWktEx(srs, &wkt, wkt2) == OGRERR_NONE && wkt)
        src->crs = nm_strdup(wkt);
    CPLFree(wkt);
    if (!src->crs)
        return nmC_fail(src->ctx, NM_BADDATA, "%s: the layer's CRS cannot be read: %s",
                       src->path, gdal_message());
    return NM_OK;
}

/* The drivers a file of this name may be opened with: a .geojson whose
 * bytes look like XML is then refused as broken GeoJSON instead of being
 * probed by GDAL's GML, KML and GPX drivers (which read it as something
 * else, or leak expat's parser on it).  NULL, any driver, for names this
 * table does not know (a folder, a .vrt, a /vsizip/ path). */
static const char *const *drivers_for(const char *path)
{
    static const char *const geojson[] = {"GeoJSON", "GeoJSONSeq", "ESRIJSON", "TopoJSON", NULL};
    static const char *const gpkg[] = {"GPKG", NULL};
    static const char *const fgb[] = {"FlatGeobuf", NULL};
    static const char *const kml[] = {"LIBKML", "KML", NULL};
    static const char *const gml[] = {"GML", NULL};
    static const char *const shp[] = {"ESRI Shapefile", NULL};
    static const char *const sqlite[] = {"SQLite", "GPKG", NULL};
    static const char *const mapinfo[] = {"MapInfo File", NULL};
    static const char *const fgdb[] = {"OpenFileGDB", "FileGDB", NULL};
    static const struct {
        const char *ext;
        const char *const *drivers;
    } by_ext[] = {{"geojson", geojson}, {"json", geojson},  {"geojsonl", geojson},
                  {"geojsons", geojson}, {"gpkg", gpkg},     {"fgb", fgb},
                  {"kml", kml},          {"kmz", kml},       {"gml", gml},
                  {"shp", shp},          {"dbf", shp},       {"sqlite", sqlite},
                  {"db", sqlite},        {"tab", mapinfo},   {"mif", mapinfo},
                  {"gdb", fgdb}};
    const char *ext = nmC_extension(path);
    size_t i;

    for (i = 0; *ext && i < sizeof by_ext / sizeof by_ext[0]; i++)
        if (nmC_strieq(ext, by_ext[i].ext))
            return by_ext[i].drivers;
    return NULL;
}

nm_status nmI_ogr_open(nm_ctx *ctx, const char *path, bnd_source **out)
{
    bnd_source *src = NULL;
    ogr_reader *r = NULL;
    const char *const *drivers;
    nm_status rc = NM_OK;
    int layers;

    *out = NULL;
    src = nmI_source_new(ctx, path, &ogr_ops);
    r = nm_calloc(1, sizeof *r);
    if (!src || !r) {
        nm_free(r);
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    src->impl = r;
    /* popped in ogr_close; GDAL's handler stack is per thread */
    CPLPushErrorHandlerEx(on_gdal_error, r);
    GDALAllRegister();
    CPLErrorReset();
    drivers = drivers_for(path);
    r->ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, NULL, NULL);
    if (r->ds && r->failure[0]) {
        rc = nmC_fail(ctx, NM_BADDATA, "%s: %s (GDAL, on opening the file)%s", path, r->failure,
                     strncmp(r->failure, "PROJ:", 5) == 0
                         ? "; the file names a coordinate reference system PROJ does not know"
                         : "");
        goto cleanup;
    }
    if (!r->ds) {
        rc = nmC_fail(ctx, NM_BADDATA, "%s: not a %s file GDAL reads%s%s%s", path,
                     drivers ? drivers[0] : "vector", *gdal_message() ? ": " : "",
                     gdal_message(),
                     drivers ? " (a file is read in the format its name ends with; rename it "
                               "for another)"
                             : "");
        goto cleanup;
    }
    layers = GDALDatasetGetLayerCount(r->ds);
    if (layers < 1) {
        rc = nmC_fail(ctx, NM_BADDATA, "%s: no layers", path);
        goto cleanup;
    }
    if (layers > 1)
        nmC_log(ctx, NM_LOG_WARN, "%s: %d layers; only the first, %s, is read", path, layers,
               OGR_L_GetName(GDALDatasetGetLayer(r->ds, 0)));
    r->layer = GDALDatasetGetLayer(r->ds, 0);
    src->count = (long)OGR_L_GetFeatureCount(r->layer, 1);
    rc = read_fields(src, OGR_L_GetLayerDefn(r->layer));
    if (rc == NM_OK)
        rc = read_crs(src, r->layer);
    if (rc == NM_OK && r->failure[0])
        rc = nmC_fail(ctx, NM_BADDATA, "%s: %s (GDAL, on reading the layer)", path, r->failure);
    if (rc != NM_OK)
        goto cleanup;
    *out = src;
    src = NULL;

cleanup:
    nmI_source_close(src);
    return rc;
}
