/*
 * The kinds of section a figures file may hold: inputs ([data.NAME] with
 * type = boundaries, iod, ...) and figures ([map.NAME], ...).  Each is one
 * entry of a table: its keys (the command's long options, filling the
 * library call's options struct), how to run it, and for a figure the
 * datasets it reads.  Adding a figure type is one entry in 'figures'.
 */
#include <stddef.h>
#include <string.h>

#include "build/build_int.h"
#include "needsmap/analyse.h"
#include "needsmap/ingest.h"
#include "needsmap/report.h"
#include "report/report_int.h"

#define KEY(name, kind, type, field) {name, kind, offsetof(type, field), 0, 0, 0, NULL}
#define REQ(name, kind, type, field) {name, kind, offsetof(type, field), 1, 0, 0, NULL}
#define NUM(name, kind, type, field, lo, hi) {name, kind, offsetof(type, field), 0, lo, hi, NULL}
#define ENUM(name, type, field, first, choices) \
    {name, BD_ENUM, offsetof(type, field), 0, first, 0, choices}
#define END {NULL, BD_STR, 0, 0, 0, 0, NULL}

/* ---- inputs ---------------------------------------------------------------- */

static const bd_key boundaries_keys[] = {
    REQ("level", BD_STR, nm_boundaries_opts, level),
    KEY("code", BD_STR, nm_boundaries_opts, code_field),
    KEY("name", BD_STR, nm_boundaries_opts, name_field),
    NUM("vintage", BD_INT, nm_boundaries_opts, vintage, 1900, 2100),
    KEY("crs", BD_STR, nm_boundaries_opts, crs),
    END,
};

static nm_status import_boundaries(nm_store *store, void *opts, const char *file)
{
    nm_boundaries_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_boundaries(store, o, &r);
}

static const bd_key iod_keys[] = {
    KEY("period", BD_STR, nm_iod_opts, period),
    NUM("strict", BD_BOOL, nm_iod_opts, in.strict, 0, 1),
    END,
};

static nm_status import_iod(nm_store *store, void *opts, const char *file)
{
    nm_iod_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_iod(store, o, &r);
}

static const bd_key indicators_keys[] = {
    REQ("key", BD_STR, nm_indicators_opts, key),
    KEY("level", BD_STR, nm_indicators_opts, level),
    NUM("vintage", BD_INT, nm_indicators_opts, vintage, 1900, 2100),
    KEY("period", BD_STR, nm_indicators_opts, period),
    KEY("columns", BD_STR, nm_indicators_opts, columns),
    KEY("source", BD_STR, nm_indicators_opts, source),
    NUM("strict", BD_BOOL, nm_indicators_opts, in.strict, 0, 1),
    END,
};

static nm_status import_indicators(nm_store *store, void *opts, const char *file)
{
    nm_indicators_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_indicators(store, o, &r);
}

static const bd_key lookup_keys[] = {
    REQ("child", BD_STR, nm_lookup_opts, child),
    REQ("parent", BD_STR, nm_lookup_opts, parent),
    KEY("child-level", BD_STR, nm_lookup_opts, child_level),
    REQ("parent-level", BD_STR, nm_lookup_opts, parent_level),
    NUM("child-vintage", BD_INT, nm_lookup_opts, child_vintage, 1900, 2100),
    NUM("parent-vintage", BD_INT, nm_lookup_opts, parent_vintage, 1900, 2100),
    END,
};

static nm_status import_lookup(nm_store *store, void *opts, const char *file)
{
    nm_lookup_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_lookup(store, o, &r);
}

static const bd_key localities_keys[] = {
    KEY("ward", BD_STR, nm_localities_opts, ward_column),
    KEY("locality", BD_STR, nm_localities_opts, locality_column),
    KEY("code", BD_STR, nm_localities_opts, code_column),
    KEY("code-prefix", BD_STR, nm_localities_opts, code_prefix),
    END,
};

static nm_status import_localities(nm_store *store, void *opts, const char *file)
{
    nm_localities_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_localities(store, o, &r);
}

static const bd_key incidents_keys[] = {
    KEY("x", BD_STR, nm_incidents_opts, x),
    KEY("y", BD_STR, nm_incidents_opts, y),
    KEY("crs", BD_STR, nm_incidents_opts, crs),
    KEY("date", BD_STR, nm_incidents_opts, date),
    KEY("category", BD_STR, nm_incidents_opts, category),
    KEY("sex", BD_STR, nm_incidents_opts, sex),
    KEY("children", BD_STR, nm_incidents_opts, children),
    KEY("where", BD_STR, nm_incidents_opts, where),
    KEY("name", BD_STR, nm_incidents_opts, name),
    KEY("source", BD_STR, nm_incidents_opts, source),
    END,
};

