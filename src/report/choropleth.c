/*
 * One choropleth map: the areas of a selection shaded by the class of their
 * value, with outlines and names of another level over them, a legend that
 * counts the areas in every class (a national scheme keeps all its classes,
 * empty ones too), and the attribution of every dataset drawn.  Composition
 * only: selecting, ranking, classing and drawing are the other modules'.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "needsmap/classify.h"
#include "needsmap/report.h"
#include "report/html_int.h"
#include "report/report_int.h"
#include "store/geom_int.h"
#include "store/store_int.h"

void nm_choropleth_opts_init(nm_choropleth_opts *o)
{
    memset(o, 0, sizeof *o);
    o->level = "lsoa";
    o->paper = NM_PAPER_A4;
    o->orient = NM_ORIENT_AUTO;
    o->dpi = 150;
    o->sidecar = 1;
    o->context = 1;
}

/* Everything one map needs while it is being composed. */
typedef struct job {
    nm_store *store;
    nm_ctx *ctx;
    const nm_choropleth_opts *o;
    nm_areas *areas, *over;
    nm_values vals;
    nm_classify_spec spec;
    nm_classes *classes;
    nm_rgb colours[NM_CLASSES_MAX];
    double *shown;   /* the values classed: decile numbers for ranked deciles */
    int *klass;      /* class of each area, -1 missing */
    double *centres; /* centre of each area's bounding box, x then y, as drawn */
    double drawn[4]; /* the extent of the areas drawn */
    size_t ndrawn;   /* how many of them had a geometry */
    nm_map *map;
    nmS_geombuf geom;
    sqlite3_stmt *geom_stmt;
    char *alt_text;  /* what the map shows, in words */
    int wants_text;  /* the alt text goes into the output or the sidecar */
    char *change_note; /* a change map's subtitle: how its areas compare */
    nm_render_opts ro; /* as set on the map */
    nm_map_layout frame; /* the page laid out once the legend is on (page_frame) */
    int have_frame;
} job;

static int is_rank_scheme(const nm_classify_spec *s)
{
    return s->method == NM_CLASSIFY_DECILES || s->method == NM_CLASSIFY_QUINTILES;
}

/* The classification: given, or what the indicator's unit calls for. */
static nm_status choose_classes(job *j)
{
    const char *text = j->o->classify;
    const nm_values *v = &j->vals;
    nm_status rc;

    if (nmP_is_change(v))
        return nmP_change_spec(j->ctx, &j->spec);
    if (!text) {
        if (j->o->rank >= NM_RANK_REGION)
            text = "quintiles";
        else if (strcmp(v->unit, "decile") == 0 || strcmp(v->unit, "rank") == 0)
            text = "deciles";
        else
            text = "quantile:5";
    }
    rc = nm_classify_parse(j->ctx, text, &j->spec);
    if (rc == NM_OK && strcmp(v->unit, "share") == 0) {
        /* shares read as percentages, and no class beyond 0 to 100% */
        j->spec.percent = 1;
        j->spec.bounded = 1;
        j->spec.lo = 0;
        j->spec.hi = 1;
    }
    if (rc != NM_OK || !is_rank_scheme(&j->spec))
        return rc;
    /* deciles and quintiles come from positions: national ranks against
       all stored values, decile values as they are, regional or local
       positions as deciles of their own group */
    if (j->o->rank >= NM_RANK_REGION) {
        for (size_t i = 0; i < v->n; i++)
            j->shown[i] = isnan(v->value[i]) || v->group_size[i] <= 0
                              ? NAN
                              : ceil(v->value[i] * 10.0 / (double)v->group_size[i]);
        j->spec.national_n = 0;
    } else if (strcmp(v->unit, "decile") == 0) {
        j->spec.national_n = 0;
    } else if (strcmp(v->unit, "rank") == 0) {
        if (j->spec.national_n == 0)
            j->spec.national_n = v->national_n;
    } else {
        return nmC_fail(j->ctx, NM_USAGE,
                       "%s is a %s, not a rank or decile: national deciles need ranks; use "
                       "--rank local or region, or --classify quantile:10",
                       v->key, v->unit);
    }
    return NM_OK;
}

