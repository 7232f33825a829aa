/*
 * needsmap fetch: the official input files, named by manifests (one INI
 * file each under boundaries/ and indicators/: name, url, sha256, size,
 * licence, attribution), downloaded with libcurl or copied from a mirror
 * into a cache and verified.  A download writes CACHE/NAME.part and resumes
 * it with an HTTP Range request; only a file whose size and SHA-256 agree
 * with its manifest becomes CACHE/NAME.  The server is not trusted: only
 * http and https are spoken (redirects included), the manifest's size caps
 * what is written, and the disk's free space is checked first.
 */
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "batch/build_int.h"
#include "nm_lazy.h"

typedef struct manifest {
    char path[1024];   /* the manifest file */
    char name[256];    /* file name in the cache and on a mirror */
    char url[1024];
    char sha256[65];
    long size;
    int derived;       /* made by a script: only a mirror has it */
    int line_bad;      /* first line of a bad key */
    char bad[256];
} manifest;

static int on_manifest_key(void *user, const char *section, const char *name, const char *value)
{
    manifest *m = user;
    long n;

    if (strcmp(section, "file") != 0)
        return 1;
    if (strcmp(name, "name") == 0)
        nmC_strlcpy(m->name, value, sizeof m->name);
    else if (strcmp(name, "url") == 0)
        nmC_strlcpy(m->url, value, sizeof m->url);
    else if (strcmp(name, "sha256") == 0)
        nmC_strlcpy(m->sha256, value, sizeof m->sha256);
    else if (strcmp(name, "size") == 0 && nmC_parse_long(value, 0, 1L << 40, &n))
        m->size = n;
    else if (strcmp(name, "derived") == 0)
        m->derived = strcmp(value, "yes") == 0 || strcmp(value, "true") == 0;
    return 1;
}

static int web_url(const char *url)
{
    return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

static nm_status read_manifest(nm_ctx *ctx, manifest *m)
{
    int bad = ini_parse(m->path, on_manifest_key, m);
    size_t i;

    if (bad != 0)
        return nmC_fail(ctx, NM_USAGE, "%s:%d: not a manifest line", m->path, bad < 0 ? 0 : bad);
    if (!*m->name || strchr(m->name, '/') || m->name[0] == '.')
        return nmC_fail(ctx, NM_USAGE, "%s: [file] name is missing or not a plain file name",
                       m->path);
    if (strlen(m->sha256) != 64)
        return nmC_fail(ctx, NM_USAGE, "%s: [file] sha256 must be 64 hex digits", m->path);
    for (i = 0; i < 64; i++)
        if (!strchr("0123456789abcdef", m->sha256[i]))
            return nmC_fail(ctx, NM_USAGE, "%s: [file] sha256 must be lowercase hex", m->path);
    if (m->size <= 0)
        return nmC_fail(ctx, NM_USAGE, "%s: [file] size is missing", m->path);
    if (!m->derived && !*m->url)
        return nmC_fail(ctx, NM_USAGE, "%s: [file] url is missing (or say derived = yes)",
                       m->path);
    if (*m->url && !web_url(m->url))
        return nmC_fail(ctx, NM_USAGE, "%s: [file] url \"%s\" is not http:// or https:// (the "
                                      "only protocols fetch speaks)", m->path, m->url);
    return NM_OK;
}

/* Size and checksum of a file agree with the manifest. */
static int verified(nm_ctx *ctx, const manifest *m, const char *path)
{
    struct stat st;
    char hex[65];

    if (stat(path, &st) != 0 || (long)st.st_size != m->size)
        return 0;
    return nmC_sha256_file(ctx, path, hex) == NM_OK && strcmp(hex, m->sha256) == 0;
}

/* Copies a mirror's file, no more than 'cap' bytes: a larger file is not
 * the manifest's and fails (NM_BADDATA) without filling the disk. */
static nm_status copy_file(nm_ctx *ctx, const char *from, const char *to, long cap)
{
    FILE *in = fopen(from, "rb"), *out = NULL;
    char buf[1 << 16];
    size_t n;
    long total = 0;
    nm_status rc = NM_OK;

    if (!in)
        return nmC_fail(ctx, NM_ERROR, "%s: %s", from, strerror(errno));
    out = fopen(to, "wb");
    if (!out) {
        fclose(in);
        return nmC_fail(ctx, NM_ERROR, "%s: %s", to, strerror(errno));
    }
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        if ((total += (long)n) > cap) {
            rc = nmC_fail(ctx, NM_BADDATA, "%s: larger than the manifest's %ld bytes", from, cap);
            break;
        }
        if (fwrite(buf, 1, n, out) != n) {
            rc = nmC_fail(ctx, NM_ERROR, "%s: %s", to, strerror(errno));
            break;
        }
    }
    fclose(in);
    if (fclose(out) != 0 && rc == NM_OK)
        rc = nmC_fail(ctx, NM_ERROR, "%s: %s", to, strerror(errno));
    return rc;
}

