/*
 * The import commands: boundaries, iod, indicators, lookup.  Each parses its
 * options into the library's options struct, runs one call in one
 * transaction, and says what was stored.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Parses the command's options into 'o' and the one FILE operand into
 * 'in'; returns -1 when done (help or error, *exit_code set). */
static int parse_import(cli *c, const cli_command *cmd, int argc, char **argv, void *o,
                        nm_import_common *in, int *exit_code)
{
    int first = cli_parse(c, cmd, argc, argv, o, NULL, NULL, exit_code);

    if (first < 0)
        return -1;
    if (argc - first != 1) {
        *exit_code = cli_usage_error(c, argc - first < 1 ? "no input FILE given"
                                                         : "one input FILE at a time");
        return -1;
    }
    in->path = argv[first];
    return 0;
}

static int finish_import(cli *c, nm_store *store, nm_status rc, const nm_import_result *r,
                         const char *what)
{
    int code = EXIT_OK;

    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!c->quiet)
        fprintf(stderr, "needsmap: %s: %ld %s stored from %ld rows%s%s%s\n", c->command,
                r->stored, what, r->rows, r->codes[0] ? " on the codes of " : "", r->codes,
                r->unmatched ? " (see warning on unmatched codes)" : "");
    nm_store_close(store);
    return code;
}

/* ---- import boundaries ------------------------------------------------ */


static int run_import_boundaries(cli *c, int argc, char **argv)
{
    nm_boundaries_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    int code = 0;

    if (parse_import(c, &cmd_import_boundaries, argc, argv, &o, &o.in, &code) < 0)
        return code;
    if (!o.level)
        return cli_usage_error(c, "--level is required (lsoa, msoa, ward, lad, region, ...)");
    if (!(store = cli_open_store(c, NM_STORE_CREATE, &code)))
        return code;
    code = finish_import(c, store, nm_import_boundaries(store, &o, &r), &r, "areas");
    if (code == EXIT_OK && r.repaired && !c->quiet)
        fprintf(stderr, "needsmap: %s: %ld invalid geometries (self-intersecting rings) kept as "
                        "drawn; fills use the even-odd rule\n", o.in.path, r.repaired);
    return code;
}

const cli_command cmd_import_boundaries = {
    "import boundaries", "FILE --level LEVEL [OPTIONS]",
    "Import areas from a shapefile, GeoJSON, GeoPackage or any OGR source.",
    NULL, run_import_boundaries,
};

/* ---- import iod ------------------------------------------------------- */


static int run_import_iod(cli *c, int argc, char **argv)
{
    nm_iod_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    int code = 0;

    if (parse_import(c, &cmd_import_iod, argc, argv, &o, &o.in, &code) < 0)
        return code;
    if (!(store = cli_open_store(c, NM_STORE_CREATE, &code)))
        return code;
    return finish_import(c, store, nm_import_iod(store, &o, &r), &r, "values");
}

const cli_command cmd_import_iod = {
    "import iod", "FILE [OPTIONS]",
    "Import an official English Indices of Deprivation file (2019, 2010, 2007; CSV or XLSX).",
    NULL, run_import_iod,
};

/* ---- import indicators ------------------------------------------------ */


static int run_import_indicators(cli *c, int argc, char **argv)
{
    nm_indicators_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    int code = 0;

    if (parse_import(c, &cmd_import_indicators, argc, argv, &o, &o.in, &code) < 0)
        return code;
    if (!o.key)
        return cli_usage_error(c, "--key COLUMN is required");
    if (!(store = cli_open_store(c, NM_STORE_CREATE, &code)))
        return code;
    return finish_import(c, store, nm_import_indicators(store, &o, &r), &r, "values");
}

const cli_command cmd_import_indicators = {
    "import indicators", "FILE --key COLUMN [OPTIONS]",
    "Import a table keyed by area code: one indicator per numeric column.",
    NULL, run_import_indicators,
};

/* ---- import lookup ---------------------------------------------------- */


static int run_import_lookup(cli *c, int argc, char **argv)
{
    nm_lookup_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    int code = 0;

    if (parse_import(c, &cmd_import_lookup, argc, argv, &o, &o.in, &code) < 0)
        return code;
    if (!o.child || !o.parent || !o.parent_level)
        return cli_usage_error(c, "--child, --parent and --parent-level are required");
    if (!(store = cli_open_store(c, NM_STORE_CREATE, &code)))
        return code;
    return finish_import(c, store, nm_import_lookup(store, &o, &r), &r, "memberships");
}

const cli_command cmd_import_lookup = {
    "import lookup", "FILE --child COLUMN --parent COLUMN --parent-level LEVEL [OPTIONS]",
    "Import memberships from a lookup table (LSOA to ward, ward to region, ...).",
    NULL, run_import_lookup,
};

/* ---- import neighbours ------------------------------------------------ */


static int run_import_neighbours(cli *c, int argc, char **argv)
{
    nm_neighbours_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    int code = 0;

    if (parse_import(c, &cmd_import_neighbours, argc, argv, &o, &o.in, &code) < 0)
        return code;
    if (!(store = cli_open_store(c, NM_STORE_CREATE, &code)))
        return code;
    return finish_import(c, store, nm_import_neighbours(store, &o, &r), &r, "authorities' neighbours");
}

const cli_command cmd_import_neighbours = {
    "import neighbours", "FILE [--model 2021|2025]",
    "Import DfE's statistical neighbours (authorities found by name among stored upper-tier names).",
    NULL, run_import_neighbours,
};
