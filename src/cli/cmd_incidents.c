/*
 * The incident commands: "import incidents" reads points into the store,
 * "count incidents" counts them per area and stores counts and rates.  Each
 * parses its options into the library's options struct and makes one call;
 * the count prints a table of its results on stdout.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
    OPT_X = 256, OPT_Y, OPT_CRS, OPT_DATE, OPT_CATEGORY, OPT_SEX, OPT_CHILDREN, OPT_WHERE, OPT_NAME,
    OPT_SOURCE, OPT_LEVEL, OPT_VINTAGE, OPT_WITHIN, OPT_INCIDENTS, OPT_FROM, OPT_TO, OPT_PER,
    OPT_PER_FEMALE, OPT_PER_MALE, OPT_PER_PERIOD, OPT_SUPPRESS
};

/* ---- import incidents ------------------------------------------------- */

static int on_import_opt(cli *c, int id, const char *arg, void *state)
{
    nm_incidents_opts *o = state;

    (void)c;
    switch (id) {
    case OPT_X: o->x = arg; break;
    case OPT_Y: o->y = arg; break;
    case OPT_CRS: o->crs = arg; break;
    case OPT_DATE: o->date = arg; break;
    case OPT_CATEGORY: o->category = arg; break;
    case OPT_SEX: o->sex = arg; break;
    case OPT_CHILDREN: o->children = arg; break;
    case OPT_WHERE: o->where = arg; break;
    case OPT_NAME: o->name = arg; break;
    case OPT_SOURCE: o->source = arg; break;
    }
    return 0;
}

static const cli_opt import_opts[] = {
    {"x", required_argument, OPT_X, "COLUMN", "longitude or easting (default: detected)"},
    {"y", required_argument, OPT_Y, "COLUMN", "latitude or northing (default: detected)"},
    {"crs", required_argument, OPT_CRS, "EPSG:N", "EPSG:4326 or EPSG:27700 (default: from the columns)"},
    {"date", required_argument, OPT_DATE, "COLUMN", "YYYY-MM, YYYY-MM-DD or DD/MM/YYYY (default: month)"},
    {"category", required_argument, OPT_CATEGORY, "COLUMN", "category (default: crime_type)"},
    {"sex", required_argument, OPT_SEX, "COLUMN", "victim's sex: F/Female/W/Woman, M/Male/Man"},
    {"children", required_argument, OPT_CHILDREN, "COLUMN", "children present: Y/N, yes/no, 1/0"},
    {"where", required_argument, OPT_WHERE, "COL=VALUE", "only the rows with this value"},
    {"name", required_argument, OPT_NAME, "NAME", "name of the set; re-importing it replaces it"},
    {"source", required_argument, OPT_SOURCE, "TEXT", "attribution (default: police.uk, OGL)"},
    {0, 0, 0, 0, 0},
};

static int run_import_incidents(cli *c, int argc, char **argv)
{
    nm_incidents_opts o;
    nm_import_result r = {0};
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    memset(&o, 0, sizeof o);
    first = cli_parse(c, &cmd_import_incidents, argc, argv, on_import_opt, &o, &code);
    if (first < 0)
        return code;
    if (argc - first != 1)
        return cli_usage_error(c, argc - first < 1 ? "no input FILE given" : "one input FILE at a time");
    o.in.path = argv[first];
    if (!(store = cli_open_store(c, NM_STORE_CREATE, &code)))
        return code;
    rc = nm_import_incidents(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!c->quiet)
        fprintf(stderr, "needsmap: %s: %ld incidents stored from %ld rows (%ld left out, %ld in no "
                        "stored area)\n",
                c->command, r.stored, r.rows, r.skipped, r.unmatched);
    nm_store_close(store);
    return code;
}

const cli_command cmd_import_incidents = {
    "import incidents", "FILE [--x COL --y COL] [--crs EPSG:N] [OPTIONS]",
    "Import incidents (points) from a CSV or spreadsheet, e.g. police.uk street-level crime.",
    import_opts, run_import_incidents,
};

/* ---- count incidents -------------------------------------------------- */

