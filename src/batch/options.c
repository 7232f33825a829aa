/*
 * The option tables of every library call: one row per option, read by the
 * command line (getopt_long, --help) and by the figures file (its keys), so
 * that the two cannot drift.  Old figures-file keys stay as deprecated rows.
 * Parsing a value into its field is here too; what runs a section of a
 * figures file is types.c.
 */
#include <stdio.h>
#include <string.h>

#include "needsmap/analyse.h"
#include "needsmap/build.h"
#include "needsmap/ingest.h"
#include "needsmap/options.h"
#include "needsmap/report.h"
#include "nm_int.h"

/* Rows by kind; T is the options struct, F its field, H the help line. */
#define STR(n, T, F, meta, H) \
    {.name = n, .kind = NM_OPT_STR, .offset = offsetof(T, F), .metavar = meta, .help = H}
#define REQSTR(n, T, F, meta, H)                                                    \
    {.name = n, .kind = NM_OPT_STR, .offset = offsetof(T, F), .flags = NM_OPT_REQUIRED, \
     .metavar = meta, .help = H}
#define OPERAND(n, T, F) \
    {.name = n, .kind = NM_OPT_STR, .offset = offsetof(T, F), .flags = NM_OPT_REQUIRED | NM_OPT_OPERAND}
#define OUTPUT(T, F, req, H)                                                                 \
    {.name = "output", .letter = 'o', .kind = NM_OPT_OUTPUT, .offset = offsetof(T, F), \
     .flags = req, .metavar = "FILE", .help = H}
#define NUM(n, K, T, F, lo, hi, meta, H) \
    {.name = n, .kind = K, .offset = offsetof(T, F), .min = lo, .max = hi, .metavar = meta, .help = H}
#define YEAR(n, T, F, H) NUM(n, NM_OPT_INT, T, F, 1900, 2100, "YEAR", H)
#define FLAG(n, T, F, v_on, v_off, H) \
    {.name = n, .kind = NM_OPT_FLAG, .offset = offsetof(T, F), .on = v_on, .off = v_off, .help = H}
#define ENUM(n, T, F, ch, meta, H) \
    {.name = n, .kind = NM_OPT_ENUM, .offset = offsetof(T, F), .choices = ch, .metavar = meta, .help = H}
/* an old figures-file key: a field and meaning of its own, and what to write now */
#define OLD(n, K, T, F, lo, hi, v_on, v_off, now)                                          \
    {.name = n, .kind = K, .offset = offsetof(T, F), .flags = NM_OPT_DEPRECATED, .min = lo, \
     .max = hi, .on = v_on, .off = v_off, .instead = now}
#define END {.name = NULL}

/* ---- imports ---------------------------------------------------------------- */

#define STRICT(T) FLAG("strict", T, in.strict, 1, 0, "codes matching no stored area are an error")

static const nm_opt boundaries_opts[] = {
    REQSTR("level", nm_boundaries_opts, level, "LEVEL", "lsoa, msoa, oa, ward, locality, lad, region (required)"),
    STR("code", nm_boundaries_opts, code_field, "FIELD", "field with the area code (default: ONS heading)"),
    STR("name", nm_boundaries_opts, name_field, "FIELD", "field with the area name (default: ONS heading)"),
    YEAR("vintage", nm_boundaries_opts, vintage, "year of the codes (default: from heading)"),
    STR("crs", nm_boundaries_opts, crs, "EPSG:N", "source CRS when the file has none or a wrong one"),
    STR("extent", nm_boundaries_opts, extent, "XMIN,YMIN,XMAX,YMAX",
        "where every area must lie, EPSG:27700 metres (default: England)"),
    END,
};

static const nm_opt iod_opts[] = {
    STR("period", nm_iod_opts, period, "YEAR", "release year (default: from the file)"),
    STRICT(nm_iod_opts),
    END,
};

static const nm_opt indicators_opts[] = {
    REQSTR("key", nm_indicators_opts, key, "COLUMN", "column with the area codes (required)"),
    STR("level", nm_indicators_opts, level, "LEVEL", "level of the areas (default: from the codes)"),
    YEAR("vintage", nm_indicators_opts, vintage, "year of the codes"),
    STR("period", nm_indicators_opts, period, "PERIOD", "period of the data, e.g. 2019 (required)"),
    STR("columns", nm_indicators_opts, columns, "A,B", "only these columns"),
    STR("source", nm_indicators_opts, source, "TEXT", "attribution of the data"),
    STRICT(nm_indicators_opts),
    END,
};

