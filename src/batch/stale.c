/*
 * What a build has to redo: the checksums of input files, the datasets a
 * figure reads (asked once per build for queries that many figures share),
 * and the store's build table, one row per figure or input recording what
 * it was made from.
 */
#include <openssl/evp.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch/build_int.h"
#include "store/store_int.h"

/* SHA-256 fetched from OpenSSL's provider once: EVP_Digest with
 * EVP_sha256() fetches it again on every call, half the cost of hashing
 * a short definition. */
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;

static void fetch_sha256(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void nmB_sha256(const void *data, size_t n, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0, i;

    pthread_once(&sha256_once, fetch_sha256);
    if (!EVP_Digest(data, n, md, &len, sha256_md ? sha256_md : EVP_sha256(), NULL))
        len = 0;
    /* not snprintf: a no-op rebuild of an atlas hashes every figure's
       definition, and 32 calls each were a tenth of its time */
    for (i = 0; i < len && i < 32; i++) {
        hex[2 * i] = "0123456789abcdef"[md[i] >> 4];
        hex[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
    }
    hex[2 * i] = '\0';
}

nm_status nmB_input_checksum(nm_ctx *ctx, const char *file, char hex[65])
{
    static const char *const companions[] = {".dbf", ".shx", ".prj", ".cpg"};
    size_t n = strlen(file), i;
    char sums[5][65];
    nmC_buf b = {0};
    nm_status rc;

    rc = nmC_sha256_file(ctx, file, sums[0]);
    if (rc != NM_OK)
        return rc;
    if (nmC_format_of(file) != NMC_FMT_SHP) {
        memcpy(hex, sums[0], 65);
        return NM_OK;
    }
    /* a shapefile's names and projection live beside the .shp */
    nmC_buf_add(&b, sums[0], 64);
    for (i = 0; i < 4; i++) {
        nmC_buf path = {0};
        nmC_buf_add(&path, file, n - 4);
        nmC_buf_add(&path, companions[i], 4);
        if (path.data && access(path.data, R_OK) == 0 &&
            nmC_sha256_file(ctx, path.data, sums[i + 1]) == NM_OK)
            nmC_buf_addf(&b, "%s%s", companions[i], sums[i + 1]);
        nmC_buf_free(&path);
    }
    if (b.failed) {
        nmC_buf_free(&b);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    nmB_sha256(b.data, b.len, hex);
    nmC_buf_free(&b);
    return NM_OK;
}

/* One file's stat, as git's index keeps it: size, modification and change
 * times to the nanosecond, inode and device.  Content cannot change without
 * the change time moving (no call sets it), so a file whose signature is
 * the one recorded need not be read again. */
static int sign_one(const char *path, nmC_buf *b, time_t now)
{
    struct stat st;

    /* a file changed this very second could change again within the
       file system's clock tick and keep its times (git's "racily clean"
       entries): it is read until it has stood still a while */
    if (stat(path, &st) != 0 || st.st_ctim.tv_sec >= now - 1 || st.st_mtim.tv_sec >= now - 1)
        return 0;
    nmC_buf_addf(b, "%s%lld.%lld.%ld.%lld.%ld.%llu.%llu", b->len ? ";" : "", (long long)st.st_size,
                (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
                st.st_ctim.tv_nsec, (unsigned long long)st.st_ino, (unsigned long long)st.st_dev);
    return 1;
}

char *nmB_input_signature(const char *file)
{
    static const char *const companions[] = {".dbf", ".shx", ".prj", ".cpg"};
    nmC_buf b = {0};
    size_t n = strlen(file);
    time_t now = time(NULL);

    if (!sign_one(file, &b, now)) {
        nmC_buf_free(&b);
        return NULL;
    }
    if (nmC_format_of(file) == NMC_FMT_SHP)
        for (int i = 0; i < 4; i++) {
            nmC_buf path = {0};
            nmC_buf_add(&path, file, n - 4);
            nmC_buf_add(&path, companions[i], 4);
            if (path.data && access(path.data, F_OK) != 0)
                nmC_buf_add(&b, ";-", 2); /* absent, as the checksum leaves it out */
            else if (!path.data || !sign_one(path.data, &b, now))
                b.failed = 1; /* unreadable or too new: no signature */
            nmC_buf_free(&path);
        }
    return nmC_buf_take(&b);
}

/* ---- dataset ids ------------------------------------------------------------- */

void nmB_ids_free(bd_ids *ids)
{
    nm_free(ids->id);
    memset(ids, 0, sizeof *ids);
}

nm_status nmB_ids_add(nm_ctx *ctx, bd_ids *ids, long id)
{
    if (ids->n == ids->cap) {
        size_t cap = ids->cap ? ids->cap * 2 : 16;
        long *n = nm_realloc(ids->id, cap * sizeof *n);
        if (!n)
            return nmC_fail(ctx, NM_NOMEM, "out of memory");
        ids->id = n;
        ids->cap = cap;
    }
    ids->id[ids->n++] = id;
    return NM_OK;
}

static int by_id(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

void nmB_ids_finish(bd_ids *ids)
{
    size_t i, k = 0;

    if (ids->n == 0)
        return;
    qsort(ids->id, ids->n, sizeof *ids->id, by_id);
    for (i = 1; i < ids->n; i++)
        if (ids->id[i] != ids->id[k])
            ids->id[++k] = ids->id[i];
    ids->n = k + 1;
}

char *nmB_ids_text(const bd_ids *ids)
{
    nmC_buf b = {0};
    size_t i;

    for (i = 0; i < ids->n; i++)
        nmC_buf_addf(&b, "%s%ld", i ? " " : "", ids->id[i]);
    if (!b.data && !b.failed)
        return nm_strdup("");
    return nmC_buf_take(&b);
}

/* ---- the memo ------------------------------------------------------------------ */

typedef struct memo_entry {
    char *key;   /* the SQL and its parameters */
    bd_ids ids;
} memo_entry;

struct bd_memo {
    memo_entry *e;
    size_t n, cap;
    sqlite3_stmt *record; /* nmB_record_read's, prepared once per plan */
};

bd_memo *nmB_memo_new(void)
{
    return nm_calloc(1, sizeof(bd_memo));
}

void nmB_memo_free(bd_memo *m)
{
    size_t i;

    if (!m)
        return;
    for (i = 0; i < m->n; i++) {
        nm_free(m->e[i].key);
        nmB_ids_free(&m->e[i].ids);
    }
    nm_free(m->e);
    sqlite3_finalize(m->record);
    nm_free(m);
}

static nm_status run_query(nm_store *store, const char *sql, const char *const *params,
                           int nparams, bd_ids *out)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(store, sql, &st);
    int i, s = SQLITE_DONE;

    for (i = 0; rc == NM_OK && i < nparams; i++)
        sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
    while (rc == NM_OK && (s = sqlite3_step(st)) == SQLITE_ROW)
        if (sqlite3_column_type(st, 0) != SQLITE_NULL)
            rc = nmB_ids_add(store->ctx, out, (long)sqlite3_column_int64(st, 0));
    if (rc == NM_OK && s != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "listing a figure's datasets");
    sqlite3_finalize(st);
    return rc;
}

nm_status nmB_query_ids(nm_store *store, bd_memo *memo, const char *sql, const char *const *params,
                       int nparams, bd_ids *out)
{
    nmC_buf key = {0};
    memo_entry *e = NULL;
    nm_status rc = NM_OK;
    size_t i;
    int p;

    if (!memo)
        return run_query(store, sql, params, nparams, out);
    /* plain appends: the key is made for every figure of a build */
    nmC_buf_add(&key, sql, strlen(sql));
    for (p = 0; p < nparams; p++) {
        const char *v = params[p] ? params[p] : "\x1e";
        nmC_buf_add(&key, "\x1f", 1);
        nmC_buf_add(&key, v, strlen(v));
    }
    if (key.failed)
        return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < memo->n; i++)
        if (strcmp(memo->e[i].key, key.data) == 0) {
            e = &memo->e[i];
            break;
        }
    if (!e) {
        if (memo->n == memo->cap) {
            size_t cap = memo->cap ? memo->cap * 2 : 16;
            memo_entry *n = nm_realloc(memo->e, cap * sizeof *n);
            if (!n) {
                nmC_buf_free(&key);
                return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
            }
            memo->e = n;
            memo->cap = cap;
        }
        e = &memo->e[memo->n];
        memset(e, 0, sizeof *e);
        rc = run_query(store, sql, params, nparams, &e->ids);
        if (rc != NM_OK) {
            nmB_ids_free(&e->ids);
            nmC_buf_free(&key);
            return rc;
        }
        e->key = nmC_buf_take(&key);
        memo->n++;
    }
    nmC_buf_free(&key);
    for (i = 0; rc == NM_OK && i < e->ids.n; i++)
        rc = nmB_ids_add(store->ctx, out, e->ids.id[i]);
    return rc;
}

/* ---- the build table ------------------------------------------------------------ */

static void copy_text(char *dst, size_t n, sqlite3_stmt *st, int col)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    nmC_strlcpy(dst, v ? v : "", n);
}

nm_status nmB_record_read(nm_store *store, bd_memo *memo, const char *name, bd_record *out)
{
    sqlite3_stmt *st = memo ? memo->record : NULL;
    nm_status rc = NM_OK;

    memset(out, 0, sizeof *out);
    if (!st)
        rc = nmS_store_prepare(store, "SELECT definition, inputs, version, output FROM build "
                                     "WHERE figure = ?", &st);
    if (rc != NM_OK)
        return rc;
    if (memo)
        memo->record = st;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *in = (const char *)sqlite3_column_text(st, 1);
        const char *outp = (const char *)sqlite3_column_text(st, 3);
        out->found = 1;
        copy_text(out->definition, sizeof out->definition, st, 0);
        copy_text(out->version, sizeof out->version, st, 2);
        out->inputs = nm_strdup(in ? in : "");
        out->output = outp ? nm_strdup(outp) : NULL;
        if (!out->inputs || (outp && !out->output))
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
    }
    if (memo)
        sqlite3_reset(st);
    else
        sqlite3_finalize(st);
    return rc;
}

void nmB_record_clear(bd_record *r)
{
    nm_free(r->inputs);
    nm_free(r->output);
    memset(r, 0, sizeof *r);
}

nm_status nmB_record_write(nm_store *store, const char *name, const char *definition,
                          const char *inputs, const char *output)
{
    sqlite3_stmt *st = NULL;
    time_t now = time(NULL);
    struct tm tm;
    char when[32];
    nm_status rc;

    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    rc = nmS_store_prepare(store, "INSERT OR REPLACE INTO build(figure, definition, inputs, version,"
                                 " output, built_at) VALUES (?, ?, ?, ?, ?, ?)", &st);
    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, definition, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, inputs, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, nm_version(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, output, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, when, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "recording a build");
    sqlite3_finalize(st);
    return rc;
}

nm_status nmB_record_delete(nm_store *store, const char *name)
{
    sqlite3_stmt *st = NULL;
    nm_status rc = nmS_store_prepare(store, "DELETE FROM build WHERE figure = ?", &st);

    if (rc != NM_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = nmS_store_sqlfail(store, "forgetting a build");
    sqlite3_finalize(st);
    return rc;
}
