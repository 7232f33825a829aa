/*
 * A table read through GDAL/OGR (CSV, XLSX, ODS, any OGR source with
 * attributes), cell by cell as text, with the line of each row for error
 * messages.  Parsing numbers is the caller's job, strictly, so that "n/a" is
 * an error and not a zero.
 */
#ifndef NM_TABLE_INT_H
#define NM_TABLE_INT_H

#include "nm_int.h"

typedef struct nm_table nm_table;

/* Opens 'path'.  When the source has several layers (sheets), takes the
 * first whose headings satisfy 'accept' (NULL: the first layer with
 * columns).  Returns NM_NOTFOUND (no file), NM_BADDATA (not a table, empty,
 * wrong encoding, no acceptable sheet).  Caller frees with nm_table_close(). */
nm_status nm_table_open(nm_ctx *ctx, const char *path,
                        int (*accept)(void *user, int ncols, const char *const *headings),
                        void *user, nm_table **out);
void nm_table_close(nm_table *t);

int nm_table_ncols(const nm_table *t);
/* Heading of column i, without a byte-order mark.  Owned by t. */
const char *nm_table_heading(const nm_table *t, int i);
/* Index of the column whose heading equals 'name' (case-insensitive), or -1. */
int nm_table_find(const nm_table *t, const char *name);
/* A list of the headings, quoted and comma-separated, for messages.  Caller
 * frees with nm_free(). */
char *nm_table_headings_text(const nm_table *t);

/* Goes back to the first row. */
void nm_table_rewind(nm_table *t);
/* Reads the next row: 1 a row, 0 the end, -1 an error (set on ctx). */
int nm_table_next(nm_table *t);
/* Cell i of the current row as UTF-8 text ("" when empty).  Owned by t,
 * valid until the next nm_table_next(). */
const char *nm_table_cell(const nm_table *t, int i);
/* The line (CSV) or sheet row (XLSX) of the current row, counting the
 * heading as 1. */
long nm_table_line(const nm_table *t);
/* Whether the current row's text was all valid UTF-8 (checked per row). */
int nm_table_row_utf8(const nm_table *t);
/* "line" for delimited text, "row" for spreadsheets. */
const char *nm_table_line_word(const nm_table *t);

#endif
