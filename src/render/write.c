/*
 * Output of a map page: PNG (drawn in horizontal bands on threads into one
 * pixel buffer, written with libpng at a chosen compression level, plus a
 * world file), PDF and SVG (vector, thinned at print resolution, text kept
 * as text).  Every file replaces its target atomically through
 * nmC_atomic_open/commit; what is drawn is draw.c's and furniture.c's business.
 */
#include <math.h>
#include <png.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "bng_prj.h"
#include "render_int.h"

#define MAX_BANDS 8

/* ---- PNG ---------------------------------------------------------------- */

/* One horizontal band of the page, drawn by one thread. */
typedef struct band {
    const nm_map *map;
    const rn_layout *lay;
    const rn_dev *feat, *outl;
    unsigned char *pix;
    int width, stride, row0, row1;
    double k;
    cairo_status_t status;
} band;

static void *draw_band(void *arg)
{
    band *b = arg;
    cairo_surface_t *surf;
    cairo_t *cr;
    double pad = 3 * b->k; /* the widest line reaches this far past a shape */

    surf = cairo_image_surface_create_for_data(b->pix + (size_t)b->row0 * (size_t)b->stride,
                                               CAIRO_FORMAT_RGB24, b->width, b->row1 - b->row0,
                                               b->stride);
    cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_translate(cr, 0, -b->row0);
    b->status = nmR_draw_geometry(cr, b->map, b->lay, b->feat, b->outl, b->k, b->row0 - pad,
                                 b->row1 + pad, 0);
    cairo_destroy(cr);
    cairo_surface_destroy(surf);
    return NULL;
}

/* Adds the points of each shape to the row of its centre. */
static void weigh_rows(const rn_dev *dev, double *w, int height)
{
    size_t i, r;

    for (i = 0; i < dev->nsh; i++) {
        const rn_devshape *d = &dev->sh[i];
        long row = lround((d->y0 + d->y1) / 2);
        size_t pts = 0;
        for (r = d->ring0; r < d->ring0 + d->nrings; r++)
            pts += dev->rlen[r];
        if (pts == 0)
            continue;
        row = row < 0 ? 0 : row >= height ? height - 1 : row;
        w[row] += (double)pts;
    }
}

/* Splits the page into bands of about equal drawing work: the points to
 * draw, not the rows, as a city has far more than its share.  OUT
 * splits[0..n]. */
static nm_status band_splits(nm_ctx *ctx, const rn_dev *feat, const rn_dev *outl, int height,
                             int n, int *splits)
{
    double *w = nm_calloc((size_t)height, sizeof *w), total = 0, acc = 0;
    int row, j = 1;

    if (!w)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    weigh_rows(feat, w, height);
    weigh_rows(outl, w, height);
    for (row = 0; row < height; row++)
        total += w[row] + 1; /* +1: empty rows still cost a little */
    splits[0] = 0;
    for (row = 0; row < height && j < n; row++) {
        acc += w[row] + 1;
        if (acc >= total * j / n)
            splits[j++] = row + 1;
    }
    while (j <= n)
        splits[j++] = height;
    nm_free(w);
    return NM_OK;
}

/* Draws the geometry into 'pix' in bands, on threads where possible. */
static nm_status draw_bands(nm_ctx *ctx, const nm_map *map, const rn_layout *lay,
                            const rn_dev *feat, const rn_dev *outl, unsigned char *pix, int stride,
                            double k)
{
    int n = nmC_threads_for(ctx, map->opts.threads), splits[MAX_BANDS + 1], i;
    int width = (int)lay->pub.width_px, height = (int)lay->pub.height_px;
    band bands[MAX_BANDS];
    pthread_t tid[MAX_BANDS];
    int started[MAX_BANDS] = {0};
    nm_status rc;

    if (n > MAX_BANDS)
        n = MAX_BANDS;
    if ((rc = band_splits(ctx, feat, outl, height, n, splits)) != NM_OK)
        return rc;
    for (i = 0; i < n; i++) {
        bands[i] = (band){map, lay, feat, outl, pix, width, stride, splits[i], splits[i + 1], k,
                          CAIRO_STATUS_SUCCESS};
        if (bands[i].row1 <= bands[i].row0)
            continue;
        /* band 0 runs on this thread; a thread that cannot start runs here too */
        if (i > 0 && pthread_create(&tid[i], NULL, draw_band, &bands[i]) == 0)
            started[i] = 1;
    }
    if (bands[0].row1 > bands[0].row0)
        draw_band(&bands[0]);
    for (i = 1; i < n; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else if (bands[i].row1 > bands[i].row0)
            draw_band(&bands[i]);
    }
    for (i = 0; i < n; i++)
        if (bands[i].status != CAIRO_STATUS_SUCCESS)
            return nmC_fail(ctx, NM_ERROR, "drawing the map failed: %s",
                           cairo_status_to_string(bands[i].status));
    return NM_OK;
}

