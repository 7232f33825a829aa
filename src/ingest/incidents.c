/*
 * Incidents (crimes, referrals, call-outs) as points from a table: police.uk
 * street-level CSVs, or any CSV/XLSX with coordinate columns.  The whole
 * file is read and checked first; rows without usable coordinates are
 * reported with their lines and left out, the rest is transformed to
 * British National Grid (bnd_proj.c) and stored in one transaction,
 * replacing the earlier incidents of the same name.  Counting them per area
 * is analyse's job (count.c); here the points are only checked against the
 * finest stored boundaries, so that a file of the wrong place is noticed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ingest/bnd_int.h"
#include "ingest/incidents_int.h"
#include "ingest/table_int.h"
#include "needsmap/analyse.h"
#include "store/store_int.h"

#define ATTR_POLICE_UK                                                                         \
    "Contains public sector information licensed under the Open Government Licence v3.0 "      \
    "(data.police.uk)."

/* One incident held in memory between reading and writing: 40 bytes, so a
 * million rows stay well under 100 MB. */
typedef struct inc {
    double x, y;
    long line;
    int category;   /* index into the category list, -1 none */
    char date[11];  /* ISO, "" when none */
    char sex;       /* 'F', 'M' or 0 */
    signed char children; /* 1, 0, -1 unknown */
} inc;

typedef struct job {
    nm_ctx *ctx;
    const nm_incidents_opts *o;
    const char *path;
    nmI_table *t;
    int cx, cy, cdate, ccat, csex, cchild, cwhere;
    const char *where_value;
    double minx, maxx, miny, maxy;  /* valid range of the source CRS */
    inc *rows;
    size_t n, cap;
    char **cats;                    /* distinct categories */
    int ncats, cats_cap;
    long skipped;
} job;

static void job_free(job *j)
{
    int i;

    for (i = 0; i < j->ncats; i++)
        nm_free(j->cats[i]);
    nm_free(j->cats);
    nm_free(j->rows);
}

/* ---- columns ----------------------------------------------------------- */

/* Index of the first heading in 'names' (a NULL-terminated list), or -1. */
static int find_any(nmI_table *t, const char *const *names)
{
    int c = -1;

    for (; *names && c < 0; names++)
        c = nmI_table_find(t, *names);
    return c;
}

/* A column named by an option must exist; unnamed optional ones are
 * detected from 'guesses' (NULL: none). */
static nm_status column(job *j, const char *option, const char *given, const char *const *guesses,
                        int *out)
{
    char *all;
    nm_status rc;

    *out = -1;
    if (!given) {
        if (guesses)
            *out = find_any(j->t, guesses);
        return NM_OK;
    }
    *out = nmI_table_find(j->t, given);
    if (*out >= 0)
        return NM_OK;
    all = nmI_table_headings_text(j->t);
    rc = nmC_fail(j->ctx, NM_USAGE, "%s: --%s: no column \"%s\"; the columns are %s", j->path,
                 option, given, all ? all : "");
    nm_free(all);
    return rc;
}

static const char *const lon_names[] = {"longitude", "lon", "lng", "long", NULL};
static const char *const lat_names[] = {"latitude", "lat", NULL};
static const char *const east_names[] = {"easting", "eastings", "x", NULL};
static const char *const north_names[] = {"northing", "northings", "y", NULL};
static const char *const date_names[] = {"month", "date", NULL};
static const char *const cat_names[] = {"crime_type", "crime type", "category", NULL};

static int in_names(const char *heading, const char *const *names)
{
    for (; *names; names++)
        if (nmC_strieq(heading, *names))
            return 1;
    return 0;
}

