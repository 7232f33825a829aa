/*
 * needsmap map: one choropleth of an indicator.
 */
#include <string.h>

#include "cli.h"

enum {
    OPT_PERIOD = 256, OPT_LEVEL, OPT_VINTAGE, OPT_WITHIN, OPT_RANK, OPT_CLASSIFY, OPT_PALETTE,
    OPT_REVERSE, OPT_GREY, OPT_TITLE, OPT_SUBTITLE, OPT_OVERLAY, OPT_LABELS, OPT_PAGE,
    OPT_LANDSCAPE, OPT_PORTRAIT, OPT_DPI, OPT_OUTPUT, OPT_NO_SIDECAR, OPT_SINCE, OPT_LABEL_FIELD,
    OPT_LABEL_SIZE, OPT_NO_CONTEXT, OPT_OUTLINE_WIDTH, OPT_NO_OUTLINES, OPT_SIZE, OPT_FIGURE,
    OPT_LEGEND, OPT_LOCATOR
};

static const cli_opt map_opts[] = {
    {"output", required_argument, OPT_OUTPUT, "FILE", "the map: .png, .pdf, .svg or .html (required; also -o)"},
    {"period", required_argument, OPT_PERIOD, "P", "period of the indicator (default: latest)"},
    {"since", required_argument, OPT_SINCE, "P", "map the change in national decile since release P (ranks, deciles)"},
    {"level", required_argument, OPT_LEVEL, "LEVEL", "areas to shade (default lsoa)"},
    {"vintage", required_argument, OPT_VINTAGE, "YEAR", "boundary year (default: latest)"},
    {"within", required_argument, OPT_WITHIN, "CODE|NAME", "only the areas within this LAD, region, ward or locality"},
    {"rank", required_argument, OPT_RANK, "SCOPE", "national (as published), region or local: re-rank first"},
    {"classify", required_argument, OPT_CLASSIFY, "SPEC", "deciles, quintiles, quantile:N, equal:N, jenks:N, breaks:A,B,..."},
    {"palette", required_argument, OPT_PALETTE, "NAME", "ColorBrewer scheme (default YlOrRd)"},
    {"reverse", no_argument, OPT_REVERSE, NULL, "reverse the palette"},
    {"greyscale", no_argument, OPT_GREY, NULL, "greys, for black-and-white printing"},
    {"title", required_argument, OPT_TITLE, "TEXT", "title (default: the indicator's label and period)"},
    {"subtitle", required_argument, OPT_SUBTITLE, "TEXT", "subtitle (default: what and where)"},
    {"overlay", required_argument, OPT_OVERLAY, "LEVEL", "draw this level's outlines over the map (e.g. ward)"},
    {"labels", required_argument, OPT_LABELS, "LEVEL", "name this level's areas on the map (e.g. ward)"},
    {"label-field", required_argument, OPT_LABEL_FIELD, "name|code", "what labels show (default name)"},
    {"label-size", required_argument, OPT_LABEL_SIZE, "PT", "label size in points (default 7.5; names shrink to 5.5 pt, then go on leader lines)"},
    {"size", required_argument, OPT_SIZE, "WxHmm", "a figure's own page size, e.g. 160x120mm (instead of --page)"},
    {"figure", no_argument, OPT_FIGURE, NULL, "the figure only: no title or subtitle, narrow margins; the source line stays"},
    {"legend", required_argument, OPT_LEGEND, "POS", "auto, right, bottom, inside (in the map's emptiest corner) or none"},
    {"locator", no_argument, OPT_LOCATOR, NULL, "an inset of England with the --within area marked (needs region or district boundaries)"},
    {"no-context", no_argument, OPT_NO_CONTEXT, NULL, "leave the neighbouring areas out (default: drawn in grey around the selection)"},
    {"outline-width", required_argument, OPT_OUTLINE_WIDTH, "MM", "outline of the shaded areas (default 0.1 mm)"},
    {"no-outlines", no_argument, OPT_NO_OUTLINES, NULL, "no outlines around the shaded areas"},
    {"page", required_argument, OPT_PAGE, "A4|A3", "paper size (default A4)"},
    {"landscape", no_argument, OPT_LANDSCAPE, NULL, "landscape page (default: what fits the area best)"},
    {"portrait", no_argument, OPT_PORTRAIT, NULL, "portrait page"},
    {"dpi", required_argument, OPT_DPI, "N", "PNG resolution (default 150)"},
    {"no-sidecar", no_argument, OPT_NO_SIDECAR, NULL, "do not write FILE.json beside the map"},
    {0, 0, 0, 0, 0},
};