typedef struct png_err {
    char msg[200];
} png_err;

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_err *e = png_get_error_ptr(png);

    nmC_strlcpy(e->msg, msg, sizeof e->msg);
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg; /* the library never prints */
}

/* The PNG's image data is deflated on threads, a share of the rows each
 * (pigz's way: every share but the last ends on a byte boundary with an
 * empty stored block, and the Adler-32 checksums of the shares are
 * combined), because one deflate stream is a fifth of a map of England's
 * time and libpng has no way to run two.  libpng still writes the file:
 * signature, header, pHYs and the chunks around the data. */
typedef struct zshare {
    const unsigned char *pix;
    int width, stride, row0, row1, level, last;
    int keep; /* the kept memory's slot (RN_KEEP_ZROWS + share) or RN_KEEP_NONE */
    rn_zout zo; /* raw deflate of the filtered rows, their Adler-32 and count */
    int ok;
} zshare;

static int zshare_append(zshare *z, const unsigned char *p, size_t n)
{
    rn_zout *o = &z->zo;

    if (!nmR_zout_reserve(o, n))
        return 0;
    memcpy(o->out + o->nout, p, n);
    o->nout += n;
    return 1;
}

static int zshare_put(zshare *z, z_stream *zs, const unsigned char *in, size_t n, int flush)
{
    unsigned char buf[65536];
    int ret;

    zs->next_in = (Bytef *)in;
    zs->avail_in = (uInt)n;
    do {
        zs->next_out = buf;
        zs->avail_out = sizeof buf;
        ret = deflate(zs, flush);
        if (ret == Z_STREAM_ERROR)
            return 0;
        n = sizeof buf - zs->avail_out;
        if (n == 0)
            continue;
        if (!zshare_append(z, buf, n))
            return 0;
    } while (zs->avail_out == 0 || zs->avail_in > 0);
    return 1;
}

static int zshare_append_front(zshare *z, const unsigned char *p, size_t n)
{
    if (!zshare_append(z, p, n))
        return 0;
    memmove(z->zo.out + n, z->zo.out, z->zo.nout - n);
    memcpy(z->zo.out, p, n);
    return 1;
}

