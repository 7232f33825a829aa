/*
 * The English Indices of Deprivation, recognised by their headings.  MHCLG
 * names columns "<domain> <Score|Rank|Decile> (...)" in the 2015, 2019 and
 * 2025 files; DCLG's 2007 and 2010 tables (as republished) use
 * "<domain>_<score|rank|decile>".  Both map onto one vocabulary of short,
 * stable ids (imd_score, idaci_rank, education_decile, pop_0_15), so that a
 * figure defined on "idaci_rank" works with any release.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/values_int.h"

typedef struct iod_domain {
    const char *id;    /* short id prefix */
    const char *label; /* label prefix */
    const char *names[4]; /* heading prefixes, long and snake_case forms */
} iod_domain;

/* Longer names first where one is the prefix of another ("Income
 * Deprivation Affecting Children" before "Income"). */
static const iod_domain domains[] = {
    {"idaci", "Income Deprivation Affecting Children Index (IDACI)",
     {"Income Deprivation Affecting Children Index (IDACI)", "IDACI", NULL}},
    {"idaopi", "Income Deprivation Affecting Older People Index (IDAOPI)",
     {"Income Deprivation Affecting Older People (IDAOPI)",
      "Income Deprivation Affecting Older People Index (IDAOPI)", "IDAOPI", NULL}},
    {"imd", "Index of Multiple Deprivation (IMD)",
     {"Index of Multiple Deprivation (IMD)", "IMD", NULL}},
    {"income", "Income Deprivation Domain", {"Income", NULL}},
    {"employment", "Employment Deprivation Domain", {"Employment", NULL}},
    {"education", "Education, Skills and Training Domain",
     {"Education, Skills and Training", "education_skills_and_training_domain", "Education",
      NULL}},
    {"health", "Health Deprivation and Disability Domain",
     {"Health Deprivation and Disability", "Health", NULL}},
    {"crime", "Crime Domain", {"Crime", NULL}},
    {"barriers", "Barriers to Housing and Services Domain",
     {"Barriers to Housing and Services", "barriers_to_housing_and_services_domain",
      "Housing_and_Access", NULL}},
    {"living_env", "Living Environment Deprivation Domain",
     {"Living Environment", "living_environment_domain", "Environment", NULL}},
    {"cyp", "Children and Young People Sub-domain",
     {"Children and Young People Sub-domain", "children_young_people_sub_domain", NULL}},
    {"adult_skills", "Adult Skills Sub-domain",
     {"Adult Skills Sub-domain", "skills_sub_domain", NULL}},
    {"geog_barriers", "Geographical Barriers Sub-domain",
     {"Geographical Barriers Sub-domain", "geographical_barriers_sub_domain", NULL}},
    {"wider_barriers", "Wider Barriers Sub-domain",
     {"Wider Barriers Sub-domain", "wider_barriers_sub_domain", NULL}},
    {"indoors", "Indoors Sub-domain", {"Indoors Sub-domain", "indoors_sub_domain", NULL}},
    {"outdoors", "Outdoors Sub-domain", {"Outdoors Sub-domain", "outdoors_sub_domain", NULL}},
};

typedef struct iod_measure {
    const char *suffix; /* what follows the domain name (case-insensitive) */
    const char *id;     /* id suffix */
    const char *label;
    const char *unit;
    int polarity;
} iod_measure;

static const iod_measure measures[] = {
    {" Score (rate)", "score", "score (rate)", "rate", +1},
    {" Score", "score", "score", "score", +1},
    {" Rank (where 1 is most deprived)", "rank", "rank (1 = most deprived)", "rank", -1},
    {" Decile (where 1 is most deprived 10% of LSOAs)", "decile",
     "decile (1 = most deprived 10%)", "decile", -1},
    {" Rank", "rank", "rank (1 = most deprived)", "rank", -1},
    {" Decile", "decile", "decile (1 = most deprived 10%)", "decile", -1},
    {"_score", "score", "score", "score", +1},
    {"_rank_decile", "decile", "decile (1 = most deprived 10%)", "decile", -1},
    {"_rank", "rank", "rank (1 = most deprived)", "rank", -1},
    {"_decile", "decile", "decile (1 = most deprived 10%)", "decile", -1},
};

