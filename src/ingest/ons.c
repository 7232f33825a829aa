/*
 * ONS headings and codes.  The Office for National Statistics names code
 * columns by level and year (LSOA11CD, WD13CD, LAD19CD); the Indices of
 * Deprivation files write "LSOA code (2011)"; older files "lsoa01_code".
 * Recognising them lets an import find its key column and the vintage of
 * the codes without being told.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "ingest/ingest_int.h"

typedef struct prefix_level {
    const char *prefix; /* heading prefix, upper case */
    const char *level;
} prefix_level;

/* Longer prefixes first: "LSOA" must win over "OA". */
static const prefix_level prefixes[] = {
    {"LSOA", "lsoa"}, {"MSOA", "msoa"}, {"OA", "oa"},       {"WD", "ward"},
    {"LAD", "lad"},   {"LTLA", "lad"},  {"UTLA", "utla"},   {"CTYUA", "utla"},
    {"RGN", "region"}, {"GOR", "region"}, {"EER", "region"}, {"LOC", "locality"},
    {"CTRY", "country"}, {"CTY", "county"},
};

/* Long names used by the IoD files: "LSOA code (2011)". */
static const prefix_level long_names[] = {
    {"LSOA", "lsoa"},
    {"MSOA", "msoa"},
    {"WARD", "ward"},
    {"LOCAL AUTHORITY DISTRICT", "lad"},
    {"REGION", "region"},
};

/* "utla" is the upper tier of local government, which runs children's
 * services: counties (E10) and unitaries, a unitary being its own upper
 * tier (ONS UTLAnnCD).  "county" is kept for ONS CTYnnCD columns, which
 * name counties only. */
static const char *const levels[] = {"oa",  "lsoa", "msoa",   "ward",   "locality",
                                     "lad", "utla", "county", "region", "country"};

nm_status nmI_level_unknown(nm_ctx *ctx, const char *level)
{
    nmC_buf msg = {0};
    nmC_near near;
    nm_status rc;
    size_t i;

    nmC_near_init(&near, level ? level : "");
    for (i = 0; i < sizeof levels / sizeof levels[0]; i++)
        nmC_near_offer(&near, levels[i], NULL);
    nmC_buf_addf(&msg, "unknown level \"%s\"", level ? level : "");
    nmC_near_add_to(&near, &msg);
    nmC_buf_addf(&msg, " (the levels are");
    for (i = 0; i < sizeof levels / sizeof levels[0]; i++)
        nmC_buf_addf(&msg, "%s %s", i ? "," : "", levels[i]);
    nmC_buf_addf(&msg, ")");
    rc = nmC_fail(ctx, NM_USAGE, "%s", msg.data ? msg.data : "unknown level");
    nmC_buf_free(&msg);
    return rc;
}

int nmI_level_valid(const char *level)
{
    size_t i;

    for (i = 0; level && i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(level, levels[i]) == 0)
            return 1;
    return 0;
}

static int two_digit_year(const char *s, int *year)
{
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
        return 0;
    *year = (s[0] - '0') * 10 + (s[1] - '0');
    *year += *year < 70 ? 2000 : 1900;
    return 1;
}

/* Splits "LSOA11CD" or "lsoa01_code" into a level, a year and the suffix
 * position; returns the suffix or NULL. */
static const char *split_short(const char *h, const char **level, int *vintage)
{
    size_t i, n;

    for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        n = strlen(prefixes[i].prefix);
        if (strncasecmp(h, prefixes[i].prefix, n) != 0)
            continue;
        if (!two_digit_year(h + n, vintage))
            continue;
        *level = prefixes[i].level;
        return h + n + 2;
    }
    return NULL;
}

/* Splits "LSOA code (2011)" into level, year and the word after the name. */
static const char *split_long(const char *h, const char **level, int *vintage)
{
    size_t i, n;

    for (i = 0; i < sizeof long_names / sizeof long_names[0]; i++) {
        const char *p, *paren;
        n = strlen(long_names[i].prefix);
        if (strncasecmp(h, long_names[i].prefix, n) != 0 || h[n] != ' ')
            continue;
        p = h + n + 1;
        paren = strstr(p, " (");
        if (!paren || strlen(paren) != 7 || paren[6] != ')')
            continue;
        if (!isdigit((unsigned char)paren[2]) || !isdigit((unsigned char)paren[5]))
            continue;
        *vintage = (paren[2] - '0') * 1000 + (paren[3] - '0') * 100 + (paren[4] - '0') * 10 +
                   (paren[5] - '0');
        *level = long_names[i].level;
        return p;
    }
    return NULL;
}

int nm_ons_code_heading(const char *h, const char **level, int *vintage)
{
    const char *rest;

    if ((rest = split_short(h, level, vintage)) != NULL)
        return nmC_strieq(rest, "CD") || nmC_strieq(rest, "_code");
    if ((rest = split_long(h, level, vintage)) != NULL)
        return strncasecmp(rest, "code (", 6) == 0;
    return 0;
}

int nmI_ons_is_name_for(const char *code_heading, const char *cand)
{
    const char *l1, *l2, *r1, *r2;
    int v1, v2;

    if ((r1 = split_short(code_heading, &l1, &v1)) != NULL) {
        r2 = split_short(cand, &l2, &v2);
        return r2 && l1 == l2 && v1 == v2 && (nmC_strieq(r2, "NM") || nmC_strieq(r2, "_name")) &&
               strncasecmp(code_heading, cand, (size_t)(r1 - code_heading)) == 0;
    }
    if ((r1 = split_long(code_heading, &l1, &v1)) != NULL) {
        r2 = split_long(cand, &l2, &v2);
        return r2 && l1 == l2 && v1 == v2 && strncasecmp(r2, "name (", 6) == 0;
    }
    return 0;
}

const char *nmI_level_of_code(const char *code)
{
    static const struct {
        const char *prefix;
        const char *level;
    } gss[] = {
        {"E00", "oa"},     {"W00", "oa"},     {"E01", "lsoa"},   {"W01", "lsoa"},
        {"E02", "msoa"},   {"W02", "msoa"},   {"E05", "ward"},   {"W05", "ward"},
        {"E06", "lad"},    {"E07", "lad"},    {"E08", "lad"},    {"E09", "lad"},
        {"W06", "lad"},    {"E10", "utla"}, {"E12", "region"}, {"E15", "region"},
        {"E92", "country"},
    };
    size_t i;

    if (!code || strlen(code) != 9)
        return NULL;
    for (i = 0; i < sizeof gss / sizeof gss[0]; i++)
        if (strncmp(code, gss[i].prefix, 3) == 0)
            return gss[i].level;
    return NULL;
}
