/*
 * The .csv reader: a file streamed through one buffer, each record split in
 * place into cells.  A parser of our own rather than GDAL's: its line
 * parser cost a sixth of an IoD import, and loading GDAL for it (some 55
 * libraries) an eighth more, for files that are plain text.  It splits
 * exactly as the reader it replaces did (CSVReadParseLine3L: a record runs
 * on while its quotes are odd, lines joined by "\n"; "" inside quotes is a
 * quote; blank lines are skipped), which tests/unit/test_table.c checks
 * against GDAL on generated files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ingest/csv_int.h"

#define CSV_CHUNK (64 * 1024)

struct nmI_csv {
    nm_ctx *ctx;
    const char *path; /* the caller's, kept while open */
    FILE *fp;
    char delim;
    char *in; /* the input buffer: bytes in[pos, len) not yet read */
    size_t pos, len;
    int eof;      /* the file has no more bytes beyond in[len) */
    char *rec;    /* the record, its lines joined by '\n', then its cells */
    size_t rec_len, rec_cap;
    const char **cells;
    int ncells, cells_cap;
    int ended_by_eof; /* the record's last line had no line end */
    long lines;       /* physical lines read so far */
    long line;        /* the line the current record starts on */
};

/* Refills the buffer; 1 when bytes are there, 0 at the end, -1 on a read
 * error (set on ctx). */
static int fill(nmI_csv *c)
{
    size_t n;

    if (c->pos < c->len)
        return 1;
    if (c->eof)
        return 0;
    n = fread(c->in, 1, CSV_CHUNK, c->fp);
    c->pos = 0;
    c->len = n;
    if (n < CSV_CHUNK) {
        if (ferror(c->fp)) {
            nmC_fail(c->ctx, NM_ERROR, "%s: cannot read: %s", c->path, strerror(errno));
            return -1;
        }
        c->eof = 1;
    }
    return n > 0;
}

static int rec_reserve(nmI_csv *c, size_t extra)
{
    size_t want = c->rec_len + extra + 1;
    char *p;

    if (want <= c->rec_cap)
        return 1;
    want = want < 2 * c->rec_cap ? 2 * c->rec_cap : want;
    if (!(p = nm_realloc(c->rec, want))) {
        nmC_fail(c->ctx, NM_NOMEM, "out of memory");
        return 0;
    }
    c->rec = p;
    c->rec_cap = want;
    return 1;
}

/* Appends one physical line to the record, without its end (\n, \r\n or
 * \r), counting its quotes into *quotes.  Returns 1 a line, 0 the end of
 * the file, -1 an error. */
static int read_line(nmI_csv *c, long *quotes)
{
    int got = 0, r;

    while ((r = fill(c)) == 1) {
        const char *p = c->in + c->pos, *end = c->in + c->len, *q = p;
        while (q < end && *q != '\n' && *q != '\r') {
            if (*q == '"')
                ++*quotes;
            else if (*q == '\0') {
                nmC_fail(c->ctx, NM_BADDATA,
                        "%s:%ld: a NUL byte, which text never holds: is this a CSV file?",
                        c->path, c->lines + 1);
                return -1;
            }
            q++;
        }
        if (!rec_reserve(c, (size_t)(q - p)))
            return -1;
        memcpy(c->rec + c->rec_len, p, (size_t)(q - p));
        c->rec_len += (size_t)(q - p);
        c->pos += (size_t)(q - p);
        got = 1;
        if (q == end)
            continue;
        c->pos++;
        /* GDAL's line reader takes \r\n and \n\r as one line end */
        if ((r = fill(c)) == 1 && c->in[c->pos] == (*q == '\r' ? '\n' : '\r'))
            c->pos++;
        if (r < 0)
            return -1;
        c->ended_by_eof = 0;
        c->lines++;
        return 1;
    }
    if (r < 0)
        return -1;
    c->ended_by_eof = 1;
    c->lines += got;
    return got;
}

static int cell_add(nmI_csv *c, const char *cell)
{
    if (c->ncells == c->cells_cap) {
        int cap = c->cells_cap ? 2 * c->cells_cap : 64;
        const char **p = nm_realloc(c->cells, (size_t)cap * sizeof *p);
        if (!p) {
            nmC_fail(c->ctx, NM_NOMEM, "out of memory");
            return 0;
        }
        c->cells = p;
        c->cells_cap = cap;
    }
    c->cells[c->ncells++] = cell;
    return 1;
}

/* Splits the record into cells in place (a cell is never longer than its
 * text in the record).  A quote opens or closes a quoted stretch wherever
 * it is (a""b is ab, as GDAL 3.6 reads it); within one, "" is a quote; the
 * separator ends a cell outside quotes.  A record ending in the separator
 * has an empty last cell. */
