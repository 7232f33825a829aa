/*
 * Wards compared on one page for a board choosing where to act: a map of
 * each ward's LSOAs on one classification made over all of them (or the
 * national scheme for ranks and deciles) with one legend, each titled
 * with the ward's key numbers, and the summary's table for the wards with
 * the borough and England.  Figures are groups.c's, the page page.c's.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/page_int.h"
#include "report/groups_int.h"
#include "report/html_int.h"
#include "report/report_int.h"
#include "store/geom_int.h"
#include "store/store_int.h"

#define MAX_WARDS 12
#define COMPARE_ACCENT 0xcb181dU /* the locator's marked area, as a map's */

typedef struct cjob {
    nm_store *store;
    nm_ctx *ctx;
    const nm_compare_opts *o;
    gr_set set;
    long idx[MAX_WARDS];
    int n;
    nm_areas *lsoas;  /* the union of the wards' LSOAs */
    int *lsoa_ward;   /* which of the n wards each is in */
    nmP_shading shade;
    pg_doc doc;
    nmS_geombuf geom;
    sqlite3_stmt *gst;
    double scale; /* of every panel's map: 1 : scale */
} cjob;

static nm_status find_wards(cjob *j)
{
    const char *p = j->o->wards;

    while (*p) {
        size_t len = strcspn(p, ",");
        char name[256];
        long at;
        while (len > 0 && *p == ' ') {
            p++;
            len--;
        }
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        for (size_t k = strlen(name); k > 0 && name[k - 1] == ' '; k--)
            name[k - 1] = '\0';
        if (!*name)
            return nmC_fail(j->ctx, NM_USAGE, "an empty ward in \"%s\"", j->o->wards);
        if (j->n == MAX_WARDS)
            return nmC_fail(j->ctx, NM_USAGE, "at most %d wards fit on a page", MAX_WARDS);
        if ((at = nmP_find_ward(&j->set, name)) < 0)
            return nmC_fail(j->ctx, NM_NOTFOUND, "unknown ward \"%s\"%s%s (give a code or name "
                           "of a ward with a boundary)", name, j->o->within ? " in " : "",
                           j->o->within ? nm_areas_within_name(j->set.wards) : "");
        for (int i = 0; i < j->n; i++)
            if (j->idx[i] == at)
                return nmC_fail(j->ctx, NM_USAGE, "ward \"%s\" is given twice", name);
        j->idx[j->n++] = at;
        p += len + (p[len] == ',');
    }
    if (j->n < 1)
        return nmC_fail(j->ctx, NM_USAGE, "no wards to compare");
    return NM_OK;
}

/* The LSOAs of every ward chosen, as one set. */
static nm_status union_lsoas(cjob *j)
{
    nm_areas *part[MAX_WARDS] = {NULL};
    nm_status rc = NM_OK;
    size_t k = 0;

    for (int w = 0; rc == NM_OK && w < j->n; w++)
        rc = nm_areas_select(j->store, "lsoa", 0, j->set.ward[j->idx[w]].code, &part[w]);
    if (rc == NM_OK)
        rc = nm_areas_concat(j->store, part, (size_t)j->n, &j->lsoas);
    if (rc == NM_OK && !(j->lsoa_ward = nm_malloc(
                             (nm_areas_count(j->lsoas) ? nm_areas_count(j->lsoas) : 1) *
                             sizeof *j->lsoa_ward)))
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (int w = 0; rc == NM_OK && w < j->n; w++)
        for (size_t i = 0; i < nm_areas_count(part[w]); i++)
            j->lsoa_ward[k++] = w;
    for (int w = 0; w < j->n; w++)
        nm_areas_free(part[w]);
    return rc;
}

static nm_geom view(const nmS_geombuf *g)
{
    nm_geom geom = {g->xy, g->npoints, g->ring_start, g->nrings, g->part_start, g->nparts};
    return geom;
}

