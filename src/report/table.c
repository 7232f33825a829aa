/*
 * Tables of indicators by area: a row per area of a selection and a
 * column per indicator, as CSV for spreadsheets (labels as headings,
 * values to their unit's precision; with --ids, ids and every digit, so a
 * value read back is the value stored), as an XLSX workbook with number
 * formats and a sheet of sources, or as a Markdown table for a report
 * (numbers right-aligned, thousands separators, shares as percentages).
 * Small counts suppressed for disclosure control read "suppressed", which
 * is not the same as an empty cell (no data).  With --since, each rank or
 * decile is given in both releases beside its change, with the area each
 * was compared with and how it came from it (unchanged, split, ...).
 * Selecting and reading values is analyse's; this file only lays them out.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "needsmap/report.h"
#include "report/report_int.h"
#include "store/store_int.h"

/* Said under a table of two releases. */
#define NM_SINCE_GUIDANCE                                                                      \
    "Ranks and deciles compare between releases; scores do not (MHCLG: they are not on one "  \
    "scale across releases), so none is shown."

/* Columns whose cells a "<x>_suppressed" indicator blanks out. */
static const char *const suppressible[] = {"_count", "_rate", "_rate_lo", "_rate_hi"};

typedef struct column {
    nm_values v;
    double *suppressed; /* per area, non-zero = suppressed; NULL when none */
} column;

typedef struct tjob {
    nm_store *store;
    nm_ctx *ctx;
    const nm_table_opts *o;
    nm_areas *areas;
    char **ids;
    int nids, capids, all; /* all: every indicator of the level, by default */
    column *cols;
    int ncols;        /* nids, or three per indicator with --since */
    nm_change *chg;   /* --since: the first indicator's change (lineage, older codes) */
    char *since_note; /* --since: how the areas compare, counted by lineage */
    char *wards_said; /* the wards' years and memberships (ward tables) */
} tjob;

static nm_status add_id(tjob *j, const char *id, size_t len)
{
    for (int i = 0; i < j->nids; i++)
        if (strlen(j->ids[i]) == len && strncmp(j->ids[i], id, len) == 0)
            return NM_OK;
    if (j->nids == j->capids) {
        int cap = j->capids ? j->capids * 2 : 16;
        char **n = nm_realloc(j->ids, (size_t)cap * sizeof *n);
        if (!n)
            return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
        j->ids = n;
        j->capids = cap;
    }
    if (!(j->ids[j->nids] = nm_malloc(len + 1)))
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    memcpy(j->ids[j->nids], id, len);
    j->ids[j->nids++][len] = '\0';
    return NM_OK;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n > t && strcmp(s + n - t, tail) == 0;
}

typedef struct listing {
    tjob *j;
    nm_status rc;
} listing;

static int list_one(void *user, const nm_indicator_info *info)
{
    listing *l = user;

    if (l->j->o->period && strcmp(info->period, l->j->o->period) != 0)
        return 0;
    if (info->vintage != nm_areas_vintage(l->j->areas) || ends_with(info->id, "_suppressed"))
        return 0;
    /* only ranks and deciles compare between releases */
    if (l->j->o->since && strcmp(info->unit, "rank") != 0 && strcmp(info->unit, "decile") != 0)
        return 0;
    /* an id of the earlier release alone has no later one to compare */
    if (l->j->o->since && strcmp(info->period, l->j->o->since) == 0)
        return 0;
    l->rc = add_id(l->j, info->id, strlen(info->id));
    return l->rc != NM_OK;
}

