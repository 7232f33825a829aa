/*
 * The figures file: an INI file (read with inih) of [vars], [data.NAME]
 * inputs and one [TYPE.NAME] section per figure.  This file turns it into
 * sections whose keys fill each type's options struct, expanding ${var}
 * and resolving paths against the file's folder, and reports every problem
 * with its file, line and key.  What the types are is types.c's business;
 * what is stale is stale.c's.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/build_int.h"

/* Section headers seen by the reader, for the lines of sections. */
typedef struct header {
    char *name;
    int line;
} header;

typedef struct var {
    char *name;
    char *value;
    int from_set; /* given with --set: a path starting with it is relative to the
                     current folder, not to the figures file */
    int line;
} var;

typedef struct reader {
    nm_ctx *ctx;
    bd_file *f;
    FILE *fp;
    int line;
    header *hdr;
    size_t nhdr, caphdr;
    var *vars;
    size_t nvars, capvars;
    /* the key the last handler call set, for inih's continuation lines */
    int last_line;
    bd_kv *last_kv;
    int indented;  /* the line being read starts with a blank: a continuation */
    int long_line; /* a line did not fit inih's buffer */
    char **roots;  /* folders outputs may go under, resolved (realpath) */
    int nroots;
    /* hash indexes (index + 1, 0 empty) of the sections by name and of
     * the outputs seen so far, so that a national atlas's thousands of
     * figures are not each compared with every other */
    size_t *by_name, *by_output;
    size_t cap_name, cap_output;
    char *last_dir, *last_dir_real; /* canonical()'s last folder */
    int oom;
} reader;

NM_PRINTF(4, 5)
static void problem(reader *r, int line, const char *where, const char *fmt, ...)
{
    nmC_buf b = {0};
    va_list ap;

    nmC_buf_addf(&b, "%s:%d: %s%s", r->f->path, line, where ? where : "", where ? ": " : "");
    va_start(ap, fmt);
    nmC_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    nmC_log(r->ctx, NM_LOG_ERROR, "%s", b.data ? b.data : "out of memory");
    r->f->errors++;
    nmC_buf_free(&b);
}

/* inih's line reader: counts lines (inih passes none to the handler in
 * Debian's build) and notes section headers with their lines. */
static char *read_line(char *str, int num, void *stream)
{
    reader *r = stream;
    size_t n;
    const char *p;

    if (!fgets(str, num, r->fp))
        return NULL;
    r->line++;
    r->indented = str[0] == ' ' || str[0] == '\t';
    n = strlen(str);
    if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(r->fp)) {
        int c;
        r->long_line = r->line;
        /* skip the rest so that it is not read as another line */
        while ((c = fgetc(r->fp)) != EOF && c != '\n')
            ;
    }
    for (p = str; *p == ' ' || *p == '\t'; p++)
        ;
    if (*p == '[') {
        const char *end = strchr(p, ']');
        if (end && r->nhdr < 100000) {
            if (r->nhdr == r->caphdr) {
                size_t cap = r->caphdr ? r->caphdr * 2 : 16;
                header *h = nm_realloc(r->hdr, cap * sizeof *h);
                if (!h) {
                    r->oom = 1;
                    return str;
                }
                r->hdr = h;
                r->caphdr = cap;
            }
            r->hdr[r->nhdr].line = r->line;
            r->hdr[r->nhdr].name = nm_malloc((size_t)(end - p));
            if (!r->hdr[r->nhdr].name) {
                r->oom = 1;
                return str;
            }
            nmC_strlcpy(r->hdr[r->nhdr].name, p + 1, (size_t)(end - p));
            r->nhdr++;
        }
    }
    return str;
}

static size_t hash_text(const char *s)
{
    size_t h = 14695981039346656037u;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h;
}

/* The slot of 'name' in an open-addressing index of 'cap' slots (a power
 * of 2): the one holding it, or the empty one where it goes.  'key' gives
 * the text of entry i. */
static size_t *slot_of(size_t *index, size_t cap, const char *name,
                       const char *(*key)(const bd_file *, size_t), const bd_file *f)
{
    size_t i = hash_text(name) & (cap - 1);

    while (index[i] && strcmp(key(f, index[i] - 1), name) != 0)
        i = (i + 1) & (cap - 1);
    return &index[i];
}

static const char *section_name(const bd_file *f, size_t i)
{
    return f->sec[i].name;
}

