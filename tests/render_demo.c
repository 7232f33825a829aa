/*
 * Development tool, not a test and not installed: renders an LSOA shapefile
 * coloured by IMD 2019 decile through the render API, optionally with ward
 * outlines and labels, and prints the time of each write (median of
 * --repeat runs).  Used to look at maps and to time England for the
 * MapServer benchmark.  Build by hand, e.g.
 *   cc -O2 -Iinclude tests/render_demo.c build/libneedsmap.a $(pkg-config ...)
 */
#include <math.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "needsmap/render.h"

#define MAX_CODES 40000

static const uint32_t rdylbu10[10] = {0xa50026, 0xd73027, 0xf46d43, 0xfdae61, 0xfee090,
                                      0xe0f3f8, 0xabd9e9, 0x74add1, 0x4575b4, 0x313695};

typedef struct decile {
    char code[10];
    int decile;
} decile;

static int by_code(const void *a, const void *b)
{
    return strcmp(((const decile *)a)->code, ((const decile *)b)->code);
}

/* Reads "LSOA11CD",decile,score lines. */
static size_t read_deciles(const char *path, decile *out)
{
    FILE *fp = fopen(path, "r");
    char line[256];
    size_t n = 0;

    if (!fp)
        return 0;
    while (fgets(line, sizeof line, fp) && n < MAX_CODES) {
        char *q = strchr(line + 1, '"');
        if (line[0] != '"' || !q || q - line - 1 != 9 || q[1] != ',')
            continue;
        memcpy(out[n].code, line + 1, 9);
        out[n].code[9] = 0;
        out[n].decile = (int)strtol(q + 2, NULL, 10);
        n++;
    }
    fclose(fp);
    qsort(out, n, sizeof *out, by_code);
    return n;
}

/* Builds an nm_geom from a shape; parts start at clockwise rings (the
 * shapefile's exteriors). */
