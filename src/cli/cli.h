/*
 * The command-line tool's shared parts: the run state every command gets,
 * option tables that also render --help, and messages.  This is the only
 * code that prints for the user.
 */
#ifndef NM_CLI_H
#define NM_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "needsmap/needsmap.h"
#include "needsmap/options.h"

/* Exit codes (README "Exit codes"). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_BADDATA = 3 };

typedef struct cli {
    nm_ctx *ctx;
    const char *db;      /* --db, default output/needsmap.sqlite */
    int quiet;
    int verbose;
    const char *command; /* e.g. "import boundaries", for messages */
    char *resolved[4];   /* area codes found for names given (cli_open_store_within) */
    size_t nresolved;
    long ward_vintage;   /* --ward-vintage, 0: the store's rule */
} cli;

typedef struct cli_command {
    const char *name;    /* "import boundaries" */
    const char *usage;   /* "FILE --level LEVEL [OPTIONS]" */
    const char *summary; /* one line */
    const nm_optset *opts; /* NULL: the library's table for 'name' (nm_optset_find) */
    int (*run)(cli *c, int argc, char **argv);
} cli_command;

/* An option of kind NM_OPT_CUSTOM, which the command handles itself;
 * returns nonzero after printing a usage error. */
typedef int (*cli_custom_fn)(cli *c, const nm_opt *opt, const char *arg, void *state);

/* Sets 'opts' to the defaults of the command's table and parses argv into
 * it: getopt_long's table, short options and --help all come from the
 * table, and each value is parsed by the library (nm_opt_parse).  Options
 * of kind NM_OPT_CUSTOM go to 'custom' with 'state'.  Handles --help
 * (prints and returns -1 with *exit_code 0) and usage errors (prints and
 * returns -1 with *exit_code 2).  Returns the index of the first operand
 * otherwise. */
int cli_parse(cli *c, const cli_command *cmd, int argc, char **argv, void *opts,
              cli_custom_fn custom, void *state, int *exit_code);

/* Prints "needsmap: COMMAND: message" and "try 'needsmap COMMAND --help'";
 * returns EXIT_USAGE. */
int cli_usage_error(cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the context's error as "needsmap: message"; returns the exit code
 * that goes with the status. */
int cli_fail(cli *c, nm_status status);
/* Exit code for a status. */
int cli_exit_code(nm_status status);
/* Parses a whole positive integer option; prints a usage error on failure. */
int cli_parse_int(cli *c, const char *option, const char *arg, long min, long max, long *out);
/* Parses a number option within [min, max]; prints a usage error on
 * failure. */
int cli_parse_double(cli *c, const char *option, const char *arg, double min, double max,
                     double *out);
/* Opens the store; prints the error and returns NULL on failure (the exit
 * code is put in *exit_code). */
nm_store *cli_open_store(cli *c, int flags, int *exit_code);
/* The same, then turns the area in *within (a code in any case or a stored
 * name) into its code, which *within then points to (owned by c until the
 * command ends).  NULL *within is left alone.  Prints the error (ambiguous
 * or unknown names with suggestions) and returns NULL on failure. */
nm_store *cli_open_store_within(cli *c, int flags, const char **within, int *exit_code);

/* Commands (one file each). */
extern const cli_command cmd_import_boundaries, cmd_import_iod, cmd_import_indicators,
    cmd_import_lookup, cmd_import_neighbours, cmd_info, cmd_map;
extern const cli_command cmd_assign, cmd_import_localities, cmd_aggregate, cmd_table, cmd_derive;
extern const cli_command cmd_import_incidents, cmd_count_incidents;
extern const cli_command cmd_facts, cmd_la_summary;
extern const cli_command cmd_summary, cmd_compare;
extern const cli_command cmd_build, cmd_fetch;

#endif
