/*
 * The English Indices of Deprivation 2025 as MHCLG publishes them: Files 1-7
 * with their official headings (File 7's copied from the published CSV,
 * including its truncated sub-domain decile heading; Files 1-6 carry the
 * same headings, split by theme), written here as CSV and as XLSX (with
 * libxlsxwriter, a notes sheet first as in the published workbooks).  Each
 * file must give exactly the expected indicator ids, period 2025, LSOA 2021
 * codes and LSOA -> LAD 2024 memberships.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <xlsxwriter.h>

#include "needsmap/needsmap.h"
#include "support.h"

#define LSOA_COLS                                                                              \
    "LSOA code (2021)", "LSOA name (2021)", "Local Authority District code (2024)",           \
        "Local Authority District name (2024)"
#define RK " Rank (where 1 is most deprived)"
#define DC " Decile (where 1 is most deprived 10% of LSOAs)"
#define IMD "Index of Multiple Deprivation (IMD)"
#define IDACI "Income Deprivation Affecting Children Index (IDACI)"
#define IDAOPI "Income Deprivation Affecting Older People (IDAOPI)"
#define EDU "Education, Skills and Training"
#define HEALTH "Health Deprivation and Disability"
#define BHS "Barriers to Housing and Services"
#define CYP "Children and Young People Sub-domain"
#define POP_TOTAL "Total population: mid 2022"
#define POP_KIDS "Dependent Children aged 0-15: mid 2022"
#define POP_OLD "Older population aged 60 and over: mid 2022"
#define POP_WORK "Working age population 18-66 (for use with Employment Deprivation Domain): mid 2022"

typedef struct iod_file {
    const char *name;     /* file name without extension */
    const char *sheet;    /* the data sheet of the XLSX */
    const char *heads[64];
    const char *ids[64];  /* the indicators expected, sorted */
} iod_file;

