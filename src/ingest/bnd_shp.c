/*
 * The shapefile reader: shapelib for the .shp/.shx/.dbf, and the work a
 * shapefile leaves to its reader, which is sorting rings into polygons.  A
 * shapefile stores a polygon as a flat list of rings, outer rings clockwise
 * and holes counter-clockwise; each hole is given to the smallest outer ring
 * that contains it.  The encoding of the text comes from the .cpg or the
 * DBF's language driver id; recoding is left to boundaries.c.
 */
#define _DEFAULT_SOURCE /* MAP_POPULATE */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <shapefil.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/bnd_int.h"
#include "nm_lazy.h"

/* shapelib reports errors through a hook without a user pointer; the last
   message of this thread is kept here for ours */
static _Thread_local char shp_error[256];

/* The .shp, .shx and .dbf as shapelib reads them: mapped into memory.
 * shapelib seeks before every record of the .shp and the .dbf, and with
 * stdio each seek is an lseek and a refill of the buffer, two system calls
 * a record and a twelfth of an import of England; in a mapping a seek is
 * an assignment.  Read-only: the hooks open nothing for writing. */
typedef struct mapped_file {
    const unsigned char *data;
    size_t size, pos;
} mapped_file;

static SAFile map_open(const char *name, const char *access)
{
    mapped_file *m;
    struct stat st;
    int fd;

    if (strpbrk(access, "wa+"))
        return NULL;
    fd = open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(m = nm_calloc(1, sizeof *m))) {
        close(fd);
        return NULL;
    }
    m->size = (size_t)st.st_size;
    if (m->size > 0) {
        void *p = mmap(NULL, m->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (p == MAP_FAILED) {
            close(fd);
            nm_free(m);
            return NULL;
        }
        m->data = p;
    }
    close(fd);
    return (SAFile)(void *)m;
}

/* As fread: the bytes there are copied even when the last item is cut
 * short (shapelib reads a .cpg as one item of its buffer's size). */
static SAOffset map_read(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
    mapped_file *m = (mapped_file *)(void *)file;
    size_t left = m->size - m->pos, n;

    if (size == 0 || nmemb == 0 || !m->data) /* an empty file is not mapped */
        return 0;
    n = nmemb > left / size ? left : size * nmemb;
    memcpy(p, m->data + m->pos, n);
    m->pos += n;
    return n / size;
}

static SAOffset map_write(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
    (void)p;
    (void)size;
    (void)nmemb;
    (void)file;
    return 0;
}

static SAOffset map_seek(SAFile file, SAOffset offset, int whence)
{
    mapped_file *m = (mapped_file *)(void *)file;
    size_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->size : 0;

    /* as fseek, a position past the end is allowed: reads there get nothing */
    m->pos = base + offset;
    if (m->pos < base)
        m->pos = m->size;
    if (m->pos > m->size)
        m->pos = m->size;
    return 0;
}

static SAOffset map_tell(SAFile file)
{
    return ((mapped_file *)(void *)file)->pos;
}

static int map_flush(SAFile file)
{
    (void)file;
    return 0;
}

static int map_close(SAFile file)
{
    mapped_file *m = (mapped_file *)(void *)file;

    if (m->data)
        munmap((void *)m->data, m->size);
    nm_free(m);
    return 0;
}

typedef struct ring {
    int start, n;     /* first vertex and count, closing vertex excluded */
    int closed;       /* the file repeats the first vertex at the end */
    double area2;     /* twice the signed area: negative when clockwise */
    double minx, miny, maxx, maxy;
    int owner;        /* holes: index of the outer ring; outers: -1 */
    int holes;        /* outers: holes given to it */
} ring;

typedef struct shp_reader {
    SHPHandle shp;
    DBFHandle dbf;
    long next;        /* index of the next record */
    long current;     /* index of the record last read */
    ring *rings;
    int rings_cap;
    char *text;       /* trimmed copy of a DBF value */
    size_t text_cap;
} shp_reader;

static void on_shp_error(const char *message)
{
    nmC_strlcpy(shp_error, message, sizeof shp_error);
}

/* ---- rings to polygons ------------------------------------------------ */

