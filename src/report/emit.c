/*
 * What the text reports share: writing to a file atomically, report
 * formats by name, the name of an index in a sentence, and MHCLG's
 * deciles.  The reports themselves build their text in facts.c and
 * lasummary.c.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "report/summary_int.h"

int nm_report_format_parse(const char *name, nm_report_format *out)
{
    static const struct {
        const char *name;
        nm_report_format format;
    } names[] = {{"text", NM_FORMAT_TEXT}, {"txt", NM_FORMAT_TEXT}, {"md", NM_FORMAT_MD},
                 {"markdown", NM_FORMAT_MD}, {"json", NM_FORMAT_JSON}, {"csv", NM_FORMAT_CSV}};
    size_t i;

    for (i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (nmC_strieq(name, names[i].name)) {
            *out = names[i].format;
            return 1;
        }
    return 0;
}

nm_status nmP_report_emit(nm_ctx *ctx, const char *text, const char *path)
{
    nmC_atomic a = {0};
    nm_status rc;

    if (!path)
        return NM_OK;
    rc = nmC_atomic_open(ctx, path, &a);
    if (rc == NM_OK && fputs(text, a.fp) == EOF)
        rc = nmC_fail(ctx, NM_ERROR, "%s: cannot write", path);
    if (rc == NM_OK)
        rc = nmC_atomic_commit(ctx, &a);
    nmC_atomic_abort(&a);
    return rc;
}

char *nmP_index_name(const char *key, const char *rank_label)
{
    static const char *const acronyms[] = {"imd", "idaci", "idaopi"};
    const char *cut;
    nmC_buf b = {0};
    size_t i;

    for (i = 0; i < sizeof acronyms / sizeof acronyms[0]; i++)
        if (strcmp(key, acronyms[i]) == 0) {
            for (const char *p = key; *p; p++)
                nmC_buf_addf(&b, "%c", toupper((unsigned char)*p));
            return nmC_buf_take(&b);
        }
    /* "Income Deprivation Domain rank (1 = most deprived)" -> up to " rank" */
    cut = rank_label ? strstr(rank_label, " rank") : NULL;
    if (cut)
        nmC_buf_add(&b, rank_label, (size_t)(cut - rank_label));
    else
        nmC_buf_addf(&b, "%s", rank_label && *rank_label ? rank_label : key);
    return nmC_buf_take(&b);
}

int nmP_decile_of_rank(double rank, long n)
{
    /* MHCLG's decile 1 of IoD 2019 is ranks 1..3,284 of 32,844: the rank
       times ten over n, rounded up */
    int d = (int)ceil(rank * 10.0 / (double)n);
    return d < 1 ? 1 : d > 10 ? 10 : d;
}