typedef struct iod_population {
    const char *prefix; /* heading up to the colon */
    const char *id;
    const char *label;
} iod_population;

static const iod_population populations[] = {
    {"Total population", "pop_total", "Total population"},
    {"Dependent Children aged 0-15", "pop_0_15", "Dependent children aged 0-15"},
    {"Older population aged 60 and over", "pop_60_plus", "Older population aged 60 and over"},
    /* 2019 "18-59/64: for use with ...", 2025 "18-66 (for use with ...): mid
       2022": the age range comes from the heading (label NULL) */
    {"Working age population", "pop_working_age", NULL},
};

/* The population heading's own words up to its colon or parenthesis:
 * "Working age population 18-66". */
static void population_label(const char *h, nmC_buf *label)
{
    size_t n = strcspn(h, ":(");

    while (n > 0 && h[n - 1] == ' ')
        n--;
    nmC_buf_addf(label, "%.*s", (int)n, h);
}

/* Whether 'rest' is " Rank" or " Decile" followed by the start of its
 * parenthesis cut short: MHCLG's File 7 (2025) ends a heading at "...Decile
 * (where 1 is most deprived 10% of LSO".  The measure word must be whole
 * and what follows a prefix of the full wording, so "Decile (rate)" is no
 * decile. */
static int truncated(const char *rest, const iod_measure *full, const iod_measure *word)
{
    size_t n = strlen(word->suffix);

    if (strncasecmp(rest, word->suffix, n) != 0 || rest[n] != ' ' || rest[n + 1] != '(')
        return 0;
    return strlen(rest) < strlen(full->suffix) &&
           strncasecmp(rest, full->suffix, strlen(rest)) == 0;
}

/* Matches "<name><measure>" or "<name>_<year>_<measure>" (IMD_2019_score). */
static const iod_measure *match_measure(const char *rest)
{
    size_t i;

    if (rest[0] == '_' && isdigit((unsigned char)rest[1]) && isdigit((unsigned char)rest[4]) &&
        rest[5] == '_')
        rest += 5;
    for (i = 0; i < sizeof measures / sizeof measures[0]; i++)
        if (nmC_strieq(rest, measures[i].suffix))
            return &measures[i];
    /* measures[2] and [3] are the full rank and decile wordings, [4] and
       [5] their bare words */
    for (i = 2; i < 4; i++)
        if (truncated(rest, &measures[i], &measures[i + 2]))
            return &measures[i];
    return NULL;
}

/* A population column: 'key' (taken; NULL when out of memory), labelled
 * 'label' or, when NULL, by the heading's own words, with the year of its
 * estimates ("mid 2022").  The caller tells a missing key or label as out
 * of memory. */
static void population_spec(const char *h, char *key, const char *label, nmI_colspec *spec)
{
    const char *when = strstr(h, "mid ");
    nmC_buf b = {0};

    if (label)
        nmC_buf_addf(&b, "%s", label);
    else
        population_label(h, &b);
    if (when)
        nmC_buf_addf(&b, ", %.8s", when);
    spec->key = key;
    spec->label = nmC_buf_take(&b);
    spec->unit = "people";
    spec->polarity = 0;
}

/* "Population aged 16-59: mid 2015 (...)" (2019's Files 6 and 7): an age
 * band named by its ages, pop_16_59, whatever band a release chooses; 2025's
 * File 7 has none, its working age being 18-66. */
static int population_band(const char *h, nmI_colspec *spec)
{
    static const char prefix[] = "Population aged ";
    const char *p = h + sizeof prefix - 1;
    nmC_buf key = {0};
    long from, to;
    char *end;

    if (strncasecmp(h, prefix, sizeof prefix - 1) != 0 || !isdigit((unsigned char)*p))
        return 0;
    from = strtol(p, &end, 10);
    if (*end != '-' || !isdigit((unsigned char)end[1]))
        return 0;
    to = strtol(end + 1, &end, 10);
    if (*end != ':' || from > to || to > 150)
        return 0;
    nmC_buf_addf(&key, "pop_%ld_%ld", from, to);
    population_spec(h, nmC_buf_take(&key), NULL, spec);
    return 1;
}

