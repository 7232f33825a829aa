/*
 * The .csv reader (csv.c): records split into cells as text, with the
 * line each starts on.  Checking the cells (their count, their encoding)
 * is the table's job (table.c).  Not published.
 */
#ifndef NM_CSV_INT_H
#define NM_CSV_INT_H

#include "nm_int.h"

typedef struct nmI_csv nmI_csv;

/* Opens 'path' (kept, not copied: the caller's until nmI_csv_close) and
 * picks the separator from its first line.  NM_ERROR when it cannot be
 * read.  Caller frees with nmI_csv_close(). */
nm_status nmI_csv_open(nm_ctx *ctx, const char *path, nmI_csv **out);
void nmI_csv_close(nmI_csv *c);
/* The next record that is not a blank line: 1 a record, 0 the end, -1 an
 * error (a NUL byte, a read error, memory; set on ctx). */
int nmI_csv_next(nmI_csv *c);
/* Back to the first line; 0, or -1 with the error set. */
int nmI_csv_rewind(nmI_csv *c);
int nmI_csv_ncells(const nmI_csv *c);
/* Cell i of the record ("" beyond its cells).  Owned by c, valid until
 * the next nmI_csv_next(). */
const char *nmI_csv_cell(const nmI_csv *c, int i);
/* The line the record starts on, the first line being 1. */
long nmI_csv_line(const nmI_csv *c);
/* Whether the record's last line ended with the file, without a line end. */
int nmI_csv_at_end(const nmI_csv *c);

#endif