static nm_status classify_values(job *j)
{
    const nm_values *v = &j->vals;
    int polarity = v->polarity ? v->polarity : 1;
    nm_status rc;
    size_t i;
    int k;

    rc = nm_classify(j->ctx, j->shown, v->n, &j->spec, polarity, &j->classes);
    if (rc == NM_OK && nmP_is_change(v))
        rc = nmP_change_relabel(j->ctx, j->classes);
    if (rc != NM_OK)
        return rc;
    const char *name = j->o->palette ? j->o->palette
                                     : (j->o->greyscale ? NM_PALETTE_GREYSCALE : NM_PALETTE_DEFAULT);
    nm_palette_info info;

    k = nm_classes_count(j->classes);
    if (nmP_is_change(v) && !j->o->palette && !j->o->greyscale) {
        /* diverging, "no change" pale in the middle, more deprived red:
           ColorBrewer's RdBu runs red to blue, class 0 (less deprived) first */
        rc = nm_palette(j->ctx, "RdBu", k, !j->o->reverse, j->colours);
    } else {
        /* a diverging scheme's warm end (listed first) goes on the most
           deprived class, the last, whatever the indicator's direction: the
           classes are already ordered by it */
        rc = nm_palette_describe(j->ctx, name, k, &info);
        if (rc == NM_OK)
            rc = nm_palette(j->ctx, name, k,
                            j->o->reverse ^ (info.kind == NM_PALETTE_DIVERGING), j->colours);
    }
    for (i = 0; rc == NM_OK && i < v->n; i++)
        j->klass[i] = nm_classes_of(j->classes, j->shown[i]);
    return rc;
}

/* An indicator with no value for any area of the level asked for is
 * most often an LSOA figure mapped at a larger level: say which command
 * makes that level's figures. */
static nm_status check_any_value(job *j, const nm_areas *areas)
{
    const char *level = nm_areas_level(areas), *key = j->o->indicator;
    size_t i, n = j->vals.n;

    for (i = 0; i < n; i++)
        if (!isnan(j->vals.value[i]))
            return NM_OK;
    if (n == 0 || strcmp(level, "lsoa") == 0)
        return NM_OK; /* the classification says it */
    if (strstr(key, "_score") && !strstr(key, "_pw"))
        return nmC_fail(j->ctx, NM_NOTFOUND,
                       "%s has no values for %s areas (it is an LSOA figure): run 'needsmap "
                       "aggregate --to %s%s%s' and map %.*s_score_pw, the population-weighted "
                       "score of each %s",
                       key, level, level, j->o->within ? " --within " : "",
                       j->o->within ? j->o->within : "", (int)(strstr(key, "_score") - key), key,
                       level);
    return nmC_fail(j->ctx, NM_NOTFOUND,
                   "%s has no values for %s areas: run 'needsmap aggregate --to %s%s%s' to sum "
                   "and average LSOA figures to them (indicators %s_pop_total, "
                   "%s_imd_score_pw, ...), or map them with --level lsoa",
                   key, level, level, j->o->within ? " --within " : "",
                   j->o->within ? j->o->within : "", level, level);
}

/* The areas' values, the classes and each area's class: what a map and
 * the shading of other figures share. */
static nm_status class_areas(job *j, const nm_areas *areas)
{
    size_t n = nm_areas_count(areas);
    nm_status rc = j->o->since ? nmP_change_shown(j->store, areas, j->o->indicator, j->o->period,
                                                 j->o->since, &j->vals, &j->change_note)
                               : nm_values_read(j->store, areas, j->o->indicator, j->o->period,
                                                j->o->rank, &j->vals);

    if (rc != NM_OK)
        return rc;
    if ((rc = check_any_value(j, areas)) != NM_OK)
        return rc;
    j->shown = nm_malloc((n ? n : 1) * sizeof *j->shown);
    j->klass = nm_malloc((n ? n : 1) * sizeof *j->klass);
    if (!j->shown || !j->klass)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    memcpy(j->shown, j->vals.value, n * sizeof *j->shown);
    rc = choose_classes(j);
    return rc == NM_OK ? classify_values(j) : rc;
}