static void grow(double ext[4], const nmS_geombuf *g)
{
    for (size_t i = 0; i < g->npoints; i++) {
        ext[0] = fmin(ext[0], g->xy[2 * i]);
        ext[1] = fmin(ext[1], g->xy[2 * i + 1]);
        ext[2] = fmax(ext[2], g->xy[2 * i]);
        ext[3] = fmax(ext[3], g->xy[2 * i + 1]);
    }
}

/* One ward's map: its LSOAs shaded, its outline; no legend or scale bar
 * (the page has one of each, all maps being at one scale).  OUT *out
 * (caller frees with nm_map_free()), ext: the ward's box. */
static nm_status panel_map(cjob *j, int w, nm_map **out, double ext[4])
{
    nm_map *map = nm_map_new();
    nm_render_opts ro;
    nm_status rc = NM_OK;
    int layer = -1;
    nm_geom g;

    *out = map;
    ext[0] = ext[1] = INFINITY;
    ext[2] = ext[3] = -INFINITY;
    if (!map)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    nm_render_opts_init(&ro);
    ro.north_arrow = 0;
    ro.scale_bar = 0;
    rc = nm_map_set_options(j->ctx, map, &ro);
    for (size_t i = 0; rc == NM_OK && i < nm_areas_count(j->lsoas); i++) {
        int c = j->shade.klass[i];
        if (j->lsoa_ward[i] != w)
            continue;
        rc = nmS_store_area_geom(j->store, nm_areas_rowid(j->lsoas, i), &j->geom, &j->gst);
        g = view(&j->geom);
        grow(ext, &j->geom);
        if (rc == NM_OK)
            rc = nm_map_add_feature(j->ctx, map, &g, nmP_shading_rgb(&j->shade, c),
                                    c < 0 ? NM_MAP_MISSING : 0);
    }
    if (rc == NM_OK)
        rc = nm_map_add_layer(j->ctx, map, 0x202020, 0.6, &layer);
    if (rc == NM_OK)
        rc = nmS_store_area_geom(j->store, nm_areas_rowid(j->set.wards, (size_t)j->idx[w]),
                                &j->geom, &j->gst);
    g = view(&j->geom);
    if (rc == NM_OK) {
        grow(ext, &j->geom);
        rc = nm_map_add_outline(j->ctx, map, layer, &g);
    }
    return rc;
}

/* The one scale of every panel, mm per metre: the largest at which the
 * biggest ward fits its box, its denominator rounded up to two figures
 * (1:24,000) so that the page can state it. */
static double shared_scale(double ext[][4], int n, const nm_rect *box)
{
    double s = INFINITY, d, p;

    for (int i = 0; i < n; i++)
        s = fmin(s, nmR_map_fit(box, fmax(ext[i][2] - ext[i][0], 1), fmax(ext[i][3] - ext[i][1], 1)));
    d = 1000 / s;
    p = pow(10, floor(log10(d)) - 1);
    return 1000 / (ceil(d / p - 1e-9) * p);
}

/* A ward's map at the shared scale, centred on the ward, the LSOAs around
 * it in grey (the sea, where the boundaries follow the coast, white). */
static nm_status draw_panel(cjob *j, int w, nm_map *map, const double ext[4], double s,
                            const nm_rect *box)
{
    double e[4], frame[4], pad = 2.5 / s; /* the frame's padding, and a little */
    long *own = nm_malloc((nm_areas_count(j->lsoas) ? nm_areas_count(j->lsoas) : 1) * sizeof *own);
    size_t nown = 0;
    nm_status rc;

    if (!own)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (size_t i = 0; i < nm_areas_count(j->lsoas); i++)
        if (j->lsoa_ward[i] == w)
            own[nown++] = nm_areas_rowid(j->lsoas, i);
    nmR_map_world(box, s, (ext[0] + ext[2]) / 2, (ext[1] + ext[3]) / 2, e);
    frame[0] = e[0] - pad;
    frame[1] = e[1] - pad;
    frame[2] = e[2] + pad;
    frame[3] = e[3] + pad;
    rc = nm_map_set_extent(j->ctx, map, e[0], e[1], e[2], e[3]);
    if (rc == NM_OK)
        rc = nmP_context_add(j->store, map, nm_areas_level(j->lsoas), nm_areas_vintage(j->lsoas), own, nown, frame);
    if (rc == NM_OK)
        rc = nmR_map(&j->doc, map, box, NULL);
    nm_free(own);
    return rc;
}

