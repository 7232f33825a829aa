/*
 * Locality summaries: a printed document for a partnership board (first
 * page with headline figures, contents and the overview map; the
 * localities compared; a section per locality with its map, its wards'
 * table and bar charts; a county without localities has a section per
 * district) and the same tables as CSV, XLSX or Markdown.
 * The figures are groups.c's, the pages page.c's, the maps' classes
 * choropleth.c's; this file decides what goes on which page.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "render/page_int.h"
#include "report/groups_int.h"
#include "report/html_int.h"
#include "report/report_int.h"
#include "store/geom_int.h"
#include "store/store_int.h"

#define A4_W 210.0
#define A4_H 297.0
#define BAR_WARD 0xfd8d3cU  /* YlOrRd, as the maps */
#define BAR_GROUP 0xe31a1cU
#define BAR_BOROUGH 0x969696U
#define GREYED 0xe3e3e3U
#define CHART_GAP 8.0

void nm_summary_opts_init(nm_summary_opts *o)
{
    memset(o, 0, sizeof *o);
    o->localities = 1;
}

/* A locality: its wards (indices into the set) and its total. */
typedef struct section {
    char *code, *name;
    long *idx;
    size_t n;
    gr_row total;
    int page;
} section;

typedef struct head_fig {
    double pop, kids, lsoas;
    double n10, p10, k10, n20, p20, k20;
} head_fig;

typedef struct sjob {
    nm_store *store;
    nm_ctx *ctx;
    const nm_summary_opts *o;
    gr_set set;
    section *sec;
    int nsec;
    nm_areas *lsoas;  /* the borough's */
    int *lsoa_sec;    /* section of each LSOA, -1 none */
    nmP_shading shade;
    char *title, *sources, *periods;
    const char *place;
    head_fig head;
    pg_doc doc;
    int draw;         /* 0: only counting pages */
    const char *cont; /* heading of a page a table continues on */
    int page;
    nmS_geombuf geom;
    sqlite3_stmt *gst;
    char kind;                 /* of the sections: 'l' localities, 'd' districts */
    const char *word, *words;  /* "locality", "localities" or "district", "districts" */
    const char *group_level;   /* the sections' level in the store */
} sjob;

/* ---- reading ----------------------------------------------------------- */

typedef struct level_count {
    long areas;
} level_count;

static int count_level(void *user, const nm_level_info *info)
{
    ((level_count *)user)->areas += info->with_geometry;
    return 0;
}

/* The level of the area 'code' names ("utla", "lad", ...), "" when none. */
static void level_of(sjob *j, const char *code, char out[16])
{
    sqlite3_stmt *st = NULL;

    out[0] = '\0';
    if (code && nmS_store_prepare(j->store, "SELECT level FROM area WHERE code = ?1 "
                                           "ORDER BY geom IS NOT NULL DESC, vintage DESC LIMIT 1",
                                 &st) == NM_OK) {
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            nmC_strlcpy(out, (const char *)sqlite3_column_text(st, 0), 16);
    }
    sqlite3_finalize(st);
}

/* The districts of a county (or of any area holding several), as the
 * sections when no localities are stored there: a county's plan is read
 * district by district until it imports localities of its own. */
static nm_status find_districts(sjob *j, const char *why, nm_areas **out)
{
    char level[16];
    nm_status rc;

    *out = NULL;
    level_of(j, j->o->within, level);
    if (!j->o->within || strcmp(level, "lad") == 0 || strcmp(level, "ward") == 0 ||
        strcmp(level, "locality") == 0)
        return nmC_fail(j->ctx, NM_NOTFOUND, "%s", why);
    rc = nm_areas_parents(j->store, j->lsoas, "lad", out);
    if (rc == NM_NOMEM)
        return rc;
    if (rc != NM_OK || nm_areas_count(*out) < 2) {
        nm_areas_free(*out);
        *out = NULL;
        nmC_clear(j->ctx);
        return nmC_fail(j->ctx, NM_NOTFOUND, "%s; nor are the boundaries of %s's districts "
                                            "(needsmap import boundaries FILE --level lad), "
                                            "which would be its sections", why, j->place);
    }
    j->kind = 'd';
    j->word = "district";
    j->words = "districts";
    j->group_level = "lad";
    return NM_OK;
}

/* The sections: the localities stored within the place; where there are
 * none, the districts of a county (or region); otherwise an error saying
 * what to import.  '--districts' asks for the districts whatever is stored. */
static nm_status find_sections(sjob *j, nm_areas **out)
{
    static const char none[] = "no localities are stored: run 'needsmap import localities FILE' "
                               "first (a table of wards and the locality of each)";
    level_count lc = {0};
    char why[400];
    nm_status rc;

    *out = NULL;
    j->kind = 'l';
    j->word = "locality";
    j->words = "localities";
    j->group_level = "locality";
    if (j->o->districts)
        return find_districts(j, "--districts: no districts", out);
    rc = nm_store_levels(j->store, "locality", count_level, &lc);
    if (rc == NM_OK && lc.areas == 0)
        return find_districts(j, none, out);
    if (rc == NM_OK)
        rc = nm_areas_parents(j->store, j->lsoas, "locality", out);
    if (rc == NM_OK && nm_areas_count(*out) == 0) {
        nm_areas_free(*out);
        snprintf(why, sizeof why, "no localities are stored within %s: run 'needsmap import "
                                  "localities FILE' first", j->place);
        return find_districts(j, why, out);
    }
    return rc;
}

