/*
 * needsmap summary: locality summaries of a borough as a printed document
 * (PDF) or as tables (CSV, XLSX, Markdown).
 */
#include <string.h>

#include "cli.h"

enum { OPT_WITHIN = 256, OPT_LOCALITIES, OPT_INDICATOR, OPT_INDICATORS, OPT_PERIOD, OPT_TITLE,
       OPT_FORMAT, OPT_OUTPUT, OPT_DISTRICTS };

static const cli_opt summary_opts[] = {
    {"within", required_argument, OPT_WITHIN, "CODE|NAME", "the borough: its wards and localities"},
    {"localities", no_argument, OPT_LOCALITIES, NULL, "a section per locality (the default; from 'import localities')"},
    {"districts", no_argument, OPT_DISTRICTS, NULL, "a section per district of a county (the default where no localities are stored within it)"},
    {"indicator", required_argument, OPT_INDICATOR, "ID", "indicator of the maps (default imd_decile)"},
    {"indicators", required_argument, OPT_INDICATORS, "A,B,...", "rows of the tables and charts: ward aggregates (pop_total, imd_nat10_share, imd_score_pw, ...) or incident sets (violence)"},
    {"period", required_argument, OPT_PERIOD, "P", "release of the index (default: latest stored)"},
    {"title", required_argument, OPT_TITLE, "TEXT", "title of the document"},
    {"format", required_argument, OPT_FORMAT, "FMT", "pdf, csv, xlsx, md or html (default: by the extension)"},
    {"output", required_argument, OPT_OUTPUT, "FILE", "file written (atomically); also -o"},
    {0, 0, 0, 0, 0},
};

static int on_summary_opt(cli *c, int id, const char *arg, void *state)
{
    static const char *const names[] = {"pdf", "csv", "xlsx", "md", "html"};
    nm_summary_opts *o = state;
    size_t i;

    switch (id) {
    case OPT_WITHIN: o->within = arg; break;
    case OPT_LOCALITIES: o->localities = 1; break;
    case OPT_DISTRICTS: o->districts = 1; break;
    case OPT_INDICATOR: o->indicator = arg; break;
    case OPT_INDICATORS: o->indicators = arg; break;
    case OPT_PERIOD: o->period = arg; break;
    case OPT_TITLE: o->title = arg; break;
    case OPT_OUTPUT: o->output = arg; break;
    case OPT_FORMAT:
        for (i = 0; i < sizeof names / sizeof names[0] && strcmp(arg, names[i]) != 0; i++)
            ;
        if (i == sizeof names / sizeof names[0])
            return cli_usage_error(c, "--format: \"%s\" is not pdf, csv, xlsx, md or html", arg) != 0;
        o->format = (nm_summary_format)(NM_SUMMARY_PDF + (int)i);
        break;
    }
    return 0;
}

static int run_summary(cli *c, int argc, char **argv)
{
    nm_summary_opts o;
    nm_summary_result r;
    nm_store *store;
    nm_status rc;
    int code = 0, first;

    nm_summary_opts_init(&o);
    first = cli_parse(c, &cmd_summary, argc, argv, on_summary_opt, &o, &code);
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
    summary_opts, run_summary,
};
