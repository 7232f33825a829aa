/*
 * needsmap la-summary: MHCLG's local-authority summary measures computed
 * from the LSOAs, one authority's ranks among all, and its statistical
 * neighbours side by side.
 */
#include <string.h>

#include "cli.h"

enum { OPT_PERIOD = 256, OPT_INDICATOR, OPT_LA, OPT_LEVEL, OPT_NEIGHBOURS, OPT_MODEL,
       OPT_NEIGHBOURS_FILE, OPT_POP_PERIOD, OPT_FORMAT, OPT_OUTPUT };

static const cli_opt la_opts[] = {
    {"la", required_argument, OPT_LA, "CODE", "the authority shown (default: every authority)"},
    {"level", required_argument, OPT_LEVEL, "lad|utla", "districts and unitaries (lad, default) or upper-tier authorities: counties and unitaries (utla)"},
    {"neighbours", required_argument, OPT_NEIGHBOURS, "CODE,...|dfe", "authorities compared with --la (their mean and each one); dfe: DfE's stored statistical neighbours (upper tier)"},
    {"model", required_argument, OPT_MODEL, "YEAR", "with --neighbours dfe or --neighbours-file: DfE model 2021 or 2025 (default: the latest stored)"},
    {"neighbours-file", required_argument, OPT_NEIGHBOURS_FILE, "FILE", "DfE's neighbours of --la read from FILE (not stored)"},
    {"period", required_argument, OPT_PERIOD, "P", "release of the index (default: latest stored)"},
    {"indicator", required_argument, OPT_INDICATOR, "ID", "index or domain: imd (default), idaci, income, ..."},
    {"population-period", required_argument, OPT_POP_PERIOD, "P", "population denominators of another release"},
    {"format", required_argument, OPT_FORMAT, "FMT", "text (default), md or csv (every authority)"},
    {"output", required_argument, OPT_OUTPUT, "FILE", "write to FILE (atomically) instead of stdout; also -o"},
    {0, 0, 0, 0, 0},
};

static int on_la_opt(cli *c, int id, const char *arg, void *state)
{
    nm_la_summary_opts *o = state;

    switch (id) {
    case OPT_LA: o->la = arg; break;
    case OPT_LEVEL:
        if (strcmp(arg, "lad") != 0 && strcmp(arg, "utla") != 0 && strcmp(arg, "county") != 0)
            return cli_usage_error(c, "--level: \"%s\" is not lad or utla", arg) != 0;
        o->level = arg;
        break;
    case OPT_NEIGHBOURS: o->neighbours = arg; break;
    case OPT_MODEL: o->model = arg; break;
    case OPT_NEIGHBOURS_FILE: o->neighbours_file = arg; break;
    case OPT_PERIOD: o->period = arg; break;
    case OPT_INDICATOR: o->indicator = arg; break;
    case OPT_POP_PERIOD: o->population_period = arg; break;
    case OPT_OUTPUT: o->output = arg; break;
    case OPT_FORMAT:
        if (!nm_report_format_parse(arg, &o->format) || o->format == NM_FORMAT_JSON)
            return cli_usage_error(c, "--format: \"%s\" is not text, md or csv", arg) != 0;
        break;
    }
    return 0;
}

static int run_la_summary(cli *c, int argc, char **argv)
{
    nm_la_summary_opts o = {0};
    nm_la_summary_result r = {0};
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_la_summary, argc, argv, on_la_opt, &o, &code);
    if (first < 0)
        return code;
    if (first < argc)
        return cli_usage_error(c, "unexpected argument \"%s\"", argv[first]);
    if ((o.neighbours || o.neighbours_file) && !o.la)
        return cli_usage_error(c, "--neighbours needs --la CODE");
    if (o.neighbours && o.neighbours_file)
        return cli_usage_error(c, "--neighbours and --neighbours-file: give one");
    if (!(store = cli_open_store(c, NM_STORE_READONLY, &code)))
        return code;
    rc = nm_la_summary(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!o.output)
        fputs(r.rendered, stdout);
    nm_la_summary_result_clear(&r);
    nm_store_close(store);
    return code;
}

const cli_command cmd_la_summary = {
    "la-summary", "[--la CODE [--neighbours CODE,...]] [OPTIONS]",
    "Local-authority summary measures (average rank and score, 10%, extent, local concentration).",
    la_opts, run_la_summary,
};