/* The filtered rows [row0, row1) deflated by zlib. */
static void *deflate_share_zlib(zshare *z)
{
    unsigned char *filt = nm_malloc(3 * (size_t)z->width + 1);
    z_stream zs;
    int y, zok;

    memset(&zs, 0, sizeof zs);
    z->zo.adler = 1;
    zok = deflateInit2(&zs, z->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    z->ok = zok && filt;
    for (y = z->row0; z->ok && y < z->row1; y++) {
        nmR_filter_row(z->pix, z->stride, z->width, y, filt, &z->zo.adler);
        z->zo.nraw += 3 * (size_t)z->width + 1;
        z->ok = zshare_put(z, &zs, filt, 3 * (size_t)z->width + 1, Z_NO_FLUSH);
    }
    if (z->ok)
        z->ok = zshare_put(z, &zs, NULL, 0, z->last ? Z_FINISH : Z_SYNC_FLUSH);
    if (zok)
        deflateEnd(&zs);
    nm_free(filt);
    return NULL;
}

/* Filters ("up": flat colour makes repeated rows nearly free for one
 * subtraction a byte) and deflates rows [row0, row1): at levels 1 to 3
 * with zrows.c's encoder, which knows a map's runs, at 0 and 4 to 9 with
 * zlib, which searches harder for a smaller file. */
static void *deflate_share(void *arg)
{
    zshare *z = arg;

    if (z->level >= 1 && z->level <= 3) {
        z->ok = nmR_deflate_rows(z->pix, z->stride, z->width, z->row0, z->row1, z->last, z->keep,
                                 &z->zo);
        return NULL;
    }
    return deflate_share_zlib(z);
}

/* Writes the PNG around deflated image data: signature, header, pHYs, the
 * shares as IDAT chunks, the end.  Returns 1 on success, 0 with e->msg
 * set. */
static int png_frame(FILE *fp, const zshare *z, int n, int width, int height, double dpi,
                     png_err *e)
{
    png_structp png;
    png_infop info = NULL;
    volatile int ok = 0;
    int i;

    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, e, png_on_error, png_on_warning);
    if (!png) {
        nmC_strlcpy(e->msg, "out of memory", sizeof e->msg);
        return 0;
    }
    if (setjmp(png_jmpbuf(png)))
        goto cleanup;
    info = png_create_info_struct(png);
    if (!info)
        png_error(png, "out of memory");
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_pHYs(png, info, (png_uint_32)lround(dpi / 0.0254), (png_uint_32)lround(dpi / 0.0254),
                 PNG_RESOLUTION_METER);
    png_write_info(png, info);
    for (i = 0; i < n; i++)
        png_write_chunk(png, (png_const_bytep) "IDAT", z[i].zo.out, z[i].zo.nout);
    png_write_chunk(png, (png_const_bytep) "IEND", NULL, 0);
    png_write_flush(png);
    ok = 1;

cleanup:
    png_destroy_write_struct(&png, &info);
    return ok;
}

/* Writes cairo RGB24 pixels as an 8-bit RGB PNG, deflated in 'shares'
 * shares on up to 'threads' threads.  The shares, not the threads, fix the
 * bytes: a build's worker, held to one thread, writes the same file as a
 * map drawn alone.  Returns 1 on success, 0 with e->msg set. */
static int png_encode(FILE *fp, const unsigned char *pix, int width, int height, int stride,
                      int level, int shares, int threads, double dpi, png_err *e)
{
    int ok = 0;
    zshare z[MAX_BANDS];
    pthread_t tid[MAX_BANDS];
    int started[MAX_BANDS] = {0}, i, n = shares < 1 ? 1 : shares > MAX_BANDS ? MAX_BANDS : shares;
    unsigned char head[2] = {0x78, 0x01}, tail[4];
    uLong adler;

    if (n > height)
        n = height > 0 ? height : 1;
    memset(z, 0, sizeof z);
    for (i = 0; i < n; i++) {
        z[i].pix = pix;
        z[i].width = width;
        z[i].stride = stride;
        z[i].row0 = (int)((long)height * i / n);
        z[i].row1 = (int)((long)height * (i + 1) / n);
        z[i].level = level;
        z[i].last = i == n - 1;
        /* a share on this thread may use its kept memory, one slot each; a
           share on a thread of its own may not (that thread ends before
           the file is written), and is told so before the thread starts */
        z[i].keep = i > 0 && i < threads ? RN_KEEP_NONE : RN_KEEP_ZROWS + i;
        if (i > 0 && i < threads && pthread_create(&tid[i], NULL, deflate_share, &z[i]) == 0)
            started[i] = 1;
    }
    deflate_share(&z[0]);
    for (i = 1; i < n; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else
            deflate_share(&z[i]);
    }
    adler = z[0].zo.adler;
    for (i = 0; i < n; i++) {
        if (!z[i].ok) {
            nmC_strlcpy(e->msg, "out of memory compressing the image", sizeof e->msg);
            goto out;
        }
        if (i > 0)
            adler = adler32_combine(adler, z[i].zo.adler, (z_off_t)z[i].zo.nraw);
    }
    tail[0] = (unsigned char)(adler >> 24);
    tail[1] = (unsigned char)(adler >> 16);
    tail[2] = (unsigned char)(adler >> 8);
    tail[3] = (unsigned char)adler;
    /* the zlib stream: header, the shares, the checksum */
    if (!zshare_append_front(&z[0], head, 2) || !zshare_append(&z[n - 1], tail, 4)) {
        nmC_strlcpy(e->msg, "out of memory compressing the image", sizeof e->msg);
        goto out;
    }
    ok = png_frame(fp, z, n, width, height, dpi, e);

out:
    for (i = 0; i < n; i++)
        nmR_zout_free(&z[i].zo);
    return ok;
}

