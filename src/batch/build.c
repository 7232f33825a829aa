/*
 * needsmap build: imports the inputs of a figures file whose content or
 * definition changed (serially, on the one writing connection), then draws
 * the stale figures on N threads, each with its own context and read-only
 * connection, and records what was built.  Parsing the file is figures.c's
 * job, deciding what a figure reads is stale.c's and the type tables'.
 *
 * Threads: SQLite connections are per thread; SpatiaLite's connection cache
 * is per connection; Pango's default cairo font map is per thread (Pango
 * 1.32.6 and later) over fontconfig's thread-safe configuration (2.10.91
 * and later); cairo surfaces are never shared.  The render module already
 * draws PNG bands on several threads the same way.  The only state shared
 * here is the queue of figures and the event callback, both under 'mu'.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch/build_int.h"
#include "needsmap/analyse.h"
#include "store/store_int.h"

typedef struct fig {
    bd_section *s;
    char *inputs;   /* the dataset ids it reads now, as text; NULL when unknown */
    nmC_buf reason;  /* why it is stale; empty when up to date */
    nm_status status;
    char *message;  /* the error of a failed draw; owned */
} fig;

typedef struct run {
    nm_ctx *ctx;
    const nm_build_opts *o;
    bd_file file;
    nm_store *store;       /* the writing connection; NULL in a dry run without a store */
    fig *figs;
    size_t nfigs;
    size_t *todo, ntodo;   /* indices into figs of the stale ones */
    size_t next;           /* next entry of todo to draw */
    long done;
    pthread_mutex_t mu;
    struct timespec t0;
    nm_build_result res;
} run;

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Emits an event; the caller holds 'mu' or runs alone. */
static void emit(run *r, nm_build_event_kind kind, const char *name, const char *output,
                 const char *reason, nm_status status, const char *message)
{
    nm_build_event ev;

    if (!r->o->on_event)
        return;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.name = name;
    ev.output = output;
    ev.reason = reason && *reason ? reason : NULL;
    ev.status = status;
    ev.message = message;
    ev.done = r->done;
    ev.total = (long)r->ntodo;
    ev.elapsed = r->t0.tv_sec ? seconds_since(&r->t0) : 0;
    r->o->on_event(r->o->user, &ev);
}

static void add_reason(nmC_buf *b, const char *text)
{
    if (b->data && strstr(b->data, text))
        return;
    nmC_buf_addf(b, "%s%s", b->len ? "; " : "", text);
}

/* ---- inputs ------------------------------------------------------------------ */

/* Imports one input when its file, definition or an earlier input changed. */

/* A 'within' given by name in the figures file ("Essex", "southend-on-sea")
 * becomes its code for the run of one step or figure, as on the command
 * line; resolved on the connection that runs it, once earlier inputs are
 * in the store.  OUT *saved: the text to put back with within_restore(). */
static nm_status within_resolve(nm_store *store, const bd_section *s, char **saved)
{
    const nm_opt *k = nm_opt_find(nm_optset_find(s->type->command), "within");
    char **field, *code = NULL;
    nm_status rc;

    *saved = NULL;
    if (!k || k->kind != NM_OPT_STR)
        return NM_OK;
    field = (char **)(void *)((char *)s->opts + k->offset);
    if (!*field)
        return NM_OK;
    rc = nm_resolve_area(store, *field, &code);
    if (rc != NM_OK)
        return rc;
    *saved = *field;
    *field = code;
    return NM_OK;
}

static void within_restore(const bd_section *s, char *saved)
{
    const nm_opt *k = nm_opt_find(nm_optset_find(s->type->command), "within");
    char **field;

    if (!saved || !k)
        return;
    field = (char **)(void *)((char *)s->opts + k->offset);
    nm_free(*field);
    *field = saved;
}
/* The checksum part of an input's record: the 64 hex digits before the
 * stat signature (records written before the signature hold them alone). */
static size_t checksum_len(const char *recorded)
{
    const char *sp = strchr(recorded, ' ');

    return sp ? (size_t)(sp - recorded) : strlen(recorded);
}

