/*
 * needsmap summary: locality summaries of a borough as a printed document
 * (PDF) or as tables (CSV, XLSX, Markdown).
 */
#include <string.h>

#include "cli.h"

static int run_summary(cli *c, int argc, char **argv)
{
    nm_summary_opts o;
    nm_summary_result r;
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_summary, argc, argv, &o, NULL, NULL, &code);
    if (first < 0)
        return code;
    if (first < argc)
        return cli_usage_error(c, "unexpected argument \"%s\"", argv[first]);
    if (!o.output)
        return cli_usage_error(c, "an output file is required (-o FILE)");
    if (!(store = cli_open_store_within(c, NM_STORE_READONLY, &o.within, &code)))
        return code;
    rc = nm_summary(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!c->quiet && r.pages > 0)
        fprintf(stderr, "%s: %d %s, %ld wards, %d pages\n", o.output, r.localities,
                r.by_district ? "districts" : "localities", r.wards, r.pages);
    else if (!c->quiet)
        fprintf(stderr, "%s: %d %s, %ld wards\n", o.output, r.localities,
                r.by_district ? "districts" : "localities", r.wards);
    if (rc == NM_OK && !c->quiet && r.by_district && !o.districts)
        fprintf(stderr, "needsmap: no localities are stored within %s: one section per district "
                        "(import localities FILE to group its wards otherwise)\n", o.within);
    nm_store_close(store);
    return code;
}

const cli_command cmd_summary = {
    "summary", "[--within CODE] [--localities|--districts] [OPTIONS] -o FILE",
    "Locality summaries: maps, ward tables and charts (PDF), or the tables (CSV, XLSX, Markdown).",
    NULL, run_summary,
};
