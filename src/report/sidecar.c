/*
 * The JSON sidecar of a map: what it shows, its classes with breaks,
 * colours and counts, the class and value of every area, and where the
 * image lies in British National Grid.  A GIS or a later build step reads
 * the numbers here instead of re-deriving them from pixels.  JSON is
 * written with json-c (a dependency GDAL already brings).
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_int.h"

static const char *scope_name(nm_rank_scope s)
{
    switch (s) {
    case NM_RANK_REGION: return "region";
    case NM_RANK_LOCAL: return "local";
    case NM_RANK_NATIONAL: return "national";
    default: return "none";
    }
}

static json_object *number_or_null(double v)
{
    return isfinite(v) ? json_object_new_double(v) : NULL;
}

static json_object *classes_json(const nm_classes *c, const nm_rgb *colours, const nm_map *map)
{
    json_object *arr = json_object_new_array();
    int i;

    for (i = 0; i < nm_classes_count(c); i++) {
        json_object *k = json_object_new_object();
        uint32_t fill = (uint32_t)colours[i].r << 16 | (uint32_t)colours[i].g << 8 | colours[i].b;
        char hex[8], line[8];
        snprintf(hex, sizeof hex, "#%02x%02x%02x", colours[i].r, colours[i].g, colours[i].b);
        if (map)
            snprintf(line, sizeof line, "#%06x", (unsigned)nm_map_outline_rgb(map, fill));
        json_object_object_add(k, "class", json_object_new_int(i));
        json_object_object_add(k, "label", json_object_new_string(nm_classes_label(c, i)));
        json_object_object_add(k, "lower", number_or_null(nm_classes_lower(c, i)));
        json_object_object_add(k, "upper", number_or_null(nm_classes_upper(c, i)));
        json_object_object_add(k, "count", json_object_new_int64(nm_classes_members(c, i)));
        json_object_object_add(k, "colour", json_object_new_string(hex));
        if (map) /* the line drawn around the class's areas */
            json_object_object_add(k, "outline", json_object_new_string(line));
        json_object_array_add(arr, k);
    }
    return arr;
}

/* A JSON string: quotes, backslashes and control characters escaped,
 * UTF-8 as it is. */
static void put_string(FILE *fp, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)text, *run = p;

    if (!text) {
        fputs("null", fp);
        return;
    }
    fputc('"', fp);
    for (; *p; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\')
            continue;
        fwrite(run, 1, (size_t)(p - run), fp);
        run = p + 1;
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\t': fputs("\\t", fp); break;
        case '\r': fputs("\\r", fp); break;
        default:
            fputs("\\u00", fp);
            fputc(hex[*p >> 4], fp);
            fputc(hex[*p & 15], fp);
        }
    }
    fwrite(run, 1, (size_t)(p - run), fp);
    fputc('"', fp);
}

/* A number as json-c prints one ("%.17g", "9.0" for nine), or null. */
static void put_number(FILE *fp, double v)
{
    char num[32];

    if (!isfinite(v)) {
        fputs("null", fp);
        return;
    }
    /* whole numbers (deciles, ranks, counts) without printf's float path */
    if (v == (double)(long long)v && fabs(v) < 1e15) {
        fprintf(fp, "%lld.0", (long long)v);
        return;
    }
    snprintf(num, sizeof num, "%.17g", v);
    fputs(num, fp);
    if (!strpbrk(num, ".e"))
        fputs(".0", fp);
}

/* The "areas" array, one line an area, written as it is read: a tree of
 * England's 32,844 areas (five members each, every object its own hash
 * table) cost 12,000 page faults to build, and printing even one small
 * json-c object an area was a tenth of the map's time. */
static void areas_write(FILE *fp, const nm_areas *a, const nm_values *v, const double *shown,
                        const int *klass)
{
    size_t i, n = nm_areas_count(a);

    fputs("[", fp);
    for (i = 0; i < n; i++) {
        fputs(i ? ",\n    {\"code\":" : "\n    {\"code\":", fp);
        put_string(fp, nm_areas_code(a, i));
        fputs(",\"name\":", fp);
        put_string(fp, nm_areas_name(a, i));
        fputs(",\"value\":", fp);
        put_number(fp, v->value[i]);
        if (shown[i] != v->value[i] && isfinite(shown[i])) {
            fputs(",\"classed_as\":", fp);
            put_number(fp, shown[i]);
        }
        fprintf(fp, ",\"class\":%d}", klass[i]);
    }
    fputs("\n  ]", fp);
}

/* A box on the page, mm from the top-left: [x, y, w, h]. */
static json_object *rect_json(const nm_rect *r)
{
    json_object *a = json_object_new_array();

    json_object_array_add(a, json_object_new_double(r->x));
    json_object_array_add(a, json_object_new_double(r->y));
    json_object_array_add(a, json_object_new_double(r->w));
    json_object_array_add(a, json_object_new_double(r->h));
    return a;
}