static int same_checksum(const char *recorded, const char *sum)
{
    size_t n = checksum_len(recorded);

    return n == strlen(sum) && strncmp(recorded, sum, n) == 0;
}

/* 1 when the record was made of a file stat'ed as 'sig', its checksum
 * copied to 'sum'. */
static int recorded_as(const char *recorded, const char *sig, char sum[65])
{
    size_t n = checksum_len(recorded);

    if (n != 64 || recorded[n] != ' ' || strcmp(recorded + n + 1, sig) != 0)
        return 0;
    memcpy(sum, recorded, 64);
    sum[64] = '\0';
    return 1;
}

static nm_status update_input(run *r, bd_section *s, int earlier_changed, int *changed)
{
    char sum[65] = "", name[160], *sig;
    bd_record rec = {0};
    nmC_buf why = {0}, inputs = {0};
    nm_status rc = NM_OK;

    *changed = 0;
    snprintf(name, sizeof name, "data.%s", s->id);
    if (r->store && (rc = nmB_record_read(r->store, NULL, name, &rec)) != NM_OK)
        return rc;
    sig = s->file ? nmB_input_signature(s->file) : NULL;
    /* a file stat'ed as recorded is the file read then: its checksum is the
       one recorded, and an atlas's no-op rebuild reads no input again */
    if (s->file && !(sig && rec.found && recorded_as(rec.inputs, sig, sum)))
        rc = nmB_input_checksum(r->ctx, s->file, sum);
    if (rc != NM_OK) {
        nmB_record_clear(&rec);
        nm_free(sig);
        return rc;
    }
    if (!rec.found)
        add_reason(&why, "never imported");
    else if (strcmp(rec.definition, s->definition) != 0)
        add_reason(&why, "definition changed");
    if (rec.found && !same_checksum(rec.inputs, sum))
        add_reason(&why, "file changed");
    if (s->type->derived && earlier_changed)
        add_reason(&why, "an earlier input changed");
    /* what the record will say: the checksum and the stat it was read at */
    nmC_buf_add(&inputs, sum, strlen(sum));
    if (sig)
        nmC_buf_addf(&inputs, " %s", sig);
    nm_free(sig);
    if (why.failed || inputs.failed) {
        nmB_record_clear(&rec);
        nmC_buf_free(&why);
        nmC_buf_free(&inputs);
        return nmC_fail(r->ctx, NM_NOMEM, "out of memory");
    }
    if (!why.len) {
        /* the same content under a new stat (touched, copied back): noted,
           so that the next rebuild need not read it either */
        if (rec.found && !r->o->dry_run && inputs.data && strcmp(rec.inputs, inputs.data) != 0)
            rc = nmB_record_write(r->store, name, s->definition, inputs.data, NULL);
        nmB_record_clear(&rec);
        nmC_buf_free(&why);
        nmC_buf_free(&inputs);
        return rc;
    }
    nmB_record_clear(&rec);
    *changed = 1;
    emit(r, NM_BUILD_IMPORT, name, s->file, why.data, NM_OK, NULL);
    nmC_buf_free(&why);
    if (r->o->dry_run) {
        nmC_buf_free(&inputs);
        return NM_OK;
    }
    {
        char *saved = NULL;
        rc = nmS_store_spatial(r->store);
        if (rc == NM_OK)
            rc = within_resolve(r->store, s, &saved);
        if (rc == NM_OK)
            rc = s->type->import(r->store, s->opts, s->file);
        within_restore(s, saved);
    }
    if (rc == NM_OK)
        rc = nmB_record_write(r->store, name, s->definition, inputs.data ? inputs.data : sum, NULL);
    nmC_buf_free(&inputs);
    if (rc == NM_OK)
        r->res.imported++;
    emit(r, NM_BUILD_IMPORTED, name, s->file, NULL, rc, rc == NM_OK ? NULL : nm_errmsg(r->ctx));
    return rc;
}

