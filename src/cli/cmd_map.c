/*
 * needsmap map: one choropleth of an indicator.
 */
#include <string.h>

#include "cli.h"

/* Labels left out are never silent: their number always, each with why
 * under --verbose (and in the sidecar). */
static void report_labels(cli *c, const nm_choropleth_opts *o, const nm_choropleth_result *r)
{
    const char *p = r->unplaced, *e;

    if (!p)
        return;
    fprintf(stderr, "needsmap: map: %s: %d of %d %s labels not placed%s\n", o->output,
            r->layout.labels_unplaced, r->layout.labels_placed + r->layout.labels_unplaced,
            o->labels, c->verbose ? ":" : " (--verbose or the sidecar lists them)");
    while (c->verbose && *p) {
        e = strchr(p, '\n');
        if (!e)
            e = p + strlen(p);
        fprintf(stderr, "needsmap: map:   %.*s\n", (int)(e - p), p);
        p = *e ? e + 1 : e;
    }
}

static int run_map(cli *c, int argc, char **argv)
{
    nm_choropleth_opts o;
    nm_choropleth_result r;
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_map, argc, argv, &o, NULL, NULL, &code);
    if (first < 0)
        return code;
    if (argc - first != 1)
        return cli_usage_error(c, argc - first < 1 ? "no INDICATOR given (needsmap info lists them)"
                                                   : "one INDICATOR at a time");
    o.indicator = argv[first];
    if (!o.output)
        return cli_usage_error(c, "-o FILE is required (.png, .pdf, .svg or .html)");
    if (!(store = cli_open_store_within(c, NM_STORE_READONLY, &o.within, &code)))
        return code;
    memset(&r, 0, sizeof r);
    rc = nm_choropleth(store, &o, &r);
    if (rc != NM_OK)
        code = cli_fail(c, rc);
    else if (!c->quiet)
        fprintf(stderr, "needsmap: map: %s: %ld areas in %d classes%s, 1:%.0f on %s %s\n",
                o.output, r.areas, r.classes, r.missing ? " (some without data)" : "",
                r.layout.scale, o.size ? o.size : o.paper == NM_PAPER_A3 ? "A3" : "A4",
                r.layout.orient == NM_ORIENT_LANDSCAPE ? "landscape" : "portrait");
    if (rc == NM_OK && !c->quiet && o.labels)
        report_labels(c, &o, &r);
    nm_free(r.unplaced);
    nm_store_close(store);
    return code;
}

const cli_command cmd_map = {
    "map", "INDICATOR -o FILE [OPTIONS]",
    "Draw a choropleth map of an indicator (PNG, PDF or SVG).",
    NULL, run_map,
};