/* Finds the coordinate columns and decides the CRS and its valid range. */
static nm_status resolve_coordinates(job *j, const char **crs)
{
    const nm_incidents_opts *o = j->o;
    nm_status rc;

    rc = column(j, "x", o->x, NULL, &j->cx);
    if (rc == NM_OK)
        rc = column(j, "y", o->y, NULL, &j->cy);
    if (rc != NM_OK)
        return rc;
    if (j->cx < 0 && j->cy < 0) {
        int lon = find_any(j->t, lon_names), lat = find_any(j->t, lat_names);
        if (lon >= 0 && lat >= 0) {
            j->cx = lon, j->cy = lat;
        } else {
            j->cx = find_any(j->t, east_names);
            j->cy = find_any(j->t, north_names);
        }
    }
    if (j->cx < 0 || j->cy < 0) {
        char *all = nmI_table_headings_text(j->t);
        rc = nmC_fail(j->ctx, NM_USAGE,
                     "%s: which columns hold the coordinates? give --x COLUMN --y COLUMN "
                     "(the columns are %s)",
                     j->path, all ? all : "");
        nm_free(all);
        return rc;
    }
    *crs = o->crs;
    if (!*crs) {
        const char *hx = nmI_table_heading(j->t, j->cx);
        if (in_names(hx, lon_names))
            *crs = "EPSG:4326";
        else if (in_names(hx, east_names))
            *crs = "EPSG:27700";
        else
            return nmC_fail(j->ctx, NM_USAGE,
                           "%s: give --crs EPSG:4326 (longitude/latitude) or --crs EPSG:27700 "
                           "(easting/northing) for columns \"%s\" and \"%s\"",
                           j->path, hx, nmI_table_heading(j->t, j->cy));
    }
    if (nmC_strieq(*crs, "EPSG:4326")) {
        j->minx = -180, j->maxx = 180, j->miny = -90, j->maxy = 90;
    } else if (nmC_strieq(*crs, "EPSG:27700")) {
        j->minx = 0, j->maxx = 700000, j->miny = 0, j->maxy = 1300000;
    } else {
        return nmC_fail(j->ctx, NM_USAGE, "--crs %s: incidents are read in EPSG:4326 or EPSG:27700",
                       *crs);
    }
    return NM_OK;
}

static nm_status resolve_columns(job *j, const char **crs)
{
    const nm_incidents_opts *o = j->o;
    nm_status rc = resolve_coordinates(j, crs);

    if (rc == NM_OK)
        rc = column(j, "date", o->date, date_names, &j->cdate);
    if (rc == NM_OK)
        rc = column(j, "category", o->category, cat_names, &j->ccat);
    if (rc == NM_OK)
        rc = column(j, "sex", o->sex, NULL, &j->csex);
    if (rc == NM_OK)
        rc = column(j, "children", o->children, NULL, &j->cchild);
    j->cwhere = -1;
    if (rc == NM_OK && o->where) {
        const char *eq = strchr(o->where, '=');
        char name[256];
        size_t len = eq ? (size_t)(eq - o->where) : 0;
        if (!eq || len == 0 || len >= sizeof name)
            return nmC_fail(j->ctx, NM_USAGE, "--where \"%s\": write COLUMN=VALUE", o->where);
        memcpy(name, o->where, len);
        name[len] = '\0';
        j->where_value = eq + 1;
        rc = column(j, "where", name, NULL, &j->cwhere);
    }
    return rc;
}

/* ---- cells ------------------------------------------------------------- */

/* Copies s without surrounding blanks into buf (size n). */
static const char *trim(const char *s, char *buf, size_t n)
{
    size_t len;

    while (*s == ' ' || *s == '\t')
        s++;
    len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    if (len >= n)
        len = n - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf;
}

static int leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int valid_ymd(long y, long m, long d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (y < 1900 || y > 2100 || m < 1 || m > 12)
        return 0;
    return d == 0 || (d >= 1 && d <= mdays[m - 1] + (m == 2 && leap(y)));
}

/* Digits s[0..n) as a number, or -1. */
static long digits(const char *s, int n)
{
    long v = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Hand-written: three fixed shapes are clearer checked than handed to
 * strptime, which accepts "2018-1-5" and varies between C libraries. */
int nmI_incident_date(const char *s, char out[11])
{
    size_t n = strlen(s);
    long y, m, d = 0;

    if (n == 7 && s[4] == '-') {
        y = digits(s, 4), m = digits(s + 5, 2);
    } else if (n == 10 && s[4] == '-' && s[7] == '-') {
        y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
        if (d == 0)
            return 0;
    } else if (n == 10 && s[2] == '/' && s[5] == '/') {
        d = digits(s, 2), m = digits(s + 3, 2), y = digits(s + 6, 4);
        if (d == 0)
            return 0;
    } else {
        return 0;
    }
    if (y < 0 || m < 0 || d < 0 || !valid_ymd(y, m, d))
        return 0;
    /* written digit by digit: the ranges are checked, and snprintf's
       truncation warning cannot know that */
    out[0] = (char)('0' + y / 1000), out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10), out[3] = (char)('0' + y % 10);
    out[4] = '-', out[5] = (char)('0' + m / 10), out[6] = (char)('0' + m % 10);
    out[7] = '\0';
    if (d) {
        out[7] = '-', out[8] = (char)('0' + d / 10), out[9] = (char)('0' + d % 10);
        out[10] = '\0';
    }
    return 1;
}