static const char *section_output(const bd_file *f, size_t i)
{
    return f->sec[i].output_real;
}

/* Grows an index to hold n + 1 entries at most half full, re-placing
 * entries 0..n-1 of 'key' that are set.  Returns 0 when out of memory. */
static int index_room(size_t **index, size_t *cap, size_t n,
                      const char *(*key)(const bd_file *, size_t), const bd_file *f)
{
    size_t ncap = *cap ? *cap : 64, i;
    size_t *grown;

    while (2 * (n + 1) > ncap)
        ncap *= 2;
    if (ncap == *cap)
        return 1;
    if (!(grown = nm_calloc(ncap, sizeof *grown)))
        return 0;
    for (i = 0; i < n; i++)
        if (key(f, i)) {
            size_t *sl = slot_of(grown, ncap, key(f, i), key, f);
            if (!*sl) /* the first of equal keys stays */
                *sl = i + 1;
        }
    nm_free(*index);
    *index = grown;
    *cap = ncap;
    return 1;
}

static bd_section *find_section(const reader *r, const char *name)
{
    size_t k;

    if (!r->cap_name)
        return NULL;
    k = *slot_of(r->by_name, r->cap_name, name, section_name, r->f);
    return k ? &r->f->sec[k - 1] : NULL;
}

static bd_section *add_section(reader *r, const char *name, int line)
{
    bd_file *f = r->f;
    bd_section *s;

    if (!index_room(&r->by_name, &r->cap_name, f->nsec, section_name, f))
        return NULL;

    if (f->nsec == f->capsec) {
        size_t cap = f->capsec ? f->capsec * 2 : 16;
        bd_section *n = nm_realloc(f->sec, cap * sizeof *n);
        if (!n)
            return NULL;
        f->sec = n;
        f->capsec = cap;
    }
    s = &f->sec[f->nsec];
    memset(s, 0, sizeof *s);
    s->name = nm_strdup(name);
    if (!s->name)
        return NULL;
    s->line = line;
    *slot_of(r->by_name, r->cap_name, name, section_name, f) = f->nsec + 1;
    f->nsec++;
    return s;
}

static bd_kv *add_kv(bd_section *s, const char *key, const char *value, int line)
{
    bd_kv *kv;

    if (s->nkv == s->capkv) {
        size_t cap = s->capkv ? s->capkv * 2 : 8;
        bd_kv *n = nm_realloc(s->kv, cap * sizeof *n);
        if (!n)
            return NULL;
        s->kv = n;
        s->capkv = cap;
    }
    kv = &s->kv[s->nkv];
    kv->key = nm_strdup(key);
    kv->value = nm_strdup(value);
    kv->line = line;
    if (!kv->key || !kv->value) {
        nm_free(kv->key);
        nm_free(kv->value);
        return NULL;
    }
    s->nkv++;
    return kv;
}

/* Line of the latest header of 'name' read so far (the section being
 * filled); 0 when unknown. */
static int header_line(const reader *r, const char *name)
{
    size_t i;

    for (i = r->nhdr; i-- > 0;)
        if (strcmp(r->hdr[i].name, name) == 0)
            return r->hdr[i].line;
    return 0;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    reader *r = user;
    bd_section *s = find_section(r, section);
    bd_kv *kv;
    size_t i;

    if (r->oom)
        return 1;
    /* inih calls again with the same name for an indented continuation line;
       the same key unindented on the next line is the key given twice */
    if (r->indented && r->last_kv && r->last_line == r->line - 1 && s && strcmp(r->last_kv->key, name) == 0 &&
        r->last_kv >= s->kv && r->last_kv < s->kv + s->nkv) {
        nmC_buf b = {0};
        nmC_buf_addf(&b, "%s %s", r->last_kv->value, value);
        if (b.failed) {
            r->oom = 1;
            return 1;
        }
        nm_free(r->last_kv->value);
        r->last_kv->value = nmC_buf_take(&b);
        r->last_line = r->line;
        return 1;
    }
    if (!*section) {
        problem(r, r->line, name, "keys must follow a [section] header");
        return 1;
    }
    if (!s && !(s = add_section(r, section, header_line(r, section)))) {
        r->oom = 1;
        return 1;
    }
    for (i = 0; i < s->nkv; i++)
        if (strcmp(s->kv[i].key, name) == 0) {
            char where[160];
            snprintf(where, sizeof where, "[%s] %s", section, name);
            problem(r, r->line, where, "given twice (first at line %d)", s->kv[i].line);
            return 1;
        }
    kv = add_kv(s, name, value, r->line);
    if (!kv)
        r->oom = 1;
    r->last_kv = kv;
    r->last_line = r->line;
    return 1;
}