static nm_status update_inputs(run *r)
{
    int earlier = 0, changed;
    nm_status rc = NM_OK;
    size_t i;

    for (i = 0; rc == NM_OK && i < r->file.nsec; i++) {
        bd_section *s = &r->file.sec[i];
        if (!s->is_input)
            continue;
        r->res.inputs++;
        rc = update_input(r, s, earlier, &changed);
        s->changed = changed;
        earlier |= changed;
    }
    return rc;
}

/* ---- which figures are stale ------------------------------------------------ */

/* [vars] is neither an input nor a figure. */
static int is_figure(const bd_section *s)
{
    return s->type && !s->is_input;
}

static int selected(const run *r, const bd_section *s)
{
    const char *p = r->o->only;

    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if ((strlen(s->name) == n && strncmp(s->name, p, n) == 0) ||
            (strlen(s->id) == n && strncmp(s->id, p, n) == 0))
            return 1;
        p += n + (comma ? 1 : 0);
    }
    return !r->o->only;
}

/* Every name of --only must be a figure of the file. */
static nm_status check_only(run *r)
{
    const char *p = r->o->only;

    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p), i;
        for (i = 0; i < r->file.nsec; i++) {
            const bd_section *s = &r->file.sec[i];
            if (is_figure(s) && ((strlen(s->name) == n && strncmp(s->name, p, n) == 0) ||
                                 (strlen(s->id) == n && strncmp(s->id, p, n) == 0)))
                break;
        }
        if (i == r->file.nsec)
            return nmC_fail(r->ctx, NM_USAGE, "--only: no figure \"%.*s\" in %s", (int)n, p,
                           r->file.path);
        p += n + (comma ? 1 : 0);
    }
    return NM_OK;
}

/* The input section (or a short description) a dataset came from. */
static void dataset_name(run *r, long id, char *out, size_t n)
{
    sqlite3_stmt *st = NULL;
    size_t i;

    snprintf(out, n, "dataset %ld", id);
    if (nmS_store_prepare(r->store, "SELECT file, kind FROM dataset WHERE id = ?", &st) != NM_OK)
        return;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *file = (const char *)sqlite3_column_text(st, 0);
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        snprintf(out, n, "%s %s", kind ? kind : "dataset", file ? nmC_basename(file) : "");
        for (i = 0; file && i < r->file.nsec; i++) {
            const bd_section *s = &r->file.sec[i];
            if (s->is_input && s->file &&
                (strcmp(s->file, file) == 0 || strcmp(nmC_basename(s->file), nmC_basename(file)) == 0)) {
                snprintf(out, n, "%s", s->id);
                break;
            }
        }
    }
    sqlite3_finalize(st);
}

/* Parses "1 5 9" into ids. */
static nm_status parse_ids(nm_ctx *ctx, const char *text, bd_ids *out)
{
    const char *p = text;
    nm_status rc = NM_OK;

    while (rc == NM_OK && p && *p) {
        char *end;
        long id = strtol(p, &end, 10);
        if (end == p)
            break;
        rc = nmB_ids_add(ctx, out, id);
        p = end;
    }
    return rc;
}

static int has_id(const bd_ids *ids, long id)
{
    size_t i;

    for (i = 0; i < ids->n; i++)
        if (ids->id[i] == id)
            return 1;
    return 0;
}

/* Names the inputs that differ between what a figure read last time and
 * what it reads now (in a dry run: last time's inputs that will be
 * re-imported). */
static nm_status input_reasons(run *r, fig *f, const char *recorded)
{
    bd_ids was = {0}, now = {0};
    char name[200], text[240];
    nm_status rc = parse_ids(r->ctx, recorded, &was);
    size_t i, k;

    if (rc == NM_OK && f->inputs)
        rc = parse_ids(r->ctx, f->inputs, &now);
    for (i = 0; rc == NM_OK && i < now.n; i++)
        if (!has_id(&was, now.id[i])) {
            dataset_name(r, now.id[i], name, sizeof name);
            snprintf(text, sizeof text, "input %s changed", name);
            add_reason(&f->reason, text);
        }
    if (rc == NM_OK && f->inputs && was.n != now.n && !f->reason.len)
        add_reason(&f->reason, "inputs changed");
    /* a dry run imports nothing: the inputs to be re-imported tell */
    for (i = 0; rc == NM_OK && r->o->dry_run && i < was.n; i++) {
        dataset_name(r, was.id[i], name, sizeof name);
        for (k = 0; k < r->file.nsec; k++)
            if (r->file.sec[k].is_input && r->file.sec[k].changed &&
                strcmp(r->file.sec[k].id, name) == 0) {
                snprintf(text, sizeof text, "input %s changed", name);
                add_reason(&f->reason, text);
            }
    }
    nmB_ids_free(&was);
    nmB_ids_free(&now);
    return rc;
}