static nm_status import_incidents(nm_store *store, void *opts, const char *file)
{
    nm_incidents_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_incidents(store, o, &r);
}

static const bd_key assign_keys[] = {
    REQ("from", BD_STR, nm_assign_opts, child_level),
    REQ("to", BD_STR, nm_assign_opts, parent_level),
    NUM("from-vintage", BD_INT, nm_assign_opts, child_vintage, 1900, 2100),
    NUM("to-vintage", BD_INT, nm_assign_opts, parent_vintage, 1900, 2100),
    ENUM("method", nm_assign_opts, method, NM_ASSIGN_POINT, "point|area"),
    KEY("within", BD_STR, nm_assign_opts, within),
    NUM("min-share", BD_DOUBLE, nm_assign_opts, min_share, 0, 1),
    END,
};

static nm_status run_assign(nm_store *store, void *opts, const char *file)
{
    nm_assign_result r = {0};
    nm_status rc;

    (void)file;
    rc = nm_assign(store, opts, &r);
    nm_assign_result_clear(&r);
    return rc;
}

static const bd_key aggregate_keys[] = {
    REQ("to", BD_STR, nm_aggregate_opts, to),
    KEY("from", BD_STR, nm_aggregate_opts, from),
    KEY("within", BD_STR, nm_aggregate_opts, within),
    KEY("indicators", BD_STR, nm_aggregate_opts, indicators),
    KEY("period", BD_STR, nm_aggregate_opts, period),
    END,
};

static nm_status run_aggregate(nm_store *store, void *opts, const char *file)
{
    (void)file;
    return nm_aggregate(store, opts, NULL);
}

static const bd_key count_keys[] = {
    REQ("level", BD_STR, nm_count_opts, level),
    NUM("vintage", BD_INT, nm_count_opts, vintage, 1900, 2100),
    KEY("within", BD_STR, nm_count_opts, within),
    KEY("incidents", BD_STR, nm_count_opts, incidents),
    KEY("category", BD_STR, nm_count_opts, category),
    KEY("sex", BD_STR, nm_count_opts, sex),
    KEY("from", BD_STR, nm_count_opts, from),
    KEY("to", BD_STR, nm_count_opts, to),
    KEY("per", BD_STR, nm_count_opts, per),
    KEY("per-female", BD_STR, nm_count_opts, per_female),
    KEY("per-male", BD_STR, nm_count_opts, per_male),
    KEY("per-period", BD_STR, nm_count_opts, per_period),
    NUM("suppress-below", BD_LONG, nm_count_opts, suppress_below, -1, 1000000),
    KEY("name", BD_STR, nm_count_opts, name),
    END,
};

static nm_status run_count(nm_store *store, void *opts, const char *file)
{
    nm_count_result r;

    (void)file;
    memset(&r, 0, sizeof r);
    return nm_count_incidents(store, opts, &r);
}

static const bd_key derive_keys[] = {
    REQ("id", BD_STR, nm_derive_opts, id),
    REQ("expression", BD_STR, nm_derive_opts, expression),
    KEY("period", BD_STR, nm_derive_opts, period),
    KEY("label", BD_STR, nm_derive_opts, label),
    KEY("unit", BD_STR, nm_derive_opts, unit),
    ENUM("worse", nm_derive_opts, polarity, -1, "lower|none|higher"),
    END,
};

static nm_status run_derive(nm_store *store, void *opts, const char *file)
{
    (void)file;
    return nm_derive(store, opts, NULL);
}

/* Imports and steps in the order a needs analysis takes them. */
static const bd_type inputs[] = {
    {"boundaries", sizeof(nm_boundaries_opts), NULL, boundaries_keys, import_boundaries, 0, 0,
     NULL, NULL},
    {"iod", sizeof(nm_iod_opts), NULL, iod_keys, import_iod, 0, 0, NULL, NULL},
    {"indicators", sizeof(nm_indicators_opts), NULL, indicators_keys, import_indicators, 0, 0,
     NULL, NULL},
    {"lookup", sizeof(nm_lookup_opts), NULL, lookup_keys, import_lookup, 0, 0, NULL, NULL},
    {"localities", sizeof(nm_localities_opts), NULL, localities_keys, import_localities, 1, 0,
     NULL, NULL},
    {"incidents", sizeof(nm_incidents_opts), NULL, incidents_keys, import_incidents, 0, 0, NULL,
     NULL},
    {"assign", sizeof(nm_assign_opts), NULL, assign_keys, run_assign, 1, 1, NULL, NULL},
    {"aggregate", sizeof(nm_aggregate_opts), NULL, aggregate_keys, run_aggregate, 1, 1, NULL,
     NULL},
    {"count", sizeof(nm_count_opts), NULL, count_keys, run_count, 1, 1, NULL, NULL},
    {"derive", sizeof(nm_derive_opts), NULL, derive_keys, run_derive, 1, 1, NULL, NULL},
};

