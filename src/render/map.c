/*
 * The map document: page settings, options, texts, and copies of the
 * geometry of areas, overlay outlines and labels.  Everything is validated
 * and copied here so that layout and drawing can trust it; nothing is drawn
 * until nm_map_write().
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "render_int.h"

void nm_render_opts_init(nm_render_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->simplify_px = 0.35;
    opts->print_dpi = 400;
    opts->png_level = 3;
    opts->threads = 2;
    opts->outline_mm = 0.1;
    opts->outline_darken = 0.4;
    opts->outline_rgb = 0x8c8c8c;
    opts->scale_bar = 1;
    opts->north_arrow = 1;
    opts->label_pt = 7.5;
    opts->label_min_pt = 5.5;
    opts->label_leaders = 1;
    opts->legend_pos = NM_LEGEND_AUTO;
    opts->margin_mm = 10;
}

nm_map *nm_map_new(void)
{
    nm_map *map = nm_calloc(1, sizeof *map);

    if (!map)
        return NULL;
    map->paper = NM_PAPER_A4;
    map->orient = NM_ORIENT_AUTO;
    map->dpi = 300;
    nm_render_opts_init(&map->opts);
    return map;
}

void nm_map_free(nm_map *map)
{
    size_t i;

    if (!map)
        return;
    nm_free(map->title);
    nm_free(map->subtitle);
    nm_free(map->attribution);
    nm_free(map->legend_title);
    nm_free(map->description);
    nm_free(map->st.xy);
    nm_free(map->st.rs);
    nm_free(map->feat);
    nm_free(map->outl);
    nm_free(map->layers);
    for (i = 0; i < map->nlabels; i++) {
        nm_free(map->labels[i].text);
        nm_free(map->labels[i].key);
    }
    nm_free(map->labels);
    for (i = 0; i < map->nlegend; i++)
        nm_free(map->legend[i].label);
    nm_free(map->legend);
    nm_map_free(map->locator);
    nm_free(map);
}

nm_map *nm_map_locator(nm_map *map)
{
    nm_render_opts ro;

    if (map->locator)
        return map->locator;
    if (!(map->locator = nm_map_new()))
        return NULL;
    nm_render_opts_init(&ro);
    ro.scale_bar = ro.north_arrow = 0;
    ro.outline_mm = 0.05;
    ro.outline_darken = 0.25;
    ro.threads = 1;
    ro.in_order = 1; /* the area marked over the ground that holds it */
    map->locator->opts = ro;
    return map->locator;
}

/* Grows an array so that one more element fits; doubling keeps the copies
 * of a 30,000-area map cheap. */
static int grow(void **arr, size_t *cap, size_t need, size_t elsize)
{
    size_t ncap;
    void *p;

    if (need <= *cap)
        return 1;
    ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    p = nm_realloc(*arr, ncap * elsize);
    if (!p)
        return 0;
    *arr = p;
    *cap = ncap;
    return 1;
}

nm_status nm_map_set_page(nm_ctx *ctx, nm_map *map, nm_paper paper, nm_orient orient, double dpi)
{
    nmC_clear(ctx);
    if (paper != NM_PAPER_A4 && paper != NM_PAPER_A3 &&
        !(paper == NM_PAPER_CUSTOM && map->size_mm[0] > 0))
        return nmC_fail(ctx, NM_USAGE, "unknown paper size %d", (int)paper);
    if (orient != NM_ORIENT_AUTO && orient != NM_ORIENT_PORTRAIT && orient != NM_ORIENT_LANDSCAPE)
        return nmC_fail(ctx, NM_USAGE, "unknown orientation %d", (int)orient);
    if (!(dpi >= 36 && dpi <= 1200))
        return nmC_fail(ctx, NM_USAGE, "resolution %g dpi is outside 36 to 1200", dpi);
    map->paper = paper;
    map->orient = orient;
    map->dpi = dpi;
    return NM_OK;
}