/* Fills a colspec from an IoD heading; returns 0 when it is not one. */
static int iod_column(const char *h, nmI_colspec *spec)
{
    size_t d, k, i;
    nmC_buf key = {0}, label = {0};

    if (population_band(h, spec))
        return 1;

    for (i = 0; i < sizeof populations / sizeof populations[0]; i++) {
        size_t n = strlen(populations[i].prefix);
        if (strncasecmp(h, populations[i].prefix, n) == 0 &&
            (h[n] == ':' || (!populations[i].label && h[n] == ' ' && strchr(h, ':')))) {
            population_spec(h, nm_strdup(populations[i].id), populations[i].label, spec);
            return 1;
        }
    }
    for (d = 0; d < sizeof domains / sizeof domains[0]; d++) {
        for (k = 0; k < 4 && domains[d].names[k]; k++) {
            size_t n = strlen(domains[d].names[k]);
            const iod_measure *m;
            if (strncasecmp(h, domains[d].names[k], n) != 0)
                continue;
            m = match_measure(h + n);
            if (!m)
                continue;
            nmC_buf_addf(&key, "%s_%s", domains[d].id, m->id);
            nmC_buf_addf(&label, "%s %s", domains[d].label, m->label);
            spec->key = nmC_buf_take(&key);
            spec->label = nmC_buf_take(&label);
            spec->unit = m->unit;
            spec->polarity = m->polarity;
            return 1;
        }
    }
    return 0;
}

/* The key column of an IoD file: an LSOA code heading. */
static int find_key(nmI_table *t, int *vintage)
{
    const char *level;
    int i;

    for (i = 0; i < nmI_table_ncols(t); i++)
        if (nm_ons_code_heading(nmI_table_heading(t, i), &level, vintage) &&
            strcmp(level, "lsoa") == 0)
            return i;
    return -1;
}

static int accept_iod(void *user, int ncols, const char *const *headings)
{
    const char *level;
    int i, vintage;
    (void)user;
    for (i = 0; i < ncols; i++)
        if (nm_ons_code_heading(headings[i], &level, &vintage) && strcmp(level, "lsoa") == 0)
            return 1;
    return 0;
}

/* The release year: from the file name (IoD2019, imd2010, iod_2025), else
 * from the population base year ("mid 2015" is the 2019 release's,
 * "mid 2022" the 2025 one's). */
static int detect_period(const char *path, nmI_table *t, char period[8])
{
    const char *base = nmC_basename(path), *p;
    int i;

    for (p = base; *p; p++) {
        const char *q = p;
        if (strncasecmp(q, "iod", 3) != 0 && strncasecmp(q, "imd", 3) != 0)
            continue;
        q += 3;
        if (*q == '_' || *q == '-' || *q == ' ')
            q++;
        if (strncmp(q, "20", 2) == 0 && isdigit((unsigned char)q[2]) && isdigit((unsigned char)q[3])) {
            memcpy(period, q, 4);
            period[4] = '\0';
            return 1;
        }
    }
    for (i = 0; i < nmI_table_ncols(t); i++) {
        const char *h = nmI_table_heading(t, i);
        if (strstr(h, "mid 2015")) {
            nmC_strlcpy(period, "2019", 8);
            return 1;
        }
        if (strstr(h, "mid 2022")) {
            nmC_strlcpy(period, "2025", 8);
            return 1;
        }
        if (strstr(h, "mid 2012")) {
            nmC_strlcpy(period, "2015", 8);
            return 1;
        }
    }
    return 0;
}

/* LAD and region columns of the IoD files become memberships, so that maps
 * can select "--within E06000033" without a separate lookup. */
