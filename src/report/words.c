/*
 * The words around a figure.  A map in a council publication is read by
 * people who will not see the command that made it, so the title, subtitle
 * and legend heading say what is shown, for which areas, ranked against
 * what; the attribution names every licensed source drawn.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "report/report_int.h"
#include "store/store_int.h"

const char *nmP_fmt_count(long n, char buf[32])
{
    char digits[24];
    int len, i, o = 0;

    if (n < 0) {
        buf[o++] = '-';
        n = -n;
    }
    len = snprintf(digits, sizeof digits, "%ld", n);
    for (i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* Copies the label up to a trailing " (...)" that explains the scale. */
static void label_core(const char *label, nmC_buf *b)
{
    const char *paren = strrchr(label, '(');
    size_t n = strlen(label);

    if (paren && paren > label && label[n - 1] == ')' && strchr(paren, '=') != NULL)
        n = (size_t)(paren - label);
    while (n > 0 && label[n - 1] == ' ')
        n--;
    nmC_buf_add(b, label, n);
}

/* 1 when 'text' holds 'word' not run into other letters or digits. */
static int mentions(const char *text, const char *word)
{
    size_t n = strlen(word);

    if (n == 0)
        return 0;
    for (const char *p = text; (p = strstr(p, word)) != NULL; p++)
        if ((p == text || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[n]))
            return 1;
    return 0;
}

char *nmP_default_title(const nm_values *v)
{
    nmC_buf b = {0};

    label_core(v->label, &b);
    /* "per hectare (Census 2021)" and "2019 to 2025" say it already */
    if (!mentions(v->label, v->period))
        nmC_buf_addf(&b, ", %s", v->period);
    return nmC_buf_take(&b);
}

static const char *level_plural(const char *level)
{
    if (strcmp(level, "lsoa") == 0)
        return "LSOAs";
    if (strcmp(level, "msoa") == 0)
        return "MSOAs";
    if (strcmp(level, "ward") == 0)
        return "Wards";
    if (strcmp(level, "locality") == 0)
        return "Localities";
    if (strcmp(level, "lad") == 0)
        return "Local authorities";
    return "Areas";
}

static long group_size(const nm_values *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->group_size[i] > 0)
            return v->group_size[i];
    return 0;
}

/* The classes of a data-driven or fixed scheme as drawn: "5 classes of
 * equal counts (quantiles)", or "3 classes, not the 5 asked: 142 of 305
 * wards share the value 0%". */
static void add_classes(nmC_buf *b, const nm_classify_spec *spec, const nm_classes *c,
                        const char *plural)
{
    int k = c ? nm_classes_count(c) : spec->nclasses, asked = c ? nm_classes_asked(c) : k;
    const char *how = spec->method == NM_CLASSIFY_JENKS   ? "by natural breaks (Fisher-Jenks)"
                      : spec->method == NM_CLASSIFY_EQUAL ? "of equal width"
                      : spec->method == NM_CLASSIFY_BREAKS ? "by the breaks given"
                                                           : "of equal counts (quantiles)";
    double tie;
    long ntie = nm_classes_tie(c, &tie);
    char val[48], n1[32], n2[32];

    if (k == asked || !c) {
        if (spec->method != NM_CLASSIFY_BREAKS)
            nmC_buf_addf(b, "; %d class%s %s", k, k == 1 ? "" : "es", how);
        return;
    }
    nmC_buf_addf(b, "; %d class%s, not the %d asked", k, k == 1 ? "" : "es", asked);
    if (spec->method == NM_CLASSIFY_QUANTILE && ntie > 0) {
        long n = 0;
        for (int i = 0; i < k; i++)
            n += nm_classes_members(c, i);
        nm_classes_format(c, tie, val, sizeof val);
        nmC_buf_addf(b, ": %s of %s %s share the value %s", nmP_fmt_count(ntie, n1),
                    nmP_fmt_count(n, n2), plural, val);
    } else if (spec->method == NM_CLASSIFY_BREAKS) {
        nmC_buf_addf(b, ": %d break%s outside the values' possible range", asked - k,
                    asked - k == 1 ? " lies" : "s lie");
    }
}

char *nmP_default_subtitle(const nm_areas *a, const nm_values *v, const nm_classify_spec *spec,
                          nm_rank_scope scope, const nm_classes *classes)
{
    const char *within = nm_areas_within_name(a);
    const char *plural = level_plural(nm_areas_level(a));
    int tenths = spec->method == NM_CLASSIFY_DECILES;
    char n[32];
    nmC_buf b = {0};

    nmC_buf_addf(&b, "%s%s%s", plural, *within ? " of " : "", within);
    if (scope == NM_RANK_REGION) {
        nmC_buf_addf(&b, " ranked among the %s %s of %s", nmP_fmt_count(group_size(v), n),
                    plural, *v->group_label ? v->group_label : "their regions");
    } else if (scope == NM_RANK_LOCAL) {
        nmC_buf_addf(&b, " ranked among themselves (%s %s)", nmP_fmt_count(group_size(v), n),
                    plural);
    }
    if (spec->method == NM_CLASSIFY_DECILES || spec->method == NM_CLASSIFY_QUINTILES) {
        if (scope >= NM_RANK_REGION)
            nmC_buf_addf(&b, "; %s, 1 = most deprived %s", tenths ? "deciles" : "quintiles",
                        tenths ? "10%" : "20%");
        else
            nmC_buf_addf(&b, "; national %s, 1 = most deprived %s of %s in England",
                        tenths ? "deciles" : "quintiles", tenths ? "10%" : "20%", plural);
    } else {
        char lower[64];
        nmC_strlcpy(lower, plural, sizeof lower);
        /* "Wards" in a sentence, "LSOAs" as they are */
        if (lower[0] >= 'A' && lower[0] <= 'Z' && lower[1] >= 'a' && lower[1] <= 'z')
            lower[0] = (char)(lower[0] + 32);
        add_classes(&b, spec, classes, lower);
    }
    return nmC_buf_take(&b);
}

