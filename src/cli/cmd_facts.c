/*
 * needsmap facts: key-fact sentences with their numbers, for the text of a
 * plan.
 */
#include <string.h>

#include "cli.h"

enum { OPT_WITHIN = 256, OPT_PERIOD, OPT_INDICATOR, OPT_POP_PERIOD, OPT_FORMAT, OPT_OUTPUT, OPT_SINCE };

static const cli_opt facts_opts[] = {
    {"within", required_argument, OPT_WITHIN, "CODE|NAME", "the borough (or ward, locality, region): its LSOAs"},
    {"period", required_argument, OPT_PERIOD, "P", "release of the index (default: latest stored)"},
    {"since", required_argument, OPT_SINCE, "P", "add what changed since release P (e.g. 2019)"},
    {"indicator", required_argument, OPT_INDICATOR, "ID", "index or domain: imd (default), idaci, income, ..."},
    {"population-period", required_argument, OPT_POP_PERIOD, "P", "population of another release where the index's has none (e.g. 2019 for IMD 2007)"},
    {"format", required_argument, OPT_FORMAT, "FMT", "text (default), md or json"},
    {"output", required_argument, OPT_OUTPUT, "FILE", "write to FILE (atomically) instead of stdout; also -o"},
    {0, 0, 0, 0, 0},
};

static int on_facts_opt(cli *c, int id, const char *arg, void *state)
{
    nm_facts_opts *o = state;

    switch (id) {
    case OPT_WITHIN: o->within = arg; break;
    case OPT_PERIOD: o->period = arg; break;
    case OPT_SINCE: o->since = arg; break;
    case OPT_INDICATOR: o->indicator = arg; break;
    case OPT_POP_PERIOD: o->population_period = arg; break;
    case OPT_OUTPUT: o->output = arg; break;
    case OPT_FORMAT:
        if (!nm_report_format_parse(arg, &o->format) || o->format == NM_FORMAT_CSV)
            return cli_usage_error(c, "--format: \"%s\" is not text, md or json", arg) != 0;
        break;
    }
    return 0;
}

static int run_facts(cli *c, int argc, char **argv)
{
    nm_facts_opts o = {0};
    nm_facts_result r = {0};
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_facts, argc, argv, on_facts_opt, &o, &code);
    if (first < 0)
        return code;
    if (first < argc)
        return cli_usage_error(c, "unexpected argument \"%s\"", argv[first]);
    if (!(store = cli_open_store_within(c, NM_STORE_READONLY, &o.within, &code)))
        return code;
    rc = nm_facts(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!o.output)
        fputs(r.rendered, stdout);
    nm_facts_result_clear(&r);
    nm_store_close(store);
    return code;
}

const cli_command cmd_facts = {
    "facts", "[--within CODE] [OPTIONS]",
    "Key facts as sentences with their numbers, definitions and sources.",
    facts_opts, run_facts,
};
