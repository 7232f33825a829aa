/*
 * The transform of boundary coordinates to British National Grid with PROJ.
 * It owns the choice of "no transform at all" (the source is EPSG:27700
 * already, the common case for ONS shapefiles) and the axis order: every
 * transform is normalised for visualisation, so that geographic input is
 * longitude first whatever its CRS's official axis order (GeoJSON is
 * CRS84, EPSG:4326 says latitude first).
 */
#include <math.h>

#include "ingest/bnd_int.h"
#include "nm_lazy.h"

struct bnd_proj {
    PJ_CONTEXT *pj_ctx;
    PJ *pj;
};

void nmI_proj_free(bnd_proj *p)
{
    if (!p)
        return;
    proj_destroy(p->pj);
    proj_context_destroy(p->pj_ctx);
    nm_free(p);
}

/* PROJ's last error as text, for messages. */
static const char *proj_error(PJ_CONTEXT *pj_ctx)
{
    return proj_context_errno_string(pj_ctx, proj_context_errno(pj_ctx));
}

nm_status nmI_proj_new(nm_ctx *ctx, const char *path, const char *source_crs, const char *origin,
                       nm_status bad, bnd_proj **out)
{
    bnd_proj *p = NULL;
    PJ *src = NULL, *bng = NULL, *raw = NULL;
    nm_status rc = NM_OK;

    *out = NULL;
    rc = nmC_need(ctx, NMC_PROJ, "reprojecting coordinates");
    if (rc != NM_OK)
        return rc;
    p = nm_calloc(1, sizeof *p);
    if (!p || !(p->pj_ctx = proj_context_create())) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    /* PROJ logs to stderr by default; the library never prints */
    proj_log_level(p->pj_ctx, PJ_LOG_NONE);
    src = proj_create(p->pj_ctx, source_crs);
    if (!src || !proj_is_crs(src)) {
        rc = nmC_fail(ctx, bad, "%s: %s: not a coordinate reference system PROJ knows (%s)", path,
                     origin, proj_error(p->pj_ctx));
        goto cleanup;
    }
    bng = proj_create(p->pj_ctx, "EPSG:27700");
    if (!bng) {
        rc = nmC_fail(ctx, NM_ERROR, "PROJ does not know EPSG:27700 (%s); is proj.db installed?",
                     proj_error(p->pj_ctx));
        goto cleanup;
    }
    /* ESRI's "British_National_Grid" from a .prj is the same CRS under other
       names: no transform, which saves a third of the import time */
    if (proj_is_equivalent_to(src, bng, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS))
        goto cleanup;
    raw = proj_create_crs_to_crs_from_pj(p->pj_ctx, src, bng, NULL, NULL);
    if (raw)
        p->pj = proj_normalize_for_visualization(p->pj_ctx, raw);
    if (!p->pj) {
        rc = nmC_fail(ctx, bad, "%s: no transformation from the %s CRS to EPSG:27700 (%s)", path,
                     origin, proj_error(p->pj_ctx));
        goto cleanup;
    }
    *out = p;
    p = NULL;

cleanup:
    proj_destroy(raw);
    proj_destroy(src);
    proj_destroy(bng);
    nmI_proj_free(p);
    return rc;
}

/* Transforms one ring in place; returns 0 when a point failed. */
static int transform_ring(bnd_proj *p, gaiaRingPtr ring)
{
    size_t stride;
    int i;

    switch (ring->DimensionModel) {
    case GAIA_XY_Z:
    case GAIA_XY_M: stride = 3; break;
    case GAIA_XY_Z_M: stride = 4; break;
    default: stride = 2; break;
    }
    proj_trans_generic(p->pj, PJ_FWD, ring->Coords, stride * sizeof(double), (size_t)ring->Points,
                       ring->Coords + 1, stride * sizeof(double), (size_t)ring->Points, NULL, 0,
                       0, NULL, 0, 0);
    /* failed points come back as HUGE_VAL */
    for (i = 0; i < ring->Points; i++)
        if (!isfinite(ring->Coords[(size_t)i * stride]) ||
            !isfinite(ring->Coords[(size_t)i * stride + 1]) ||
            fabs(ring->Coords[(size_t)i * stride]) > 1e10)
            return 0;
    return 1;
}