static const nm_opt lookup_opts[] = {
    REQSTR("child", nm_lookup_opts, child, "COLUMN", "column of child codes, e.g. LSOA11CD"),
    REQSTR("parent", nm_lookup_opts, parent, "COLUMN", "column of parent codes, e.g. WD19CD"),
    REQSTR("parent-level", nm_lookup_opts, parent_level, "LEVEL", "level of the parents"),
    STR("child-level", nm_lookup_opts, child_level, "LEVEL", "level of the children"),
    YEAR("child-vintage", nm_lookup_opts, child_vintage, "year of the child codes"),
    YEAR("parent-vintage", nm_lookup_opts, parent_vintage, "year of the parent codes"),
    STRICT(nm_lookup_opts),
    END,
};

static const nm_opt neighbours_opts[] = {
    STR("model", nm_neighbours_opts, model, "YEAR", "DfE model: 2021 or 2025 (default: from the file name)"),
    END,
};

static const nm_opt localities_opts[] = {
    STR("ward", nm_localities_opts, ward_column, "COLUMN", "ward codes or names (default: ward, WDnnCD, ...)"),
    STR("locality", nm_localities_opts, locality_column, "COLUMN", "locality names (default: locality)"),
    STR("code", nm_localities_opts, code_column, "COLUMN", "locality codes (default: made from the names)"),
    STR("code-prefix", nm_localities_opts, code_prefix, "TEXT",
        "start of the codes made (default LOC-, LOC-CODE- with --within)"),
    STR("within", nm_localities_opts, within, "CODE|NAME",
        "the council: only its wards are matched and its localities replaced"),
    END,
};

static const nm_opt incidents_opts[] = {
    STR("x", nm_incidents_opts, x, "COLUMN", "longitude or easting (default: detected)"),
    STR("y", nm_incidents_opts, y, "COLUMN", "latitude or northing (default: detected)"),
    STR("crs", nm_incidents_opts, crs, "EPSG:N", "EPSG:4326 or EPSG:27700 (default: from the columns)"),
    STR("date", nm_incidents_opts, date, "COLUMN", "YYYY-MM, YYYY-MM-DD or DD/MM/YYYY (default: month)"),
    STR("category", nm_incidents_opts, category, "COLUMN", "category (default: crime_type)"),
    STR("sex", nm_incidents_opts, sex, "COLUMN", "victim's sex: F/Female/W/Woman, M/Male/Man"),
    STR("children", nm_incidents_opts, children, "COLUMN", "children present: Y/N, yes/no, 1/0"),
    STR("where", nm_incidents_opts, where, "COL=VALUE", "only the rows with this value"),
    STR("name", nm_incidents_opts, name, "NAME", "name of the set; re-importing it replaces it"),
    STR("source", nm_incidents_opts, source, "TEXT", "attribution (default: police.uk, OGL)"),
    END,
};

/* ---- steps on the store ------------------------------------------------------ */

static const nm_opt_choice assign_methods[] = {{"point", NM_ASSIGN_POINT}, {"area", NM_ASSIGN_AREA}, {NULL, 0}};

static const nm_opt assign_opts[] = {
    REQSTR("child", nm_assign_opts, child_level, "LEVEL", "the smaller areas, e.g. lsoa (required)"),
    REQSTR("parent", nm_assign_opts, parent_level, "LEVEL", "the larger areas, e.g. ward (required)"),
    ENUM("method", nm_assign_opts, method, assign_methods, "point|area",
         "interior point (weight 1) or share of area (default point)"),
    STR("within", nm_assign_opts, within, "CODE|NAME", "only the children within this area"),
    YEAR("child-vintage", nm_assign_opts, child_vintage, "year of the child boundaries (default: latest)"),
    YEAR("parent-vintage", nm_assign_opts, parent_vintage, "year of the parent boundaries (default: latest)"),
    NUM("min-share", NM_OPT_DOUBLE, nm_assign_opts, min_share, 0, 1, "SHARE",
        "area method: drop overlaps below this share of the child (default 0.001)"),
    /* figures files of 2026 named them from/to */
    OLD("from", NM_OPT_STR, nm_assign_opts, child_level, 0, 0, 0, 0, "child"),
    OLD("to", NM_OPT_STR, nm_assign_opts, parent_level, 0, 0, 0, 0, "parent"),
    OLD("from-vintage", NM_OPT_INT, nm_assign_opts, child_vintage, 1900, 2100, 0, 0, "child-vintage"),
    OLD("to-vintage", NM_OPT_INT, nm_assign_opts, parent_vintage, 1900, 2100, 0, 0, "parent-vintage"),
    END,
};