static void measure_ring(const SHPObject *o, ring *r)
{
    const double *x = o->padfX + r->start, *y = o->padfY + r->start;
    double a = 0;
    int i, n = r->n;

    r->closed = n > 1 && x[0] == x[n - 1] && y[0] == y[n - 1];
    if (r->closed)
        r->n = --n;
    r->minx = r->maxx = x[0];
    r->miny = r->maxy = y[0];
    for (i = 0; i < n; i++) {
        int j = i + 1 == n ? 0 : i + 1;
        a += x[i] * y[j] - x[j] * y[i];
        if (x[i] < r->minx) r->minx = x[i];
        if (x[i] > r->maxx) r->maxx = x[i];
        if (y[i] < r->miny) r->miny = y[i];
        if (y[i] > r->maxy) r->maxy = y[i];
    }
    r->area2 = a;
    r->owner = -1;
    r->holes = 0;
}

/* Even-odd crossing test of (px, py) against ring r. */
static int point_in_ring(const SHPObject *o, const ring *r, double px, double py)
{
    const double *x = o->padfX + r->start, *y = o->padfY + r->start;
    int i, j, inside = 0;

    for (i = 0, j = r->n - 1; i < r->n; j = i++)
        if ((y[i] > py) != (y[j] > py) &&
            px < (x[j] - x[i]) * (py - y[i]) / (y[j] - y[i]) + x[i])
            inside = !inside;
    return inside;
}

static int bbox_contains(const ring *outer, const ring *inner)
{
    return inner->minx >= outer->minx && inner->maxx <= outer->maxx &&
           inner->miny >= outer->miny && inner->maxy <= outer->maxy;
}

/* Gives each hole (counter-clockwise ring) the smallest outer ring that
 * contains it; a hole inside none becomes an outer ring itself, which also
 * covers files written with the opposite winding. */
static void assign_holes(const SHPObject *o, ring *rings, int n)
{
    int h, k;

    for (h = 0; h < n; h++) {
        ring *hole = &rings[h];
        int best = -1;
        if (hole->area2 <= 0)
            continue;
        for (k = 0; k < n; k++) {
            const ring *outer = &rings[k];
            if (outer->area2 >= 0 || !bbox_contains(outer, hole))
                continue;
            if (!point_in_ring(o, outer, o->padfX[hole->start], o->padfY[hole->start]))
                continue;
            if (best < 0 || outer->area2 > rings[best].area2) /* smaller |area| */
                best = k;
        }
        hole->owner = best;
        if (best >= 0)
            rings[best].holes++;
    }
}

/* Copies ring r into a gaia ring of r->n + 1 points, closing it. */
static void copy_ring(const SHPObject *o, const ring *r, gaiaRingPtr dst)
{
    const double *x = o->padfX + r->start, *y = o->padfY + r->start;
    int i;

    for (i = 0; i < r->n; i++)
        gaiaSetPoint(dst->Coords, i, x[i], y[i]);
    gaiaSetPoint(dst->Coords, r->n, x[0], y[0]);
}

static gaiaGeomCollPtr build_geometry(const SHPObject *o, ring *rings, int n)
{
    gaiaGeomCollPtr geom = gaiaAllocGeomColl();
    int i, k, slot;

    if (!geom)
        return NULL;
    geom->Srid = BND_SRID;
    geom->DeclaredType = GAIA_MULTIPOLYGON;
    for (i = 0; i < n; i++) {
        gaiaPolygonPtr pg;
        if (rings[i].owner >= 0)
            continue; /* a hole, added with its outer ring */
        pg = gaiaAddPolygonToGeomColl(geom, rings[i].n + 1, rings[i].holes);
        copy_ring(o, &rings[i], pg->Exterior);
        for (k = 0, slot = 0; k < n && slot < rings[i].holes; k++)
            if (rings[k].owner == i)
                copy_ring(o, &rings[k], gaiaAddInteriorRing(pg, slot++, rings[k].n + 1));
    }
    return geom;
}

/* Records a geometry problem on the feature. */
static void feature_problem(bnd_feature *f, const char *kind, const char *what)
{
    f->problem = kind;
    nmC_strlcpy(f->what, what, sizeof f->what);
}