char *nmP_legend_title(const nm_values *v, const nm_classify_spec *spec, nm_rank_scope scope,
                      const char *within)
{
    const char *word = spec->method == NM_CLASSIFY_DECILES    ? "Decile"
                       : spec->method == NM_CLASSIFY_QUINTILES ? "Quintile"
                                                               : NULL;
    nmC_buf b = {0};

    if (word && scope == NM_RANK_REGION)
        nmC_buf_addf(&b, "%s within %s", word, *v->group_label ? v->group_label : "region");
    else if (word && scope == NM_RANK_LOCAL)
        nmC_buf_addf(&b, "%s within %s", word, *within ? within : "the area");
    else if (word)
        nmC_buf_addf(&b, "National %s", spec->method == NM_CLASSIFY_DECILES ? "decile" : "quintile");
    else if (strcmp(v->unit, NM_UNIT_DECILE_CHANGE) == 0)
        nmC_buf_addf(&b, "Change in national decile");
    else if (scope >= NM_RANK_REGION)
        nmC_buf_addf(&b, "Position (1 = most deprived)");
    else if (strcmp(v->unit, "rank") == 0)
        nmC_buf_addf(&b, "National rank (1 = most deprived)");
    else
        label_core(v->label, &b);
    return nmC_buf_take(&b);
}

/* Appends one sentence (n bytes) unless the text holds it already. */
static void add_sentence(nmC_buf *b, const char *s, size_t n)
{
    nmC_buf one = {0};

    nmC_buf_add(&one, s, n);
    if (one.data && !(b->data && strstr(b->data, one.data))) {
        if (b->len)
            nmC_buf_add(b, " ", 1);
        nmC_buf_add(b, one.data, one.len);
    }
    nmC_buf_free(&one);
}

/* Appends 'text' with "(c)" as the copyright sign, sentence by sentence,
 * leaving out sentences already there: two boundary files often carry the
 * same statement, and a computed dataset's text joins its sources' (a
 * rate's names the IoD, which the page names already). */
static void add_statement(nmC_buf *b, const char *text)
{
    nmC_buf s = {0};
    const char *p, *start;

    if (!text || !*text)
        return;
    for (p = text; *p; p++) {
        if (strncmp(p, "(c)", 3) == 0) {
            nmC_buf_add(&s, "\xC2\xA9", 2);
            p += 2;
        } else {
            nmC_buf_add(&s, p, 1);
        }
    }
    /* a sentence ends at ". " before a capital, or at the end */
    for (p = start = s.data; p && *p; p++) {
        if (p[0] == '.' && p[1] == ' ' && p[2] >= 'A' && p[2] <= 'Z') {
            add_sentence(b, start, (size_t)(p + 1 - start));
            start = p + 2;
        }
    }
    if (start && *start)
        add_sentence(b, start, strlen(start));
    nmC_buf_free(&s);
}

char *nmP_attribution(nm_store *store, const nm_areas *a, const char *overlay,
                     const char *indicator_source)
{
    sqlite3_stmt *st = NULL;
    nmC_buf b = {0};
    long last = -1;
    size_t i;

    /* the datasets of the boundaries drawn, as the selection found them
       (scanning the level's rows for them read all of England's
       geometry); the overlay level's few areas by query */
    if (nmS_store_prepare(store, "SELECT attribution FROM dataset WHERE id = ?", &st) == NM_OK) {
        for (i = 0; i < nm_areas_count(a); i++) {
            long id = nm_areas_dataset(a, i);
            if (id == last)
                continue;
            last = id;
            sqlite3_bind_int64(st, 1, id);
            if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
                add_statement(&b, (const char *)sqlite3_column_text(st, 0));
            sqlite3_reset(st);
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (overlay &&
        nmS_store_prepare(store,
                         "SELECT DISTINCT d.attribution FROM area a JOIN dataset d ON "
                         "d.id = a.dataset WHERE a.level = ?1 AND a.geom IS NOT NULL "
                         "AND d.attribution IS NOT NULL",
                         &st) == NM_OK) {
        sqlite3_bind_text(st, 1, overlay, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW)
            add_statement(&b, (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    add_statement(&b, indicator_source);
    return nmC_buf_take(&b);
}
