/*
 * Table 1 as a dot chart: a row per domain, a common axis of rank among
 * England's authorities (1 = most deprived at the left), the council as a
 * red dot with its rank, each statistical neighbour as a grey ring and the
 * neighbours' mean as a black bar.  Ranks rather than scores, because the
 * domains' scores are on different scales and only their ranks share one
 * axis.  The figures come from lasummary.c; the page furniture from
 * page.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/page_int.h"
#include "report/t1chart_int.h"

#define T1_W 297.0
#define T1_H 210.0 /* the measuring page; the page itself fits the chart */
#define T1_FOOT_GAP 6.0 /* the chart's last line to the footer */
#define T1_LABEL_W 62.0
#define T1_ROW_H 11.0
#define T1_RED 0xc0392bU
#define T1_NB 0x8c8c8cU

static double x_of(long rank, long n, double x0, double x1)
{
    return n > 1 ? x0 + (double)(rank - 1) / (double)(n - 1) * (x1 - x0) : x0;
}

/* The ticks: 1, every 25 (every 50 past 200 authorities) and n. */
static void axis(pg_doc *d, long n, double x0, double x1, double y)
{
    long step = n > 200 ? 50 : 25;
    char lab[32];

    nmR_line(d, x0, y, x1, y, PG_INK, 0.25, 0);
    for (long r = 0; r <= n; r += step) {
        long at = r == 0 ? 1 : r;
        double x = x_of(at, n, x0, x1);
        if (r > 0 && n - r < step / 3)
            continue; /* n is drawn below, too close */
        nmR_line(d, x, y, x, y + 1.2, PG_INK, 0.25, 0);
        snprintf(lab, sizeof lab, "%ld", at);
        nmR_text(d, x - 8, y + 1.6, 16, PG_SMALL_PT, 0, PG_GREY, PG_CENTRE, lab);
    }
    snprintf(lab, sizeof lab, "%ld", n);
    nmR_line(d, x1, y, x1, y + 1.2, PG_INK, 0.25, 0);
    nmR_text(d, x1 - 8, y + 1.6, 16, PG_SMALL_PT, 0, PG_GREY, PG_CENTRE, lab);
}

static void grid(pg_doc *d, long n, double x0, double x1, double top, double bottom)
{
    long step = n > 200 ? 50 : 25;

    for (long r = step; r < n; r += step)
        nmR_line(d, x_of(r, n, x0, x1), top, x_of(r, n, x0, x1), bottom, 0xdddddd, 0.2, 0);
}

static void draw_row(pg_doc *d, const t1_chart *c, const t1_row *row, int mark, double x0,
                     double x1, double y)
{
    char lab[32];
    double yc = y + T1_ROW_H / 2, th, tw;

    char name[112];

    snprintf(name, sizeof name, "%s%s", row->name, mark ? " *" : "");
    nmR_measure(d, PG_TEXT_PT - 0.5, 0, name, T1_LABEL_W - 4, &tw, &th);
    nmR_text(d, PG_MARGIN, yc - th / 2, T1_LABEL_W - 4, PG_TEXT_PT - 0.5, 0, PG_INK, PG_LEFT,
            name);
    nmR_line(d, x0, yc, x1, yc, 0xe6e6e6, 0.3, 0);
    for (int k = 0; k < row->nnb; k++)
        if (row->nb_rank[k] > 0)
            nmR_circle(d, x_of(row->nb_rank[k], c->nauth, x0, x1), yc, 1.3, 0xffffffU, T1_NB,
                       0.35);
    if (row->mean_rank > 0) {
        double xm = x_of(row->mean_rank, c->nauth, x0, x1);
        nmR_line(d, xm, yc - 2.6, xm, yc + 2.6, PG_INK, 0.7, 0);
    }
    if (row->la_rank > 0) {
        double xl = x_of(row->la_rank, c->nauth, x0, x1);
        nmR_circle(d, xl, yc, 1.8, T1_RED, T1_RED, 0.2);
        snprintf(lab, sizeof lab, "%ld", row->la_rank);
        nmR_text(d, xl - 8, yc - 5.6, 16, PG_SMALL_PT, 1, T1_RED, PG_CENTRE, lab);
    }
}