static void shape_geom(const SHPObject *o, double **xy, size_t **rs, size_t **ps, nm_geom *g)
{
    int i, r;
    size_t np = 0;

    *xy = realloc(*xy, 2 * (size_t)o->nVertices * sizeof **xy);
    *rs = realloc(*rs, ((size_t)o->nParts + 1) * sizeof **rs);
    *ps = realloc(*ps, ((size_t)o->nParts + 1) * sizeof **ps);
    for (i = 0; i < o->nVertices; i++) {
        (*xy)[2 * i] = o->padfX[i];
        (*xy)[2 * i + 1] = o->padfY[i];
    }
    for (r = 0; r < o->nParts; r++) {
        int a = o->panPartStart[r], b = r + 1 < o->nParts ? o->panPartStart[r + 1] : o->nVertices;
        double area = 0;
        (*rs)[r] = (size_t)a;
        for (i = a; i < b; i++) {
            int j = i + 1 < b ? i + 1 : a;
            area += o->padfX[i] * o->padfY[j] - o->padfX[j] * o->padfY[i];
        }
        if (area < 0 || np == 0)
            (*ps)[np++] = (size_t)r;
    }
    (*rs)[o->nParts] = (size_t)o->nVertices;
    (*ps)[np] = (size_t)o->nParts;
    g->xy = *xy;
    g->npoints = (size_t)o->nVertices;
    g->ring_start = *rs;
    g->nrings = (size_t)o->nParts;
    g->part_start = *ps;
    g->nparts = np;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void die(nm_ctx *ctx, const char *what)
{
    fprintf(stderr, "render_demo: %s: %s\n", what, nm_errmsg(ctx));
    exit(1);
}

int main(int argc, char **argv)
{
    const char *lsoa = NULL, *wards = NULL, *csv = NULL, *title = "IMD 2019 by LSOA";
    const char *outs[8];
    int nout = 0, repeat = 1, missing_every = 0, i, k, counts[11] = {0};
    double dpi = 300;
    nm_paper paper = NM_PAPER_A4;
    nm_orient orient = NM_ORIENT_AUTO;
    nm_ctx *ctx = nm_ctx_new();
    nm_map *map = nm_map_new();
    nm_render_opts opts;
    static decile dec[MAX_CODES];
    size_t ndec = 0;
    double *xy = NULL;
    size_t *rs = NULL, *ps = NULL;
    SHPHandle shp;
    DBFHandle dbf;
    int nent;
    char buf[128];

    nm_render_opts_init(&opts);
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--wards") && i + 1 < argc)
            wards = argv[++i];
        else if (!strcmp(argv[i], "--csv") && i + 1 < argc)
            csv = argv[++i];
        else if (!strcmp(argv[i], "--title") && i + 1 < argc)
            title = argv[++i];
        else if (!strcmp(argv[i], "--dpi") && i + 1 < argc)
            dpi = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            opts.threads = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--level") && i + 1 < argc)
            opts.png_level = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--simplify") && i + 1 < argc)
            opts.simplify_px = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--outline-mm") && i + 1 < argc)
            opts.outline_mm = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--darken") && i + 1 < argc)
            opts.outline_darken = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--missing-every") && i + 1 < argc)
            missing_every = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--a3"))
            paper = NM_PAPER_A3;
        else if (!strcmp(argv[i], "--portrait"))
            orient = NM_ORIENT_PORTRAIT;
        else if (!strcmp(argv[i], "--landscape"))
            orient = NM_ORIENT_LANDSCAPE;
        else if (!lsoa)
            lsoa = argv[i];
        else if (nout < 8)
            outs[nout++] = argv[i];
    }
    if (!lsoa || nout == 0) {
        fprintf(stderr, "usage: render_demo LSOA.shp [--wards W.shp] [--csv imd.csv] OUT...\n");
        return 2;
    }
    if (csv)
        ndec = read_deciles(csv, dec);
    if (nm_map_set_page(ctx, map, paper, orient, dpi) || nm_map_set_options(ctx, map, &opts))
        die(ctx, "page");
    shp = SHPOpen(lsoa, "rb");
    dbf = DBFOpen(lsoa, "rb");
    if (!shp || !dbf) {
        fprintf(stderr, "render_demo: cannot open %s\n", lsoa);
        return 1;
    }
    SHPGetInfo(shp, &nent, NULL, NULL, NULL);
    for (i = 0; i < nent; i++) {
        SHPObject *o = SHPReadObject(shp, i);
        nm_geom g;
        decile key, *hit;
        int d = 0;
        if (!o)
            continue;
        if (o->nVertices > 0) {
            snprintf(key.code, sizeof key.code, "%s", DBFReadStringAttribute(dbf, i, 0));
            hit = bsearch(&key, dec, ndec, sizeof *dec, by_code);
            d = hit ? hit->decile : 0;
            if (missing_every > 0 && i % missing_every == 0)
                d = 0;
            shape_geom(o, &xy, &rs, &ps, &g);
            counts[d >= 1 && d <= 10 ? d : 0]++;
            if (nm_map_add_feature(ctx, map, &g, d >= 1 && d <= 10 ? rdylbu10[d - 1] : 0,
                                   d >= 1 && d <= 10 ? 0 : NM_MAP_MISSING))
                die(ctx, "feature");
        }
        SHPDestroyObject(o);
    }
    SHPClose(shp);
    DBFClose(dbf);
    if (wards) {
        int layer;
        shp = SHPOpen(wards, "rb");
        dbf = DBFOpen(wards, "rb");
        if (!shp || !dbf || nm_map_add_layer(ctx, map, 0x262626, 0.45, &layer))
            die(ctx, "wards");
        SHPGetInfo(shp, &nent, NULL, NULL, NULL);
        for (i = 0; i < nent; i++) {
            SHPObject *o = SHPReadObject(shp, i);
            nm_geom g;
            if (!o)
                continue;
            shape_geom(o, &xy, &rs, &ps, &g);
            if (nm_map_add_outline(ctx, map, layer, &g) ||
                nm_map_add_label(ctx, map, DBFReadStringAttribute(dbf, i, 2), &g))
                die(ctx, "ward");
            SHPDestroyObject(o);
        }
        SHPClose(shp);
        DBFClose(dbf);
    }
    nm_map_set_title(ctx, map, title, "Index of Multiple Deprivation 2019, national deciles");
    nm_map_set_legend_title(ctx, map, "IMD 2019 decile (national)");
    for (k = 1; k <= 10; k++) {
        if (k == 1)
            snprintf(buf, sizeof buf, "1 (most deprived 10%%)");
        else if (k == 10)
            snprintf(buf, sizeof buf, "10 (least deprived 10%%)");
        else
            snprintf(buf, sizeof buf, "%d", k);
        nm_map_add_legend_entry(ctx, map, rdylbu10[k - 1], 0, buf, counts[k]);
    }
    nm_map_add_legend_entry(ctx, map, 0, NM_MAP_MISSING, "No data", counts[0]);
    nm_map_set_attribution(ctx, map,
                           "Contains OS data © Crown copyright and database right 2016. Contains "
                           "National Statistics data © Crown copyright and database right 2016. "
                           "Source: MHCLG, English Indices of Deprivation 2019.");
    for (k = 0; k < nout; k++) {
        double t[16];
        nm_map_layout lay;
        int r;
        for (r = 0; r < repeat && r < 16; r++) {
            double t0 = now();
            if (nm_map_write(ctx, map, outs[k], &lay))
                die(ctx, outs[k]);
            t[r] = now() - t0;
        }
        qsort(t, (size_t)r, sizeof t[0], cmp_d);
        printf("%s: median %.3f s of %d (min %.3f max %.3f); %s %.0fx%.0f mm, scale 1:%.0f, "
               "labels %d\n",
               outs[k], t[r / 2], r, t[0], t[r - 1],
               lay.orient == NM_ORIENT_PORTRAIT ? "portrait" : "landscape", lay.page_w_mm,
               lay.page_h_mm, lay.scale, lay.labels_placed);
    }
    free(xy);
    free(rs);
    free(ps);
    nm_map_free(map);
    nm_ctx_free(ctx);
    return 0;
}
