/*
 * The deflate encoder of a map's PNG rows.  A map page is flat colour:
 * after PNG's "up" filter 90-96% of its bytes are zero, yet zlib (and
 * libdeflate) look at every byte through their hash chains, about 2.3 ns a
 * byte on a virtual machine, a third of a national atlas's time.  This
 * encoder knows the data's shape and tries only the matches it has:
 *
 *   distance 1      a run of zeros (or of any one byte value);
 *   distance 3      the previous pixel: along a horizontal edge every
 *                   pixel changes by the same amount from the row above;
 *   the row length  the same filtered bytes one row up: a vertical or
 *                   slanting edge, the margins, and the filter byte itself.
 *
 * The candidates are compared eight bytes at a time, so a run of zeros
 * costs a load and a compare per word; the filter compares two pixels at a
 * time with the row above and writes and sums (Adler-32) only those that
 * changed, a run of zeros adding to the sums in one multiplication.  Blocks use dynamic Huffman codes (RFC 1951 3.2.7).
 * The output is a raw deflate stream; write.c frames it as zlib and PNG.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

#define ZR_MAX_MATCH 258
#define ZR_MAX_DIST 32768
#define ZR_BLOCK_SYMS 32768
#define ZR_LITLEN 286
#define ZR_DISTS 30
#define ZR_CLENS 19
#define ZR_ADLER_MOD 65521u

/* A literal (its byte), or a match (ZR_MATCH | length code | its extra
 * bits << 5 | distance code << 10 | its extra bits << 15). */
typedef uint32_t zr_sym;
#define ZR_MATCH 0x80000000u

typedef struct zr_enc {
    rn_zout *z;
    uint64_t acc; /* bits not yet written, the first in the lowest bit */
    int nacc;
    zr_sym *syms;
    size_t nsyms;
    uint32_t lfreq[ZR_LITLEN], dfreq[ZR_DISTS];
    int ok;
} zr_enc;

static const uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,   25,
                                       33,   49,   65,   97,   129,  193,   257,   385,   513,  769,
                                       1025, 1537, 2049, 3073, 4097, 6145,  8193,  12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
/* the order in which the code lengths' code lengths are sent */
static const uint8_t clen_order[ZR_CLENS] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                             11, 4,  12, 3, 13, 2, 14, 1, 15};

