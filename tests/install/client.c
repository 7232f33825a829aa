/*
 * A program outside needsmap, built against an installed tree with
 * `pkg-config --cflags --libs needsmap` (tests/e2e/install.sh): it imports
 * boundaries (GeoJSON ones through the GDAL module, found from the
 * installed library) and a CSV, draws a map and writes the key facts, using
 * the published API alone.
 */
#include <stdio.h>
#include <string.h>

#include <needsmap/ingest.h>
#include <needsmap/report.h>
#include <needsmap/store.h>

static int fail(nm_ctx *ctx, const char *what)
{
    fprintf(stderr, "client: %s: %s\n", what, nm_errmsg(ctx));
    return 1;
}

int main(int argc, char **argv)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_store *store = NULL;
    nm_boundaries_opts b;
    nm_iod_opts iod;
    nm_choropleth_opts map;
    nm_choropleth_result drawn;
    nm_facts_opts facts;
    nm_facts_result said;
    nm_import_result got;
    int rc = 1;

    if (argc != 6) {
        fprintf(stderr, "usage: client STORE LSOA.shp IOD.csv MAP.png FACTS.md\n");
        return 2;
    }
    if (!ctx)
        return 1;
    memset(&b, 0, sizeof b);
    memset(&iod, 0, sizeof iod);
    memset(&facts, 0, sizeof facts);
    memset(&said, 0, sizeof said);
    if (nm_store_open(ctx, argv[1], NM_STORE_CREATE, &store) != NM_OK) {
        rc = fail(ctx, "store");
        goto cleanup;
    }
    b.in.path = argv[2];
    b.level = "lsoa";
    if (nm_import_boundaries(store, &b, &got) != NM_OK) {
        rc = fail(ctx, "boundaries");
        goto cleanup;
    }
    printf("boundaries: %ld areas\n", got.stored);
    iod.in.path = argv[3];
    if (nm_import_iod(store, &iod, &got) != NM_OK) {
        rc = fail(ctx, "iod");
        goto cleanup;
    }
    printf("iod: %ld indicators\n", got.indicators);
    nm_choropleth_opts_init(&map);
    map.indicator = "imd_decile";
    map.within = "E06000033";
    map.output = argv[4];
    if (nm_choropleth(store, &map, &drawn) != NM_OK) {
        rc = fail(ctx, "map");
        goto cleanup;
    }
    printf("map: %ld areas in %d classes\n", drawn.areas, drawn.classes);
    facts.within = "E06000033";
    facts.format = NM_FORMAT_MD;
    facts.output = argv[5];
    if (nm_facts(store, &facts, &said) != NM_OK) {
        rc = fail(ctx, "facts");
        goto cleanup;
    }
    printf("facts: %zu\n", said.n);
    rc = 0;
cleanup:
    nm_facts_result_clear(&said);
    nm_store_close(store);
    nm_ctx_free(ctx);
    return rc;
}