/* ---- variables ------------------------------------------------------------ */

static var *find_var(reader *r, const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < r->nvars; i++)
        if (strlen(r->vars[i].name) == n && strncmp(r->vars[i].name, name, n) == 0)
            return &r->vars[i];
    return NULL;
}

static int set_var(reader *r, const char *name, const char *value, int from_set, int line)
{
    var *v = find_var(r, name, strlen(name));
    char *copy = nm_strdup(value);

    if (!copy)
        return 0;
    if (v) {
        if (v->from_set && !from_set) {
            nm_free(copy); /* --set wins over the file */
            return 1;
        }
        nm_free(v->value);
        v->value = copy;
        v->from_set = from_set;
        return 1;
    }
    if (r->nvars == r->capvars) {
        size_t cap = r->capvars ? r->capvars * 2 : 8;
        var *nv = nm_realloc(r->vars, cap * sizeof *nv);
        if (!nv) {
            nm_free(copy);
            return 0;
        }
        r->vars = nv;
        r->capvars = cap;
    }
    v = &r->vars[r->nvars];
    v->name = nm_strdup(name);
    if (!v->name) {
        nm_free(copy);
        return 0;
    }
    v->value = copy;
    v->from_set = from_set;
    v->line = line;
    r->nvars++;
    return 1;
}

/* A key of [vars] named so (not yet defined: it comes later). */
static int var_later(reader *r, const char *name, size_t n)
{
    bd_section *s = find_section(r, "vars");
    size_t k;

    for (k = 0; s && k < s->nkv; k++)
        if (strlen(s->kv[k].key) == n && strncmp(s->kv[k].key, name, n) == 0)
            return 1;
    return 0;
}

/* Expands ${name} in 'in'; 'self' is the variable being defined, if any.  Sets *from_set when the text starts with a
 * variable given by --set.  Returns NULL (problem logged) for an unknown
 * variable or an unclosed "${". */
static char *expand(reader *r, const char *in, int line, const char *where, const char *self,
                    int *from_set)
{
    nmC_buf b = {0};
    const char *p = in;

    *from_set = 0;
    while (*p) {
        const char *open = strstr(p, "${"), *close;
        var *v;
        if (!open) {
            nmC_buf_add(&b, p, strlen(p));
            break;
        }
        nmC_buf_add(&b, p, (size_t)(open - p));
        close = strchr(open + 2, '}');
        if (!close) {
            problem(r, line, where, "\"${\" without a closing \"}\"");
            nmC_buf_free(&b);
            return NULL;
        }
        v = find_var(r, open + 2, (size_t)(close - open - 2));
        if (!v && self && strlen(self) == (size_t)(close - open - 2) &&
            strncmp(self, open + 2, strlen(self)) == 0) {
            problem(r, line, where, "\"${%s}\" refers to itself", self);
            nmC_buf_free(&b);
            return NULL;
        }
        if (!v && self && var_later(r, open + 2, (size_t)(close - open - 2))) {
            problem(r, line, where, "variable \"%.*s\" is defined later in [vars]; a variable "
                                    "may use only those before it",
                    (int)(close - open - 2), open + 2);
            nmC_buf_free(&b);
            return NULL;
        }
        if (!v) {
            problem(r, line, where, "unknown variable \"%.*s\" (define it in [vars] or give "
                                    "--set %.*s=VALUE)",
                    (int)(close - open - 2), open + 2, (int)(close - open - 2), open + 2);
            nmC_buf_free(&b);
            return NULL;
        }
        if (open == in && v->from_set)
            *from_set = 1;
        nmC_buf_add(&b, v->value, strlen(v->value));
        p = close + 1;
    }
    if (b.failed || !b.data) {
        nmC_buf_free(&b);
        return nm_strdup("");
    }
    return nmC_buf_take(&b);
}