/* Where a download's bytes go: the .part file, up to the manifest's size. */
typedef struct sink {
    FILE *fp;
    curl_off_t have;  /* bytes in the file, including an earlier run's */
    curl_off_t cap;   /* the manifest's size */
    int over;         /* the server sent more than 'cap' */
    int err;          /* errno of a failed write */
} sink;

/* curl's write callback: a short count stops the transfer */
static size_t to_sink(char *data, size_t size, size_t n, void *user)
{
    sink *k = user;
    size_t len = size * n;

    if (k->have + (curl_off_t)len > k->cap) {
        k->over = 1;
        return 0;
    }
    if (fwrite(data, 1, len, k->fp) != len) {
        k->err = errno;
        return 0;
    }
    k->have += (curl_off_t)len;
    return len;
}

/* The manifest's file fits in what is free beside the cache. */
static nm_status check_space(nm_ctx *ctx, const char *part, long need)
{
    nmC_buf dir = {0};
    struct statvfs vs;
    const char *slash = strrchr(part, '/');
    nm_status rc = NM_OK;

    nmC_buf_add(&dir, part, slash ? (size_t)(slash - part) : 0);
    if (!slash)
        nmC_buf_add(&dir, ".", 1);
    if (dir.failed)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    if (statvfs(dir.data, &vs) == 0 && (double)vs.f_bavail * (double)vs.f_frsize < (double)need)
        rc = nmC_fail(ctx, NM_ERROR, "%s: needs %ld bytes but only %.0f are free in %s; nothing "
                                    "downloaded", nmC_basename(part), need,
                     (double)vs.f_bavail * (double)vs.f_frsize, dir.data);
    nmC_buf_free(&dir);
    return rc;
}

static void allow_web_only(CURL *h)
{
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85: the string forms */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
}

/* A failed download keeps its .part only when it holds a true beginning
 * of the file that a later run can resume: nothing empty or oversized. */
static nm_status download_failed(nm_ctx *ctx, const char *url, const char *part, const sink *k,
                                 CURLcode cc, const char *err)
{
    const char *why = *err ? err : curl_easy_strerror(cc);

    if (k->over || cc == CURLE_FILESIZE_EXCEEDED) {
        unlink(part);
        return nmC_fail(ctx, NM_BADDATA, "%s: the server sends more than the manifest's %ld "
                                        "bytes; nothing kept", url, (long)k->cap);
    }
    if (k->err) {
        unlink(part);
        return nmC_fail(ctx, NM_ERROR, "%s: %s; nothing kept", part, strerror(k->err));
    }
    if (cc == CURLE_UNSUPPORTED_PROTOCOL)
        why = "redirected off http and https, the only protocols fetch speaks";
    if (k->have == 0) {
        unlink(part);
        return nmC_fail(ctx, NM_ERROR, "%s: %s; nothing kept", url, why);
    }
    return nmC_fail(ctx, NM_ERROR, "%s: %s (partial download of %ld bytes kept as %s; run again "
                                  "to resume)", url, why, (long)k->have, part);
}

/* Downloads 'url' into 'part', continuing where an earlier run stopped,
 * never writing more than 'size' bytes in all. */