static const nm_opt aggregate_opts[] = {
    REQSTR("to", nm_aggregate_opts, to, "LEVEL", "ward, locality or lad (required)"),
    STR("from", nm_aggregate_opts, from, "LEVEL", "the small areas (default lsoa)"),
    STR("within", nm_aggregate_opts, within, "CODE|NAME", "only the areas with LSOAs within this area"),
    STR("indicators", nm_aggregate_opts, indicators, "A,B", "ids or domains, e.g. imd_score,idaci_rank (default imd)"),
    STR("period", nm_aggregate_opts, period, "P", "period of the indicators (default: latest)"),
    END,
};

static const nm_opt count_opts[] = {
    REQSTR("level", nm_count_opts, level, "LEVEL", "areas to count in, e.g. ward (required)"),
    YEAR("vintage", nm_count_opts, vintage, "year of their codes (default: latest)"),
    STR("within", nm_count_opts, within, "CODE|NAME", "only the areas within this one"),
    STR("incidents", nm_count_opts, incidents, "NAME", "only the set imported as NAME"),
    STR("category", nm_count_opts, category, "TEXT", "only this category"),
    STR("sex", nm_count_opts, sex, "F|M", "only incidents of this victim sex"),
    STR("from", nm_count_opts, from, "DATE", "first month or day, e.g. 2018-01"),
    STR("to", nm_count_opts, to, "DATE", "last month or day, e.g. 2018-06"),
    STR("per", nm_count_opts, per, "INDICATOR", "rates per 1,000 of it, e.g. pop_total"),
    STR("per-female", nm_count_opts, per_female, "INDICATOR", "female rates per 1,000 of it"),
    STR("per-male", nm_count_opts, per_male, "INDICATOR", "male rates per 1,000 of it"),
    STR("per-period", nm_count_opts, per_period, "PERIOD", "period of those (default: latest)"),
    {.name = "suppress-below", .kind = NM_OPT_LONG, .offset = offsetof(nm_count_opts, suppress_below),
     .flags = NM_OPT_ZERO_NONE, .min = 0, .max = 1000000, .metavar = "N",
     .help = "suppress counts below N (default 5; 0: none)"},
    STR("name", nm_count_opts, name, "ID", "indicator ids start ID_ (default incidents)"),
    END,
};

static const nm_opt_choice worse_choices[] = {{"lower", -1}, {"none", 0}, {"higher", 1}, {NULL, 0}};

static const nm_opt derive_opts[] = {
    OPERAND("id", nm_derive_opts, id),
    OPERAND("expression", nm_derive_opts, expression),
    STR("period", nm_derive_opts, period, "P", "period of the inputs and the result (default: latest)"),
    STR("label", nm_derive_opts, label, "TEXT", "what the result is, for titles and legends"),
    STR("unit", nm_derive_opts, unit, "UNIT", "share, rate, per_ha, count, people, score, ... (default value)"),
    FLAG("higher-worse", nm_derive_opts, polarity, 1, 0, "a higher value is more deprived"),
    FLAG("lower-worse", nm_derive_opts, polarity, -1, 0, "a lower value is more deprived"),
    ENUM("worse", nm_derive_opts, polarity, worse_choices, "higher|lower|none",
         "which way is more deprived (default none)"),
    END,
};

/* ---- figures ---------------------------------------------------------------- */