static nm_status write_png(nm_ctx *ctx, const nm_map *map, const rn_layout *lay, PangoContext *pc,
                           FILE *fp)
{
    double k = map->dpi / RN_MM_PER_INCH, grid, tol;
    int width = (int)lay->pub.width_px, height = (int)lay->pub.height_px;
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, width);
    unsigned char *pix = NULL;
    void *pix_hold = NULL;
    rn_dev feat = {0}, outl = {0};
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    nm_status rc;
    png_err e = {{0}};

    pix = nmR_kept(RN_KEEP_PAGE, (size_t)stride * (size_t)height, &pix_hold);
    if (!pix) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory for a %dx%d image", width, height);
        goto cleanup;
    }
    /* vertices snapped to cells of simplify_px, and dropped where they
     * stray less than 1.5 cells (0.5 px by default) from their neighbours'
     * line */
    grid = map->opts.simplify_px;
    tol = 1.5 * map->opts.simplify_px;
    if ((rc = nmR_dev_build(ctx, map, lay, map->feat, map->nfeat, k, grid, tol, &feat)) != NM_OK ||
        (rc = nmR_dev_build(ctx, map, lay, map->outl, map->noutl, k, grid, tol, &outl)) != NM_OK)
        goto cleanup;
    if ((rc = draw_bands(ctx, map, lay, &feat, &outl, pix, stride, k)) != NM_OK)
        goto cleanup;
    /* the furniture goes on after the bands are joined: Pango stays on
     * this thread */
    surf = cairo_image_surface_create_for_data(pix, CAIRO_FORMAT_RGB24, width, height, stride);
    cr = cairo_create(surf);
    cairo_scale(cr, k, k);
    nmR_draw_furniture(cr, pc, map, lay, NULL);
    if ((rc = nmR_locator_draw(ctx, map, lay, cr, pc, k, 0)) != NM_OK)
        goto cleanup;
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        rc = nmC_fail(ctx, NM_ERROR, "drawing the page failed: %s",
                     cairo_status_to_string(cairo_status(cr)));
        goto cleanup;
    }
    cairo_surface_flush(surf);
    if (!png_encode(fp, pix, width, height, stride, map->opts.png_level, map->opts.threads,
                    nmC_threads_for(ctx, map->opts.threads), map->dpi, &e))
        rc = nmC_fail(ctx, NM_ERROR, "writing PNG failed: %s", e.msg);

cleanup:
    if (cr)
        cairo_destroy(cr);
    if (surf)
        cairo_surface_destroy(surf);
    nmR_dev_free(&feat);
    nmR_dev_free(&outl);
    nmR_kept_done(pix_hold);
    return rc;
}

/* Replaces the extension of 'path' with ".pgw".  Caller frees with
 * nm_free(). */
static char *world_path(const char *path, const char *ext)
{
    nmC_buf b = {0};

    nmC_buf_add(&b, path, nmC_stem_len(path));
    nmC_buf_add(&b, ext, strlen(ext));
    return nmC_buf_take(&b);
}

/* Writes 'text' to the file beside a PNG with extension 'ext', atomically. */
static nm_status write_beside(nm_ctx *ctx, const char *png_path, const char *ext,
                              const char *text)
{
    char *path = world_path(png_path, ext);
    nmC_atomic a = {0};
    nm_status rc;

    if (!path)
        return nmC_fail(ctx, NM_NOMEM, "out of memory");
    rc = nmC_atomic_open(ctx, path, &a);
    if (rc == NM_OK) {
        fputs(text, a.fp);
        rc = nmC_atomic_commit(ctx, &a);
    }
    nmC_atomic_abort(&a);
    nm_free(path);
    return rc;
}

/* Writes the world file of a PNG (pixel size, rotation terms, negative
 * pixel height, and the centre of the top-left pixel, in BNG metres) and
 * the .prj beside it: British National Grid in ESRI's WKT, as PROJ writes
 * it (bng_prj.h is generated at build time). */
