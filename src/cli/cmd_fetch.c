/*
 * needsmap fetch: the official files named by the manifests in boundaries/
 * and indicators/, downloaded (or copied from a mirror) into a cache and
 * verified.
 */
#include <string.h>

#include "cli.h"

enum { OPT_MIRROR = 256, OPT_CACHE, OPT_MANIFESTS, OPT_ONLY, OPT_TIMEOUT };

static const cli_opt fetch_opts[] = {
    {"mirror", required_argument, OPT_MIRROR, "DIR|URL", "copy from this folder or server instead of the official URLs"},
    {"cache", required_argument, OPT_CACHE, "DIR", "where files go (default ~/.cache/needsmap)"},
    {"manifests", required_argument, OPT_MANIFESTS, "DIR", "folder with boundaries/ and indicators/ (default .)"},
    {"only", required_argument, OPT_ONLY, "NAME,...", "only these files"},
    {"timeout", required_argument, OPT_TIMEOUT, "SECONDS", "give up on a stalled download (default 60)"},
    {0, 0, 0, 0, 0},
};

static int on_fetch_opt(cli *c, int id, const char *arg, void *state)
{
    nm_fetch_opts *o = state;

    switch (id) {
    case OPT_MIRROR: o->mirror = arg; break;
    case OPT_CACHE: o->cache = arg; break;
    case OPT_MANIFESTS: o->manifests = arg; break;
    case OPT_ONLY: o->only = arg; break;
    case OPT_TIMEOUT: return !cli_parse_int(c, "timeout", arg, 1, 3600, &o->timeout);
    }
    return 0;
}

static int run_fetch(cli *c, int argc, char **argv)
{
    nm_fetch_opts o;
    nm_fetch_result r;
    nm_status rc;
    int code = 0, first;

    memset(&o, 0, sizeof o);
    first = cli_parse(c, &cmd_fetch, argc, argv, on_fetch_opt, &o, &code);
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
    fetch_opts, run_fetch,
};