/* The index of the last base not above v. */
static int code_of(const uint16_t *base, int n, unsigned v)
{
    int lo = 0, hi = n - 1;

    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (base[mid] <= v)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* ---- output --------------------------------------------------------------- */

int nmR_zout_reserve(rn_zout *z, size_t more)
{
    size_t cap;
    unsigned char *p;

    if (z->nout + more <= z->cap)
        return 1;
    cap = z->cap ? 2 * z->cap : 1 << 16;
    while (cap < z->nout + more)
        cap *= 2;
    /* out may lie in the encoder's kept block: then it moves out */
    p = z->owned ? nm_realloc(z->out, cap) : nm_malloc(cap);
    if (!p)
        return 0;
    if (!z->owned && z->nout)
        memcpy(p, z->out, z->nout);
    z->out = p;
    z->cap = cap;
    z->owned = 1;
    return 1;
}

void nmR_zout_free(rn_zout *z)
{
    if (z->owned)
        nm_free(z->out);
    nmR_kept_done(z->hold);
    memset(z, 0, sizeof *z);
}

static int reserve(zr_enc *e, size_t more)
{
    return nmR_zout_reserve(e->z, more) ? 1 : (e->ok = 0);
}

/* Appends the low n (at most 32) bits of v; room was reserved.  Whole
 * bytes wait in the accumulator until there are four. */
static void put_bits(zr_enc *e, uint32_t v, int n)
{
    e->acc |= (uint64_t)v << e->nacc;
    e->nacc += n;
    if (e->nacc >= 32) {
        unsigned char *o = e->z->out + e->z->nout;
        o[0] = (unsigned char)e->acc;
        o[1] = (unsigned char)(e->acc >> 8);
        o[2] = (unsigned char)(e->acc >> 16);
        o[3] = (unsigned char)(e->acc >> 24);
        e->z->nout += 4;
        e->acc >>= 32;
        e->nacc -= 32;
    }
}

/* Writes out the whole bytes waiting, and the last part byte zero-padded
 * when 'pad'. */
static void put_flush(zr_enc *e, int pad)
{
    while (e->nacc >= 8 || (pad && e->nacc > 0)) {
        e->z->out[e->z->nout++] = (unsigned char)e->acc;
        e->acc >>= 8;
        e->nacc = e->nacc >= 8 ? e->nacc - 8 : 0;
    }
}

/* ---- Huffman codes -------------------------------------------------------- */

typedef struct hnode {
    uint32_t w;
    int parent;
} hnode;

static int by_weight(const void *a, const void *b)
{
    const hnode *x = a, *y = b;
    return x->w < y->w ? -1 : x->w > y->w;
}

/* Code lengths of at most 'maxbits' for the n symbols with frequencies
 * 'freq'.  Every code is complete: with fewer than two symbols used, a
 * second gets a length too (inflate wants a complete code). */
static void huff_lengths(const uint32_t *freq, int n, int maxbits, uint8_t *len)
{
    uint32_t f[ZR_LITLEN];
    hnode node[2 * ZR_LITLEN];
    int sym[ZR_LITLEN], depth[2 * ZR_LITLEN];
    int used = 0, i;

    memset(len, 0, (size_t)n);
    for (i = 0; i < n; i++)
        f[i] = freq[i];
    for (i = 0; i < n; i++)
        used += f[i] > 0;
    if (used < 2) {
        int s = 0;
        for (i = 0; i < n; i++)
            if (f[i] > 0)
                s = i;
        len[s] = 1;
        len[s == 0 ? 1 : 0] = 1;
        return;
    }
    for (;;) {
        int nl = 0, next, leaf, inner, maxd = 0;
        for (i = 0; i < n; i++)
            if (f[i] > 0) {
                node[nl].w = f[i];
                node[nl].parent = i; /* the symbol, until sorted */
                nl++;
            }
        qsort(node, (size_t)nl, sizeof *node, by_weight);
        for (i = 0; i < nl; i++) {
            sym[i] = node[i].parent;
            node[i].parent = -1;
        }
        /* two queues: leaves in order of weight, inner nodes as made */
        leaf = 0;
        inner = nl;
        next = nl;
        while (next < 2 * nl - 1) {
            int pick[2], k;
            for (k = 0; k < 2; k++) {
                if (leaf < nl && (inner >= next || node[leaf].w <= node[inner].w))
                    pick[k] = leaf++;
                else
                    pick[k] = inner++;
            }
            node[next].w = node[pick[0]].w + node[pick[1]].w;
            node[next].parent = -1;
            node[pick[0]].parent = next;
            node[pick[1]].parent = next;
            next++;
        }
        depth[next - 1] = 0;
        for (i = next - 2; i >= 0; i--) {
            depth[i] = depth[node[i].parent] + 1;
            if (i < nl && depth[i] > maxd)
                maxd = depth[i];
        }
        if (maxd <= maxbits) {
            for (i = 0; i < nl; i++)
                len[sym[i]] = (uint8_t)depth[i];
            return;
        }
        /* too deep: flatten the weights and build again */
        for (i = 0; i < n; i++)
            if (f[i] > 0)
                f[i] = (f[i] >> 1) | 1;
    }
}

/* Canonical codes of the lengths, bit-reversed as deflate sends them. */
static void huff_codes(const uint8_t *len, int n, uint16_t *code)
{
    int count[16] = {0}, next[16], i, b;

    for (i = 0; i < n; i++)
        count[len[i]]++;
    count[0] = 0;
    next[0] = 0;
    for (b = 1; b < 16; b++)
        next[b] = (next[b - 1] + count[b - 1]) << 1;
    for (i = 0; i < n; i++) {
        unsigned c, r = 0;
        if (!len[i]) {
            code[i] = 0;
            continue;
        }
        c = (unsigned)next[len[i]]++;
        for (b = 0; b < len[i]; b++)
            r |= ((c >> b) & 1u) << (len[i] - 1 - b);
        code[i] = (uint16_t)r;
    }
}

/* ---- blocks --------------------------------------------------------------- */

/* The lengths of both alphabets, run-length coded with 16, 17 and 18.
 * OUT rle[] (symbol | extra << 8), returns their count. */
static int rle_lengths(const uint8_t *lens, int n, uint16_t *rle, uint32_t *cfreq)
{
    int i = 0, m = 0;

    while (i < n) {
        int v = lens[i], run = 1;
        while (i + run < n && lens[i + run] == v)
            run++;
        if (v == 0 && run >= 3) {
            int k = run > 138 ? 138 : run;
            if (k >= 11)
                rle[m++] = (uint16_t)(18 | (k - 11) << 8), cfreq[18]++;
            else
                rle[m++] = (uint16_t)(17 | (k - 3) << 8), cfreq[17]++;
            i += k;
            continue;
        }
        rle[m++] = (uint16_t)v;
        cfreq[v]++;
        i++;
        run--;
        while (run >= 3) {
            int k = run > 6 ? 6 : run;
            rle[m++] = (uint16_t)(16 | (k - 3) << 8);
            cfreq[16]++;
            i += k;
            run -= k;
        }
    }
    return m;
}

/* Writes the symbols gathered as one block with dynamic codes. */
static void flush_block(zr_enc *e, int final)
{
    uint8_t llen[ZR_LITLEN], dlen[ZR_DISTS], clen[ZR_CLENS], both[ZR_LITLEN + ZR_DISTS];
    uint16_t lcode[ZR_LITLEN], dcode[ZR_DISTS], ccode[ZR_CLENS], rle[ZR_LITLEN + ZR_DISTS];
    uint32_t cfreq[ZR_CLENS] = {0};
    int hlit, hdist, hclen, nrle, i;
    size_t s;

    if (!e->ok)
        return;
    e->lfreq[256]++; /* end of block */
    huff_lengths(e->lfreq, ZR_LITLEN, 15, llen);
    huff_lengths(e->dfreq, ZR_DISTS, 15, dlen);
    huff_codes(llen, ZR_LITLEN, lcode);
    huff_codes(dlen, ZR_DISTS, dcode);
    for (hlit = ZR_LITLEN; hlit > 257 && llen[hlit - 1] == 0; hlit--)
        ;
    for (hdist = ZR_DISTS; hdist > 1 && dlen[hdist - 1] == 0; hdist--)
        ;
    memcpy(both, llen, (size_t)hlit);
    memcpy(both + hlit, dlen, (size_t)hdist);
    nrle = rle_lengths(both, hlit + hdist, rle, cfreq);
    huff_lengths(cfreq, ZR_CLENS, 7, clen);
    huff_codes(clen, ZR_CLENS, ccode);
    for (hclen = ZR_CLENS; hclen > 4 && clen[clen_order[hclen - 1]] == 0; hclen--)
        ;
    /* a symbol is at most 15 + 5 + 15 + 13 bits */
    if (!reserve(e, e->nsyms * 6 + 1024))
        return;
    put_bits(e, final ? 1 : 0, 1);
    put_bits(e, 2, 2); /* dynamic Huffman codes */
    put_bits(e, (uint32_t)(hlit - 257), 5);
    put_bits(e, (uint32_t)(hdist - 1), 5);
    put_bits(e, (uint32_t)(hclen - 4), 4);
    for (i = 0; i < hclen; i++)
        put_bits(e, clen[clen_order[i]], 3);
    for (i = 0; i < nrle; i++) {
        int c = rle[i] & 0xff, x = rle[i] >> 8;
        put_bits(e, ccode[c], clen[c]);
        if (c == 16)
            put_bits(e, (uint32_t)x, 2);
        else if (c == 17)
            put_bits(e, (uint32_t)x, 3);
        else if (c == 18)
            put_bits(e, (uint32_t)x, 7);
    }
    for (s = 0; s < e->nsyms; s++) {
        zr_sym y = e->syms[s];
        if (!(y & ZR_MATCH)) {
            put_bits(e, lcode[y], llen[y]);
        } else {
            unsigned lc = y & 31, dc = (y >> 10) & 31;
            put_bits(e, lcode[257 + lc] | ((y >> 5) & 31) << llen[257 + lc],
                     llen[257 + lc] + len_extra[lc]);
            put_bits(e, dcode[dc] | ((y >> 15) & 0x1fff) << dlen[dc], dlen[dc] + dist_extra[dc]);
        }
    }
    put_bits(e, lcode[256], llen[256]);
    e->nsyms = 0;
    memset(e->lfreq, 0, sizeof e->lfreq);
    memset(e->dfreq, 0, sizeof e->dfreq);
}

static void add_literal(zr_enc *e, unsigned char c)
{
    e->syms[e->nsyms++] = c;
    e->lfreq[c]++;
    if (e->nsyms == ZR_BLOCK_SYMS)
        flush_block(e, 0);
}

/* 'dc' is the code of 'dist' (code_of(dist_base, ...)): a row's few
 * distances are looked up once. */
static void add_match(zr_enc *e, unsigned len, unsigned dist, unsigned dc)
{
    unsigned lc = len == ZR_MAX_MATCH ? 28 : (unsigned)code_of(len_base, 29, len);

    e->syms[e->nsyms++] = ZR_MATCH | lc | (len - len_base[lc]) << 5 | dc << 10 |
                          (dist - dist_base[dc]) << 15;
    e->lfreq[257 + lc]++;
    e->dfreq[dc]++;
    if (e->nsyms == ZR_BLOCK_SYMS)
        flush_block(e, 0);
}

/* ---- matching ------------------------------------------------------------- */

static uint32_t load32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* How many bytes from a equal those from b, at most max. */
static size_t same_len(const unsigned char *a, const unsigned char *b, size_t max)
{
    size_t n = 0;

    while (n + 8 <= max) {
        uint64_t x, y;
        memcpy(&x, a + n, 8);
        memcpy(&y, b + n, 8);
        if (x != y) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return n + (size_t)(__builtin_ctzll(x ^ y) >> 3);
#else
            break;
#endif
        }
        n += 8;
    }
    while (n < max && a[n] == b[n])
        n++;
    return n;
}