static nm_status write_world(nm_ctx *ctx, const char *png_path, const nm_map_layout *p)
{
    char text[160];

    snprintf(text, sizeof text, "%.10f\n0.0000000000\n0.0000000000\n%.10f\n%.10f\n%.10f\n",
             p->pixel_size, -p->pixel_size, p->origin_x, p->origin_y);
    nm_status rc = write_beside(ctx, png_path, ".pgw", text);
    return rc == NM_OK ? write_beside(ctx, png_path, ".prj", RN_BNG_PRJ) : rc;
}

/* ---- PDF and SVG ---------------------------------------------------------- */

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
    nmC_buf *b = closure;

    nmC_buf_add(b, (const char *)data, len);
    return b->failed ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* Appends "\n<NAME>text</NAME>" with the text escaped for XML. */
static void svg_element(nmC_buf *b, const char *name, const char *text)
{
    const char *p;

    nmC_buf_addf(b, "\n<%s>", name);
    for (p = text; *p; p++) {
        if (*p == '&')
            nmC_buf_add(b, "&amp;", 5);
        else if (*p == '<')
            nmC_buf_add(b, "&lt;", 4);
        else if (*p == '>')
            nmC_buf_add(b, "&gt;", 4);
        else
            nmC_buf_add(b, p, 1);
    }
    nmC_buf_addf(b, "</%s>", name);
}

/* Writes the SVG cairo made with a <title> first and the text elements
 * last, so that the text is drawn over the map. */
static nm_status splice_svg(nm_ctx *ctx, const nm_map *map, const nmC_buf *svg, const nmC_buf *text,
                            FILE *fp)
{
    const char *open = svg->data ? strstr(svg->data, "<svg") : NULL;
    const char *open_end = open ? strchr(open, '>') : NULL;
    const char *close = NULL, *p;
    nmC_buf title = {0};
    nm_status rc = NM_OK;

    for (p = svg->data; p && (p = strstr(p, "</svg>")) != NULL; p++)
        close = p;
    if (!open_end || !close || close < open_end)
        return nmC_fail(ctx, NM_ERROR, "cairo wrote an SVG without an <svg> element");
    if (map->title)
        svg_element(&title, "title", map->title);
    if (map->description)
        svg_element(&title, "desc", map->description);
    if (title.failed) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    fwrite(svg->data, 1, (size_t)(open_end + 1 - svg->data), fp);
    if (title.len)
        fwrite(title.data, 1, title.len, fp);
    fwrite(open_end + 1, 1, (size_t)(close - open_end - 1), fp);
    if (text->len)
        fwrite(text->data, 1, text->len, fp);
    fwrite(close, 1, strlen(close), fp);

cleanup:
    nmC_buf_free(&title);
    return rc;
}

