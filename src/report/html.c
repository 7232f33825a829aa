/*
 * The web page of a locality summary (and of a ward comparison): one
 * self-contained HTML file with the maps as inline SVG (paths thinned as
 * for PDF by the render module, areas coloured by choropleth.c's
 * shadings), the tables, the data its script needs as JSON, and a
 * Content-Security-Policy that allows no request at all.  Every text from
 * the inputs is escaped here, for HTML text, attributes and the JSON.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "report/html_int.h"
#include "store/geom_int.h"
#include "store/store_int.h"

#define MAP_W_MM 190.0
#define MAP_H_MM 190.0
#define LOC_H_MM 150.0
#define GREYED "#e3e3e3"
#define MISSING "#dedede"

/* One indicator the page can map: its shading and what it colours. */
typedef struct hmap {
    char key[112];
    char *alt;            /* alt text of the overview; owned */
    int ward;             /* 1: wards are shaded, 0: LSOAs */
    nmP_shading own;       /* shadings made here (ward indicators) */
    const nmP_shading *sh; /* own, or the page's LSOA shading */
} hmap;

/* The LSOAs' own figures shown on hover: score, rank and decile. */
typedef struct hextra {
    char label[16];
    nm_values v;
    int ok;
} hextra;

typedef struct hjob {
    const hs_page *p;
    nm_ctx *ctx;
    hmap *map;
    int nmap;
    hextra extra[3];
    nmS_geombuf geom;
    sqlite3_stmt *gst;
    long *loc_rowid; /* of each section's outline, -1 none */
    double shared[2]; /* with p->shared_scale: the world box every section shows, m */
    nmC_buf b;
} hjob;

/* ---- escaping ----------------------------------------------------------- */

/* Text for HTML content and attribute values alike. */
static void esc(nmC_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': nmC_buf_add(b, "&amp;", 5); break;
        case '<': nmC_buf_add(b, "&lt;", 4); break;
        case '>': nmC_buf_add(b, "&gt;", 4); break;
        case '"': nmC_buf_add(b, "&quot;", 6); break;
        case '\'': nmC_buf_add(b, "&#39;", 5); break;
        default: nmC_buf_add(b, s, 1);
        }
    }
}

/* A JSON string that is also safe inside a <script> element: no "<", ">"
 * or "&" (so no "</script>" or "<!--"), and no U+2028/2029, which older
 * scripts read as line ends. */
static void json_str(nmC_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    nmC_buf_add(b, "\"", 1);
    for (; *p; p++) {
        if (*p == '"' || *p == '\\') {
            nmC_buf_add(b, "\\", 1);
            nmC_buf_add(b, (const char *)p, 1);
        } else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&') {
            nmC_buf_addf(b, "\\u%04x", *p);
        } else if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
            nmC_buf_addf(b, "\\u%s", p[2] == 0xA8 ? "2028" : "2029");
            p += 2;
        } else {
            nmC_buf_add(b, (const char *)p, 1);
        }
    }
    nmC_buf_add(b, "\"", 1);
}

static void json_num(nmC_buf *b, double x)
{
    if (isnan(x) || isinf(x))
        nmC_buf_add(b, "null", 4);
    else
        nmC_buf_addf(b, "%.17g", x);
}

static void hex_rgb(nmC_buf *b, uint32_t rgb)
{
    nmC_buf_addf(b, "#%06x", (unsigned)(rgb & 0xffffff));
}

/* 'sha256-...' of a text, for the Content-Security-Policy. */
static void csp_hash(nmC_buf *b, const char *text)
{
    unsigned char md[EVP_MAX_MD_SIZE], b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    unsigned int len = 0;

    if (!EVP_Digest(text, strlen(text), md, &len, EVP_sha256(), NULL))
        len = 0;
    EVP_EncodeBlock(b64, md, (int)len);
    nmC_buf_addf(b, "'sha256-%s'", (const char *)b64);
}

/* ---- what can be mapped ------------------------------------------------- */

/* The LSOA indicator of the page first, then each figure of the tables
 * that is stored for wards and can be classed; others are left out of
 * the selector (a column of equal values has no classes). */
static nm_status choose_maps(hjob *j)
{
    const gr_set *s = j->p->set;
    nm_status rc = NM_OK;
    int c;

    j->map = nm_calloc((size_t)s->ncol + 1, sizeof *j->map);
    if (!j->map)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    nmC_strlcpy(j->map[0].key, j->p->shade->vals.key, sizeof j->map[0].key);
    j->map[0].sh = j->p->shade;
    j->nmap = 1;
    for (c = 0; rc == NM_OK && c < s->ncol; c++) {
        const gr_col *col = &s->col[c];
        hmap *m = &j->map[j->nmap];
        nm_choropleth_opts co;
        nm_status r;
        if (strcmp(col->id, "lsoas") == 0)
            continue; /* a count of areas, not a measure */
        if (col->rate)
            snprintf(m->key, sizeof m->key, "%s_rate", col->id);
        else
            snprintf(m->key, sizeof m->key, "ward_%s", col->id);
        nm_choropleth_opts_init(&co);
        co.indicator = m->key;
        co.level = "ward";
        co.period = col->rate ? col->period : j->p->period;
        r = nmP_shading_make(j->p->store, &co, s->wards, &m->own);
        if (r == NM_NOMEM)
            rc = r;
        else if (r != NM_OK)
            nmC_clear(j->ctx); /* not stored for wards, or nothing to class */
        else {
            nm_alt_text_in ai = {s->wards, &m->own.vals, m->own.classes, m->own.klass,
                                 j->p->group_outline_level, m->own.legend_title, NULL};
            m->ward = 1;
            m->sh = &m->own;
            j->nmap++;
            rc = nm_alt_text(j->p->store, &ai, &m->alt);
        }
    }
    return rc;
}

/* The family of the LSOA indicator ("imd" of imd_decile): its score, rank
 * and decile where stored. */
static nm_status read_extras(hjob *j)
{
    static const char *const part[] = {"score", "rank", "decile"};
    char prefix[64];
    const char *key = j->p->shade->vals.key, *us = strrchr(key, '_');
    size_t n = us ? (size_t)(us - key) : strlen(key);

    if (n >= sizeof prefix)
        return NM_OK;
    memcpy(prefix, key, n);
    prefix[n] = '\0';
    for (int i = 0; i < 3; i++) {
        char k[96];
        nm_status rc;
        snprintf(k, sizeof k, "%s_%s", prefix, part[i]);
        nmC_strlcpy(j->extra[i].label, part[i], sizeof j->extra[i].label);
        rc = nm_values_read(j->p->store, j->p->lsoas, k, j->p->shade->vals.period, NM_RANK_NONE,
                            &j->extra[i].v);
        if (rc == NM_NOMEM)
            return rc;
        j->extra[i].ok = rc == NM_OK;
        if (rc != NM_OK)
            nmC_clear(j->ctx);
    }
    return NM_OK;
}

/* ---- maps ---------------------------------------------------------------- */

static nm_geom view(const nmS_geombuf *g)
{
    nm_geom geom = {g->xy, g->npoints, g->ring_start, g->nrings, g->part_start, g->nparts};
    return geom;
}

static nm_status add_area(hjob *j, nm_map *map, long rowid, int outline, const char *label)
{
    nm_status rc = nmS_store_area_geom(j->p->store, rowid, &j->geom, &j->gst);
    nm_geom g = view(&j->geom);

    if (rc == NM_OK)
        rc = outline ? nm_map_add_outline(j->ctx, map, 0, &g)
                     : nm_map_add_feature(j->ctx, map, &g, 0, 0);
    if (rc == NM_OK && label && *label)
        rc = nm_map_add_label(j->ctx, map, label, &g);
    return rc;
}

