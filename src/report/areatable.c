/*
 * The table of figures on a summary or comparison page: a row per figure
 * of a set of wards (groups.c), a column per area, in the words and
 * numbers nmP_cell_text() gives; render's page tables (render/page_int.h)
 * lay it out and draw it.
 */
#include "report/groups_int.h"

/* The rows of a table (indicators; an incident set takes two) and their
 * labels. */
static int table_rows(const gr_set *s)
{
    int n = 0;
    for (int c = 0; c < s->ncol; c++)
        n += s->col[c].rate ? 2 : 1;
    return n;
}

/* Builds and draws (or measures) the table of 'rows' (areas as columns). */
double nmP_area_table(pg_doc *d, const gr_set *s, const gr_row *const *rows,
                     const char *const *heads, const int *group, int nareas, double x, double y,
                     double w, int draw, pg_break_fn next_page, void *user, nm_status *rc)
{
    int nr = table_rows(s), r = 0, c, a;
    char (*cell)[48] = nm_calloc((size_t)(nr * nareas) + 1, 48);
    char (*sub)[48] = nm_calloc((size_t)(nr * nareas) + 1, 48);
    const char **cp = nm_calloc((size_t)(nr * nareas) + 1, sizeof *cp);
    const char **sp = nm_calloc((size_t)(nr * nareas) + 1, sizeof *sp);
    const char **labels = nm_calloc((size_t)nr + 1, sizeof *labels);
    char **owned = nm_calloc((size_t)nr + 1, sizeof *owned);
    pg_table t;
    double h = 0;

    if (!cell || !sub || !cp || !sp || !labels || !owned) {
        nm_status nomem = nmC_fail(d->ctx, NM_NOMEM, "out of memory");
        if (rc)
            *rc = nomem;
        goto cleanup;
    }
    for (c = 0; c < s->ncol; c++) {
        const gr_col *col = &s->col[c];
        if (col->rate) {
            nmC_buf b = {0};
            gr_col counts = *col;
            counts.sum = 1;
            counts.rate = 0;
            nmC_buf_addf(&b, "%s: incidents", col->label);
            owned[r] = nmC_buf_take(&b);
            labels[r] = owned[r] ? owned[r] : "";
            for (a = 0; a < nareas; a++) {
                gr_cell k = rows[a]->cell[c];
                k.v = k.count;
                nmP_cell_text(&counts, &k, cell[r * nareas + a], sub[r * nareas + a]);
            }
            r++;
            nmC_buf_addf(&b, "%s per 1,000 residents (95%% CI)", col->label);
            owned[r] = nmC_buf_take(&b);
        } else {
            owned[r] = nm_strdup(col->label);
        }
        labels[r] = owned[r] ? owned[r] : "";
        for (a = 0; a < nareas; a++)
            nmP_cell_text(col, &rows[a]->cell[c], cell[r * nareas + a], sub[r * nareas + a]);
        r++;
    }
    for (a = 0; a < nr * nareas; a++) {
        cp[a] = cell[a];
        sp[a] = sub[a];
    }
    t.ncols = nareas;
    t.nrows = nr;
    t.pt = PG_SMALL_PT;
    t.head = heads;
    t.label = labels;
    t.cell = cp;
    t.sub = sp;
    t.group = group;
    t.next_page = next_page;
    t.user = user;
    h = nmR_table_draw(d, &t, x, y, w, draw, rc);

cleanup:
    for (r = 0; owned && r < nr; r++)
        nm_free(owned[r]);
    nm_free(owned);
    nm_free(labels);
    nm_free(cp);
    nm_free(sp);
    nm_free(cell);
    nm_free(sub);
    return h;
}
