/*
 * The geometry of a map as SVG path data, for pages that draw the map
 * themselves (report/html.c): every feature and outline thinned exactly as
 * for PDF output (device.c's grid and tolerance at the print resolution),
 * in point coordinates of a box fitted to the map's extent, and the names
 * placed as on a page (layout.c's placer, for a screen and for a phone) in
 * the same coordinates.  Styling the paths is the caller's.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render_int.h"

/* A coordinate of the grid (quarter points at 400 dpi) in as few
 * characters as SVG reads back: "12.25", "-.5", "3". */
static void add_num(nmC_buf *b, double v, int lead_space)
{
    char s[32];
    size_t n;
    char *p = s;

    snprintf(s, sizeof s, "%.2f", v);
    n = strlen(s);
    while (n > 0 && s[n - 1] == '0')
        s[--n] = '\0';
    if (n > 0 && s[n - 1] == '.')
        s[--n] = '\0';
    if (strcmp(s, "-0") == 0)
        nmC_strlcpy(s, "0", sizeof s);
    /* "0.5" -> ".5", "-0.5" -> "-.5" */
    if (s[0] == '0' && s[1] == '.')
        p = s + 1;
    else if (s[0] == '-' && s[1] == '0' && s[2] == '.') {
        s[1] = '-';
        p = s + 1;
    }
    if (lead_space && *p != '-')
        nmC_buf_add(b, " ", 1);
    nmC_buf_add(b, p, strlen(p));
}

/* Path data of one device shape: each ring an absolute move, relative
 * line-tos, closed. */
static char *shape_path(const rn_dev *dev, size_t i)
{
    const rn_devshape *d = &dev->sh[i];
    const float *p = dev->xy + 2 * d->pt0;
    nmC_buf b = {0};
    size_t r, j;

    nmC_buf_add(&b, "", 0);
    for (r = d->ring0; r < d->ring0 + d->nrings; r++) {
        uint32_t len = dev->rlen[r];
        double px = p[0], py = p[1];
        if (len < 2) {
            p += 2 * len;
            continue;
        }
        nmC_buf_add(&b, "M", 1);
        add_num(&b, px, 0);
        add_num(&b, py, 1);
        nmC_buf_add(&b, "l", 1);
        for (j = 1; j < len; j++) {
            add_num(&b, p[2 * j] - px, j > 1);
            add_num(&b, p[2 * j + 1] - py, 1);
            px = p[2 * j];
            py = p[2 * j + 1];
        }
        nmC_buf_add(&b, "z", 1);
        p += 2 * len;
    }
    return nmC_buf_take(&b);
}

static nm_status paths_of(nm_ctx *ctx, const rn_dev *dev, char ***out, size_t *n)
{
    size_t i;

    *n = 0;
    *out = nm_calloc(dev->nsh ? dev->nsh : 1, sizeof **out);
    if (!*out)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < dev->nsh; i++) {
        if (!((*out)[i] = shape_path(dev, i)))
            return nmC_fail(ctx, NM_NOMEM, "out of memory");
        *n = i + 1;
    }
    *n = dev->nsh;
    return NM_OK;
}

/* The names placed as on a page (layout.c's placer) on a frame 'f' times
 * the SVG's size: f = 1 for a screen, where the map shows near its print
 * size; f = 0.5 for a phone, where it shows at about half and the names
 * must be twice as large on the map to be read.  In the SVG's points. */
