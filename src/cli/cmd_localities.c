/*
 * needsmap import localities: a council's grouping of wards, with each
 * locality's boundary the union of its wards.
 */
#include "cli.h"

static int run_localities(cli *c, int argc, char **argv)
{
    nm_localities_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_import_localities, argc, argv, &o, NULL, NULL, &code);
    if (first < 0)
        return code;
    if (argc - first != 1)
        return cli_usage_error(c, argc - first < 1 ? "no input FILE given" : "one input FILE at a time");
    o.in.path = argv[first];
    if (!(store = cli_open_store_within(c, NM_STORE_WRITE, &o.within, &code)))
        return code;
    rc = nm_import_localities(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!c->quiet)
        fprintf(stderr, "needsmap: import localities: %ld localities of %ld wards stored\n",
                r.stored, r.rows);
    nm_store_close(store);
    return code;
}

const cli_command cmd_import_localities = {
    "import localities", "FILE [OPTIONS]",
    "Import a grouping of wards into localities (ward code or name -> locality).",
    NULL, run_localities,
};
