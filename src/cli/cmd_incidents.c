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

/* ---- import incidents ------------------------------------------------- */

static int run_import_incidents(cli *c, int argc, char **argv)
{
    nm_incidents_opts o;
    nm_import_result r = {0};
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    memset(&o, 0, sizeof o);
    first = cli_parse(c, &cmd_import_incidents, argc, argv, &o, NULL, NULL, &code);
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
    NULL, run_import_incidents,
};

/* ---- count incidents -------------------------------------------------- */

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
    first = cli_parse(c, &cmd_count_incidents, argc, argv, &o, NULL, NULL, &code);
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
    NULL, run_count_incidents,
};