static nm_status place_names(nm_ctx *ctx, const nm_map *map, PangoContext *pc,
                             const rn_layout *base, double f, nm_map_svg_label **out, size_t *n)
{
    rn_layout lay = *base;
    double k = RN_PT_PER_MM;
    nm_status rc;
    size_t i;

    *n = 0;
    lay.mm_per_m *= f;
    lay.ax *= f;
    lay.ay *= f;
    lay.pub.map = (nm_rect){0, 0, base->pub.map.w * f, base->pub.map.h * f};
    rc = nmR_place_labels(ctx, map, pc, &lay);
    if (rc == NM_OK && !(*out = nm_calloc(lay.nplaced ? lay.nplaced : 1, sizeof **out)))
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    for (i = 0; rc == NM_OK && i < lay.nplaced; i++) {
        const rn_placed *p = &lay.placed[i];
        PangoLayout *t = nmR_text_pt(pc, RN_F_LABEL, p->pt, map->labels[p->label].text, 0);
        nm_map_svg_label *o = &(*out)[(*n)++];
        double w, h, base_mm;
        if (!t) {
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
            break;
        }
        nmR_text_size(t, &w, &h);
        base_mm = (double)pango_layout_get_baseline(t) / PANGO_SCALE;
        g_object_unref(t);
        /* the middle of the text, so that a browser's slightly other
           measure spreads both ways */
        o->label = p->label;
        o->size = p->pt / f;
        o->x = (p->x + w / 2) / f * k;
        o->y = (p->y + base_mm) / f * k;
        o->leader = p->leader;
        o->x0 = p->x0 / f * k;
        o->y0 = p->y0 / f * k;
        o->x1 = p->x1 / f * k;
        o->y1 = p->y1 / f * k;
    }
    nmR_layout_free(&lay);
    return rc;
}

nm_status nm_map_svg_paths(nm_ctx *ctx, const nm_map *map, double width_mm, double height_mm,
                           nm_map_svg *out)
{
    double ext[4], ew, eh, s, k = RN_PT_PER_MM, snap;
    rn_layout lay;
    rn_dev feat = {0}, outl = {0};
    nm_status rc;
    size_t i;

    memset(out, 0, sizeof *out);
    memset(&lay, 0, sizeof lay);
    if (!nmR_map_extent(map, ext))
        return nmC_fail(ctx, NM_USAGE, "the map has no features and no extent");
    if (!(width_mm > 0 && height_mm > 0))
        return nmC_fail(ctx, NM_USAGE, "the map's box must have a size");
    ew = ext[2] - ext[0];
    eh = ext[3] - ext[1];
    s = fmin(width_mm / ew, height_mm / eh);
    /* the box shrinks to the extent's shape: no empty bands */
    lay.mm_per_m = s;
    lay.ax = -ext[0] * s;
    lay.ay = ext[3] * s;
    lay.pub.map = (nm_rect){0, 0, ew * s, eh * s};
    out->width = ew * s * k;
    out->height = eh * s * k;
    /* as write_vector(): a power-of-two grid near a printer's dot, and the
       tolerance of one dot at print_dpi */
    snap = pow(2, floor(log2(map->opts.print_dpi / 72)));
    rc = nmR_dev_build(ctx, map, &lay, map->feat, map->nfeat, k, 1 / snap,
                      72 / map->opts.print_dpi, &feat);
    if (rc == NM_OK)
        rc = nmR_dev_build(ctx, map, &lay, map->outl, map->noutl, k, 1 / snap,
                          72 / map->opts.print_dpi, &outl);
    if (rc == NM_OK)
        rc = paths_of(ctx, &feat, &out->feature, &out->nfeatures);
    if (rc == NM_OK)
        rc = paths_of(ctx, &outl, &out->outline, &out->noutlines);
    if (rc == NM_OK && map->nlabels) {
        PangoContext *pc = nmR_pango_context(map->opts.font);
        if (!pc)
            rc = nmC_fail(ctx, NM_NOMEM, "cannot create a text context");
        for (i = 0; rc == NM_OK && i < 2; i++)
            rc = place_names(ctx, map, pc, &lay, i ? 0.5 : 1.0, &out->names[i], &out->nnames[i]);
        if (pc)
            g_object_unref(pc);
    }
    nmR_dev_free(&feat);
    nmR_dev_free(&outl);
    if (rc != NM_OK)
        nm_map_svg_clear(out);
    return rc;
}

void nm_map_svg_clear(nm_map_svg *s)
{
    size_t i;

    for (i = 0; s->feature && i < s->nfeatures; i++)
        nm_free(s->feature[i]);
    for (i = 0; s->outline && i < s->noutlines; i++)
        nm_free(s->outline[i]);
    nm_free(s->feature);
    nm_free(s->outline);
    nm_free(s->names[0]);
    nm_free(s->names[1]);
    memset(s, 0, sizeof *s);
}