int nmI_incident_sex(const char *s)
{
    static const char *const f[] = {"f", "female", "w", "woman", "girl", NULL};
    static const char *const m[] = {"m", "male", "man", "boy", NULL};
    char buf[32];

    trim(s, buf, sizeof buf);
    if (!*buf)
        return 0;
    if (in_names(buf, f))
        return 'F';
    if (in_names(buf, m))
        return 'M';
    return '?';
}

/* 1, 0, -1 for empty, -2 for anything else. */
static int children_flag(const char *s)
{
    static const char *const yes[] = {"y", "yes", "1", "true", NULL};
    static const char *const no[] = {"n", "no", "0", "false", NULL};
    char buf[32];

    trim(s, buf, sizeof buf);
    if (!*buf)
        return -1;
    if (in_names(buf, yes))
        return 1;
    if (in_names(buf, no))
        return 0;
    return -2;
}

/* Interns a category; -1 for empty, -2 out of memory. */
static int category(job *j, const char *s)
{
    int i;

    if (!*s)
        return -1;
    /* few distinct values (police.uk has 14): a linear scan from the last
       one found is cheaper than hashing */
    for (i = j->ncats - 1; i >= 0; i--)
        if (strcmp(j->cats[i], s) == 0)
            return i;
    if (j->ncats == j->cats_cap) {
        int cap = j->cats_cap ? j->cats_cap * 2 : 16;
        char **p = nm_realloc(j->cats, (size_t)cap * sizeof *p);
        if (!p)
            return -2;
        j->cats = p;
        j->cats_cap = cap;
    }
    if (!(j->cats[j->ncats] = nm_strdup(s)))
        return -2;
    return j->ncats++;
}

/* Reports a cell: what it is, its value quoted and cut short, its column,
 * and what is wrong with it. */
static void bad_cell(nmC_diag *d, const char *kind, long line, const char *what, const char *col,
                     const char *value, const char *problem)
{
    nmC_buf v = {0};

    nmC_buf_add_quoted(&v, value, 40);
    nmC_diag_add(d, kind, line, "%s %s in column \"%s\" %s", what, v.data ? v.data : "\"\"", col,
                problem);
    nmC_buf_free(&v);
}

/* Parses one coordinate; reports and returns 0 when unusable. */
static int coordinate(job *j, nmC_diag *d, int col, double lo, double hi, long line, double *out)
{
    const char *s = nmI_table_cell(j->t, col), *h = nmI_table_heading(j->t, col);

    if (!*s) {
        nmC_diag_add(d, col == j->cx ? "x-empty" : "y-empty", line,
                    "no coordinate in column \"%s\"; row left out", h);
        return 0;
    }
    if (!nmC_parse_double(s, out)) {
        bad_cell(d, col == j->cx ? "x-nan" : "y-nan", line, "coordinate", h, s,
                 "is not a number; row left out");
        return 0;
    }
    if (*out < lo || *out > hi) {
        nmC_buf v = {0};
        nmC_buf_add_quoted(&v, s, 40);
        nmC_diag_add(d, col == j->cx ? "x-range" : "y-range", line,
                    "coordinate %s in column \"%s\" is outside %g..%g; row left out",
                    v.data ? v.data : "", h, lo, hi);
        nmC_buf_free(&v);
        return 0;
    }
    return 1;
}