/* ---- figures --------------------------------------------------------------- */

static const bd_key map_keys[] = {
    REQ("indicator", BD_STR, nm_choropleth_opts, indicator),
    KEY("period", BD_STR, nm_choropleth_opts, period),
    KEY("since", BD_STR, nm_choropleth_opts, since),
    KEY("level", BD_STR, nm_choropleth_opts, level),
    NUM("vintage", BD_INT, nm_choropleth_opts, vintage, 1900, 2100),
    KEY("within", BD_STR, nm_choropleth_opts, within),
    ENUM("rank", nm_choropleth_opts, rank, NM_RANK_NONE, "none|national|region|local"),
    KEY("classify", BD_STR, nm_choropleth_opts, classify),
    KEY("palette", BD_STR, nm_choropleth_opts, palette),
    NUM("reverse", BD_BOOL, nm_choropleth_opts, reverse, 0, 1),
    NUM("greyscale", BD_BOOL, nm_choropleth_opts, greyscale, 0, 1),
    KEY("title", BD_STR, nm_choropleth_opts, title),
    KEY("subtitle", BD_STR, nm_choropleth_opts, subtitle),
    KEY("overlay", BD_STR, nm_choropleth_opts, overlay),
    KEY("labels", BD_STR, nm_choropleth_opts, labels),
    ENUM("page", nm_choropleth_opts, paper, NM_PAPER_A4, "A4|A3"),
    ENUM("orientation", nm_choropleth_opts, orient, NM_ORIENT_AUTO, "auto|portrait|landscape"),
    NUM("dpi", BD_DOUBLE, nm_choropleth_opts, dpi, 36, 1200),
    REQ("output", BD_OUTPUT, nm_choropleth_opts, output),
    NUM("sidecar", BD_BOOL, nm_choropleth_opts, sidecar, 0, 1),
    KEY("size", BD_STR, nm_choropleth_opts, size),
    NUM("figure", BD_BOOL, nm_choropleth_opts, figure, 0, 1),
    KEY("legend", BD_STR, nm_choropleth_opts, legend),
    NUM("context", BD_BOOL, nm_choropleth_opts, context, 0, 1),
    NUM("locator", BD_BOOL, nm_choropleth_opts, locator, 0, 1),
    NUM("label-size", BD_DOUBLE, nm_choropleth_opts, label_pt, 3, 36),
    NUM("label-codes", BD_BOOL, nm_choropleth_opts, label_codes, 0, 1),
    NUM("outline-width", BD_DOUBLE, nm_choropleth_opts, outline_mm, 0.01, 2),
    NUM("no-outlines", BD_BOOL, nm_choropleth_opts, no_outlines, 0, 1),
    END,
};

static void map_init(void *opts)
{
    nm_choropleth_opts_init(opts);
}

static nm_status map_draw(nm_store *store, const void *opts)
{
    return nm_choropleth(store, opts, NULL);
}

static nm_status map_inputs(nm_store *store, const void *opts, bd_memo *memo, bd_ids *out)
{
    nm_input_query q[NM_INPUT_QUERIES_MAX];
    int i, n = nm_map_input_queries(opts, q);
    nm_status rc = NM_OK;

    for (i = 0; rc == NM_OK && i < n; i++)
        rc = bd_query_ids(store, memo, q[i].sql, q[i].params, q[i].nparams, out);
    return rc;
}

static const bd_key table_keys[] = {
    KEY("level", BD_STR, nm_table_opts, level),
    NUM("vintage", BD_INT, nm_table_opts, vintage, 1900, 2100),
    KEY("within", BD_STR, nm_table_opts, within),
    KEY("indicators", BD_STR, nm_table_opts, indicators),
    KEY("period", BD_STR, nm_table_opts, period),
    REQ("output", BD_OUTPUT, nm_table_opts, output),
    END,
};

static nm_status table_draw(nm_store *store, const void *opts)
{
    return nm_table_write(store, opts, NULL);
}

static const bd_key facts_keys[] = {
    KEY("within", BD_STR, nm_facts_opts, within),
    KEY("period", BD_STR, nm_facts_opts, period),
    KEY("since", BD_STR, nm_facts_opts, since),
    KEY("indicator", BD_STR, nm_facts_opts, indicator),
    KEY("population-period", BD_STR, nm_facts_opts, population_period),
    ENUM("format", nm_facts_opts, format, NM_FORMAT_TEXT, "text|md|json"),
    REQ("output", BD_OUTPUT, nm_facts_opts, output),
    END,
};

