/*
 * The font family of a figure: whether fontconfig has it, and the message
 * naming the installed families closest to it when it has not.  Fontconfig
 * would otherwise substitute its default without a word, and a council's
 * house font would quietly become DejaVu Sans.
 */
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

/* Generic names fontconfig always resolves; they need no installed family
 * of that name. */
static const char *const generic[] = {"sans-serif", "sans", "serif", "monospace", "mono"};

static int by_name(const void *a, const void *b)
{
    return g_ascii_strcasecmp(pango_font_family_get_name(*(PangoFontFamily *const *)a),
                              pango_font_family_get_name(*(PangoFontFamily *const *)b));
}

/* The message for a family not installed: the closest families, or the
 * first few installed when none is close. */
static nm_status not_installed(nm_ctx *ctx, const char *family, PangoFontFamily **fam, int n)
{
    nmC_buf b = {0};
    nmC_near near;
    int i;

    qsort(fam, (size_t)n, sizeof *fam, by_name);
    nmC_near_init(&near, family);
    for (i = 0; i < n; i++)
        nmC_near_offer(&near, pango_font_family_get_name(fam[i]), NULL);
    nmC_buf_addf(&b, "font family ");
    nmC_buf_add_quoted(&b, family, NM_FONT_MAX);
    nmC_buf_addf(&b, " is not installed (fontconfig has no such family)");
    nmC_near_add_to(&near, &b);
    if (near.count == 0 && n > 0) {
        nmC_buf_addf(&b, "; installed:");
        for (i = 0; i < n && i < 8; i++)
            nmC_buf_addf(&b, "%s \"%s\"", i ? "," : "", pango_font_family_get_name(fam[i]));
        if (n > 8)
            nmC_buf_addf(&b, " and %d more", n - 8);
    }
    nmC_buf_addf(&b, " (fc-list : family lists them all)");
    nmC_fail(ctx, NM_USAGE, "%s", b.failed ? "font family not installed" : b.data);
    nmC_buf_free(&b);
    return NM_USAGE;
}

nm_status nm_font_check(nm_ctx *ctx, const char *family)
{
    PangoFontFamily **fam = NULL;
    int n = 0, i, found = 0;
    size_t len;

    nmC_clear(ctx);
    if (!family || !*family)
        return nmC_fail(ctx, NM_USAGE, "the font family is empty (give one, e.g. \"DejaVu Serif\")");
    len = strlen(family);
    if (len >= NM_FONT_MAX || !nmC_utf8_valid(family, len))
        return nmC_fail(ctx, NM_USAGE, "font family is not UTF-8 text under %d bytes",
                       NM_FONT_MAX);
    if (strchr(family, ',') || strchr(family, '"') || strchr(family, '\n'))
        return nmC_fail(ctx, NM_USAGE,
                       "font family \"%s\": give one family name, without commas or quotes",
                       family);
    for (i = 0; i < (int)(sizeof generic / sizeof generic[0]); i++)
        if (nmC_strieq(family, generic[i]))
            return NM_OK;
    pango_font_map_list_families(pango_cairo_font_map_get_default(), &fam, &n);
    for (i = 0; i < n && !found; i++)
        found = nmC_strieq(pango_font_family_get_name(fam[i]), family);
    if (!found)
        not_installed(ctx, family, fam, n);
    g_free(fam);
    return found ? NM_OK : NM_USAGE;
}

const char *nmR_font_family(const char *family)
{
    return family && *family ? family : RN_FONT_DEFAULT;
}
