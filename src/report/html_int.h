/*
 * The web page of a locality summary or a ward comparison (html.c): what
 * summary.c and compare.c hand over.  Everything is borrowed from the
 * caller for the duration of the call; the page reads geometry and the
 * LSOAs' own figures from the store itself.
 */
#ifndef NM_HTML_INT_H
#define NM_HTML_INT_H

#include "report/groups_int.h"
#include "report/report_int.h"

/* A group of wards with its own section, map and table. */
typedef struct hs_section {
    const char *code, *name; /* a locality's; name "" for no heading of its own */
    const long *idx;         /* wards: indices into set->ward */
    size_t n;
    const gr_row *total;     /* the group's row, or NULL */
} hs_section;

/* The borough's headline figures, from its LSOAs. */
typedef struct hs_head {
    double pop, kids, lsoas, n10, p10, k10, n20, p20, k20;
} hs_head;

typedef struct hs_page {
    nm_store *store;
    const char *output;     /* written atomically */
    const char *title, *sources, *periods, *place;
    const char *group_word; /* "locality": headings "West locality" */
    const char *group_plural; /* "localities" */
    const char *period;     /* IoD release as asked, NULL: latest */
    const gr_set *set;
    const hs_section *sec;
    int nsec;
    const nm_areas *lsoas;  /* the borough's */
    const int *lsoa_sec;    /* section of each LSOA, -1 none */
    const nmP_shading *shade; /* the LSOA map's indicator over 'lsoas' */
    const hs_head *head;    /* NULL: no headline block */
    const char *group_outline_level; /* level whose areas sec[].code names ("locality"), NULL:
                                        no group outlines */
    const char *font;       /* font family of the page's text, NULL: the style sheet's */
} hs_page;

/* Writes the page: inline SVG maps, tables, data for its script, CSS and
 * a Content-Security-Policy that forbids every request.  Returns NM_OK,
 * NM_ERROR (output), NM_NOMEM. */
nm_status nmP_html_page(const hs_page *p);
/* The same page with every section's map at one scale, each with a scale
 * bar (a comparison's wards, whose sizes then compare at a glance). */
nm_status nmP_html_page_one_scale(const hs_page *p);

/* One map as a page (map -o FILE.html): its areas shaded by 'sh'
 * (choropleth.c's classes), 'over' outlined and, with 'labels', named. */
typedef struct hs_map {
    nm_store *store;
    const char *output, *title, *subtitle, *attribution, *alt;
    const nm_areas *areas;
    const nmP_shading *sh;
    const nm_areas *over; /* may be NULL */
    int labels;
    const char *font;     /* as hs_page's */
} hs_map;

/* Writes that page.  Returns NM_OK, NM_ERROR (output), NM_NOMEM. */
nm_status nmP_html_map(const hs_map *m);

/* The page's style sheet and script (html/page.css, html/page.js,
 * compiled in). */
extern const char nmP_html_css[];
extern const char nmP_html_js[];

#endif
