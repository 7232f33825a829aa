/*
 * needsmap assign: memberships from boundaries, by interior point or by
 * area, where no official lookup exists.
 */
#include <string.h>

#include "cli.h"

static int run_assign(cli *c, int argc, char **argv)
{
    nm_assign_opts o = {0};
    nm_assign_result r = {0};
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_assign, argc, argv, &o, NULL, NULL, &code);
    if (first < 0)
        return code;
    if (first < argc)
        return cli_usage_error(c, "unexpected \"%s\"", argv[first]);
    if (!o.child_level || !o.parent_level)
        return cli_usage_error(c, "--child and --parent are required (e.g. --child lsoa --parent ward)");
    if (!(store = cli_open_store_within(c, NM_STORE_WRITE, &o.within, &code)))
        return code;
    rc = nm_assign(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!c->quiet)
        fprintf(stderr, "needsmap: assign: %ld of %ld %ss placed in a %s by %s; %ld memberships "
                        "stored%s\n",
                r.assigned, r.children, o.child_level, o.parent_level,
                o.method == NM_ASSIGN_AREA ? "area" : "interior point", r.memberships,
                r.lookups_differ ? "; see the warnings on the stored lookups"
                : r.compared     ? "; every stored lookup agrees"
                                 : "");
    nm_assign_result_clear(&r);
    nm_store_close(store);
    return code;
}

const cli_command cmd_assign = {
    "assign", "--child LEVEL --parent LEVEL [OPTIONS]",
    "Place areas in larger ones by interior point or share of area (no official lookup needed).",
    NULL, run_assign,
};
