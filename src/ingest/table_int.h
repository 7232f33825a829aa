/*
 * A table read through GDAL/OGR (CSV, XLSX, ODS, any OGR source with
 * attributes), cell by cell as text, with the line of each row for error
 * messages.  Parsing numbers is the caller's job, strictly, so that "n/a" is
 * an error and not a zero.
 */
#ifndef NM_TABLE_INT_H
#define NM_TABLE_INT_H

#include "nm_int.h"

typedef struct nmI_table nmI_table;

/* Opens 'path'.  When the source has several layers (sheets), takes the
 * first whose headings satisfy 'accept' (NULL: the first layer with
 * columns).  Returns NM_NOTFOUND (no file), NM_BADDATA (not a table, empty,
 * wrong encoding, no acceptable sheet).  Caller frees with nmI_table_close(). */
nm_status nmI_table_open(nm_ctx *ctx, const char *path,
                        int (*accept)(void *user, int ncols, const char *const *headings),
                        void *user, nmI_table **out);
void nmI_table_close(nmI_table *t);

int nmI_table_ncols(const nmI_table *t);
/* Heading of column i, without a byte-order mark.  Owned by t. */
const char *nmI_table_heading(const nmI_table *t, int i);
/* Index of the column whose heading equals 'name' (case-insensitive), or -1. */
int nmI_table_find(const nmI_table *t, const char *name);
/* A list of the headings, quoted and comma-separated, for messages.  Caller
 * frees with nm_free(). */
char *nmI_table_headings_text(const nmI_table *t);

/* Goes back to the first row. */
void nmI_table_rewind(nmI_table *t);
/* Reads the next row: 1 a row, 0 the end, -1 an error (set on ctx). */
int nmI_table_next(nmI_table *t);
/* Cell i of the current row as UTF-8 text ("" when empty).  Owned by t,
 * valid until the next nmI_table_next(). */
const char *nmI_table_cell(const nmI_table *t, int i);
/* The line (CSV) or sheet row (XLSX) of the current row, counting the
 * heading as 1. */
long nmI_table_line(const nmI_table *t);
/* Whether the current row's text was all valid UTF-8 (checked per row). */
int nmI_table_row_utf8(const nmI_table *t);
/* "line" for delimited text, "row" for spreadsheets. */
const char *nmI_table_line_word(const nmI_table *t);

#endif