static nm_status read_sections(sjob *j)
{
    nm_areas *locs = NULL;
    nm_status rc;
    size_t i, k;

    rc = find_sections(j, &locs);
    if (rc == NM_OK && !(j->sec = nm_calloc(nm_areas_count(locs), sizeof *j->sec)))
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (i = 0; rc == NM_OK && i < nm_areas_count(locs); i++) {
        section *s = &j->sec[j->nsec++];
        nm_areas *w = NULL;
        s->code = nm_strdup(nm_areas_code(locs, i));
        s->name = nm_strdup(*nm_areas_name(locs, i) ? nm_areas_name(locs, i) : s->code);
        if (!s->code || !s->name) {
            rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
            break;
        }
        rc = nm_areas_select(j->store, "ward", 0, s->code, &w);
        if (rc == NM_OK && !(s->idx = nm_malloc((nm_areas_count(w) + 1) * sizeof *s->idx)))
            rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
        for (k = 0; rc == NM_OK && k < nm_areas_count(w); k++) {
            long at = nmP_find_ward(&j->set, nm_areas_code(w, k));
            if (at >= 0)
                s->idx[s->n++] = at;
        }
        if (rc == NM_OK)
            rc = nmP_group_row(&j->set, s->idx, s->n, s->code, s->name, j->kind, &s->total);
        nm_areas_free(w);
    }
    nm_areas_free(locs);
    return rc;
}

/* Which locality each LSOA of the borough is in. */
static nm_status place_lsoas(sjob *j)
{
    size_t n = nm_areas_count(j->lsoas), i, k;
    nm_status rc = NM_OK;
    int s;

    if (!(j->lsoa_sec = nm_malloc((n ? n : 1) * sizeof *j->lsoa_sec)))
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < n; i++)
        j->lsoa_sec[i] = -1;
    for (s = 0; rc == NM_OK && s < j->nsec; s++) {
        nm_areas *in = NULL;
        rc = nm_areas_select(j->store, "lsoa", nm_areas_vintage(j->lsoas), j->sec[s].code, &in);
        if (rc == NM_USAGE) { /* a locality with no LSOA of its own */
            nmC_clear(j->ctx);
            rc = NM_OK;
            continue;
        }
        for (k = 0; rc == NM_OK && k < nm_areas_count(in); k++)
            for (i = 0; i < n; i++)
                if (strcmp(nm_areas_code(in, k), nm_areas_code(j->lsoas, i)) == 0)
                    j->lsoa_sec[i] = s;
        nm_areas_free(in);
    }
    return rc;
}

/* The borough's headline figures, from its LSOAs. */
static nm_status read_headline(sjob *j)
{
    nm_values pop = {0}, kids = {0}, dec = {0};
    head_fig *h = &j->head;
    nm_status rc;
    size_t i;

    rc = nm_values_read(j->store, j->lsoas, "pop_total", j->o->period, NM_RANK_NONE, &pop);
    if (rc == NM_OK)
        rc = nm_values_read(j->store, j->lsoas, "pop_0_15", j->o->period, NM_RANK_NONE, &kids);
    if (rc == NM_OK)
        rc = nm_values_read(j->store, j->lsoas, "imd_decile", j->o->period, NM_RANK_NONE, &dec);
    memset(h, 0, sizeof *h);
    for (i = 0; rc == NM_OK && i < pop.n; i++) {
        double p = isnan(pop.value[i]) ? 0 : pop.value[i];
        double k = isnan(kids.value[i]) ? 0 : kids.value[i];
        h->pop += p;
        h->kids += k;
        h->lsoas += 1;
        if (dec.value[i] <= 1) {
            h->n10 += 1;
            h->p10 += p;
            h->k10 += k;
        }
        if (dec.value[i] <= 2) {
            h->n20 += 1;
            h->p20 += p;
            h->k20 += k;
        }
    }
    nm_values_clear(&pop);
    nm_values_clear(&kids);
    nm_values_clear(&dec);
    return rc;
}

/* ---- pages --------------------------------------------------------------- */

static nm_status new_page(sjob *j)
{
    j->page++;
    return j->draw ? nmR_next_page(&j->doc, A4_W, A4_H) : NM_OK;
}

static double text(sjob *j, double x, double y, double w, double pt, int bold, uint32_t rgb,
                   const char *s)
{
    double tw, th;

    if (j->draw)
        return nmR_text(&j->doc, x, y, w, pt, bold, rgb, PG_LEFT, s);
    nmR_measure(&j->doc, pt, bold, s, w, &tw, &th);
    return th;
}

/* A table too long for its page goes on under the section's heading. */
static nm_status table_break(void *user, double *y)
{
    sjob *j = user;
    nm_status rc = new_page(j);

    *y = PG_MARGIN;
    if (rc == NM_OK && j->cont)
        *y += text(j, PG_MARGIN, *y, A4_W - 2 * PG_MARGIN, PG_HEAD_PT, 1, PG_INK, j->cont) + 3;
    return rc;
}

static nm_geom view(const nmS_geombuf *g)
{
    nm_geom geom = {g->xy, g->npoints, g->ring_start, g->nrings, g->part_start, g->nparts};
    return geom;
}

/* A map of the borough's LSOAs: those of section 'only' (-1: all) in
 * their class colours, the rest grey; outlines and names of the wards
 * of 'only', or of the localities. */