/* What the figure reads now, as text. */
static nm_status figure_inputs(run *r, fig *f, bd_memo *memo)
{
    static const char *const all = "SELECT id FROM dataset";
    bd_ids ids = {0};
    nm_status rc;

    if (!r->store)
        return NM_OK;
    if (f->s->type->inputs)
        rc = f->s->type->inputs(r->store, f->s->opts, memo, &ids);
    else
        rc = nmB_query_ids(r->store, memo, all, NULL, 0, &ids);
    if (rc == NM_OK) {
        nmB_ids_finish(&ids);
        f->inputs = nmB_ids_text(&ids);
        if (!f->inputs)
            rc = nmC_fail(r->ctx, NM_NOMEM, "out of memory");
    } else if (rc != NM_NOMEM) {
        /* an indicator not there yet: the draw will say so */
        rc = NM_OK;
    }
    nmB_ids_free(&ids);
    return rc;
}

static nm_status judge(run *r, fig *f, bd_memo *memo)
{
    bd_record rec = {0};
    struct stat st;
    nm_status rc = figure_inputs(r, f, memo);

    if (rc == NM_OK && r->store)
        rc = nmB_record_read(r->store, memo, f->s->name, &rec);
    if (rc != NM_OK)
        return rc;
    if (!rec.found) {
        add_reason(&f->reason, "never built");
    } else {
        if (strcmp(rec.definition, f->s->definition) != 0)
            add_reason(&f->reason, "definition changed");
        if (strcmp(rec.version, nm_version()) != 0)
            add_reason(&f->reason, "needsmap version changed");
        if (!f->inputs)
            add_reason(&f->reason, "inputs unknown");
        rc = input_reasons(r, f, rec.inputs);
    }
    if (f->s->output && (f->s->output_statted ? !f->s->output_exists : stat(f->s->output, &st) != 0))
        add_reason(&f->reason, "output missing");
    if (r->o->force && !f->reason.len)
        add_reason(&f->reason, "forced");
    nmB_record_clear(&rec);
    if (rc == NM_OK && f->reason.failed)
        rc = nmC_fail(r->ctx, NM_NOMEM, "out of memory");
    return rc;
}

static nm_status plan(run *r)
{
    bd_memo *memo = nmB_memo_new();
    nm_status rc = memo ? NM_OK : nmC_fail(r->ctx, NM_NOMEM, "out of memory");
    size_t i, n = 0;

    for (i = 0; i < r->file.nsec; i++)
        n += is_figure(&r->file.sec[i]) && selected(r, &r->file.sec[i]);
    r->figs = nm_calloc(n ? n : 1, sizeof *r->figs);
    r->todo = nm_calloc(n ? n : 1, sizeof *r->todo);
    if (rc == NM_OK && (!r->figs || !r->todo))
        rc = nmC_fail(r->ctx, NM_NOMEM, "out of memory");
    /* one read transaction for every figure's questions: in autocommit
     * each statement would lock and unlock the file and look for a hot
     * journal (a no-op rebuild of 2,245 maps made 23,000 such calls) */
    if (rc == NM_OK && r->store)
        rc = nmS_store_read_begin(r->store);
    for (i = 0; rc == NM_OK && i < r->file.nsec; i++) {
        fig *f;
        if (!is_figure(&r->file.sec[i]) || !selected(r, &r->file.sec[i]))
            continue;
        f = &r->figs[r->nfigs++];
        f->s = &r->file.sec[i];
        rc = judge(r, f, memo);
        if (rc == NM_OK && f->reason.len)
            r->todo[r->ntodo++] = r->nfigs - 1;
    }
    r->res.figures = (long)r->nfigs;
    r->res.stale = (long)r->ntodo;
    nmB_memo_free(memo);
    if (r->store)
        nmS_store_read_end(r->store);
    return rc;
}

