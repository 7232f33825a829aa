/*
 * needsmap aggregate: LSOA figures summed and averaged to wards,
 * localities or the council, stored as indicators of that level.
 */
#include <string.h>

#include "cli.h"

static int run_aggregate(cli *c, int argc, char **argv)
{
    nm_aggregate_opts o = {0};
    nm_aggregate_result r;
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_aggregate, argc, argv, &o, NULL, NULL, &code);
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
    NULL, run_aggregate,
};