nm_status nm_map_set_size(nm_ctx *ctx, nm_map *map, double w_mm, double h_mm)
{
    nmC_clear(ctx);
    if (!(w_mm >= 30 && w_mm <= 2000 && h_mm >= 30 && h_mm <= 2000))
        return nmC_fail(ctx, NM_USAGE, "a page of %g x %g mm is outside 30 to 2000 mm", w_mm,
                       h_mm);
    map->size_mm[0] = w_mm;
    map->size_mm[1] = h_mm;
    map->paper = NM_PAPER_CUSTOM;
    map->orient = w_mm > h_mm ? NM_ORIENT_LANDSCAPE : NM_ORIENT_PORTRAIT;
    return NM_OK;
}

nm_status nm_map_set_options(nm_ctx *ctx, nm_map *map, const nm_render_opts *o)
{
    nmC_clear(ctx);
    if (o->legend_pos < NM_LEGEND_AUTO || o->legend_pos > NM_LEGEND_NONE)
        return nmC_fail(ctx, NM_USAGE, "unknown legend position %d", (int)o->legend_pos);
    if (!(o->margin_mm >= 0 && o->margin_mm <= 50))
        return nmC_fail(ctx, NM_USAGE, "margin %g mm is outside 0 to 50", o->margin_mm);
    if (!(o->simplify_px >= 0 && o->simplify_px <= 10))
        return nmC_fail(ctx, NM_USAGE, "simplification %g px is outside 0 to 10", o->simplify_px);
    if (!(o->print_dpi >= 72 && o->print_dpi <= 4800))
        return nmC_fail(ctx, NM_USAGE, "print resolution %g dpi is outside 72 to 4800",
                       o->print_dpi);
    if (o->png_level < 0 || o->png_level > 9)
        return nmC_fail(ctx, NM_USAGE, "PNG compression level %d is outside 0 to 9", o->png_level);
    if (o->threads < 1 || o->threads > 8)
        return nmC_fail(ctx, NM_USAGE, "%d threads is outside 1 to 8", o->threads);
    if (!(o->outline_mm >= 0 && o->outline_mm <= 2))
        return nmC_fail(ctx, NM_USAGE, "outline width %g mm is outside 0 to 2", o->outline_mm);
    if (!(o->outline_darken >= 0 && o->outline_darken <= 1))
        return nmC_fail(ctx, NM_USAGE, "outline darkening %g is outside 0 to 1",
                       o->outline_darken);
    if (!(o->label_pt >= 3 && o->label_pt <= 36))
        return nmC_fail(ctx, NM_USAGE, "label size %g pt is outside 3 to 36", o->label_pt);
    if (!(o->label_min_pt >= 3 && o->label_min_pt <= o->label_pt))
        return nmC_fail(ctx, NM_USAGE, "smallest label size %g pt is outside 3 to %g",
                       o->label_min_pt, o->label_pt);
    if (!memchr(o->font, 0, sizeof o->font))
        return nmC_fail(ctx, NM_USAGE, "font family is longer than %d bytes", NM_FONT_MAX - 1);
    map->opts = *o;
    map->opts.outline_rgb &= 0xffffff;
    return NM_OK;
}

nm_status nm_map_set_extent(nm_ctx *ctx, nm_map *map, double minx, double miny, double maxx,
                            double maxy)
{
    nmC_clear(ctx);
    if (!isfinite(minx) || !isfinite(miny) || !isfinite(maxx) || !isfinite(maxy) ||
        !(maxx > minx) || !(maxy > miny))
        return nmC_fail(ctx, NM_USAGE, "extent %g %g %g %g is empty", minx, miny, maxx, maxy);
    map->ext[0] = minx;
    map->ext[1] = miny;
    map->ext[2] = maxx;
    map->ext[3] = maxy;
    map->has_extent = 1;
    return NM_OK;
}