static nm_status choose_ids(tjob *j)
{
    const char *p = j->o->indicators;
    listing l = {j, NM_OK};
    nm_status rc = NM_OK;

    if (!p) {
        j->all = 1;
        rc = nm_store_indicators(j->store, NULL, nm_areas_level(j->areas), list_one, &l);
        if (rc == NM_OK)
            rc = l.rc;
        /* ward aggregates are shares and means: nothing of theirs compares */
        if (rc == NM_OK && j->nids == 0 && j->o->since)
            rc = nmC_fail(j->ctx, NM_NOTFOUND,
                         "no ranks or deciles of %s areas are stored%s%s, and only they compare "
                         "between releases: use --level lsoa, or 'needsmap summary --since %s' "
                         "for %s areas' shares of England's most deprived LSOAs in both",
                         nm_areas_level(j->areas), j->o->period ? " for period " : "",
                         j->o->period ? j->o->period : "", j->o->since, nm_areas_level(j->areas));
        else if (rc == NM_OK && j->nids == 0)
            rc = nmC_fail(j->ctx, NM_NOTFOUND,
                         "no indicators of %s areas are stored%s%s: run 'needsmap aggregate "
                         "--to %s%s%s' first",
                         nm_areas_level(j->areas), j->o->period ? " for period " : "",
                         j->o->period ? j->o->period : "", nm_areas_level(j->areas),
                         j->o->within ? " --within " : "", j->o->within ? j->o->within : "");
        return rc;
    }
    while (rc == NM_OK && *p) {
        size_t len = strcspn(p, ",");
        if (len == 0)
            return nmC_fail(j->ctx, NM_USAGE, "--indicators: an empty id in \"%s\"",
                           j->o->indicators);
        rc = add_id(j, p, len);
        p += len + (p[len] == ',');
    }
    return rc;
}

/* The "<x>_suppressed" flags that go with a count or rate column. */
static nm_status read_suppression(tjob *j, column *c)
{
    char key[80];
    nm_values s = {0};
    nm_status rc;
    size_t k;

    for (k = 0; k < sizeof suppressible / sizeof suppressible[0]; k++)
        if (ends_with(c->v.key, suppressible[k]))
            break;
    if (k == sizeof suppressible / sizeof suppressible[0])
        return NM_OK;
    snprintf(key, sizeof key, "%.*s_suppressed",
             (int)(strlen(c->v.key) - strlen(suppressible[k])), c->v.key);
    rc = nm_values_read(j->store, j->areas, key, c->v.period, NM_RANK_NONE, &s);
    if (rc == NM_NOTFOUND) {
        nmC_clear(j->ctx);
        return NM_OK;
    }
    if (rc == NM_OK) {
        c->suppressed = s.value;
        s.value = NULL;
    }
    nm_values_clear(&s);
    return rc;
}

static int is_suppressed(const column *c, size_t i)
{
    return c->suppressed && !isnan(c->suppressed[i]) && c->suppressed[i] != 0;
}

/* ---- CSV ----------------------------------------------------------------- */

