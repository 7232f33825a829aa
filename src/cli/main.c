/*
 * needsmap's entry point: global options, the command table and dispatch.
 * Each command lives in its own file and calls one public library function.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define DEFAULT_DB "output/needsmap.sqlite"

static const cli_command *const commands[] = {
    &cmd_import_boundaries, &cmd_import_iod, &cmd_import_indicators, &cmd_import_lookup, &cmd_import_neighbours,
    &cmd_info, &cmd_map,
    &cmd_assign, &cmd_import_localities, &cmd_aggregate, &cmd_derive, &cmd_table,
    &cmd_import_incidents, &cmd_count_incidents,
    &cmd_facts, &cmd_la_summary, &cmd_summary, &cmd_compare,
    &cmd_build, &cmd_fetch,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void log_to_stderr(void *user, nm_level level, const char *message)
{
    const cli *c = user;
    const char *tag = level == NM_LOG_WARN ? "warning: " : "";

    if (c->quiet && level > NM_LOG_ERROR)
        return;
    fprintf(stderr, "needsmap: %s%s\n", tag, message);
}

int cli_exit_code(nm_status status)
{
    switch (status) {
    case NM_OK: return EXIT_OK;
    case NM_USAGE:
    case NM_NOTFOUND: return EXIT_USAGE; /* an unknown id, code, name or period */
    case NM_BADDATA: return EXIT_BADDATA;
    default: return EXIT_FAIL;
    }
}

int cli_fail(cli *c, nm_status status)
{
    fprintf(stderr, "needsmap: %s\n", nm_errmsg(c->ctx));
    return cli_exit_code(status);
}

int cli_usage_error(cli *c, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "needsmap: %s: ", c->command ? c->command : "usage");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\ntry 'needsmap %s%s--help'\n", c->command ? c->command : "",
            c->command ? " " : "");
    return EXIT_USAGE;
}

int cli_parse_int(cli *c, const char *option, const char *arg, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < min || v > max) {
        cli_usage_error(c, "--%s: \"%s\" is not a whole number from %ld to %ld", option, arg, min,
                        max);
        return 0;
    }
    *out = v;
    return 1;
}

int cli_parse_double(cli *c, const char *option, const char *arg, double min, double max,
                     double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v >= min && v <= max)) {
        cli_usage_error(c, "--%s: \"%s\" is not a number from %g to %g", option, arg, min, max);
        return 0;
    }
    *out = v;
    return 1;
}

nm_store *cli_open_store(cli *c, int flags, int *exit_code)
{
    nm_store *store = NULL;
    nm_status rc = nm_store_open(c->ctx, c->db, flags, &store);

    if (rc != NM_OK) {
        *exit_code = cli_fail(c, rc);
        return NULL;
    }
    nm_store_set_vintage(store, "ward", (int)c->ward_vintage);
    return store;
}

nm_store *cli_open_store_within(cli *c, int flags, const char **within, int *exit_code)
{
    nm_store *store = cli_open_store(c, flags, exit_code);
    nm_status rc;
    char *code = NULL;

    if (!store || !within || !*within)
        return store;
    rc = nm_resolve_area(store, *within, &code);
    if (rc != NM_OK || c->nresolved == sizeof c->resolved / sizeof c->resolved[0]) {
        *exit_code = cli_fail(c, rc != NM_OK ? rc : NM_ERROR);
        nm_free(code);
        nm_store_close(store);
        return NULL;
    }
    if (strcmp(code, *within) != 0 && c->verbose)
        fprintf(stderr, "needsmap: %s: \"%s\" is %s\n", c->command, *within, code);
    c->resolved[c->nresolved++] = code;
    *within = code;
    return store;
}

static const nm_optset *command_opts(const cli_command *cmd)
{
    return cmd->opts ? cmd->opts : nm_optset_find(cmd->name);
}

/* Options shown and taken on the command line: operands and old
 * figures-file keys are not. */
static int on_command_line(const nm_opt *o)
{
    return !(o->flags & (NM_OPT_OPERAND | NM_OPT_DEPRECATED | NM_OPT_FILE_ONLY));
}

static void print_help(const cli_command *cmd, const nm_optset *set)
{
    const nm_opt *o;

    printf("usage: needsmap [--db FILE] %s %s\n%s\n\noptions:\n", cmd->name, cmd->usage,
           cmd->summary);
    for (o = set ? set->opts : NULL; o && o->name; o++) {
        char left[64];
        if (!on_command_line(o))
            continue;
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        printf("  %-26s %s\n", left, o->help);
    }
    printf("  %-26s %s\n", "--help", "show this help and exit");
}

/* getopt_long's table from the command's: each option's value is 256 plus
 * its row, its short letter maps to the same row.  Caller frees both. */