/* "Population 11,668 · IMD score 45.4 · 66.7% of LSOAs in England's most
 * deprived 20% · Violence and sexual offences 50.8 per 1,000". */
static void key_numbers(const cjob *j, const gr_row *r, char *out, size_t n)
{
    static const struct {
        const char *id, *before, *after;
    } keys[] = {{"pop_total", "Population ", ""},
                {"imd_score_pw", "IMD score ", ""},
                {"imd_nat20_share", "", " of LSOAs in England's most deprived 20%"}};
    nmC_buf b = {0};
    char v[48], ci[48];
    int rate_shown = 0;

    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        for (int c = 0; c < j->set.ncol; c++)
            if (strcmp(j->set.col[c].id, keys[k].id) == 0) {
                nmP_cell_text(&j->set.col[c], &r->cell[c], v, ci);
                nmC_buf_addf(&b, "%s%s%s%s", b.len ? " \xC2\xB7 " : "", keys[k].before, v,
                            keys[k].after);
            }
    /* the last incident set with a rate: the one a board asked for */
    for (int c = j->set.ncol - 1; c >= 0 && !rate_shown; c--)
        if (j->set.col[c].rate && strcmp(j->set.col[c].unit, "rate") == 0 &&
            !isnan(j->set.borough.cell[c].v)) {
            nmP_cell_text(&j->set.col[c], &r->cell[c], v, ci);
            nmC_buf_addf(&b, "%s%s %s%s", b.len ? " \xC2\xB7 " : "", j->set.col[c].label, v,
                        r->cell[c].suppressed ? "" : " per 1,000");
            rate_shown = 1;
        }
    snprintf(out, n, "%s", b.data ? b.data : "");
    nmC_buf_free(&b);
}

/* The shared legend: swatches and labels, most deprived first, each with
 * the count of the compared wards' LSOAs in it ("1 decile more deprived
 * (4)"), as a map's legend counts its areas. */
static double draw_legend(cjob *j, double x, double y, double w)
{
    int k = nm_classes_count(j->shade.classes);
    long count[NM_CLASSES_MAX + 1] = {0};
    double y0 = y;
    char label[160];

    for (size_t i = 0; i < nm_areas_count(j->lsoas); i++) {
        int c = j->shade.klass[i];
        count[c >= 0 && c < k ? c : NM_CLASSES_MAX]++;
    }
    y += nmR_text(&j->doc, x, y, w, 9, 1, PG_INK, PG_LEFT, j->shade.legend_title) + 2;
    nmR_tag_begin(&j->doc, "L"); /* a PDF reader lists the classes */
    for (int c = k - 1; c >= 0; c--) {
        nmR_fill(&j->doc, x, y, 8, 5, nmP_shading_rgb(&j->shade, c));
        nmR_line(&j->doc, x, y + 5, x + 8, y + 5, 0x737373, 0.1, 0);
        snprintf(label, sizeof label, "%s (%ld)", nm_classes_label(j->shade.classes, c),
                 count[c]);
        nmR_tag_begin(&j->doc, "LI");
        y += fmax(6.5, nmR_text(&j->doc, x + 10.5, y + 0.6, w - 10.5, 8, 0, PG_INK, PG_LEFT,
                               label) + 1.5);
        nmR_tag_end(&j->doc, "LI");
    }
    if (count[NM_CLASSES_MAX] > 0) {
        nmR_fill(&j->doc, x, y, 8, 5, 0xdedede);
        snprintf(label, sizeof label, "No data (%ld)", count[NM_CLASSES_MAX]);
        nmR_tag_begin(&j->doc, "LI");
        nmR_text(&j->doc, x + 10.5, y + 0.6, w - 10.5, 8, 0, PG_INK, PG_LEFT, label);
        nmR_tag_end(&j->doc, "LI");
        y += 6.5;
    }
    nmR_tag_end(&j->doc, "L");
    return y - y0;
}