int nmI_proj_apply(bnd_proj *p, gaiaGeomCollPtr geom)
{
    gaiaPolygonPtr pg;
    int i;

    for (pg = geom->FirstPolygon; pg; pg = pg->Next) {
        if (!transform_ring(p, pg->Exterior))
            return 0;
        for (i = 0; i < pg->NumInteriors; i++)
            if (!transform_ring(p, pg->Interiors + i))
                return 0;
    }
    return 1;
}

void nmI_proj_points(bnd_proj *p, double *xy, size_t n)
{
    size_t i;

    proj_trans_generic(p->pj, PJ_FWD, xy, 2 * sizeof(double), n, xy + 1, 2 * sizeof(double), n,
                       NULL, 0, 0, NULL, 0, 0);
    /* PROJ may leave a large finite value for a point it could not place */
    for (i = 0; i < 2 * n; i++)
        if (fabs(xy[i]) > 1e10)
            xy[i] = HUGE_VAL;
}

/* The neighbourhood of Great Britain in degrees (west, south, east,
 * north).  A CRS's area of use is cut to it before it is expressed in
 * British National Grid, which cannot map the whole world: anything beyond
 * it lies outside England in any case. */
static const double near_gb[4] = {-15.0, 45.0, 10.0, 65.0};

int nmI_proj_area_of_use(const char *source_crs, double box[4], char *name, size_t size)
{
    PJ_CONTEXT *pj_ctx = nmC_have(NMC_PROJ) ? proj_context_create() : NULL;
    PJ *src = NULL, *raw = NULL, *to_bng = NULL;
    const char *area = NULL, *crs_name;
    double w, s, e, n;
    int ok = 0;

    if (!pj_ctx)
        return 0;
    proj_log_level(pj_ctx, PJ_LOG_NONE);
    src = proj_create(pj_ctx, source_crs);
    if (!src || !proj_get_area_of_use(pj_ctx, src, &w, &s, &e, &n, &area) || w < -180 ||
        w > e) /* unknown (-1000) or across the antimeridian: nothing to say */
        goto cleanup;
    crs_name = proj_get_name(src);
    snprintf(name, size, "the area of use of %s (%s: %.2f to %.2f E, %.2f to %.2f N)",
             crs_name ? crs_name : source_crs, area ? area : "unnamed", w, e, s, n);
    w = fmax(w, near_gb[0]);
    s = fmax(s, near_gb[1]);
    e = fmin(e, near_gb[2]);
    n = fmin(n, near_gb[3]);
    if (w >= e || s >= n) {
        /* the CRS is for somewhere else altogether: no feature of England fits */
        box[0] = box[1] = HUGE_VAL;
        box[2] = box[3] = -HUGE_VAL;
        ok = 1;
        goto cleanup;
    }
    raw = proj_create_crs_to_crs(pj_ctx, "EPSG:4326", "EPSG:27700", NULL);
    to_bng = raw ? proj_normalize_for_visualization(pj_ctx, raw) : NULL;
    /* 21 points a side follow the curved edges, as PROJ recommends */
    ok = to_bng && proj_trans_bounds(pj_ctx, to_bng, PJ_FWD, w, s, e, n, &box[0], &box[1], &box[2],
                                     &box[3], 21) &&
         isfinite(box[0]) && isfinite(box[1]) && isfinite(box[2]) && isfinite(box[3]);

cleanup:
    proj_destroy(to_bng);
    proj_destroy(raw);
    proj_destroy(src);
    proj_context_destroy(pj_ctx);
    return ok;
}