static const nm_opt_choice rank_choices[] = {
    {"none", NM_RANK_NONE}, {"national", NM_RANK_NATIONAL}, {"region", NM_RANK_REGION},
    {"local", NM_RANK_LOCAL}, {NULL, 0}};
static const nm_opt_choice label_field_choices[] = {{"name", 0}, {"code", 1}, {NULL, 0}};
static const nm_opt_choice paper_choices[] = {{"A4", NM_PAPER_A4}, {"A3", NM_PAPER_A3}, {NULL, 0}};
static const nm_opt_choice orient_choices[] = {
    {"auto", NM_ORIENT_AUTO}, {"portrait", NM_ORIENT_PORTRAIT}, {"landscape", NM_ORIENT_LANDSCAPE},
    {NULL, 0}};

static const nm_opt map_opts[] = {
    OPERAND("indicator", nm_choropleth_opts, indicator),
    OUTPUT(nm_choropleth_opts, output, NM_OPT_REQUIRED, "the map: .png, .pdf, .svg or .html (required; also -o)"),
    STR("period", nm_choropleth_opts, period, "P", "period of the indicator (default: latest)"),
    STR("since", nm_choropleth_opts, since, "P", "map the change in national decile since release P (ranks, deciles)"),
    STR("level", nm_choropleth_opts, level, "LEVEL", "areas to shade (default lsoa)"),
    YEAR("vintage", nm_choropleth_opts, vintage, "boundary year (default: latest)"),
    STR("within", nm_choropleth_opts, within, "CODE|NAME", "only the areas within this LAD, region, ward or locality"),
    ENUM("rank", nm_choropleth_opts, rank, rank_choices, "SCOPE",
         "national (as published), region or local: re-rank first"),
    STR("classify", nm_choropleth_opts, classify, "SPEC", "deciles, quintiles, quantile:N, equal:N, jenks:N, breaks:A,B,..."),
    STR("palette", nm_choropleth_opts, palette, "NAME", "ColorBrewer scheme (default YlOrRd)"),
    FLAG("reverse", nm_choropleth_opts, reverse, 1, 0, "reverse the palette"),
    FLAG("greyscale", nm_choropleth_opts, greyscale, 1, 0, "greys, for black-and-white printing"),
    STR("title", nm_choropleth_opts, title, "TEXT", "title (default: the indicator's label and period)"),
    STR("subtitle", nm_choropleth_opts, subtitle, "TEXT", "subtitle (default: what and where)"),
    STR("overlay", nm_choropleth_opts, overlay, "LEVEL", "draw this level's outlines over the map (e.g. ward)"),
    STR("labels", nm_choropleth_opts, labels, "LEVEL", "name this level's areas on the map (e.g. ward)"),
    ENUM("label-field", nm_choropleth_opts, label_codes, label_field_choices, "name|code", "what labels show (default name)"),
    NUM("label-size", NM_OPT_DOUBLE, nm_choropleth_opts, label_pt, 3, 36, "PT",
        "label size in points (default 7.5; names shrink to 5.5 pt, then go on leader lines)"),
    STR("font", nm_choropleth_opts, font, "FAMILY", "font family of every text, as fontconfig names it (default DejaVu Sans)"),
    STR("size", nm_choropleth_opts, size, "WxHmm", "a figure's own page size, e.g. 160x120mm (instead of --page)"),
    FLAG("figure", nm_choropleth_opts, figure, 1, 0, "the figure only: no title or subtitle, narrow margins; the source line stays"),
    STR("legend", nm_choropleth_opts, legend, "POS", "auto, right, bottom, inside (in the map's emptiest corner) or none"),
    FLAG("no-context", nm_choropleth_opts, context, 0, 1,
         "leave the neighbouring areas out (default: drawn in grey around the selection)"),
    NUM("outline-width", NM_OPT_DOUBLE, nm_choropleth_opts, outline_mm, 0.01, 2, "MM", "outline of the shaded areas (default 0.1 mm)"),
    FLAG("no-outlines", nm_choropleth_opts, no_outlines, 1, 0, "no outlines around the shaded areas"),
    ENUM("page", nm_choropleth_opts, paper, paper_choices, "A4|A3", "paper size (default A4)"),
    ENUM("orientation", nm_choropleth_opts, orient, orient_choices, "auto|portrait|landscape",
         "page orientation (default auto: what fits the area best)"),
    FLAG("landscape", nm_choropleth_opts, orient, NM_ORIENT_LANDSCAPE, NM_ORIENT_AUTO,
         "landscape page (default: what fits the area best)"),
    FLAG("portrait", nm_choropleth_opts, orient, NM_ORIENT_PORTRAIT, NM_ORIENT_AUTO, "portrait page"),
    NUM("dpi", NM_OPT_WHOLE, nm_choropleth_opts, dpi, 36, 1200, "N", "PNG resolution (default 150)"),
    FLAG("no-sidecar", nm_choropleth_opts, sidecar, 0, 1, "do not write FILE.json beside the map"),
    FLAG("locator", nm_choropleth_opts, locator, 1, 0, "an inset of England with the --within area marked (needs region or district boundaries)"),
    OLD("sidecar", NM_OPT_FLAG, nm_choropleth_opts, sidecar, 0, 0, 1, 0, "no-sidecar = yes"),
    OLD("context", NM_OPT_FLAG, nm_choropleth_opts, context, 0, 0, 1, 0, "no-context = yes"),
    OLD("label-codes", NM_OPT_FLAG, nm_choropleth_opts, label_codes, 0, 0, 1, 0, "label-field = code"),
    END,
};

