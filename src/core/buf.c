/*
 * A growable NUL-terminated string whose failure is sticky, so that a run of
 * appends needs one check at the end (curl's dynbuf).
 */
#include <stdio.h>
#include <string.h>

#include "nm_int.h"

static int grow(nmC_buf *b, size_t extra)
{
    size_t need;
    char *p;

    if (b->failed)
        return 0;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    if (need < 64)
        need = 64;
    if (need < b->cap * 2)
        need = b->cap * 2;
    p = nm_realloc(b->data, need);
    if (!p) {
        b->failed = 1;
        return 0;
    }
    b->data = p;
    b->cap = need;
    return 1;
}

void nmC_buf_add(nmC_buf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void nmC_buf_vaddf(nmC_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0 || !grow(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void nmC_buf_addf(nmC_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nmC_buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void nmC_buf_add_quoted(nmC_buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);

    nmC_buf_add(b, "\"", 1);
    if (n <= max) {
        nmC_buf_add(b, s, n);
    } else {
        /* cut at a character boundary: skip back over continuation bytes */
        while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
            max--;
        nmC_buf_add(b, s, max);
        nmC_buf_add(b, "...", 3);
    }
    nmC_buf_add(b, "\"", 1);
}

void nmC_buf_free(nmC_buf *b)
{
    nm_free(b->data);
    memset(b, 0, sizeof *b);
}

char *nmC_buf_take(nmC_buf *b)
{
    char *s;

    if (b->failed) {
        nmC_buf_free(b);
        return NULL;
    }
    s = b->data ? b->data : nm_strdup("");
    memset(b, 0, sizeof *b);
    return s;
}