void nmP_csv_text(FILE *fp, const char *s)
{
    if (!s[strcspn(s, ",\"\r\n")] && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* The shortest decimal that reads back as the same double. */
void nmP_csv_number(FILE *fp, double x)
{
    char buf[40];

    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    fputs(buf, fp);
}

/* How a unit's values are written for readers: decimals, percentages,
 * the spreadsheet's number format and the units row's word. */
typedef struct unit_style {
    int dec, pct;
    const char *xlsx, *word;
} unit_style;

static unit_style style_of(const char *unit)
{
    static const struct {
        const char *unit;
        unit_style s;
    } styles[] = {
        {"share", {1, 1, "0.0%", "%"}},     {"score", {3, 0, "0.000", "score"}},
        {"rate", {2, 0, "0.00", "per 1,000"}}, {"people", {0, 0, "#,##0", "people"}},
        {"count", {0, 0, "#,##0", "count"}}, {"rank", {0, 0, "#,##0", "rank (1 = most deprived)"}},
        {"decile", {0, 0, "0", "decile (1 = most deprived)"}},
        {NM_UNIT_DECILE_CHANGE, {0, 0, "+0;-0;0", "deciles moved (- = more deprived)"}},
        {NM_UNIT_RANK_CHANGE, {0, 0, "+#,##0;-#,##0;0", "ranks moved (- = more deprived)"}},
    };
    unit_style other = {3, 0, "#,##0.###", ""};

    for (size_t i = 0; i < sizeof styles / sizeof styles[0]; i++)
        if (strcmp(unit, styles[i].unit) == 0)
            return styles[i].s;
    other.word = unit;
    return other;
}

/* A value rounded to its unit's precision: "28.771", "33.3", "11668". */
static void csv_rounded(FILE *fp, double x, const char *unit)
{
    unit_style st = style_of(unit);
    double v = st.pct ? x * 100 : x, scale = pow(10, st.dec), r = round(v * scale) / scale;

    if (r == 0)
        r = 0; /* no "-0" */
    fprintf(fp, "%.*f", st.dec, r);
}

/* A column's heading for readers: its label, "(%)" for shares. */
static void csv_heading(FILE *fp, const nm_values *v)
{
    nmC_buf b = {0};

    nmC_buf_addf(&b, "%s%s", v->label && *v->label ? v->label : v->key,
                style_of(v->unit).pct ? " (%)" : "");
    nmP_csv_text(fp, b.data && !b.failed ? b.data : v->key);
    nmC_buf_free(&b);
}

static void write_csv(const tjob *j, FILE *fp)
{
    size_t i;
    int c;

    fputs(j->o->ids ? "code,name" : "Code,Name", fp);
    if (j->chg)
        fputs(j->o->ids ? ",then_code,lineage" : ",Compared with,Lineage", fp);
    for (c = 0; c < j->ncols; c++) {
        fputc(',', fp);
        if (j->o->ids)
            nmP_csv_text(fp, j->cols[c].v.key);
        else
            csv_heading(fp, &j->cols[c].v);
    }
    fputc('\n', fp);
    for (i = 0; i < nm_areas_count(j->areas); i++) {
        nmP_csv_text(fp, nm_areas_code(j->areas, i));
        fputc(',', fp);
        nmP_csv_text(fp, nm_areas_name(j->areas, i));
        if (j->chg) {
            fputc(',', fp);
            nmP_csv_text(fp, j->chg->then_code[i] ? j->chg->then_code[i] : "");
            fprintf(fp, ",%s", nm_lineage_name(j->chg->lineage[i]));
        }
        for (c = 0; c < j->ncols; c++) {
            const column *col = &j->cols[c];
            fputc(',', fp);
            if (is_suppressed(col, i))
                fputs("suppressed", fp);
            else if (!isnan(col->v.value[i]) && j->o->ids)
                nmP_csv_number(fp, col->v.value[i]);
            else if (!isnan(col->v.value[i]))
                csv_rounded(fp, col->v.value[i], col->v.unit);
        }
        fputc('\n', fp);
    }
}

/* ---- XLSX ------------------------------------------------------------------ */

/* The sheet of sources and definitions: one row per indicator. */
static void xlsx_sources(const tjob *j, lxw_workbook *wb, lxw_format *bold, lxw_format *wrap)
{
    static const char *const head[] = {"Indicator", "Id", "Unit", "Period", "Source"};
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Sources");
    lxw_row_t r = 0;

    if (!ws)
        return;
    for (lxw_col_t c = 0; c < 5; c++)
        worksheet_write_string(ws, r, c, head[c], bold);
    for (int c = 0; c < j->ncols; c++) {
        const nm_values *v = &j->cols[c].v;
        r++;
        worksheet_write_string(ws, r, 0, v->label ? v->label : v->key, wrap);
        worksheet_write_string(ws, r, 1, v->key, NULL);
        worksheet_write_string(ws, r, 2, style_of(v->unit).word, NULL);
        worksheet_write_string(ws, r, 3, v->period, NULL);
        worksheet_write_string(ws, r, 4, v->source ? v->source : "", wrap);
    }
    r += 2;
    if (j->since_note) {
        worksheet_write_string(ws, r++, 0, j->since_note, NULL);
        worksheet_write_string(ws, r++, 0, NM_SINCE_GUIDANCE, NULL);
    }
    worksheet_write_string(ws, r++, 0, "An empty cell: no data.  \"suppressed\": a small count "
                                       "withheld for disclosure control.", NULL);
    worksheet_write_string(ws, r, 0, "Shares are stored as fractions (0 to 1) and shown as "
                                     "percentages.", NULL);
    if (j->wards_said) /* the ward boundaries and lookup, as the Markdown says */
        worksheet_write_string(ws, ++r, 0, j->wards_said, NULL);
    worksheet_set_column(ws, 0, 0, 50, NULL);
    worksheet_set_column(ws, 1, 1, 24, NULL);
    worksheet_set_column(ws, 2, 3, 14, NULL);
    worksheet_set_column(ws, 4, 4, 80, NULL);
}

static nm_status write_xlsx(const tjob *j, const char *path)
{
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws;
    lxw_format *bold, *wrap, *grey, **fmt;
    lxw_error err;
    size_t i;
    int c;

    if (!wb)
        return nmC_fail(j->ctx, NM_ERROR, "%s: cannot create the workbook", j->o->output);
    int x = j->chg ? 2 : 0; /* the columns before the values */

    fmt = nm_calloc((size_t)j->ncols + 1, sizeof *fmt);
    ws = workbook_add_worksheet(wb, "Table");
    bold = workbook_add_format(wb);
    wrap = workbook_add_format(wb);
    grey = workbook_add_format(wb);
    if (!fmt || !ws || !bold || !wrap || !grey) {
        nm_free(fmt);
        workbook_close(wb);
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    }
    format_set_bold(bold);
    format_set_text_wrap(bold);
    format_set_align(bold, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(wrap);
    format_set_italic(grey);
    format_set_font_color(grey, 0x595959);
    /* row 1: labels; row 2: units; then one row per area */
    worksheet_write_string(ws, 0, 0, "Code", bold);
    worksheet_write_string(ws, 0, 1, "Name", bold);
    worksheet_write_string(ws, 1, 0, "", grey);
    worksheet_write_string(ws, 1, 1, "", grey);
    if (j->chg) {
        worksheet_write_string(ws, 0, 2, "Compared with", bold);
        worksheet_write_string(ws, 0, 3, "Lineage", bold);
    }
    for (c = 0; c < j->ncols; c++) {
        const nm_values *v = &j->cols[c].v;
        lxw_col_t col = (lxw_col_t)(c + 2 + x);
        worksheet_write_string(ws, 0, col, v->label && *v->label ? v->label : v->key, bold);
        worksheet_write_string(ws, 1, col, style_of(v->unit).word, grey);
        if ((fmt[c] = workbook_add_format(wb)))
            format_set_num_format(fmt[c], style_of(v->unit).xlsx);
    }
    for (i = 0; i < nm_areas_count(j->areas); i++) {
        lxw_row_t r = (lxw_row_t)(i + 2);
        worksheet_write_string(ws, r, 0, nm_areas_code(j->areas, i), NULL);
        worksheet_write_string(ws, r, 1, nm_areas_name(j->areas, i), NULL);
        if (j->chg) {
            worksheet_write_string(ws, r, 2, j->chg->then_code[i] ? j->chg->then_code[i] : "",
                                   NULL);
            worksheet_write_string(ws, r, 3, nm_lineage_name(j->chg->lineage[i]), NULL);
        }
        for (c = 0; c < j->ncols; c++) {
            const column *col = &j->cols[c];
            lxw_col_t at = (lxw_col_t)(c + 2 + x);
            if (is_suppressed(col, i))
                worksheet_write_string(ws, r, at, "suppressed", grey);
            else if (!isnan(col->v.value[i]))
                worksheet_write_number(ws, r, at, col->v.value[i], fmt[c]);
        }
    }
    worksheet_set_column(ws, 0, 0, 12, NULL);
    worksheet_set_column(ws, 1, 1, 28, NULL);
    if (j->ncols + x > 0)
        worksheet_set_column(ws, 2, (lxw_col_t)(j->ncols + x + 1), 16, NULL);
    worksheet_set_row(ws, 0, 60, NULL);
    worksheet_freeze_panes(ws, 2, (lxw_col_t)(2 + x));
    xlsx_sources(j, wb, bold, wrap);
    err = workbook_close(wb);
    nm_free(fmt);
    if (err != LXW_NO_ERROR)
        return nmC_fail(j->ctx, NM_ERROR, "%s: cannot write the workbook: %s", j->o->output,
                       lxw_strerror(err));
    return NM_OK;
}

/* ---- Markdown ------------------------------------------------------------ */

void nmP_md_text(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '\\')
            fputc('\\', fp);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, fp);
    }
}

