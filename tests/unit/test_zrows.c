/*
 * Unit tests of the PNG row encoder (render/zrows.c): its streams, cut into
 * shares as write.c cuts them, framed as zlib and inflated by zlib, give
 * back exactly the "up"-filtered rows computed here byte by byte, for flat
 * maps, noise, stripes, rows too long for a match one row up, and byte
 * frequencies that make a Huffman code deeper than deflate allows (the
 * code builder is tested directly too: zrows.c is included); the Adler-32
 * summed over changed pixels only agrees with zlib's over every byte.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

/* the encoder itself, for its Huffman code builder (static) */
#include "render/zrows.c"

static uint32_t rng = 12345;

static uint32_t next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

/* An image of cairo RGB24 words; the top byte of each is noise, as cairo
 * leaves it undefined. */
typedef struct image {
    unsigned char *pix;
    int width, height, stride;
} image;

static image image_new(int width, int height)
{
    image im = {NULL, width, height, 4 * width + 8}; /* a stride wider than the row */

    im.pix = calloc((size_t)im.stride * (size_t)height, 1);
    assert_non_null(im.pix);
    return im;
}

static void put(image *im, int x, int y, uint32_t rgb)
{
    uint32_t v = (rgb & 0xffffffu) | (next_rand() & 0xffu) << 24;

    memcpy(im->pix + (size_t)y * (size_t)im->stride + 4 * (size_t)x, &v, 4);
}

/* The filtered rows as PNG defines them, byte by byte. */
static unsigned char *reference(const image *im, size_t *n)
{
    size_t row = 3 * (size_t)im->width + 1;
    unsigned char *out = malloc(row * (size_t)im->height);
    int x, y, c;

    assert_non_null(out);
    for (y = 0; y < im->height; y++) {
        out[(size_t)y * row] = 2;
        for (x = 0; x < im->width; x++)
            for (c = 0; c < 3; c++) {
                uint32_t v, w = 0;
                memcpy(&v, im->pix + (size_t)y * (size_t)im->stride + 4 * (size_t)x, 4);
                if (y > 0)
                    memcpy(&w, im->pix + (size_t)(y - 1) * (size_t)im->stride + 4 * (size_t)x, 4);
                out[(size_t)y * row + 1 + 3 * (size_t)x + (size_t)c] =
                    (unsigned char)((v >> (16 - 8 * c)) - (w >> (16 - 8 * c)));
            }
    }
    *n = row * (size_t)im->height;
    return out;
}

/* Encodes the image in 'shares' shares, frames them as zlib does and
 * checks that zlib inflates them (checksum included) to the reference. */
static void check_roundtrip(const image *im, int shares)
{
    rn_zout z[8];
    unsigned char *stream, *back;
    size_t n, total = 2, at;
    unsigned char *ref = reference(im, &n);
    uLong adler = 1;
    z_stream zs;
    int i, ret;

    assert_true(shares >= 1 && shares <= 8);
    memset(z, 0, sizeof z);
    for (i = 0; i < shares; i++) {
        int r0 = (int)((long)im->height * i / shares), r1 = (int)((long)im->height * (i + 1) / shares);
        /* the first share in the memory the thread keeps, as write.c does */
        assert_int_equal(nmR_deflate_rows(im->pix, im->stride, im->width, r0, r1, i == shares - 1,
                                          i == 0 ? RN_KEEP_ZROWS : RN_KEEP_NONE, &z[i]),
                         1);
        assert_int_equal(z[i].nraw, (3 * (size_t)im->width + 1) * (size_t)(r1 - r0));
        adler = i == 0 ? z[i].adler : adler32_combine(adler, z[i].adler, (z_off_t)z[i].nraw);
        total += z[i].nout;
    }
    assert_int_equal(adler, adler32(1, ref, (uInt)n));
    stream = malloc(total + 4);
    back = malloc(n + 1);
    assert_non_null(stream);
    assert_non_null(back);
    stream[0] = 0x78;
    stream[1] = 0x01;
    at = 2;
    for (i = 0; i < shares; i++) {
        memcpy(stream + at, z[i].out, z[i].nout);
        at += z[i].nout;
        nmR_zout_free(&z[i]);
    }
    stream[at++] = (unsigned char)(adler >> 24);
    stream[at++] = (unsigned char)(adler >> 16);
    stream[at++] = (unsigned char)(adler >> 8);
    stream[at++] = (unsigned char)adler;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(inflateInit(&zs), Z_OK);
    zs.next_in = stream;
    zs.avail_in = (uInt)at;
    zs.next_out = back;
    zs.avail_out = (uInt)(n + 1);
    ret = inflate(&zs, Z_FINISH);
    assert_int_equal(ret, Z_STREAM_END); /* the Adler-32 checked too */
    assert_int_equal(zs.total_out, n);
    assert_int_equal(zs.avail_in, 0);
    assert_memory_equal(back, ref, n);
    inflateEnd(&zs);
    free(stream);
    free(back);
    free(ref);
}

