/*
 * File helpers: checksums of inputs (OpenSSL's libcrypto does the hashing)
 * and atomic replacement of outputs, so that a reader never sees a
 * half-written map, a failed run leaves the previous file in place, and no
 * output replaces the store or another file the run reads.
 */
#define _GNU_SOURCE /* syncfs */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nm_int.h"

nm_status nmC_sha256_file(nm_ctx *ctx, const char *path, char hex[65])
{
    unsigned char chunk[1 << 16], md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0, i;
    nm_status rc = NM_OK;
    EVP_MD_CTX *md_ctx = NULL;
    FILE *fp = NULL;
    size_t n;

    fp = fopen(path, "rb");
    if (!fp) {
        rc = nmC_fail(ctx, NM_ERROR, "%s: cannot open: %s", path, strerror(errno));
        goto cleanup;
    }
    md_ctx = EVP_MD_CTX_new();
    if (!md_ctx || !EVP_DigestInit_ex(md_ctx, EVP_sha256(), NULL)) {
        rc = nmC_fail(ctx, NM_NOMEM, "%s: cannot start SHA-256", path);
        goto cleanup;
    }
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        EVP_DigestUpdate(md_ctx, chunk, n);
    if (ferror(fp)) {
        rc = nmC_fail(ctx, NM_ERROR, "%s: read error: %s", path, strerror(errno));
        goto cleanup;
    }
    EVP_DigestFinal_ex(md_ctx, md, &mdlen);
    for (i = 0; i < mdlen && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    hex[64] = '\0';

cleanup:
    EVP_MD_CTX_free(md_ctx);
    if (fp)
        fclose(fp);
    return rc;
}

#define ATOMIC_ROOM ((size_t)256 << 10)

nm_status nmC_atomic_open(nm_ctx *ctx, const char *target, nmC_atomic *a)
{
    const char *input = nmC_input_what(ctx, target);
    nmC_buf b = {0};
    int fd;

    memset(a, 0, sizeof *a);
    /* every output passes here: the one place that keeps a run from
       replacing its store or a file it reads (by inode, so that another
       name or a link for the same file is caught too) */
    if (input)
        return nmC_fail(ctx, NM_USAGE, "%s: is %s, which this run reads; write the output "
                                      "elsewhere", target, input);
    a->target = nm_strdup(target);
    nmC_buf_addf(&b, "%s.tmp-XXXXXX", target);
    a->temp = nmC_buf_take(&b);
    if (!a->target || !a->temp) {
        nmC_atomic_abort(a);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    fd = mkstemp(a->temp);
    if (fd < 0) {
        nm_status rc = nmC_fail(ctx, NM_ERROR, "%s: cannot write: %s", target, strerror(errno));
        nm_free(a->temp);
        a->temp = NULL;
        nmC_atomic_abort(a);
        return rc;
    }
    /* mkstemp makes the file 0600; outputs are ordinary files */
    fchmod(fd, 0644);
    a->fp = fdopen(fd, "wb");
    if (!a->fp) {
        close(fd);
        nmC_atomic_abort(a);
        return nmC_fail(ctx, NM_ERROR, "%s: cannot write: %s", target, strerror(errno));
    }
    /* stdio's 4 KB made England's 2.4 MB sidecar 593 write calls, 13 ms
       where a system call is dear (a VM); 256 KB makes ten.  glibc takes
       the size only with a buffer given; without the room, its own stays. */
    a->room = nm_malloc(ATOMIC_ROOM);
    if (a->room)
        setvbuf(a->fp, a->room, _IOFBF, ATOMIC_ROOM);
    return NM_OK;
}

nm_status nmC_atomic_commit(nm_ctx *ctx, nmC_atomic *a)
{
    nm_status rc = NM_OK;
    int failed;

    failed = fflush(a->fp) != 0 || ferror(a->fp) ||
             (!nmC_sync_later(ctx) && fsync(fileno(a->fp)) != 0);
    failed |= fclose(a->fp) != 0;
    a->fp = NULL;
    if (failed) {
        rc = nmC_fail(ctx, NM_ERROR, "%s: write failed: %s", a->target, strerror(errno));
    } else if (rename(a->temp, a->target) != 0) {
        rc = nmC_fail(ctx, NM_ERROR, "%s: cannot replace: %s", a->target, strerror(errno));
    } else {
        nm_free(a->temp);
        a->temp = NULL;
    }
    nmC_atomic_abort(a);
    return rc;
}

/* The folder of 'path' ("." for a bare name).  Caller frees. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    nmC_buf b = {0};

    if (!slash)
        nmC_buf_add(&b, ".", 1);
    else
        nmC_buf_add(&b, path, slash == path ? 1 : (size_t)(slash - path));
    return nmC_buf_take(&b);
}

nm_status nmC_sync_outputs(nm_ctx *ctx, const char *const *paths, size_t n)
{
    dev_t seen[16];
    size_t nseen = 0, i, k;
    char *last = NULL;
    nm_status rc = NM_OK;

    for (i = 0; rc == NM_OK && i < n; i++) {
        char *dir = paths[i] ? folder_of(paths[i]) : NULL;
        struct stat st;
        int fd;
        if (!paths[i])
            continue;
        if (!dir) {
            nm_free(last);
            return nmC_fail(ctx, NM_NOMEM, "out of memory");
        }
        /* an atlas's thousands of outputs share a few folders */
        if (last && strcmp(dir, last) == 0) {
            nm_free(dir);
            continue;
        }
        if (stat(dir, &st) != 0) {
            rc = nmC_fail(ctx, NM_ERROR, "%s: cannot sync: %s", dir, strerror(errno));
        } else {
            for (k = 0; k < nseen && seen[k] != st.st_dev; k++)
                ;
            if (k == nseen) {
                fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0 || syncfs(fd) != 0)
                    rc = nmC_fail(ctx, NM_ERROR, "%s: cannot sync: %s", dir, strerror(errno));
                if (fd >= 0)
                    close(fd);
                if (nseen < sizeof seen / sizeof seen[0])
                    seen[nseen++] = st.st_dev;
            }
        }
        nm_free(last);
        last = dir;
    }
    nm_free(last);
    return rc;
}

void nmC_atomic_abort(nmC_atomic *a)
{
    if (a->fp)
        fclose(a->fp);
    nm_free(a->room); /* after fclose, which writes from it */
    if (a->temp)
        unlink(a->temp);
    nm_free(a->temp);
    nm_free(a->target);
    memset(a, 0, sizeof *a);
}

const char *nmC_output_date(char buf[32])
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    long t;
    time_t tt;
    struct tm tm;

    if (!epoch || !nmC_parse_long(epoch, 0, 253402300799L, &t))
        return "2000-01-01T00:00:00Z";
    tt = (time_t)t;
    gmtime_r(&tt, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}