static const iod_file files[] = {
    {"File_1_IoD2025_Index_of_Multiple_Deprivation", "IMD25",
     {LSOA_COLS, IMD RK, IMD DC, NULL},
     {"imd_decile", "imd_rank", NULL}},
    {"File_2_IoD2025_Domains_of_Deprivation", "IoD25 Domains",
     {LSOA_COLS, IMD RK, IMD DC, "Income" RK, "Income" DC, "Employment" RK, "Employment" DC,
      EDU RK, EDU DC, HEALTH RK, HEALTH DC, "Crime" RK, "Crime" DC, BHS RK, BHS DC,
      "Living Environment" RK, "Living Environment" DC, NULL},
     {"barriers_decile", "barriers_rank", "crime_decile", "crime_rank", "education_decile",
      "education_rank", "employment_decile", "employment_rank", "health_decile", "health_rank",
      "imd_decile", "imd_rank", "income_decile", "income_rank", "living_env_decile",
      "living_env_rank", NULL}},
    {"File_3_IoD2025_Supplementary_Indices_IDACI_and_IDAOPI", "IoD2025 IDACI & IDAOPI",
     {LSOA_COLS, IDACI RK, IDACI DC, IDAOPI RK, IDAOPI DC, NULL},
     {"idaci_decile", "idaci_rank", "idaopi_decile", "idaopi_rank", NULL}},
    {"File_4_IoD2025_Sub-domains_of_Deprivation", "IoD2025 Sub-domains",
     {LSOA_COLS, CYP RK, CYP DC, "Adult Skills Sub-domain" RK, "Adult Skills Sub-domain" DC,
      "Geographical Barriers Sub-domain" RK, "Geographical Barriers Sub-domain" DC,
      "Wider Barriers Sub-domain" RK, "Wider Barriers Sub-domain" DC, "Indoors Sub-domain" RK,
      "Indoors Sub-domain" DC, "Outdoors Sub-domain" RK, "Outdoors Sub-domain" DC, NULL},
     {"adult_skills_decile", "adult_skills_rank", "cyp_decile", "cyp_rank",
      "geog_barriers_decile", "geog_barriers_rank", "indoors_decile", "indoors_rank",
      "outdoors_decile", "outdoors_rank", "wider_barriers_decile", "wider_barriers_rank", NULL}},
    {"File_5_IoD2025_Scores_for_the_Indices_of_Deprivation", "IoD2025 Scores",
     {LSOA_COLS, IMD " Score", "Income Score (rate)", "Employment Score (rate)", EDU " Score",
      HEALTH " Score", "Crime Score", BHS " Score", "Living Environment Score",
      IDACI " Score (rate)", IDAOPI " Score (rate)", CYP " Score", "Adult Skills Sub-domain Score",
      "Geographical Barriers Sub-domain Score", "Wider Barriers Sub-domain Score",
      "Indoors Sub-domain Score", "Outdoors Sub-domain Score", NULL},
     {"adult_skills_score", "barriers_score", "crime_score", "cyp_score", "education_score",
      "employment_score", "geog_barriers_score", "health_score", "idaci_score", "idaopi_score",
      "imd_score", "income_score", "indoors_score", "living_env_score", "outdoors_score",
      "wider_barriers_score", NULL}},
    {"File_6_IoD2025_Population_Denominators", "ID 2025 Population Denominators",
     {LSOA_COLS, POP_TOTAL, POP_KIDS, POP_OLD, POP_WORK, NULL},
     {"pop_0_15", "pop_60_plus", "pop_total", "pop_working_age", NULL}},
    /* the published File 7 heading by heading, its cut-short one included */
    {"File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators", "IoD2025",
     {LSOA_COLS, IMD " Score", IMD RK, IMD DC, "Income Score (rate)", "Income" RK, "Income" DC,
      "Employment Score (rate)", "Employment" RK, "Employment" DC, EDU " Score", EDU RK, EDU DC,
      HEALTH " Score", HEALTH RK, HEALTH DC, "Crime Score", "Crime" RK, "Crime" DC, BHS " Score",
      BHS RK, BHS DC, "Living Environment Score", "Living Environment" RK,
      "Living Environment" DC, IDACI " Score (rate)", IDACI RK, IDACI DC, IDAOPI " Score (rate)",
      IDAOPI RK, IDAOPI DC, CYP " Score", CYP RK,
      CYP " Decile (where 1 is most deprived 10% of LSO", "Adult Skills Sub-domain Score",
      "Adult Skills Sub-domain" RK, "Adult Skills Sub-domain" DC,
      "Geographical Barriers Sub-domain Score", "Geographical Barriers Sub-domain" RK,
      "Geographical Barriers Sub-domain" DC, "Wider Barriers Sub-domain Score",
      "Wider Barriers Sub-domain" RK, "Wider Barriers Sub-domain" DC, "Indoors Sub-domain Score",
      "Indoors Sub-domain" RK, "Indoors Sub-domain" DC, "Outdoors Sub-domain Score",
      "Outdoors Sub-domain" RK, "Outdoors Sub-domain" DC, POP_TOTAL, POP_KIDS, POP_OLD, POP_WORK,
      NULL},
     {"adult_skills_decile", "adult_skills_rank", "adult_skills_score", "barriers_decile",
      "barriers_rank", "barriers_score", "crime_decile", "crime_rank", "crime_score",
      "cyp_decile", "cyp_rank", "cyp_score", "education_decile", "education_rank",
      "education_score", "employment_decile", "employment_rank", "employment_score",
      "geog_barriers_decile", "geog_barriers_rank", "geog_barriers_score", "health_decile",
      "health_rank", "health_score", "idaci_decile", "idaci_rank", "idaci_score",
      "idaopi_decile", "idaopi_rank", "idaopi_score", "imd_decile", "imd_rank", "imd_score",
      "income_decile", "income_rank", "income_score", "indoors_decile", "indoors_rank",
      "indoors_score", "living_env_decile", "living_env_rank", "living_env_score",
      "outdoors_decile", "outdoors_rank", "outdoors_score", "pop_0_15", "pop_60_plus",
      "pop_total", "pop_working_age", "wider_barriers_decile", "wider_barriers_rank",
      "wider_barriers_score", NULL}},
};
#define NFILES (sizeof files / sizeof files[0])

