/*
 * needsmap compare: wards side by side on one page, on one classification,
 * with their figures.
 */
#include <string.h>

#include "cli.h"

static int run_compare(cli *c, int argc, char **argv)
{
    nm_compare_opts o = {0};
    nm_compare_result r;
    nm_store *store;
    nm_status rc;
    int code = 0, first;
    char *wards = NULL;
    size_t len = 0;

    first = cli_parse(c, &cmd_compare, argc, argv, &o, NULL, NULL, &code);
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
    NULL, run_compare,
};