static nm_status find_outlines(hjob *j)
{
    const hs_page *p = j->p;
    nm_status rc = NM_OK;

    j->loc_rowid = nm_malloc((size_t)(p->nsec ? p->nsec : 1) * sizeof *j->loc_rowid);
    if (!j->loc_rowid)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (int s = 0; rc == NM_OK && s < p->nsec; s++) {
        sqlite3_stmt *st = NULL;
        j->loc_rowid[s] = -1;
        if (!p->group_outline_level)
            continue;
        rc = nmS_store_prepare(p->store, "SELECT id FROM area WHERE level = ?1 AND code = ?2 "
                                        "AND geom IS NOT NULL ORDER BY vintage DESC LIMIT 1", &st);
        if (rc == NM_OK) {
            sqlite3_bind_text(st, 1, p->group_outline_level, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, p->sec[s].code, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW)
                j->loc_rowid[s] = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
    }
    return rc;
}

static int in_section(const hs_section *s, long ward)
{
    for (size_t k = 0; s && k < s->n; k++)
        if (s->idx[k] == ward)
            return 1;
    return 0;
}

/* The box of a section's LSOAs.  OUT b (x0, y0, x1, y1; x0 > x1 when
 * empty). */
static nm_status section_box(hjob *j, int sec, double b[4])
{
    const hs_page *p = j->p;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    nm_status rc = NM_OK;

    for (size_t i = 0; rc == NM_OK && i < nm_areas_count(p->lsoas); i++) {
        if (p->lsoa_sec[i] != sec)
            continue;
        rc = nmS_store_area_geom(p->store, nm_areas_rowid(p->lsoas, i), &j->geom, &j->gst);
        for (size_t k = 0; rc == NM_OK && k < j->geom.npoints; k++) {
            x0 = fmin(x0, j->geom.xy[2 * k]);
            x1 = fmax(x1, j->geom.xy[2 * k]);
            y0 = fmin(y0, j->geom.xy[2 * k + 1]);
            y1 = fmax(y1, j->geom.xy[2 * k + 1]);
        }
    }
    b[0] = x0;
    b[1] = y0;
    b[2] = x1;
    b[3] = y1;
    return rc;
}

/* The extent of a section: its LSOAs with a margin, or, at one shared
 * scale, the shared box centred on them. */
static nm_status section_extent(hjob *j, int sec, nm_map *map)
{
    double b[4], pad, cx, cy;
    nm_status rc = section_box(j, sec, b);

    if (rc != NM_OK || b[2] <= b[0])
        return rc;
    if (j->shared[0] > 0) {
        cx = (b[0] + b[2]) / 2;
        cy = (b[1] + b[3]) / 2;
        return nm_map_set_extent(j->ctx, map, cx - j->shared[0] / 2, cy - j->shared[1] / 2,
                                 cx + j->shared[0] / 2, cy + j->shared[1] / 2);
    }
    pad = 0.04 * fmax(b[2] - b[0], b[3] - b[1]);
    return nm_map_set_extent(j->ctx, map, b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad);
}

/* One world box for every section's map, of the box's shape (MAP_W_MM x
 * LOC_H_MM) and large enough for the largest section with a margin, so
 * that every map is drawn at one scale (a comparison's wards). */
static nm_status shared_box(hjob *j)
{
    double w = 0, b[4];
    nm_status rc = NM_OK;

    for (int s = 0; rc == NM_OK && s < j->p->nsec; s++) {
        rc = section_box(j, s, b);
        if (rc == NM_OK && b[2] > b[0])
            w = fmax(w, fmax(b[2] - b[0], (b[3] - b[1]) * MAP_W_MM / LOC_H_MM));
    }
    j->shared[0] = w * 1.08;
    j->shared[1] = w * 1.08 * LOC_H_MM / MAP_W_MM;
    return rc;
}

/* A scale bar in the corner of a map at one shared scale: a round length
 * (1, 2 or 5 times a power of ten metres) near a quarter of its width, on
 * white, in the SVG's own units so that it scales with the map. */
static void write_scale_bar(hjob *j, const nm_map_svg *svg)
{
    double m_per_pt = j->shared[0] / svg->width, want = j->shared[0] / 4;
    double p10 = pow(10, floor(log10(want))), len, bar, x = 8, y = svg->height - 8;
    char unit[32];

    len = want >= 5 * p10 ? 5 * p10 : want >= 2 * p10 ? 2 * p10 : p10;
    bar = len / m_per_pt;
    if (len >= 1000)
        snprintf(unit, sizeof unit, "%g km", len / 1000);
    else
        snprintf(unit, sizeof unit, "%g m", len);
    nmC_buf_addf(&j->b, "<g class=\"scalebar\" data-m=\"%g\" data-pt=\"%.3f\">"
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"17\" fill=\"#fff\" "
                       "fill-opacity=\"0.85\"/>"
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.3f\" height=\"3\" fill=\"#1a1a1a\"/>"
                       "<text x=\"%.1f\" y=\"%.1f\" font-size=\"8\">0</text>"
                       "<text x=\"%.1f\" y=\"%.1f\" font-size=\"8\">%s</text></g>",
                len, bar, x - 4, y - 15, bar + 40, x, y - 3, bar, x - 2, y - 6, x + bar + 3,
                y - 0.5, unit);
}

/* The fill of LSOA i on a map of section 'sec' (-1: the overview). */
static void lsoa_fill(hjob *j, size_t i, int sec)
{
    const nmP_shading *sh = j->p->shade;
    int c = sh->klass[i];

    if (sec >= 0 && j->p->lsoa_sec[i] != sec)
        nmC_buf_add(&j->b, GREYED, strlen(GREYED));
    else if (c < 0)
        nmC_buf_add(&j->b, MISSING, strlen(MISSING));
    else
        hex_rgb(&j->b, nmP_shading_rgb(sh, c));
}

static const char *ward_label(hjob *j, size_t w)
{
    const char *n = nm_areas_name(j->p->set->wards, w);
    return *n ? n : nm_areas_code(j->p->set->wards, w);
}

/* The names of a map as its SVG's last group: placed for a screen (n1)
 * and for a phone (n2), the style sheet showing one of them; names[i] is
 * the text of label i in the order the labels were added. */
static void write_names(hjob *j, const nm_map_svg *svg, const char *const *names, size_t nnames)
{
    nmC_buf_add(&j->b, "<g class=\"names\" aria-hidden=\"true\">",
               strlen("<g class=\"names\" aria-hidden=\"true\">"));
    for (int v = 0; v < 2; v++) {
        double f = v ? 2.0 : 1.0;
        nmC_buf_addf(&j->b, "<g class=\"n%d\">", v + 1);
        for (size_t i = 0; i < svg->nnames[v]; i++) {
            const nm_map_svg_label *l = &svg->names[v][i];
            if (!l->leader || l->label >= nnames)
                continue;
            /* a name outside its area: a cased line from a dot on its point */
            nmC_buf_addf(&j->b, "<path class=\"lc\" d=\"M%.1f %.1fL%.1f %.1f\"/>"
                               "<circle class=\"lc\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.2f\"/>"
                               "<path class=\"ld\" d=\"M%.1f %.1fL%.1f %.1f\"/>"
                               "<circle class=\"ld\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.2f\"/>",
                        l->x0, l->y0, l->x1, l->y1, l->x0, l->y0, 1.8 * f, l->x0, l->y0, l->x1,
                        l->y1, l->x0, l->y0, 1.3 * f);
        }
        for (size_t i = 0; i < svg->nnames[v]; i++) {
            const nm_map_svg_label *l = &svg->names[v][i];
            if (l->label >= nnames)
                continue;
            nmC_buf_addf(&j->b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.2f\">", l->x, l->y,
                        l->size);
            esc(&j->b, names[l->label]);
            nmC_buf_add(&j->b, "</text>", 7);
        }
        nmC_buf_add(&j->b, "</g>", 4);
    }
    nmC_buf_add(&j->b, "</g>", 4);
}

/* A map's <svg> up to its first layer: named by 'title' and 'tail', described
 * by 'alt'; 'm_per_pt' (metres per SVG unit) when panels share a scale. */
static void svg_open(hjob *j, const char *id, const nm_map_svg *svg, int sec, double m_per_pt,
                     const char *title, const char *tail, const char *alt)
{
    nmC_buf_addf(&j->b, "<svg class=\"map\" id=\"%s\" viewBox=\"0 0 %.2f %.2f\" role=\"group\" "
                       "tabindex=\"-1\" aria-labelledby=\"%s-t\" aria-describedby=\"%s-d\" "
                       "data-sec=\"%d\"",
                id, svg->width, svg->height, id, id, sec);
    if (m_per_pt > 0)
        nmC_buf_addf(&j->b, " data-m-per-pt=\"%.4f\"", m_per_pt);
    nmC_buf_addf(&j->b, "><title id=\"%s-t\">", id);
    esc(&j->b, title);
    nmC_buf_addf(&j->b, "%s</title><desc id=\"%s-d\">", tail, id);
    esc(&j->b, alt);
    nmC_buf_add(&j->b, "</desc><g class=\"lsoas\">", strlen("</desc><g class=\"lsoas\">"));
}

/* The group outlines, above every area. */
static void svg_groups(hjob *j, const nm_map_svg *svg)
{
    nmC_buf_add(&j->b, "<g class=\"groups\">", strlen("<g class=\"groups\">"));
    for (size_t i = 0; i < svg->noutlines; i++)
        nmC_buf_addf(&j->b, "<path d=\"%s\"/>", svg->outline[i]);
    nmC_buf_add(&j->b, "</g>", 4);
}

/* One map as inline SVG: LSOAs filled (the static picture when scripts
 * are off), wards above them (transparent until a ward indicator is
 * chosen; they take focus), group outlines and names. */
static nm_status write_svg(hjob *j, int sec, const char *alt, const char *id)
{
    const hs_page *p = j->p;
    const nm_areas *wards = p->set->wards;
    size_t nl = nm_areas_count(p->lsoas), nw = nm_areas_count(wards), i;
    const hs_section *only = sec >= 0 ? &p->sec[sec] : NULL;
    nm_map *map = nm_map_new();
    nm_map_svg svg = {0};
    nm_status rc = NM_OK;
    int layer = -1, first = 1;
    const char **names = nm_calloc(nw + (size_t)p->nsec + 1, sizeof *names);
    size_t nnames = 0;

    if (!map || !names) {
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    rc = nm_map_add_layer(j->ctx, map, 0, 1.0, &layer);
    for (i = 0; rc == NM_OK && i < nl; i++)
        rc = add_area(j, map, nm_areas_rowid(p->lsoas, i), 0, NULL);
    /* labels: the section's wards, or the groups on the overview */
    for (i = 0; rc == NM_OK && i < nw; i++) {
        const char *name = only && in_section(only, (long)i) ? ward_label(j, i) : NULL;
        rc = add_area(j, map, nm_areas_rowid(wards, i), 0, name);
        if (name)
            names[nnames++] = name;
    }
    for (int s = 0; rc == NM_OK && s < p->nsec; s++)
        if (j->loc_rowid[s] >= 0) {
            const char *name = !only && *p->sec[s].name ? p->sec[s].name : NULL;
            rc = add_area(j, map, j->loc_rowid[s], 1, name);
            if (name)
                names[nnames++] = name;
        }
    if (rc == NM_OK && only)
        rc = section_extent(j, sec, map);
    if (rc == NM_OK)
        rc = nm_map_svg_paths(j->ctx, map, MAP_W_MM, only ? LOC_H_MM : MAP_H_MM, &svg);
    if (rc != NM_OK)
        goto cleanup;
    /* metres per SVG unit, the same on every panel */
    svg_open(j, id, &svg, sec, only && j->shared[0] > 0 ? j->shared[0] / svg.width : 0,
             only ? p->sec[sec].name : p->place, ": map", alt);
    for (i = 0; i < nl; i++) {
        if (!*svg.feature[i])
            continue;
        nmC_buf_addf(&j->b, "<path data-i=\"%zu\"%s d=\"%s\" fill=\"", i,
                    only && p->lsoa_sec[i] != sec ? " data-out=\"1\"" : "", svg.feature[i]);
        lsoa_fill(j, i, sec);
        nmC_buf_add(&j->b, "\"/>", 3);
    }
    nmC_buf_add(&j->b, "</g><g class=\"wards\">", strlen("</g><g class=\"wards\">"));
    for (i = 0; i < nw; i++) {
        int mine = !only || in_section(only, (long)i);
        if (!*svg.feature[nl + i])
            continue;
        nmC_buf_addf(&j->b, "<path data-w=\"%zu\"%s fill=\"none\" d=\"%s\"", i,
                    mine ? "" : " data-out=\"1\"",
                    svg.feature[nl + i]);
        if (mine) {
            /* one tab stop per map; the arrow keys move between its wards */
            nmC_buf_addf(&j->b, " tabindex=\"%d\" role=\"img\" aria-label=\"", first ? 0 : -1);
            esc(&j->b, ward_label(j, i));
            nmC_buf_add(&j->b, " ward\"", 6);
            first = 0;
        }
        nmC_buf_add(&j->b, "/>", 2);
    }
    nmC_buf_add(&j->b, "</g>", 4);
    svg_groups(j, &svg);
    write_names(j, &svg, names, nnames);
    if (only && j->shared[0] > 0)
        write_scale_bar(j, &svg);
    nmC_buf_add(&j->b, "</svg>", 6);

cleanup:
    nm_free(names);
    nm_map_svg_clear(&svg);
    nm_map_free(map);
    return rc;
}

/* ---- legends ------------------------------------------------------------- */

/* Areas per class of shading 'm' on the map of section 'sec' (-1: all),
 * the last entry those without a value: what nmP_shading_legend() counts. */
static void class_counts(hjob *j, const hmap *m, int sec, long count[NM_CLASSES_MAX + 1])
{
    const hs_page *p = j->p;
    int k = nm_classes_count(m->sh->classes);

    memset(count, 0, (NM_CLASSES_MAX + 1) * sizeof *count);
    for (size_t i = 0; i < m->sh->vals.n; i++) {
        int c = m->sh->klass[i];
        if (sec >= 0 && (m->ward ? !in_section(&p->sec[sec], (long)i) : p->lsoa_sec[i] != sec))
            continue;
        count[c >= 0 && c < k ? c : NM_CLASSES_MAX]++;
    }
}

static void write_legend(hjob *j, int sec)
{
    const hmap *m = &j->map[0];
    long count[NM_CLASSES_MAX + 1];
    int k = nm_classes_count(m->sh->classes);

    class_counts(j, m, sec, count);
    nmC_buf_addf(&j->b, "<div class=\"legend\" data-sec=\"%d\"><p class=\"lt\">", sec);
    esc(&j->b, m->sh->legend_title);
    nmC_buf_add(&j->b, "</p><ul>", 8);
    for (int c = k - 1; c >= -1; c--) {
        long n = count[c >= 0 ? c : NM_CLASSES_MAX];
        if (c < 0 && n == 0)
            break;
        nmC_buf_add(&j->b, "<li><svg class=\"sw\" viewBox=\"0 0 10 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
                          "<rect width=\"10\" height=\"10\" fill=\"",
                   strlen("<li><svg class=\"sw\" viewBox=\"0 0 10 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
                          "<rect width=\"10\" height=\"10\" fill=\""));
        if (c >= 0)
            hex_rgb(&j->b, nmP_shading_rgb(m->sh, c));
        else
            nmC_buf_add(&j->b, MISSING, strlen(MISSING));
        nmC_buf_add(&j->b, "\"/></svg><span class=\"ll\">", strlen("\"/></svg><span class=\"ll\">"));
        esc(&j->b, c >= 0 ? nm_classes_label(m->sh->classes, c) : "No data");
        nmC_buf_addf(&j->b, "</span> <span class=\"lc\">%ld</span></li>", n);
    }
    nmC_buf_add(&j->b, "</ul></div>", 11);
}

/* ---- tables --------------------------------------------------------------- */

/* The rows of one table as CSV, with the summary's heading and columns,
 * so that a download equals those rows of `summary -o FILE.csv`. */
static char *table_csv(const gr_set *s, const char *table, const gr_row *const *rows, int n)
{
    char *data = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&data, &len);

    if (!fp)
        return NULL;
    nmP_csv_head(s, fp);
    for (int r = 0; r < n; r++)
        nmP_csv_row(s, table, rows[r], fp);
    if (fclose(fp) != 0) {
        free(data);
        return NULL;
    }
    return data;
}

/* A cell of a table: the text the PDF shows, the number it sorts by. */
static void write_cell(hjob *j, const gr_col *col, const gr_cell *x, int counts)
{
    char v[48], ci[48];
    gr_col cc = *col;
    gr_cell xx = *x;

    if (counts) { /* a rate's incidents */
        cc.sum = 1;
        cc.rate = 0;
        xx.v = x->count;
    }
    nmP_cell_text(&cc, &xx, v, ci);
    nmC_buf_add(&j->b, "<td data-v=\"", strlen("<td data-v=\""));
    if (!x->suppressed && !isnan(xx.v))
        nmC_buf_addf(&j->b, "%.17g", xx.v);
    nmC_buf_addf(&j->b, "\"%s>", x->suppressed ? " class=\"sup\"" : "");
    esc(&j->b, v);
    if (ci[0]) {
        nmC_buf_add(&j->b, " <span class=\"ci\">", strlen(" <span class=\"ci\">"));
        esc(&j->b, ci);
        nmC_buf_add(&j->b, "</span>", 7);
    }
    nmC_buf_add(&j->b, "</td>", 5);
}

static void write_row(hjob *j, const gr_row *r)
{
    const gr_set *s = j->p->set;

    nmC_buf_addf(&j->b, "<tr data-code=\"");
    esc(&j->b, r->code);
    nmC_buf_add(&j->b, "\"><th scope=\"row\">", strlen("\"><th scope=\"row\">"));
    esc(&j->b, r->name);
    nmC_buf_add(&j->b, "</th>", 5);
    for (int c = 0; c < s->ncol; c++) {
        if (s->col[c].rate)
            write_cell(j, &s->col[c], &r->cell[c], 1);
        write_cell(j, &s->col[c], &r->cell[c], 0);
    }
    nmC_buf_add(&j->b, "</tr>", 5);
}

static void write_head_cell(hjob *j, const char *a, const char *b)
{
    nmC_buf_add(&j->b, "<th scope=\"col\" aria-sort=\"none\"><button type=\"button\">",
               strlen("<th scope=\"col\" aria-sort=\"none\"><button type=\"button\">"));
    esc(&j->b, a);
    esc(&j->b, b);
    nmC_buf_add(&j->b, "</button></th>", strlen("</button></th>"));
}

/* A table of areas (rows) by figures (columns): the wards or groups in
 * the body, sortable; totals in the foot. */
static void write_table(hjob *j, int t, const char *caption, const gr_row *const *body, int nb,
                        const gr_row *const *foot, int nf)
{
    const gr_set *s = j->p->set;

    nmC_buf_addf(&j->b, "<div class=\"tw\"><table class=\"data\" id=\"tab-%d\" data-t=\"%d\">"
                       "<caption>", t, t);
    esc(&j->b, caption);
    nmC_buf_add(&j->b, "</caption><thead><tr>", strlen("</caption><thead><tr>"));
    write_head_cell(j, "Area", "");
    for (int c = 0; c < s->ncol; c++) {
        if (s->col[c].rate) {
            write_head_cell(j, s->col[c].label, ": incidents");
            write_head_cell(j, s->col[c].label, " per 1,000 residents (95% CI)");
        } else {
            write_head_cell(j, s->col[c].label, "");
        }
    }
    nmC_buf_add(&j->b, "</tr></thead><tbody>", strlen("</tr></thead><tbody>"));
    for (int r = 0; r < nb; r++)
        write_row(j, body[r]);
    nmC_buf_add(&j->b, "</tbody><tfoot>", strlen("</tbody><tfoot>"));
    for (int r = 0; r < nf; r++)
        write_row(j, foot[r]);
    nmC_buf_addf(&j->b, "</tfoot></table></div><p class=\"dl\" hidden><button type=\"button\" "
                       "class=\"csv\" data-t=\"%d\">Download this table (CSV)</button></p>", t);
}

/* The PDF's notes under a table: how two releases compare (every table
 * with their rows) and, under the one with England's column, why it has
 * "–" cells. */
static void write_table_notes(hjob *j, int england)
{
    const char *notes[2] = {j->p->set->since_note, england ? j->p->set->england_note : NULL};

    for (int k = 0; k < 2; k++)
        if (notes[k]) {
            nmC_buf_addf(&j->b, "<p class=\"tnote %s\">", k ? "england" : "since");
            esc(&j->b, notes[k]);
            nmC_buf_add(&j->b, "</p>", 4);
        }
}

/* ---- the data of the script ------------------------------------------------ */

static void json_cell_text(nmC_buf *b, const gr_col *col, const gr_cell *x, int counts)
{
    char v[48], ci[48];
    gr_col cc = *col;
    gr_cell xx = *x;

    if (counts) {
        cc.sum = 1;
        cc.rate = 0;
        xx.v = x->count;
    }
    nmP_cell_text(&cc, &xx, v, ci);
    json_str(b, v);
    nmC_buf_add(b, ",", 1);
    json_str(b, ci);
}

static void json_maps(hjob *j)
{
    nmC_buf *b = &j->b;

    nmC_buf_add(b, "\"maps\":[", 8);
    for (int m = 0; m < j->nmap; m++) {
        const hmap *h = &j->map[m];
        int k = nm_classes_count(h->sh->classes);
        nmC_buf_addf(b, "%s{\"key\":", m ? "," : "");
        json_str(b, h->key);
        nmC_buf_addf(b, ",\"ward\":%d,\"label\":", h->ward);
        {
            char *t = nmP_default_title(&h->sh->vals);
            json_str(b, t ? t : h->key);
            nm_free(t);
        }
        nmC_buf_add(b, ",\"title\":", 9);
        json_str(b, h->sh->legend_title);
        nmC_buf_add(b, ",\"alt\":", 7);
        json_str(b, h->alt);
        nmC_buf_add(b, ",\"colours\":[", 12);
        for (int c = 0; c < k; c++) {
            nmC_buf_addf(b, "%s\"", c ? "," : "");
            hex_rgb(b, nmP_shading_rgb(h->sh, c));
            nmC_buf_add(b, "\"", 1);
        }
        nmC_buf_add(b, "],\"labels\":[", 12);
        for (int c = 0; c < k; c++) {
            nmC_buf_add(b, c ? "," : "", c ? 1 : 0);
            json_str(b, nm_classes_label(h->sh->classes, c));
        }
        nmC_buf_add(b, "],\"klass\":[", 11);
        for (size_t i = 0; i < h->sh->vals.n; i++)
            nmC_buf_addf(b, "%s%d", i ? "," : "", h->sh->klass[i]);
        nmC_buf_add(b, "],\"value\":[", 11);
        for (size_t i = 0; i < h->sh->vals.n; i++) {
            nmC_buf_add(b, i ? "," : "", i ? 1 : 0);
            json_num(b, h->sh->vals.value[i]);
        }
        /* legend counts of the overview and of each section, as the PDF's */
        nmC_buf_add(b, "],\"counts\":[", 12);
        for (int s = -1; s < j->p->nsec; s++) {
            long count[NM_CLASSES_MAX + 1];
            class_counts(j, h, s, count);
            nmC_buf_addf(b, "%s[", s >= 0 ? "," : "");
            for (int c = 0; c < k; c++)
                nmC_buf_addf(b, "%ld,", count[c]);
            nmC_buf_addf(b, "%ld]", count[NM_CLASSES_MAX]);
        }
        nmC_buf_add(b, "]}", 2);
    }
    nmC_buf_add(b, "]", 1);
}

static void json_areas(hjob *j)
{
    const hs_page *p = j->p;
    const gr_set *s = p->set;
    nmC_buf *b = &j->b;

    nmC_buf_add(b, ",\"extra\":[", 10);
    for (int e = 0, first = 1; e < 3; e++)
        if (j->extra[e].ok) {
            nmC_buf_add(b, first ? "" : ",", first ? 0 : 1);
            json_str(b, j->extra[e].v.label);
            first = 0;
        }
    nmC_buf_add(b, "],\"lsoa\":[", 10);
    for (size_t i = 0; i < nm_areas_count(p->lsoas); i++) {
        nmC_buf_addf(b, "%s{\"c\":", i ? "," : "");
        json_str(b, nm_areas_code(p->lsoas, i));
        nmC_buf_add(b, ",\"n\":", 5);
        json_str(b, nm_areas_name(p->lsoas, i));
        nmC_buf_addf(b, ",\"s\":%d,\"x\":[", p->lsoa_sec ? p->lsoa_sec[i] : -1);
        for (int e = 0, first = 1; e < 3; e++)
            if (j->extra[e].ok) {
                nmC_buf_add(b, first ? "" : ",", first ? 0 : 1);
                json_num(b, j->extra[e].v.value[i]);
                first = 0;
            }
        nmC_buf_add(b, "]}", 2);
    }
    nmC_buf_add(b, "],\"cols\":[", 10);
    if (!s) { /* one map: no ward figures */
        nmC_buf_add(b, "],\"ward\":[],\"secs\":[]", strlen("],\"ward\":[],\"secs\":[]"));
        return;
    }
    for (int c = 0; c < s->ncol; c++) {
        nmC_buf_addf(b, "%s{\"label\":", c ? "," : "");
        json_str(b, s->col[c].label);
        nmC_buf_addf(b, ",\"rate\":%d}", s->col[c].rate);
    }
    nmC_buf_add(b, "],\"ward\":[", 10);
    for (size_t w = 0; w < nm_areas_count(s->wards); w++) {
        int sec = -1;
        for (int q = 0; q < p->nsec && sec < 0; q++)
            if (in_section(&p->sec[q], (long)w))
                sec = q;
        nmC_buf_addf(b, "%s{\"c\":", w ? "," : "");
        json_str(b, s->ward[w].code);
        nmC_buf_add(b, ",\"n\":", 5);
        json_str(b, s->ward[w].name);
        nmC_buf_addf(b, ",\"s\":%d,\"f\":[", sec);
        /* each figure as the tables show it: [value, interval]; a rate as
           [incidents, "", rate, interval] */
        for (int c = 0; c < s->ncol; c++) {
            nmC_buf_add(b, c ? ",[" : "[", c ? 2 : 1);
            if (s->col[c].rate) {
                json_cell_text(b, &s->col[c], &s->ward[w].cell[c], 1);
                nmC_buf_add(b, ",", 1);
            }
            json_cell_text(b, &s->col[c], &s->ward[w].cell[c], 0);
            nmC_buf_add(b, "]", 1);
        }
        nmC_buf_add(b, "]}", 2);
    }
    nmC_buf_add(b, "],\"secs\":[", 10);
    for (int q = 0; q < p->nsec; q++) {
        nmC_buf_add(b, q ? "," : "", q ? 1 : 0);
        json_str(b, p->sec[q].name);
    }
    nmC_buf_add(b, "]", 1);
}

/* ---- the page ---------------------------------------------------------------- */

static void write_headline(hjob *j)
{
    const hs_head *h = j->p->head;
    char a[32], b2[32], c[32];

    if (!h)
        return;
    nmC_buf_add(&j->b, "<section class=\"head\"><h2>Headline figures</h2><dl>",
               strlen("<section class=\"head\"><h2>Headline figures</h2><dl>"));
    nmC_buf_addf(&j->b, "<dt>Population</dt><dd>%s</dd>", nmP_fmt_count(lround(h->pop), a));
    nmC_buf_addf(&j->b, "<dt>Children aged 0-15</dt><dd>%s</dd>", nmP_fmt_count(lround(h->kids), a));
    nmC_buf_addf(&j->b, "<dt>LSOAs</dt><dd>%s</dd>", nmP_fmt_count(lround(h->lsoas), a));
    nmC_buf_addf(&j->b, "<dt>In England&#39;s most deprived 10%% (IMD %s)</dt><dd>%s LSOAs "
                       "(%.1f%%), %s people, %s children</dd>",
                j->p->shade->vals.period, nmP_fmt_count(lround(h->n10), a),
                h->lsoas > 0 ? 100 * h->n10 / h->lsoas : 0.0, nmP_fmt_count(lround(h->p10), b2),
                nmP_fmt_count(lround(h->k10), c));
    nmC_buf_addf(&j->b, "<dt>In England&#39;s most deprived 20%%</dt><dd>%s LSOAs (%.1f%%), %s "
                       "people, %s children</dd>",
                nmP_fmt_count(lround(h->n20), a), h->lsoas > 0 ? 100 * h->n20 / h->lsoas : 0.0,
                nmP_fmt_count(lround(h->p20), b2), nmP_fmt_count(lround(h->k20), c));
    nmC_buf_add(&j->b, "</dl></section>", strlen("</dl></section>"));
}

static void section_heading(hjob *j, int s)
{
    esc(&j->b, j->p->sec[s].name);
    if (j->p->group_word) {
        nmC_buf_add(&j->b, " ", 1);
        esc(&j->b, j->p->group_word);
    }
}

/* The heading of the table of groups: "Southend-on-Sea compared", or for
 * wards compared "The wards, Southend-on-Sea and England". */
static void groups_heading(hjob *j)
{
    if (!j->p->head)
        nmC_buf_add(&j->b, "The wards, ", strlen("The wards, "));
    esc(&j->b, j->p->place);
    if (j->p->head)
        nmC_buf_add(&j->b, " compared", strlen(" compared"));
    else
        nmC_buf_add(&j->b, " and England", strlen(" and England"));
}

static void write_contents(hjob *j)
{
    nmC_buf_add(&j->b, "<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ol>"
                      "<li><a href=\"#groups\">",
               strlen("<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ol>"
                      "<li><a href=\"#groups\">"));
    groups_heading(j);
    nmC_buf_add(&j->b, "</a></li>", 9);
    for (int s = 0; s < j->p->nsec; s++) {
        nmC_buf_addf(&j->b, "<li><a href=\"#sec-%d\">", s);
        section_heading(j, s);
        nmC_buf_add(&j->b, "</a></li>", 9);
    }
    nmC_buf_add(&j->b, "</ol></nav>", 11);
}

static void write_controls(hjob *j)
{
    nmC_buf_add(&j->b, "<div class=\"controls\"><label for=\"ind\">Map shows</label> "
                      "<select id=\"ind\" disabled>",
               strlen("<div class=\"controls\"><label for=\"ind\">Map shows</label> "
                      "<select id=\"ind\" disabled>"));
    for (int m = 0; m < j->nmap; m++) {
        char *t = nmP_default_title(&j->map[m].sh->vals);
        nmC_buf_addf(&j->b, "<option value=\"%d\"%s>", m, m ? "" : " selected");
        esc(&j->b, t ? t : j->map[m].key);
        nmC_buf_add(&j->b, j->map[m].ward ? " (wards)" : " (LSOAs)", 8);
        nmC_buf_add(&j->b, "</option>", 9);
        nm_free(t);
    }
    nmC_buf_add(&j->b, "</select></div>", strlen("</select></div>"));
}

/* The alt text of a section's map: alttext.c's, over the section's LSOAs
 * when their classes are the borough's (national deciles); otherwise
 * the counts of the borough's classes among them. */
static nm_status section_alt(hjob *j, int s, char **out)
{
    const hs_page *p = j->p;
    const nmP_shading *sh = p->shade;
    nm_areas *in = NULL;
    nmP_shading sub = {0};
    nm_choropleth_opts co;
    nm_status rc;
    int same = 0, k = nm_classes_count(sh->classes);

    *out = NULL;
    rc = nm_areas_select(p->store, "lsoa", nm_areas_vintage(p->lsoas), p->sec[s].code, &in);
    if (rc == NM_OK) {
        nm_choropleth_opts_init(&co);
        co.indicator = sh->vals.key;
        co.period = sh->vals.period;
        rc = nmP_shading_make(p->store, &co, in, &sub);
    }
    if (rc == NM_OK && nm_classes_count(sub.classes) == k) {
        same = 1;
        for (int c = 0; c < k; c++)
            same &= strcmp(nm_classes_label(sub.classes, c), nm_classes_label(sh->classes, c)) == 0;
    }
    if (rc == NM_OK && same) {
        nm_alt_text_in ai = {in, &sub.vals, sub.classes, sub.klass, NULL, sub.legend_title, NULL};
        rc = nm_alt_text(p->store, &ai, out);
    } else if (rc == NM_OK || rc == NM_USAGE || rc == NM_NOTFOUND) {
        long count[NM_CLASSES_MAX + 1];
        nmC_buf b = {0};
        char n[32];
        nmC_clear(j->ctx);
        rc = NM_OK;
        class_counts(j, &j->map[0], s, count);
        nmC_buf_addf(&b, "Map of the LSOAs of %s on the borough's classes of %s, darkest "
                        "(most deprived) first: ", p->sec[s].name, sh->legend_title);
        for (int c = k - 1; c >= 0; c--)
            nmC_buf_addf(&b, "%s%s %s", c == k - 1 ? "" : ", ", nmP_fmt_count(count[c], n),
                        nm_classes_label(sh->classes, c));
        nmC_buf_add(&b, ".", 1);
        if (!(*out = nmC_buf_take(&b)))
            rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    }
    nmP_shading_clear(&sub);
    nm_areas_free(in);
    return rc;
}

static nm_status write_overview(hjob *j, char **csv, const gr_row ***rows)
{
    const hs_page *p = j->p;
    const gr_set *s = p->set;
    nm_alt_text_in ai = {p->lsoas, &p->shade->vals, p->shade->classes, p->shade->klass, NULL,
                         p->shade->legend_title, NULL};
    const gr_row **body = nm_calloc(nm_areas_count(s->wards) + (size_t)p->nsec + 1, sizeof *body);
    const gr_row *foot[2] = {&s->borough, &s->england};
    char *alt = NULL;
    nm_status rc;
    int nb = 0;

    if (!body)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    rc = nm_alt_text(p->store, &ai, &alt);
    if (rc == NM_OK && !(j->map[0].alt = nm_strdup(alt)))
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    nmC_buf_add(&j->b, "<section id=\"overview\" class=\"overview\"><h2>",
               strlen("<section id=\"overview\" class=\"overview\"><h2>"));
    esc(&j->b, p->place);
    nmC_buf_add(&j->b, "</h2>", 5);
    write_controls(j);
    nmC_buf_add(&j->b, "<div class=\"mapbox\"><figure>", strlen("<div class=\"mapbox\"><figure>"));
    if (rc == NM_OK)
        rc = write_svg(j, -1, alt, "map-o");
    nmC_buf_add(&j->b, "<figcaption class=\"alt\">", strlen("<figcaption class=\"alt\">"));
    esc(&j->b, alt);
    nmC_buf_add(&j->b, "</figcaption></figure><div class=\"side\">",
               strlen("</figcaption></figure><div class=\"side\">"));
    write_legend(j, -1);
    nmC_buf_add(&j->b, "<div id=\"info\" class=\"info\" aria-live=\"polite\" hidden>"
                      "<p>Point at an area, or press Tab to reach the map and the arrow keys "
                      "to move between its wards, to see its figures.</p></div></div></div>"
                      "</section>",
               strlen("<div id=\"info\" class=\"info\" aria-live=\"polite\" hidden>"
                      "<p>Point at an area, or press Tab to reach the map and the arrow keys "
                      "to move between its wards, to see its figures.</p></div></div></div>"
                      "</section>"));
    /* the groups' totals; wards compared have no group but themselves */
    for (int q = 0; q < p->nsec; q++)
        if (p->sec[q].total)
            body[nb++] = p->sec[q].total;
        else
            for (size_t k = 0; k < p->sec[q].n; k++)
                body[nb++] = &s->ward[p->sec[q].idx[k]];
    nmC_buf_add(&j->b, "<section id=\"groups\" class=\"groups\"><h2>",
               strlen("<section id=\"groups\" class=\"groups\"><h2>"));
    groups_heading(j);
    nmC_buf_add(&j->b, "</h2>", 5);
    write_table(j, p->nsec, p->place, body, nb, foot, 2);
    write_table_notes(j, 1);
    nmC_buf_add(&j->b, "</section>", 10);
    /* the borough's table is the last of the data downloads */
    {
        const gr_row **all = nm_calloc((size_t)nb + 3, sizeof *all);
        if (!all) {
            rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
        } else {
            memcpy(all, body, (size_t)nb * sizeof *all);
            all[nb] = foot[0];
            all[nb + 1] = foot[1];
            csv[p->nsec] = table_csv(s, p->place, all, nb + 2);
            rows[p->nsec] = all;
        }
    }
    nm_free(body);
    nm_free(alt);
    return rc;
}

static nm_status write_section(hjob *j, int q, char **csv, const gr_row ***rows)
{
    const hs_page *p = j->p;
    const hs_section *sec = &p->sec[q];
    const gr_row **body = nm_calloc(sec->n + 2, sizeof *body);
    char *alt = NULL, id[32];
    nm_status rc;
    int nb = 0;

    if (!body)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (size_t k = 0; k < sec->n; k++)
        body[nb++] = &p->set->ward[sec->idx[k]];
    rc = section_alt(j, q, &alt);
    nmC_buf_addf(&j->b, "<section class=\"group\" id=\"sec-%d\"><h2>", q);
    section_heading(j, q);
    nmC_buf_add(&j->b, "</h2><div class=\"mapbox\"><figure>",
               strlen("</h2><div class=\"mapbox\"><figure>"));
    snprintf(id, sizeof id, "map-%d", q);
    if (rc == NM_OK)
        rc = write_svg(j, q, alt, id);
    nmC_buf_add(&j->b, "<figcaption class=\"alt\">", strlen("<figcaption class=\"alt\">"));
    esc(&j->b, alt);
    nmC_buf_add(&j->b, "</figcaption></figure><div class=\"side\">",
               strlen("</figcaption></figure><div class=\"side\">"));
    write_legend(j, q);
    if (j->shared[0] > 0)
        nmC_buf_add(&j->b, "<p class=\"scale\">Every map at one scale, with its scale bar.</p>",
                   strlen("<p class=\"scale\">Every map at one scale, with its scale bar.</p>"));
    nmC_buf_add(&j->b, "</div></div>", 12);
    write_table(j, q, sec->name, body, nb, sec->total ? &sec->total : NULL, sec->total ? 1 : 0);
    write_table_notes(j, 0);
    nmC_buf_add(&j->b, "</section>", 10);
    if (sec->total)
        body[nb++] = sec->total;
    csv[q] = table_csv(p->set, sec->name, body, nb);
    rows[q] = body;
    nm_free(alt);
    return rc;
}

static void write_notes(hjob *j)
{
    const gr_set *s = j->p->set;

    nmC_buf_add(&j->b, "<footer class=\"notes\"><h2>Definitions</h2><dl>",
               strlen("<footer class=\"notes\"><h2>Definitions</h2><dl>"));
    for (int c = 0; c < s->ncol; c++) {
        char when[48];
        nmP_fmt_period(s->col[c].period, when);
        nmC_buf_add(&j->b, "<dt>", 4);
        esc(&j->b, s->col[c].label);
        nmC_buf_add(&j->b, "</dt><dd>", 9);
        if (s->col[c].rate)
            nmC_buf_add(&j->b, "Incidents, and incidents per 1,000 residents with an exact "
                              "Poisson 95% confidence interval; ",
                       strlen("Incidents, and incidents per 1,000 residents with an exact "
                              "Poisson 95% confidence interval; "));
        nmC_buf_add(&j->b, "unit: ", 6);
        esc(&j->b, s->col[c].unit);
        nmC_buf_add(&j->b, "; period: ", 10);
        esc(&j->b, when);
        nmC_buf_add(&j->b, ". ", 2);
        esc(&j->b, s->col[c].sum ? "A group's value is the sum of its wards'."
                                 : "A group's value is computed from its wards' parts "
                                   "(shares of the summed LSOAs, population-weighted means, "
                                   "rates of the summed counts).");
        nmC_buf_add(&j->b, "</dd>", 5);
    }
    nmC_buf_add(&j->b, "</dl><p>&quot;suppressed&quot;: fewer incidents than the disclosure "
                      "threshold, not shown; &#8211;: no data. Group totals are computed from "
                      "their wards; England&#39;s from every LSOA stored.</p><h2>Sources and "
                      "licence</h2><p class=\"src\">",
               strlen("</dl><p>&quot;suppressed&quot;: fewer incidents than the disclosure "
                      "threshold, not shown; &#8211;: no data. Group totals are computed from "
                      "their wards; England&#39;s from every LSOA stored.</p><h2>Sources and "
                      "licence</h2><p class=\"src\">"));
    esc(&j->b, j->p->sources);
    nmC_buf_add(&j->b, "</p><p class=\"when\">Data: ", strlen("</p><p class=\"when\">Data: "));
    esc(&j->b, j->p->periods);
    nmC_buf_add(&j->b, ".</p><p>Made by needsmap.</p></footer>",
               strlen(".</p><p>Made by needsmap.</p></footer>"));
}

static void write_data(hjob *j, char *const *csv)
{
    nmC_buf_add(&j->b, "<script type=\"application/json\" id=\"nm-data\">{",
               strlen("<script type=\"application/json\" id=\"nm-data\">{"));
    json_maps(j);
    json_areas(j);
    nmC_buf_add(&j->b, ",\"tables\":[", 11);
    for (int t = 0; t <= j->p->nsec; t++) {
        nmC_buf_addf(&j->b, "%s{\"name\":", t ? "," : "");
        json_str(&j->b, t < j->p->nsec ? j->p->sec[t].name : j->p->place);
        nmC_buf_add(&j->b, ",\"csv\":", 7);
        json_str(&j->b, csv[t]);
        nmC_buf_add(&j->b, "}", 1);
    }
    nmC_buf_add(&j->b, "]}</script>", 11);
}

/* A CSS string of any text: every ASCII character but letters, digits
 * and spaces as a hex escape, so no quote, backslash or "</style>" can end
 * it; other UTF-8 as it is. */
static void css_str(nmC_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    nmC_buf_add(b, "\"", 1);
    for (; *p; p++) {
        if (*p >= 0x80 || *p == ' ' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
            (*p >= 'A' && *p <= 'Z'))
            nmC_buf_add(b, (const char *)p, 1);
        else
            nmC_buf_addf(b, "\\%x ", *p);
    }
    nmC_buf_add(b, "\"", 1);
}

/* The footer of every printed page (CSS page-margin boxes): the sources
 * and licence, the data's dates, and the page number. */
static char *print_footer(const char *sources, const char *periods)
{
    nmC_buf b = {0};

    nmC_buf_add(&b, "@page{@bottom-left{content:", strlen("@page{@bottom-left{content:"));
    css_str(&b, sources);
    if (periods && *periods) {
        nmC_buf_add(&b, " ", 1);
        css_str(&b, " Data: ");
        nmC_buf_add(&b, " ", 1);
        css_str(&b, periods);
        nmC_buf_add(&b, " ", 1);
        css_str(&b, ".");
    }
    nmC_buf_add(&b, "}@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages)}}",
               strlen("}@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages)}}"));
    return nmC_buf_take(&b);
}

/* The head of the page: the style sheet (with the printed pages' footer
 * of 'sources' and 'periods') and the script allowed by their hashes. */
static void write_head(hjob *j, const char *title, const char *sources, const char *periods,
                       const char *font)
{
    char *footer = print_footer(sources, periods);
    nmC_buf css = {0};

    nmC_buf_add(&css, nmP_html_css, strlen(nmP_html_css));
    if (font && *font) { /* the figure's family first, the sheet's as fallbacks */
        nmC_buf_addf(&css, "body,svg.map .names text,svg text{font-family:");
        css_str(&css, font);
        nmC_buf_addf(&css, ",\"DejaVu Sans\",sans-serif}");
    }
    if (footer)
        nmC_buf_add(&css, footer, strlen(footer));
    else
        j->b.failed = 1;
    if (css.failed || !css.data)
        j->b.failed = 1;
    nmC_buf_add(&j->b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src ",
               strlen("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src "));
    /* the page's own style and script only, by hash; nothing to fetch,
       post or embed; downloads are blob: links the script makes */
    csp_hash(&j->b, css.data ? css.data : "");
    nmC_buf_add(&j->b, "; script-src ", 13);
    csp_hash(&j->b, nmP_html_js);
    nmC_buf_add(&j->b, "; img-src data:; base-uri 'none'; form-action 'none'\"><title>",
               strlen("; img-src data:; base-uri 'none'; form-action 'none'\"><title>"));
    esc(&j->b, title);
    nmC_buf_add(&j->b, "</title><style>", 15);
    if (css.data)
        nmC_buf_add(&j->b, css.data, css.len);
    nmC_buf_add(&j->b, "</style></head><body><header><h1>", strlen("</style></head><body><header><h1>"));
    esc(&j->b, title);
    nmC_buf_add(&j->b, "</h1>", 5);
    nmC_buf_free(&css);
    nm_free(footer);
}

/* The page, finished in j->b, to its file atomically. */
static nm_status save(hjob *j, const char *path)
{
    nmC_atomic a = {0};
    nm_status rc = nmC_atomic_open(j->ctx, path, &a);

    if (rc == NM_OK && fwrite(j->b.data, 1, j->b.len, a.fp) != j->b.len)
        rc = nmC_fail(j->ctx, NM_ERROR, "%s: cannot write the page", path);
    if (rc == NM_OK)
        rc = nmC_atomic_commit(j->ctx, &a);
    nmC_atomic_abort(&a);
    return rc;
}

static void write_tail(hjob *j)
{
    nmC_buf_add(&j->b, "<script>", 8);
    nmC_buf_add(&j->b, nmP_html_js, strlen(nmP_html_js));
    nmC_buf_add(&j->b, "</script></body></html>\n", strlen("</script></body></html>\n"));
}

static nm_status html_page(const hs_page *p, int one_scale);

nm_status nmP_html_page(const hs_page *p)
{
    return html_page(p, 0);
}

nm_status nmP_html_page_one_scale(const hs_page *p)
{
    return html_page(p, 1);
}

static nm_status html_page(const hs_page *p, int one_scale)
{
    hjob j;
    int nt = p->nsec + 1;
    char **csv = nm_calloc((size_t)nt, sizeof *csv);
    const gr_row ***rows = nm_calloc((size_t)nt, sizeof *rows);
    nm_status rc = NM_OK;
    char n[32], n2[32];

    memset(&j, 0, sizeof j);
    j.p = p;
    j.ctx = nm_store_ctx(p->store);
    if (!csv || !rows)
        rc = nmC_fail(j.ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        rc = choose_maps(&j);
    if (rc == NM_OK)
        rc = read_extras(&j);
    if (rc == NM_OK)
        rc = find_outlines(&j);
    if (rc == NM_OK && one_scale)
        rc = shared_box(&j);
    if (rc == NM_OK) {
        write_head(&j, p->title, p->sources, p->periods, p->font);
        nmC_buf_add(&j.b, "<p class=\"sub\">", 15);
        nmC_buf_addf(&j.b, "%d %s", p->nsec,
                    p->nsec == 1 ? (p->group_word ? p->group_word : "group")
                                 : (p->group_plural ? p->group_plural : "groups"));
        if (p->head)
            nmC_buf_addf(&j.b, ", %s wards", nmP_fmt_count((long)nm_areas_count(p->set->wards), n));
        nmC_buf_addf(&j.b, " and %s LSOAs. ", nmP_fmt_count((long)nm_areas_count(p->lsoas), n2));
        nmC_buf_add(&j.b, "Data: ", 6);
        esc(&j.b, p->periods);
        nmC_buf_add(&j.b, ".</p></header><main>", strlen(".</p></header><main>"));
        nmC_buf_add(&j.b, "<div class=\"intro\">", 19);
        write_headline(&j);
        write_contents(&j);
        nmC_buf_add(&j.b, "</div>", 6);
        rc = write_overview(&j, csv, rows);
    }
    for (int q = 0; rc == NM_OK && q < p->nsec; q++)
        rc = write_section(&j, q, csv, rows);
    for (int t = 0; rc == NM_OK && t < nt; t++)
        if (!csv[t])
            rc = nmC_fail(j.ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK) {
        nmC_buf_add(&j.b, "</main>", 7);
        write_notes(&j);
        write_data(&j, csv);
        write_tail(&j);
        if (j.b.failed)
            rc = nmC_fail(j.ctx, NM_NOMEM, "out of memory");
    }
    if (rc == NM_OK)
        rc = save(&j, p->output);
    for (int t = 0; t < nt; t++) {
        if (csv)
            free(csv[t]);
        if (rows)
            nm_free((void *)rows[t]);
    }
    nm_free(csv);
    nm_free(rows);
    for (int m = 0; j.map && m < j.nmap; m++) {
        nmP_shading_clear(&j.map[m].own);
        nm_free(j.map[m].alt);
    }
    nm_free(j.map);
    for (int e = 0; e < 3; e++)
        nm_values_clear(&j.extra[e].v);
    nm_free(j.loc_rowid);
    nmS_geombuf_free(&j.geom);
    sqlite3_finalize(j.gst);
    nmC_buf_free(&j.b);
    return rc;
}

/* ---- one map (map -o FILE.html) ---------------------------------------------- */

/* The map's SVG: its areas filled and focusable (one tab stop, arrows
 * between them), the overlay outlined and named. */
static nm_status write_one_svg(hjob *j, const hs_map *m)
{
    size_t n = nm_areas_count(m->areas), no = m->over ? nm_areas_count(m->over) : 0, i;
    nm_map *map = nm_map_new();
    nm_map_svg svg = {0};
    nm_status rc = NM_OK;
    int layer = -1;
    const char **names = nm_calloc(no + 1, sizeof *names);

    if (!map || !names) {
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    rc = nm_map_add_layer(j->ctx, map, 0, 1.0, &layer);
    for (i = 0; rc == NM_OK && i < n; i++)
        rc = add_area(j, map, nm_areas_rowid(m->areas, i), 0, NULL);
    for (i = 0; rc == NM_OK && i < no; i++)
        rc = add_area(j, map, nm_areas_rowid(m->over, i), 1,
                      m->labels ? nm_areas_name(m->over, i) : NULL);
    if (rc == NM_OK)
        rc = nm_map_svg_paths(j->ctx, map, MAP_W_MM, MAP_H_MM, &svg);
    if (rc != NM_OK)
        goto cleanup;
    svg_open(j, "map-o", &svg, -1, 0, m->title, "", m->alt);
    for (i = 0; i < n; i++) {
        if (!*svg.feature[i])
            continue;
        nmC_buf_addf(&j->b, "<path data-i=\"%zu\" tabindex=\"%d\" role=\"img\" aria-label=\"", i,
                    i == 0 ? 0 : -1);
        esc(&j->b, *nm_areas_name(m->areas, i) ? nm_areas_name(m->areas, i)
                                               : nm_areas_code(m->areas, i));
        nmC_buf_addf(&j->b, "\" d=\"%s\" fill=\"", svg.feature[i]);
        if (m->sh->klass[i] >= 0)
            hex_rgb(&j->b, nmP_shading_rgb(m->sh, m->sh->klass[i]));
        else
            nmC_buf_add(&j->b, MISSING, strlen(MISSING));
        nmC_buf_add(&j->b, "\"/>", 3);
    }
    nmC_buf_add(&j->b, "</g><g class=\"wards\"></g>", strlen("</g><g class=\"wards\"></g>"));
    svg_groups(j, &svg);
    /* labels were added for the named overlay areas, in order */
    for (i = 0, n = 0; i < no && m->labels; i++)
        if (*nm_areas_name(m->over, i))
            names[n++] = nm_areas_name(m->over, i);
    write_names(j, &svg, names, n);
    nmC_buf_add(&j->b, "</svg>", 6);

cleanup:
    nm_free(names);
    nm_map_svg_clear(&svg);
    nm_map_free(map);
    return rc;
}

/* The areas' values and classes as a table and its CSV. */
static char *one_table(hjob *j, const hs_map *m)
{
    const nmP_shading *sh = m->sh;
    char *data = NULL;
    size_t len = 0, i;
    FILE *fp = open_memstream(&data, &len);

    nmC_buf_add(&j->b, "<div class=\"tw\"><table class=\"data\" id=\"tab-0\" data-t=\"0\">"
                      "<caption>Areas</caption><thead><tr>",
               strlen("<div class=\"tw\"><table class=\"data\" id=\"tab-0\" data-t=\"0\">"
                      "<caption>Areas</caption><thead><tr>"));
    write_head_cell(j, "Area", "");
    write_head_cell(j, "Code", "");
    write_head_cell(j, sh->vals.label, "");
    write_head_cell(j, sh->legend_title, "");
    nmC_buf_add(&j->b, "</tr></thead><tbody>", strlen("</tr></thead><tbody>"));
    if (fp)
        fprintf(fp, "code,name,%s,class\n", sh->vals.key);
    for (i = 0; i < nm_areas_count(m->areas); i++) {
        int c = sh->klass[i];
        double v = sh->vals.value[i];
        nmC_buf_add(&j->b, "<tr data-code=\"", strlen("<tr data-code=\""));
        esc(&j->b, nm_areas_code(m->areas, i));
        nmC_buf_add(&j->b, "\"><th scope=\"row\">", strlen("\"><th scope=\"row\">"));
        esc(&j->b, nm_areas_name(m->areas, i));
        nmC_buf_add(&j->b, "</th><td data-v=\"\">", strlen("</th><td data-v=\"\">"));
        esc(&j->b, nm_areas_code(m->areas, i));
        nmC_buf_add(&j->b, "</td><td data-v=\"", strlen("</td><td data-v=\""));
        if (!isnan(v))
            nmC_buf_addf(&j->b, "%.17g\">%.10g", v, v);
        else
            nmC_buf_add(&j->b, "\">\xE2\x80\x93", 5);
        nmC_buf_addf(&j->b, "</td><td data-v=\"%d\">", c);
        esc(&j->b, c >= 0 ? nm_classes_label(sh->classes, c) : "No data");
        nmC_buf_add(&j->b, "</td></tr>", 10);
        if (fp) {
            nmP_csv_text(fp, nm_areas_code(m->areas, i));
            fputc(',', fp);
            nmP_csv_text(fp, nm_areas_name(m->areas, i));
            fputc(',', fp);
            if (!isnan(v))
                nmP_csv_number(fp, v);
            fputc(',', fp);
            nmP_csv_text(fp, c >= 0 ? nm_classes_label(sh->classes, c) : "");
            fputc('\n', fp);
        }
    }
    nmC_buf_add(&j->b, "</tbody></table></div><p class=\"dl\" hidden><button type=\"button\" "
                      "class=\"csv\" data-t=\"0\">Download this table (CSV)</button></p>",
               strlen("</tbody></table></div><p class=\"dl\" hidden><button type=\"button\" "
                      "class=\"csv\" data-t=\"0\">Download this table (CSV)</button></p>"));
    if (!fp || fclose(fp) != 0) {
        free(data);
        return NULL;
    }
    return data;
}

nm_status nmP_html_map(const hs_map *m)
{
    hjob j;
    hmap one;
    hs_page none;
    char *csv = NULL;
    nm_status rc;

    memset(&j, 0, sizeof j);
    memset(&one, 0, sizeof one);
    memset(&none, 0, sizeof none);
    none.store = m->store;
    none.lsoas = m->areas;
    j.p = &none;
    j.ctx = nm_store_ctx(m->store);
    nmC_strlcpy(one.key, m->sh->vals.key, sizeof one.key);
    one.sh = m->sh;
    one.alt = (char *)m->alt; /* borrowed: not freed here */
    j.map = &one;
    j.nmap = 1;
    write_head(&j, m->title, m->attribution, NULL, m->font);
    nmC_buf_add(&j.b, "<p class=\"sub\">", 15);
    esc(&j.b, m->subtitle);
    nmC_buf_add(&j.b, "</p></header><main><section id=\"overview\" class=\"overview\">"
                     "<select id=\"ind\" hidden disabled><option value=\"0\" selected>",
               strlen("</p></header><main><section id=\"overview\" class=\"overview\">"
                      "<select id=\"ind\" hidden disabled><option value=\"0\" selected>"));
    esc(&j.b, m->title);
    nmC_buf_add(&j.b, "</option></select><div class=\"mapbox\"><figure>",
               strlen("</option></select><div class=\"mapbox\"><figure>"));
    rc = write_one_svg(&j, m);
    nmC_buf_add(&j.b, "<figcaption class=\"alt\">", strlen("<figcaption class=\"alt\">"));
    esc(&j.b, m->alt);
    nmC_buf_add(&j.b, "</figcaption></figure><div class=\"side\">",
               strlen("</figcaption></figure><div class=\"side\">"));
    write_legend(&j, -1);
    nmC_buf_add(&j.b, "<div id=\"info\" class=\"info\" aria-live=\"polite\" hidden><p>Point at an "
                     "area, or press Tab to reach the map and the arrow keys to move between its "
                     "areas, to see its figures.</p></div></div></div></section><section>",
               strlen("<div id=\"info\" class=\"info\" aria-live=\"polite\" hidden><p>Point at an "
                      "area, or press Tab to reach the map and the arrow keys to move between its "
                      "areas, to see its figures.</p></div></div></div></section><section>"));
    if (rc == NM_OK && !(csv = one_table(&j, m)))
        rc = nmC_fail(j.ctx, NM_NOMEM, "out of memory");
    nmC_buf_add(&j.b, "</section></main><footer class=\"notes\"><h2>Sources and licence</h2><p "
                     "class=\"src\">",
               strlen("</section></main><footer class=\"notes\"><h2>Sources and licence</h2><p "
                      "class=\"src\">"));
    esc(&j.b, m->attribution);
    nmC_buf_add(&j.b, "</p><p>Made by needsmap.</p></footer>",
               strlen("</p><p>Made by needsmap.</p></footer>"));
    if (rc == NM_OK) {
        nmC_buf_add(&j.b, "<script type=\"application/json\" id=\"nm-data\">{",
                   strlen("<script type=\"application/json\" id=\"nm-data\">{"));
        json_maps(&j);
        nmC_buf_add(&j.b, ",\"level\":", 9);
        json_str(&j.b, nm_areas_level(m->areas));
        json_areas(&j);
        nmC_buf_add(&j.b, ",\"tables\":[{\"name\":\"areas\",\"csv\":",
                   strlen(",\"tables\":[{\"name\":\"areas\",\"csv\":"));
        json_str(&j.b, csv);
        nmC_buf_add(&j.b, "}]}</script>", 12);
        write_tail(&j);
        if (j.b.failed)
            rc = nmC_fail(j.ctx, NM_NOMEM, "out of memory");
    }
    if (rc == NM_OK)
        rc = save(&j, m->output);
    free(csv);
    nm_free(j.loc_rowid);
    nmS_geombuf_free(&j.geom);
    sqlite3_finalize(j.gst);
    nmC_buf_free(&j.b);
    return rc;
}