static const nm_opt table_opts[] = {
    OUTPUT(nm_table_opts, output, NM_OPT_REQUIRED, ".csv, .xlsx or .md (required; also -o)"),
    STR("level", nm_table_opts, level, "LEVEL", "one row per area of this level (default ward)"),
    YEAR("vintage", nm_table_opts, vintage, "boundary year (default: latest)"),
    STR("within", nm_table_opts, within, "CODE|NAME", "only the areas within this area"),
    STR("indicators", nm_table_opts, indicators, "A,B", "columns (default: every indicator of the level)"),
    STR("period", nm_table_opts, period, "P", "period of the indicators (default: latest)"),
    STR("since", nm_table_opts, since, "P", "each rank and decile in release P too, and the change"),
    FLAG("ids", nm_table_opts, ids, 1, 0, "CSV: indicator ids as headings, every digit kept"),
    END,
};

static const nm_opt_choice facts_formats[] = {
    {"text", NM_FORMAT_TEXT}, {"md", NM_FORMAT_MD}, {"json", NM_FORMAT_JSON}, {NULL, 0}};

static const nm_opt facts_opts[] = {
    STR("within", nm_facts_opts, within, "CODE|NAME", "the borough (or ward, locality, region): its LSOAs"),
    STR("period", nm_facts_opts, period, "P", "release of the index (default: latest stored)"),
    STR("since", nm_facts_opts, since, "P", "add what changed since release P (e.g. 2019)"),
    STR("indicator", nm_facts_opts, indicator, "ID", "index or domain: imd (default), idaci, income, ..."),
    STR("population-period", nm_facts_opts, population_period, "P",
        "population of another release where the index's has none (e.g. 2019 for IMD 2007)"),
    ENUM("format", nm_facts_opts, format, facts_formats, "FMT", "text (default), md or json"),
    OUTPUT(nm_facts_opts, output, 0, "write to FILE (atomically) instead of stdout; also -o"),
    END,
};

static const nm_opt_choice la_formats[] = {
    {"text", NM_FORMAT_TEXT}, {"md", NM_FORMAT_MD}, {"csv", NM_FORMAT_CSV}, {NULL, 0}};

static const nm_opt_choice la_levels[] = {{"lad", 0}, {"utla", 0}, {"county", 0}, {NULL, 0}};