/* [vars] in order (a variable may use those before it), then --set. */
static void read_vars(reader *r, const char *const *set, int nset)
{
    bd_section *s = find_section(r, "vars");
    int i;
    size_t k;

    for (i = 0; i < nset; i++) {
        const char *eq = strchr(set[i], '=');
        char name[64];
        if (!eq || eq == set[i] || (size_t)(eq - set[i]) >= sizeof name) {
            problem(r, 0, "--set", "\"%s\" is not NAME=VALUE", set[i]);
            continue;
        }
        nmC_strlcpy(name, set[i], (size_t)(eq - set[i]) + 1);
        if (!set_var(r, name, eq + 1, 1, 0))
            r->oom = 1;
    }
    for (k = 0; s && k < s->nkv; k++) {
        char where[160];
        int from_set;
        char *value;
        snprintf(where, sizeof where, "[vars] %s", s->kv[k].key);
        value = expand(r, s->kv[k].value, s->kv[k].line, where, s->kv[k].key, &from_set);
        if (value && !set_var(r, s->kv[k].key, value, 0, s->kv[k].line))
            r->oom = 1;
        /* a variable that starts with a --set one is relative to the current
           folder like it */
        if (value && from_set) {
            var *v = find_var(r, s->kv[k].key, strlen(s->kv[k].key));
            if (v && !v->from_set && strcmp(v->value, value) == 0)
                v->from_set = 1;
        }
        nm_free(value);
    }
}

/* ---- keys into options ---------------------------------------------------- */

/* Joins a relative path to the figures file's folder. */
static char *resolve(reader *r, const char *value, int from_set)
{
    nmC_buf b = {0};

    if (value[0] == '/' || from_set || strcmp(r->f->dir, ".") == 0)
        return nm_strdup(value);
    nmC_buf_add(&b, r->f->dir, strlen(r->f->dir));
    nmC_buf_add(&b, "/", 1);
    nmC_buf_add(&b, value, strlen(value));
    return nmC_buf_take(&b);
}

/* ---- where outputs may go ------------------------------------------------- */

/* 'path' made absolute, with its longest existing prefix resolved by
 * realpath (so that no symlink leads elsewhere) and the rest, which does
 * not exist and so holds no symlink, normalised by hand.  NULL when out of
 * memory or the current folder is unknown. */
static char *canonical(const char *path)
{
    nmC_buf abs = {0}, out = {0};
    char cwd[4096], *real = NULL;
    const char *p;
    size_t split;

    if (path[0] != '/') {
        if (!getcwd(cwd, sizeof cwd))
            return NULL;
        nmC_buf_addf(&abs, "%s/", cwd);
    }
    nmC_buf_addf(&abs, "%s", path);
    if (abs.failed)
        return NULL;
    for (split = abs.len;;) {
        char keep = abs.data[split];
        abs.data[split] = '\0';
        real = realpath(split ? abs.data : "/", NULL);
        abs.data[split] = keep;
        if (real || split == 0)
            break;
        while (split > 0 && abs.data[--split] != '/')
            ;
    }
    if (real && strcmp(real, "/") != 0)
        nmC_buf_addf(&out, "%s", real);
    for (p = abs.data + split; real && *p;) {
        size_t n;
        while (*p == '/')
            p++;
        n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            char *slash = out.data ? strrchr(out.data, '/') : NULL;
            if (slash) {
                out.len = (size_t)(slash - out.data);
                *slash = '\0';
            }
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            nmC_buf_addf(&out, "/%.*s", (int)n, p);
        }
        p += n;
    }
    if (real && out.len == 0)
        nmC_buf_add(&out, "/", 1);
    nmC_buf_free(&abs);
    if (!real || out.failed) {
        free(real);
        nmC_buf_free(&out);
        return NULL;
    }
    free(real);
    return nmC_buf_take(&out);
}

static int under(const char *path, const char *root)
{
    size_t n = strlen(root);

    if (strcmp(root, "/") == 0)
        return 1;
    return strncmp(path, root, n) == 0 && path[n] == '/';
}

/* The folders outputs may go under: the figures file's and --out's. */
static int set_roots(reader *r, const char *out_root)
{
    r->roots = nm_calloc(2, sizeof *r->roots);
    if (!r->roots || !(r->roots[0] = canonical(r->f->dir)))
        return 0;
    r->nroots = 1;
    if (out_root) {
        if (!(r->roots[1] = canonical(out_root)))
            return 0;
        r->nroots = 2;
    }
    return 1;
}

