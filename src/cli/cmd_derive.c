/*
 * needsmap derive: an indicator computed from stored ones (a share, a
 * density per hectare), stored like any other.
 */
#include <string.h>

#include "cli.h"

static int run_derive(cli *c, int argc, char **argv)
{
    nm_derive_opts o = {0};
    nm_derive_result r;
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_derive, argc, argv, &o, NULL, NULL, &code);
    if (first < 0)
        return code;
    if (argc - first != 2)
        return cli_usage_error(c, "give the new id and the expression, e.g. derive nonwhite_share "
                                  "\"(a - b) / a\"");
    o.id = argv[first];
    o.expression = argv[first + 1];
    if (!(store = cli_open_store(c, NM_STORE_WRITE, &code)))
        return code;
    rc = nm_derive(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!c->quiet)
        fprintf(stderr,
                "needsmap: derive: %s (%s %d, period %s): %ld values stored for %ld areas; %ld "
                "without every input, %ld divided by zero\n",
                o.id, r.level, r.vintage, r.period, r.stored, r.areas, r.missing, r.divzero);
    nm_store_close(store);
    return code;
}

const cli_command cmd_derive = {
    "derive", "ID EXPRESSION [OPTIONS]",
    "Compute an indicator from stored ones: + - * / over ids, numbers and area_ha (hectares).",
    NULL, run_derive,
};