static nm_status convert_object(shp_reader *r, const SHPObject *o, bnd_feature *f)
{
    int i, n = 0;

    if (o->nSHPType != SHPT_NULL && o->nSHPType != SHPT_POLYGON &&
        o->nSHPType != SHPT_POLYGONZ && o->nSHPType != SHPT_POLYGONM) {
        snprintf(f->what, sizeof f->what, "not a polygon (shape type %s)",
                 SHPTypeName(o->nSHPType));
        f->problem = "geometry-type";
        return NM_OK;
    }
    if (o->nSHPType == SHPT_NULL || o->nVertices == 0 || o->nParts == 0) {
        feature_problem(f, "geometry-empty", "empty or NULL geometry");
        return NM_OK;
    }
    /* NaN and infinities would also upset the ring assembly below */
    for (i = 0; i < o->nVertices; i++)
        if (!isfinite(o->padfX[i]) || !isfinite(o->padfY[i])) {
            snprintf(f->what, sizeof f->what, "point %d is not a finite number (x = %g, y = %g)",
                     i + 1, o->padfX[i], o->padfY[i]);
            f->problem = "geometry-not-finite";
            return NM_OK;
        }
    if (o->nParts > r->rings_cap) {
        ring *grown = nm_realloc(r->rings, (size_t)o->nParts * sizeof *grown);
        if (!grown)
            return NM_NOMEM;
        r->rings = grown;
        r->rings_cap = o->nParts;
    }
    for (i = 0; i < o->nParts; i++) {
        int start = o->panPartStart[i];
        int end = i + 1 < o->nParts ? o->panPartStart[i + 1] : o->nVertices;
        if (start < 0 || end > o->nVertices || end - start < 1)
            continue; /* an empty part carries nothing */
        r->rings[n].start = start;
        r->rings[n].n = end - start;
        measure_ring(o, &r->rings[n]);
        n++;
    }
    if (n == 0) {
        feature_problem(f, "geometry-empty", "empty or NULL geometry");
        return NM_OK;
    }
    assign_holes(o, r->rings, n);
    f->geom = build_geometry(o, r->rings, n);
    return f->geom ? NM_OK : NM_NOMEM;
}

static nm_status shp_next(bnd_source *src, bnd_feature *f, int *done)
{
    shp_reader *r = src->impl;
    SHPObject *o;
    nm_status rc;

    memset(f, 0, sizeof *f);
    *done = r->next >= src->count;
    if (*done)
        return NM_OK;
    r->current = r->next++;
    f->number = r->current + 1;
    shp_error[0] = '\0';
    o = SHPReadObject(r->shp, (int)r->current);
    if (!o) {
        snprintf(f->what, sizeof f->what, "record cannot be read (file cut short?)%s%.100s",
                 shp_error[0] ? ": " : "", shp_error);
        f->problem = "geometry-unreadable";
        return NM_OK;
    }
    rc = convert_object(r, o, f);
    SHPDestroyObject(o);
    if (rc != NM_OK)
        return nmC_fail(src->ctx, rc, "out of memory");
    return NM_OK;
}

static const char *shp_text(bnd_source *src, int field)
{
    shp_reader *r = src->impl;
    const char *v;

    if (DBFIsAttributeNULL(r->dbf, (int)r->current, field))
        return NULL;
    v = DBFReadStringAttribute(r->dbf, (int)r->current, field);
    return v ? nmI_trimmed(v, &r->text, &r->text_cap) : NULL;
}

static void shp_close(bnd_source *src)
{
    shp_reader *r = src->impl;

    if (!r)
        return;
    if (r->shp)
        SHPClose(r->shp);
    if (r->dbf)
        DBFClose(r->dbf);
    nm_free(r->rings);
    nm_free(r->text);
    nm_free(r);
}

static const bnd_ops shp_ops = {shp_next, shp_text, shp_close};

/* ---- opening ---------------------------------------------------------- */

/* 'path' with its extension replaced by 'ext' (".dbf"), trying the upper
 * case spelling too; caller frees with nm_free().  NULL when neither
 * exists (then *tried is the lower case name). */
static char *sibling(const char *path, const char *ext, char **tried)
{
    /* the dot of the file's name, not of a folder's: comparing with the
       NULL of a path without '/' was undefined */
    const char *dot = strrchr(nmC_basename(path), '.');
    size_t stem = dot ? (size_t)(dot - path) : strlen(path);
    nmC_buf b = {0};
    struct stat st;
    char *name;
    int upper;

    *tried = NULL;
    for (upper = 0; upper < 2; upper++) {
        size_t i;
        b.len = 0;
        nmC_buf_add(&b, path, stem);
        for (i = 0; ext[i]; i++) {
            char c = upper && ext[i] >= 'a' && ext[i] <= 'z' ? (char)(ext[i] - 32) : ext[i];
            nmC_buf_add(&b, &c, 1);
        }
        if (b.failed)
            break;
        if (stat(b.data, &st) == 0) {
            name = nmC_buf_take(&b);
            return name;
        }
        if (!upper)
            *tried = nm_strdup(b.data);
    }
    nmC_buf_free(&b);
    return NULL;
}

