/*
 * The figures-file reader (batch/figures.c): sections become inputs and
 * figures of their types with their options filled from the keys, ${var}
 * is expanded (and overridden by --set), relative paths are resolved
 * against the file's folder, and each problem is reported once with the
 * file, line, section and key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "batch/build_int.h"
#include "needsmap/needsmap.h"
#include "support.h"

typedef struct fixture {
    char dir[64];
    nm_ctx *ctx;
    char log[4096];
} fixture;

static void keep_log(void *user, nm_level level, const char *message)
{
    fixture *f = user;
    size_t n = strlen(f->log);
    (void)level;
    snprintf(f->log + n, sizeof f->log - n, "%s\n", message);
}

static int setup(void **state)
{
    static fixture f;

    memset(&f, 0, sizeof f);
    assert_int_equal(ts_tmpdir(f.dir, "figures"), 0);
    f.ctx = nm_ctx_new();
    nm_ctx_set_log(f.ctx, keep_log, &f, NM_LOG_WARN);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    nm_ctx_free(f->ctx);
    return ts_rmtree(f->dir);
}

static const char *write_ini(fixture *f, const char *text)
{
    static char path[128];
    FILE *fp;

    snprintf(path, sizeof path, "%s/figures.ini", f->dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    f->log[0] = '\0';
    return path;
}

static const bd_section *section(const bd_file *b, const char *name)
{
    for (size_t i = 0; i < b->nsec; i++)
        if (strcmp(b->sec[i].name, name) == 0)
            return &b->sec[i];
    fail_msg("no section [%s]", name);
    return NULL;
}

static void test_sections(void **state)
{
    fixture *f = *state;
    const char *path = write_ini(f, "[vars]\n"
                                    "data = in\n"
                                    "la = E06000033\n"
                                    "\n"
                                    "[data.wards]\n"
                                    "type = boundaries\n"
                                    "file = ${data}/wards.geojson\n"
                                    "level = ward\n"
                                    "\n"
                                    "[map.imd]\n"
                                    "indicator = imd_score\n"
                                    "within = ${la}\n"
                                    "palette = Blues\n"
                                    "output = out/imd.png\n");
    char want[192];
    bd_file b = {0};

    assert_int_equal(nmB_file_read(f->ctx, path, NULL, 0, NULL, &b), NM_OK);
    assert_int_equal(b.nsec, 3); /* [vars] is kept as a section of its own */
    assert_null(section(&b, "vars")->type);
    {
        const bd_section *d = section(&b, "data.wards");
        assert_true(d->is_input);
        assert_string_equal(d->type->name, "boundaries");
        assert_string_equal(d->id, "wards");
        assert_int_equal(d->line, 5);
        snprintf(want, sizeof want, "%s/in/wards.geojson", f->dir);
        assert_string_equal(d->file, want);
    }
    {
        const bd_section *m = section(&b, "map.imd");
        const nm_choropleth_opts *o = m->opts;
        assert_false(m->is_input);
        assert_string_equal(m->type->name, "map");
        assert_string_equal(o->indicator, "imd_score");
        assert_string_equal(o->within, "E06000033");
        assert_string_equal(o->palette, "Blues");
        snprintf(want, sizeof want, "%s/out/imd.png", f->dir);
        assert_string_equal(m->output, want);
        assert_int_equal(m->output_line, 14);
        assert_int_equal(strlen(m->definition), 64);
    }
    nmB_file_free(&b);
}

static void test_set_overrides(void **state)
{
    fixture *f = *state;
    const char *path = write_ini(f, "[vars]\nla = E06000033\n\n"
                                    "[map.imd]\nindicator = imd_score\nwithin = ${la}\n"
                                    "output = imd.png\n");
    const char *set[] = {"la=E06000034"};
    bd_file b = {0}, again = {0};

    assert_int_equal(nmB_file_read(f->ctx, path, set, 1, NULL, &b), NM_OK);
    assert_string_equal(((const nm_choropleth_opts *)section(&b, "map.imd")->opts)->within,
                        "E06000034");
    /* the definition hashes the values: another --set, another definition */
    assert_int_equal(nmB_file_read(f->ctx, path, NULL, 0, NULL, &again), NM_OK);
    assert_string_not_equal(section(&b, "map.imd")->definition,
                            section(&again, "map.imd")->definition);
    nmB_file_free(&b);
    nmB_file_free(&again);
}

static void test_problems(void **state)
{
    fixture *f = *state;
    const char *path = write_ini(f, "[map.imd]\n"
                                    "indicator = imd_score\n"
                                    "palete = Blues\n"
                                    "dpi = many\n"
                                    "output = imd.png\n"
                                    "\n"
                                    "[chart.x]\n"
                                    "output = x.png\n");
    bd_file b = {0};
    char want[160];

    assert_int_equal(nmB_file_read(f->ctx, path, NULL, 0, NULL, &b), NM_USAGE);
    snprintf(want, sizeof want, "%s:3: [map.imd] palete", path);
    assert_non_null(strstr(f->log, want));
    assert_non_null(strstr(f->log, "palette")); /* the key meant */
    snprintf(want, sizeof want, "%s:4: [map.imd] dpi", path);
    assert_non_null(strstr(f->log, want));
    assert_non_null(strstr(f->log, "\"many\""));
    snprintf(want, sizeof want, "%s:7:", path);
    assert_non_null(strstr(f->log, want));
    assert_int_equal(b.errors, 3);
    nmB_file_free(&b);
}

static void test_outputs_stay_inside(void **state)
{
    fixture *f = *state;
    const char *path = write_ini(f, "[map.a]\nindicator = imd_score\noutput = ../escaped.png\n\n"
                                    "[map.b]\nindicator = imd_score\noutput = same.png\n\n"
                                    "[map.c]\nindicator = imd_score\noutput = same.png\n");
    bd_file b = {0};
    char want[160];

    assert_int_equal(nmB_file_read(f->ctx, path, NULL, 0, NULL, &b), NM_USAGE);
    snprintf(want, sizeof want, "%s:3: [map.a] output", path);
    assert_non_null(strstr(f->log, want));
    snprintf(want, sizeof want, "%s:11: [map.c] output", path);
    assert_non_null(strstr(f->log, want));
    nmB_file_free(&b);
}

static void test_missing_file(void **state)
{
    fixture *f = *state;
    char path[128];
    bd_file b = {0};

    snprintf(path, sizeof path, "%s/none.ini", f->dir);
    assert_int_equal(nmB_file_read(f->ctx, path, NULL, 0, NULL, &b), NM_ERROR);
    assert_non_null(strstr(nm_errmsg(f->ctx), path));
    nmB_file_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections),    cmocka_unit_test(test_set_overrides),
        cmocka_unit_test(test_problems),    cmocka_unit_test(test_outputs_stay_inside),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
