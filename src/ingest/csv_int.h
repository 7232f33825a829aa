/*
 * The .csv reader (csv.c): records split into cells as text, with the
 * line each starts on.  Checking the cells (their count, their encoding)
 * is the table's job (table.c).  Not published.
 */
#ifndef NM_CSV_INT_H
#define NM_CSV_INT_H

#include "nm_int.h"

typedef struct nm_csv nm_csv;

/* Opens 'path' (kept, not copied: the caller's until nm_csv_close) and
 * picks the separator from its first line.  NM_ERROR when it cannot be
 * read.  Caller frees with nm_csv_close(). */
nm_status nm_csv_open(nm_ctx *ctx, const char *path, nm_csv **out);
void nm_csv_close(nm_csv *c);
/* The next record that is not a blank line: 1 a record, 0 the end, -1 an
 * error (a NUL byte, a read error, memory; set on ctx). */
int nm_csv_next(nm_csv *c);
/* Back to the first line; 0, or -1 with the error set. */
int nm_csv_rewind(nm_csv *c);
int nm_csv_ncells(const nm_csv *c);
/* Cell i of the record ("" beyond its cells).  Owned by c, valid until
 * the next nm_csv_next(). */
const char *nm_csv_cell(const nm_csv *c, int i);
/* The line the record starts on, the first line being 1. */
long nm_csv_line(const nm_csv *c);
/* Whether the record's last line ended with the file, without a line end. */
int nm_csv_at_end(const nm_csv *c);

#endif