/* Reads the whole of a small text file (.prj); caller frees with nm_free(). */
static char *read_small_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *text = NULL;
    long n;

    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && n < 1 << 20 &&
        fseek(fp, 0, SEEK_SET) == 0 && (text = nm_malloc((size_t)n + 1)) != NULL) {
        if (fread(text, 1, (size_t)n, fp) != (size_t)n) {
            nm_free(text);
            text = NULL;
        } else {
            text[n] = '\0';
        }
    }
    fclose(fp);
    return text;
}

/* Language driver ids of dBASE files and the encodings they stand for
 * (the subset GDAL's shapefile driver knows that occurs in practice). */
static const struct {
    int ldid;
    const char *encoding;
} ldids[] = {
    {1, "CP437"},     {2, "CP850"},    {3, "CP1252"},   {38, "CP866"},
    {87, "ISO-8859-1"}, {100, "CP852"}, {101, "CP866"}, {200, "CP1250"},
    {201, "CP1251"},  {202, "CP1254"}, {203, "CP1253"},
};

/* The iconv name of a code page as Esri tools write it in a .cpg: "1252",
 * "ANSI 1252", "88591", "ISO 88591" (GDAL's shapefile driver reads them
 * the same way).  Copies 'page' itself when it is none of those. */
static void cpg_name(const char *page, char *out, size_t size)
{
    const char *digits = page;
    long n;

    if (strncasecmp(digits, "ANSI ", 5) == 0)
        digits += 5;
    else if (strncasecmp(digits, "ISO ", 4) == 0)
        digits += 4;
    if (nmC_parse_long(digits, 1, 999999, &n)) {
        if (n >= 88591 && n <= 885916)
            snprintf(out, size, "ISO-8859-%ld", n - 88590);
        else
            snprintf(out, size, "CP%ld", n);
        return;
    }
    nmC_strlcpy(out, page, size);
}

/* Sets the source's encoding from what the DBF says: the .cpg text or
 * "LDID/n".  Nothing said: text that is not UTF-8 is taken as Latin-1,
 * GDAL's default for shapefiles. */
static nm_status set_encoding(bnd_source *src, const char *page)
{
    const char *enc = NULL;
    char named[64];
    long id;
    size_t i;

    if (page && strncmp(page, "LDID/", 5) == 0) {
        if (nmC_parse_long(page + 5, 0, 255, &id))
            for (i = 0; i < sizeof ldids / sizeof ldids[0]; i++)
                if (ldids[i].ldid == id)
                    enc = ldids[i].encoding;
        page = NULL; /* an unknown LDID says nothing */
    } else if (page && (nmC_strieq(page, "UTF-8") || nmC_strieq(page, "UTF8") ||
                        strcmp(page, "65001") == 0)) {
        return NM_OK;
    } else if (page && *page) {
        cpg_name(page, named, sizeof named);
        enc = named;
    }
    if (!enc) {
        enc = "ISO-8859-1";
        src->encoding_guessed = 1;
    }
    src->encoding = nm_strdup(enc);
    return src->encoding ? NM_OK : nmC_fail(src->ctx, NM_NOMEM, "out of memory");
}

static nm_status read_fields(bnd_source *src, DBFHandle dbf)
{
    nm_status rc = NM_OK;
    int i;

    for (i = 0; i < DBFGetFieldCount(dbf) && rc == NM_OK; i++) {
        char name[XBASE_FLDNAME_LEN_READ + 1] = "";
        DBFGetFieldInfo(dbf, i, name, NULL, NULL);
        rc = nmI_source_add_field(src, name);
    }
    return rc;
}

/* Checks the .shx and .dbf exist beside the .shp, so that a missing one is
 * named rather than reported as a failure to open. */
