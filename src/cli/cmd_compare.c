/*
 * needsmap compare: wards side by side on one page, on one classification,
 * with their figures.
 */
#include <string.h>

#include "cli.h"

enum { OPT_WITHIN = 256, OPT_INDICATOR, OPT_INDICATORS, OPT_PERIOD, OPT_TITLE, OPT_DPI,
       OPT_OUTPUT };

static const cli_opt compare_opts[] = {
    {"within", required_argument, OPT_WITHIN, "CODE|NAME", "the borough: where names are looked up, compared in the table"},
    {"indicator", required_argument, OPT_INDICATOR, "ID", "indicator of the maps (default imd_decile)"},
    {"indicators", required_argument, OPT_INDICATORS, "A,B,...", "rows of the table, as for summary"},
    {"period", required_argument, OPT_PERIOD, "P", "release of the index (default: latest stored)"},
    {"title", required_argument, OPT_TITLE, "TEXT", "title of the page"},
    {"dpi", required_argument, OPT_DPI, "N", "resolution of a PNG (default 150)"},
    {"output", required_argument, OPT_OUTPUT, "FILE", ".pdf, .png or .html, written atomically; also -o"},
    {0, 0, 0, 0, 0},
};

static int on_compare_opt(cli *c, int id, const char *arg, void *state)
{
    nm_compare_opts *o = state;
    long dpi;

    switch (id) {
    case OPT_WITHIN: o->within = arg; break;
    case OPT_INDICATOR: o->indicator = arg; break;
    case OPT_INDICATORS: o->indicators = arg; break;
    case OPT_PERIOD: o->period = arg; break;
    case OPT_TITLE: o->title = arg; break;
    case OPT_OUTPUT: o->output = arg; break;
    case OPT_DPI:
        if (!cli_parse_int(c, "dpi", arg, 36, 1200, &dpi))
            return 1;
        o->dpi = (double)dpi;
        break;
    }
    return 0;
}

static int run_compare(cli *c, int argc, char **argv)
{
    nm_compare_opts o = {0};
    nm_compare_result r;
    nm_store *store;
    nm_status rc;
    int code = 0, first;
    char *wards = NULL;
    size_t len = 0;

    first = cli_parse(c, &cmd_compare, argc, argv, on_compare_opt, &o, &code);
    if (first < 0)
        return code;
    if (first >= argc)
        return cli_usage_error(c, "give the wards to compare (codes or names)");
    if (!o.output)
        return cli_usage_error(c, "an output file is required (-o FILE.pdf, FILE.png or FILE.html)");
    for (int i = first; i < argc; i++) {
        if (strchr(argv[i], ','))
            return cli_usage_error(c, "a ward name with a comma: \"%s\"", argv[i]);
        len += strlen(argv[i]) + 1;
    }
    if (!(wards = nm_malloc(len + 1)))
        return cli_fail(c, NM_NOMEM);
    wards[0] = '\0';
    for (int i = first, at = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (i > first)
            wards[at++] = ',';
        memcpy(wards + at, argv[i], n + 1);
        at += (int)n;
    }
    o.wards = wards;
    if ((store = cli_open_store_within(c, NM_STORE_READONLY, &o.within, &code)) != NULL) {
        rc = nm_compare(store, &o, &r);
        if (rc != NM_OK)
            code = cli_fail(c, rc);
        else if (!c->quiet && r.scale > 0)
            fprintf(stderr, "%s: %d wards on %s landscape, %d classes, every map at 1:%.0f\n",
                    o.output, r.wards, r.paper == NM_PAPER_A3 ? "A3" : "A4", r.classes, r.scale);
        else if (!c->quiet)
            fprintf(stderr, "%s: %d wards, %d classes\n", o.output, r.wards, r.classes);
        nm_store_close(store);
    }
    nm_free(wards);
    return code;
}

const cli_command cmd_compare = {
    "compare", "WARD [WARD ...] [OPTIONS] -o FILE.pdf|FILE.png|FILE.html",
    "Wards side by side: maps on one classification, one legend, and their figures.",
    compare_opts, run_compare,
};
