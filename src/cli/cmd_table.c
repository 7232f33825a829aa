/*
 * needsmap table: indicators by area as CSV, XLSX or a Markdown table.
 */
#include <string.h>

#include "cli.h"

static int run_table(cli *c, int argc, char **argv)
{
    nm_table_opts o = {0};
    nm_table_result r;
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_table, argc, argv, &o, NULL, NULL, &code);
    if (first < 0)
        return code;
    if (first < argc)
        return cli_usage_error(c, "unexpected \"%s\"", argv[first]);
    if (!o.output)
        return cli_usage_error(c, "-o FILE is required (.csv, .xlsx or .md)");
    if (!(store = cli_open_store_within(c, NM_STORE_READONLY, &o.within, &code)))
        return code;
    rc = nm_table_write(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!c->quiet)
        fprintf(stderr, "needsmap: table: %s: %ld rows, %d indicator columns\n", o.output, r.rows,
                r.columns);
    nm_store_close(store);
    return code;
}

const cli_command cmd_table = {
    "table", "-o FILE.csv|FILE.xlsx|FILE.md [OPTIONS]",
    "Write indicators by area as CSV, an XLSX workbook or a Markdown table.",
    NULL, run_table,
};