/* ---- drawing on N threads ------------------------------------------------- */

typedef struct worker {
    run *r;
    nm_ctx *ctx;
    const char *figure; /* being drawn, for forwarded messages */
} worker;

/* A figure's warnings reach the build's log with the figure's name. */
static void worker_log(void *user, nm_level level, const char *message)
{
    worker *w = user;

    pthread_mutex_lock(&w->r->mu);
    nmC_log(w->r->ctx, level, "%s: %s", w->figure ? w->figure : "build", message);
    pthread_mutex_unlock(&w->r->mu);
}

static void *work(void *arg)
{
    worker *w = arg;
    run *r = w->r;
    nm_store *store = NULL;
    nm_status open_rc;

    open_rc = nm_store_open(w->ctx, r->o->db, NM_STORE_READONLY, &store);
    /* one connection draws many figures that read the same tables (every
       map reads its indicator for all of England): keep the pages between
       figures, and map the file rather than copy it page by page */
    if (open_rc == NM_OK)
        nmS_store_exec(store, "PRAGMA cache_size = -131072; PRAGMA mmap_size = 1073741824;");
    for (;;) {
        fig *f;
        nm_status rc;
        pthread_mutex_lock(&r->mu);
        if (r->next == r->ntodo) {
            pthread_mutex_unlock(&r->mu);
            break;
        }
        f = &r->figs[r->todo[r->next++]];
        pthread_mutex_unlock(&r->mu);
        w->figure = f->s->name;
        rc = open_rc;
        if (rc == NM_OK) {
            char *saved = NULL;
            rc = within_resolve(store, f->s, &saved);
            if (rc == NM_OK)
                rc = f->s->type->draw(store, f->s->opts);
            within_restore(f->s, saved);
        }
        pthread_mutex_lock(&r->mu);
        f->status = rc;
        if (rc != NM_OK)
            f->message = nm_strdup(nm_errmsg(w->ctx));
        r->done++;
        if (rc == NM_OK)
            r->res.built++;
        else
            r->res.failed++;
        emit(r, NM_BUILD_DONE, f->s->name, f->s->output, f->reason.data, rc,
             rc == NM_OK ? NULL : (f->message ? f->message : nm_status_str(rc)));
        pthread_mutex_unlock(&r->mu);
        w->figure = NULL;
    }
    nm_store_close(store);
    return NULL;
}

/* The folders of the outputs: a figures file names where its figures go. */
static nm_status make_output_dirs(run *r)
{
    size_t i;

    for (i = 0; i < r->ntodo; i++) {
        const char *out = r->figs[r->todo[i]].s->output;
        char *dir = out ? nm_strdup(out) : NULL, *p;
        if (out && !dir)
            return nmC_fail(r->ctx, NM_NOMEM, "out of memory");
        for (p = dir ? dir + 1 : NULL; p && *p; p++) {
            if (*p != '/')
                continue;
            *p = '\0';
            if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
                nm_status rc = nmC_fail(r->ctx, NM_ERROR, "%s: cannot create folder: %s", dir,
                                       strerror(errno));
                nm_free(dir);
                return rc;
            }
            *p = '/';
        }
        nm_free(dir);
    }
    return NM_OK;
}