static uint32_t rgb32(nm_rgb c)
{
    return (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
}

static nm_geom view(const nmS_geombuf *g)
{
    nm_geom geom = {g->xy, g->npoints, g->ring_start, g->nrings, g->part_start, g->nparts};
    return geom;
}

/* Keeps the centre of area i's bounding box, as the map measured it, for
 * the alt text, which would otherwise read every geometry of its classes
 * again. */
static void keep_centre(job *j, size_t i)
{
    double b[4];

    if (!nm_map_feature_box(j->map, nm_map_feature_count(j->map) - 1, b))
        return;
    j->centres[2 * i] = (b[0] + b[2]) / 2;
    j->centres[2 * i + 1] = (b[1] + b[3]) / 2;
    j->drawn[0] = fmin(j->drawn[0], b[0]);
    j->drawn[1] = fmin(j->drawn[1], b[1]);
    j->drawn[2] = fmax(j->drawn[2], b[2]);
    j->drawn[3] = fmax(j->drawn[3], b[3]);
    j->ndrawn++;
}

static nm_status add_area(void *user, size_t i, const nmS_geombuf *geom)
{
    job *j = user;
    nm_geom g = view(geom);
    int c = j->klass[i];
    nm_status rc = nm_map_add_feature(j->ctx, j->map, &g, c >= 0 ? rgb32(j->colours[c]) : 0,
                                      c >= 0 ? 0 : NM_MAP_MISSING);

    if (rc == NM_OK && j->centres)
        keep_centre(j, i);
    return rc;
}

static nm_status draw_areas(job *j)
{
    size_t i, n = nm_areas_count(j->areas);
    long *rowids = nm_malloc((n ? n : 1) * sizeof *rowids);
    nm_status rc;

    if (!rowids)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    if (j->wants_text) {
        j->centres = nm_malloc((n ? n : 1) * 2 * sizeof *j->centres);
        if (!j->centres) {
            nm_free(rowids);
            return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
        }
        for (i = 0; i < 2 * n; i++)
            j->centres[i] = NAN;
        j->drawn[0] = j->drawn[1] = INFINITY;
        j->drawn[2] = j->drawn[3] = -INFINITY;
    }
    for (i = 0; i < n; i++)
        rowids[i] = nm_areas_rowid(j->areas, i);
    rc = nmS_store_each_geom(j->store, rowids, n, add_area, j);
    nm_free(rowids);
    /* every area drawn: the alt text's sides of the map need not read
       them all again */
    if (rc == NM_OK && j->centres && j->ndrawn == n)
        nm_areas_measured(j->areas, j->drawn);
    return rc;
}

/* The name (or code) of area i of 'set' as a label; every area of the
 * selection's parents is the council's own. */
static nm_status add_name(job *j, const nm_areas *set, size_t i, const nm_geom *g)
{
    const char *code = nm_areas_code(set, i), *name = nm_areas_name(set, i);
    const char *text = j->o->label_codes || !*name ? code : name;

    return *text ? nm_map_add_label_keyed(j->ctx, j->map, text, code, NM_LABEL_OWN, g) : NM_OK;
}

/* Outlines (and names) of another level over the fill: the wards of a map
 * of LSOAs. */
static nm_status draw_overlay(job *j)
{
    const char *level = j->o->overlay ? j->o->overlay : j->o->labels;
    nm_status rc;
    int layer = -1, casing = -1;
    size_t i;

    if (!level)
        return NM_OK;
    rc = nm_areas_parents(j->store, j->areas, level, &j->over);
    /* in greys a dark line is lost over the darkest classes: it runs on a
       white casing */
    if (rc == NM_OK && j->o->overlay && j->o->greyscale)
        rc = nm_map_add_layer(j->ctx, j->map, 0xffffff, 0.85, &casing);
    if (rc == NM_OK && j->o->overlay)
        rc = nm_map_add_layer(j->ctx, j->map, 0x202020, 0.45, &layer);
    for (i = 0; rc == NM_OK && i < nm_areas_count(j->over); i++) {
        nm_geom g;
        rc = nmS_store_area_geom(j->store, nm_areas_rowid(j->over, i), &j->geom, &j->geom_stmt);
        g = view(&j->geom);
        if (rc == NM_OK && casing >= 0)
            rc = nm_map_add_outline(j->ctx, j->map, casing, &g);
        if (rc == NM_OK && layer >= 0)
            rc = nm_map_add_outline(j->ctx, j->map, layer, &g);
        if (rc == NM_OK && j->o->labels && strcmp(j->o->labels, level) == 0)
            rc = add_name(j, j->over, i, &g);
    }
    if (rc == NM_OK && j->o->labels && j->o->overlay && strcmp(j->o->labels, j->o->overlay) != 0)
        rc = nmC_fail(j->ctx, NM_USAGE, "--labels %s with --overlay %s: labels name the overlay's "
                                       "areas; give the same level",
                     j->o->labels, j->o->overlay);
    return rc;
}

static nm_status add_legend(job *j)
{
    int k = nm_classes_count(j->classes), c;
    long missing = nm_classes_missing(j->classes);
    nm_status rc = NM_OK;
    char *title = nmP_legend_title(&j->vals, &j->spec, j->o->rank, nm_areas_within_name(j->areas));

    if (!title)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    rc = nm_map_set_legend_title(j->ctx, j->map, title);
    nm_free(title);
    /* the most deprived class first, as plans list them */
    for (c = k - 1; rc == NM_OK && c >= 0; c--)
        rc = nm_map_add_legend_entry(j->ctx, j->map, rgb32(j->colours[c]), 0,
                                     nm_classes_label(j->classes, c),
                                     nm_classes_members(j->classes, c));
    if (rc == NM_OK && missing > 0)
        rc = nm_map_add_legend_entry(j->ctx, j->map, 0, NM_MAP_MISSING,
                                     nmP_is_change(&j->vals) ? "Not compared" : "No data", missing);
    return rc;
}

/* The alt text, for the PDF's subject and the sidecar. */
static nm_status describe(job *j)
{
    nm_alt_text_in in = {j->areas, &j->vals, j->classes, j->klass, NULL, NULL, j->centres};
    char *scheme = nmP_legend_title(&j->vals, &j->spec, j->o->rank, nm_areas_within_name(j->areas));
    nm_status rc;

    if (!scheme)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    in.scheme = scheme;
    /* the level named on the map says where areas lie; wards otherwise */
    if (j->o->labels && strcmp(j->o->labels, nm_areas_level(j->areas)) != 0)
        in.places = j->o->labels;
    rc = nm_alt_text(j->store, &in, &j->alt_text);
    nm_free(scheme);
    return rc;
}

/* ---- context: the neighbouring areas in the map's frame ---------------- */

/* The page's layout once title, areas and legend are on: the outline width
 * and the context, which follow it, change neither the frame nor the
 * scale, so one layout serves both (a layout is a tenth of a map). */
static nm_status page_frame(job *j, nm_map_layout *l)
{
    nm_status rc;

    if (!j->have_frame) {
        if ((rc = nm_map_layout_get(j->ctx, j->map, &j->frame)) != NM_OK)
            return rc;
        j->have_frame = 1;
    }
    *l = j->frame;
    return NM_OK;
}

/* The neighbouring areas of the same level in light grey under their own
 * outlines: where the council lies among its neighbours, and, since the
 * boundaries are clipped to the coast, the sea left white.  Only what the
 * map's frame shows is read. */
static nm_status draw_context(job *j)
{
    nm_map_layout l;
    double box[4];
    size_t k, ns = nm_areas_count(j->areas);
    long *own;
    nm_status rc;

    if (!j->o->context || !j->o->within)
        return NM_OK;
    rc = page_frame(j, &l);
    if (rc != NM_OK)
        return rc;
    nmP_layout_world_box(&l, box);
    if (!(own = nm_malloc((ns ? ns : 1) * sizeof *own)))
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (k = 0; k < ns; k++)
        own[k] = nm_areas_rowid(j->areas, k);
    rc = nmP_context_add(j->store, j->map, nm_areas_level(j->areas), nm_areas_vintage(j->areas),
                        own, ns, box);
    nm_free(own);
    return rc;
}

/* "160x120mm" (the unit may be left out).  OUT w, h.  Returns 0 when the
 * text is not a size. */
static int parse_size(const char *text, double *w, double *h)
{
    char *end;

    *w = strtod(text, &end);
    if (end == text || (*end != 'x' && *end != 'X'))
        return 0;
    text = end + 1;
    *h = strtod(text, &end);
    if (end == text)
        return 0;
    return *end == 0 || strcmp(end, "mm") == 0;
}

static const char *const legend_names[] = {"auto", "right", "bottom", "inside", "none"};
static const nm_legend_pos legend_values[] = {NM_LEGEND_AUTO, NM_LEGEND_RIGHT, NM_LEGEND_BOTTOM,
                                              NM_LEGEND_INSIDE, NM_LEGEND_NONE};

/* The page's size and the drawing options the command line sets. */
static nm_status set_render_opts(job *j)
{
    nm_render_opts ro;
    double w, h;
    size_t k;
    nm_status rc;

    nm_render_opts_init(&ro);
    if (j->o->size) {
        if (!parse_size(j->o->size, &w, &h))
            return nmC_fail(j->ctx, NM_USAGE, "size \"%s\" is not WIDTHxHEIGHTmm (e.g. 160x120mm)",
                           j->o->size);
        if ((rc = nm_map_set_size(j->ctx, j->map, w, h)) != NM_OK)
            return rc;
    }
    if (j->o->legend) {
        for (k = 0; k < sizeof legend_names / sizeof *legend_names; k++)
            if (strcmp(j->o->legend, legend_names[k]) == 0)
                break;
        if (k == sizeof legend_names / sizeof *legend_names)
            return nmC_fail(j->ctx, NM_USAGE,
                           "legend position \"%s\" is not auto, right, bottom, inside or none",
                           j->o->legend);
        ro.legend_pos = legend_values[k];
    }
    /* with the neighbours drawn, the page's spare room shows them */
    ro.fill_page = j->o->context && j->o->within;
    /* a figure is framed by the document it goes in */
    if (j->o->figure || j->o->size)
        ro.margin_mm = 2;
    if (j->o->outline_mm > 0)
        ro.outline_mm = j->o->outline_mm;
    if (j->o->no_outlines)
        ro.outline_mm = 0;
    if (j->o->label_pt > 0) {
        ro.label_pt = j->o->label_pt;
        ro.label_min_pt = fmin(ro.label_min_pt, ro.label_pt);
    }
    if (j->o->font) /* checked before anything was read */
        nmC_strlcpy(ro.font, j->o->font, sizeof ro.font);
    j->ro = ro;
    return nm_map_set_options(j->ctx, j->map, &ro);
}

/* The outline width for areas L mm across on the page (the square root of
 * the frame's area per area shaded): 0.1 mm for a borough's LSOAs, thinner
 * where areas crowd (a region's or England's LSOAs, down to 0.02 mm) so
 * that lines do not outweigh the fills, thicker for a few large areas (up
 * to 0.25 mm for a borough's wards) so that neighbours of one class are
 * still told apart. */
static double outline_for(double across_mm)
{
    if (across_mm < 8)
        return fmax(0.02, 0.1 * across_mm / 8);
    if (across_mm < 16)
        return 0.1;
    return fmin(0.25, 0.1 + (across_mm - 16) / 16 * 0.15);
}

/* Outlines by density unless the width was given (or outlines refused). */
static nm_status auto_outline(job *j)
{
    nm_map_layout l;
    size_t n = nm_areas_count(j->areas);
    nm_status rc;

    if (j->o->outline_mm > 0 || j->o->no_outlines || n == 0)
        return NM_OK;
    if ((rc = page_frame(j, &l)) != NM_OK)
        return rc;
    j->ro.outline_mm = outline_for(sqrt(l.map.w * l.map.h / (double)n));
    return nm_map_set_options(j->ctx, j->map, &j->ro);
}

/* One line per label left out, for --verbose; NULL when none was. */
static char *unplaced_report(const nm_map *map)
{
    nmC_buf b = {0};
    nm_label_info li;
    size_t i;

    for (i = 0; nm_map_label_info(map, i, &li); i++)
        if (li.status == NM_LABEL_NO_ROOM || li.status == NM_LABEL_OUTSIDE)
            nmC_buf_addf(&b, "%s%s%s: %s\n", li.key, *li.key ? " " : "",
                        strcmp(li.key, li.text) ? li.text : "", li.reason);
    if (b.failed) {
        nmC_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* The source line: every dataset's attribution, then the boundaries and
 * the ward lookup the map used.  NULL when out of memory. */
static char *map_attribution(job *j)
{
    char *attr = nmP_attribution(j->store, j->areas, j->o->overlay, j->vals.source);
    char *said = NULL;
    nmC_buf b = {0};

    if (!attr || nmP_boundaries_said(j->store, j->areas, j->o->overlay, j->o->labels,
                                    j->o->within, &said) != NM_OK) {
        nm_free(attr);
        return NULL;
    }
    nmC_buf_addf(&b, "%s%s%s", attr, *attr && said ? " " : "", said ? said : "");
    nm_free(attr);
    nm_free(said);
    return nmC_buf_take(&b);
}

static nm_status compose_page(job *j)
{
    char *title = NULL, *subtitle = NULL, *attribution = NULL;
    nm_status rc;

    j->map = nm_map_new();
    if (!j->map)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    title = j->o->title            ? nm_strdup(j->o->title)
            : nmP_is_change(&j->vals) ? nm_strdup(j->vals.label)
                                     : nmP_default_title(&j->vals);
    subtitle = j->o->subtitle  ? nm_strdup(j->o->subtitle)
               : j->change_note ? nm_strdup(j->change_note)
                                : nmP_default_subtitle(j->areas, &j->vals, &j->spec, j->o->rank,
                                                      j->classes);
    /* a legend whose neighbours are hard to tell apart says so */
    if (!j->o->subtitle && subtitle) {
        char *note = nmP_contrast_note(j->colours, nm_classes_count(j->classes));
        nmC_buf b = {0};
        if (note) {
            nmC_buf_addf(&b, "%s\n%s", subtitle, note);
            nm_free(subtitle);
            subtitle = nmC_buf_take(&b);
        }
        nm_free(note);
    }
    if (j->o->figure) { /* the document's caption says what it is */
        nm_free(title);
        nm_free(subtitle);
        title = subtitle = NULL;
    }
    attribution = map_attribution(j);
    if ((!j->o->figure && (!title || !subtitle)) || !attribution)
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    else
        rc = nm_map_set_page(j->ctx, j->map, j->o->paper, j->o->orient,
                             j->o->dpi > 0 ? j->o->dpi : 150);
    /* no extent set: the map shows its features, the areas selected */
    if (rc == NM_OK)
        rc = set_render_opts(j);
    if (rc == NM_OK)
        rc = nm_map_set_title(j->ctx, j->map, title, subtitle);
    if (rc == NM_OK)
        rc = nm_map_set_attribution(j->ctx, j->map, attribution);
    if (rc == NM_OK)
        rc = draw_areas(j);
    /* after the drawing, which knows where every area lies */
    if (rc == NM_OK && j->wants_text)
        rc = describe(j);
    if (rc == NM_OK)
        rc = nm_map_set_description(j->ctx, j->map, j->alt_text);
    if (rc == NM_OK)
        rc = add_legend(j);
    /* the page is laid out by now: outlines follow the areas' size on it,
       and the context fills the map's frame */
    if (rc == NM_OK)
        rc = auto_outline(j);
    if (rc == NM_OK)
        rc = draw_context(j);
    if (rc == NM_OK && j->o->locator)
        rc = j->o->within ? nmP_locator_add(j->store, j->map, j->o->within, j->areas,
                                           j->o->greyscale ? 0x000000 : 0xcb181d)
                          : nmC_fail(j->ctx, NM_USAGE, "a locator needs --within: the area to show");
    if (rc == NM_OK)
        rc = draw_overlay(j);
    nm_free(title);
    nm_free(subtitle);
    nm_free(attribution);
    return rc;
}

/* map -o FILE.html: the same classes and words as a page of its own
 * (html.c), no sidecar. */
static nm_status write_html(job *j)
{
    nmP_shading sh = {j->vals, j->spec, j->classes, {{0}}, j->shown, j->klass, NULL};
    char *title = j->o->title            ? nm_strdup(j->o->title)
                  : nmP_is_change(&j->vals) ? nm_strdup(j->vals.label)
                                           : nmP_default_title(&j->vals);
    char *subtitle = j->o->subtitle   ? nm_strdup(j->o->subtitle)
                     : j->change_note ? nm_strdup(j->change_note)
                                      : nmP_default_subtitle(j->areas, &j->vals, &j->spec,
                                                            j->o->rank, j->classes);
    char *attribution = map_attribution(j);
    const char *level = j->o->overlay ? j->o->overlay : j->o->labels;
    hs_map m = {j->store, j->o->output, title, subtitle, attribution, j->alt_text, j->areas, &sh,
                NULL, j->o->labels != NULL, j->o->font};
    nm_status rc = NM_OK;

    memcpy(sh.colours, j->colours, sizeof sh.colours);
    sh.legend_title = nmP_legend_title(&j->vals, &j->spec, j->o->rank, nm_areas_within_name(j->areas));
    if (!title || !subtitle || !attribution || !sh.legend_title)
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK && level)
        rc = nm_areas_parents(j->store, j->areas, level, &j->over);
    m.over = j->over;
    if (rc == NM_OK)
        rc = nmP_html_map(&m);
    nm_free(sh.legend_title);
    nm_free(title);
    nm_free(subtitle);
    nm_free(attribution);
    return rc;
}

static void job_free(job *j)
{
    nm_map_free(j->map);
    nm_classes_free(j->classes);
    nm_values_clear(&j->vals);
    nm_areas_free(j->areas);
    nm_areas_free(j->over);
    nmS_geombuf_free(&j->geom);
    sqlite3_finalize(j->geom_stmt);
    nm_free(j->shown);
    nm_free(j->klass);
    nm_free(j->centres);
    nm_free(j->alt_text);
    nm_free(j->change_note);
}

nm_status nm_choropleth(nm_store *store, const nm_choropleth_opts *o, nm_choropleth_result *res)
{
    job j = {0};
    nm_choropleth_result local;
    nm_status rc;
    size_t n;

    nmC_clear(nm_store_ctx(store));
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    j.store = store;
    j.ctx = nm_store_ctx(store);
    j.o = o;
    if (!o->indicator || !o->output)
        return nmC_fail(j.ctx, NM_USAGE, "an indicator and an output file are required");
    if (o->font && (rc = nm_font_check(j.ctx, o->font)) != NM_OK)
        return rc;
    rc = nmS_store_read_begin(store);
    if (rc == NM_OK)
        rc = nm_areas_select(store, o->level ? o->level : "lsoa", o->vintage, o->within, &j.areas);
    n = j.areas ? nm_areas_count(j.areas) : 0;
    if (rc == NM_OK)
        rc = class_areas(&j, j.areas);
    /* the alt text goes into a PDF or SVG and the sidecar; a PNG alone
       has no room for it (it costs a tenth of a map of England) */
    j.wants_text = o->sidecar || nmC_format_of(o->output) != NMC_FMT_PNG;
    if (rc == NM_OK && nmC_format_of(o->output) == NMC_FMT_HTML) {
        if (j.wants_text)
            rc = describe(&j);
        if (rc == NM_OK)
            rc = write_html(&j);
        nmS_store_read_end(store);
        if (rc == NM_OK) {
            res->areas = (long)n;
            res->missing = nm_classes_missing(j.classes);
            res->classes = nm_classes_count(j.classes);
        }
        job_free(&j);
        return rc;
    }
    if (rc == NM_OK)
        rc = compose_page(&j);
    nmS_store_read_end(store);
    if (rc == NM_OK)
        rc = nm_map_write(j.ctx, j.map, o->output, &res->layout);
    if (rc == NM_OK && o->sidecar)
        rc = nmP_write_sidecar(store, o, j.areas, &j.vals, j.classes, j.colours, j.shown, j.klass,
                              &res->layout, j.alt_text, j.map);
    if (rc == NM_OK && res != &local)
        res->unplaced = unplaced_report(j.map);
    if (rc == NM_OK) {
        res->areas = (long)n;
        res->missing = nm_classes_missing(j.classes);
        res->classes = nm_classes_count(j.classes);
    }
    job_free(&j);
    return rc;
}

/* ---- shading for other figures ------------------------------------------ */

nm_status nmP_shading_make(nm_store *store, const nm_choropleth_opts *o, const nm_areas *areas,
                          nmP_shading *out)
{
    job j = {0};
    nm_status rc;

    memset(out, 0, sizeof *out);
    j.store = store;
    j.ctx = nm_store_ctx(store);
    j.o = o;
    rc = class_areas(&j, areas);
    if (rc == NM_OK) {
        out->legend_title = nmP_legend_title(&j.vals, &j.spec, o->rank, nm_areas_within_name(areas));
        if (!out->legend_title)
            rc = nmC_fail(j.ctx, NM_NOMEM, "out of memory");
    }
    nm_free(j.change_note);
    /* the job's parts move to the shading */
    out->vals = j.vals;
    out->spec = j.spec;
    out->classes = j.classes;
    memcpy(out->colours, j.colours, sizeof out->colours);
    out->shown = j.shown;
    out->klass = j.klass;
    if (rc != NM_OK)
        nmP_shading_clear(out);
    return rc;
}

void nmP_shading_clear(nmP_shading *s)
{
    nm_values_clear(&s->vals);
    nm_classes_free(s->classes);
    nm_free(s->shown);
    nm_free(s->klass);
    nm_free(s->legend_title);
    memset(s, 0, sizeof *s);
}

uint32_t nmP_shading_rgb(const nmP_shading *s, int c)
{
    return c >= 0 ? rgb32(s->colours[c]) : 0;
}

int nmP_shading_class_of(const nmP_shading *s, double x)
{
    return nm_classes_of(s->classes, x);
}

nm_status nmP_shading_legend(nm_ctx *ctx, nm_map *map, const nmP_shading *s, const int *klass,
                            size_t n)
{
    int k = nm_classes_count(s->classes), c;
    long count[NM_CLASSES_MAX + 1] = {0};
    nm_status rc;
    size_t i;

    if (!klass) {
        klass = s->klass;
        n = s->vals.n;
    }
    for (i = 0; i < n; i++)
        count[klass[i] >= 0 && klass[i] < k ? klass[i] : NM_CLASSES_MAX]++;
    rc = nm_map_set_legend_title(ctx, map, s->legend_title);
    for (c = k - 1; rc == NM_OK && c >= 0; c--)
        rc = nm_map_add_legend_entry(ctx, map, rgb32(s->colours[c]), 0,
                                     nm_classes_label(s->classes, c), count[c]);
    if (rc == NM_OK && count[NM_CLASSES_MAX] > 0)
        rc = nm_map_add_legend_entry(ctx, map, 0, NM_MAP_MISSING, "No data",
                                     count[NM_CLASSES_MAX]);
    return rc;
}