/* Three LSOAs of Southend-on-Sea with their real codes and names. */
static const char *const lsoa_code[3] = {"E01015842", "E01015814", "E01034095"};
static const char *const lsoa_name[3] = {"Southend-on-Sea 014D", "Southend-on-Sea 001A",
                                         "Southend-on-Sea 025F"};

static int nheads(const iod_file *f)
{
    int n = 0;
    while (f->heads[n])
        n++;
    return n;
}

/* A value for row r of column c: deciles stay in 1-10. */
static double cell_value(int r, int c)
{
    return (double)(1 + (r * 3 + c) % 10);
}

static void quote_csv(FILE *fp, const char *s)
{
    if (strchr(s, ',')) {
        fputc('"', fp);
        fputs(s, fp);
        fputc('"', fp);
    } else {
        fputs(s, fp);
    }
}

static void write_csv(const char *path, const iod_file *f)
{
    FILE *fp = fopen(path, "w");
    int c, r, n = nheads(f);

    assert_non_null(fp);
    for (c = 0; c < n; c++) {
        if (c)
            fputc(',', fp);
        quote_csv(fp, f->heads[c]);
    }
    fputc('\n', fp);
    for (r = 0; r < 3; r++) {
        fprintf(fp, "%s,%s,E06000033,Southend-on-Sea", lsoa_code[r], lsoa_name[r]);
        for (c = 4; c < n; c++)
            fprintf(fp, ",%g", cell_value(r, c));
        fputc('\n', fp);
    }
    fclose(fp);
}

/* As MHCLG's workbooks: a notes sheet, then the data sheet. */
static void write_xlsx(const char *path, const iod_file *f)
{
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *notes, *ws;
    int c, r, n = nheads(f);

    assert_non_null(wb);
    notes = workbook_add_worksheet(wb, "Notes");
    worksheet_write_string(notes, 0, 0, "English Indices of Deprivation 2025", NULL);
    ws = workbook_add_worksheet(wb, f->sheet);
    for (c = 0; c < n; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, f->heads[c], NULL);
    for (r = 0; r < 3; r++) {
        worksheet_write_string(ws, (lxw_row_t)(r + 1), 0, lsoa_code[r], NULL);
        worksheet_write_string(ws, (lxw_row_t)(r + 1), 1, lsoa_name[r], NULL);
        worksheet_write_string(ws, (lxw_row_t)(r + 1), 2, "E06000033", NULL);
        worksheet_write_string(ws, (lxw_row_t)(r + 1), 3, "Southend-on-Sea", NULL);
        for (c = 4; c < n; c++)
            worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, cell_value(r, c), NULL);
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

/* One query's rows as "a|b|c\n" text. */
static void query(const char *db, const char *sql, char *out, size_t cap)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    size_t len = 0;

    out[0] = '\0';
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int i;
        for (i = 0; i < sqlite3_column_count(st); i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "|" : "", v ? v : "");
            assert_true(len < cap);
        }
        len += (size_t)snprintf(out + len, cap - len, "\n");
        assert_true(len < cap);
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
}

/* import iod of 'path' into a new store 'db' */
static void import_into(const char *path, const char *db)
{
    nm_ctx *ctx = nm_ctx_new();
    nm_store *store = NULL;
    nm_iod_opts o = {0};

    assert_int_equal(nm_store_open(ctx, db, NM_STORE_CREATE, &store), NM_OK);
    o.in.path = path;
    if (nm_import_iod(store, &o, NULL) != NM_OK)
        fail_msg("%s: %s", path, nm_errmsg(ctx));
    nm_store_close(store);
    nm_ctx_free(ctx);
}

