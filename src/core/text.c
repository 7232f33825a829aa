/*
 * Strict parsing of numbers and checks on text.  No atoi: a value is a
 * number only if the whole field is one (CONVENTIONS 13).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nm_int.h"

/* Copies 's' without blanks and thousands separators into 'out'; returns 0
 * when a comma stands anywhere but between digit groups of three. */
static int strip_number(const char *s, char *out, size_t cap)
{
    size_t n = 0, digits_since_comma = 0;
    int seen_comma = 0, seen_point = 0;

    while (isspace((unsigned char)*s))
        s++;
    for (; *s; s++) {
        if (*s == ',') {
            if (seen_point || (seen_comma && digits_since_comma != 3) || n == 0 ||
                !isdigit((unsigned char)out[n - 1]))
                return 0;
            seen_comma = 1;
            digits_since_comma = 0;
            continue;
        }
        if (*s == '.')
            seen_point = 1;
        if (isdigit((unsigned char)*s) && !seen_point)
            digits_since_comma++;
        if (n + 1 >= cap)
            return 0;
        out[n++] = *s;
    }
    while (n > 0 && isspace((unsigned char)out[n - 1]))
        n--;
    out[n] = '\0';
    if (seen_comma && digits_since_comma != 3)
        return 0;
    return n > 0;
}

/* The common cell, "-12.345" with at most 15 digits, exactly as strtod
 * reads it: the digits make an integer below 2^53 and 10^k (k <= 15) is a
 * double too, so one correctly rounded division gives the nearest double
 * (Clinger's fast path).  An IoD file is 1.9 million such cells, and
 * strtod took a tenth of its import.  Returns 0 for anything else. */
static int parse_plain_decimal(const char *s, double *out)
{
    static const double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    unsigned long long m = 0;
    int neg = *s == '-', digits = 0, frac = 0, point = 0;

    s += neg;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            m = m * 10 + (unsigned)(*s - '0');
            digits++;
            frac += point;
        } else if (*s == '.' && !point) {
            point = 1;
        } else {
            return 0;
        }
    }
    if (digits == 0 || digits > 15 || (point && frac == 0))
        return 0;
    *out = (double)m / pow10[frac];
    if (neg)
        *out = -*out;
    return 1;
}

int nmC_parse_double(const char *s, double *out)
{
    char tmp[128], *end;
    double v;

    if (s && parse_plain_decimal(s, out))
        return 1;
    if (!s || !strip_number(s, tmp, sizeof tmp))
        return 0;
    errno = 0;
    v = strtod(tmp, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return 0;
    /* strtod accepts "nan", "inf" and hex; only decimal numbers are data */
    for (end = tmp; *end; end++)
        if (!isdigit((unsigned char)*end) && !strchr("+-.eE", *end))
            return 0;
    *out = v;
    return 1;
}

int nmC_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (!s)
        return 0;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '\0')
        return 0;
    errno = 0;
    v = strtol(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0' || errno == ERANGE || v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

int nmC_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;

    while (p < e) {
        unsigned c = *p;
        int extra;
        unsigned cp;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (e - p <= extra)
            return 0;
        for (int i = 1; i <= extra; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        /* overlong forms, surrogates and values past U+10FFFF */
        if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        p += extra + 1;
    }
    return 1;
}

int nmC_strieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

void nmC_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n;

    if (size == 0)
        return;
    n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

const char *nmC_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

size_t nmC_stem_len(const char *path)
{
    const char *base, *dot;

    if (!path)
        return 0;
    base = nmC_basename(path);
    dot = strrchr(base, '.');
    return dot && dot != base ? (size_t)(dot - path) : strlen(path);
}

const char *nmC_extension(const char *path)
{
    size_t n = nmC_stem_len(path);

    return path && path[n] == '.' ? path + n + 1 : "";
}

nmC_format nmC_format_of(const char *path)
{
    static const struct {
        const char *ext;
        nmC_format format;
    } known[] = {{"png", NMC_FMT_PNG},  {"pdf", NMC_FMT_PDF},     {"svg", NMC_FMT_SVG},
                 {"html", NMC_FMT_HTML}, {"htm", NMC_FMT_HTML},    {"csv", NMC_FMT_CSV},
                 {"xlsx", NMC_FMT_XLSX}, {"xls", NMC_FMT_XLS},     {"ods", NMC_FMT_ODS},
                 {"md", NMC_FMT_MD},     {"markdown", NMC_FMT_MD}, {"shp", NMC_FMT_SHP}};
    const char *ext = nmC_extension(path);
    size_t i;

    for (i = 0; *ext && i < sizeof known / sizeof known[0]; i++)
        if (nmC_strieq(ext, known[i].ext))
            return known[i].format;
    return NMC_FMT_UNKNOWN;
}
