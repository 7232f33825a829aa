/*
 * needsmap table: indicators by area as CSV, XLSX or a Markdown table.
 */
#include <string.h>

#include "cli.h"

enum { OPT_LEVEL = 256, OPT_VINTAGE, OPT_WITHIN, OPT_INDICATORS, OPT_PERIOD, OPT_OUTPUT, OPT_IDS, OPT_SINCE };

static const cli_opt table_opts[] = {
    {"output", required_argument, OPT_OUTPUT, "FILE", ".csv, .xlsx or .md (required; also -o)"},
    {"level", required_argument, OPT_LEVEL, "LEVEL", "one row per area of this level (default ward)"},
    {"vintage", required_argument, OPT_VINTAGE, "YEAR", "boundary year (default: latest)"},
    {"within", required_argument, OPT_WITHIN, "CODE|NAME", "only the areas within this area"},
    {"indicators", required_argument, OPT_INDICATORS, "A,B", "columns (default: every indicator of the level)"},
    {"period", required_argument, OPT_PERIOD, "P", "period of the indicators (default: latest)"},
    {"ids", no_argument, OPT_IDS, NULL, "CSV: indicator ids as headings, every digit kept"},
    {"since", required_argument, OPT_SINCE, "P", "each rank and decile in release P too, and the change"},
    {0, 0, 0, 0, 0},
};

static int on_table_opt(cli *c, int id, const char *arg, void *state)
{
    nm_table_opts *o = state;
    long n;

    switch (id) {
    case OPT_OUTPUT: o->output = arg; break;
    case OPT_LEVEL: o->level = arg; break;
    case OPT_WITHIN: o->within = arg; break;
    case OPT_INDICATORS: o->indicators = arg; break;
    case OPT_PERIOD: o->period = arg; break;
    case OPT_IDS: o->ids = 1; break;
    case OPT_SINCE: o->since = arg; break;
    case OPT_VINTAGE:
        if (!cli_parse_int(c, "vintage", arg, 1900, 2100, &n))
            return 1;
        o->vintage = (int)n;
        break;
    }
    return 0;
}

static int run_table(cli *c, int argc, char **argv)
{
    nm_table_opts o = {0};
    nm_table_result r;
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_table, argc, argv, on_table_opt, &o, &code);
    if (first < 0)
        return code;
    if (first < argc)
        return cli_usage_error(c, "unexpected \"%s\"", argv[first]);
    if (!o.output)
        return cli_usage_error(c, "-o FILE is required (.csv, .xlsx or .md)");
    if (!(store = cli_open_store_within(c, NM_STORE_READONLY, &o.within, &code)))
        return code;
    rc = nm_table_write(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!c->quiet)
        fprintf(stderr, "needsmap: table: %s: %ld rows, %d indicator columns\n", o.output, r.rows,
                r.columns);
    nm_store_close(store);
    return code;
}

const cli_command cmd_table = {
    "table", "-o FILE.csv|FILE.xlsx|FILE.md [OPTIONS]",
    "Write indicators by area as CSV, an XLSX workbook or a Markdown table.",
    table_opts, run_table,
};
