/*
 * needsmap build: every figure of a figures file, incrementally and in
 * parallel.  The library decides and draws; this file shows progress (a bar
 * on a terminal, plain lines otherwise) and the failures.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_SETS 32

typedef struct build_args {
    nm_build_opts o;
    const char *set[MAX_SETS];
    cli *c;
    int quiet;
    int tty;       /* stderr is a terminal: a bar rather than lines */
    int bar_shown; /* the bar is on the current line */
} build_args;

/* --set and --quiet: the tool's, not the library call's */
static int on_build_opt(cli *c, const nm_opt *opt, const char *arg, void *state)
{
    build_args *a = state;

    if (strcmp(opt->name, "quiet") == 0) {
        a->quiet = 1;
        return 0;
    }
    if (!strchr(arg, '=') || arg[0] == '=')
        return cli_usage_error(c, "--set: \"%s\" is not NAME=VALUE", arg) != 0;
    if (a->o.nset == MAX_SETS)
        return cli_usage_error(c, "--set: at most %d", MAX_SETS) != 0;
    a->set[a->o.nset++] = arg;
    return 0;
}

static void clear_bar(build_args *a)
{
    if (a->bar_shown) {
        fputs("\r\033[K", stderr);
        a->bar_shown = 0;
    }
}

/* "[#########.........]  12/326 figures  4.1 s  about 9 s left" */
static void draw_bar(build_args *a, const nm_build_event *ev)
{
    char bar[31];
    int width = 30, filled = ev->total ? (int)(width * ev->done / ev->total) : width;

    memset(bar, '#', (size_t)filled);
    memset(bar + filled, '.', (size_t)(width - filled));
    bar[width] = '\0';
    fprintf(stderr, "\r\033[K[%s] %ld/%ld figures  %.1f s", bar, ev->done, ev->total, ev->elapsed);
    if (ev->done > 0 && ev->done < ev->total)
        fprintf(stderr, "  about %.0f s left",
                ev->elapsed / (double)ev->done * (double)(ev->total - ev->done));
    fflush(stderr);
    a->bar_shown = 1;
}

static void on_event(void *user, const nm_build_event *ev)
{
    build_args *a = user;
    int show = !a->quiet && !a->c->quiet;

    switch (ev->kind) {
    case NM_BUILD_IMPORT:
        if (a->o.dry_run)
            printf("would import %s: %s\n", ev->name, ev->reason ? ev->reason : "");
        else if (show)
            fprintf(stderr, "needsmap: build: importing %s (%s)\n", ev->name,
                    ev->reason ? ev->reason : "changed");
        break;
    case NM_BUILD_IMPORTED:
        break; /* a failed import stops the build, and its error is the build's */
    case NM_BUILD_PLAN:
        if (show && !a->o.dry_run && ev->total == 0)
            fprintf(stderr, "needsmap: build: every figure is up to date\n");
        break;
    case NM_BUILD_STALE:
        printf("would rebuild %s: %s\n", ev->name, ev->reason ? ev->reason : "");
        break;
    case NM_BUILD_UPTODATE:
        if (a->o.dry_run || a->c->verbose)
            printf("up to date: %s\n", ev->name);
        break;
    case NM_BUILD_DONE:
        if (ev->status != NM_OK) {
            clear_bar(a);
            fprintf(stderr, "needsmap: build: %s failed: %s\n", ev->name, ev->message);
        } else if (show && !a->tty) {
            fprintf(stderr, "needsmap: build: [%ld/%ld] %s -> %s (%s)\n", ev->done, ev->total,
                    ev->name, ev->output ? ev->output : "", ev->reason ? ev->reason : "");
        }
        if (show && a->tty)
            draw_bar(a, ev);
        break;
    }
}

static int run_build(cli *c, int argc, char **argv)
{
    build_args a;
    nm_build_result r;
    nm_status rc;
    int code = 0, first;

    memset(&a, 0, sizeof a);
    a.c = c;
    /* -j N and -jN, as make has them, come from the table's short letter */
    first = cli_parse(c, &cmd_build, argc, argv, &a.o, on_build_opt, &a, &code);
    if (first < 0)
        return code;
    if (argc - first != 1)
        return cli_usage_error(c, argc - first < 1 ? "no FIGURES.ini given"
                                                   : "one figures file at a time");
    a.o.figures = argv[first];
    a.o.db = c->db;
    a.o.set = a.set;
    a.o.on_event = on_event;
    a.o.user = &a;
    a.tty = isatty(STDERR_FILENO);
    rc = nm_build(c->ctx, &a.o, &r);
    clear_bar(&a);
    if (rc != NM_OK)
        return cli_fail(c, rc);
    if (!a.quiet && !c->quiet && !a.o.dry_run)
        fprintf(stderr, "needsmap: build: %ld built, %ld up to date; %ld of %ld inputs imported\n",
                r.built, r.figures - r.stale, r.imported, r.inputs);
    if (a.o.dry_run)
        printf("%ld of %ld figures would be rebuilt\n", r.stale, r.figures);
    return EXIT_OK;
}

const cli_command cmd_build = {
    "build", "FIGURES.ini [-j N] [--force] [--dry-run] [--only NAME,...] [--set NAME=VALUE] [--out DIR]",
    "Import what changed and redraw the stale figures of a figures file.",
    NULL, run_build,
};