static int find_parents(nmI_table *t, nmI_parentspec *ps)
{
    int i, n = 0, vintage;
    const char *level;

    for (i = 0; i < nmI_table_ncols(t) && n < 2; i++) {
        const char *h = nmI_table_heading(t, i);
        if (!nm_ons_code_heading(h, &level, &vintage))
            continue;
        if (strcmp(level, "lad") != 0 && strcmp(level, "region") != 0)
            continue;
        ps[n].col = i;
        ps[n].level = level;
        ps[n].vintage = vintage;
        ps[n].name_col = -1;
        ps[n].via = -1;
        for (int j = 0; j < nmI_table_ncols(t); j++)
            if (nmI_ons_is_name_for(h, nmI_table_heading(t, j)))
                ps[n].name_col = j;
        n++;
    }
    /* a region column goes through the LAD column: LAD -> region */
    if (n == 2 && strcmp(ps[0].level, "lad") == 0 && strcmp(ps[1].level, "region") == 0)
        ps[1].via = 0;
    return n;
}

static char *attribution_for(const char *period)
{
    nmC_buf b = {0};
    int year = (int)strtol(period, NULL, 10);

    nmC_buf_addf(&b, year >= 2018 ? NM_ATTR_IOD_MHCLG : NM_ATTR_IOD_DCLG, period);
    return nmC_buf_take(&b);
}

nm_status nm_import_iod(nm_store *store, const nm_iod_opts *opts, nm_import_result *result)
{
    nm_ctx *ctx = nm_store_ctx(store);
    nmI_values_job job = {0};
    nmI_parentspec parents[2];
    nm_import_result local = {0};
    nmI_table *t = NULL;
    char period[8] = "", *attribution = NULL, *headings = NULL;
    nm_status rc;
    int i;

    nmC_clear(ctx);
    if (!result)
        result = &local;
    memset(result, 0, sizeof *result);
    rc = nmI_table_open(ctx, opts->in.path, accept_iod, NULL, &t);
    if (rc == NM_BADDATA && strstr(nm_errmsg(ctx), "expected headings"))
        rc = nmC_fail(ctx, NM_BADDATA,
                     "%s: not an Indices of Deprivation file: no column of LSOA codes "
                     "(\"LSOA code (2011)\", \"LSOA11CD\", \"lsoa01_code\")",
                     opts->in.path);
    if (rc != NM_OK)
        goto cleanup;
    job.table = t;
    job.path = opts->in.path;
    job.key_col = find_key(t, &job.vintage);
    job.level = "lsoa";
    if (opts->period)
        nmC_strlcpy(period, opts->period, sizeof period);
    else if (!detect_period(opts->in.path, t, period)) {
        rc = nmC_fail(ctx, NM_USAGE,
                     "%s: cannot tell which release this is from the file name or headings; "
                     "give --period YEAR",
                     opts->in.path);
        goto cleanup;
    }
    job.period = period;
    job.cols = nm_calloc((size_t)nmI_table_ncols(t), sizeof *job.cols);
    if (!job.cols) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < nmI_table_ncols(t); i++) {
        nmI_colspec spec = {0};
        if (!iod_column(nmI_table_heading(t, i), &spec))
            continue;
        if (!spec.key || !spec.label) {
            nm_free(spec.key);
            nm_free(spec.label);
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
            goto cleanup;
        }
        spec.col = i;
        job.cols[job.ncols++] = spec;
    }
    if (job.ncols == 0) {
        headings = nmI_table_headings_text(t);
        rc = nmC_fail(ctx, NM_BADDATA,
                     "%s: no score, rank, decile or population column recognised among %s",
                     opts->in.path, headings ? headings : "the headings");
        goto cleanup;
    }
    job.nparents = find_parents(t, parents);
    job.parents = parents;
    attribution = attribution_for(period);
    job.kind = "iod";
    job.attribution = attribution;
    job.strict = opts->in.strict;
    rc = nmI_values_import(store, &job, result);

cleanup:
    nmI_colspecs_free(job.cols, job.ncols);
    nm_free(attribution);
    nm_free(headings);
    nmI_table_close(t);
    return rc;
}