static nm_status check_siblings(nm_ctx *ctx, const char *path)
{
    static const char *const exts[] = {".shx", ".dbf"};
    nm_status rc = NM_OK;
    size_t i;

    for (i = 0; i < 2 && rc == NM_OK; i++) {
        char *tried = NULL, *found = sibling(path, exts[i], &tried);
        if (!found)
            rc = nmC_fail(ctx, NM_BADDATA, "%s: the %s file that goes with it is missing (%s)",
                         path, exts[i], tried ? tried : exts[i]);
        nm_free(found);
        nm_free(tried);
    }
    return rc;
}

/* A .dbf shorter than its header says (a copy cut short) reads as empty
 * values, which would be reported as empty codes: say what it is. */
static nm_status check_dbf_size(nm_ctx *ctx, const char *path, DBFHandle dbf)
{
    char *tried = NULL, *name = sibling(path, ".dbf", &tried);
    double want = (double)dbf->nHeaderLength + (double)dbf->nRecords * dbf->nRecordLength;
    struct stat st;
    nm_status rc = NM_OK;

    if (name && stat(name, &st) == 0 && (double)st.st_size < want)
        rc = nmC_fail(ctx, NM_BADDATA,
                     "%s: the .dbf is cut short: %s has %lld bytes where its header says %.0f "
                     "(%d records of %d bytes)",
                     path, name, (long long)st.st_size, want, dbf->nRecords,
                     dbf->nRecordLength);
    nm_free(name);
    nm_free(tried);
    return rc;
}

nm_status nmI_shp_open(nm_ctx *ctx, const char *path, bnd_source **out)
{
    bnd_source *src = NULL;
    shp_reader *r = NULL;
    SAHooks hooks;
    char *prj = NULL, *tried = NULL;
    int entities = 0, type = 0;
    nm_status rc;

    *out = NULL;
    rc = nmC_need(ctx, NMC_SPATIALITE, "reading a shapefile");
    if (rc == NM_OK)
        rc = check_siblings(ctx, path);
    if (rc != NM_OK)
        goto cleanup;
    src = nmI_source_new(ctx, path, &shp_ops);
    r = nm_calloc(1, sizeof *r);
    if (!src || !r) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    src->impl = r;
    SASetupDefaultHooks(&hooks);
    hooks.FOpen = map_open;
    hooks.FRead = map_read;
    hooks.FWrite = map_write;
    hooks.FSeek = map_seek;
    hooks.FTell = map_tell;
    hooks.FFlush = map_flush;
    hooks.FClose = map_close;
    hooks.Error = on_shp_error;
    shp_error[0] = '\0';
    r->shp = SHPOpenLL(path, "rb", &hooks);
    if (!r->shp) {
        rc = nmC_fail(ctx, NM_BADDATA, "%s: not a readable shapefile%s%s", path,
                     shp_error[0] ? ": " : "", shp_error);
        goto cleanup;
    }
    r->dbf = DBFOpenLL(path, "rb", &hooks);
    if (!r->dbf) {
        rc = nmC_fail(ctx, NM_BADDATA, "%s: the .dbf cannot be read%s%s", path,
                     shp_error[0] ? ": " : "", shp_error);
        goto cleanup;
    }
    SHPGetInfo(r->shp, &entities, &type, NULL, NULL);
    if (DBFGetRecordCount(r->dbf) != entities) {
        rc = nmC_fail(ctx, NM_BADDATA,
                     "%s: the .dbf has %d records but the .shp has %d shapes; "
                     "the files do not belong together",
                     path, DBFGetRecordCount(r->dbf), entities);
        goto cleanup;
    }
    src->count = entities;
    rc = check_dbf_size(ctx, path, r->dbf);
    if (rc == NM_OK)
        rc = read_fields(src, r->dbf);
    if (rc == NM_OK)
        rc = set_encoding(src, DBFGetCodePage(r->dbf));
    if (rc != NM_OK)
        goto cleanup;
    prj = sibling(path, ".prj", &tried);
    if (prj && !(src->crs = read_small_file(prj))) {
        rc = nmC_fail(ctx, NM_BADDATA, "%s: cannot read %s: %s", path, prj, strerror(errno));
        goto cleanup;
    }
    *out = src;
    src = NULL;

cleanup:
    nm_free(prj);
    nm_free(tried);
    if (src)
        nmI_source_close(src);
    else if (!*out && r)
        nm_free(r);
    return rc;
}
