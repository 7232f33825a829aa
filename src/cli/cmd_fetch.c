/*
 * needsmap fetch: the official files named by the manifests in boundaries/
 * and indicators/, downloaded (or copied from a mirror) into a cache and
 * verified.
 */
#include <string.h>

#include "cli.h"

static int run_fetch(cli *c, int argc, char **argv)
{
    nm_fetch_opts o;
    nm_fetch_result r;
    nm_status rc;
    int code = 0, first;

    first = cli_parse(c, &cmd_fetch, argc, argv, &o, NULL, NULL, &code);
    if (first < 0)
        return code;
    if (first != argc)
        return cli_usage_error(c, "no operands; say what with --only");
    rc = nm_fetch(c->ctx, &o, &r);
    if (!c->quiet && (rc == NM_OK || r.manifests > 0))
        fprintf(stderr, "needsmap: fetch: %ld files: %ld fetched, %ld already cached, "
                        "%ld derived (mirror only), %ld failed\n",
                r.manifests, r.fetched, r.present, r.derived, r.failed);
    return rc == NM_OK ? EXIT_OK : cli_fail(c, rc);
}

const cli_command cmd_fetch = {
    "fetch", "[--mirror DIR|URL] [--cache DIR] [--only NAME,...]",
    "Download the official files listed in boundaries/ and indicators/ into a cache, verified.",
    NULL, run_fetch,
};