static int on_count_opt(cli *c, int id, const char *arg, void *state)
{
    nm_count_opts *o = state;
    long v;

    switch (id) {
    case OPT_LEVEL: o->level = arg; break;
    case OPT_VINTAGE:
        if (!cli_parse_int(c, "vintage", arg, 1900, 2100, &v))
            return 1;
        o->vintage = (int)v;
        break;
    case OPT_WITHIN: o->within = arg; break;
    case OPT_INCIDENTS: o->incidents = arg; break;
    case OPT_CATEGORY: o->category = arg; break;
    case OPT_SEX: o->sex = arg; break;
    case OPT_FROM: o->from = arg; break;
    case OPT_TO: o->to = arg; break;
    case OPT_PER: o->per = arg; break;
    case OPT_PER_FEMALE: o->per_female = arg; break;
    case OPT_PER_MALE: o->per_male = arg; break;
    case OPT_PER_PERIOD: o->per_period = arg; break;
    case OPT_SUPPRESS:
        if (!cli_parse_int(c, "suppress-below", arg, 0, 1000000, &v))
            return 1;
        o->suppress_below = v == 0 ? -1 : v; /* 0 on the command line: nothing suppressed */
        break;
    case OPT_NAME: o->name = arg; break;
    }
    return 0;
}

static const cli_opt count_opts[] = {
    {"level", required_argument, OPT_LEVEL, "LEVEL", "areas to count in, e.g. ward (required)"},
    {"vintage", required_argument, OPT_VINTAGE, "YEAR", "year of their codes (default: latest)"},
    {"within", required_argument, OPT_WITHIN, "CODE|NAME", "only the areas within this one"},
    {"incidents", required_argument, OPT_INCIDENTS, "NAME", "only the set imported as NAME"},
    {"category", required_argument, OPT_CATEGORY, "TEXT", "only this category"},
    {"sex", required_argument, OPT_SEX, "F|M", "only incidents of this victim sex"},
    {"from", required_argument, OPT_FROM, "DATE", "first month or day, e.g. 2018-01"},
    {"to", required_argument, OPT_TO, "DATE", "last month or day, e.g. 2018-06"},
    {"per", required_argument, OPT_PER, "INDICATOR", "rates per 1,000 of it, e.g. pop_total"},
    {"per-female", required_argument, OPT_PER_FEMALE, "INDICATOR", "female rates per 1,000 of it"},
    {"per-male", required_argument, OPT_PER_MALE, "INDICATOR", "male rates per 1,000 of it"},
    {"per-period", required_argument, OPT_PER_PERIOD, "PERIOD", "period of those (default: latest)"},
    {"suppress-below", required_argument, OPT_SUPPRESS, "N", "suppress counts below N (default 5; 0: none)"},
    {"name", required_argument, OPT_NAME, "ID", "indicator ids start ID_ (default incidents)"},
    {0, 0, 0, 0, 0},
};

static void print_number(double v)
{
    if (isnan(v))
        printf("\t");
    else
        printf("\t%.4f", v);
}

static void print_row(void *user, const nm_count_row *r)
{
    const nm_count_opts *o = user;

    printf("%s\t%s", r->code, r->name);
    if (r->suppressed) {
        printf("\tsuppressed\t\t");
        if (o->per)
            printf("\t\t\t");
    } else {
        printf("\t%ld\t%.4f\t%.4f", r->count, r->count_lo, r->count_hi);
        if (o->per) {
            print_number(r->rate);
            print_number(r->rate_lo);
            print_number(r->rate_hi);
        }
    }
    if (o->per_female || o->per_male)
        printf("\t%ld\t%ld", r->female, r->male);
    printf("\n");
}

static int run_count_incidents(cli *c, int argc, char **argv)
{
    nm_count_opts o;
    nm_count_result r;
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    memset(&o, 0, sizeof o);
    first = cli_parse(c, &cmd_count_incidents, argc, argv, on_count_opt, &o, &code);
    if (first < 0)
        return code;
    if (argc - first != 0)
        return cli_usage_error(c, "unexpected operand \"%s\"", argv[first]);
    if (!o.level)
        return cli_usage_error(c, "--level is required (ward, lsoa, ...)");
    o.on_row = print_row;
    o.user = &o;
    if (!(store = cli_open_store_within(c, NM_STORE_WRITE, &o.within, &code)))
        return code;
    printf("code\tname\tcount\tcount_lo\tcount_hi%s%s\n", o.per ? "\trate\trate_lo\trate_hi" : "",
           o.per_female || o.per_male ? "\tfemale\tmale" : "");
    rc = nm_count_incidents(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!c->quiet)
        fprintf(stderr, "needsmap: %s: %ld incidents, %ld in %ld %s areas, %ld outside; %ld "
                        "suppressed; %ld indicators stored for period %s\n",
                c->command, r.counted + r.outside, r.counted, r.areas, o.level, r.outside, r.suppressed,
                r.indicators, r.period);
    nm_store_close(store);
    return code;
}

const cli_command cmd_count_incidents = {
    "count incidents", "--level LEVEL [OPTIONS]",
    "Count incidents per area, with 95% intervals and rates per 1,000; store them as indicators.",
    count_opts, run_count_incidents,
};
