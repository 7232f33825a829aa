/*
 * needsmap assign: memberships from boundaries, by interior point or by
 * area, where no official lookup exists.
 */
#include <string.h>

#include "cli.h"

enum { OPT_CHILD = 256, OPT_PARENT, OPT_METHOD, OPT_WITHIN, OPT_CHILD_VINTAGE, OPT_PARENT_VINTAGE };

static const cli_opt assign_opts[] = {
    {"child", required_argument, OPT_CHILD, "LEVEL", "the smaller areas, e.g. lsoa (required)"},
    {"parent", required_argument, OPT_PARENT, "LEVEL", "the larger areas, e.g. ward (required)"},
    {"method", required_argument, OPT_METHOD, "point|area",
     "interior point (weight 1) or share of area (default point)"},
    {"within", required_argument, OPT_WITHIN, "CODE|NAME", "only the children within this area"},
    {"child-vintage", required_argument, OPT_CHILD_VINTAGE, "YEAR", "year of the child boundaries (default: latest)"},
    {"parent-vintage", required_argument, OPT_PARENT_VINTAGE, "YEAR", "year of the parent boundaries (default: latest)"},
    {0, 0, 0, 0, 0},
};

static int on_assign_opt(cli *c, int id, const char *arg, void *state)
{
    nm_assign_opts *o = state;
    long n;

    switch (id) {
    case OPT_CHILD: o->child_level = arg; break;
    case OPT_PARENT: o->parent_level = arg; break;
    case OPT_WITHIN: o->within = arg; break;
    case OPT_METHOD:
        if (strcmp(arg, "point") == 0)
            o->method = NM_ASSIGN_POINT;
        else if (strcmp(arg, "area") == 0)
            o->method = NM_ASSIGN_AREA;
        else
            return cli_usage_error(c, "--method: \"%s\" is not point or area", arg) != 0;
        break;
    case OPT_CHILD_VINTAGE:
        if (!cli_parse_int(c, "child-vintage", arg, 1900, 2100, &n))
            return 1;
        o->child_vintage = (int)n;
        break;
    case OPT_PARENT_VINTAGE:
        if (!cli_parse_int(c, "parent-vintage", arg, 1900, 2100, &n))
            return 1;
        o->parent_vintage = (int)n;
        break;
    }
    return 0;
}

static int run_assign(cli *c, int argc, char **argv)
{
    nm_assign_opts o = {0};
    nm_assign_result r = {0};
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_assign, argc, argv, on_assign_opt, &o, &code);
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
    assign_opts, run_assign,
};