/* Where the wards lie: England's regions (or districts) with the borough,
 * or the wards where none is named, marked; in the legend's column beside
 * the table, as large as the room there allows. */
static nm_status draw_locator(cjob *j, double x, double y, double w, double room)
{
    nm_map *host = nm_map_new();
    double side = fmin(w, room);
    nm_rect box = {x, y, side, side};
    nm_status rc;

    if (!host)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    if (side < 20)
        rc = nmC_fail(j->ctx, NM_USAGE, "--locator: the page leaves %.0f mm beside the table, and "
                     "the inset needs 20 mm (compare fewer wards, or leave it out)", fmax(room, 0));
    else
        rc = nmP_locator_add(j->store, host, j->o->within, j->lsoas, COMPARE_ACCENT);
    if (rc == NM_OK)
        rc = nmR_map(&j->doc, nm_map_locator(host), &box, NULL);
    nm_map_free(host);
    return rc;
}

static nm_status draw_page(cjob *j, const char *title, nm_paper paper)
{
    double pw = paper == NM_PAPER_A3 ? 420 : 297, ph = paper == NM_PAPER_A3 ? 297 : 210;
    double y = PG_MARGIN, w = pw - 2 * PG_MARGIN, leg_w = 55, table_h, panel_w, panel_h, tw, ly, s;
    double table_w = j->o->locator ? w - leg_w - 4 : w; /* a locator sits beside the table */
    double ext[MAX_WARDS][4], head_h[MAX_WARDS] = {0};
    nm_rect box[MAX_WARDS], fit;
    nm_map *maps[MAX_WARDS] = {0};
    char keys[MAX_WARDS][300], scale_note[160], denom[32];
    int cols = j->n <= 4 ? j->n : (j->n + 1) / 2, rows = (j->n + cols - 1) / cols, nareas = j->n + 2;
    const gr_row *arow[MAX_WARDS + 2];
    const char *heads[MAX_WARDS + 2];
    int group[MAX_WARDS + 2] = {0};
    char *sources = nmP_sources(j->store, &j->set), *periods = nmP_periods(&j->set);
    char sub[300];
    const char *tnotes[2] = {j->set.since_note, j->set.england_note};
    nm_status rc;

    if (!sources || !periods) {
        nm_free(sources);
        nm_free(periods);
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    }
    rc = nmR_open(j->ctx, &j->doc, j->o->output, pw, ph, j->o->dpi, j->o->font, title,
                 "Wards compared: maps on one classification and their figures");
    if (rc != NM_OK)
        goto cleanup;
    nmR_set_footer(&j->doc, sources, periods, 1);
    for (int i = 0; i < j->n; i++) {
        arow[i] = &j->set.ward[j->idx[i]];
        heads[i] = arow[i]->name;
    }
    arow[j->n] = &j->set.borough;
    heads[j->n] = j->set.borough.name;
    arow[j->n + 1] = &j->set.england;
    heads[j->n + 1] = "England";
    group[j->n] = group[j->n + 1] = 1;
    y += nmR_text(&j->doc, PG_MARGIN, y, w, PG_TITLE_PT, 1, PG_INK, PG_LEFT, title) + PG_TITLE_GAP;
    /* a change's label starts a sentence of its own: "by their change in ..." */
    snprintf(sub, sizeof sub, "LSOAs shaded by %s%c%s on one classification and at one scale "
             "for all %d wards; the table compares them with %s and England.",
             nmP_is_change(&j->shade.vals) ? "their " : "",
             nmP_is_change(&j->shade.vals) ? tolower((unsigned char)j->shade.vals.label[0])
                                          : j->shade.vals.label[0],
             j->shade.vals.label + 1, j->n, j->set.borough.name);
    y += nmR_text(&j->doc, PG_MARGIN, y, w, 10.5, 0, 0x404040, PG_LEFT, sub) + 4;
    table_h = nmP_area_table(&j->doc, &j->set, arow, heads, group, nareas, 0, 0, table_w, 0, NULL,
                            NULL, NULL);
    for (int k = 0; k < 2; k++) /* how two releases were compared, England: under the table */
        if (tnotes[k]) {
            double nh = 0;
            nmR_measure(&j->doc, PG_SMALL_PT - 0.5, 0, tnotes[k], table_w, &tw, &nh);
            table_h += nh + 1.5;
        }
    panel_w = (w - leg_w - 4) / cols;
    panel_h = (nmR_body_bottom(&j->doc) - y - table_h - 5) / rows;
    /* the frames of a row start under its tallest heading, all the same size */
    for (int i = 0; i < j->n; i++) {
        double hn, hk;
        key_numbers(j, arow[i], keys[i], sizeof keys[i]);
        nmR_measure(&j->doc, 10, 1, arow[i]->name, panel_w - 3, &tw, &hn);
        nmR_measure(&j->doc, 7.5, 0, keys[i], panel_w - 3, &tw, &hk);
        head_h[i / cols] = fmax(head_h[i / cols], hn + hk + 1.5);
    }
    for (int r = 0; r < rows; r++)
        fit.h = fmin(r ? fit.h : INFINITY, panel_h - head_h[r] - 3);
    fit.w = panel_w - 4;
    for (int i = 0; rc == NM_OK && i < j->n; i++) {
        double px = PG_MARGIN + (i % cols) * panel_w, py = y + (i / cols) * panel_h, hh;
        nmR_tag_begin(&j->doc, "H2"); /* a panel's ward heads it */
        hh = nmR_text(&j->doc, px, py, panel_w - 3, 10, 1, PG_INK, PG_LEFT, arow[i]->name);
        nmR_tag_end(&j->doc, "H2");
        nmR_text(&j->doc, px, py + hh, panel_w - 3, 7.5, 0, 0x404040, PG_LEFT, keys[i]);
        box[i] = (nm_rect){px, py + head_h[i / cols], fit.w, fit.h};
        rc = panel_map(j, i, &maps[i], ext[i]);
    }
    /* every panel at the scale at which the largest ward fits: sizes
     * compare at a glance */
    s = rc == NM_OK ? shared_scale(ext, j->n, &fit) : 0;
    for (int i = 0; rc == NM_OK && i < j->n; i++) {
        rc = draw_panel(j, i, maps[i], ext[i], s, &box[i]);
    }
    for (int i = 0; i < j->n; i++)
        nm_map_free(maps[i]);
    if (rc != NM_OK)
        goto cleanup;
    /* one scale bar for all: the scale is the page's, stated */
    j->scale = 1000 / s;
    snprintf(scale_note, sizeof scale_note, "Every map at 1:%s on %s paper",
             nmP_fmt_count(lround(j->scale), denom), paper == NM_PAPER_A3 ? "A3" : "A4");
    ly = y + draw_legend(j, PG_MARGIN + w - leg_w, y, leg_w) + 5;
    ly += nmR_text(&j->doc, PG_MARGIN + w - leg_w, ly, leg_w, 8, 0, PG_INK, PG_LEFT, scale_note) + 1;
    ly += nmR_scale_bar(&j->doc, PG_MARGIN + w - leg_w, ly, s, leg_w - 5) + 3;
    y += rows * panel_h + 2;
    /* the locator beside the table, in the legend's column */
    ly = fmax(ly, y);
    if (j->o->locator &&
        (rc = draw_locator(j, PG_MARGIN + w - leg_w, ly, leg_w, nmR_body_bottom(&j->doc) - ly)) !=
            NM_OK)
        goto cleanup;
    y = nmP_area_table(&j->doc, &j->set, arow, heads, group, nareas, PG_MARGIN, y, table_w, 1, NULL,
                      NULL, NULL);
    for (int k = 0; k < 2; k++)
        if (tnotes[k])
            y += 1.5 + nmR_text(&j->doc, PG_MARGIN, y + 1.5, table_w, PG_SMALL_PT - 0.5, 0,
                               PG_GREY, PG_LEFT, tnotes[k]);
    rc = nmR_close(&j->doc);

cleanup:
    nmR_free(&j->doc);
    nm_free(sources);
    nm_free(periods);
    return rc;
}

