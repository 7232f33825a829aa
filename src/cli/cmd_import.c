/*
 * The import commands: boundaries, iod, indicators, lookup.  Each parses its
 * options into the library's options struct, runs one call in one
 * transaction, and says what was stored.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
    OPT_LEVEL = 256, OPT_CODE, OPT_NAME, OPT_VINTAGE, OPT_CRS, OPT_STRICT, OPT_PERIOD, OPT_KEY,
    OPT_COLUMNS, OPT_SOURCE, OPT_CHILD, OPT_PARENT, OPT_CHILD_LEVEL, OPT_PARENT_LEVEL,
    OPT_CHILD_VINTAGE, OPT_PARENT_VINTAGE, OPT_EXTENT, OPT_MODEL
};

/* Every import's options land here; each command reads what it needs. */
typedef struct import_args {
    nm_import_common in;
    const char *level, *code, *name, *crs, *extent, *period, *key, *columns, *source;
    const char *child, *parent, *child_level, *parent_level, *model;
    long vintage, child_vintage, parent_vintage;
} import_args;

static int on_import_opt(cli *c, int id, const char *arg, void *state)
{
    import_args *a = state;

    switch (id) {
    case OPT_LEVEL: a->level = arg; break;
    case OPT_CODE: a->code = arg; break;
    case OPT_NAME: a->name = arg; break;
    case OPT_CRS: a->crs = arg; break;
    case OPT_EXTENT: a->extent = arg; break;
    case OPT_STRICT: a->in.strict = 1; break;
    case OPT_PERIOD: a->period = arg; break;
    case OPT_KEY: a->key = arg; break;
    case OPT_COLUMNS: a->columns = arg; break;
    case OPT_SOURCE: a->source = arg; break;
    case OPT_CHILD: a->child = arg; break;
    case OPT_PARENT: a->parent = arg; break;
    case OPT_CHILD_LEVEL: a->child_level = arg; break;
    case OPT_PARENT_LEVEL: a->parent_level = arg; break;
    case OPT_MODEL: a->model = arg; break;
    case OPT_VINTAGE: return !cli_parse_int(c, "vintage", arg, 1900, 2100, &a->vintage);
    case OPT_CHILD_VINTAGE:
        return !cli_parse_int(c, "child-vintage", arg, 1900, 2100, &a->child_vintage);
    case OPT_PARENT_VINTAGE:
        return !cli_parse_int(c, "parent-vintage", arg, 1900, 2100, &a->parent_vintage);
    }
    return 0;
}

/* Parses options and the one FILE operand; returns -1 when done (help or
 * error, *exit_code set). */