/* canonical() of an output, its folder's answer kept for the next: a
 * file that is no symlink adds nothing to resolve, and an atlas's
 * thousands of outputs share a few folders (realpath reads every
 * component of a path with a system call). */
static char *canonical_output(reader *r, bd_section *s, const char *path)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : NULL;
    struct stat st;
    nmC_buf b = {0};
    int found = lstat(path, &st) == 0;

    s->output_statted = !found || !S_ISLNK(st.st_mode);
    s->output_exists = found && s->output_statted;
    s->output_dev = s->output_exists ? st.st_dev : 0;
    s->output_ino = s->output_exists ? st.st_ino : 0;
    if (!base || !*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
        (found && S_ISLNK(st.st_mode)))
        return canonical(path);
    if (!r->last_dir || strlen(r->last_dir) != (size_t)(slash - path) ||
        strncmp(r->last_dir, path, (size_t)(slash - path)) != 0) {
        nm_free(r->last_dir);
        nm_free(r->last_dir_real);
        r->last_dir_real = NULL;
        if (!(r->last_dir = nm_malloc((size_t)(slash - path) + 1)))
            return NULL;
        memcpy(r->last_dir, path, (size_t)(slash - path));
        r->last_dir[slash - path] = '\0';
        r->last_dir_real = canonical(slash == path ? "/" : r->last_dir);
    }
    if (!r->last_dir_real)
        return NULL;
    if (strcmp(r->last_dir_real, "/") != 0)
        nmC_buf_add(&b, r->last_dir_real, strlen(r->last_dir_real));
    nmC_buf_add(&b, "/", 1);
    nmC_buf_add(&b, base, strlen(base));
    return nmC_buf_take(&b);
}

/* An output must lie under a root and be no other figure's output. */
static int check_output(reader *r, bd_section *s, bd_kv *kv, const char *where)
{
    size_t i, *sl, earlier;
    int k;

    nm_free(s->output_real);
    s->output_real = canonical_output(r, s, kv->value);
    if (!s->output_real ||
        !index_room(&r->by_output, &r->cap_output, r->f->nsec, section_output, r->f)) {
        r->oom = 1;
        return 0;
    }
    /* an earlier figure's output, even one outside the roots, is taken */
    sl = slot_of(r->by_output, r->cap_output, s->output_real, section_output, r->f);
    earlier = *sl && &r->f->sec[*sl - 1] != s ? *sl : 0;
    if (!*sl)
        *sl = (size_t)(s - r->f->sec) + 1;
    for (k = 0; k < r->nroots && !under(s->output_real, r->roots[k]); k++)
        ;
    if (k == r->nroots) {
        problem(r, kv->line, where, "\"%s\" lies outside %s%s%s (outputs stay under the "
                                    "figures file's folder; give build --out DIR to allow "
                                    "another)",
                kv->value, r->roots[0], r->nroots > 1 ? " and " : "",
                r->nroots > 1 ? r->roots[1] : "");
        return 0;
    }
    if (earlier) {
        i = earlier - 1;
        problem(r, kv->line, where, "\"%s\" is also the output of [%s] (line %d); each "
                                    "figure needs a file of its own",
                kv->value, r->f->sec[i].name, r->f->sec[i].output_line);
        return 0;
    }
    s->output_line = kv->line;
    return 1;
}

/* Sets one field; returns 0 after logging a problem.  An old key still
 * works, with a warning that names what to write now. */
static int apply_key(reader *r, bd_section *s, bd_kv *kv, const nm_opt *k, const char *where,
                     int from_set)
{
    if (k->flags & NM_OPT_DEPRECATED)
        nmC_log(r->ctx, NM_LOG_WARN, "%s:%d: %s: deprecated, write %s%s", r->f->path, kv->line,
               where, k->instead, strchr(k->instead, '=') ? "" : " instead");
    if (k->kind == NM_OPT_OUTPUT) {
        char *path = resolve(r, kv->value, from_set);
        if (!path) {
            r->oom = 1;
            return 0;
        }
        nm_free(kv->value);
        kv->value = path;
        s->output = kv->value;
        if (*kv->value && !check_output(r, s, kv, where))
            return 0;
    }
    if (k->kind == NM_OPT_CUSTOM || (k->flags & NM_OPT_FILE_ONLY)) {
        problem(r, kv->line, where, "an option of the command line only");
        return 0;
    }
    if (nm_opt_parse(r->ctx, k, s->opts, kv->value) != NM_OK) {
        problem(r, kv->line, where, "%s", nm_errmsg(r->ctx));
        nmC_clear(r->ctx);
        return 0;
    }
    return 1;
}