static const nm_opt la_summary_opts[] = {
    STR("la", nm_la_summary_opts, la, "CODE", "the authority shown (default: every authority)"),
    {.name = "level", .kind = NM_OPT_WORD, .offset = offsetof(nm_la_summary_opts, level),
     .choices = la_levels, .metavar = "lad|utla",
     .help = "districts and unitaries (lad, default) or upper-tier authorities: counties and unitaries (utla)"},
    STR("neighbours", nm_la_summary_opts, neighbours, "CODE,...|dfe",
        "authorities compared with --la (their mean and each one); dfe: DfE's stored statistical neighbours (upper tier)"),
    STR("model", nm_la_summary_opts, model, "YEAR",
        "with --neighbours dfe or --neighbours-file: DfE model 2021 or 2025 (default: the latest stored)"),
    STR("neighbours-file", nm_la_summary_opts, neighbours_file, "FILE", "DfE's neighbours of --la read from FILE (not stored)"),
    STR("period", nm_la_summary_opts, period, "P", "release of the index (default: latest stored)"),
    STR("indicator", nm_la_summary_opts, indicator, "ID", "index or domain: imd (default), idaci, income, ..."),
    STR("population-period", nm_la_summary_opts, population_period, "P", "population denominators of another release"),
    ENUM("format", nm_la_summary_opts, format, la_formats, "FMT", "text (default), md or csv (every authority)"),
    OUTPUT(nm_la_summary_opts, output, 0, "write to FILE (atomically) instead of stdout; also -o"),
    END,
};

static const nm_opt_choice summary_formats[] = {
    {"auto", NM_SUMMARY_AUTO}, {"pdf", NM_SUMMARY_PDF}, {"csv", NM_SUMMARY_CSV},
    {"xlsx", NM_SUMMARY_XLSX}, {"md", NM_SUMMARY_MD}, {"html", NM_SUMMARY_HTML}, {NULL, 0}};

static const nm_opt summary_opts[] = {
    STR("within", nm_summary_opts, within, "CODE|NAME", "the borough: its wards and localities"),
    FLAG("localities", nm_summary_opts, localities, 1, 0, "a section per locality (the default; from 'import localities')"),
    FLAG("districts", nm_summary_opts, districts, 1, 0, "a section per district of a county (the default where no localities are stored within it)"),
    STR("indicator", nm_summary_opts, indicator, "ID", "indicator of the maps (default imd_decile)"),
    STR("indicators", nm_summary_opts, indicators, "A,B,...",
        "rows of the tables and charts: ward aggregates (pop_total, imd_nat10_share, imd_score_pw, ...) or incident sets (violence)"),
    STR("period", nm_summary_opts, period, "P", "release of the index (default: latest stored)"),
    STR("since", nm_summary_opts, since, "P", "release P beside it: national 10%/20% shares in both, LSOAs that moved decile"),
    STR("title", nm_summary_opts, title, "TEXT", "title of the document"),
    STR("font", nm_summary_opts, font, "FAMILY", "font family of every text, as fontconfig names it (default DejaVu Sans)"),
    FLAG("locator", nm_summary_opts, locator, 1, 0, "the overview map carries an inset of England with the --within area marked (needs region or district boundaries)"),
    ENUM("format", nm_summary_opts, format, summary_formats, "FMT", "pdf, csv, xlsx, md or html (default: by the extension)"),
    OUTPUT(nm_summary_opts, output, NM_OPT_REQUIRED, "file written (atomically); also -o"),
    END,
};

static const nm_opt compare_opts[] = {
    OPERAND("wards", nm_compare_opts, wards),
    STR("within", nm_compare_opts, within, "CODE|NAME", "the borough: where names are looked up, compared in the table"),
    STR("indicator", nm_compare_opts, indicator, "ID", "indicator of the maps (default imd_decile)"),
    STR("indicators", nm_compare_opts, indicators, "A,B,...", "rows of the table, as for summary"),
    STR("period", nm_compare_opts, period, "P", "release of the index (default: latest stored)"),
    STR("since", nm_compare_opts, since, "P", "release P beside it in the table, as for summary"),
    STR("title", nm_compare_opts, title, "TEXT", "title of the page"),
    STR("font", nm_compare_opts, font, "FAMILY", "font family of every text, as fontconfig names it (default DejaVu Sans)"),
    FLAG("locator", nm_compare_opts, locator, 1, 0, "a map of England beside the table with the --within area (else the wards) marked (needs region or district boundaries)"),
    NUM("dpi", NM_OPT_WHOLE, nm_compare_opts, dpi, 36, 1200, "N", "resolution of a PNG (default 150)"),
    OUTPUT(nm_compare_opts, output, NM_OPT_REQUIRED, ".pdf, .png or .html, written atomically; also -o"),
    END,
};