/* The longer of the match so far and one from 'src', tried only when its
 * first three bytes agree (a literal costs three compares). */
static void try_match(const unsigned char *cur, const unsigned char *src, size_t max,
                      unsigned dist, size_t *best, unsigned *best_dist)
{
    size_t len;

    if (((load32(cur) ^ load32(src)) & 0xffffffu) != 0 || *best >= max)
        return;
    len = same_len(cur, src, max);
    if (len > *best) {
        *best = len;
        *best_dist = dist;
    }
}

/* Deflates one filtered row 'cur' of n bytes (readable to n + 4); 'above'
 * is the filtered row before it in the stream (NULL for the image's
 * first). */
static void encode_row(zr_enc *e, const unsigned char *cur, const unsigned char *above, size_t n)
{
    unsigned dc_row = n <= ZR_MAX_DIST ? (unsigned)code_of(dist_base, 30, (unsigned)n) : 0;
    size_t i = 0;

    if (n > ZR_MAX_DIST)
        above = NULL;
    while (i < n && e->ok) {
        size_t max = n - i < ZR_MAX_MATCH ? n - i : ZR_MAX_MATCH, best = 0;
        unsigned dist = 0;
        if (i >= 1 && cur[i] == 0 && cur[i - 1] == 0) {
            /* inside a run of zeros: most of a map */
            best = same_len(cur + i, cur + i - 1, max);
            dist = 1;
        } else if (max >= 3) {
            if (above)
                try_match(cur + i, above + i, max, (unsigned)n, &best, &dist);
            if (i >= 1)
                try_match(cur + i, cur + i - 1, max, 1, &best, &dist);
            if (i >= 3)
                try_match(cur + i, cur + i - 3, max, 3, &best, &dist);
        }
        if (best >= 3) {
            add_match(e, (unsigned)best, dist, dist == 1 ? 0 : dist == 3 ? 2 : dc_row);
            i += best;
        } else {
            add_literal(e, cur[i]);
            i++;
        }
    }
}

