/*
 * needsmap facts: key-fact sentences with their numbers, for the text of a
 * plan.
 */
#include <string.h>

#include "cli.h"

static int run_facts(cli *c, int argc, char **argv)
{
    nm_facts_opts o = {0};
    nm_facts_result r = {0};
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_facts, argc, argv, &o, NULL, NULL, &code);
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
    NULL, run_facts,
};