/* ---- the tool's own calls (no figures-file section) ------------------------- */

static const nm_opt build_opts[] = {
    {.name = "jobs", .letter = 'j', .kind = NM_OPT_INT, .offset = offsetof(nm_build_opts, jobs),
     .min = 1, .max = 256, .metavar = "N", .help = "draw N figures at once (also -j N; default 1)"},
    FLAG("force", nm_build_opts, force, 1, 0, "rebuild every figure (inputs still by checksum)"),
    FLAG("dry-run", nm_build_opts, dry_run, 1, 0, "list what would be imported and rebuilt, and why"),
    STR("only", nm_build_opts, only, "NAME,...", "only these figures (e.g. imd_deciles)"),
    STR("out", nm_build_opts, out_root, "DIR", "outputs may also go under DIR (default: only under the figures file's folder)"),
    {.name = "set", .kind = NM_OPT_CUSTOM, .metavar = "NAME=VALUE", .help = "override a variable of [vars] (repeatable)"},
    {.name = "quiet", .kind = NM_OPT_CUSTOM, .help = "no progress; only errors"},
    END,
};

static const nm_opt fetch_opts[] = {
    STR("mirror", nm_fetch_opts, mirror, "DIR|URL", "copy from this folder or server instead of the official URLs"),
    STR("cache", nm_fetch_opts, cache, "DIR", "where files go (default ~/.cache/needsmap)"),
    STR("manifests", nm_fetch_opts, manifests, "DIR", "folder with boundaries/ and indicators/ (default .)"),
    STR("only", nm_fetch_opts, only, "NAME,...", "only these files"),
    NUM("timeout", NM_OPT_LONG, nm_fetch_opts, timeout, 1, 3600, "SECONDS", "give up on a stalled download (default 60)"),
    END,
};

static void map_init(void *opts)
{
    nm_choropleth_opts_init(opts);
}

static void summary_init(void *opts)
{
    nm_summary_opts_init(opts);
}

#define SET(cmd, sec, fig, T, init, rows) {cmd, sec, fig, sizeof(T), init, rows}

/* Imports and steps in the order a needs analysis takes them, then the
 * figures. */
static const nm_optset sets[] = {
    SET("import boundaries", "boundaries", 0, nm_boundaries_opts, NULL, boundaries_opts),
    SET("import iod", "iod", 0, nm_iod_opts, NULL, iod_opts),
    SET("import indicators", "indicators", 0, nm_indicators_opts, NULL, indicators_opts),
    SET("import lookup", "lookup", 0, nm_lookup_opts, NULL, lookup_opts),
    SET("import neighbours", "neighbours", 0, nm_neighbours_opts, NULL, neighbours_opts),
    SET("import localities", "localities", 0, nm_localities_opts, NULL, localities_opts),
    SET("import incidents", "incidents", 0, nm_incidents_opts, NULL, incidents_opts),
    SET("assign", "assign", 0, nm_assign_opts, NULL, assign_opts),
    SET("aggregate", "aggregate", 0, nm_aggregate_opts, NULL, aggregate_opts),
    SET("count incidents", "count", 0, nm_count_opts, NULL, count_opts),
    SET("derive", "derive", 0, nm_derive_opts, NULL, derive_opts),
    SET("map", "map", 1, nm_choropleth_opts, map_init, map_opts),
    SET("table", "table", 1, nm_table_opts, NULL, table_opts),
    SET("facts", "facts", 1, nm_facts_opts, NULL, facts_opts),
    SET("la-summary", "la-summary", 1, nm_la_summary_opts, NULL, la_summary_opts),
    SET("summary", "summary", 1, nm_summary_opts, summary_init, summary_opts),
    SET("compare", "compare", 1, nm_compare_opts, NULL, compare_opts),
    SET("build", NULL, 0, nm_build_opts, NULL, build_opts),
    SET("fetch", NULL, 0, nm_fetch_opts, NULL, fetch_opts),
};

#define NSETS (sizeof sets / sizeof sets[0])

const nm_optset *nm_optset_at(size_t i)
{
    return i < NSETS ? &sets[i] : NULL;
}