/* Reads one row into j->rows (unless left out).  Returns 0 out of memory. */
static int read_row(job *j, nmC_diag *bad, nmC_diag *warn)
{
    long line = nmI_table_line(j->t);
    inc r;
    int okx, oky;

    memset(&r, 0, sizeof r);
    r.line = line;
    r.category = -1;
    r.children = -1;
    if (j->cwhere >= 0 && strcmp(nmI_table_cell(j->t, j->cwhere), j->where_value) != 0) {
        j->skipped++;
        return 1;
    }
    okx = coordinate(j, bad, j->cx, j->minx, j->maxx, line, &r.x);
    oky = coordinate(j, bad, j->cy, j->miny, j->maxy, line, &r.y);
    if (!okx || !oky) {
        j->skipped++;
        return 1;
    }
    if (j->cdate >= 0) {
        char buf[64];
        const char *s = trim(nmI_table_cell(j->t, j->cdate), buf, sizeof buf);
        if (!*s)
            nmC_diag_add(warn, "date-empty", line, "no date in column \"%s\"; kept without one",
                        nmI_table_heading(j->t, j->cdate));
        else if (!nmI_incident_date(s, r.date))
            bad_cell(warn, "date", line, "date", nmI_table_heading(j->t, j->cdate),
                     nmI_table_cell(j->t, j->cdate),
                     "is not a date as YYYY-MM, YYYY-MM-DD or DD/MM/YYYY; kept without one");
    }
    if (j->ccat >= 0 && (r.category = category(j, nmI_table_cell(j->t, j->ccat))) == -2)
        return 0;
    if (j->csex >= 0) {
        int s = nmI_incident_sex(nmI_table_cell(j->t, j->csex));
        if (s == '?')
            bad_cell(warn, "sex", line, "sex", nmI_table_heading(j->t, j->csex),
                     nmI_table_cell(j->t, j->csex),
                     "is not F/Female/W/Woman or M/Male/Man; kept as unknown");
        r.sex = (char)(s == '?' ? 0 : s);
    }
    if (j->cchild >= 0) {
        int c = children_flag(nmI_table_cell(j->t, j->cchild));
        if (c == -2)
            bad_cell(warn, "children", line, "children flag", nmI_table_heading(j->t, j->cchild),
                     nmI_table_cell(j->t, j->cchild),
                     "is not Y/N, yes/no, 1/0 or true/false; kept as unknown");
        r.children = (signed char)(c < 0 ? -1 : c);
    }
    if (j->n == j->cap) {
        size_t cap = j->cap ? j->cap * 2 : 4096;
        inc *p = nm_realloc(j->rows, cap * sizeof *p);
        if (!p)
            return 0;
        j->rows = p;
        j->cap = cap;
    }
    j->rows[j->n++] = r;
    return 1;
}

/* Transforms the kept points to BNG in blocks; a point PROJ cannot place
 * is reported and dropped. */
static nm_status transform(job *j, const char *crs, nmC_diag *bad)
{
    bnd_proj *proj = NULL;
    double *xy = NULL;
    size_t i, k, out = 0;
    enum { BLOCK = 4096 };
    nm_status rc = nmI_proj_new(j->ctx, j->path, crs, "--crs", NM_USAGE, &proj);

    if (rc != NM_OK || !proj)
        return rc;
    xy = nm_malloc(2 * BLOCK * sizeof *xy);
    if (!xy) {
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < j->n; i += BLOCK) {
        size_t m = j->n - i < BLOCK ? j->n - i : BLOCK;
        for (k = 0; k < m; k++)
            xy[2 * k] = j->rows[i + k].x, xy[2 * k + 1] = j->rows[i + k].y;
        nmI_proj_points(proj, xy, m);
        for (k = 0; k < m; k++) {
            inc *r = &j->rows[i + k];
            if (!isfinite(xy[2 * k]) || !isfinite(xy[2 * k + 1])) {
                nmC_diag_add(bad, "proj", r->line,
                            "coordinates %g, %g cannot be transformed to EPSG:27700; row left out",
                            r->x, r->y);
                j->skipped++;
                continue;
            }
            r->x = xy[2 * k], r->y = xy[2 * k + 1];
            j->rows[out++] = *r;
        }
    }
    j->n = out;

cleanup:
    nm_free(xy);
    nmI_proj_free(proj);
    return rc;
}

/* Counts the points in no stored area of the finest level (a warning). */
static nm_status check_outside(nm_store *store, job *j, long *outside)
{
    const char *level = nm_pip_finest_level(store);
    nm_areas *areas = NULL;
    nm_pip *pip = NULL;
    nmC_diag *d = NULL;
    nm_status rc;
    size_t i;

    *outside = 0;
    if (!level) {
        nmC_log(j->ctx, NM_LOG_INFO, "%s: no boundaries stored; points not checked against areas",
               j->path);
        return NM_OK;
    }
    rc = nm_areas_select(store, level, 0, NULL, &areas);
    if (rc == NM_OK)
        rc = nm_pip_build(store, areas, &pip);
    if (rc == NM_OK && !(d = nmC_diag_new(j->ctx, j->path)))
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (i = 0; rc == NM_OK && i < j->n; i++)
        if (nm_pip_find(pip, j->rows[i].x, j->rows[i].y) < 0) {
            (*outside)++;
            nmC_diag_add(d, "outside", j->rows[i].line,
                        "point (%.1f, %.1f) lies in no stored %s area; kept", j->rows[i].x,
                        j->rows[i].y, level);
        }
    if (rc == NM_OK)
        nmC_diag_report(d, NM_LOG_WARN, NM_OK, NULL);
    nmC_diag_free(d);
    nm_pip_free(pip);
    nm_areas_free(areas);
    return rc;
}