static int make_getopt(const nm_optset *set, struct option **longopts, char **shorts)
{
    const nm_opt *o;
    size_t n = 0, i = 0, s = 0;

    for (o = set ? set->opts : NULL; o && o->name; o++)
        n++;
    *longopts = nm_calloc(n + 2, sizeof **longopts);
    *shorts = nm_malloc(2 * n + 2);
    if (!*longopts || !*shorts)
        return 0;
    (*shorts)[s++] = 'h';
    for (o = set ? set->opts : NULL; o && o->name; o++) {
        int has_arg = o->kind == NM_OPT_FLAG || (o->kind == NM_OPT_CUSTOM && !o->metavar)
                          ? no_argument : required_argument;
        if (!on_command_line(o))
            continue;
        (*longopts)[i++] = (struct option){o->name, has_arg, NULL, 256 + (int)(o - set->opts)};
        if (o->letter) {
            (*shorts)[s++] = (char)o->letter;
            if (has_arg == required_argument)
                (*shorts)[s++] = ':';
        }
    }
    (*longopts)[i++] = (struct option){"help", no_argument, NULL, 'h'};
    (*longopts)[i] = (struct option){0, 0, 0, 0};
    (*shorts)[s] = '\0';
    return 1;
}

static const nm_opt *by_letter(const nm_optset *set, int letter)
{
    const nm_opt *o;

    for (o = set ? set->opts : NULL; o && o->name; o++)
        if (o->letter == letter && on_command_line(o))
            return o;
    return NULL;
}

static int getopt_error(cli *c, const nm_optset *set, char **argv)
{
    if (optopt && optopt < 256 && by_letter(set, optopt))
        return cli_usage_error(c, "option -%c needs a value", optopt);
    if (optopt && optopt < 256 && optopt != '?')
        return cli_usage_error(c, "unknown option -%c", optopt);
    if (optopt)
        return cli_usage_error(c, "option %s needs a value", argv[optind - 1]);
    return cli_usage_error(c, "unknown option %s", argv[optind - 1]);
}

/* One option's value into its field, or to the command. */
static int take_option(cli *c, const nm_opt *o, const char *arg, void *opts, cli_custom_fn custom,
                       void *state)
{
    if (o->kind == NM_OPT_CUSTOM)
        return custom ? custom(c, o, arg, state) : cli_usage_error(c, "--%s: not handled", o->name);
    if (nm_opt_parse(c->ctx, o, opts, arg) != NM_OK)
        return cli_usage_error(c, "--%s: %s", o->name, nm_errmsg(c->ctx));
    return 0;
}

int cli_parse(cli *c, const cli_command *cmd, int argc, char **argv, void *opts,
              cli_custom_fn custom, void *state, int *exit_code)
{
    const nm_optset *set = command_opts(cmd);
    struct option *longopts = NULL;
    char *shorts = NULL;
    int ch, result = -1;

    if (set && opts)
        nm_optset_defaults(set, opts);
    if (!make_getopt(set, &longopts, &shorts)) {
        fprintf(stderr, "needsmap: out of memory\n");
        *exit_code = EXIT_FAIL;
        goto done;
    }
    /* 0, not 1: glibc re-reads the ordering mode only then, and the global
       options were parsed in order-preserving mode */
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
        const nm_opt *o = ch >= 256 ? &set->opts[ch - 256] : by_letter(set, ch);
        if (ch == 'h') {
            print_help(cmd, set);
            *exit_code = EXIT_OK;
            goto done;
        }
        if (ch == '?' || ch == ':' || !o) {
            *exit_code = getopt_error(c, set, argv);
            goto done;
        }
        if (take_option(c, o, optarg, opts, custom, state) != 0) {
            *exit_code = EXIT_USAGE;
            goto done;
        }
    }
    result = optind;
done:
    nm_free(longopts);
    nm_free(shorts);
    return result;
}

/* Markdown text with its pipes escaped, for a table cell. */
static void print_cell(const char *text)
{
    for (; text && *text; text++)
        printf(*text == '|' ? "\\|" : "%c", *text);
}

/* README's "Options of every command", made from the same tables as
 * getopt_long and --help (scripts/readme-options splices it in). */