/* ---- filtering and checksum ------------------------------------------------ */

/* Row y of the image, "up"-filtered, into out[0..3*width]: the filter byte
 * and each byte less the one above it.  Cairo's RGB24 is a native-endian
 * 0x00RRGGBB word whose top byte is not defined; two pixels are compared
 * at once, and only those that changed are written over zeros. */
static void put_pixel(unsigned char *o, uint32_t a, uint32_t b)
{
    o[0] = (unsigned char)((a >> 16) - (b >> 16));
    o[1] = (unsigned char)((a >> 8) - (b >> 8));
    o[2] = (unsigned char)(a - b);
}

/* The Adler-32 sums of a row as it is filtered: a run of k zeros adds k
 * times the first sum to the second, so only changed pixels are summed. */
typedef struct zr_adler {
    uint64_t s1, s2;
    size_t at; /* bytes of the row summed */
} zr_adler;

static void adler_bytes(zr_adler *a, const unsigned char *row, size_t from, size_t to)
{
    size_t i;

    a->s2 += a->s1 * (uint64_t)(from - a->at);
    for (i = from; i < to; i++) {
        a->s1 += row[i];
        a->s2 += a->s1;
    }
    a->at = to;
}

void nmR_filter_row(const unsigned char *pix, int stride, int width, int y, unsigned char *out,
                    uint32_t *adler)
{
    const unsigned char *row = pix + (size_t)y * (size_t)stride;
    const unsigned char *up = y > 0 ? row - stride : NULL;
    size_t n = 3 * (size_t)width + 1;
    zr_adler a = {*adler & 0xffff, *adler >> 16, 0};
    int x;

    out[0] = 2; /* up */
    if (!up) {
        for (x = 0; x < width; x++)
            put_pixel(out + 1 + 3 * (size_t)x, load32(row + 4 * (size_t)x), 0);
        adler_bytes(&a, out, 0, n);
    } else {
        memset(out + 1, 0, 3 * (size_t)width);
        adler_bytes(&a, out, 0, 1);
        for (x = 0; x + 1 < width; x += 2) {
            uint64_t v, w;
            memcpy(&v, row + 4 * (size_t)x, 8);
            memcpy(&w, up + 4 * (size_t)x, 8);
            if (((v ^ w) & 0x00ffffff00ffffffull) == 0)
                continue;
            put_pixel(out + 1 + 3 * (size_t)x, (uint32_t)v, (uint32_t)w);
            put_pixel(out + 4 + 3 * (size_t)x, (uint32_t)(v >> 32), (uint32_t)(w >> 32));
            adler_bytes(&a, out, 1 + 3 * (size_t)x, 7 + 3 * (size_t)x);
        }
        if (x < width) {
            put_pixel(out + 1 + 3 * (size_t)x, load32(row + 4 * (size_t)x),
                      load32(up + 4 * (size_t)x));
            adler_bytes(&a, out, 1 + 3 * (size_t)x, n);
        }
        adler_bytes(&a, out, n, n);
    }
    /* a row is well under 2^20 bytes: the sums stay far below 2^64 */
    *adler = (uint32_t)((a.s2 % ZR_ADLER_MOD) << 16 | (a.s1 % ZR_ADLER_MOD));
}

