/*
 * A map drawn into a rectangle of a page that another module lays out (a
 * summary's overview and locality maps, a comparison's panels), with the
 * same geometry, outlines, labels, legend and locator inset as a map page.
 * The layout is layout.c's (nmR_layout_box), the drawing device.c's,
 * draw.c's and furniture.c's; the page, its surface
 * and its file belong to the caller.
 */
#include <math.h>
#include <string.h>

#include "render_int.h"

nm_status nmR_map_draw_in(nm_ctx *ctx, nm_map *map, cairo_t *cr, PangoContext *pc, double k,
                         int vector, const nm_rect *box, nm_map_layout *out)
{
    rn_layout lay;
    rn_dev feat = {0}, outl = {0};
    double grid, tol;
    cairo_status_t st;
    nm_status rc;

    memset(&lay, 0, sizeof lay);
    if ((rc = nmR_layout_box(ctx, map, pc, box, &lay)) != NM_OK)
        goto cleanup;
    if (vector) {
        /* as a vector page: a power-of-two grid near the printer's dot */
        grid = 1 / pow(2, floor(log2(map->opts.print_dpi / 72))) * (k / RN_PT_PER_MM);
        tol = 72 / map->opts.print_dpi * (k / RN_PT_PER_MM);
    } else {
        grid = map->opts.simplify_px;
        tol = 1.5 * map->opts.simplify_px;
    }
    if ((rc = nmR_dev_build(ctx, map, &lay, map->feat, map->nfeat, k, grid, tol, &feat)) != NM_OK ||
        (rc = nmR_dev_build(ctx, map, &lay, map->outl, map->noutl, k, grid, tol, &outl)) != NM_OK)
        goto cleanup;
    cairo_save(cr);
    cairo_scale(cr, 1 / k, 1 / k); /* geometry is in device units */
    st = nmR_draw_geometry(cr, map, &lay, &feat, &outl, k, -INFINITY, INFINITY, vector);
    cairo_restore(cr);
    if (st == CAIRO_STATUS_SUCCESS) {
        nmR_draw_furniture(cr, pc, map, &lay, NULL);
        st = cairo_status(cr);
    }
    if (st == CAIRO_STATUS_SUCCESS && map->locator && (rc = nmR_locator_draw(ctx, map, &lay, cr,
                                                                            pc, k, vector)) != NM_OK)
        goto cleanup;
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = nmC_fail(ctx, st == CAIRO_STATUS_NO_MEMORY ? NM_NOMEM : NM_ERROR,
                     "drawing the map failed: %s", cairo_status_to_string(st));
        goto cleanup;
    }
    if (out)
        *out = lay.pub;
    nmR_layout_record(map, &lay);

cleanup:
    nmR_dev_free(&feat);
    nmR_dev_free(&outl);
    nmR_layout_free(&lay);
    return rc;
}

nm_status nmR_locator_draw(nm_ctx *ctx, const nm_map *map, const rn_layout *lay, cairo_t *cr,
                          PangoContext *pc, double k, int vector)
{
    const nm_rect *b = &lay->pub.locator;
    nm_status rc;

    if (!map->locator || b->w <= 0)
        return NM_OK;
    /* on white, over the map: the inset is a map of its own */
    cairo_rectangle(cr, b->x, b->y, b->w, b->h);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill(cr);
    rc = nmR_map_draw_in(ctx, map->locator, cr, pc, k, vector, b, NULL);
    pango_cairo_update_context(cr, pc);
    return rc;
}
