/*
 * "Did you mean ...?": the nearest of a set of words to one the user typed,
 * by edit distance ignoring case (Levenshtein; a candidate that starts with
 * the typed word counts as one edit away).  Used by every message about an
 * unknown id, code, name, level, classification or palette; the caller
 * offers the candidates one by one, so no list has to be built.
 */
#include <ctype.h>
#include <string.h>

#include "nm_int.h"

/* Words longer than this are compared on their first NM_NEAR_MAX bytes:
 * names and ids are far shorter. */
#define NM_NEAR_MAX 96

static int same_ci(char a, char b)
{
    return tolower((unsigned char)a) == tolower((unsigned char)b);
}

/* Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of two neighbours ("lsao" is one edit from "lsoa"). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t rows[3][NM_NEAR_MAX + 1], na = strlen(a), nb = strlen(b), i, j;
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;

    if (na > NM_NEAR_MAX)
        na = NM_NEAR_MAX;
    if (nb > NM_NEAR_MAX)
        nb = NM_NEAR_MAX;
    for (j = 0; j <= nb; j++)
        prev[j] = j;
    for (i = 1; i <= na; i++) {
        cur[0] = i;
        for (j = 1; j <= nb; j++) {
            size_t best = prev[j - 1] + !same_ci(a[i - 1], b[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && same_ci(a[i - 1], b[j - 2]) && same_ci(a[i - 2], b[j - 1]) &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb];
}

static int starts_with_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return 0;
    return 1;
}

void nmC_near_init(nmC_near *n, const char *word)
{
    size_t len = strlen(word);

    memset(n, 0, sizeof *n);
    n->word = word;
    /* a third of the word may be wrong, at least one letter, at most four:
       "imd_decil" finds imd_decile, "xyz" finds nothing */
    n->limit = len / 3 < 1 ? 1 : len / 3 > 4 ? 4 : len / 3;
    n->dist = n->limit + 1;
}

void nmC_near_offer(nmC_near *n, const char *cand, const char *note)
{
    size_t d, i;

    if (!cand || !*cand || nmC_strieq(cand, n->word))
        return;
    d = strlen(n->word) >= 3 && starts_with_ci(cand, n->word) ? 1 : edit_distance(n->word, cand);
    if (d > n->limit || d > n->dist)
        return;
    if (d < n->dist) {
        n->dist = d;
        n->count = 0;
    }
    for (i = 0; i < n->count; i++)
        if (nmC_strieq(n->best[i], cand))
            return; /* one area at several levels or years: named once */
    if (n->count >= NM_NEAR_KEEP)
        return;
    nmC_strlcpy(n->best[n->count], cand, sizeof n->best[0]);
    nmC_strlcpy(n->note[n->count], note ? note : "", sizeof n->note[0]);
    n->count++;
}

void nmC_near_add_to(const nmC_near *n, nmC_buf *b)
{
    size_t i;

    if (n->count == 0)
        return;
    nmC_buf_addf(b, "; did you mean ");
    for (i = 0; i < n->count; i++) {
        nmC_buf_addf(b, "%s\"%s\"", i == 0 ? "" : i + 1 == n->count ? " or " : ", ", n->best[i]);
        if (*n->note[i])
            nmC_buf_addf(b, " (%s)", n->note[i]);
    }
    nmC_buf_addf(b, "?");
}
