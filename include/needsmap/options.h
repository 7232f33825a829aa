/*
 * One description of every option of every library call (as curl's one
 * table serves the command line and .curlrc, and GDAL's *OptionsNew(argv)
 * serves its utilities).  A row names the option, its short letter, how its
 * text becomes a field of the call's options struct, its range or choices
 * and its help line.  The command line builds getopt_long and --help from
 * these tables and a figures file takes its keys from them, so an option
 * means the same in both places.
 */
#ifndef NEEDSMAP_OPTIONS_H
#define NEEDSMAP_OPTIONS_H

#include <stddef.h>

#include "needsmap/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How an option's text becomes a field. */
typedef enum nm_opt_kind {
    NM_OPT_STR,    /* const char *, the text as given (not copied) */
    NM_OPT_OUTPUT, /* const char *, the file written (a figures file's path is
                      relative to that file) */
    NM_OPT_INT,    /* int, a whole number from 'min' to 'max' */
    NM_OPT_LONG,   /* long, likewise */
    NM_OPT_WHOLE,  /* double holding a whole number from 'min' to 'max' */
    NM_OPT_DOUBLE, /* double from 'min' to 'max' */
    NM_OPT_FLAG,   /* int set to 'on'.  Command line: no value.  Figures file:
                      yes/true/on/1 sets 'on', no/false/off/0 sets 'off' */
    NM_OPT_ENUM,   /* int: the value of the choice named (case-insensitive) */
    NM_OPT_WORD,   /* const char *: one of the choices' names (as the table spells it) */
    NM_OPT_CUSTOM  /* handled by the caller (repeatable or tool-only options) */
} nm_opt_kind;

enum {
    NM_OPT_REQUIRED = 1,   /* the call needs it (a figures file must give it) */
    NM_OPT_OPERAND = 2,    /* an operand on the command line (map INDICATOR), a key
                              in a figures file */
    NM_OPT_DEPRECATED = 4, /* an old figures-file key kept working: a warning names
                              'instead'; not on the command line, not in --help */
    NM_OPT_ZERO_NONE = 8,  /* NM_OPT_LONG: 0 is stored as -1 ("none"), since the
                              struct's 0 means "the default" */
    NM_OPT_FILE_ONLY = 16  /* NM_OPT_CUSTOM: a figures-file key only */
};

typedef struct nm_opt_choice {
    const char *name;  /* "landscape" */
    int value;         /* NM_ORIENT_LANDSCAPE */
} nm_opt_choice;

typedef struct nm_opt {
    const char *name;       /* "parent-level": --parent-level, parent-level = (or _) */
    int letter;             /* short option ('o' for -o), 0: none */
    nm_opt_kind kind;
    size_t offset;          /* of the field in the options struct */
    int flags;              /* NM_OPT_REQUIRED, ... */
    double min, max;        /* numbers: the range */
    int on, off;            /* NM_OPT_FLAG: the values set by yes and no */
    const nm_opt_choice *choices; /* NM_OPT_ENUM, NM_OPT_WORD: terminated by a NULL name */
    const char *metavar;    /* "FILE" in --help; NULL for flags */
    const char *help;       /* the --help line, with the default */
    const char *instead;    /* NM_OPT_DEPRECATED: what to write instead */
} nm_opt;

/* The options of one command and library call. */
typedef struct nm_optset {
    const char *command;    /* "import boundaries", "map", "count incidents" */
    const char *section;    /* in a figures file: the input type ([data.X] type =
                               boundaries) or figure type ([map.X]); NULL: none */
    int figure;             /* the section is a figure, not an input */
    size_t size;            /* of the options struct */
    void (*init)(void *opts); /* defaults; NULL: zeroes */
    const nm_opt *opts;     /* terminated by a NULL name */
} nm_optset;

/* The option set of a command ("map"); NULL when none.  nm_optset_at(i)
 * enumerates them all (NULL past the end). */
const nm_optset *nm_optset_find(const char *command);
const nm_optset *nm_optset_at(size_t i);

/* Sets 'opts' to the set's defaults (its init, or zeroes). */
void nm_optset_defaults(const nm_optset *set, void *opts);

/* The option named 'name' ('_' stands for '-', any case), including
 * deprecated keys; NULL when none. */
const nm_opt *nm_opt_find(const nm_optset *set, const char *name);

/* Parses 'value' into the option's field of 'opts' (NULL 'value': a flag
 * given on the command line).  'value' is kept, not copied, for text kinds.
 * Returns NM_OK, or NM_USAGE with '"lots" is not a whole number from 36 to
 * 1200' as the context's error.  NM_OPT_CUSTOM options are the caller's:
 * NM_USAGE. */
nm_status nm_opt_parse(nm_ctx *ctx, const nm_opt *opt, void *opts, const char *value);

/* "A4 or A3", "none, national, region or local": the choices of an enum
 * option for messages, into 'out' of 'size' bytes. */
void nm_opt_choices_text(const nm_opt *opt, char *out, size_t size);

#ifdef __cplusplus
}
#endif

#endif
