/*
 * Unit tests of number parsing (src/core/text.c).  nmC_parse_double reads
 * plain decimals without strtod; every value it gives must be the very
 * double strtod gives for the same text, which is checked bit for bit on a
 * million random decimals of the shapes data files hold, and on the edges
 * where a fast path would go wrong.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nm_int.h"

static void assert_same_as_strtod(const char *text)
{
    double mine = 0, theirs = strtod(text, NULL);

    if (!nmC_parse_double(text, &mine))
        fail_msg("\"%s\" was refused", text);
    if (memcmp(&mine, &theirs, sizeof mine) != 0)
        fail_msg("\"%s\": %.17g, strtod %.17g", text, mine, theirs);
}

/* A small deterministic generator, so a failure can be reproduced. */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static void test_random_decimals(void **state)
{
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    char text[64];
    int i;

    (void)state;
    for (i = 0; i < 1000000; i++) {
        uint64_t r = next_random(&seed);
        int digits = 1 + (int)(r % 17);  /* 1..17: beyond 15 takes strtod */
        int point = (int)((r >> 8) % (unsigned)(digits + 1));
        int neg = (r >> 16) & 1, k = 0, d;

        if (neg)
            text[k++] = '-';
        for (d = 0; d < digits; d++) {
            if (d == point && d > 0)
                text[k++] = '.';
            text[k++] = (char)('0' + next_random(&seed) % 10);
        }
        text[k] = '\0';
        assert_same_as_strtod(text);
    }
}

static void test_edges(void **state)
{
    static const char *const same[] = {
        "0",  "-0", "0.0", ".5", "-.5", "73.557", "0.1", "0.3", "999999999999999",
        "9007199254740993", "1234567890123456789", "0.000000000000001",
        "123456789012.345", "1e5", "-2.5E-3", "12.", " 42 ", "+7",
    };
    size_t i;
    double v;

    (void)state;
    for (i = 0; i < sizeof same / sizeof *same; i++)
        assert_same_as_strtod(same[i]);
    /* thousands separators are data; anything else that is not a decimal
       is not */
    assert_true(nmC_parse_double("12,331", &v));
    assert_true(v == 12331.0);
    assert_false(nmC_parse_double("n/a", &v));
    assert_false(nmC_parse_double("", &v));
    assert_false(nmC_parse_double("-", &v));
    assert_false(nmC_parse_double(".", &v));
    assert_false(nmC_parse_double("1.2.3", &v));
    assert_false(nmC_parse_double("nan", &v));
    assert_false(nmC_parse_double("inf", &v));
    assert_false(nmC_parse_double("0x10", &v));
    assert_false(nmC_parse_double("1,23", &v));
    assert_false(nmC_parse_double("5 %", &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_decimals),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