static int split(nmI_csv *c)
{
    char *r = c->rec, *end = c->rec + c->rec_len, *w = c->rec;
    int trailing = c->rec_len > 0 && end[-1] == c->delim;

    c->ncells = 0;
    while (r < end) {
        char *cell = w;
        int quoted = 0;
        do {
            if (!quoted && *r == c->delim) {
                r++;
                break;
            }
            if (*r == '"') {
                if (quoted && r[1] == '"')
                    r++;
                else {
                    quoted = !quoted;
                    continue;
                }
            }
            *w++ = *r;
        } while (++r < end);
        *w++ = '\0';
        if (!cell_add(c, cell))
            return -1;
    }
    if (trailing && !cell_add(c, ""))
        return -1;
    return 0;
}

/* Reads the next record that is not a blank line into c->cells: 1 a
 * record, 0 the end, -1 an error. */
static int next_record(nmI_csv *c)
{
    for (;;) {
        long quotes = 0, first = c->lines + 1;
        int r;
        c->rec_len = 0;
        r = read_line(c, &quotes);
        if (r <= 0)
            return r;
        if (c->rec_len >= 3 && memcmp(c->rec, "\xEF\xBB\xBF", 3) == 0) {
            memmove(c->rec, c->rec + 3, c->rec_len - 3);
            c->rec_len -= 3;
        }
        /* a quoted cell holding line breaks runs on to later lines */
        while (quotes % 2) {
            if (!rec_reserve(c, 1))
                return -1;
            c->rec[c->rec_len++] = '\n';
            r = read_line(c, &quotes);
            if (r < 0)
                return -1;
            if (r == 0) {
                c->rec_len--;
                break;
            }
        }
        c->rec[c->rec_len] = '\0';
        c->line = first;
        if (c->rec_len == 0)
            continue;
        return split(c) < 0 ? -1 : 1;
    }
}

/* The separator of the heading line, as OGR's CSV driver picks it: the
 * first comma, semicolon or tab outside quotes (a comma when they are
 * mixed), else a space when there is one, else a comma. */
static char detect_delim(const char *line, size_t n)
{
    char delim = '\0';
    int quoted = 0, spaces = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        char ch = line[i];
        if (!quoted && (ch == ',' || ch == ';' || ch == '\t')) {
            if (!delim)
                delim = ch;
            else if (delim != ch)
                return ',';
        } else if (!quoted && ch == ' ')
            spaces++;
        else if (ch == '"')
            quoted = !quoted;
    }
    return delim ? delim : spaces ? ' ' : ',';
}

/* Goes back to the start of the file. */
static int restart(nmI_csv *c)
{
    if (fseek(c->fp, 0, SEEK_SET) != 0) {
        nmC_fail(c->ctx, NM_ERROR, "%s: cannot read: %s", c->path, strerror(errno));
        return -1;
    }
    clearerr(c->fp);
    c->pos = c->len = 0;
    c->eof = 0;
    c->lines = 0;
    c->line = 0;
    c->ncells = 0;
    return 0;
}

nm_status nmI_csv_open(nm_ctx *ctx, const char *path, nmI_csv **out)
{
    nmI_csv *c = nm_calloc(1, sizeof *c);
    long quotes = 0;
    nm_status rc = NM_OK;

    *out = NULL;
    if (!c || !(c->in = nm_malloc(CSV_CHUNK)) || !rec_reserve(c, 256)) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    c->ctx = ctx;
    c->path = path;
    if (!(c->fp = fopen(path, "rb"))) {
        rc = nmC_fail(ctx, NM_ERROR, "%s: cannot open: no such file or not readable", path);
        goto cleanup;
    }
    c->rec_len = 0;
    if (read_line(c, &quotes) < 0 || restart(c) < 0) {
        rc = nm_errcode(ctx);
        goto cleanup;
    }
    c->delim = detect_delim(c->rec, c->rec_len);

cleanup:
    if (rc != NM_OK) {
        nmI_csv_close(c);
        return rc;
    }
    *out = c;
    return NM_OK;
}

void nmI_csv_close(nmI_csv *c)
{
    if (!c)
        return;
    if (c->fp)
        fclose(c->fp);
    nm_free(c->in);
    nm_free(c->rec);
    nm_free(c->cells);
    nm_free(c);
}

int nmI_csv_next(nmI_csv *c)
{
    return next_record(c);
}

int nmI_csv_rewind(nmI_csv *c)
{
    return restart(c);
}

int nmI_csv_ncells(const nmI_csv *c)
{
    return c->ncells;
}

const char *nmI_csv_cell(const nmI_csv *c, int i)
{
    return i >= 0 && i < c->ncells ? c->cells[i] : "";
}

long nmI_csv_line(const nmI_csv *c)
{
    return c->line;
}

int nmI_csv_at_end(const nmI_csv *c)
{
    return c->ended_by_eof;
}