static nm_status draw_map(sjob *j, int only, const nm_rect *box, double *used)
{
    nm_map_layout lay;
    nm_map *map = nm_map_new();
    nm_render_opts ro;
    int *klass = NULL;
    size_t i, n = nm_areas_count(j->lsoas), nk = 0;
    int thin = -1, thick = -1;
    nm_status rc = NM_OK;

    if (!map || !(klass = nm_malloc((n ? n : 1) * sizeof *klass))) {
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    nm_render_opts_init(&ro);
    ro.north_arrow = 0;
    rc = nm_map_set_options(j->ctx, map, &ro);
    for (i = 0; rc == NM_OK && i < n; i++) {
        nm_geom g;
        int in = only < 0 || j->lsoa_sec[i] == only, c = j->shade.klass[i];
        rc = nmS_store_area_geom(j->store, nm_areas_rowid(j->lsoas, i), &j->geom, &j->gst);
        if (rc != NM_OK)
            break;
        g = view(&j->geom);
        if (in)
            klass[nk++] = c;
        rc = nm_map_add_feature(j->ctx, map, &g, !in ? GREYED : nmP_shading_rgb(&j->shade, c),
                                in && c < 0 ? NM_MAP_MISSING : 0);
    }
    if (rc == NM_OK && only >= 0) {
        /* the locality fills the box; its neighbours show grey around it */
        double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY, pad;
        for (i = 0; i < n; i++) {
            if (j->lsoa_sec[i] != only)
                continue;
            rc = nmS_store_area_geom(j->store, nm_areas_rowid(j->lsoas, i), &j->geom, &j->gst);
            for (size_t p = 0; rc == NM_OK && p < j->geom.npoints; p++) {
                x0 = fmin(x0, j->geom.xy[2 * p]);
                x1 = fmax(x1, j->geom.xy[2 * p]);
                y0 = fmin(y0, j->geom.xy[2 * p + 1]);
                y1 = fmax(y1, j->geom.xy[2 * p + 1]);
            }
        }
        pad = 0.04 * fmax(x1 - x0, y1 - y0);
        if (rc == NM_OK && x1 > x0)
            rc = nm_map_set_extent(j->ctx, map, x0 - pad, y0 - pad, x1 + pad, y1 + pad);
    }
    if (rc == NM_OK)
        rc = nm_map_add_layer(j->ctx, map, 0x202020, only >= 0 ? 0.45 : 0.2, &thin);
    if (rc == NM_OK && only < 0)
        rc = nm_map_add_layer(j->ctx, map, 0x000000, 1.0, &thick);
    /* wards: every ward of the borough outlined, those of the section named */
    for (i = 0; rc == NM_OK && i < nm_areas_count(j->set.wards); i++) {
        int mine = 0;
        nm_geom g;
        for (size_t k = 0; only >= 0 && k < j->sec[only].n; k++)
            mine |= j->sec[only].idx[k] == (long)i;
        rc = nmS_store_area_geom(j->store, nm_areas_rowid(j->set.wards, i), &j->geom, &j->gst);
        g = view(&j->geom);
        if (rc == NM_OK)
            rc = nm_map_add_outline(j->ctx, map, thin, &g);
        if (rc == NM_OK && mine)
            rc = nm_map_add_label(j->ctx, map, nm_areas_name(j->set.wards, i), &g);
    }
    /* the overview: localities drawn thick and named */
    for (int s = 0; rc == NM_OK && only < 0 && s < j->nsec; s++) {
        sqlite3_stmt *st = NULL;
        nm_geom g;
        long rowid = -1;
        rc = nmS_store_prepare(j->store, "SELECT id FROM area WHERE level = ?2 AND code = ?1 "
                                        "AND geom IS NOT NULL ORDER BY vintage DESC LIMIT 1", &st);
        if (rc == NM_OK) {
            sqlite3_bind_text(st, 1, j->sec[s].code, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, j->group_level, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW)
                rowid = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
        if (rc != NM_OK || rowid < 0)
            continue;
        rc = nmS_store_area_geom(j->store, rowid, &j->geom, &j->gst);
        g = view(&j->geom);
        if (rc == NM_OK)
            rc = nm_map_add_outline(j->ctx, map, thick, &g);
        if (rc == NM_OK)
            rc = nm_map_add_label(j->ctx, map, j->sec[s].name, &g);
    }
    if (rc == NM_OK)
        rc = nmP_shading_legend(j->ctx, map, &j->shade, klass, nk);
    if (rc == NM_OK && only < 0 && j->o->locator) /* where the borough lies */
        rc = nmP_locator_add(j->store, map, j->o->within, j->lsoas, 0xcb181dU);
    /* counting pages needs only the height the map takes */
    memset(&lay, 0, sizeof lay);
    if (rc == NM_OK && j->draw)
        rc = nmR_map(&j->doc, map, box, &lay);
    else if (rc == NM_OK)
        rc = nmR_map_layout(&j->doc, map, box, &lay);
    if (rc == NM_OK && used)
        *used = fmax(lay.map.y + lay.map.h, lay.scale_bar.y + lay.scale_bar.h) - box->y;

cleanup:
    nm_free(klass);
    nm_map_free(map);
    return rc;
}

static double chart_h(int nbars)
{
    return 16 + nbars * 6.0 + 9;
}

/* The charts of a group, two to a row, continuing on new pages.  'y' is
 * where the first may start. */
static nm_status charts(sjob *j, const gr_row *const *rows, const uint32_t *rgb,
                        const int *bold, int nareas, const char *heading, double y)
{
    const gr_set *s = &j->set;
    double w = (A4_W - 2 * PG_MARGIN - CHART_GAP) / 2, h = chart_h(nareas);
    pg_bar *bars = nm_calloc((size_t)nareas + 1, sizeof *bars);
    int c, col = 0;
    nm_status rc = NM_OK;

    if (!bars)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (c = 0; rc == NM_OK && c < s->ncol; c++) {
        const gr_col *gc = &s->col[c];
        char title[160], axis[96], ref[64];
        pg_chart ch;
        nm_rect box;
        if (!gc->chart)
            continue;
        if (col == 0 && y + h > nmR_body_bottom(&j->doc)) {
            rc = new_page(j);
            y = PG_MARGIN;
            y += text(j, PG_MARGIN, y, 0, PG_HEAD_PT, 1, PG_INK, heading) + 3;
        }
        if (rc != NM_OK)
            break;
        for (int a = 0; a < nareas; a++) {
            const gr_cell *x = &rows[a]->cell[c];
            bars[a] = (pg_bar){rows[a]->name, x->v, x->lo, x->hi, x->suppressed, rgb[a], bold[a]};
            if (!gc->rate)
                bars[a].lo = bars[a].hi = NAN;
        }
        memset(&ch, 0, sizeof ch);
        ch.percent = strcmp(gc->unit, "share") == 0;
        int shown = 0;
        for (int a = 0; a < nareas; a++)
            shown |= rows[a]->cell[c].suppressed || !isnan(rows[a]->cell[c].v);
        if (!shown)
            continue; /* nothing to draw: every value missing */
        if (gc->rate) {
            char when[48];
            nmP_fmt_period(gc->period, when);
            snprintf(title, sizeof title, "%s per 1,000 residents, %s", gc->label, when);
        }
        else
            snprintf(title, sizeof title, "%s", gc->label);
        if (gc->rate)
            snprintf(axis, sizeof axis, "Incidents per 1,000 residents (bars: 95%% confidence interval)");
        else if (ch.percent)
            snprintf(axis, sizeof axis, "Share of LSOAs (%%)");
        else
            snprintf(axis, sizeof axis, "%s (%s)", strcmp(gc->unit, "score") == 0 ? "Score" : "Value",
                     gc->period);
        ch.title = title;
        ch.axis = axis;
        ch.bar = bars;
        ch.nbars = nareas;
        ch.ref = s->england.cell[c].v;
        if (!isnan(ch.ref)) {
            if (ch.percent)
                snprintf(ref, sizeof ref, "England %.1f%%", ch.ref * 100);
            else
                snprintf(ref, sizeof ref, "England %.1f", ch.ref);
        }
        ch.ref_label = ref;
        box = (nm_rect){PG_MARGIN + col * (w + CHART_GAP), y, w, h};
        if (j->draw)
            nmR_chart_draw(&j->doc, &ch, &box);
        if (++col == 2) {
            col = 0;
            y += h + 4;
        }
    }
    nm_free(bars);
    return rc;
}

/* One group's pages: heading, map (locality), table, charts. */
static nm_status group_pages(sjob *j, int sec)
{
    size_t nw = sec >= 0 ? j->sec[sec].n : (size_t)j->nsec;
    int nareas = (int)nw + (sec >= 0 ? 3 : 2), a;
    const gr_row **rows = nm_calloc((size_t)nareas, sizeof *rows);
    const char **heads = nm_calloc((size_t)nareas, sizeof *heads);
    int *group = nm_calloc((size_t)nareas, sizeof *group);
    int *bold = nm_calloc((size_t)nareas, sizeof *bold);
    uint32_t *rgb = nm_calloc((size_t)nareas, sizeof *rgb);
    char heading[200], sub[400];
    double y = PG_MARGIN, table_h, map_h, note_h = 0, tw;
    const char *note = "\"suppressed\": fewer incidents than the disclosure threshold, not shown; "
                       "\xE2\x80\x93: no data.  Group totals are computed from their wards; "
                       "England from every LSOA stored.";
    const char *tnotes[2] = {j->set.since_note, j->set.england_note}; /* under the table */
    nmC_buf b = {0};
    nm_status rc = NM_OK;

    if (!rows || !heads || !group || !bold || !rgb) {
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (a = 0; a < (int)nw; a++) {
        rows[a] = sec >= 0 ? &j->set.ward[j->sec[sec].idx[a]] : &j->sec[a].total;
        heads[a] = rows[a]->name;
        rgb[a] = sec >= 0 ? BAR_WARD : BAR_GROUP;
    }
    if (sec >= 0) {
        rows[a] = &j->sec[sec].total;
        heads[a] = j->sec[sec].name;
        group[a] = bold[a] = 1;
        rgb[a++] = BAR_GROUP;
    }
    rows[a] = &j->set.borough;
    heads[a] = j->place;
    group[a] = bold[a] = 1;
    rgb[a++] = BAR_BOROUGH;
    rows[a] = &j->set.england;
    heads[a] = "England";
    group[a] = bold[a] = 1;
    rgb[a++] = 0xffffff;
    if ((rc = new_page(j)) != NM_OK)
        goto cleanup;
    if (sec >= 0) {
        j->sec[sec].page = j->page;
        snprintf(heading, sizeof heading, "%s %s", j->sec[sec].name, j->word);
        nmC_buf_addf(&b, "%zu ward%s: ", nw, nw == 1 ? "" : "s");
        for (a = 0; a < (int)nw; a++)
            nmC_buf_addf(&b, "%s%s", a == 0 ? "" : a + 1 == (int)nw ? " and " : ", ", rows[a]->name);
        nmC_buf_addf(&b, ".  Wards outlined; the rest of %s in grey.", j->place);
    } else {
        snprintf(heading, sizeof heading, "%s by %s", j->place, j->word);
        nmC_buf_addf(&b, "The %d %s compared with %s and England.", j->nsec, j->words, j->place);
    }
    snprintf(sub, sizeof sub, "%s", b.data ? b.data : "");
    nmC_buf_free(&b);
    y += text(j, PG_MARGIN, y, A4_W - 2 * PG_MARGIN, PG_HEAD_PT + 2, 1, PG_INK, heading) + 1.2;
    y += text(j, PG_MARGIN, y, A4_W - 2 * PG_MARGIN, PG_TEXT_PT, 0, PG_GREY, sub) + 4;
    /* the table under the map, the map as large as leaves room */
    table_h = nmP_area_table(&j->doc, &j->set, rows, heads, group, nareas, 0, 0,
                            A4_W - 2 * PG_MARGIN, 0, NULL, NULL, &rc);
    if (rc != NM_OK)
        goto cleanup;
    if (j->set.suppress_note)
        nmR_measure(&j->doc, PG_SMALL_PT - 0.5, 0, note, A4_W - 2 * PG_MARGIN, &tw, &note_h);
    for (int k = 0; k < 2; k++)
        if (tnotes[k]) {
            double h = 0;
            nmR_measure(&j->doc, PG_SMALL_PT - 0.5, 0, tnotes[k], A4_W - 2 * PG_MARGIN, &tw, &h);
            note_h += h + 1;
        }
    if (sec >= 0) {
        nm_rect box;
        double used = 0;
        map_h = fmin(150, nmR_body_bottom(&j->doc) - y - table_h - note_h - 8);
        if (map_h < 100) /* too long a table: the map keeps its size, the table follows */
            map_h = fmin(150, nmR_body_bottom(&j->doc) - y - 8);
        box = (nm_rect){PG_MARGIN, y, A4_W - 2 * PG_MARGIN, map_h};
        if ((rc = draw_map(j, sec, &box, &used)) != NM_OK)
            goto cleanup;
        y += used + 6;
    }
    /* a table that fits a page starts on a new one rather than split; a
       longer one flows on from here */
    snprintf(sub, sizeof sub, "%s (continued)", heading);
    j->cont = sub;
    if (y + table_h > nmR_body_bottom(&j->doc) && PG_MARGIN + table_h <= nmR_body_bottom(&j->doc) &&
        (rc = table_break(j, &y)) != NM_OK)
        goto cleanup;
    y = nmP_area_table(&j->doc, &j->set, rows, heads, group, nareas, PG_MARGIN, y,
                      A4_W - 2 * PG_MARGIN, j->draw, table_break, j, &rc) + 2;
    j->cont = NULL;
    if (rc != NM_OK)
        goto cleanup;
    if (j->set.suppress_note)
        y += text(j, PG_MARGIN, y, A4_W - 2 * PG_MARGIN, PG_SMALL_PT - 0.5, 0, PG_GREY, note);
    for (int k = 0; k < 2; k++)
        if (tnotes[k])
            y += 1 + text(j, PG_MARGIN, y + 1, A4_W - 2 * PG_MARGIN, PG_SMALL_PT - 0.5, 0,
                          PG_GREY, tnotes[k]);
    y += 6;
    /* charts: the group's areas without England, which is the dashed line */
    rc = charts(j, rows, rgb, bold, nareas - 1, sub, y);

cleanup:
    nm_free(rows);
    nm_free(heads);
    nm_free(group);
    nm_free(bold);
    nm_free(rgb);
    return rc;
}

static nm_status first_page(sjob *j)
{
    double y = PG_MARGIN, x2 = PG_MARGIN + 100, yl, yr, w = A4_W - 2 * PG_MARGIN;
    char line[256], a[32], b[32], c[32], sub[512];
    const head_fig *h = &j->head;
    nm_rect box;
    int s;

    j->page = 1;
    y += text(j, PG_MARGIN, y, w, PG_TITLE_PT, 1, PG_INK, j->title) + PG_TITLE_GAP;
    snprintf(sub, sizeof sub, "%d %s, %zu wards and %.0f LSOAs.  The map shows %s; "
             "%s are outlined and named.",
             j->nsec, j->words, nm_areas_count(j->set.wards), h->lsoas, j->shade.legend_title
                 ? j->shade.vals.label : "", j->words);
    y += text(j, PG_MARGIN, y, w, 10.5, 0, 0x404040, sub) + 5;
    yl = yr = y;
    yl += text(j, PG_MARGIN, yl, 95, PG_HEAD_PT, 1, PG_INK, "Headline figures") + 1.5;
    snprintf(line, sizeof line, "Population: %s", nmP_fmt_count(lround(h->pop), a));
    yl += text(j, PG_MARGIN, yl, 95, PG_TEXT_PT, 0, PG_INK, line) + 0.8;
    snprintf(line, sizeof line, "Children aged 0-15: %s", nmP_fmt_count(lround(h->kids), a));
    yl += text(j, PG_MARGIN, yl, 95, PG_TEXT_PT, 0, PG_INK, line) + 0.8;
    snprintf(line, sizeof line, "LSOAs: %s", nmP_fmt_count(lround(h->lsoas), a));
    yl += text(j, PG_MARGIN, yl, 95, PG_TEXT_PT, 0, PG_INK, line) + 0.8;
    snprintf(line, sizeof line,
             "In England's most deprived 10%% (IMD %s): %s LSOAs (%.1f%%), %s people, %s children",
             j->periods ? j->shade.vals.period : "", nmP_fmt_count(lround(h->n10), a),
             h->lsoas > 0 ? 100 * h->n10 / h->lsoas : 0.0, nmP_fmt_count(lround(h->p10), b),
             nmP_fmt_count(lround(h->k10), c));
    yl += text(j, PG_MARGIN, yl, 95, PG_TEXT_PT, 0, PG_INK, line) + 0.8;
    snprintf(line, sizeof line,
             "In England's most deprived 20%%: %s LSOAs (%.1f%%), %s people, %s children",
             nmP_fmt_count(lround(h->n20), a), h->lsoas > 0 ? 100 * h->n20 / h->lsoas : 0.0,
             nmP_fmt_count(lround(h->p20), b), nmP_fmt_count(lround(h->k20), c));
    yl += text(j, PG_MARGIN, yl, 95, PG_TEXT_PT, 0, PG_INK, line);
    yr += text(j, x2, yr, w - 100, PG_HEAD_PT, 1, PG_INK, "Contents") + 1.5;
    snprintf(line, sizeof line, "%s by %s", j->place, j->word);
    for (s = -1; s < j->nsec; s++) {
        char num[16];
        double th;
        snprintf(num, sizeof num, "%d", s < 0 ? 2 : j->sec[s].page);
        th = text(j, x2, yr, w - 100 - 12, PG_TEXT_PT, 0, PG_INK,
                  s < 0 ? line : j->sec[s].name);
        if (j->draw)
            nmR_text(&j->doc, A4_W - PG_MARGIN - 12, yr, 12, PG_TEXT_PT, 0, PG_INK, PG_RIGHT,
                    num);
        yr += th + 0.8;
    }
    y = fmax(yl, yr) + 6;
    box = (nm_rect){PG_MARGIN, y, w, nmR_body_bottom(&j->doc) - y};
    return j->draw ? draw_map(j, -1, &box, NULL) : NM_OK;
}

static nm_status pages(sjob *j)
{
    nm_status rc = first_page(j);

    if (rc == NM_OK)
        rc = group_pages(j, -1);
    for (int s = 0; rc == NM_OK && s < j->nsec; s++)
        rc = group_pages(j, s);
    return rc;
}

static nm_status write_pdf(sjob *j)
{
    nm_status rc = nmR_open(j->ctx, &j->doc, j->o->output, A4_W, A4_H, 0, j->o->font, j->title,
                           "Locality summaries: maps, tables and charts");

    if (rc == NM_OK) {
        nmR_set_footer(&j->doc, j->sources, j->periods, 1);
        j->draw = 0; /* count the pages, then draw them */
        rc = pages(j);
    }
    if (rc == NM_OK) {
        nmR_set_footer(&j->doc, j->sources, j->periods, j->page);
        j->draw = 1;
        j->page = 0;
        rc = pages(j);
    }
    if (rc == NM_OK)
        rc = nmR_close(&j->doc);
    nmR_free(&j->doc);
    return rc;
}

/* ---- tables as data -------------------------------------------------------- */

/* A table of the data formats: its name and areas. */
typedef struct dtable {
    const char *name;
    const gr_row **rows;
    const char **level;
    int n;
} dtable;

static void write_csv(const sjob *j, const dtable *t, int nt, FILE *fp)
{
    nmP_csv_head(&j->set, fp);
    for (int i = 0; i < nt; i++)
        for (int r = 0; r < t[i].n; r++)
            nmP_csv_row(&j->set, t[i].name, t[i].rows[r], fp);
}


static void write_md(const sjob *j, const dtable *t, int nt, FILE *fp)
{
    const gr_set *s = &j->set;
    char v[48], ci[48];

    fputs("# ", fp);
    nmP_md_text(fp, j->title);
    fprintf(fp, "\n\nData: %s.\n\nSources: %s\n", j->periods, j->sources);
    for (int k = 0; k < 2; k++)
        if (k ? s->england_note : s->since_note) {
            fputs("\n", fp);
            nmP_md_text(fp, k ? s->england_note : s->since_note);
            fputs("\n", fp);
        }
    for (int i = 0; i < nt; i++) {
        fputs("\n## ", fp);
        nmP_md_text(fp, t[i].name);
        fputs("\n\n| Area |", fp);
        for (int c = 0; c < s->ncol; c++) {
            fputc(' ', fp);
            nmP_md_text(fp, s->col[c].label);
            if (s->col[c].rate)
                fputs(": incidents | per 1,000 (95% CI)", fp);
            fputs(" |", fp);
        }
        fputs("\n| :--- |", fp);
        for (int c = 0; c < s->ncol; c++)
            fputs(s->col[c].rate ? " ---: | ---: |" : " ---: |", fp);
        fputc('\n', fp);
        for (int r = 0; r < t[i].n; r++) {
            const gr_row *row = t[i].rows[r];
            fputs(row->kind == 'w' ? "| " : "| **", fp);
            nmP_md_text(fp, row->name);
            fputs(row->kind == 'w' ? " |" : "** |", fp);
            for (int c = 0; c < s->ncol; c++) {
                const gr_col *col = &s->col[c];
                if (col->rate) {
                    gr_col counts = *col;
                    gr_cell x = row->cell[c];
                    counts.sum = 1;
                    counts.rate = 0;
                    x.v = x.count;
                    nmP_cell_text(&counts, &x, v, ci);
                    fprintf(fp, " %s |", v);
                }
                nmP_cell_text(col, &row->cell[c], v, ci);
                fprintf(fp, " %s%s%s |", v, ci[0] ? " " : "", ci);
            }
            fputc('\n', fp);
        }
    }
    if (s->suppress_note)
        fputs("\n\"suppressed\": fewer incidents than the disclosure threshold; \xE2\x80\x93: no "
              "data.\n", fp);
}

/* A worksheet name: at most 31 characters, none of []:*?/\ . */
static void sheet_name(const char *name, char out[32])
{
    size_t i, o = 0;

    for (i = 0; name[i] && o < 31; i++)
        out[o++] = strchr("[]:*?/\\", name[i]) ? '_' : name[i];
    out[o] = '\0';
}

/* A column's heading for readers and its number format: part p of a rate
 * column is its count, rate and the rate's two limits. */
static void xlsx_head(const gr_col *c, int p, char *out, size_t size, const char **format)
{
    static const char *const rate_heads[] = {": incidents", " per 1,000 residents",
                                             " per 1,000: lower 95% limit",
                                             " per 1,000: upper 95% limit"};
    int whole = c->sum || strcmp(c->unit, "count") == 0 || strcmp(c->unit, "people") == 0;

    snprintf(out, size, "%s%s", c->label, c->rate ? rate_heads[p] : "");
    *format = c->rate ? (p == 0 ? "#,##0" : "0.0")
              : whole ? "#,##0"
              : strcmp(c->unit, "share") == 0 ? "0.0%"
                                              : "0.0";
}

/* The sheet of sources and definitions: what each column is, its id, unit,
 * period and source, and how to read empty and suppressed cells. */
static void xlsx_sources(sjob *j, lxw_workbook *wb, lxw_format *bold, lxw_format *wrap)
{
    static const char *const head[] = {"Figure", "Id", "Unit", "Period", "Source"};
    const gr_set *s = &j->set;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Sources and definitions");
    lxw_row_t r = 0;

    if (!ws)
        return;
    worksheet_write_string(ws, r++, 0, j->title, bold);
    worksheet_write_string(ws, r++, 0, j->sources, wrap);
    r++;
    for (lxw_col_t c = 0; c < 5; c++)
        worksheet_write_string(ws, r, c, head[c], bold);
    for (int c = 0; c < s->ncol; c++) {
        const gr_col *col = &s->col[c];
        r++;
        worksheet_write_string(ws, r, 0, col->label, wrap);
        worksheet_write_string(ws, r, 1, col->id, NULL);
        worksheet_write_string(ws, r, 2, col->rate ? "incidents; per 1,000 residents" : col->unit,
                               NULL);
        worksheet_write_string(ws, r, 3, col->period, NULL);
        worksheet_write_string(ws, r, 4, col->source ? col->source : "", wrap);
    }
    r += 2;
    worksheet_write_string(ws, r++, 0, "Group totals are computed from their wards; England from "
                                       "every LSOA stored.", NULL);
    worksheet_write_string(ws, r++, 0, "An empty cell: no data.  \"suppressed\": fewer incidents "
                                       "than the disclosure threshold, not shown.", NULL);
    worksheet_write_string(ws, r, 0, "Rates: exact Poisson 95% confidence intervals.", NULL);
    /* how two releases compare, and why England's cells are empty: the
       PDF's notes under its tables */
    if (s->since_note)
        worksheet_write_string(ws, ++r, 0, s->since_note, NULL);
    if (s->england_note)
        worksheet_write_string(ws, ++r, 0, s->england_note, NULL);
    worksheet_set_column(ws, 0, 0, 50, NULL);
    worksheet_set_column(ws, 1, 1, 22, NULL);
    worksheet_set_column(ws, 2, 3, 16, NULL);
    worksheet_set_column(ws, 4, 4, 80, NULL);
}

static nm_status write_xlsx(sjob *j, const dtable *t, int nt, const char *path)
{
    const gr_set *s = &j->set;
    lxw_workbook *wb = workbook_new(path);
    lxw_format *bold = wb ? workbook_add_format(wb) : NULL, *wrap = wb ? workbook_add_format(wb) : NULL;
    lxw_format *grey = wb ? workbook_add_format(wb) : NULL;
    lxw_format *fmt[4 * 64];
    lxw_error err;
    int i, nf = 0;

    if (!wb)
        return nmC_fail(j->ctx, NM_ERROR, "%s: cannot create the workbook", j->o->output);
    format_set_bold(bold);
    format_set_text_wrap(bold);
    format_set_align(bold, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(wrap);
    format_set_font_color(grey, 0x595959);
    /* one number format per column part, shared by every sheet */
    for (int c = 0; c < s->ncol && nf + 4 <= (int)(sizeof fmt / sizeof fmt[0]); c++) {
        double v[4];
        gr_cell dummy = {0};
        int k = nmP_cell_values(&s->col[c], &dummy, v);
        for (int p = 0; p < k; p++) {
            char head[160];
            const char *code;
            xlsx_head(&s->col[c], p, head, sizeof head, &code);
            if ((fmt[nf] = workbook_add_format(wb)))
                format_set_num_format(fmt[nf], code);
            nf++;
        }
    }
    for (i = 0; i < nt; i++) {
        char name[32];
        lxw_worksheet *ws;
        lxw_col_t col = 0;
        sheet_name(t[i].name, name);
        ws = workbook_add_worksheet(wb, name);
        if (!ws)
            continue;
        worksheet_write_string(ws, 0, col++, "Level", bold);
        worksheet_write_string(ws, 0, col++, "Code", bold);
        worksheet_write_string(ws, 0, col++, "Name", bold);
        for (int c = 0; c < s->ncol; c++) {
            double v[4];
            gr_cell dummy = {0};
            int k = nmP_cell_values(&s->col[c], &dummy, v);
            for (int p = 0; p < k; p++) {
                char head[160];
                const char *code;
                xlsx_head(&s->col[c], p, head, sizeof head, &code);
                worksheet_write_string(ws, 0, col++, head, bold);
            }
        }
        for (int r = 0; r < t[i].n; r++) {
            const gr_row *row = t[i].rows[r];
            lxw_row_t y = (lxw_row_t)(r + 1);
            int f = 0;
            col = 0;
            worksheet_write_string(ws, y, col++, nmP_level_name(row->kind), NULL);
            worksheet_write_string(ws, y, col++, row->code, NULL);
            worksheet_write_string(ws, y, col++, row->name, NULL);
            for (int c = 0; c < s->ncol; c++) {
                double v[4];
                int k = nmP_cell_values(&s->col[c], &row->cell[c], v);
                for (int p = 0; p < k; p++, col++, f++) {
                    if (row->cell[c].suppressed)
                        worksheet_write_string(ws, y, col, "suppressed", grey);
                    else if (!isnan(v[p]))
                        worksheet_write_number(ws, y, col, v[p], f < nf ? fmt[f] : NULL);
                }
            }
        }
        worksheet_set_column(ws, 0, 1, 11, NULL);
        worksheet_set_column(ws, 2, 2, 24, NULL);
        worksheet_set_column(ws, 3, (lxw_col_t)(col > 3 ? col - 1 : 3), 14, NULL);
        worksheet_set_row(ws, 0, 75, NULL);
        worksheet_freeze_panes(ws, 1, 3);
    }
    xlsx_sources(j, wb, bold, wrap);
    err = workbook_close(wb);
    if (err != LXW_NO_ERROR)
        return nmC_fail(j->ctx, NM_ERROR, "%s: cannot write the workbook: %s", j->o->output,
                       lxw_strerror(err));
    return NM_OK;
}

static nm_status write_data(sjob *j, nm_summary_format fmt)
{
    int nt = j->nsec + 1, i, r;
    dtable *t = nm_calloc((size_t)nt, sizeof *t);
    nmC_atomic a = {0};
    nm_status rc = NM_OK;

    if (!t)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < j->nsec; i++) {
        const section *s = &j->sec[i];
        t[i].name = s->name;
        t[i].rows = nm_calloc(s->n + 1, sizeof *t[i].rows);
        if (!t[i].rows) {
            rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
            goto cleanup;
        }
        for (r = 0; r < (int)s->n; r++)
            t[i].rows[r] = &j->set.ward[s->idx[r]];
        t[i].rows[r++] = &s->total;
        t[i].n = r;
    }
    /* the borough's table: its localities, itself and England */
    t[i].name = j->place;
    if (!(t[i].rows = nm_calloc((size_t)j->nsec + 2, sizeof *t[i].rows))) {
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (r = 0; r < j->nsec; r++)
        t[i].rows[r] = &j->sec[r].total;
    t[i].rows[r++] = &j->set.borough;
    t[i].rows[r++] = &j->set.england;
    t[i].n = r;
    if ((rc = nmC_atomic_open(j->ctx, j->o->output, &a)) != NM_OK)
        goto cleanup;
    if (fmt == NM_SUMMARY_CSV)
        write_csv(j, t, nt, a.fp);
    else if (fmt == NM_SUMMARY_MD)
        write_md(j, t, nt, a.fp);
    else
        rc = write_xlsx(j, t, nt, a.temp);
    if (rc == NM_OK)
        rc = nmC_atomic_commit(j->ctx, &a);

cleanup:
    nmC_atomic_abort(&a);
    for (i = 0; i < nt; i++)
        nm_free(t[i].rows);
    nm_free(t);
    return rc;
}

/* ---- the web page (html.c) ------------------------------------------------ */

static nm_status write_html(sjob *j)
{
    hs_section *sec = nm_calloc((size_t)j->nsec + 1, sizeof *sec);
    hs_head head = {j->head.pop, j->head.kids, j->head.lsoas, j->head.n10, j->head.p10,
                    j->head.k10, j->head.n20, j->head.p20, j->head.k20};
    hs_page p = {j->store, j->o->output, j->title, j->sources, j->periods, j->place, j->word,
                 j->words, j->o->period, &j->set, sec, j->nsec, j->lsoas, j->lsoa_sec, &j->shade, &head,
                 j->group_level, j->o->font};
    nm_status rc;

    if (!sec)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (int s = 0; s < j->nsec; s++)
        sec[s] = (hs_section){j->sec[s].code, j->sec[s].name, j->sec[s].idx, j->sec[s].n,
                              &j->sec[s].total};
    rc = nmP_html_page(&p);
    nm_free(sec);
    return rc;
}

/* ---- the call ------------------------------------------------------------- */

static nm_summary_format format_of(const nm_summary_opts *o)
{
    if (o->format != NM_SUMMARY_AUTO)
        return o->format;
    switch (nmC_format_of(o->output)) {
    case NMC_FMT_PDF:
        return NM_SUMMARY_PDF;
    case NMC_FMT_CSV:
        return NM_SUMMARY_CSV;
    case NMC_FMT_XLSX:
        return NM_SUMMARY_XLSX;
    case NMC_FMT_MD:
        return NM_SUMMARY_MD;
    case NMC_FMT_HTML:
        return NM_SUMMARY_HTML;
    default:
        return NM_SUMMARY_AUTO;
    }
}

static void sjob_free(sjob *j)
{
    for (int s = 0; j->sec && s < j->nsec; s++) {
        nm_free(j->sec[s].code);
        nm_free(j->sec[s].name);
        nm_free(j->sec[s].idx);
        nmP_row_clear(&j->sec[s].total);
    }
    nm_free(j->sec);
    nmP_set_free(&j->set);
    nm_areas_free(j->lsoas);
    nm_free(j->lsoa_sec);
    nmP_shading_clear(&j->shade);
    nm_free(j->title);
    nm_free(j->sources);
    nm_free(j->periods);
    nmS_geombuf_free(&j->geom);
    sqlite3_finalize(j->gst);
}

nm_status nm_summary(nm_store *store, const nm_summary_opts *o, nm_summary_result *res)
{
    nm_summary_result local;
    nm_choropleth_opts co;
    nm_summary_format fmt;
    sjob j;
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
    if (!o->output)
        return nmC_fail(j.ctx, NM_USAGE, "an output file is required (.pdf, .html, .csv, .xlsx or .md)");
    if ((fmt = format_of(o)) == NM_SUMMARY_AUTO)
        return nmC_fail(j.ctx, NM_USAGE, "%s: give --format, or an output ending in .pdf, .html, "
                                        ".csv, .xlsx or .md", o->output);
    if (o->font && (rc = nm_font_check(j.ctx, o->font)) != NM_OK)
        return rc;
    rc = nmS_store_read_begin(store);
    reading = rc == NM_OK;
    if (rc == NM_OK)
        rc = nm_areas_select(store, "lsoa", 0, o->within, &j.lsoas);
    if (rc == NM_OK) {
        j.place = *nm_areas_within_name(j.lsoas) ? nm_areas_within_name(j.lsoas)
                  : o->within                     ? o->within
                                                  : "All areas";
        rc = nmP_set_read(store, o->within, o->indicators, o->period, o->indicator, o->since,
                         &j.set);
    }
    if (rc == NM_OK)
        rc = read_sections(&j);
    if (rc == NM_OK)
        rc = place_lsoas(&j);
    if (rc == NM_OK)
        rc = read_headline(&j);
    if (rc == NM_OK && (fmt == NM_SUMMARY_PDF || fmt == NM_SUMMARY_HTML)) {
        nm_choropleth_opts_init(&co);
        co.indicator = o->indicator ? o->indicator : "imd_decile";
        co.period = o->period;
        rc = nmP_shading_make(store, &co, j.lsoas, &j.shade);
    }
    if (rc == NM_OK) {
        nmC_buf b = {0};
        if (o->title)
            nmC_buf_addf(&b, "%s", o->title);
        else
            nmC_buf_addf(&b, "%s: %s summaries", j.place, j.word);
        j.title = nmC_buf_take(&b);
        j.sources = nmP_sources(store, &j.set);
        j.periods = nmP_periods(&j.set);
        if (!j.title || !j.sources || !j.periods)
            rc = nmC_fail(j.ctx, NM_NOMEM, "out of memory");
    }
    if (rc == NM_OK)
        rc = fmt == NM_SUMMARY_PDF    ? write_pdf(&j)
             : fmt == NM_SUMMARY_HTML ? write_html(&j)
                                      : write_data(&j, fmt);
    if (reading)
        nmS_store_read_end(store);
    if (rc == NM_OK) {
        res->pages = fmt == NM_SUMMARY_PDF ? j.page : 0;
        res->localities = j.nsec;
        res->by_district = j.kind == 'd';
        for (int s = 0; s < j.nsec; s++)
            res->wards += (long)j.sec[s].n;
    }
    sjob_free(&j);
    return rc;
}