/* The keys of a section for a message: "level, code, ..." without the old
 * ones.  Caller frees. */
static char *key_names(const nm_optset *set)
{
    nmC_buf names = {0};
    const nm_opt *k;

    for (k = set->opts; k->name; k++)
        if (!(k->flags & NM_OPT_DEPRECATED) && k->kind != NM_OPT_CUSTOM)
            nmC_buf_addf(&names, "%s%s", names.len ? ", " : "", k->name);
    return nmC_buf_take(&names);
}

/* Every required option given, by its own key or an old one for the same
 * field; a figure must also name what it writes. */
static void check_required(reader *r, bd_section *s, const nm_optset *set)
{
    const nm_opt *k, *given;
    size_t i;

    for (k = set->opts; k->name; k++) {
        int needed = (k->flags & NM_OPT_REQUIRED) || (set->figure && k->kind == NM_OPT_OUTPUT);
        if (!needed || (k->flags & NM_OPT_DEPRECATED))
            continue;
        for (i = 0; i < s->nkv; i++)
            if ((given = nm_opt_find(set, s->kv[i].key)) && given->offset == k->offset)
                break;
        if (i == s->nkv)
            problem(r, s->line, NULL, "[%s]: the required key \"%s\" is missing", s->name,
                    k->name);
    }
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const bd_kv *)a)->key, ((const bd_kv *)b)->key);
}

/* The definition: type and sorted keys with their values as written
 * (variables expanded, paths not yet joined to the file's folder, so that
 * running from another folder changes nothing).  An input's file is left
 * out: its content is checked by checksum. */
static void definition_hash(bd_section *s, char **expanded)
{
    nmC_buf b = {0};
    const char *type = s->type ? s->type->name : "";
    bd_kv *sorted = nm_malloc((s->nkv ? s->nkv : 1) * sizeof *sorted);
    size_t i;

    if (!sorted) {
        memset(s->definition, '0', 64);
        s->definition[64] = '\0';
        return;
    }
    for (i = 0; i < s->nkv; i++) {
        sorted[i] = s->kv[i];
        sorted[i].value = expanded[i];
    }
    qsort(sorted, s->nkv, sizeof *sorted, by_key);
    /* "needsmap figure\nTYPE\n" then "KEY=VALUE\n" each, by plain appends:
       made for every section of an atlas at every rebuild */
    nmC_buf_add(&b, "needsmap figure\n", 16);
    nmC_buf_add(&b, type, strlen(type));
    nmC_buf_add(&b, "\n", 1);
    for (i = 0; i < s->nkv; i++) {
        const char *v = sorted[i].value ? sorted[i].value : "";
        if (s->is_input && (strcmp(sorted[i].key, "file") == 0 ||
                            strcmp(sorted[i].key, "type") == 0))
            continue;
        nmC_buf_add(&b, sorted[i].key, strlen(sorted[i].key));
        nmC_buf_add(&b, "=", 1);
        nmC_buf_add(&b, v, strlen(v));
        nmC_buf_add(&b, "\n", 1);
    }
    nmB_sha256(b.data ? b.data : "", b.len, s->definition);
    nmC_buf_free(&b);
    nm_free(sorted);
}

/* Finds the section's type: the prefix of a figure's name, the 'type' key
 * of an input. */
static void section_type(reader *r, bd_section *s)
{
    const char *dot = strchr(s->name, '.');
    char prefix[32];
    size_t i;

    if (!dot || dot == s->name || !dot[1] || (size_t)(dot - s->name) >= sizeof prefix) {
        problem(r, s->line, NULL, "[%s]: a section is [vars], [data.NAME] or [TYPE.NAME] with "
                                  "TYPE one of %s",
                s->name, nmB_type_names(1));
        return;
    }
    nmC_strlcpy(prefix, s->name, (size_t)(dot - s->name) + 1);
    s->id = dot + 1;
    if (strcmp(prefix, "data") == 0) {
        s->is_input = 1;
        for (i = 0; i < s->nkv; i++)
            if (strcmp(s->kv[i].key, "type") == 0)
                break;
        if (i == s->nkv) {
            problem(r, s->line, NULL, "[%s]: no type (one of %s)", s->name, nmB_type_names(0));
            return;
        }
        s->type = nmB_input_type(s->kv[i].value);
        if (!s->type)
            problem(r, s->kv[i].line, NULL, "[%s] type: \"%s\" is not one of %s", s->name,
                    s->kv[i].value, nmB_type_names(0));
        return;
    }
    s->type = nmB_figure_type(prefix);
    if (!s->type)
        problem(r, s->line, NULL, "[%s]: unknown figure type \"%s\" (one of %s)", s->name, prefix,
                nmB_type_names(1));
}

