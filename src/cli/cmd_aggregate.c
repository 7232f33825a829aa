/*
 * needsmap aggregate: LSOA figures summed and averaged to wards,
 * localities or the council, stored as indicators of that level.
 */
#include <string.h>

#include "cli.h"

enum { OPT_TO = 256, OPT_FROM, OPT_WITHIN, OPT_INDICATORS, OPT_PERIOD };

static const cli_opt aggregate_opts[] = {
    {"to", required_argument, OPT_TO, "LEVEL", "ward, locality or lad (required)"},
    {"from", required_argument, OPT_FROM, "LEVEL", "the small areas (default lsoa)"},
    {"within", required_argument, OPT_WITHIN, "CODE|NAME", "only the areas with LSOAs within this area"},
    {"indicators", required_argument, OPT_INDICATORS, "A,B",
     "ids or domains, e.g. imd_score,idaci_rank (default imd)"},
    {"period", required_argument, OPT_PERIOD, "P", "period of the indicators (default: latest)"},
    {0, 0, 0, 0, 0},
};

static int on_aggregate_opt(cli *c, int id, const char *arg, void *state)
{
    nm_aggregate_opts *o = state;

    (void)c;
    switch (id) {
    case OPT_TO: o->to = arg; break;
    case OPT_FROM: o->from = arg; break;
    case OPT_WITHIN: o->within = arg; break;
    case OPT_INDICATORS: o->indicators = arg; break;
    case OPT_PERIOD: o->period = arg; break;
    }
    return 0;
}

static int run_aggregate(cli *c, int argc, char **argv)
{
    nm_aggregate_opts o = {0};
    nm_aggregate_result r;
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_aggregate, argc, argv, on_aggregate_opt, &o, &code);
    if (first < 0)
        return code;
    if (first < argc)
        return cli_usage_error(c, "unexpected \"%s\"", argv[first]);
    if (!o.to)
        return cli_usage_error(c, "--to is required (ward, locality or lad)");
    if (!(store = cli_open_store_within(c, NM_STORE_WRITE, &o.within, &code)))
        return code;
    rc = nm_aggregate(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!c->quiet)
        fprintf(stderr, "needsmap: aggregate: %d indicators (%s*, period %s) for %ld %s areas "
                        "from %ld %s areas\n",
                r.series, r.prefix, r.period, r.parents, o.to, r.children,
                o.from ? o.from : "lsoa");
    nm_store_close(store);
    return code;
}

const cli_command cmd_aggregate = {
    "aggregate", "--to LEVEL [OPTIONS]",
    "Sum and average LSOA figures to wards, localities or the council (stored as indicators).",
    aggregate_opts, run_aggregate,
};