static nm_status write_vector(nm_ctx *ctx, const nm_map *map, const rn_layout *lay,
                              PangoContext *pc, FILE *fp, nmC_format fmt)
{
    double k = RN_PT_PER_MM, snap;
    double wpt = lay->pub.page_w_mm * k, hpt = lay->pub.page_h_mm * k;
    rn_dev feat = {0}, outl = {0};
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    nmC_buf svg = {0};
    rn_svgtext text = {{0}};
    char date[32];
    cairo_status_t st;
    nm_status rc;

    /* detail finer than a dot of the printer is invisible and bloats the
     * file; a grid of a power-of-two fraction of a point near that dot
     * keeps cairo's numbers short ("12.125", not "12.12109") */
    snap = pow(2, floor(log2(map->opts.print_dpi / 72)));
    if ((rc = nmR_dev_build(ctx, map, lay, map->feat, map->nfeat, k, 1 / snap,
                           72 / map->opts.print_dpi, &feat)) != NM_OK ||
        (rc = nmR_dev_build(ctx, map, lay, map->outl, map->noutl, k, 1 / snap,
                           72 / map->opts.print_dpi, &outl)) != NM_OK)
        goto cleanup;
    if (fmt == NMC_FMT_PDF) {
        surf = cairo_pdf_surface_create_for_stream(to_file, fp, wpt, hpt);
        if (map->title)
            cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, map->title);
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "needsmap");
        if (map->description)
            cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_SUBJECT, map->description);
        /* the same map gives the same bytes: no clock in the file (a
           build compares outputs, and -j 1 and -j 2 must agree) */
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, nmC_output_date(date));
    } else {
        surf = cairo_svg_surface_create_for_stream(to_buf, &svg, wpt, hpt);
    }
    cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    if (fmt == NMC_FMT_PDF) {
        /* a tagged PDF reads the titles, the map, then its source line */
        cairo_tag_begin(cr, "Document", "");
        cairo_save(cr);
        cairo_scale(cr, k, k);
        nmR_draw_furniture_part(cr, pc, map, lay, NULL, RN_PART_TITLES);
        cairo_restore(cr);
        cairo_tag_begin(cr, "Figure", "");
    }
    st = nmR_draw_geometry(cr, map, lay, &feat, &outl, k, -INFINITY, INFINITY, 1);
    cairo_save(cr);
    cairo_scale(cr, k, k);
    if (fmt == NMC_FMT_PDF)
        nmR_draw_furniture_part(cr, pc, map, lay, NULL, RN_PART_BODY);
    else
        nmR_draw_furniture(cr, pc, map, lay, &text);
    rc = nmR_locator_draw(ctx, map, lay, cr, pc, k, 1);
    if (fmt == NMC_FMT_PDF) {
        cairo_tag_end(cr, "Figure");
        nmR_draw_furniture_part(cr, pc, map, lay, NULL, RN_PART_SOURCE);
        cairo_tag_end(cr, "Document");
    }
    cairo_restore(cr);
    if (rc != NM_OK)
        goto cleanup;
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_status(cr);
    cairo_destroy(cr);
    cr = NULL;
    cairo_surface_finish(surf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surf);
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = nmC_fail(ctx, st == CAIRO_STATUS_NO_MEMORY ? NM_NOMEM : NM_ERROR,
                     "drawing the page failed: %s", cairo_status_to_string(st));
        goto cleanup;
    }
    if (text.buf.failed) {
        rc = nmC_fail(ctx, NM_NOMEM, "out of memory");
        goto cleanup;
    }
    if (fmt == NMC_FMT_SVG)
        rc = splice_svg(ctx, map, &svg, &text.buf, fp);

cleanup:
    if (cr)
        cairo_destroy(cr);
    if (surf)
        cairo_surface_destroy(surf);
    nmC_buf_free(&svg);
    nmC_buf_free(&text.buf);
    nmR_dev_free(&feat);
    nmR_dev_free(&outl);
    return rc;
}

nm_status nm_map_write(nm_ctx *ctx, nm_map *map, const char *path, nm_map_layout *out)
{
    nmC_format fmt = nmC_format_of(path);
    PangoContext *pc = NULL;
    nmC_atomic a = {0};
    rn_layout lay;
    nm_status rc;

    nmC_clear(ctx);
    memset(&lay, 0, sizeof lay);
    if (fmt != NMC_FMT_PNG && fmt != NMC_FMT_PDF && fmt != NMC_FMT_SVG)
        return nmC_fail(ctx, NM_USAGE, "%s: unknown output format (use .png, .pdf or .svg)", path);
    pc = nmR_pango_context(map->opts.font);
    if (!pc)
        return nmC_fail(ctx, NM_NOMEM, "cannot create a text context");
    if ((rc = nmR_layout_compute(ctx, map, pc, &lay)) != NM_OK)
        goto cleanup;
    if ((rc = nmC_atomic_open(ctx, path, &a)) != NM_OK)
        goto cleanup;
    if (fmt == NMC_FMT_PNG)
        rc = write_png(ctx, map, &lay, pc, a.fp);
    else
        rc = write_vector(ctx, map, &lay, pc, a.fp, fmt);
    if (rc != NM_OK)
        rc = nmC_fail_naming(ctx, rc, path);
    if (rc == NM_OK)
        rc = nmC_atomic_commit(ctx, &a);
    if (rc == NM_OK && fmt == NMC_FMT_PNG)
        rc = write_world(ctx, path, &lay.pub);
    if (rc == NM_OK && out)
        *out = lay.pub;
    if (rc == NM_OK)
        nmR_layout_record(map, &lay);

cleanup:
    nmC_atomic_abort(&a);
    nmR_layout_free(&lay);
    g_object_unref(pc);
    return rc;
}