/* The key under the axis, and the neighbours named; returns the y below. */
static double key(pg_doc *d, const t1_chart *c, double y)
{
    double x = PG_MARGIN + T1_LABEL_W, w = T1_W - PG_MARGIN - x, h;
    char text[256];
    nmC_buf names = {0};

    nmR_circle(d, x + 1.8, y + 1.8, 1.8, T1_RED, T1_RED, 0.2);
    h = nmR_text(d, x + 5, y, 60, PG_TEXT_PT - 0.5, 0, PG_INK, PG_LEFT, c->la_name);
    x += 62;
    nmR_circle(d, x + 1.8, y + 1.8, 1.3, 0xffffffU, T1_NB, 0.35);
    snprintf(text, sizeof text, "each of its %d neighbours", c->nnb);
    h = fmax(h, nmR_text(d, x + 5, y, 55, PG_TEXT_PT - 0.5, 0, PG_INK, PG_LEFT, text));
    x += 57;
    nmR_line(d, x + 1.8, y - 0.6, x + 1.8, y + 4.2, PG_INK, 0.7, 0);
    h = fmax(h, nmR_text(d, x + 5, y, w - (x - PG_MARGIN - T1_LABEL_W) - 5, PG_TEXT_PT - 0.5, 0,
                        PG_INK, PG_LEFT,
                        "the neighbours' mean (where an authority with their mean would rank)"));
    /* a wrapped key line keeps its distance from the names under it */
    y += fmax(6.5, h + 2);
    nmC_buf_addf(&names, "Neighbours%s%s%s: ", *c->neighbours_from ? " (" : "",
                c->neighbours_from, *c->neighbours_from ? ")" : "");
    for (int k = 0; k < c->nnb; k++)
        nmC_buf_addf(&names, "%s%s", k ? (k + 1 == c->nnb ? " and " : ", ") : "", c->nb_names[k]);
    nmC_buf_addf(&names, ".");
    y += nmR_text(d, PG_MARGIN + T1_LABEL_W, y, w, PG_SMALL_PT + 0.5, 0, PG_GREY, PG_LEFT,
                 names.data ? names.data : "");
    nmC_buf_free(&names);
    if (c->left_out)
        y += 1 + nmR_text(d, PG_MARGIN + T1_LABEL_W, y + 1, w, PG_SMALL_PT + 0.5, 0, PG_GREY,
                         PG_LEFT, c->left_out);
    return y;
}

/* Draws the whole chart from the top of the page; returns the y below its
 * last line. */
static double draw_chart(pg_doc *d, const t1_chart *c, const char *title)
{
    char sub[640];
    double y = PG_MARGIN, x0 = PG_MARGIN + T1_LABEL_W, x1 = T1_W - PG_MARGIN - 6, top;
    int nscore = 0;

    for (int r = 0; r < c->nrows; r++)
        nscore += c->rows[r].score;
    snprintf(sub, sizeof sub,
             "Rank of the %s on the IMD and each domain among the %ld %s of England (1 = most "
             "deprived), population-weighted by %s.",
             nscore == c->nrows ? "average score"
             : nscore == 0      ? "average rank"
                                : "average score (* the average rank: the file holds no score)",
             c->nauth, c->tier, c->weighting);
    y += nmR_text(d, PG_MARGIN, y, T1_W - 2 * PG_MARGIN, PG_TITLE_PT, 1, PG_INK, PG_LEFT, title) +
         PG_TITLE_GAP;
    y += nmR_text(d, PG_MARGIN, y, T1_W - 2 * PG_MARGIN, 10.5, 0, 0x404040, PG_LEFT, sub) + 6;
    top = y;
    nmR_tag_begin(d, "Figure");
    grid(d, c->nauth, x0, x1, top, top + c->nrows * T1_ROW_H);
    for (int r = 0; r < c->nrows; r++)
        draw_row(d, c, &c->rows[r], nscore > 0 && !c->rows[r].score, x0, x1, top + r * T1_ROW_H);
    y = top + c->nrows * T1_ROW_H + 1;
    axis(d, c->nauth, x0, x1, y);
    y += 6;
    nmR_text(d, x0, y, 60, PG_SMALL_PT + 0.5, 0, PG_GREY, PG_LEFT, "\xE2\x97\x80 more deprived");
    nmR_text(d, x1 - 60, y, 60, PG_SMALL_PT + 0.5, 0, PG_GREY, PG_RIGHT,
            "less deprived \xE2\x96\xB6");
    nmR_text(d, x0, y, x1 - x0, PG_SMALL_PT + 0.5, 0, PG_INK, PG_CENTRE, "Rank (1 = most deprived)");
    y += 8;
    y = key(d, c, y);
    nmR_tag_end(d, "Figure");
    return y;
}

nm_status nmP_chart_write(nm_ctx *ctx, const t1_chart *c, const char *path, double dpi)
{
    pg_doc d;
    char title[256], periods[96];
    double h;
    nm_status rc;

    snprintf(title, sizeof title, "Table 1: %s beside its statistical neighbours, IMD %s",
             c->la_name, c->period);
    snprintf(periods, sizeof periods, "IoD %s", c->period);
    /* the page is as tall as the chart and its footer: a measuring pass
       first, since the rows, the key's names and the note vary */
    if ((rc = nmR_open_measure(ctx, &d, T1_W, T1_H, NULL)) != NM_OK)
        goto cleanup;
    nmR_set_footer(&d, c->sources, periods, 1);
    h = draw_chart(&d, c, title) + T1_FOOT_GAP + d.foot_h + PG_MARGIN;
    nmR_free(&d);
    if ((rc = nmR_open(ctx, &d, path, T1_W, ceil(h), dpi, NULL, title,
                      "Rank of each domain's average score among England's authorities")) !=
        NM_OK)
        goto cleanup;
    nmR_set_footer(&d, c->sources, periods, 1);
    draw_chart(&d, c, title);
    rc = nmR_close(&d);

cleanup:
    nmR_free(&d);
    return rc;
}