static void print_options_markdown(void)
{
    const nm_optset *set;
    const nm_opt *o;
    size_t i;

    for (i = 0; (set = nm_optset_at(i)) != NULL; i++) {
        printf("\n#### `needsmap %s`\n\n", set->command);
        if (set->section)
            printf(set->figure ? "In a figures file: `[%s.NAME]`.\n\n"
                               : "In a figures file: `[data.NAME]` with `type = %s`.\n\n",
                   set->section);
        printf("| option | figures-file key | what |\n|---|---|---|\n");
        for (o = set->opts; o->name; o++) {
            if (o->flags & NM_OPT_DEPRECATED)
                continue;
            printf("| ");
            if (o->flags & NM_OPT_OPERAND)
                printf("the operand %s", o->name);
            else {
                printf("`--%s", o->name);
                if (o->metavar) {
                    printf(" ");
                    print_cell(o->metavar);
                }
                printf("`");
                if (o->letter)
                    printf(", `-%c`", o->letter);
            }
            if (!set->section || o->kind == NM_OPT_CUSTOM)
                printf(" | - | ");
            else
                printf(" | `%s = %s` | ", o->name, o->kind == NM_OPT_FLAG ? "yes" : "...");
            print_cell(o->help ? o->help : "");
            printf(" |\n");
        }
        for (o = set->opts; o->name; o++)
            if (o->flags & NM_OPT_DEPRECATED)
                printf("%s`%s` (write `%s`)", o == set->opts || !(o[-1].flags & NM_OPT_DEPRECATED)
                                                  ? "\nOld keys still read, with a warning: "
                                                  : ", ",
                       o->name, o->instead);
        for (o = set->opts; o->name && !(o->flags & NM_OPT_DEPRECATED); o++)
            ;
        if (o->name)
            printf(".\n");
    }
}

static void print_usage(FILE *fp)
{
    size_t i;

    fprintf(fp, "usage: needsmap [--db FILE] [--ward-vintage YEAR] [--quiet] [--verbose] COMMAND "
                "[OPTIONS]\n\n"
                "commands:\n");
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "  %-22s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(fp, "\nglobal options:\n"
                "  --db FILE              the store (default " DEFAULT_DB ")\n"
                "  --ward-vintage YEAR    wards of this year, and the memberships into them,\n"
                "                         for every figure (default: the latest with boundaries)\n"
                "  --quiet                only errors on stderr\n"
                "  --verbose              also say what was done\n"
                "  --version              print the version and exit\n"
                "\nexit status: 0 success, 1 failure, 2 usage error, 3 bad input data\n"
                "'needsmap COMMAND --help' describes a command.\n");
}

/* Finds the command named by argv[0] (and argv[1] for two-word commands);
 * sets *words to how many words it took. */
static const cli_command *find_command(int argc, char **argv, int *words)
{
    char two[128];
    size_t i;

    if (argc >= 2) {
        snprintf(two, sizeof two, "%s %s", argv[0], argv[1]);
        for (i = 0; i < NCOMMANDS; i++)
            if (strcmp(commands[i]->name, two) == 0) {
                *words = 2;
                return commands[i];
            }
    }
    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, argv[0]) == 0) {
            *words = 1;
            return commands[i];
        }
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option global[] = {
        {"db", required_argument, NULL, 'd'},  {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},   {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},      {"ward-vintage", required_argument, NULL, 'W'},
        {"options-markdown", no_argument, NULL, 'M'},
        {0, 0, 0, 0},
    };
    cli c = {0};
    const cli_command *cmd;
    int ch, words = 0, rc;

    nm_memory_for_maps();
    c.db = getenv("NEEDSMAP_DB") ? getenv("NEEDSMAP_DB") : DEFAULT_DB;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+hqv", global, NULL)) != -1) {
        switch (ch) {
        case 'd': c.db = optarg; break;
        case 'q': c.quiet = 1; break;
        case 'v': c.verbose = 1; break;
        case 'V': printf("needsmap %s\n", nm_version()); return EXIT_OK;
        case 'W':
            if (!cli_parse_int(&c, "ward-vintage", optarg, 1990, 2100, &c.ward_vintage))
                return EXIT_USAGE;
            break;
        case 'h': print_usage(stdout); return EXIT_OK;
        case 'M': print_options_markdown(); return EXIT_OK;
        default:
            fprintf(stderr, "needsmap: unknown option %s\ntry 'needsmap --help'\n",
                    argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    cmd = find_command(argc - optind, argv + optind, &words);
    if (!cmd) {
        fprintf(stderr, "needsmap: unknown command \"%s\"\ntry 'needsmap --help'\n", argv[optind]);
        return EXIT_USAGE;
    }
    c.command = cmd->name;
    c.ctx = nm_ctx_new();
    if (!c.ctx) {
        fprintf(stderr, "needsmap: out of memory\n");
        return EXIT_FAIL;
    }
    nm_ctx_set_log(c.ctx, log_to_stderr, &c, c.verbose ? NM_LOG_INFO : NM_LOG_WARN);
    /* the command sees its own name as argv[0], as getopt expects */
    rc = cmd->run(&c, argc - optind - words + 1, argv + optind + words - 1);
    while (c.nresolved > 0)
        nm_free(c.resolved[--c.nresolved]);
    nm_ctx_free(c.ctx);
    return rc;
}
