/*
 * Unit tests of the one rule for a file's format (src/core/text.c,
 * nmC_extension and nmC_format_of): the extension is the last component's,
 * after its last dot, case ignored; a dot in a folder's name or at the
 * start of a name is no extension.  Every output and input that picks a
 * format by name (maps, pages, tables, summaries, charts, imports, build
 * checksums) asks this.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nm_int.h"

static void test_extension(void **state)
{
    (void)state;
    assert_string_equal(nmC_extension("a/b.PNG"), "PNG");
    assert_string_equal(nmC_extension("x.tar.gz"), "gz");
    assert_string_equal(nmC_extension("dir.pdf/file"), "");
    assert_string_equal(nmC_extension("dir.pdf/"), "");
    assert_string_equal(nmC_extension("noext"), "");
    assert_string_equal(nmC_extension(".hidden"), "");
    assert_string_equal(nmC_extension("dir/.hidden"), "");
    assert_string_equal(nmC_extension("dir/.hidden.csv"), "csv");
    assert_string_equal(nmC_extension("file."), "");
    assert_string_equal(nmC_extension(""), "");
    assert_string_equal(nmC_extension(NULL), "");
}

/* What a file beside an output keeps of its path (the world file of
 * "a.png" is "a.pgw") and what an import names its set after. */
static void test_stem_len(void **state)
{
    (void)state;
    assert_int_equal(nmC_stem_len("out/map.png"), 7);
    assert_int_equal(nmC_stem_len("x.tar.gz"), 5);
    assert_int_equal(nmC_stem_len("out.d/map"), 9);
    assert_int_equal(nmC_stem_len("dir/.hidden"), 11);
    assert_int_equal(nmC_stem_len("dir/.hidden.csv"), 11);
    assert_int_equal(nmC_stem_len("file."), 4);
    assert_int_equal(nmC_stem_len(""), 0);
    assert_int_equal(nmC_stem_len(NULL), 0);
}

static void test_format_of(void **state)
{
    (void)state;
    /* the cases of issue 13 */
    assert_int_equal(nmC_format_of("a/b.PNG"), NMC_FMT_PNG);
    assert_int_equal(nmC_format_of("dir.pdf/file"), NMC_FMT_UNKNOWN);
    assert_int_equal(nmC_format_of("x.tar.gz"), NMC_FMT_UNKNOWN);
    assert_int_equal(nmC_format_of("noext"), NMC_FMT_UNKNOWN);
    assert_int_equal(nmC_format_of(".hidden"), NMC_FMT_UNKNOWN);
    /* a name that is only a dot and a known word has no extension */
    assert_int_equal(nmC_format_of(".png"), NMC_FMT_UNKNOWN);
    assert_int_equal(nmC_format_of("out/.pdf"), NMC_FMT_UNKNOWN);
    /* the folder's dot is never the file's, either way round */
    assert_int_equal(nmC_format_of("maps.v2/map.Svg"), NMC_FMT_SVG);
    assert_int_equal(nmC_format_of("out.csv/"), NMC_FMT_UNKNOWN);
    /* every spelling each format has */
    assert_int_equal(nmC_format_of("p.pdf"), NMC_FMT_PDF);
    assert_int_equal(nmC_format_of("p.HTML"), NMC_FMT_HTML);
    assert_int_equal(nmC_format_of("p.htm"), NMC_FMT_HTML);
    assert_int_equal(nmC_format_of("t.Csv"), NMC_FMT_CSV);
    assert_int_equal(nmC_format_of("t.xlsx"), NMC_FMT_XLSX);
    assert_int_equal(nmC_format_of("t.xls"), NMC_FMT_XLS);
    assert_int_equal(nmC_format_of("t.ods"), NMC_FMT_ODS);
    assert_int_equal(nmC_format_of("t.md"), NMC_FMT_MD);
    assert_int_equal(nmC_format_of("t.MARKDOWN"), NMC_FMT_MD);
    assert_int_equal(nmC_format_of("b/lsoa.SHP"), NMC_FMT_SHP);
    /* near misses are not formats */
    assert_int_equal(nmC_format_of("t.xlsxx"), NMC_FMT_UNKNOWN);
    assert_int_equal(nmC_format_of("t.pn"), NMC_FMT_UNKNOWN);
    assert_int_equal(nmC_format_of("png"), NMC_FMT_UNKNOWN);
    assert_int_equal(nmC_format_of(NULL), NMC_FMT_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extension),
        cmocka_unit_test(test_stem_len), cmocka_unit_test(test_format_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
