/*
 * needsmap info: what the store holds, as plain aligned text.
 */
#include <stddef.h>
#include <string.h>

#include "cli.h"

typedef struct info_args {
    const char *level, *indicator;
} info_args;

/* info has no options struct of its own in the library: its table is here */
static const nm_opt info_rows[] = {
    {.name = "level", .kind = NM_OPT_STR, .offset = offsetof(info_args, level),
     .metavar = "LEVEL", .help = "only this level"},
    {.name = "indicator", .kind = NM_OPT_STR, .offset = offsetof(info_args, indicator),
     .metavar = "ID", .help = "only this indicator"},
    {.name = NULL},
};

static const nm_optset info_opts = {"info", NULL, 0, sizeof(info_args), NULL, info_rows};

static int print_level(void *user, const nm_level_info *i)
{
    int *n = user;
    if ((*n)++ == 0)
        printf("areas:\n  %-10s %7s %9s %9s\n", "level", "vintage", "areas", "boundary");
    printf("  %-10s %7d %9ld %9ld\n", i->level, i->vintage, i->areas, i->with_geometry);
    return 0;
}

static int print_indicator(void *user, const nm_indicator_info *i)
{
    int *n = user;
    char cover[64];

    if ((*n)++ == 0)
        printf("\nindicators:\n  %-22s %-7s %-5s %-7s %9s  %-24s %s\n", "id", "period", "level",
               "worse", "values", "coverage", "label");
    if (i->areas_at_level > 0)
        snprintf(cover, sizeof cover, "%ld/%ld %s %d", i->areas_covered, i->areas_at_level,
                 i->level, i->vintage);
    else
        snprintf(cover, sizeof cover, "no %s %d boundaries", i->level, i->vintage);
    printf("  %-22s %-7s %-5s %-7s %9ld  %-24s %s\n", i->id, i->period, i->level,
           i->polarity > 0 ? "higher" : i->polarity < 0 ? "lower" : "-", i->values, cover,
           i->label);
    return 0;
}

static int print_dataset(void *user, const nm_dataset_info *d)
{
    int *n = user;
    if ((*n)++ == 0)
        printf("\ndatasets:\n");
    printf("  %ld. %s %s\n     sha256 %s, %ld rows, imported %s\n", d->id, d->kind, d->file,
           d->sha256, d->rows, d->imported_at);
    return 0;
}

static int print_lookup(void *user, const nm_lookup_info *l)
{
    int *n = user;
    if ((*n)++ == 0)
        printf("\nlookups:\n  %-16s %-16s %-8s %11s %9s %8s\n", "child", "parent", "method",
               "memberships", "children", "parents");
    char child[32], parent[32];
    snprintf(child, sizeof child, "%s %d", l->child_level, l->child_vintage);
    snprintf(parent, sizeof parent, "%s %d", l->parent_level, l->parent_vintage);
    printf("  %-16s %-16s %-8s %11ld %9ld %8ld\n", child, parent, l->method, l->memberships,
           l->children, l->parents);
    return 0;
}


static int run_info(cli *c, int argc, char **argv)
{
    info_args a = {0};
    nm_store *store;
    nm_status rc;
    int code = 0, nl = 0, ni = 0, nd = 0, nk = 0;

    if (cli_parse(c, &cmd_info, argc, argv, &a, NULL, NULL, &code) < 0)
        return code;
    if (!(store = cli_open_store(c, NM_STORE_READONLY, &code)))
        return code;
    printf("store: %s\n", c->db);
    rc = nm_store_levels(store, a.level, print_level, &nl);
    if (rc == NM_OK && nl == 0)
        printf("areas: none%s%s\n", a.level ? " at level " : "", a.level ? a.level : "");
    if (rc == NM_OK)
        rc = nm_store_indicators(store, a.indicator, a.level, print_indicator, &ni);
    if (rc == NM_OK && a.indicator && ni == 0) {
        rc = nm_resolve_indicator(store, a.indicator);
        code = cli_fail(c, rc != NM_OK ? rc : NM_NOTFOUND); /* known, not at this level */
        nm_store_close(store);
        return code;
    }
    if (rc == NM_OK && !a.indicator && !a.level)
        rc = nm_store_datasets(store, print_dataset, &nd);
    if (rc == NM_OK && !a.indicator && !a.level)
        rc = nm_store_lookups(store, print_lookup, &nk);
    code = rc == NM_OK ? EXIT_OK : cli_fail(c, rc);
    nm_store_close(store);
    return code;
}

const cli_command cmd_info = {
    "info", "[--level LEVEL] [--indicator ID]",
    "Show what the store holds: areas, indicators and coverage, datasets, lookups.",
    &info_opts, run_info,
};