/* Replaces *dst with a copy of 'text' (NULL clears it). */
static nm_status set_text(nm_ctx *ctx, char **dst, const char *text, const char *what)
{
    char *copy = NULL;

    if (text) {
        if (!nmC_utf8_valid(text, strlen(text)))
            return nmC_fail(ctx, NM_BADDATA, "%s is not valid UTF-8", what);
        copy = nm_strdup(text);
        if (!copy)
            return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    nm_free(*dst);
    *dst = copy;
    return NM_OK;
}

nm_status nm_map_set_title(nm_ctx *ctx, nm_map *map, const char *title, const char *subtitle)
{
    nm_status rc;

    nmC_clear(ctx);
    if (title && !nmC_utf8_valid(title, strlen(title)))
        return nmC_fail(ctx, NM_BADDATA, "title is not valid UTF-8");
    rc = set_text(ctx, &map->subtitle, subtitle, "subtitle");
    if (rc == NM_OK)
        rc = set_text(ctx, &map->title, title, "title");
    return rc;
}

nm_status nm_map_set_attribution(nm_ctx *ctx, nm_map *map, const char *text)
{
    nmC_clear(ctx);
    return set_text(ctx, &map->attribution, text, "attribution");
}

nm_status nm_map_set_description(nm_ctx *ctx, nm_map *map, const char *text)
{
    nmC_clear(ctx);
    return set_text(ctx, &map->description, text, "description");
}

nm_status nm_map_set_legend_title(nm_ctx *ctx, nm_map *map, const char *title)
{
    nmC_clear(ctx);
    return set_text(ctx, &map->legend_title, title, "legend title");
}

/* Checks the offsets and coordinates of a geometry. */
static nm_status check_geom(nm_ctx *ctx, const nm_geom *g)
{
    size_t i;

    if (!g || !g->xy || !g->ring_start || g->nrings == 0)
        return nmC_fail(ctx, NM_BADDATA, "geometry has no rings");
    if (g->ring_start[0] != 0 || g->ring_start[g->nrings] != g->npoints)
        return nmC_fail(ctx, NM_BADDATA, "geometry rings do not cover its %zu points", g->npoints);
    for (i = 0; i < g->nrings; i++)
        if (g->ring_start[i + 1] < g->ring_start[i])
            return nmC_fail(ctx, NM_BADDATA, "geometry ring %zu has a negative length", i);
    if (g->part_start) {
        if (g->nparts == 0 || g->part_start[0] != 0 || g->part_start[g->nparts] != g->nrings)
            return nmC_fail(ctx, NM_BADDATA, "geometry parts do not cover its %zu rings",
                           g->nrings);
        for (i = 0; i < g->nparts; i++)
            if (g->part_start[i + 1] <= g->part_start[i])
                return nmC_fail(ctx, NM_BADDATA, "geometry part %zu has no ring", i);
    }
    return NM_OK;
}

/* The box of a geometry's points; 0 when a coordinate is not finite.  One
 * pass with plain comparisons: fmin and fmax are calls, and this runs over
 * every point of a map of England. */
static int measure_geom(const nm_geom *g, double bbox[4])
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    size_t i;

    for (i = 0; i < g->npoints; i++) {
        double x = g->xy[2 * i], y = g->xy[2 * i + 1];
        if (!(fabs(x) <= DBL_MAX && fabs(y) <= DBL_MAX))
            return 0;
        x0 = x < x0 ? x : x0;
        y0 = y < y0 ? y : y0;
        x1 = x > x1 ? x : x1;
        y1 = y > y1 ? y : y1;
    }
    bbox[0] = x0;
    bbox[1] = y0;
    bbox[2] = x1;
    bbox[3] = y1;
    return 1;
}

/* Copies a checked geometry into the store.  OUT sh: ring range and bbox. */
static nm_status store_geom(nm_ctx *ctx, rn_store *st, const nm_geom *g, rn_shape *sh)
{
    double bbox[4];
    size_t i, base;

    if (!measure_geom(g, bbox)) {
        for (i = 0; i < 2 * g->npoints && isfinite(g->xy[i]); i++)
            ;
        return nmC_fail(ctx, NM_BADDATA, "geometry point %zu is not finite", i / 2);
    }
    if (!grow((void **)&st->xy, &st->cap_pt, 2 * (st->npt + g->npoints), sizeof(double)) ||
        !grow((void **)&st->rs, &st->cap_ring, st->nring + g->nrings + 1, sizeof(size_t)))
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    base = st->npt;
    memcpy(st->xy + 2 * base, g->xy, 2 * g->npoints * sizeof(double));
    st->rs[st->nring] = base;
    for (i = 1; i <= g->nrings; i++)
        st->rs[st->nring + i] = base + g->ring_start[i];
    memset(sh, 0, sizeof *sh);
    sh->ring0 = st->nring;
    sh->nrings = g->nrings;
    st->nring += g->nrings;
    st->npt += g->npoints;
    memcpy(sh->bbox, bbox, sizeof bbox);
    return NM_OK;
}

