/*
 * Palettes: looks up ColorBrewer schemes (the tables are in palette_data.c),
 * reverses them, stretches sequential schemes past 9 classes by
 * interpolating in CIELAB, reports ColorBrewer's suitability flags and
 * gives the missing-data fill.  Which class gets which colour is decided by
 * classify.c's class order (0 lightest, k-1 darkest).
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "classify/classify_int.h"

#define PALETTE_MAX 11

static const nmK_scheme *find_scheme(const char *name)
{
    int i;

    for (i = 0; name && i < nmK_nschemes; i++)
        if (nmC_strieq(name, nmK_schemes[i].name))
            return &nmK_schemes[i];
    return NULL;
}

/* Checks the name and count; sets the error when they do not fit. */
static nm_status lookup(nm_ctx *ctx, const char *name, int nclasses, const nmK_scheme **out)
{
    nmC_buf b = {0};
    nmC_near near;
    int i;

    *out = find_scheme(name);
    if (!*out) {
        nmC_near_init(&near, name ? name : "");
        for (i = 0; i < nmK_nschemes; i++)
            nmC_near_offer(&near, nmK_schemes[i].name, NULL);
        nmC_buf_add_quoted(&b, name ? name : "", 40);
        nmC_buf_addf(&b, " is no palette");
        nmC_near_add_to(&near, &b);
        nmC_buf_addf(&b, " (known:");
        for (i = 0; i < nmK_nschemes; i++)
            nmC_buf_addf(&b, "%s %s", i ? "," : "", nmK_schemes[i].name);
        nmC_buf_addf(&b, ")");
        nmC_fail(ctx, NM_NOTFOUND, "%s", b.failed ? "unknown palette" : b.data);
        nmC_buf_free(&b);
        return NM_NOTFOUND;
    }
    if (nclasses < 1 || nclasses > PALETTE_MAX)
        return nmC_fail(ctx, NM_USAGE, "palette %s: %d classes; 1 to %d allowed", (*out)->name,
                       nclasses, PALETTE_MAX);
    return NM_OK;
}

/* The official colours of a scheme for n classes (3 <= n <= max). */
static const uint32_t *official(const nmK_scheme *s, int n)
{
    /* rows for 3, 4, ... classes lie back to back: 3 + 4 + ... + (n-1) */
    size_t offset = (size_t)((n - 1) * n / 2 - 3);
    return s->colours + offset;
}

static nm_rgb unpack(uint32_t c)
{
    nm_rgb rgb;

    rgb.r = (uint8_t)(c >> 16);
    rgb.g = (uint8_t)(c >> 8);
    rgb.b = (uint8_t)c;
    return rgb;
}

/* ---- CIELAB (D65, sRGB) -------------------------------------------------- */

typedef struct lab {
    double l, a, b;
} lab;