/* A SpatiaLite POINT BLOB (little-endian, SRID 27700): the layout of
 * SpatiaLite's "BLOB Geometry format", written here so that a million
 * inserts do not each call MakePoint(). */
static void point_blob(unsigned char b[60], double x, double y)
{
    const int32_t srid = 27700, cls = 1;
    const double mbr[4] = {x, y, x, y};
    size_t k;

    b[0] = 0x00;
    b[1] = 0x01;
    for (k = 0; k < 4; k++)
        b[2 + k] = (unsigned char)((uint32_t)srid >> (8 * k));
    for (k = 0; k < 4; k++) {
        uint64_t u;
        memcpy(&u, &mbr[k], 8);
        for (size_t i = 0; i < 8; i++)
            b[6 + 8 * k + i] = (unsigned char)(u >> (8 * i));
    }
    b[38] = 0x7C;
    for (k = 0; k < 4; k++)
        b[39 + k] = (unsigned char)((uint32_t)cls >> (8 * k));
    for (k = 0; k < 2; k++) {
        uint64_t u;
        memcpy(&u, k ? &y : &x, 8);
        for (size_t i = 0; i < 8; i++)
            b[43 + 8 * k + i] = (unsigned char)(u >> (8 * i));
    }
    b[59] = 0xFE;
}

/* Stores the rows, replacing the set of the same name.  The spatial index
 * is built in bulk (store/bulk.c): through SpatiaLite's per-row triggers a
 * million points took twice ogr2ogr's time. */