/* A map-like page: white, polygons of flat colour with soft edges, and
 * a few specks of text-like noise. */
static image flat_map(int width, int height)
{
    image im = image_new(width, height);
    int x, y;

    for (y = 0; y < height; y++)
        for (x = 0; x < width; x++) {
            uint32_t c = 0xffffff;
            int d = (x - width / 2) * (x - width / 2) + (y - height / 2) * (y - height / 2);
            if (x > width / 5 && x < width - width / 5 && y > height / 6 && y < height - height / 6)
                c = x + y / 2 < width / 2 ? 0xd7301f : 0x2c7fb8;
            if (d < width * width / 16)
                c = 0x31a354;
            if (abs(x - 2 * y) < 2)
                c = 0x808080 + (uint32_t)(x & 7); /* an antialiased slanting line */
            if (next_rand() % 500 == 0)
                c = next_rand();
            put(&im, x, y, c);
        }
    return im;
}

/* Every pixel random: literals only, blocks of the most symbols. */
static image noise_image(int width, int height)
{
    image im = image_new(width, height);
    int x, y;

    for (y = 0; y < height; y++)
        for (x = 0; x < width; x++)
            put(&im, x, y, next_rand());
    return im;
}

static void test_flat_maps(void **state)
{
    static const int sizes[][2] = {{1, 1}, {1, 9}, {2, 3}, {3, 2}, {7, 5}, {64, 64}, {301, 211}, {1754, 40}};
    size_t i;
    int s;

    (void)state;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        image im = flat_map(sizes[i][0], sizes[i][1]);
        for (s = 1; s <= 4 && s <= sizes[i][1]; s++)
            check_roundtrip(&im, s);
        free(im.pix);
    }
}

static void test_all_white_and_stripes(void **state)
{
    image im = image_new(500, 300);
    int x, y;

    (void)state;
    for (y = 0; y < im.height; y++)
        for (x = 0; x < im.width; x++)
            put(&im, x, y, 0xffffff);
    check_roundtrip(&im, 1);
    check_roundtrip(&im, 3);
    /* horizontal stripes: each edge row is one change repeated across the
       row (matches 3 back), vertical stripes repeat the row above */
    for (y = 0; y < im.height; y++)
        for (x = 0; x < im.width; x++)
            put(&im, x, y, (y / 7) % 2 ? 0x123456 : (x / 5) % 2 ? 0xfedcba : 0x000000);
    check_roundtrip(&im, 1);
    check_roundtrip(&im, 2);
    free(im.pix);
}

static void test_noise(void **state)
{
    image im = noise_image(400, 120);

    (void)state;
    check_roundtrip(&im, 1);
    check_roundtrip(&im, 4);
    free(im.pix);
}

/* A row longer than deflate's window: no match one row up. */
static void test_rows_past_the_window(void **state)
{
    image im = flat_map(12000, 6);

    (void)state;
    check_roundtrip(&im, 1);
    check_roundtrip(&im, 2);
    free(im.pix);
}

/* 21 bytes with Fibonacci frequencies, shuffled, in one block: an
 * unlimited Huffman code for them is about 20 bits deep, deflate allows
 * 15. */