static nm_status facts_draw(nm_store *store, const void *opts)
{
    nm_facts_result r;
    nm_status rc;

    memset(&r, 0, sizeof r);
    rc = nm_facts(store, opts, &r);
    nm_facts_result_clear(&r);
    return rc;
}

static const bd_key la_summary_keys[] = {
    KEY("la", BD_STR, nm_la_summary_opts, la),
    KEY("neighbours", BD_STR, nm_la_summary_opts, neighbours),
    KEY("period", BD_STR, nm_la_summary_opts, period),
    KEY("indicator", BD_STR, nm_la_summary_opts, indicator),
    KEY("population-period", BD_STR, nm_la_summary_opts, population_period),
    ENUM("format", nm_la_summary_opts, format, NM_FORMAT_TEXT, "text|md|json|csv"),
    REQ("output", BD_OUTPUT, nm_la_summary_opts, output),
    END,
};

static nm_status la_summary_draw(nm_store *store, const void *opts)
{
    nm_la_summary_result r;
    nm_status rc;

    memset(&r, 0, sizeof r);
    rc = nm_la_summary(store, opts, &r);
    nm_la_summary_result_clear(&r);
    return rc;
}

static const bd_key summary_keys[] = {
    KEY("within", BD_STR, nm_summary_opts, within),
    NUM("localities", BD_BOOL, nm_summary_opts, localities, 0, 1),
    KEY("indicator", BD_STR, nm_summary_opts, indicator),
    KEY("indicators", BD_STR, nm_summary_opts, indicators),
    KEY("period", BD_STR, nm_summary_opts, period),
    KEY("title", BD_STR, nm_summary_opts, title),
    ENUM("format", nm_summary_opts, format, NM_SUMMARY_AUTO, "auto|pdf|csv|xlsx|md"),
    REQ("output", BD_OUTPUT, nm_summary_opts, output),
    END,
};

static void summary_init(void *opts)
{
    nm_summary_opts_init(opts);
}

static nm_status summary_draw(nm_store *store, const void *opts)
{
    return nm_summary(store, opts, NULL);
}

static const bd_key compare_keys[] = {
    REQ("wards", BD_STR, nm_compare_opts, wards),
    KEY("within", BD_STR, nm_compare_opts, within),
    KEY("indicator", BD_STR, nm_compare_opts, indicator),
    KEY("indicators", BD_STR, nm_compare_opts, indicators),
    KEY("period", BD_STR, nm_compare_opts, period),
    KEY("title", BD_STR, nm_compare_opts, title),
    NUM("dpi", BD_DOUBLE, nm_compare_opts, dpi, 36, 1200),
    REQ("output", BD_OUTPUT, nm_compare_opts, output),
    END,
};

static nm_status compare_draw(nm_store *store, const void *opts)
{
    return nm_compare(store, opts, NULL);
}

/* Figures by section prefix.  inputs NULL: the figure is rebuilt when any
 * dataset of the store changed. */
static const bd_type figures[] = {
    {"map", sizeof(nm_choropleth_opts), map_init, map_keys, NULL, 0, 0, map_draw, map_inputs},
    {"table", sizeof(nm_table_opts), NULL, table_keys, NULL, 0, 0, table_draw, NULL},
    {"facts", sizeof(nm_facts_opts), NULL, facts_keys, NULL, 0, 0, facts_draw, NULL},
    {"la-summary", sizeof(nm_la_summary_opts), NULL, la_summary_keys, NULL, 0, 0,
     la_summary_draw, NULL},
    {"summary", sizeof(nm_summary_opts), summary_init, summary_keys, NULL, 0, 0, summary_draw,
     NULL},
    {"compare", sizeof(nm_compare_opts), NULL, compare_keys, NULL, 0, 0, compare_draw, NULL},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const bd_type *bd_input_type(const char *name)
{
    size_t i;

    for (i = 0; i < COUNT(inputs); i++)
        if (strcmp(inputs[i].name, name) == 0)
            return &inputs[i];
    return NULL;
}

const bd_type *bd_figure_type(const char *name)
{
    size_t i;

    for (i = 0; i < COUNT(figures); i++)
        if (strcmp(figures[i].name, name) == 0)
            return &figures[i];
    return NULL;
}

const char *bd_type_names(int figs)
{
    /* fixed texts, kept in step with the tables by the unit test */
    return figs ? "map, table, facts, la-summary, summary, compare"
                : "boundaries, iod, indicators, lookup, localities, incidents, assign, aggregate, "
                  "count";
}