/* "12,331", "27.48", "83.3%": decimals by unit, separators always. */
static void md_number(FILE *fp, double x, const char *unit)
{
    int pct = strcmp(unit, "share") == 0;
    int whole = strcmp(unit, "rank") == 0 || strcmp(unit, "decile") == 0 ||
                strcmp(unit, NM_UNIT_DECILE_CHANGE) == 0 || strcmp(unit, NM_UNIT_RANK_CHANGE) == 0;
    int people = strcmp(unit, "people") == 0 || strcmp(unit, "count") == 0;
    int dec = whole ? 0 : pct ? 1 : people ? (x == floor(x) ? 0 : 1) : 2;
    double scale = pow(10, dec), r;
    char ip[32];

    if (pct)
        x *= 100;
    r = round(fabs(x) * scale);
    if (r == 0)
        x = 0; /* no "-0.00" */
    fprintf(fp, "%s%s", x < 0 ? "-" : "", nmP_fmt_count((long)(r / scale), ip));
    if (dec > 0)
        fprintf(fp, ".%0*ld", dec, (long)fmod(r, scale));
    if (pct)
        fputc('%', fp);
}

static void write_md(const tjob *j, FILE *fp)
{
    size_t i;
    int c;

    fputs(j->chg ? "| Code | Name | Compared with | Lineage |" : "| Code | Name |", fp);
    for (c = 0; c < j->ncols; c++) {
        fputc(' ', fp);
        nmP_md_text(fp, j->cols[c].v.label);
        fputs(" |", fp);
    }
    fputs(j->chg ? "\n| :--- | :--- | :--- | :--- |" : "\n| :--- | :--- |", fp);
    for (c = 0; c < j->ncols; c++)
        fputs(" ---: |", fp);
    fputc('\n', fp);
    for (i = 0; i < nm_areas_count(j->areas); i++) {
        fputs("| ", fp);
        nmP_md_text(fp, nm_areas_code(j->areas, i));
        fputs(" | ", fp);
        nmP_md_text(fp, nm_areas_name(j->areas, i));
        fputs(" |", fp);
        if (j->chg) {
            fputc(' ', fp);
            nmP_md_text(fp, j->chg->then_code[i] ? j->chg->then_code[i] : "");
            fprintf(fp, " | %s |", nm_lineage_name(j->chg->lineage[i]));
        }
        for (c = 0; c < j->ncols; c++) {
            const column *col = &j->cols[c];
            fputc(' ', fp);
            if (is_suppressed(col, i))
                fputs("suppressed", fp);
            else if (!isnan(col->v.value[i]))
                md_number(fp, col->v.value[i], col->v.unit);
            fputs(" |", fp);
        }
        fputc('\n', fp);
    }
    if (j->since_note) {
        fputs("\n", fp);
        nmP_md_text(fp, j->since_note);
        fputs(". " NM_SINCE_GUIDANCE "\n", fp);
    }
    if (j->wards_said) {
        fputs("\n", fp);
        nmP_md_text(fp, j->wards_said);
        fputc('\n', fp);
    }
}