static void test_deep_codes(void **state)
{
    size_t count = 0, fib[21], i, k;
    unsigned char *bytes;
    image im;

    (void)state;
    fib[0] = fib[1] = 1;
    for (i = 2; i < 21; i++)
        fib[i] = fib[i - 1] + fib[i - 2];
    for (i = 0; i < 21; i++)
        count += fib[i];
    count -= count % 3;
    bytes = malloc(count);
    assert_non_null(bytes);
    for (i = 0, k = 0; i < 21 && k < count; i++)
        for (size_t j = 0; j < fib[i] && k < count; j++)
            bytes[k++] = (unsigned char)(i * 9 + 1);
    /* shuffled so that no byte repeats the one before it or three before
       it, as far as the multiset allows: matches would eat the counts */
    for (i = 0; i < count; i++) {
        size_t j = i, tries;
        for (tries = 0; tries < 200; tries++) {
            j = i + next_rand() % (count - i);
            if ((i < 1 || bytes[j] != bytes[i - 1]) && (i < 3 || bytes[j] != bytes[i - 3]))
                break;
        }
        unsigned char t = bytes[i];
        bytes[i] = bytes[j];
        bytes[j] = t;
    }
    im = image_new((int)(count / 3), 1);
    for (i = 0; i < count / 3; i++)
        put(&im, (int)i, 0, (uint32_t)bytes[3 * i] << 16 | (uint32_t)bytes[3 * i + 1] << 8 | bytes[3 * i + 2]);
    check_roundtrip(&im, 1);
    free(im.pix);
    free(bytes);
}

/* Code lengths of Fibonacci frequencies: unlimited, 20 bits deep; here at
 * most 15 (7 for the code lengths' code), and every code complete (Kraft's
 * sum exactly 1), as inflate requires. */
static void test_code_lengths(void **state)
{
    uint32_t freq[ZR_LITLEN] = {0};
    uint8_t len[ZR_LITLEN];
    int limits[2] = {15, 7}, sizes[2] = {ZR_LITLEN, ZR_CLENS}, t, i, deepest;

    (void)state;
    for (t = 0; t < 2; t++) {
        double kraft = 0;
        memset(freq, 0, sizeof freq);
        freq[0] = freq[1] = 1;
        for (i = 2; i < sizes[t] && i < 21; i++)
            freq[i] = freq[i - 1] + freq[i - 2];
        huff_lengths(freq, sizes[t], limits[t], len);
        for (i = 0, deepest = 0; i < sizes[t]; i++) {
            assert_true((len[i] > 0) == (freq[i] > 0));
            if (len[i])
                kraft += 1.0 / (double)(1u << len[i]);
            deepest = len[i] > deepest ? len[i] : deepest;
        }
        assert_true(deepest <= limits[t]);
        assert_true(kraft == 1.0);
    }
    /* one symbol used, or none: two codes of one bit */
    memset(freq, 0, sizeof freq);
    freq[7] = 3;
    huff_lengths(freq, ZR_DISTS, 15, len);
    assert_int_equal(len[7], 1);
    assert_int_equal(len[0], 1);
    memset(freq, 0, sizeof freq);
    huff_lengths(freq, ZR_DISTS, 15, len);
    assert_int_equal(len[0] + len[1], 2);
}

/* On a thread other than the main one the encoder keeps its memory from
 * one image to the next, as a build's worker does: a small image, a larger
 * one (the block grows), noise whose output outgrows the block's room
 * (it moves out), and a small one again. */
static void *encode_on_a_worker(void *arg)
{
    image small = flat_map(50, 40), large = flat_map(1754, 60), noise = noise_image(300, 80);

    (void)arg;
    check_roundtrip(&small, 1);
    check_roundtrip(&large, 2);
    check_roundtrip(&noise, 1);
    check_roundtrip(&small, 2);
    free(small.pix);
    free(large.pix);
    free(noise.pix);
    return NULL;
}

static void test_kept_memory(void **state)
{
    pthread_t t;

    (void)state;
    assert_int_equal(pthread_create(&t, NULL, encode_on_a_worker, NULL), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flat_maps),        cmocka_unit_test(test_all_white_and_stripes),
        cmocka_unit_test(test_noise),            cmocka_unit_test(test_rows_past_the_window),
        cmocka_unit_test(test_deep_codes),       cmocka_unit_test(test_code_lengths),
        cmocka_unit_test(test_kept_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