/* The earlier key of this section that sets the same field as k: the same
 * key in another case or spelling (Output, min_share) or an old key beside
 * its new name (from and child), which would otherwise apply twice. */
static const bd_kv *earlier_same_field(const nm_optset *set, const bd_section *s, size_t i,
                                       const nm_opt *k)
{
    size_t j;

    for (j = 0; j < i; j++) {
        const nm_opt *e = nm_opt_find(set, s->kv[j].key);
        if (e && e->offset == k->offset && e->kind != NM_OPT_CUSTOM)
            return &s->kv[j];
    }
    return NULL;
}


/* "[SECTION] KEY" into out, cut to its size: the place a problem names,
 * made for every key of every section (snprintf was a tenth of an atlas's
 * no-op rebuild). */
static void section_key(char *out, size_t size, const char *section, const char *key)
{
    size_t ns = strlen(section), nk = strlen(key), at = 0;

    if (size < 4) {
        if (size)
            out[0] = '\0';
        return;
    }
    out[at++] = '[';
    if (ns > size - at - 1)
        ns = size - at - 1;
    memcpy(out + at, section, ns);
    at += ns;
    if (at + 2 < size) {
        out[at++] = ']';
        out[at++] = ' ';
        if (nk > size - at - 1)
            nk = size - at - 1;
        memcpy(out + at, key, nk);
        at += nk;
    }
    out[at] = '\0';
}

/* Fills the section's options from its keys; logs every problem. */
static void fill_section(reader *r, bd_section *s)
{
    const nm_optset *set;
    const nm_opt *k;
    const bd_kv *first;
    char **expanded;
    size_t i;

    section_type(r, s);
    if (!s->type)
        return;
    set = nm_optset_find(s->type->command);
    s->opts = nm_calloc(1, set->size);
    expanded = nm_calloc(s->nkv ? s->nkv : 1, sizeof *expanded);
    if (!s->opts || !expanded) {
        nm_free(expanded);
        r->oom = 1;
        return;
    }
    nm_optset_defaults(set, s->opts);
    for (i = 0; i < s->nkv; i++) {
        bd_kv *kv = &s->kv[i];
        char where[160];
        int from_set = 0;
        section_key(where, sizeof where, s->name, kv->key);
        expanded[i] = expand(r, kv->value, kv->line, where, NULL, &from_set);
        if (!expanded[i])
            continue;
        nm_free(kv->value);
        kv->value = nm_strdup(expanded[i]);
        if (!kv->value) {
            r->oom = 1;
            break;
        }
        if (strcmp(kv->key, "type") == 0) {
            if (!s->is_input && strcmp(kv->value, s->type->name) != 0)
                problem(r, kv->line, where, "\"%s\" does not match the section's type \"%s\"",
                        kv->value, s->type->name);
            continue;
        }
        if (s->is_input && strcmp(kv->key, "file") == 0 && !s->type->nofile) {
            char *path = resolve(r, kv->value, from_set);
            if (!path) {
                r->oom = 1;
                break;
            }
            nm_free(kv->value);
            kv->value = path;
            s->file = kv->value;
            continue;
        }
        k = nm_opt_find(set, kv->key);
        if (!k) {
            char *names = key_names(set);
            problem(r, kv->line, where, "unknown key for %s %s (known: %s%s)",
                    s->is_input ? "an input of type" : "a", s->type->name,
                    s->is_input && !s->type->nofile ? "file, " : "", names ? names : "none");
            nm_free(names);
            continue;
        }
        if (k->kind != NM_OPT_CUSTOM && (first = earlier_same_field(set, s, i, k))) {
            problem(r, kv->line, where, "given twice (first at line %d as %s)", first->line,
                    first->key);
            continue;
        }
        apply_key(r, s, kv, k, where, from_set);
    }
    if (s->is_input && !s->type->nofile && !s->file)
        problem(r, s->line, NULL, "[%s]: the required key \"file\" is missing", s->name);
    check_required(r, s, set);
    definition_hash(s, expanded);
    for (i = 0; i < s->nkv; i++)
        nm_free(expanded[i]);
    nm_free(expanded);
}