static double to_linear(uint8_t v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static uint8_t from_linear(double c)
{
    double v = c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055;

    v = nearbyint(v * 255.0);
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static const double white[3] = {0.95047, 1.0, 1.08883};

static double lab_f(double t)
{
    return t > 216.0 / 24389.0 ? cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
}

static double lab_finv(double f)
{
    return f * f * f > 216.0 / 24389.0 ? f * f * f : (116.0 * f - 16.0) * 27.0 / 24389.0;
}

static lab rgb_to_lab(nm_rgb c)
{
    double r = to_linear(c.r), g = to_linear(c.g), b = to_linear(c.b);
    double fx = lab_f((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / white[0]);
    double fy = lab_f((0.2126729 * r + 0.7151522 * g + 0.0721750 * b) / white[1]);
    double fz = lab_f((0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / white[2]);
    lab out;

    out.l = 116.0 * fy - 16.0;
    out.a = 500.0 * (fx - fy);
    out.b = 200.0 * (fy - fz);
    return out;
}

static nm_rgb lab_to_rgb(lab c)
{
    double fy = (c.l + 16.0) / 116.0, fx = fy + c.a / 500.0, fz = fy - c.b / 200.0;
    double x = lab_finv(fx) * white[0], y = lab_finv(fy) * white[1], z = lab_finv(fz) * white[2];
    nm_rgb out;

    out.r = from_linear(3.2404542 * x - 1.5371385 * y - 0.4985314 * z);
    out.g = from_linear(-0.9692660 * x + 1.8760108 * y + 0.0415560 * z);
    out.b = from_linear(0.0556434 * x - 0.2040259 * y + 1.0572252 * z);
    return out;
}

static double delta_e(lab a, lab b)
{
    return sqrt((a.l - b.l) * (a.l - b.l) + (a.a - b.a) * (a.a - b.a) + (a.b - b.b) * (a.b - b.b));
}

/* ---- colour differences and colour vision ------------------------------ */

#define NM_PI 3.14159265358979323846

/* Machado, Oliveira and Fernandes (2009), "A physiologically-based model
 * for simulation of color vision deficiency", severity 1.0, on linear
 * RGB. */
static const double machado[3][3][3] = {
    {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
    {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}},
    {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}},
};

void nm_colour_lab(nm_rgb c, nm_vision vision, double out[3])
{
    const double(*m)[3] = machado[vision >= NM_VISION_NORMAL && vision <= NM_VISION_PROTANOPIA ? vision : 0];
    double in[3] = {to_linear(c.r), to_linear(c.g), to_linear(c.b)}, v[3], fx, fy, fz;

    for (int i = 0; i < 3; i++)
        v[i] = fmin(1, fmax(0, m[i][0] * in[0] + m[i][1] * in[1] + m[i][2] * in[2]));
    fx = lab_f((0.4124564 * v[0] + 0.3575761 * v[1] + 0.1804375 * v[2]) / white[0]);
    fy = lab_f((0.2126729 * v[0] + 0.7151522 * v[1] + 0.0721750 * v[2]) / white[1]);
    fz = lab_f((0.0193339 * v[0] + 0.1191920 * v[1] + 0.9503041 * v[2]) / white[2]);
    out[0] = 116.0 * fy - 16.0;
    out[1] = 500.0 * (fx - fy);
    out[2] = 200.0 * (fy - fz);
}

static double deg(double r)
{
    return r * 180.0 / NM_PI;
}

static double rad(double d)
{
    return d * NM_PI / 180.0;
}

/* Hue angle in degrees, 0..360; 0 for a neutral colour. */
static double hue(double b, double a)
{
    double h;

    if (a == 0 && b == 0)
        return 0;
    h = deg(atan2(b, a));
    return h < 0 ? h + 360 : h;
}

/* Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula:
 * implementation notes, supplementary test data, and mathematical
 * observations", equations 1-22. */
double nm_colour_difference(const double x[3], const double y[3])
{
    double c1 = hypot(x[1], x[2]), c2 = hypot(y[1], y[2]), cb = (c1 + c2) / 2;
    double cb7 = pow(cb, 7), g = 0.5 * (1 - sqrt(cb7 / (cb7 + pow(25, 7))));
    double a1 = (1 + g) * x[1], a2 = (1 + g) * y[1];
    double cp1 = hypot(a1, x[2]), cp2 = hypot(a2, y[2]);
    double h1 = hue(x[2], a1), h2 = hue(y[2], a2);
    double dl = y[0] - x[0], dc = cp2 - cp1, dh = 0, lb, cbp, hb, t, dth, rc, sl, sc, sh, rt;
    double cbp7;

    if (cp1 * cp2 != 0) {
        dh = h2 - h1;
        if (dh > 180)
            dh -= 360;
        else if (dh < -180)
            dh += 360;
    }
    dh = 2 * sqrt(cp1 * cp2) * sin(rad(dh / 2));
    lb = (x[0] + y[0]) / 2;
    cbp = (cp1 + cp2) / 2;
    if (cp1 * cp2 == 0)
        hb = h1 + h2;
    else if (fabs(h1 - h2) <= 180)
        hb = (h1 + h2) / 2;
    else
        hb = h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2;
    t = 1 - 0.17 * cos(rad(hb - 30)) + 0.24 * cos(rad(2 * hb)) + 0.32 * cos(rad(3 * hb + 6)) -
        0.20 * cos(rad(4 * hb - 63));
    dth = 30 * exp(-((hb - 275) / 25) * ((hb - 275) / 25));
    cbp7 = pow(cbp, 7);
    rc = 2 * sqrt(cbp7 / (cbp7 + pow(25, 7)));
    sl = 1 + 0.015 * (lb - 50) * (lb - 50) / sqrt(20 + (lb - 50) * (lb - 50));
    sc = 1 + 0.045 * cbp;
    sh = 1 + 0.015 * cbp * t;
    rt = -sin(rad(2 * dth)) * rc;
    return sqrt((dl / sl) * (dl / sl) + (dc / sc) * (dc / sc) + (dh / sh) * (dh / sh) +
                rt * (dc / sc) * (dh / sh));
}

static double difference(nm_rgb a, nm_rgb b, nm_vision v)
{
    double x[3], y[3];

    nm_colour_lab(a, v, x);
    nm_colour_lab(b, v, y);
    return nm_colour_difference(x, y);
}

void nm_palette_contrast(const nm_rgb *c, int n, double min_de[3])
{
    for (int v = 0; v < 3; v++) {
        min_de[v] = n < 2 ? 0 : INFINITY;
        for (int i = 1; i < n; i++)
            min_de[v] = fmin(min_de[v], difference(c[i - 1], c[i], (nm_vision)v));
    }
}

/* How far apart two colours are against the thresholds, in the vision
 * where they are closest: 1 = just at a threshold. */
static double separation(nm_rgb a, nm_rgb b)
{
    return fmin(difference(a, b, NM_VISION_NORMAL) / NM_PALETTE_MIN_DE_NORMAL,
                fmin(difference(a, b, NM_VISION_DEUTERANOPIA) / NM_PALETTE_MIN_DE_CVD,
                     difference(a, b, NM_VISION_PROTANOPIA) / NM_PALETTE_MIN_DE_CVD));
}

/* ---- schemes past ColorBrewer's counts ------------------------------------ */

/* A path through CIELAB nodes, piecewise linear, by arc length 0..1. */
typedef struct lab_path {
    lab node[PALETTE_MAX];
    double along[PALETTE_MAX];
    int n, grey;
} lab_path;

static nm_rgb path_at(const lab_path *p, double t)
{
    double d = t * p->along[p->n - 1], f;
    int seg = 0;
    lab m;
    nm_rgb c;

    while (seg < p->n - 2 && p->along[seg + 1] < d)
        seg++;
    f = p->along[seg + 1] > p->along[seg] ? (d - p->along[seg]) / (p->along[seg + 1] - p->along[seg])
                                          : 0;
    f = fmin(1, fmax(0, f));
    m.l = p->node[seg].l + (p->node[seg + 1].l - p->node[seg].l) * f;
    m.a = p->node[seg].a + (p->node[seg + 1].a - p->node[seg].a) * f;
    m.b = p->node[seg].b + (p->node[seg + 1].b - p->node[seg].b) * f;
    c = lab_to_rgb(m);
    if (p->grey) /* a grey stays neutral after rounding */
        c.r = c.b = c.g;
    return c;
}

/* Places n colours on the path greedily, each the nearest after the last
 * that is at least 'least' apart from it (by separation()).  Returns 0
 * when the path ends first; OUT t. */
static int place(const lab_path *p, int n, double least, double *t)
{
    t[0] = 0;
    for (int j = 1; j < n; j++) {
        double lo = t[j - 1], hi = 1;
        if (separation(path_at(p, lo), path_at(p, hi)) < least)
            return 0;
        for (int it = 0; it < 24; it++) {
            double mid = (lo + hi) / 2;
            if (separation(path_at(p, t[j - 1]), path_at(p, mid)) >= least)
                hi = mid;
            else
                lo = mid;
        }
        t[j] = hi;
    }
    return 1;
}

/* n colours along the path, as far apart as they can all be: the largest
 * smallest separation (by bisection on it, each trial placed greedily),
 * which for ColorBrewer's YlOrRd gives deciles at least 8.9 apart in
 * CIEDE2000, 5.5 under deuteranopia and 6.8 under protanopia (at equal
 * CIELAB steps: 8.6, 4.6 and 6.7).  The ends are the path's own. */
static void spaced(const lab_path *p, int n, nm_rgb *out)
{
    double t[PALETTE_MAX], best[PALETTE_MAX], lo = 0, hi = 8;
    int j;

    for (j = 0; j < n; j++)
        best[j] = (double)j / (n - 1);
    for (int it = 0; it < 24; it++) {
        double mid = (lo + hi) / 2;
        if (place(p, n - 1, mid, t) && separation(path_at(p, t[n - 2]), path_at(p, 1)) >= mid) {
            lo = mid;
            memcpy(best, t, (size_t)(n - 1) * sizeof *t);
            best[n - 1] = 1;
        } else {
            hi = mid;
        }
    }
    for (j = 0; j < n; j++)
        out[j] = path_at(p, best[j]);
}

/* The path of a scheme: its largest official row, or a constructed
 * scheme's two ends. */
static void scheme_path(const nmK_scheme *s, lab_path *p)
{
    uint32_t ends[2] = {s->from, s->to};
    const uint32_t *row = s->colours ? official(s, s->max) : ends;

    p->n = s->colours ? s->max : 2;
    p->grey = 1;
    for (int j = 0; j < p->n; j++)
        p->grey &= (row[j] >> 16 & 0xff) == (row[j] >> 8 & 0xff) && (row[j] & 0xff) == (row[j] >> 8 & 0xff);
    for (int j = 0; j < p->n; j++) {
        p->node[j] = rgb_to_lab(unpack(row[j]));
        p->along[j] = j ? p->along[j - 1] + delta_e(p->node[j - 1], p->node[j]) : 0;
    }
}

static void interpolate_path(const nmK_scheme *s, int n, nm_rgb *out)
{
    lab_path p;

    scheme_path(s, &p);
    if (n == 1) {
        out[0] = path_at(&p, 1);
        return;
    }
    spaced(&p, n, out);
}

/* The spacing takes some 10^4 colour differences (8 ms): an atlas's
 * thousands of decile maps would each pay it for the same ten colours, so
 * the process keeps the answers, shared by a build's worker threads. */
typedef struct spaced_memo {
    const nmK_scheme *s;
    int n;
    nm_rgb c[PALETTE_MAX];
} spaced_memo;

static void interpolate(const nmK_scheme *s, int n, nm_rgb *out)
{
    static spaced_memo memo[16];
    static int nmemo;
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    int i;

    pthread_mutex_lock(&mu);
    for (i = 0; i < nmemo && (memo[i].s != s || memo[i].n != n); i++)
        ;
    if (i < nmemo)
        memcpy(out, memo[i].c, (size_t)n * sizeof *out);
    pthread_mutex_unlock(&mu);
    if (i < nmemo)
        return;
    interpolate_path(s, n, out);
    pthread_mutex_lock(&mu);
    i = nmemo < (int)(sizeof memo / sizeof *memo) ? nmemo++ : n % (int)(sizeof memo / sizeof *memo);
    memo[i].s = s;
    memo[i].n = n;
    memcpy(memo[i].c, out, (size_t)n * sizeof *out);
    pthread_mutex_unlock(&mu);
}

nm_status nm_palette(nm_ctx *ctx, const char *name, int nclasses, int reverse, nm_rgb *out)
{
    const nmK_scheme *s;
    nm_rgb tmp;
    nm_status rc;
    int i;

    nmC_clear(ctx);
    rc = lookup(ctx, name, nclasses, &s);
    if (rc != NM_OK)
        return rc;
    if (!s->colours) {
        interpolate(s, nclasses, out);
    } else if (nclasses >= 3 && nclasses <= s->max) {
        for (i = 0; i < nclasses; i++)
            out[i] = unpack(official(s, nclasses)[i]);
    } else if (nclasses == 2) {
        out[0] = unpack(official(s, 3)[0]);
        out[1] = unpack(official(s, 3)[2]);
    } else if (nclasses == 1) {
        out[0] = unpack(official(s, 3)[2]);
    } else {
        interpolate(s, nclasses, out);
    }
    for (i = 0; reverse && i < nclasses / 2; i++) {
        tmp = out[i];
        out[i] = out[nclasses - 1 - i];
        out[nclasses - 1 - i] = tmp;
    }
    return NM_OK;
}

nm_status nm_palette_describe(nm_ctx *ctx, const char *name, int nclasses, nm_palette_info *out)
{
    const nmK_scheme *s;
    nm_status rc;
    int row;

    nmC_clear(ctx);
    rc = lookup(ctx, name, nclasses, &s);
    if (rc != NM_OK)
        return rc;
    /* 1 and 2 classes are cut from the 3-class scheme, so share its flags */
    row = (nclasses < 3 ? 3 : nclasses) - 3;
    out->name = s->name;
    out->kind = s->kind;
    out->max_official = s->max;
    out->colourblind = (nm_palette_fit)s->blind[row];
    out->print = nclasses > s->max ? NM_FIT_NO : (nm_palette_fit)s->print[row];
    out->photocopy = nclasses > s->max ? NM_FIT_NO : (nm_palette_fit)s->copy[row];
    return NM_OK;
}

const char *nm_palette_name(int i)
{
    return i >= 0 && i < nmK_nschemes ? nmK_schemes[i].name : NULL;
}

void nm_palette_missing(nm_rgb *fill, nm_rgb *hatch)
{
    /* a neutral grey that is none of the schemes' colours and is darker
     * than their lightest classes, so "no data" never reads as "least
     * deprived"; the hatching keeps it apart in greyscale too */
    static const nm_rgb missing_fill = {0xd0, 0xd0, 0xd0};
    static const nm_rgb missing_hatch = {0x80, 0x80, 0x80};

    if (fill)
        *fill = missing_fill;
    if (hatch)
        *hatch = missing_hatch;
}