/* ---- two releases side by side (--since) --------------------------------- */

/* Column 'which' (0 the earlier release, 1 the later, 2 the change, later
 * minus earlier) of an indicator's change; takes what it needs from 'c'. */
static nm_status change_column(tjob *j, nm_change *c, int which, column *out)
{
    const nm_values *now = &c->now;
    nm_values *v = &out->v;
    nmC_buf label = {0}, key = {0};
    size_t i;

    memset(out, 0, sizeof *out);
    v->n = now->n;
    v->polarity = now->polarity;
    nmC_strlcpy(v->unit, now->unit, sizeof v->unit);
    nmC_strlcpy(v->period, which == 0 ? c->since : now->period, sizeof v->period);
    if (which == 2)
        nmC_strlcpy(v->unit, strcmp(now->unit, "decile") == 0 ? NM_UNIT_DECILE_CHANGE
                                                               : NM_UNIT_RANK_CHANGE,
                   sizeof v->unit);
    if (which == 2) {
        nmC_buf_addf(&label, "%s: change %s to %s (negative: more deprived)", now->label,
                    c->since, now->period);
        nmC_buf_addf(&key, "%s_change", now->key);
    } else {
        nmC_buf_addf(&label, "%s (%s)", which == 0 && c->then_label ? c->then_label : now->label,
                    v->period);
        nmC_buf_addf(&key, "%s_%s", now->key, v->period);
    }
    v->label = nmC_buf_take(&label);
    v->source = nm_strdup(now->source ? now->source : "");
    v->value = nm_malloc((v->n ? v->n : 1) * sizeof *v->value);
    if (!v->label || !v->source || !v->value || key.failed) {
        nmC_buf_free(&key);
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    }
    nmC_strlcpy(v->key, key.data, sizeof v->key);
    nmC_buf_free(&key);
    for (i = 0; i < v->n; i++)
        v->value[i] = which == 0   ? c->then[i]
                      : which == 1 ? now->value[i]
                                   : now->value[i] - c->then[i];
    return NM_OK;
}

