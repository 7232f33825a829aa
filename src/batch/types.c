/*
 * The kinds of section a figures file may hold: inputs ([data.NAME] with
 * type = boundaries, iod, ...) and figures ([map.NAME], ...).  Each is one
 * entry of a table: the command whose options are its keys (options.c),
 * how to run it, and for a figure the datasets it reads.  Adding a figure
 * type is one entry in 'figures' and its options in options.c.
 */
#include <stddef.h>
#include <string.h>

#include "batch/build_int.h"
#include "needsmap/analyse.h"
#include "needsmap/ingest.h"
#include "needsmap/report.h"

/* ---- inputs ---------------------------------------------------------------- */

static nm_status import_boundaries(nm_store *store, void *opts, const char *file)
{
    nm_boundaries_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_boundaries(store, o, &r);
}

static nm_status import_iod(nm_store *store, void *opts, const char *file)
{
    nm_iod_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_iod(store, o, &r);
}

static nm_status import_indicators(nm_store *store, void *opts, const char *file)
{
    nm_indicators_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_indicators(store, o, &r);
}

static nm_status import_lookup(nm_store *store, void *opts, const char *file)
{
    nm_lookup_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_lookup(store, o, &r);
}

static nm_status import_neighbours(nm_store *store, void *opts, const char *file)
{
    nm_neighbours_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_neighbours(store, o, &r);
}

static nm_status import_localities(nm_store *store, void *opts, const char *file)
{
    nm_localities_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_localities(store, o, &r);
}

static nm_status import_incidents(nm_store *store, void *opts, const char *file)
{
    nm_incidents_opts *o = opts;
    nm_import_result r;

    o->in.path = file;
    return nm_import_incidents(store, o, &r);
}

static nm_status run_assign(nm_store *store, void *opts, const char *file)
{
    nm_assign_result r = {0};
    nm_status rc;

    (void)file;
    rc = nm_assign(store, opts, &r);
    nm_assign_result_clear(&r);
    return rc;
}

static nm_status run_aggregate(nm_store *store, void *opts, const char *file)
{
    (void)file;
    return nm_aggregate(store, opts, NULL);
}

static nm_status run_count(nm_store *store, void *opts, const char *file)
{
    nm_count_result r;

    (void)file;
    memset(&r, 0, sizeof r);
    return nm_count_incidents(store, opts, &r);
}

static nm_status run_derive(nm_store *store, void *opts, const char *file)
{
    (void)file;
    return nm_derive(store, opts, NULL);
}

/* Imports and steps in the order a needs analysis takes them. */
static const bd_type inputs[] = {
    {"boundaries", "import boundaries", import_boundaries, 0, 0, NULL, NULL},
    {"iod", "import iod", import_iod, 0, 0, NULL, NULL},
    {"indicators", "import indicators", import_indicators, 0, 0, NULL, NULL},
    {"lookup", "import lookup", import_lookup, 0, 0, NULL, NULL},
    {"neighbours", "import neighbours", import_neighbours, 0, 0, NULL, NULL},
    {"localities", "import localities", import_localities, 1, 0, NULL, NULL},
    {"incidents", "import incidents", import_incidents, 0, 0, NULL, NULL},
    {"assign", "assign", run_assign, 1, 1, NULL, NULL},
    {"aggregate", "aggregate", run_aggregate, 1, 1, NULL, NULL},
    {"count", "count incidents", run_count, 1, 1, NULL, NULL},
    {"derive", "derive", run_derive, 1, 1, NULL, NULL},
};

/* ---- figures --------------------------------------------------------------- */

static nm_status map_draw(nm_store *store, const void *opts)
{
    return nm_choropleth(store, opts, NULL);
}

static nm_status map_inputs(nm_store *store, const void *opts, bd_memo *memo, bd_ids *out)
{
    nm_input_query q[NM_INPUT_QUERIES_MAX];
    int i, n = nm_map_input_queries(opts, q);
    nm_status rc = NM_OK;

    /* the build's memo, which prepares each query once for every figure */
    for (i = 0; rc == NM_OK && i < n; i++)
        rc = nmB_query_ids(store, memo, q[i].sql, q[i].params, q[i].nparams, out);
    return rc;
}

static nm_status table_draw(nm_store *store, const void *opts)
{
    return nm_table_write(store, opts, NULL);
}

static nm_status facts_draw(nm_store *store, const void *opts)
{
    nm_facts_result r;
    nm_status rc;

    memset(&r, 0, sizeof r);
    rc = nm_facts(store, opts, &r);
    nm_facts_result_clear(&r);
    return rc;
}

static nm_status la_summary_draw(nm_store *store, const void *opts)
{
    nm_la_summary_result r;
    nm_status rc;

    memset(&r, 0, sizeof r);
    rc = nm_la_summary(store, opts, &r);
    nm_la_summary_result_clear(&r);
    return rc;
}

static nm_status summary_draw(nm_store *store, const void *opts)
{
    return nm_summary(store, opts, NULL);
}

static nm_status compare_draw(nm_store *store, const void *opts)
{
    return nm_compare(store, opts, NULL);
}

/* Figures by section prefix.  inputs NULL: the figure is rebuilt when any
 * dataset of the store changed. */
static const bd_type figures[] = {
    {"map", "map", NULL, 0, 0, map_draw, map_inputs},
    {"table", "table", NULL, 0, 0, table_draw, NULL},
    {"facts", "facts", NULL, 0, 0, facts_draw, NULL},
    {"la-summary", "la-summary", NULL, 0, 0, la_summary_draw, NULL},
    {"summary", "summary", NULL, 0, 0, summary_draw, NULL},
    {"compare", "compare", NULL, 0, 0, compare_draw, NULL},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const bd_type *nmB_input_type(const char *name)
{
    size_t i;

    for (i = 0; i < COUNT(inputs); i++)
        if (strcmp(inputs[i].name, name) == 0)
            return &inputs[i];
    return NULL;
}

const bd_type *nmB_figure_type(const char *name)
{
    size_t i;

    for (i = 0; i < COUNT(figures); i++)
        if (strcmp(figures[i].name, name) == 0)
            return &figures[i];
    return NULL;
}

const char *nmB_type_names(int figs)
{
    /* fixed texts, kept in step with the tables by the unit test */
    return figs ? "map, table, facts, la-summary, summary, compare"
                : "boundaries, iod, indicators, lookup, neighbours, localities, incidents, assign, "
                  "aggregate, count, derive";
}
