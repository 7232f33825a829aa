/*
 * Collects the problems met while reading one input file.  Each kind of
 * problem is reported once, with its first message, a count and the first
 * few line numbers, so that a file with 30,000 bad rows yields a readable
 * report instead of 30,000 lines.
 */
#include <stdio.h>
#include <string.h>

#include "nm_int.h"

#define DIAG_KINDS 32  /* distinct kinds kept in detail */
#define DIAG_LINES 8   /* line numbers listed per kind */

typedef struct diag_kind {
    char *key;
    char *message;
    long count;
    long lines[DIAG_LINES];
    int nlines;
} diag_kind;

struct nmC_diag {
    nm_ctx *ctx;
    char *file;
    diag_kind kinds[DIAG_KINDS];
    int nkinds;
    long total;
    long other; /* problems of kinds beyond DIAG_KINDS */
};

nmC_diag *nmC_diag_new(nm_ctx *ctx, const char *file)
{
    nmC_diag *d = nm_calloc(1, sizeof *d);

    if (!d)
        return NULL;
    d->ctx = ctx;
    d->file = nm_strdup(file ? file : "");
    if (!d->file) {
        nm_free(d);
        return NULL;
    }
    return d;
}

void nmC_diag_free(nmC_diag *d)
{
    int i;

    if (!d)
        return;
    for (i = 0; i < d->nkinds; i++) {
        nm_free(d->kinds[i].key);
        nm_free(d->kinds[i].message);
    }
    nm_free(d->file);
    nm_free(d);
}

static diag_kind *find_kind(nmC_diag *d, const char *key)
{
    int i;

    for (i = 0; i < d->nkinds; i++)
        if (strcmp(d->kinds[i].key, key) == 0)
            return &d->kinds[i];
    return NULL;
}

void nmC_diag_add(nmC_diag *d, const char *key, long line, const char *fmt, ...)
{
    diag_kind *k;
    va_list ap;
    nmC_buf msg = {0};

    if (!d)
        return;
    d->total++;
    k = find_kind(d, key);
    if (!k) {
        if (d->nkinds == DIAG_KINDS) {
            d->other++;
            return;
        }
        k = &d->kinds[d->nkinds];
        va_start(ap, fmt);
        nmC_buf_vaddf(&msg, fmt, ap);
        va_end(ap);
        k->message = nmC_buf_take(&msg);
        k->key = nm_strdup(key);
        if (!k->message || !k->key) {
            nm_free(k->message);
            nm_free(k->key);
            memset(k, 0, sizeof *k);
            d->other++;
            return;
        }
        d->nkinds++;
    }
    k->count++;
    if (k->nlines < DIAG_LINES)
        k->lines[k->nlines++] = line;
}

long nmC_diag_count(const nmC_diag *d)
{
    return d ? d->total : 0;
}

/* "file:line: message (and 41 more like this: lines 12, 13, ...)" */
static void log_kind(nmC_diag *d, const diag_kind *k, nm_level level)
{
    nmC_buf b = {0};
    int i;

    nmC_buf_addf(&b, "%s", d->file);
    if (k->lines[0] > 0)
        nmC_buf_addf(&b, ":%ld", k->lines[0]);
    nmC_buf_addf(&b, ": %s", k->message);
    if (k->count > 1) {
        nmC_buf_addf(&b, " (and %ld more like this", k->count - 1);
        if (k->nlines > 1 && k->lines[1] > 0) {
            nmC_buf_addf(&b, ": at %ld", k->lines[1]);
            for (i = 2; i < k->nlines; i++)
                nmC_buf_addf(&b, ", %ld", k->lines[i]);
            if (k->count > k->nlines)
                nmC_buf_addf(&b, ", ...");
        }
        nmC_buf_addf(&b, ")");
    }
    if (!b.failed)
        nmC_log(d->ctx, level, "%s", b.data);
    nmC_buf_free(&b);
}

static nm_status fail_one(nmC_diag *d, nm_status status, const diag_kind *k)
{
    if (k->lines[0] > 0)
        return nmC_fail(d->ctx, status, "%s:%ld: %s", d->file, k->lines[0], k->message);
    return nmC_fail(d->ctx, status, "%s: %s", d->file, k->message);
}

nm_status nmC_diag_report(nmC_diag *d, nm_level level, nm_status status, const char *summary)
{
    int i;

    if (!d || d->total == 0)
        return NM_OK;
    /* a failure of one problem is all in the error: logging it as well
       printed it twice */
    if (status != NM_OK && d->nkinds == 1 && d->kinds[0].count == 1 && d->other == 0)
        return fail_one(d, status, &d->kinds[0]);
    for (i = 0; i < d->nkinds; i++)
        log_kind(d, &d->kinds[i], level);
    if (d->other > 0)
        nmC_log(d->ctx, level, "%s: %ld further problems of other kinds", d->file, d->other);
    if (status == NM_OK)
        return NM_OK;
    return nmC_fail(d->ctx, status, "%s: %ld problem%s; %s", d->file, d->total,
                   d->total == 1 ? "" : "s", summary ? summary : "see above");
}