static nm_status draw_all(run *r)
{
    int nthreads = r->o->jobs > 1 ? r->o->jobs : 1, started = 0, i;
    pthread_t *tid;
    worker *w;
    nm_status rc = NM_OK;

    if ((size_t)nthreads > r->ntodo)
        nthreads = (int)r->ntodo;
    if (nthreads == 0)
        return NM_OK;
    tid = nm_calloc((size_t)nthreads, sizeof *tid);
    w = nm_calloc((size_t)nthreads, sizeof *w);
    if (!tid || !w) {
        nm_free(tid);
        nm_free(w);
        return nmC_fail(r->ctx, NM_NOMEM, "out of memory");
    }
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    for (i = 0; i < nthreads; i++) {
        w[i].r = r;
        w[i].ctx = nm_ctx_new();
        if (!w[i].ctx) {
            rc = nmC_fail(r->ctx, NM_NOMEM, "out of memory");
            break;
        }
        nm_ctx_set_log(w[i].ctx, worker_log, &w[i], NM_LOG_WARN);
        nmC_set_sync_later(w[i].ctx, 1); /* synced once, before record() */
        if (nthreads > 1)
            nmC_set_max_threads(w[i].ctx, 1);
        if (pthread_create(&tid[i], NULL, work, &w[i]) != 0) {
            rc = nmC_fail(r->ctx, NM_ERROR, "cannot start a thread: %s", strerror(errno));
            break;
        }
        started++;
    }
    /* with no thread at all, draw here */
    if (started == 0 && w[0].ctx) {
        rc = NM_OK;
        work(&w[0]);
    }
    for (i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    for (i = 0; i < nthreads; i++)
        nm_ctx_free(w[i].ctx);
    nm_free(tid);
    nm_free(w);
    return rc;
}

/* The figures' outputs were written without an fsync each: their file
 * systems are synced once, before they are recorded as built.  When that
 * fails, nothing is recorded: the records left are those of the last
 * build, which the figures drawn now do not match, so the next build draws
 * them again. */
static nm_status sync_built(run *r)
{
    const char **paths = nm_calloc(r->ntodo ? r->ntodo : 1, sizeof *paths);
    size_t i, n = 0;
    nm_status rc;

    if (!paths)
        return nmC_fail(r->ctx, NM_NOMEM, "out of memory");
    for (i = 0; i < r->ntodo; i++) {
        const fig *f = &r->figs[r->todo[i]];
        if (f->status == NM_OK && f->s->output)
            paths[n++] = f->s->output;
    }
    rc = nmC_sync_outputs(r->ctx, paths, n);
    nm_free(paths);
    return rc;
}

/* Records the figures built and forgets the failed ones (so that they are
 * retried), in one transaction. */
static nm_status record(run *r)
{
    nm_status rc;
    size_t i;

    if (!r->ntodo)
        return NM_OK;
    if ((rc = sync_built(r)) != NM_OK)
        return rc;
    rc = nmS_store_begin(r->store);

    for (i = 0; rc == NM_OK && i < r->ntodo; i++) {
        fig *f = &r->figs[r->todo[i]];
        if (f->status == NM_OK && f->inputs)
            rc = nmB_record_write(r->store, f->s->name, f->s->definition, f->inputs, f->s->output);
        else
            rc = nmB_record_delete(r->store, f->s->name);
    }
    if (rc == NM_OK)
        rc = nmS_store_commit(r->store);
    else
        nmS_store_rollback(r->store);
    return rc;
}

/* No figure may write over the store, the figures file or an input (by
 * device and inode: another name for the same file is caught too). */
static nm_status check_outputs(run *r)
{
    long bad = 0;
    size_t i;

    nmC_note_input(r->ctx, r->o->figures, "the figures file");
    nmC_note_input(r->ctx, r->o->db, "the store");
    for (i = 0; i < r->file.nsec; i++)
        if (r->file.sec[i].is_input && r->file.sec[i].file)
            nmC_note_input(r->ctx, r->file.sec[i].file, "an input of this build");
    for (i = 0; i < r->file.nsec; i++) {
        const bd_section *s = &r->file.sec[i];
        const char *what = NULL;
        if (s->output && is_figure(s))
            what = !s->output_statted ? nmC_input_what(r->ctx, s->output)
                   : s->output_exists ? nmC_input_what_id(r->ctx, s->output_dev, s->output_ino)
                                      : NULL;
        if (what) {
            nmC_log(r->ctx, NM_LOG_ERROR, "%s:%d: [%s] output: \"%s\" is %s", r->file.path,
                   s->output_line, s->name, s->output, what);
            bad++;
        }
    }
    if (bad)
        return nmC_fail(r->ctx, NM_USAGE, "%s: %ld problem%s in the figures file; nothing was built",
                       r->file.path, bad, bad == 1 ? "" : "s");
    return NM_OK;
}

static nm_status open_store(run *r)
{
    nm_status rc;

    if (r->o->dry_run) {
        struct stat st;
        r->store = NULL;
        /* a dry run of a first build has no store to read yet */
        if (stat(r->o->db, &st) != 0 || st.st_size == 0)
            return NM_OK;
        return nm_store_open(r->ctx, r->o->db, NM_STORE_READONLY | NMS_STORE_SPATIAL_LATER,
                             &r->store);
    }
    /* the build's own connection reads its tables to judge; SpatiaLite
       starts when an input is imported (workers draw on their own) */
    rc = nm_store_open(r->ctx, r->o->db, NM_STORE_CREATE | NMS_STORE_SPATIAL_LATER, &r->store);
    /* a store made before builds were recorded gets the table */
    if (rc == NM_OK)
        rc = nmS_store_exec(r->store, "CREATE TABLE IF NOT EXISTS build ("
                                     "figure TEXT PRIMARY KEY, definition TEXT NOT NULL,"
                                     "inputs TEXT NOT NULL, version TEXT NOT NULL, output TEXT,"
                                     "built_at TEXT NOT NULL)");
    return rc;
}

static void run_free(run *r)
{
    size_t i;

    for (i = 0; i < r->nfigs; i++) {
        nm_free(r->figs[i].inputs);
        nm_free(r->figs[i].message);
        nmC_buf_free(&r->figs[i].reason);
    }
    nm_free(r->figs);
    nm_free(r->todo);
    nm_store_close(r->store);
    nmB_file_free(&r->file);
}

nm_status nm_build(nm_ctx *ctx, const nm_build_opts *o, nm_build_result *res)
{
    run r;
    nm_status rc;
    size_t i;

    nmC_clear(ctx);
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.o = o;
    if (!o->figures || !o->db)
        return nmC_fail(ctx, NM_USAGE, "a figures file and a store are required");
    if (pthread_mutex_init(&r.mu, NULL) != 0)
        return nmC_fail(ctx, NM_ERROR, "cannot create a mutex");
    rc = nmB_file_read(ctx, o->figures, o->set, o->nset, o->out_root, &r.file);
    if (rc == NM_OK)
        rc = check_only(&r);
    if (rc == NM_OK)
        rc = check_outputs(&r);
    if (rc == NM_OK)
        rc = open_store(&r);
    if (rc == NM_OK)
        rc = update_inputs(&r);
    if (rc == NM_OK)
        rc = plan(&r);
    if (rc == NM_OK)
        emit(&r, NM_BUILD_PLAN, NULL, NULL, NULL, NM_OK, NULL);
    for (i = 0; rc == NM_OK && i < r.nfigs; i++)
        if (o->dry_run || !r.figs[i].reason.len)
            emit(&r, r.figs[i].reason.len ? NM_BUILD_STALE : NM_BUILD_UPTODATE, r.figs[i].s->name,
                 r.figs[i].s->output, r.figs[i].reason.data, NM_OK, NULL);
    if (rc == NM_OK && !o->dry_run) {
        rc = make_output_dirs(&r);
        if (rc == NM_OK)
            rc = draw_all(&r);
        if (r.store) {
            nm_status rec = record(&r);
            if (rc == NM_OK)
                rc = rec;
        }
    }
    if (rc == NM_OK && r.res.failed > 0)
        rc = nmC_fail(ctx, NM_ERROR, "%ld of %ld figures failed; the others were built",
                     r.res.failed, (long)r.ntodo);
    if (res)
        *res = r.res;
    run_free(&r);
    pthread_mutex_destroy(&r.mu);
    return rc;
}