const nm_optset *nm_optset_find(const char *command)
{
    size_t i;

    for (i = 0; command && i < NSETS; i++)
        if (strcmp(sets[i].command, command) == 0)
            return &sets[i];
    return NULL;
}

void nm_optset_defaults(const nm_optset *set, void *opts)
{
    memset(opts, 0, set->size);
    if (set->init)
        set->init(opts);
}

/* Names match with '_' for '-' and in any case, as figures files have them. */
static int same_name(const char *want, const char *given)
{
    for (; *want && *given; want++, given++) {
        char g = *given == '_' ? '-' : *given;
        if ((*want | 0x20) != (g | 0x20) && *want != g)
            return 0;
    }
    return *want == *given;
}

const nm_opt *nm_opt_find(const nm_optset *set, const char *name)
{
    const nm_opt *o;

    for (o = set ? set->opts : NULL; o && o->name; o++)
        if (same_name(o->name, name))
            return o;
    return NULL;
}

void nm_opt_choices_text(const nm_opt *opt, char *out, size_t size)
{
    nmC_buf b = {0};
    const nm_opt_choice *c;

    for (c = opt->choices; c && c->name; c++)
        nmC_buf_addf(&b, "%s%s", c == opt->choices ? "" : c[1].name ? ", " : " or ", c->name);
    nmC_strlcpy(out, b.data ? b.data : "", size);
    nmC_buf_free(&b);
}

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false", "off", "0"};
    size_t i;

    for (i = 0; i < 4; i++) {
        if (nmC_strieq(s, yes[i]) || nmC_strieq(s, no[i])) {
            *out = nmC_strieq(s, yes[i]);
            return 1;
        }
    }
    return 0;
}

static nm_status parse_number(nm_ctx *ctx, const nm_opt *o, char *field, const char *value)
{
    long l;
    double d;

    if (o->kind == NM_OPT_DOUBLE) {
        if (!nmC_parse_double(value, &d) || !(d >= o->min && d <= o->max))
            return nmC_fail(ctx, NM_USAGE, "\"%s\" is not a number from %g to %g", value, o->min, o->max);
        *(double *)(void *)field = d;
        return NM_OK;
    }
    if (!nmC_parse_long(value, (long)o->min, (long)o->max, &l))
        return nmC_fail(ctx, NM_USAGE, "\"%s\" is not a whole number from %ld to %ld", value,
                       (long)o->min, (long)o->max);
    if (o->kind == NM_OPT_LONG)
        *(long *)(void *)field = l == 0 && (o->flags & NM_OPT_ZERO_NONE) ? -1 : l;
    else if (o->kind == NM_OPT_WHOLE)
        *(double *)(void *)field = (double)l;
    else
        *(int *)(void *)field = (int)l;
    return NM_OK;
}

nm_status nm_opt_parse(nm_ctx *ctx, const nm_opt *o, void *opts, const char *value)
{
    char *field = (char *)opts + o->offset, text[160];
    const nm_opt_choice *c;
    int yes;

    if (o->kind == NM_OPT_CUSTOM)
        return nmC_fail(ctx, NM_USAGE, "%s: not an option of the library call", o->name);
    if (o->kind == NM_OPT_FLAG) {
        if (value && !parse_bool(value, &yes))
            return nmC_fail(ctx, NM_USAGE, "\"%s\" is not yes or no", value);
        *(int *)(void *)field = !value || yes ? o->on : o->off;
        return NM_OK;
    }
    if (!value || !*value)
        return nmC_fail(ctx, NM_USAGE, "empty value");
    switch (o->kind) {
    case NM_OPT_STR:
    case NM_OPT_OUTPUT:
        *(const char **)(void *)field = value;
        return NM_OK;
    case NM_OPT_ENUM:
    case NM_OPT_WORD:
        for (c = o->choices; c && c->name; c++)
            if (nmC_strieq(c->name, value)) {
                if (o->kind == NM_OPT_WORD)
                    *(const char **)(void *)field = c->name;
                else
                    *(int *)(void *)field = c->value;
                return NM_OK;
            }
        nm_opt_choices_text(o, text, sizeof text);
        return nmC_fail(ctx, NM_USAGE, "\"%s\" is not %s", value, text);
    default:
        return parse_number(ctx, o, field, value);
    }
}