static int on_map_opt(cli *c, int id, const char *arg, void *state)
{
    nm_choropleth_opts *o = state;
    long n;

    switch (id) {
    case OPT_OUTPUT: o->output = arg; break;
    case OPT_PERIOD: o->period = arg; break;
    case OPT_SINCE: o->since = arg; break;
    case OPT_LEVEL: o->level = arg; break;
    case OPT_WITHIN: o->within = arg; break;
    case OPT_CLASSIFY: o->classify = arg; break;
    case OPT_PALETTE: o->palette = arg; break;
    case OPT_REVERSE: o->reverse = 1; break;
    case OPT_GREY: o->greyscale = 1; break;
    case OPT_TITLE: o->title = arg; break;
    case OPT_SUBTITLE: o->subtitle = arg; break;
    case OPT_OVERLAY: o->overlay = arg; break;
    case OPT_LABELS: o->labels = arg; break;
    case OPT_LANDSCAPE: o->orient = NM_ORIENT_LANDSCAPE; break;
    case OPT_PORTRAIT: o->orient = NM_ORIENT_PORTRAIT; break;
    case OPT_NO_SIDECAR: o->sidecar = 0; break;
    case OPT_NO_CONTEXT: o->context = 0; break;
    case OPT_LOCATOR: o->locator = 1; break;
    case OPT_SIZE: o->size = arg; break;
    case OPT_FIGURE: o->figure = 1; break;
    case OPT_LEGEND: o->legend = arg; break;
    case OPT_NO_OUTLINES: o->no_outlines = 1; break;
    case OPT_OUTLINE_WIDTH:
        if (!cli_parse_double(c, "outline-width", arg, 0.01, 2, &o->outline_mm))
            return 1;
        break;
    case OPT_LABEL_FIELD:
        if (strcmp(arg, "name") == 0 || strcmp(arg, "code") == 0)
            o->label_codes = strcmp(arg, "code") == 0;
        else
            return cli_usage_error(c, "--label-field: \"%s\" is not name or code", arg) != 0;
        break;
    case OPT_LABEL_SIZE:
        if (!cli_parse_double(c, "label-size", arg, 3, 36, &o->label_pt))
            return 1;
        break;
    case OPT_VINTAGE:
        if (!cli_parse_int(c, "vintage", arg, 1900, 2100, &n))
            return 1;
        o->vintage = (int)n;
        break;
    case OPT_DPI:
        if (!cli_parse_int(c, "dpi", arg, 36, 1200, &n))
            return 1;
        o->dpi = (double)n;
        break;
    case OPT_PAGE:
        if (strcmp(arg, "A4") == 0 || strcmp(arg, "a4") == 0)
            o->paper = NM_PAPER_A4;
        else if (strcmp(arg, "A3") == 0 || strcmp(arg, "a3") == 0)
            o->paper = NM_PAPER_A3;
        else
            return cli_usage_error(c, "--page: \"%s\" is not A4 or A3", arg) != 0;
        break;
    case OPT_RANK:
        if (strcmp(arg, "national") == 0)
            o->rank = NM_RANK_NATIONAL;
        else if (strcmp(arg, "region") == 0)
            o->rank = NM_RANK_REGION;
        else if (strcmp(arg, "local") == 0)
            o->rank = NM_RANK_LOCAL;
        else
            return cli_usage_error(c, "--rank: \"%s\" is not national, region or local", arg) != 0;
        break;
    }
    return 0;
}

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

    nm_choropleth_opts_init(&o);
    first = cli_parse(c, &cmd_map, argc, argv, on_map_opt, &o, &code);
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
    map_opts, run_map,
};