nm_status nm_map_add_feature(nm_ctx *ctx, nm_map *map, const nm_geom *geom, uint32_t rgb,
                             int flags)
{
    nm_status rc;
    rn_shape sh;

    nmC_clear(ctx);
    if ((rc = check_geom(ctx, geom)) != NM_OK)
        return rc;
    if (!grow((void **)&map->feat, &map->cap_feat, map->nfeat + 1, sizeof *map->feat))
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    if ((rc = store_geom(ctx, &map->st, geom, &sh)) != NM_OK)
        return rc;
    sh.rgb = rgb & 0xffffff;
    sh.flags = flags & (NM_MAP_MISSING | NM_MAP_CONTEXT);
    sh.layer = -1;
    map->feat[map->nfeat++] = sh;
    return NM_OK;
}

size_t nm_map_feature_count(const nm_map *map)
{
    return map->nfeat;
}

int nm_map_feature_box(const nm_map *map, size_t i, double box[4])
{
    if (i >= map->nfeat)
        return 0;
    memcpy(box, map->feat[i].bbox, sizeof map->feat[i].bbox);
    return 1;
}

nm_status nm_map_add_layer(nm_ctx *ctx, nm_map *map, uint32_t rgb, double width_mm, int *layer)
{
    nmC_clear(ctx);
    if (!(width_mm > 0 && width_mm <= 5))
        return nmC_fail(ctx, NM_USAGE, "line width %g mm is outside 0 to 5", width_mm);
    if (!grow((void **)&map->layers, &map->cap_layers, map->nlayers + 1, sizeof *map->layers))
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    map->layers[map->nlayers].rgb = rgb & 0xffffff;
    map->layers[map->nlayers].width_mm = width_mm;
    *layer = (int)map->nlayers++;
    return NM_OK;
}

nm_status nm_map_add_outline(nm_ctx *ctx, nm_map *map, int layer, const nm_geom *geom)
{
    nm_status rc;
    rn_shape sh;

    nmC_clear(ctx);
    if (layer < 0 || (size_t)layer >= map->nlayers)
        return nmC_fail(ctx, NM_USAGE, "no overlay layer %d", layer);
    if ((rc = check_geom(ctx, geom)) != NM_OK)
        return rc;
    if (!grow((void **)&map->outl, &map->cap_outl, map->noutl + 1, sizeof *map->outl))
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    if ((rc = store_geom(ctx, &map->st, geom, &sh)) != NM_OK)
        return rc;
    sh.layer = layer;
    map->outl[map->noutl++] = sh;
    return NM_OK;
}

/* Signed area of ring r of a geometry (shoelace). */
static double ring_area(const nm_geom *g, size_t r)
{
    size_t i, a = g->ring_start[r], b = g->ring_start[r + 1];
    double s = 0;

    for (i = a; i < b; i++) {
        size_t j = i + 1 < b ? i + 1 : a;
        s += g->xy[2 * i] * g->xy[2 * j + 1] - g->xy[2 * j] * g->xy[2 * i + 1];
    }
    return s / 2;
}

/* The part with the largest area (exterior less holes): labels go there. */
static void largest_part(const nm_geom *g, size_t *ring0, size_t *nrings)
{
    size_t p, r, np = g->part_start ? g->nparts : 1;
    double best = -1;

    *ring0 = 0;
    *nrings = g->nrings;
    for (p = 0; p < np; p++) {
        size_t a = g->part_start ? g->part_start[p] : 0;
        size_t b = g->part_start ? g->part_start[p + 1] : g->nrings;
        double area = fabs(ring_area(g, a));
        for (r = a + 1; r < b; r++)
            area -= fabs(ring_area(g, r));
        if (area > best) {
            best = area;
            *ring0 = a;
            *nrings = b - a;
        }
    }
}

/* Extent of rings [ring0, ring0 + nrings) of a geometry: the larger side. */
static double part_size(const nm_geom *g, size_t ring0, size_t nrings)
{
    size_t i;
    double bb[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};

    for (i = g->ring_start[ring0]; i < g->ring_start[ring0 + nrings]; i++) {
        bb[0] = fmin(bb[0], g->xy[2 * i]);
        bb[1] = fmin(bb[1], g->xy[2 * i + 1]);
        bb[2] = fmax(bb[2], g->xy[2 * i]);
        bb[3] = fmax(bb[3], g->xy[2 * i + 1]);
    }
    return fmax(bb[2] - bb[0], bb[3] - bb[1]);
}