static nm_status download(nm_ctx *ctx, const nm_fetch_opts *o, const char *url, const char *part,
                          long size)
{
    struct stat st;
    sink k = {0};
    char err[CURL_ERROR_SIZE] = "";
    long status = 0;
    nm_status rc;
    CURLcode cc;
    CURL *h;
    int resumed;

    k.have = stat(part, &st) == 0 ? (curl_off_t)st.st_size : 0;
    k.cap = size;
    /* a .part longer than the file is not the beginning of it */
    if (k.have >= k.cap) {
        unlink(part);
        k.have = 0;
    }
    resumed = k.have > 0;
    if ((rc = check_space(ctx, part, size - (long)k.have)) != NM_OK)
        return rc;
    k.fp = fopen(part, k.have ? "ab" : "wb");
    if (!k.fp)
        return nmC_fail(ctx, NM_ERROR, "%s: %s", part, strerror(errno));
    h = curl_easy_init();
    if (!h) {
        fclose(k.fp);
        if (!k.have)
            unlink(part);
        return nmC_fail(ctx, NM_NOMEM, "cannot start libcurl");
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    allow_web_only(h);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, to_sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &k);
    /* a Content-Length above the rest of the file stops before any byte */
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, k.cap - k.have);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "needsmap-fetch");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    /* a stalled transfer fails rather than hangs */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, o->timeout > 0 ? o->timeout : 60L);
    if (k.have > 0)
        curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, k.have);
    cc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    if (fclose(k.fp) != 0 && cc == CURLE_OK && !k.err)
        k.err = errno;
    if (cc == CURLE_OK && k.err)
        cc = CURLE_WRITE_ERROR;
    if (cc != CURLE_OK)
        return download_failed(ctx, url, part, &k, cc, err);
    /* a server that ignores Range sends the whole file again: start over */
    if (resumed && status == 200) {
        unlink(part);
        return nmC_fail(ctx, NM_ERROR, "%s: the server does not resume downloads; the partial "
                                      "file was removed: run again to start over", url);
    }
    return NM_OK;
}

/* Fetches one manifest's file into the cache. */
static nm_status fetch_one(nm_ctx *ctx, const nm_fetch_opts *o, const char *cache,
                           const manifest *m, nm_fetch_result *res)
{
    nmC_buf target = {0}, part = {0}, src = {0};
    int remote = o->mirror && (strncmp(o->mirror, "http://", 7) == 0 ||
                               strncmp(o->mirror, "https://", 8) == 0);
    nm_status rc = NM_OK;

    nmC_buf_addf(&target, "%s/%s", cache, m->name);
    nmC_buf_addf(&part, "%s/%s.part", cache, m->name);
    if (target.failed || part.failed) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    if (verified(ctx, m, target.data)) {
        res->present++;
        goto cleanup;
    }
    if (m->derived && !o->mirror) {
        res->derived++;
        nmC_log(ctx, NM_LOG_INFO, "%s: %s is derived (made by a script from official files); "
                                 "only a --mirror has it", m->path, m->name);
        goto cleanup;
    }
    if (o->mirror && !remote) {
        nmC_buf_addf(&src, "%s/%s", o->mirror, m->name);
        rc = src.failed ? nmC_fail(ctx, NM_NOMEM, "out of memory")
                        : check_space(ctx, part.data, m->size);
        if (rc == NM_OK)
            rc = copy_file(ctx, src.data, part.data, m->size);
        if (rc != NM_OK)
            unlink(part.data);
    } else {
        if (remote)
            nmC_buf_addf(&src, "%s%s%s", o->mirror,
                        o->mirror[strlen(o->mirror) - 1] == '/' ? "" : "/", m->name);
        else
            nmC_buf_addf(&src, "%s", m->url);
        rc = src.failed ? nmC_fail(ctx, NM_NOMEM, "out of memory")
                        : download(ctx, o, src.data, part.data, m->size);
    }
    if (rc == NM_OK && !verified(ctx, m, part.data)) {
        struct stat st;
        long got = stat(part.data, &st) == 0 ? (long)st.st_size : -1;
        /* a wrong file is not kept: a resumed download would build on it */
        unlink(part.data);
        rc = nmC_fail(ctx, NM_BADDATA, "%s: %s does not match its manifest (%ld bytes, expected "
                                      "%ld; SHA-256 differs); nothing kept",
                     src.data, m->name, got, m->size);
    }
    if (rc == NM_OK && rename(part.data, target.data) != 0)
        rc = nmC_fail(ctx, NM_ERROR, "%s: %s", target.data, strerror(errno));
    if (rc == NM_OK)
        res->fetched++;

cleanup:
    nmC_buf_free(&target);
    nmC_buf_free(&part);
    nmC_buf_free(&src);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The manifests of one folder, in name order. */
static nm_status list_folder(nm_ctx *ctx, const char *dir, char ***names, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t cap = 0;

    if (!d)
        return NM_OK; /* a folder may be absent */
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        nmC_buf path = {0};
        if (len < 5 || strcmp(e->d_name + len - 4, ".ini") != 0)
            continue;
        if (*n == cap) {
            char **nn = nm_realloc(*names, (cap = cap ? cap * 2 : 32) * sizeof *nn);
            if (!nn) {
                closedir(d);
                return nmC_fail(ctx, NM_NOMEM, "out of memory");
            }
            *names = nn;
        }
        nmC_buf_addf(&path, "%s/%s", dir, e->d_name);
        if (!(( *names)[*n] = nmC_buf_take(&path))) {
            closedir(d);
            return nmC_fail(ctx, NM_NOMEM, "out of memory");
        }
        (*n)++;
    }
    closedir(d);
    return NM_OK;
}

