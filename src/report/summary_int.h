/*
 * Shared by the text reports of the report module (facts.c, lasummary.c):
 * writing a rendered report to its file, and the small pieces of wording
 * both use.  Maps and their sidecars have their own helpers in
 * report_int.h.
 */
#ifndef NM_SUMMARY_INT_H
#define NM_SUMMARY_INT_H

#include "needsmap/report.h"
#include "nm_int.h"

/* Writes 'text' to 'path' atomically (temporary file, then rename);
 * 'path' NULL writes nothing.  Returns NM_ERROR when it cannot be written. */
nm_status nmP_report_emit(nm_ctx *ctx, const char *text, const char *path);

/* The short name of an index or domain for sentences: "IMD", "IDACI",
 * or the domain's label without its measure ("Income Deprivation
 * Domain").  Caller frees with nm_free(). */
char *nmP_index_name(const char *key, const char *rank_label);

/* Decile 1..10 of a national rank among n, MHCLG's way: the most
 * deprived tenth (rank <= n/10, rounded down) is decile 1. */
int nmP_decile_of_rank(double rank, long n);

#endif
