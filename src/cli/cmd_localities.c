/*
 * needsmap import localities: a council's grouping of wards, with each
 * locality's boundary the union of its wards.
 */
#include "cli.h"

enum { OPT_WARD = 256, OPT_LOCALITY, OPT_CODE, OPT_PREFIX, OPT_WITHIN };

static const cli_opt localities_opts[] = {
    {"ward", required_argument, OPT_WARD, "COLUMN", "ward codes or names (default: ward, WDnnCD, ...)"},
    {"locality", required_argument, OPT_LOCALITY, "COLUMN", "locality names (default: locality)"},
    {"code", required_argument, OPT_CODE, "COLUMN", "locality codes (default: made from the names)"},
    {"code-prefix", required_argument, OPT_PREFIX, "TEXT", "start of the codes made (default LOC-, LOC-CODE- with --within)"},
    {"within", required_argument, OPT_WITHIN, "CODE|NAME", "the council: only its wards are matched and its localities replaced"},
    {0, 0, 0, 0, 0},
};

static int on_localities_opt(cli *c, int id, const char *arg, void *state)
{
    nm_localities_opts *o = state;

    (void)c;
    switch (id) {
    case OPT_WARD: o->ward_column = arg; break;
    case OPT_LOCALITY: o->locality_column = arg; break;
    case OPT_CODE: o->code_column = arg; break;
    case OPT_PREFIX: o->code_prefix = arg; break;
    case OPT_WITHIN: o->within = arg; break;
    }
    return 0;
}

static int run_localities(cli *c, int argc, char **argv)
{
    nm_localities_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_import_localities, argc, argv, on_localities_opt, &o, &code);
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
    localities_opts, run_localities,
};