static int only_has(const char *only, const char *name)
{
    size_t n = strlen(name);
    const char *p = only;

    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p += len + (comma ? 1 : 0);
    }
    return !only;
}

static nm_status cache_dir(nm_ctx *ctx, const nm_fetch_opts *o, nmC_buf *out)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

    if (o->cache)
        nmC_buf_addf(out, "%s", o->cache);
    else if (xdg && *xdg)
        nmC_buf_addf(out, "%s/needsmap", xdg);
    else if (home && *home)
        nmC_buf_addf(out, "%s/.cache/needsmap", home);
    else
        nmC_buf_addf(out, "output/cache");
    if (out->failed)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    /* the parent of the default may be missing too */
    for (char *p = out->data + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(out->data, 0755);
            *p = '/';
        }
    if (mkdir(out->data, 0755) != 0 && errno != EEXIST)
        return nmC_fail(ctx, NM_ERROR, "%s: cannot create the cache: %s", out->data,
                       strerror(errno));
    return NM_OK;
}

nm_status nm_fetch(nm_ctx *ctx, const nm_fetch_opts *o, nm_fetch_result *res)
{
    static const char *const folders[] = {"boundaries", "indicators"};
    nm_fetch_result local;
    nmC_buf cache = {0};
    char **names = NULL;
    size_t n = 0, i;
    nm_status rc, first_fail = NM_OK;

    nmC_clear(ctx);
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    rc = cache_dir(ctx, o, &cache);
    for (i = 0; rc == NM_OK && i < 2; i++) {
        nmC_buf dir = {0};
        nmC_buf_addf(&dir, "%s/%s", o->manifests ? o->manifests : ".", folders[i]);
        rc = dir.failed ? nmC_fail(ctx, NM_NOMEM, "out of memory")
                        : list_folder(ctx, dir.data, &names, &n);
        nmC_buf_free(&dir);
    }
    if (rc == NM_OK && n == 0)
        rc = nmC_fail(ctx, NM_NOTFOUND, "no manifests in %s/boundaries or %s/indicators",
                     o->manifests ? o->manifests : ".", o->manifests ? o->manifests : ".");
    if (rc == NM_OK)
        qsort(names, n, sizeof *names, by_name);
    if (rc == NM_OK)
        rc = nmC_need(ctx, NMC_CURL, "fetch");
    if (rc == NM_OK)
        curl_global_init(CURL_GLOBAL_DEFAULT);
    for (i = 0; rc == NM_OK && i < n; i++) {
        manifest *m = nm_calloc(1, sizeof *m);
        nm_status one;
        if (!m) {
            rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
            break;
        }
        nmC_strlcpy(m->path, names[i], sizeof m->path);
        rc = read_manifest(ctx, m);
        if (rc == NM_OK && only_has(o->only, m->name)) {
            res->manifests++;
            one = fetch_one(ctx, o, cache.data, m, res);
            if (one != NM_OK) {
                res->failed++;
                nmC_log(ctx, NM_LOG_ERROR, "%s", nm_errmsg(ctx));
                if (first_fail == NM_OK)
                    first_fail = one;
            }
        }
        nm_free(m);
    }
    if (rc == NM_OK && n > 0)
        curl_global_cleanup();
    if (rc == NM_OK && res->failed)
        rc = nmC_fail(ctx, first_fail == NM_BADDATA ? NM_BADDATA : NM_ERROR,
                     "%ld of %ld files could not be fetched", res->failed, res->manifests);
    for (i = 0; i < n; i++)
        nm_free(names[i]);
    nm_free(names);
    nmC_buf_free(&cache);
    return rc;
}