/* ---- a share of rows --------------------------------------------------------- */

/* Bytes of the encoder's block: its symbols, two rows and room for about
 * what zlib would need for the share's rows. */
#define ZR_SYMS_BYTES (ZR_BLOCK_SYMS * sizeof(zr_sym))

int nmR_deflate_rows(const unsigned char *pix, int stride, int width, int row0, int row1, int last,
                     int keep_slot, rn_zout *z)
{
    size_t n = 3 * (size_t)width + 1, rowcap = (n + 8 + 63) / 64 * 64;
    size_t room = n * (size_t)(row1 - row0) / 4 + 65536;
    /* the symbols, two rows (8 bytes to spare: the matcher reads words
       past a row's end) and the output's first room, in one block kept by
       a build's worker from map to map */
    unsigned char *block =
        nmR_kept(keep_slot, ZR_SYMS_BYTES + 2 * rowcap + room, &z->hold);
    unsigned char *a = block ? block + ZR_SYMS_BYTES : NULL, *b = a ? a + rowcap : NULL;
    unsigned char *above = NULL, *cur = a;
    zr_enc e;
    int y;

    memset(&e, 0, sizeof e);
    e.z = z;
    e.ok = block != NULL;
    z->adler = 1;
    z->nraw = 0;
    z->nout = 0;
    if (e.ok) {
        e.syms = (zr_sym *)block;
        memset(a + n, 0, 8);
        memset(b + n, 0, 8);
        z->out = b + rowcap;
        z->cap = room;
        z->owned = 0;
    }
    if (e.ok && row0 > 0) {
        /* the row before the share is in the stream already: a match may
           reach into it */
        uint32_t unused = 1;
        nmR_filter_row(pix, stride, width, row0 - 1, b, &unused);
        above = b;
    }
    for (y = row0; e.ok && y < row1; y++) {
        nmR_filter_row(pix, stride, width, y, cur, &z->adler);
        z->nraw += n;
        encode_row(&e, cur, above, n);
        above = cur;
        cur = cur == a ? b : a;
    }
    flush_block(&e, last);
    if (e.ok && !last && reserve(&e, 16)) {
        /* end on a byte boundary with an empty stored block, as zlib's
           Z_SYNC_FLUSH does, so that the next share's bytes follow */
        put_bits(&e, 0, 3);
        put_flush(&e, 1);
        put_bits(&e, 0xffff0000u, 32);
        put_flush(&e, 0);
    } else if (e.ok && reserve(&e, 8)) {
        put_flush(&e, 1);
    }
    return e.ok;
}
