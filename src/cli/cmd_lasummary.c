/*
 * needsmap la-summary: MHCLG's local-authority summary measures computed
 * from the LSOAs, one authority's ranks among all, and its statistical
 * neighbours side by side.
 */
#include <string.h>

#include "cli.h"

static int run_la_summary(cli *c, int argc, char **argv)
{
    nm_la_summary_opts o = {0};
    nm_la_summary_result r = {0};
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_la_summary, argc, argv, &o, NULL, NULL, &code);
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
    NULL, run_la_summary,
};