/* The web page: a section per ward, the comparison table, the maps on
 * the PDF's classes (html.c). */
static nm_status write_html(cjob *j, const char *title)
{
    hs_section sec[MAX_WARDS];
    char *sources = nmP_sources(j->store, &j->set), *periods = nmP_periods(&j->set);
    const char *place = *nm_areas_within_name(j->set.wards) ? nm_areas_within_name(j->set.wards)
                                                             : "All areas";
    hs_page p = {j->store, j->o->output, title, sources, periods, place, "ward", "wards",
                 j->o->period, &j->set, sec, j->n, j->lsoas, j->lsoa_ward, &j->shade, NULL, NULL, j->o->font};
    nm_status rc;

    for (int i = 0; i < j->n; i++)
        sec[i] = (hs_section){j->set.ward[j->idx[i]].code, j->set.ward[j->idx[i]].name,
                              &j->idx[i], 1, NULL};
    /* sizes compare at a glance, as on the PDF */
    rc = sources && periods ? nmP_html_page_one_scale(&p)
                            : nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    nm_free(sources);
    nm_free(periods);
    return rc;
}

nm_status nm_compare(nm_store *store, const nm_compare_opts *o, nm_compare_result *res)
{
    nm_compare_result local;
    nm_choropleth_opts co;
    nm_paper paper;
    cjob j;
    nmC_buf b = {0};
    char *title = NULL;
    nm_status rc;
    int reading = 0;

    memset(&j, 0, sizeof j);
    j.store = store;
    j.ctx = nm_store_ctx(store);
    j.o = o;
    nmC_clear(j.ctx);
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    if (!o->wards || !*o->wards || !o->output)
        return nmC_fail(j.ctx, NM_USAGE, "wards and an output file (.pdf, .png or .html) are required");
    if (o->font && (rc = nm_font_check(j.ctx, o->font)) != NM_OK)
        return rc;
    rc = nmS_store_read_begin(store);
    reading = rc == NM_OK;
    if (rc == NM_OK)
        rc = nmP_set_read(store, o->within, o->indicators, o->period, o->indicator, o->since,
                         &j.set);
    if (rc == NM_OK)
        rc = find_wards(&j);
    if (rc == NM_OK)
        rc = union_lsoas(&j);
    if (rc == NM_OK) {
        nm_choropleth_opts_init(&co);
        co.indicator = o->indicator ? o->indicator : "imd_decile";
        co.period = o->period;
        /* two releases: the maps show the change, as map --since does */
        co.since = o->since;
        rc = nmP_shading_make(store, &co, j.lsoas, &j.shade);
    }
    if (rc == NM_OK) {
        if (o->title) {
            nmC_buf_addf(&b, "%s", o->title);
        } else {
            nmC_buf_addf(&b, "Wards compared: ");
            for (int i = 0; i < j.n; i++)
                nmC_buf_addf(&b, "%s%s", i == 0 ? "" : i + 1 == j.n ? " and " : ", ",
                            j.set.ward[j.idx[i]].name);
        }
        if (!(title = nmC_buf_take(&b)))
            rc = nmC_fail(j.ctx, NM_NOMEM, "out of memory");
    }
    paper = j.n > 4 ? NM_PAPER_A3 : NM_PAPER_A4;
    if (rc == NM_OK)
        rc = nmC_format_of(o->output) == NMC_FMT_HTML ? write_html(&j, title) : draw_page(&j, title, paper);
    if (reading)
        nmS_store_read_end(store);
    if (rc == NM_OK) {
        res->wards = j.n;
        res->classes = nm_classes_count(j.shade.classes);
        res->paper = paper;
        res->scale = j.scale;
    }
    nm_free(title);
    nmP_shading_clear(&j.shade);
    nm_areas_free(j.lsoas);
    nm_free(j.lsoa_ward);
    nmP_set_free(&j.set);
    nmS_geombuf_free(&j.geom);
    sqlite3_finalize(j.gst);
    return rc;
}