/* Reads each indicator in both releases into three columns; the first
 * indicator's change is kept for the lineage columns and the note.  With
 * the default list, an indicator the earlier release lacks is left out
 * and said; one named is an error. */
static nm_status read_changes(tjob *j)
{
    nm_status rc = NM_OK;
    int c, k, kept = 0;

    j->cols = nm_calloc((size_t)j->nids * 3 + 1, sizeof *j->cols);
    j->chg = nm_calloc(1, sizeof *j->chg);
    if (!j->cols || !j->chg)
        return nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    for (c = 0; rc == NM_OK && c < j->nids; c++) {
        nm_change ch, *into = kept ? &ch : j->chg;
        rc = nm_change_read(j->store, j->areas, j->ids[c], j->o->period, j->o->since, into);
        if (rc == NM_NOTFOUND && j->all) {
            nmC_log(j->ctx, NM_LOG_INFO, "%s: %s", j->ids[c], nm_errmsg(j->ctx));
            nmC_clear(j->ctx);
            rc = NM_OK;
            continue;
        }
        for (k = 0; rc == NM_OK && k < 3; k++)
            if ((rc = change_column(j, into, k, &j->cols[j->ncols])) == NM_OK)
                j->ncols++;
        if (kept++)
            nm_change_clear(&ch);
    }
    if (rc == NM_OK && kept == 0)
        rc = nmC_fail(j->ctx, NM_NOTFOUND,
                     "no rank or decile of the %s areas is stored in both %s and %s",
                     nm_areas_level(j->areas), j->o->period ? j->o->period : "the latest release",
                     j->o->since);
    if (rc == NM_OK && !(j->since_note = nmP_change_note(j->areas, j->chg, "IoD")))
        rc = nmC_fail(j->ctx, NM_NOMEM, "out of memory");
    if (rc == NM_OK)
        nmC_log(j->ctx, NM_LOG_INFO, "%s", j->since_note);
    if (rc != NM_OK) {
        nm_change_clear(j->chg);
        nm_free(j->chg);
        j->chg = NULL;
    }
    return rc;
}

/* ---- the call ------------------------------------------------------------ */

static nm_status write_file(tjob *j, nmC_format format)
{
    nmC_atomic a = {0};
    nm_status rc = nmC_atomic_open(j->ctx, j->o->output, &a);

    if (rc != NM_OK)
        return rc;
    if (format == NMC_FMT_CSV)
        write_csv(j, a.fp);
    else if (format == NMC_FMT_XLSX)
        rc = write_xlsx(j, a.temp);
    else
        write_md(j, a.fp);
    if (rc == NM_OK)
        rc = nmC_atomic_commit(j->ctx, &a);
    nmC_atomic_abort(&a);
    return rc;
}