nm_status nm_map_add_label(nm_ctx *ctx, nm_map *map, const char *text, const nm_geom *geom)
{
    return nm_map_add_label_keyed(ctx, map, text, NULL, 0, geom);
}

nm_status nm_map_add_label_keyed(nm_ctx *ctx, nm_map *map, const char *text, const char *key,
                                 int flags, const nm_geom *geom)
{
    nm_status rc;
    size_t ring0, nrings;
    double x, y, dist, size;
    char *copy = NULL, *kcopy = NULL;
    rn_label *l;

    nmC_clear(ctx);
    if ((rc = check_geom(ctx, geom)) != NM_OK)
        return rc;
    if (!text || !nmC_utf8_valid(text, strlen(text)))
        return nmC_fail(ctx, NM_BADDATA, "label text is missing or not valid UTF-8");
    largest_part(geom, &ring0, &nrings);
    size = part_size(geom, ring0, nrings);
    /* 1/200 of the polygon's size is far below a label's own size */
    rc = nmR_polylabel(ctx, geom->xy, geom->ring_start, ring0, nrings, fmax(size / 200, 1e-6), &x,
                      &y, &dist);
    if (rc != NM_OK)
        return rc;
    if (key && !nmC_utf8_valid(key, strlen(key)))
        return nmC_fail(ctx, NM_BADDATA, "label key is not valid UTF-8");
    copy = nm_strdup(text);
    kcopy = key ? nm_strdup(key) : NULL;
    if (!copy || (key && !kcopy) ||
        !grow((void **)&map->labels, &map->cap_labels, map->nlabels + 1, sizeof *map->labels)) {
        nm_free(copy);
        nm_free(kcopy);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    l = &map->labels[map->nlabels++];
    memset(l, 0, sizeof *l);
    l->text = copy;
    l->key = kcopy;
    l->flags = flags & NM_LABEL_OWN;
    l->x = x;
    l->y = y;
    l->radius = dist;
    return NM_OK;
}

size_t nm_map_label_count(const nm_map *map)
{
    return map->nlabels;
}

int nm_map_label_info(const nm_map *map, size_t i, nm_label_info *info)
{
    const rn_label *l;

    if (i >= map->nlabels)
        return 0;
    l = &map->labels[i];
    info->text = l->text;
    info->key = l->key ? l->key : "";
    info->status = l->status;
    info->pt = l->pt;
    memcpy(info->box_mm, l->box, sizeof info->box_mm);
    info->leader = l->leader;
    memcpy(info->line_mm, l->line, sizeof info->line_mm);
    switch (l->status) {
    case NM_LABEL_PLACED: info->reason = ""; break;
    case NM_LABEL_SMALLER: info->reason = "shrunk to fit inside its area"; break;
    case NM_LABEL_LEADER: info->reason = "placed outside its area on a leader line"; break;
    case NM_LABEL_NO_ROOM:
        info->reason = "no room: other names or the frame block it inside its area at every "
                       "size down to the smallest, and at every leader-line position";
        break;
    case NM_LABEL_OUTSIDE: info->reason = "its label point lies outside the map's frame"; break;
    default: info->reason = "not laid out yet"; break;
    }
    return 1;
}

nm_status nm_map_add_legend_entry(nm_ctx *ctx, nm_map *map, uint32_t rgb, int flags,
                                  const char *label, long count)
{
    char *copy;

    nmC_clear(ctx);
    if (!label || !nmC_utf8_valid(label, strlen(label)))
        return nmC_fail(ctx, NM_BADDATA, "legend label is missing or not valid UTF-8");
    if (!grow((void **)&map->legend, &map->cap_legend, map->nlegend + 1, sizeof *map->legend))
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    copy = nm_strdup(label);
    if (!copy)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    map->legend[map->nlegend].rgb = rgb & 0xffffff;
    map->legend[map->nlegend].flags = flags & NM_MAP_MISSING;
    map->legend[map->nlegend].label = copy;
    map->legend[map->nlegend].count = count < 0 ? -1 : count;
    map->nlegend++;
    return NM_OK;
}
