/*
 * Alt text: a few plain sentences saying what a choropleth shows, for
 * readers who cannot see it (screen readers, the PDF's subject, the
 * sidecar).  Where the darkest and lightest classes lie is said by the
 * places that hold their areas (the wards of the LSOAs, through stored
 * memberships, with how many of the class each holds) and, only when most
 * of the class lies to one side, by that side of the map; then the range
 * of values and the count of areas per class.  Composition of words
 * only: the numbers come from analyse and classify.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report_int.h"
#include "store/store_int.h"

#define MAX_PLACES_NAMED 5

typedef struct place {
    char *name;
    long n;
    long first; /* order of first appearance, to break ties stably */
} place;

typedef struct places {
    place *p;
    size_t n, cap;
} places;

static const char *plural(const char *level)
{
    static const char *const map[][2] = {
        {"lsoa", "LSOAs"},        {"msoa", "MSOAs"},       {"oa", "output areas"},
        {"ward", "wards"},        {"locality", "localities"}, {"lad", "local authorities"},
        {"region", "regions"},
    };
    size_t i;

    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], level) == 0)
            return map[i][1];
    return level;
}

static const char *singular(const char *level)
{
    if (strcmp(level, "lsoa") == 0 || strcmp(level, "msoa") == 0)
        return strcmp(level, "lsoa") == 0 ? "LSOA" : "MSOA";
    if (strcmp(level, "oa") == 0)
        return "output area";
    return level;
}

static int add_place(places *ps, const char *name)
{
    size_t i;

    for (i = 0; i < ps->n; i++)
        if (strcmp(ps->p[i].name, name) == 0) {
            ps->p[i].n++;
            return 1;
        }
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 16;
        place *n = nm_realloc(ps->p, cap * sizeof *n);
        if (!n)
            return 0;
        ps->p = n;
        ps->cap = cap;
    }
    ps->p[ps->n].name = nm_strdup(name);
    if (!ps->p[ps->n].name)
        return 0;
    ps->p[ps->n].n = 1;
    ps->p[ps->n].first = (long)ps->n;
    ps->n++;
    return 1;
}

static void places_free(places *ps)
{
    size_t i;

    for (i = 0; i < ps->n; i++)
        nm_free(ps->p[i].name);
    nm_free(ps->p);
    memset(ps, 0, sizeof *ps);
}