static void reader_free(reader *r)
{
    size_t i;

    for (i = 0; i < r->nhdr; i++)
        nm_free(r->hdr[i].name);
    nm_free(r->hdr);
    for (i = 0; i < r->nvars; i++) {
        nm_free(r->vars[i].name);
        nm_free(r->vars[i].value);
    }
    nm_free(r->vars);
    for (i = 0; i < (size_t)r->nroots; i++)
        nm_free(r->roots[i]);
    nm_free(r->roots);
    nm_free(r->by_name);
    nm_free(r->by_output);
    nm_free(r->last_dir);
    nm_free(r->last_dir_real);
}

static nm_status set_dir(bd_file *f, const char *path)
{
    const char *slash = strrchr(path, '/');

    f->path = nm_strdup(path);
    if (!slash)
        f->dir = nm_strdup(".");
    else if (slash == path)
        f->dir = nm_strdup("/");
    else if ((f->dir = nm_malloc((size_t)(slash - path) + 1)))
        nmC_strlcpy(f->dir, path, (size_t)(slash - path) + 1);
    return f->path && f->dir ? NM_OK : NM_NOMEM;
}

nm_status nmB_file_read(nm_ctx *ctx, const char *path, const char *const *set, int nset,
                       const char *out_root, bd_file *f)
{
    reader r = {0};
    nm_status rc;
    size_t i;
    int bad;

    memset(f, 0, sizeof *f);
    r.ctx = ctx;
    r.f = f;
    if (set_dir(f, path) != NM_OK)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    r.fp = fopen(path, "r");
    if (!r.fp)
        return nmC_fail(ctx, NM_ERROR, "%s: cannot read the figures file: %s", path,
                       strerror(errno));
    if (!set_roots(&r, out_root)) {
        fclose(r.fp);
        reader_free(&r);
        return nmC_fail(ctx, NM_NOMEM, "%s: out of memory, or the current folder is unknown",
                       path);
    }
    bad = ini_parse_stream(read_line, &r, on_key, &r);
    fclose(r.fp);
    if (bad > 0 && bad != r.long_line)
        problem(&r, bad, NULL, "not a [section], key = value, or comment");
    if (r.long_line)
        problem(&r, r.long_line, NULL, "line too long for the INI reader; break it with an "
                                       "indented continuation line");
    /* sections without keys are still sections: a figure missing its keys */
    for (i = 0; i < r.nhdr && !r.oom; i++)
        if (!find_section(&r, r.hdr[i].name) && !add_section(&r, r.hdr[i].name, r.hdr[i].line))
            r.oom = 1;
    for (i = 0; i < f->nsec; i++)
        if (f->sec[i].line == 0)
            f->sec[i].line = header_line(&r, f->sec[i].name);
    read_vars(&r, set, nset);
    for (i = 0; i < f->nsec && !r.oom; i++)
        if (strcmp(f->sec[i].name, "vars") != 0)
            fill_section(&r, &f->sec[i]);
    if (r.oom)
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    else if (f->errors > 0)
        rc = nmC_fail(ctx, NM_USAGE, "%s: %ld problem%s in the figures file; nothing was built",
                     path, f->errors, f->errors == 1 ? "" : "s");
    else
        rc = NM_OK;
    reader_free(&r);
    return rc;
}

void nmB_file_free(bd_file *f)
{
    size_t i, k;

    if (!f)
        return;
    for (i = 0; i < f->nsec; i++) {
        for (k = 0; k < f->sec[i].nkv; k++) {
            nm_free(f->sec[i].kv[k].key);
            nm_free(f->sec[i].kv[k].value);
        }
        nm_free(f->sec[i].kv);
        nm_free(f->sec[i].opts);
        nm_free(f->sec[i].name);
        nm_free(f->sec[i].output_real);
    }
    nm_free(f->sec);
    nm_free(f->path);
    nm_free(f->dir);
    memset(f, 0, sizeof *f);
}
