/*
 * Palettes: looks up ColorBrewer schemes (the tables are in palette_data.c),
 * reverses them, stretches sequential schemes past 9 classes by
 * interpolating in CIELAB, reports ColorBrewer's suitability flags and
 * gives the missing-data fill.  Which class gets which colour is decided by
 * classify.c's class order (0 lightest, k-1 darkest).
 */
#include <math.h>
#include <string.h>

#include "classify/classify_int.h"

#define PALETTE_MAX 11

static const nm_scheme *find_scheme(const char *name)
{
    int i;

    for (i = 0; name && i < nm_nschemes; i++)
        if (nm_strieq(name, nm_schemes[i].name))
            return &nm_schemes[i];
    return NULL;
}

/* Checks the name and count; sets the error when they do not fit. */
static nm_status lookup(nm_ctx *ctx, const char *name, int nclasses, const nm_scheme **out)
{
    nm_buf b = {0};
    nm_near near;
    int i;

    *out = find_scheme(name);
    if (!*out) {
        nm_near_init(&near, name ? name : "");
        for (i = 0; i < nm_nschemes; i++)
            nm_near_offer(&near, nm_schemes[i].name, NULL);
        nm_buf_add_quoted(&b, name ? name : "", 40);
        nm_buf_addf(&b, " is no palette");
        nm_near_add_to(&near, &b);
        nm_buf_addf(&b, " (known:");
        for (i = 0; i < nm_nschemes; i++)
            nm_buf_addf(&b, "%s %s", i ? "," : "", nm_schemes[i].name);
        nm_buf_addf(&b, ")");
        nm_fail(ctx, NM_NOTFOUND, "%s", b.failed ? "unknown palette" : b.data);
        nm_buf_free(&b);
        return NM_NOTFOUND;
    }
    if (nclasses < 1 || nclasses > PALETTE_MAX)
        return nm_fail(ctx, NM_USAGE, "palette %s: %d classes; 1 to %d allowed", (*out)->name,
                       nclasses, PALETTE_MAX);
    return NM_OK;
}

/* The official colours of a scheme for n classes (3 <= n <= max). */
static const uint32_t *official(const nm_scheme *s, int n)
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

/* n colours at equal perceptual steps along the scheme's largest official
 * row, joined piecewise linearly in CIELAB: equal distances along the path
 * (CIE76 colour difference), not equal steps between ColorBrewer's nodes,
 * whose own steps are uneven (YlOrRd's run from 12 to 30), so that no two
 * neighbouring classes come out nearly alike; the smallest step between
 * YlOrRd's ten deciles went from 11 to 16.  Both ends are ColorBrewer's
 * own, and lightness stays monotone because it is monotone between the
 * nodes. */
static void interpolate(const nm_scheme *s, int n, nm_rgb *out)
{
    const uint32_t *row = official(s, s->max);
    lab node[PALETTE_MAX], m;
    double along[PALETTE_MAX], d, f;
    int j, seg = 0;

    for (j = 0; j < s->max; j++) {
        node[j] = rgb_to_lab(unpack(row[j]));
        along[j] = j ? along[j - 1] + delta_e(node[j - 1], node[j]) : 0;
    }
    for (j = 0; j < n; j++) {
        d = along[s->max - 1] * j / (n - 1);
        while (seg < s->max - 2 && along[seg + 1] < d)
            seg++;
        f = along[seg + 1] > along[seg] ? (d - along[seg]) / (along[seg + 1] - along[seg]) : 0;
        m.l = node[seg].l + (node[seg + 1].l - node[seg].l) * f;
        m.a = node[seg].a + (node[seg + 1].a - node[seg].a) * f;
        m.b = node[seg].b + (node[seg + 1].b - node[seg].b) * f;
        out[j] = j == 0 ? unpack(row[0]) : j == n - 1 ? unpack(row[s->max - 1]) : lab_to_rgb(m);
    }
}

nm_status nm_palette(nm_ctx *ctx, const char *name, int nclasses, int reverse, nm_rgb *out)
{
    const nm_scheme *s;
    nm_rgb tmp;
    nm_status rc;
    int i;

    nm_clear(ctx);
    rc = lookup(ctx, name, nclasses, &s);
    if (rc != NM_OK)
        return rc;
    if (nclasses >= 3 && nclasses <= s->max) {
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
    const nm_scheme *s;
    nm_status rc;
    int row;

    nm_clear(ctx);
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
    return i >= 0 && i < nm_nschemes ? nm_schemes[i].name : NULL;
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