static nm_status write_rows(nm_store *store, job *j, const char *name, long dataset)
{
    sqlite3_stmt *del = NULL, *ins = NULL;
    nmS_bulk *bulk = NULL;
    unsigned char blob[60];
    nm_status rc;
    size_t i;

    rc = nmS_bulk_begin(store, "incident", &bulk);
    if (rc == NM_OK && bulk) {
        rc = nmS_bulk_delete(bulk, "name = ?", name);
    } else if (rc == NM_OK) {
        rc = nmS_store_prepare(store, "DELETE FROM incident WHERE name = ?", &del);
        if (rc == NM_OK) {
            sqlite3_bind_text(del, 1, name, -1, SQLITE_STATIC);
            if (sqlite3_step(del) != SQLITE_DONE)
                rc = nmS_store_sqlfail(store, "replacing incidents");
        }
    }
    if (rc == NM_OK)
        rc = nmS_store_prepare(store,
                              "INSERT INTO incident(name, dataset, line, date, category, sex,"
                              " children, geom) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              &ins);
    for (i = 0; rc == NM_OK && i < j->n; i++) {
        const inc *r = &j->rows[i];
        sqlite3_bind_text(ins, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 2, dataset);
        sqlite3_bind_int64(ins, 3, r->line);
        if (r->date[0])
            sqlite3_bind_text(ins, 4, r->date, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, 4);
        if (r->category >= 0)
            sqlite3_bind_text(ins, 5, j->cats[r->category], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, 5);
        if (r->sex)
            sqlite3_bind_text(ins, 6, r->sex == 'F' ? "F" : "M", 1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, 6);
        if (r->children >= 0)
            sqlite3_bind_int(ins, 7, r->children);
        else
            sqlite3_bind_null(ins, 7);
        point_blob(blob, r->x, r->y);
        sqlite3_bind_blob(ins, 8, blob, sizeof blob, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = nmS_store_sqlfail(store, "storing incidents");
        sqlite3_reset(ins);
        if (rc == NM_OK && bulk) {
            double box[4] = {r->x, r->y, r->x, r->y};
            rc = nmS_bulk_row(bulk, sqlite3_last_insert_rowid(store->db), 1, box);
        }
    }
    if (rc == NM_OK)
        rc = nmS_bulk_end(bulk);
    nmS_bulk_free(bulk);
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    return rc;
}

/* The set's name: --name, else the file name without its extension. */
static nm_status set_name(nm_ctx *ctx, const nm_incidents_opts *o, char name[128])
{
    const char *base = nmC_basename(o->in.path);
    size_t n = nmC_stem_len(base);

    if (o->name) {
        if (!*o->name || strlen(o->name) >= 128)
            return nmC_fail(ctx, NM_USAGE, "--name: give a name of 1 to 127 characters");
        nmC_strlcpy(name, o->name, 128);
        return NM_OK;
    }
    snprintf(name, 128, "%.*s", (int)(n < 127 ? n : 127), base);
    return NM_OK;
}

/* Reads every row, reporting problems; NM_BADDATA when none is usable. */
static nm_status read_all(job *j, const char *crs, nmC_diag *bad, nmC_diag *warn, long *rows)
{
    nm_status rc = NM_OK;
    int got;

    while ((got = nmI_table_next(j->t)) == 1) {
        (*rows)++;
        if (!read_row(j, bad, warn))
            return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    }
    if (got < 0)
        return nm_errcode(j->ctx);
    if (*rows == 0)
        return nmC_fail(j->ctx, NM_BADDATA, "%s: no rows below the headings", j->path);
    if (j->n > 0)
        rc = transform(j, crs, bad);
    if (rc != NM_OK)
        return rc;
    if (j->n == 0 && nmC_diag_count(bad) > 0)
        return nmC_diag_report(bad, NM_LOG_ERROR, NM_BADDATA,
                              "no row has usable coordinates; nothing was stored");
    if (j->n == 0)
        return nmC_fail(j->ctx, NM_BADDATA, "%s: no row matches --where %s; nothing was stored",
                       j->path, j->o->where ? j->o->where : "");
    nmC_diag_report(bad, NM_LOG_WARN, NM_OK, NULL);
    nmC_diag_report(warn, NM_LOG_WARN, NM_OK, NULL);
    return NM_OK;
}

nm_status nm_import_incidents(nm_store *store, const nm_incidents_opts *opts,
                              nm_import_result *result)
{
    nm_ctx *ctx = nm_store_ctx(store);
    nm_import_result dummy;
    nmC_diag *bad = NULL, *warn = NULL;
    const char *crs = NULL;
    char name[128];
    long dataset = 0;
    job j;
    nm_status rc;

    nmC_clear(ctx);
    memset(&j, 0, sizeof j);
    if (!result)
        result = &dummy;
    memset(result, 0, sizeof *result);
    if (!opts || !opts->in.path)
        return nmC_fail(ctx, NM_USAGE, "no input file given");
    j.ctx = ctx;
    j.o = opts;
    j.path = opts->in.path;
    rc = set_name(ctx, opts, name);
    if (rc == NM_OK)
        rc = nmI_table_open(ctx, j.path, NULL, NULL, &j.t);
    if (rc == NM_OK)
        rc = resolve_columns(&j, &crs);
    if (rc == NM_OK && (!(bad = nmC_diag_new(ctx, j.path)) || !(warn = nmC_diag_new(ctx, j.path))))
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        rc = read_all(&j, crs, bad, warn, &result->rows);
    result->skipped = j.skipped;
    if (rc == NM_OK)
        rc = check_outside(store, &j, &result->unmatched);
    if (rc != NM_OK)
        goto cleanup;
    rc = nmS_store_begin(store);
    if (rc != NM_OK)
        goto cleanup;
    rc = nmS_store_add_dataset(store, "incidents", j.path,
                              opts->source ? opts->source : ATTR_POLICE_UK, &dataset);
    if (rc == NM_OK)
        rc = write_rows(store, &j, name, dataset);
    if (rc == NM_OK)
        rc = nmS_store_set_dataset_rows(store, dataset, (long)j.n);
    if (rc == NM_OK)
        rc = nmS_store_commit(store);
    else
        nmS_store_rollback(store);
    if (rc == NM_OK) {
        result->stored = (long)j.n;
        result->dataset = dataset;
        nmC_log(ctx, NM_LOG_INFO, "%s: %zu incidents stored as \"%s\" (%ld rows left out)", j.path,
               j.n, name, j.skipped);
    }

cleanup:
    nmC_diag_free(bad);
    nmC_diag_free(warn);
    nmI_table_close(j.t);
    job_free(&j);
    return rc;
}