static json_object *page_json(const nm_map_layout *l)
{
    json_object *o = json_object_new_object(), *wf = json_object_new_array();

    json_object_object_add(o, "width_mm", json_object_new_double(l->page_w_mm));
    json_object_object_add(o, "height_mm", json_object_new_double(l->page_h_mm));
    json_object_object_add(o, "orientation", json_object_new_string(
                                                 l->orient == NM_ORIENT_LANDSCAPE ? "landscape"
                                                                                  : "portrait"));
    json_object_object_add(o, "scale", json_object_new_double(l->scale));
    json_object_object_add(o, "outline_mm", json_object_new_double(l->outline_mm));
    json_object_object_add(o, "text_scale", json_object_new_double(l->text_scale));
    json_object_object_add(o, "dpi", json_object_new_double(l->dpi));
    json_object_object_add(o, "width_px", json_object_new_int64(l->width_px));
    json_object_object_add(o, "height_px", json_object_new_int64(l->height_px));
    /* the six numbers of the world file, in its order */
    json_object_array_add(wf, json_object_new_double(l->pixel_size));
    json_object_array_add(wf, json_object_new_double(0));
    json_object_array_add(wf, json_object_new_double(0));
    json_object_array_add(wf, json_object_new_double(-l->pixel_size));
    json_object_array_add(wf, json_object_new_double(l->origin_x));
    json_object_array_add(wf, json_object_new_double(l->origin_y));
    json_object_object_add(o, "world_file", wf);
    /* the map's frame on the page, and the locator inset in it */
    json_object_object_add(o, "map_mm", rect_json(&l->map));
    if (l->locator.w > 0)
        json_object_object_add(o, "locator_mm", rect_json(&l->locator));
    /* the furniture, for checks that every text lies where it belongs */
    if (l->legend.w > 0)
        json_object_object_add(o, "legend_mm", rect_json(&l->legend));
    if (l->scale_bar.w > 0)
        json_object_object_add(o, "scale_bar_mm", rect_json(&l->scale_bar));
    json_object_object_add(o, "crs", json_object_new_string("EPSG:27700"));
    return o;
}

/* How far apart the legend's adjacent colours are (CIEDE2000), in normal
 * vision and as deuteranopes and protanopes see them, with the thresholds
 * the default schemes keep. */
static json_object *contrast_json(const nm_classes *c, const nm_rgb *colours)
{
    static const char *const vision[] = {"normal", "deuteranopia", "protanopia"};
    json_object *o = json_object_new_object(), *least = json_object_new_object();
    double de[3];

    nm_palette_contrast(colours, nm_classes_count(c), de);
    for (int i = 0; i < 3; i++)
        json_object_object_add(least, vision[i],
                               json_object_new_double(round(de[i] * 100) / 100));
    json_object_object_add(o, "measure", json_object_new_string("CIEDE2000"));
    json_object_object_add(o, "simulation", json_object_new_string("Machado et al. 2009, severity 1.0"));
    json_object_object_add(o, "adjacent_min", least);
    json_object_object_add(o, "threshold_normal", json_object_new_double(NM_PALETTE_MIN_DE_NORMAL));
    json_object_object_add(o, "threshold_cvd", json_object_new_double(NM_PALETTE_MIN_DE_CVD));
    /* said, not hidden: ten greys cannot all be 8 apart short of black */
    {
        char *note = nmP_contrast_note(colours, nm_classes_count(c));
        json_object_object_add(o, "meets_thresholds", json_object_new_boolean(note == NULL));
        if (note)
            json_object_object_add(o, "note", json_object_new_string(note));
        nm_free(note);
    }
    return o;
}

static const char *label_status_name(nm_label_status s)
{
    switch (s) {
    case NM_LABEL_PLACED: return "placed";
    case NM_LABEL_SMALLER: return "smaller";
    case NM_LABEL_LEADER: return "leader";
    case NM_LABEL_NO_ROOM: return "no_room";
    case NM_LABEL_OUTSIDE: return "outside";
    default: return "pending";
    }
}

/* Every label of the map and what became of it: the ones left out are
 * listed apart, with why, so that nothing is dropped without a word. */
static json_object *labels_json(const nm_map *map)
{
    json_object *o = json_object_new_object(), *all = json_object_new_array();
    json_object *left = json_object_new_array();
    size_t i, placed = 0;
    nm_label_info li;

    for (i = 0; nm_map_label_info(map, i, &li); i++) {
        json_object *e = json_object_new_object();
        int ok = li.status >= NM_LABEL_PLACED && li.status <= NM_LABEL_LEADER;
        json_object_object_add(e, "code", json_object_new_string(li.key));
        json_object_object_add(e, "text", json_object_new_string(li.text));
        json_object_object_add(e, "status", json_object_new_string(label_status_name(li.status)));
        if (ok) {
            json_object *box = json_object_new_array();
            json_object_object_add(e, "pt", json_object_new_double(li.pt));
            for (int k = 0; k < 4; k++)
                json_object_array_add(box, json_object_new_double(round(li.box_mm[k] * 100) / 100));
            json_object_object_add(e, "box_mm", box);
            if (li.leader) {
                json_object *line = json_object_new_array();
                for (int k = 0; k < 4; k++)
                    json_object_array_add(line, json_object_new_double(round(li.line_mm[k] * 100) / 100));
                json_object_object_add(e, "leader_mm", line);
            }
            placed++;
            json_object_array_add(all, e);
        } else {
            json_object_object_add(e, "reason", json_object_new_string(li.reason));
            json_object_array_add(left, e);
        }
    }
    json_object_object_add(o, "count", json_object_new_int64((int64_t)i));
    json_object_object_add(o, "placed", json_object_new_int64((int64_t)placed));
    json_object_object_add(o, "placed_labels", all);
    json_object_object_add(o, "unplaced", left);
    return o;
}