/* A table of nothing but empty cells is a mistake to report, not a file:
 * the values of these areas were never computed, or were of others. */
static nm_status check_some_known(const tjob *j)
{
    const char *level = j->o->level ? j->o->level : "ward";
    const char *within = j->o->within;
    int c;

    if (nm_areas_count(j->areas) == 0 || j->nids == 0)
        return NM_OK;
    for (c = 0; c < j->ncols; c++)
        if (nm_values_known(&j->cols[c].v) > 0)
            return NM_OK;
    if (strcmp(level, "lsoa") == 0)
        return nmC_fail(j->ctx, NM_NOTFOUND,
                       "none of the %zu %s areas%s%s has a value of the %d indicators asked for",
                       nm_areas_count(j->areas), level, within ? " within " : "",
                       within ? within : "", j->nids);
    return nmC_fail(j->ctx, NM_NOTFOUND,
                   "none of the %zu %s areas%s%s has a value of the %d indicators asked for: run "
                   "'needsmap aggregate --to %s%s%s' first",
                   nm_areas_count(j->areas), level, within ? " within " : "", within ? within : "",
                   j->nids, level, within ? " --within " : "", within ? within : "");
}

nm_status nm_table_write(nm_store *store, const nm_table_opts *o, nm_table_result *res)
{
    nm_table_result local;
    tjob j = {0};
    nm_status rc;
    nmC_format format;
    int c;

    j.store = store;
    j.ctx = nm_store_ctx(store);
    j.o = o;
    nmC_clear(j.ctx);
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    if (!o->output)
        return nmC_fail(j.ctx, NM_USAGE, "an output file is required (.csv, .xlsx or .md)");
    format = nmC_format_of(o->output);
    if (format != NMC_FMT_CSV && format != NMC_FMT_XLSX && format != NMC_FMT_MD)
        return nmC_fail(j.ctx, NM_USAGE, "%s: the table's format comes from the extension: .csv, "
                       ".xlsx or .md", o->output);
    rc = nm_areas_select(store, o->level ? o->level : "ward", o->vintage, o->within, &j.areas);
    if (rc == NM_OK)
        rc = choose_ids(&j);
    if (rc == NM_OK && o->since)
        rc = read_changes(&j);
    else if (rc == NM_OK && !(j.cols = nm_calloc((size_t)j.nids + 1, sizeof *j.cols)))
        rc = nmC_fail(j.ctx, NM_NOMEM, "out of memory");
    for (c = 0; rc == NM_OK && !o->since && c < j.nids; c++) {
        rc = nm_values_read(store, j.areas, j.ids[c], o->period, NM_RANK_NONE, &j.cols[c].v);
        j.ncols = c + 1;
        /* the default lists every period; a column takes its own */
        if (rc == NM_OK)
            rc = read_suppression(&j, &j.cols[c]);
    }
    if (rc == NM_OK)
        rc = check_some_known(&j);
    /* which wards: said under a Markdown table, and in the log (a CSV
       stays a plain grid) */
    if (rc == NM_OK && strcmp(nm_areas_level(j.areas), "ward") == 0)
        rc = nmP_wards_said_within(store, o->within, &j.wards_said);
    if (rc == NM_OK && j.wards_said)
        nmC_log(j.ctx, strstr(j.wards_said, "in another ward") ? NM_LOG_WARN : NM_LOG_INFO, "%s",
               j.wards_said);
    if (rc == NM_OK)
        rc = write_file(&j, format);
    if (rc == NM_OK) {
        res->rows = (long)nm_areas_count(j.areas);
        res->columns = j.ncols;
    }
    for (c = 0; j.cols && c < j.ncols; c++) {
        nm_values_clear(&j.cols[c].v);
        nm_free(j.cols[c].suppressed);
    }
    nm_free(j.cols);
    nm_change_clear(j.chg);
    nm_free(j.chg);
    nm_free(j.since_note);
    nm_free(j.wards_said);
    for (c = 0; c < j.nids; c++)
        nm_free(j.ids[c]);
    nm_free(j.ids);
    nm_areas_free(j.areas);
    return rc;
}