static int parse_import(cli *c, const cli_command *cmd, int argc, char **argv, import_args *a,
                        int *exit_code)
{
    int first = cli_parse(c, cmd, argc, argv, on_import_opt, a, exit_code);

    if (first < 0)
        return -1;
    if (argc - first != 1) {
        *exit_code = cli_usage_error(c, argc - first < 1 ? "no input FILE given"
                                                         : "one input FILE at a time");
        return -1;
    }
    a->in.path = argv[first];
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

static const cli_opt boundaries_opts[] = {
    {"level", required_argument, OPT_LEVEL, "LEVEL",
     "lsoa, msoa, oa, ward, locality, lad, region (required)"},
    {"code", required_argument, OPT_CODE, "FIELD", "field with the area code (default: ONS heading)"},
    {"name", required_argument, OPT_NAME, "FIELD", "field with the area name (default: ONS heading)"},
    {"vintage", required_argument, OPT_VINTAGE, "YEAR", "year of the codes (default: from heading)"},
    {"crs", required_argument, OPT_CRS, "EPSG:N", "source CRS when the file has none or a wrong one"},
    {"extent", required_argument, OPT_EXTENT, "XMIN,YMIN,XMAX,YMAX",
     "where every area must lie, EPSG:27700 metres (default: England)"},
    {0, 0, 0, 0, 0},
};

static int run_import_boundaries(cli *c, int argc, char **argv)
{
    import_args a = {0};
    nm_boundaries_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    int code = 0;

    if (parse_import(c, &cmd_import_boundaries, argc, argv, &a, &code) < 0)
        return code;
    if (!a.level)
        return cli_usage_error(c, "--level is required (lsoa, msoa, ward, lad, region, ...)");
    o.in = a.in;
    o.level = a.level;
    o.code_field = a.code;
    o.name_field = a.name;
    o.vintage = (int)a.vintage;
    o.crs = a.crs;
    o.extent = a.extent;
    if (!(store = cli_open_store(c, NM_STORE_CREATE, &code)))
        return code;
    code = finish_import(c, store, nm_import_boundaries(store, &o, &r), &r, "areas");
    if (code == EXIT_OK && r.repaired && !c->quiet)
        fprintf(stderr, "needsmap: %s: %ld invalid geometries (self-intersecting rings) kept as "
                        "drawn; fills use the even-odd rule\n", a.in.path, r.repaired);
    return code;
}

const cli_command cmd_import_boundaries = {
    "import boundaries", "FILE --level LEVEL [OPTIONS]",
    "Import areas from a shapefile, GeoJSON, GeoPackage or any OGR source.",
    boundaries_opts, run_import_boundaries,
};

/* ---- import iod ------------------------------------------------------- */

static const cli_opt iod_opts[] = {
    {"period", required_argument, OPT_PERIOD, "YEAR", "release year (default: from the file)"},
    {"strict", no_argument, OPT_STRICT, NULL, "codes matching no stored area are an error"},
    {0, 0, 0, 0, 0},
};

static int run_import_iod(cli *c, int argc, char **argv)
{
    import_args a = {0};
    nm_iod_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    int code = 0;

    if (parse_import(c, &cmd_import_iod, argc, argv, &a, &code) < 0)
        return code;
    o.in = a.in;
    o.period = a.period;
    if (!(store = cli_open_store(c, NM_STORE_CREATE, &code)))
        return code;
    return finish_import(c, store, nm_import_iod(store, &o, &r), &r, "values");
}

const cli_command cmd_import_iod = {
    "import iod", "FILE [OPTIONS]",
    "Import an official English Indices of Deprivation file (2019, 2010, 2007; CSV or XLSX).",
    iod_opts, run_import_iod,
};

/* ---- import indicators ------------------------------------------------ */

static const cli_opt indicators_opts[] = {
    {"key", required_argument, OPT_KEY, "COLUMN", "column with the area codes (required)"},
    {"level", required_argument, OPT_LEVEL, "LEVEL", "level of the areas (default: from the codes)"},
    {"vintage", required_argument, OPT_VINTAGE, "YEAR", "year of the codes"},
    {"period", required_argument, OPT_PERIOD, "PERIOD", "period of the data, e.g. 2019 (required)"},
    {"columns", required_argument, OPT_COLUMNS, "A,B", "only these columns"},
    {"source", required_argument, OPT_SOURCE, "TEXT", "attribution of the data"},
    {"strict", no_argument, OPT_STRICT, NULL, "codes matching no stored area are an error"},
    {0, 0, 0, 0, 0},
};

static int run_import_indicators(cli *c, int argc, char **argv)
{
    import_args a = {0};
    nm_indicators_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    int code = 0;

    if (parse_import(c, &cmd_import_indicators, argc, argv, &a, &code) < 0)
        return code;
    if (!a.key)
        return cli_usage_error(c, "--key COLUMN is required");
    o.in = a.in;
    o.key = a.key;
    o.level = a.level;
    o.vintage = (int)a.vintage;
    o.period = a.period;
    o.columns = a.columns;
    o.source = a.source;
    if (!(store = cli_open_store(c, NM_STORE_CREATE, &code)))
        return code;
    return finish_import(c, store, nm_import_indicators(store, &o, &r), &r, "values");
}

const cli_command cmd_import_indicators = {
    "import indicators", "FILE --key COLUMN [OPTIONS]",
    "Import a table keyed by area code: one indicator per numeric column.",
    indicators_opts, run_import_indicators,
};

/* ---- import lookup ---------------------------------------------------- */

static const cli_opt lookup_opts[] = {
    {"child", required_argument, OPT_CHILD, "COLUMN", "column of child codes, e.g. LSOA11CD"},
    {"parent", required_argument, OPT_PARENT, "COLUMN", "column of parent codes, e.g. WD19CD"},
    {"parent-level", required_argument, OPT_PARENT_LEVEL, "LEVEL", "level of the parents"},
    {"child-level", required_argument, OPT_CHILD_LEVEL, "LEVEL", "level of the children"},
    {"child-vintage", required_argument, OPT_CHILD_VINTAGE, "YEAR", "year of the child codes"},
    {"parent-vintage", required_argument, OPT_PARENT_VINTAGE, "YEAR", "year of the parent codes"},
    {"strict", no_argument, OPT_STRICT, NULL, "codes matching no stored area are an error"},
    {0, 0, 0, 0, 0},
};

static int run_import_lookup(cli *c, int argc, char **argv)
{
    import_args a = {0};
    nm_lookup_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    int code = 0;

    if (parse_import(c, &cmd_import_lookup, argc, argv, &a, &code) < 0)
        return code;
    if (!a.child || !a.parent || !a.parent_level)
        return cli_usage_error(c, "--child, --parent and --parent-level are required");
    o.in = a.in;
    o.child = a.child;
    o.parent = a.parent;
    o.child_level = a.child_level;
    o.parent_level = a.parent_level;
    o.child_vintage = (int)a.child_vintage;
    o.parent_vintage = (int)a.parent_vintage;
    if (!(store = cli_open_store(c, NM_STORE_CREATE, &code)))
        return code;
    return finish_import(c, store, nm_import_lookup(store, &o, &r), &r, "memberships");
}

const cli_command cmd_import_lookup = {
    "import lookup", "FILE --child COLUMN --parent COLUMN --parent-level LEVEL [OPTIONS]",
    "Import memberships from a lookup table (LSOA to ward, ward to region, ...).",
    lookup_opts, run_import_lookup,
};

/* ---- import neighbours ------------------------------------------------ */

static const cli_opt neighbours_opts[] = {
    {"model", required_argument, OPT_MODEL, "YEAR", "DfE model: 2021 or 2025 (default: from the file name)"},
    {0, 0, 0, 0, 0},
};

static int run_import_neighbours(cli *c, int argc, char **argv)
{
    import_args a = {0};
    nm_neighbours_opts o = {0};
    nm_import_result r = {0};
    nm_store *store;
    int code = 0;

    if (parse_import(c, &cmd_import_neighbours, argc, argv, &a, &code) < 0)
        return code;
    o.in = a.in;
    o.model = a.model;
    if (!(store = cli_open_store(c, NM_STORE_CREATE, &code)))
        return code;
    return finish_import(c, store, nm_import_neighbours(store, &o, &r), &r, "authorities' neighbours");
}

const cli_command cmd_import_neighbours = {
    "import neighbours", "FILE [--model 2021|2025]",
    "Import DfE's statistical neighbours (authorities found by name among stored upper-tier names).",
    neighbours_opts, run_import_neighbours,
};