/* The document: 'head' without its closing brace, "areas", then 'tail'
 * without its opening one.  Returns 0 when out of memory. */
static int write_halves(FILE *fp, json_object *head, json_object *tail, const nm_areas *a,
                        const nm_values *v, const double *shown, const int *klass)
{
    const int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE;
    const char *text = json_object_to_json_string_ext(head, flags);
    size_t n = text ? strlen(text) : 0;

    /* "{\n  ...\n}": all but the "\n}" */
    if (n < 2)
        return 0;
    fwrite(text, 1, n - 2, fp);
    fputs(",\n  \"areas\":", fp);
    areas_write(fp, a, v, shown, klass);
    if (!(text = json_object_to_json_string_ext(tail, flags)) || text[0] != '{')
        return 0;
    fputc(',', fp);
    fputs(text + 1, fp);
    fputc('\n', fp);
    return 1;
}

nm_status nmP_write_sidecar(nm_store *store, const nm_choropleth_opts *o, const nm_areas *a,
                           const nm_values *v, const nm_classes *c, const nm_rgb *colours,
                           const double *shown, const int *klass, const nm_map_layout *layout,
                           const char *alt_text, const nm_map *map)
{
    nm_ctx *ctx = nm_store_ctx(store);
    json_object *root = json_object_new_object(), *inputs = NULL, *rest;
    nmC_atomic out = {0};
    nmC_buf path = {0};
    nm_status rc;

    if (!root)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    rc = nmP_map_inputs_json(store, o, &inputs);
    if (rc != NM_OK) {
        json_object_put(root);
        return rc;
    }
    json_object_object_add(root, "needsmap", json_object_new_string(nm_version()));
    json_object_object_add(root, "indicator", json_object_new_string(v->key));
    json_object_object_add(root, "period", json_object_new_string(v->period));
    json_object_object_add(root, "label", json_object_new_string(v->label));
    json_object_object_add(root, "source", json_object_new_string(v->source));
    json_object_object_add(root, "level", json_object_new_string(nm_areas_level(a)));
    json_object_object_add(root, "vintage", json_object_new_int(nm_areas_vintage(a)));
    json_object_object_add(root, "within", o->within ? json_object_new_string(o->within) : NULL);
    if (strcmp(nm_areas_level(a), "ward") == 0 || o->overlay || o->labels) {
        char *wards = NULL;
        if (nmP_wards_said_within(store, o->within, &wards) == NM_OK && wards)
            json_object_object_add(root, "wards", json_object_new_string(wards));
        nm_free(wards);
    }
    json_object_object_add(root, "rank", json_object_new_string(scope_name(o->rank)));
    json_object_object_add(root, "classification",
                           json_object_new_string(o->classify ? o->classify : "default"));
    json_object_object_add(root, "classes", classes_json(c, colours, map));
    json_object_object_add(root, "colour_contrast", contrast_json(c, colours));
    json_object_object_add(root, "missing", json_object_new_int64(nm_classes_missing(c)));
    /* the members after "areas" go in a second object, so that the areas
       are streamed between the two printed halves */
    if (!(rest = json_object_new_object())) {
        json_object_put(root);
        json_object_put(inputs);
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    }
    json_object_object_add(rest, "page", page_json(layout));
    if (map && nm_map_label_count(map) > 0)
        json_object_object_add(rest, "labels", labels_json(map));
    /* provenance and accessibility: what the map was drawn from, and what
       it shows in words */
    json_object_object_add(rest, "inputs", inputs);
    json_object_object_add(rest, "alt_text", alt_text ? json_object_new_string(alt_text) : NULL);
    nmC_buf_addf(&path, "%s.json", o->output);
    rc = path.failed ? nmC_fail(ctx, NM_NOMEM, "out of memory")
                     : nmC_atomic_open(ctx, path.data, &out);
    if (rc == NM_OK && !write_halves(out.fp, root, rest, a, v, shown, klass))
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        rc = nmC_atomic_commit(ctx, &out);
    nmC_atomic_abort(&out);
    nmC_buf_free(&path);
    json_object_put(root);
    json_object_put(rest);
    return rc;
}