static void check_import(const char *dir, const iod_file *f, const char *ext)
{
    char path[512], db[512], got[8192], want[8192] = "";
    size_t len = 0;
    int i;

    snprintf(path, sizeof path, "%s/%s.%s", dir, f->name, ext);
    snprintf(db, sizeof db, "%s/%s-%s.sqlite", dir, f->name, ext);
    if (strcmp(ext, "csv") == 0)
        write_csv(path, f);
    else
        write_xlsx(path, f);
    import_into(path, db);

    for (i = 0; f->ids[i]; i++)
        len += (size_t)snprintf(want + len, sizeof want - len, "%s|2025|lsoa|2021|3\n", f->ids[i]);
    snprintf(path, sizeof path, "SELECT key, period, level, vintage, (SELECT COUNT(*) FROM "
                                "data_1) FROM indicator ORDER BY key");
    query(db, path, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("%s.%s: indicators\n%s\nexpected\n%s", f->name, ext, got, want);
    query(db,
          "SELECT child, child_vintage, parent, parent_level, parent_vintage FROM membership "
          "ORDER BY child",
          got, sizeof got);
    assert_string_equal(got, "E01015814|2021|E06000033|lad|2024\n"
                             "E01015842|2021|E06000033|lad|2024\n"
                             "E01034095|2021|E06000033|lad|2024\n");
}

static void test_every_file_csv(void **state)
{
    size_t i;
    for (i = 0; i < NFILES; i++)
        check_import(*state, &files[i], "csv");
}

static void test_every_file_xlsx(void **state)
{
    size_t i;
    for (i = 0; i < NFILES; i++)
        check_import(*state, &files[i], "xlsx");
}

/* The cut-short decile heading is a decile, and its values are stored. */
static void test_truncated_decile_values(void **state)
{
    char db[512], got[256];

    snprintf(db, sizeof db, "%s/%s-csv.sqlite", (char *)*state, files[6].name);
    query(db,
          "SELECT d.cyp_decile, i.label, i.unit, i.polarity FROM data_1 d, indicator i "
          "WHERE d.code = 'E01015842' AND i.key = 'cyp_decile'",
          got, sizeof got);
    /* column 36 (0-based) of row 0: 1 + 36 % 10 */
    assert_string_equal(got, "7.0|Children and Young People Sub-domain decile (1 = most "
                             "deprived 10%)|decile|-1\n");
    query(db, "SELECT label FROM indicator WHERE key = 'pop_working_age'", got, sizeof got);
    assert_string_equal(got, "Working age population 18-66, mid 2022\n");
}

/* An age band is named by its ages, whatever band a release publishes:
 * 2019's File 6 has "Population aged 16-59"; a heading that only starts
 * like one ("Population aged over 16", "16-59 and over") is no band. */
static void test_population_band(void **state)
{
    static const iod_file band = {
        "File_6_IoD2019_Population_Denominators_band", "",
        {"LSOA code (2011)", "LSOA name (2011)", "Local Authority District code (2019)",
         "Local Authority District name (2019)",
         "Total population: mid 2015 (excluding prisoners)",
         "Population aged 16-59: mid 2015 (excluding prisoners)",
         "Population aged 18-65: mid 2015", "Population aged over 16: mid 2015",
         "Population aged 16-59 and over: mid 2015", NULL},
        {NULL}};
    char path[512], db[512], got[1024];

    snprintf(path, sizeof path, "%s/%s.csv", (char *)*state, band.name);
    snprintf(db, sizeof db, "%s/%s.sqlite", (char *)*state, band.name);
    write_csv(path, &band);
    import_into(path, db);
    query(db, "SELECT key, label, unit, polarity, period FROM indicator ORDER BY key", got,
          sizeof got);
    assert_string_equal(got, "pop_16_59|Population aged 16-59, mid 2015|people|0|2019\n"
                             "pop_18_65|Population aged 18-65, mid 2015|people|0|2019\n"
                             "pop_total|Total population, mid 2015|people|0|2019\n");
}

static int setup(void **state)
{
    static char dir[64];

    snprintf(dir, sizeof dir, "/tmp/nm-iod2025-XXXXXX");
    assert_non_null(mkdtemp(dir));
    *state = dir;
    return 0;
}

static int teardown(void **state)
{

    return ts_rmtree((char *)*state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_file_csv),
        cmocka_unit_test(test_every_file_xlsx),
        cmocka_unit_test(test_truncated_decile_values),
        cmocka_unit_test(test_population_band),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