static int by_count(const void *a, const void *b)
{
    const place *x = a, *y = b;

    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Centre of an area's bounding box. */
static const char *const sql_centre =
    "SELECT (MbrMinX(geom) + MbrMaxX(geom)) / 2, (MbrMinY(geom) + MbrMaxY(geom)) / 2 "
    "FROM area WHERE id = ?1 AND geom IS NOT NULL";

typedef struct where {
    places ps;
    double sx, sy; /* sum of centres */
    long ncentres;
    long side[9];  /* centres by side of the map (compass sector), 8: central */
} where;

#define NM_PI 3.14159265358979323846

/* The side of the map a point lies on: compass sector 0 (east) to 7
 * (south-east) counter-clockwise, or 8 within a third of the half-extent
 * of the centre. */
static int side_of(const nm_areas *a, double x, double y)
{
    double minx, miny, maxx, maxy, dx, dy;

    nm_areas_extent(a, &minx, &miny, &maxx, &maxy);
    if (maxx <= minx || maxy <= miny)
        return 8;
    dx = (x - (minx + maxx) / 2) / ((maxx - minx) / 2);
    dy = (y - (miny + maxy) / 2) / ((maxy - miny) / 2);
    if (hypot(dx, dy) < 1.0 / 3)
        return 8;
    return (int)floor((atan2(dy, dx) * 180 / NM_PI + 360 + 22.5) / 45) % 8;
}

/* The centre of area i's bounding box: the caller's, or the store's.
 * Returns 0 when the area has no geometry. */
static int area_centre(const nm_alt_text_in *in, sqlite3_stmt *ce, size_t i, double *x, double *y)
{
    if (in->centres) {
        *x = in->centres[2 * i];
        *y = in->centres[2 * i + 1];
        return isfinite(*x) && isfinite(*y);
    }
    sqlite3_reset(ce);
    sqlite3_bind_int64(ce, 1, nm_areas_rowid(in->areas, i));
    if (sqlite3_step(ce) != SQLITE_ROW || sqlite3_column_type(ce, 0) == SQLITE_NULL)
        return 0;
    *x = sqlite3_column_double(ce, 0);
    *y = sqlite3_column_double(ce, 1);
    return 1;
}

/* Collects the places and centres of the areas of class k. */
static nm_status locate_class(nm_store *store, const nm_alt_text_in *in, const char *place_level,
                              int k, where *w)
{
    sqlite3_stmt *ce = NULL;
    const nm_areas *a = in->areas;
    int same = strcmp(nm_areas_level(a), place_level) == 0;
    size_t i, n = nm_areas_count(a);
    unsigned char *want = NULL;
    char **names = NULL;
    nm_status rc = NM_OK;
    double x, y;

    if (!same) {
        if (!(want = nm_malloc(n ? n : 1)))
            return nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        for (i = 0; i < n; i++)
            want[i] = in->klass[i] == k;
        rc = nm_areas_place_names(store, a, place_level, want, &names);
        nm_free(want);
    }
    if (rc == NM_OK && !in->centres)
        rc = nmS_store_prepare(store, sql_centre, &ce);
    for (i = 0; rc == NM_OK && i < n; i++) {
        const char *in_place;

        if (in->klass[i] != k)
            continue;
        in_place = same ? nm_areas_name(a, i) : names[i];
        /* a set's own names may be empty; a place's is never NULL */
        if (in_place && (!same || *in_place) && !add_place(&w->ps, in_place))
            rc = nmC_fail(store->ctx, NM_NOMEM, "out of memory");
        if (area_centre(in, ce, i, &x, &y)) {
            w->sx += x;
            w->sy += y;
            w->side[side_of(a, x, y)]++;
            w->ncentres++;
        }
    }
    nm_place_names_free(names, n);
    sqlite3_finalize(ce);
    if (w->ps.n > 1) /* qsort takes no NULL array, even of length 0 */
        qsort(w->ps.p, w->ps.n, sizeof *w->ps.p, by_count);
    return rc;
}

/* "the north-east", "the centre": the side of the map where at least two
 * thirds of a class's areas lie (their own side or the two beside it), or
 * NULL when the class is spread out: a mean centre a little off the
 * map's says nothing about where the areas are (Southend's decile-1
 * LSOAs, 0.3 km off the centre, were "mostly in the south-west"). */
static const char *compass(const nm_areas *a, const where *w)
{
    static const char *const names[] = {"east", "north-east", "north", "north-west",
                                        "west", "south-west", "south", "south-east"};
    int s;
    long near;

    if (w->ncentres == 0)
        return NULL;
    if (3 * w->side[8] >= 2 * w->ncentres)
        return "centre";
    s = side_of(a, w->sx / (double)w->ncentres, w->sy / (double)w->ncentres);
    if (s == 8)
        return NULL;
    near = w->side[s] + w->side[(s + 1) % 8] + w->side[(s + 7) % 8];
    return 3 * near >= 2 * w->ncentres ? names[s] : NULL;
}

static void add_places(nmC_buf *b, const places *ps, const char *place_level, int counted)
{
    size_t i, shown = ps->n < MAX_PLACES_NAMED ? ps->n : MAX_PLACES_NAMED;

    for (i = 0; i < shown; i++) {
        nmC_buf_addf(b, "%s%s", i == 0 ? "" : (i + 1 == shown && ps->n == shown ? " and " : ", "),
                    ps->p[i].name);
        if (counted) /* a ward of a ward map is itself, once */
            nmC_buf_addf(b, " (%ld)", ps->p[i].n);
    }
    if (ps->n > shown)
        nmC_buf_addf(b, " and %zu other %s", ps->n - shown,
                    ps->n - shown == 1 ? place_level : plural(place_level));
}

/* One sentence on class k: how many areas, where they lie. */
static nm_status describe_class(nm_store *store, const nm_alt_text_in *in, const char *place_level,
                                int k, const char *which, nmC_buf *b)
{
    where w;
    const char *dir;
    long members = nm_classes_members(in->classes, k);
    const char *what = plural(nm_areas_level(in->areas));
    int same = strcmp(nm_areas_level(in->areas), place_level) == 0;
    nm_status rc;
    char cnt[32];

    memset(&w, 0, sizeof w);
    if (members <= 0) {
        nmC_buf_addf(b, " No %s are in the %s class, %s.", what, which,
                    nm_classes_label(in->classes, k));
        return NM_OK;
    }
    rc = locate_class(store, in, place_level, k, &w);
    if (rc == NM_OK) {
        dir = compass(in->areas, &w);
        nmC_buf_addf(b, " The %s class, %s, holds %s %s", which, nm_classes_label(in->classes, k),
                    nmP_fmt_count(members, cnt),
                    members == 1 ? singular(nm_areas_level(in->areas)) : what);
        if (dir && members > 1)
            nmC_buf_addf(b, strcmp(dir, "centre") == 0 ? ", in the %s" : ", mostly in the %s", dir);
        if (w.ps.n > 0) {
            nmC_buf_addf(b, same ? ": " : ", in ");
            add_places(b, &w.ps, place_level, !same);
        }
        nmC_buf_add(b, ".", 1);
    }
    places_free(&w.ps);
    return rc;
}

static void fmt_value(double v, char *out, size_t n)
{
    char cnt[32];

    if (v == floor(v) && fabs(v) < 1e12)
        nmC_strlcpy(out, nmP_fmt_count((long)v, cnt), n);
    else
        snprintf(out, n, "%.*f", fabs(v) >= 100 ? 1 : 2, v);
}

/* How the two ends of the legend and its order are named: a change map's
 * classes run from "more deprived" to "less deprived", both ends dark; an
 * index of deprivation's (or a domain's) darkest class is its most deprived; any other
 * value's darkest is its highest (its lowest when ranked). */
static const char *const *class_ends(const nm_values *v)
{
    static const char *const change[] = {"first", "last", "in the legend's order"};
    static const char *const deprived[] = {"darkest (most deprived)", "lightest (least deprived)",
                                           "darkest first"};
    static const char *const high[] = {"darkest (highest)", "lightest (lowest)", "darkest first"};
    static const char *const low[] = {"darkest (lowest)", "lightest (highest)", "darkest first"};

    if (nmP_is_change(v))
        return change;
    /* by its label, as the IoD names its index, domains and sub-domains: a
       rate per 1,000 residents is sourced from the IoD's population too */
    if (v->label && (strstr(v->label, "Deprivation") || strstr(v->label, " Domain") ||
                     strstr(v->label, "Sub-domain")))
        return deprived;
    return v->polarity < 0 ? low : high;
}

nm_status nm_alt_text(nm_store *store, const nm_alt_text_in *in, char **out)
{
    const nm_areas *a = in->areas;
    const nm_values *v = in->values;
    const char *place_level = in->places ? in->places : "ward";
    int k = nm_classes_count(in->classes), i;
    double lo = INFINITY, hi = -INFINITY;
    char *title = NULL, cnt[32], lo_s[32], hi_s[32];
    nmC_buf b = {0};
    nm_status rc = NM_OK;
    size_t j;

    const char *const *ends = class_ends(v);

    *out = NULL;
    title = nmP_default_title(v);
    if (!title)
        return nmC_fail(nm_store_ctx(store), NM_NOMEM, "out of memory");
    nmC_buf_addf(&b, "Map of ");
    if (*nm_areas_within_name(a))
        nmC_buf_addf(&b, "%s's ", nm_areas_within_name(a));
    nmC_buf_addf(&b, "%s %s by %s", nmP_fmt_count((long)nm_areas_count(a), cnt),
                plural(nm_areas_level(a)), title);
    /* a score's legend is headed by its label: no need to say it twice */
    if (in->scheme && *in->scheme && strncasecmp(in->scheme, title, strlen(in->scheme)) != 0) {
        /* "National decile" reads "national decile"; "IDACI ..." stays */
        int lower = in->scheme[1] >= 'a' && in->scheme[1] <= 'z';
        nmC_buf_addf(&b, ", shaded by %c%s", lower ? (char)(in->scheme[0] | 0x20) : in->scheme[0],
                    in->scheme + 1);
    }
    nmC_buf_add(&b, ".", 1);
    if (k > 0)
        rc = describe_class(store, in, place_level, k - 1, ends[0], &b);
    if (rc == NM_OK && k > 1)
        rc = describe_class(store, in, place_level, 0, ends[1], &b);
    for (j = 0; j < v->n; j++)
        if (!isnan(v->value[j])) {
            lo = fmin(lo, v->value[j]);
            hi = fmax(hi, v->value[j]);
        }
    if (lo <= hi) {
        fmt_value(lo, lo_s, sizeof lo_s);
        fmt_value(hi, hi_s, sizeof hi_s);
        nmC_buf_addf(&b, " Values range from %s to %s.", lo_s, hi_s);
    }
    nmC_buf_addf(&b, " %c%s per class, %s: ", plural(nm_areas_level(a))[0] & ~0x20,
                plural(nm_areas_level(a)) + 1, ends[2]);
    for (i = k - 1; i >= 0; i--)
        nmC_buf_addf(&b, "%s%s", i == k - 1 ? "" : ", ",
                    nmP_fmt_count(nm_classes_members(in->classes, i), cnt));
    if (nm_classes_missing(in->classes) > 0)
        nmC_buf_addf(&b, "; %s without data", nmP_fmt_count(nm_classes_missing(in->classes), cnt));
    nmC_buf_add(&b, ".", 1);
    nm_free(title);
    if (rc == NM_OK && b.failed)
        rc = nmC_fail(nm_store_ctx(store), NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        *out = nmC_buf_take(&b);
    nmC_buf_free(&b);
    return rc;
}
