/*
 * The cell parsers of the incidents import (incidents.c), for its tests.
 * Not published.
 */
#ifndef NM_INCIDENTS_INT_H
#define NM_INCIDENTS_INT_H

/* police.uk "2018-01", ISO "2018-01-31", British "31/01/2018" -> ISO text
 * ("2018-01", "2018-01-31").  Returns 1, or 0 when the text is none of
 * these shapes or not a real date. */
int nmI_incident_date(const char *s, char out[11]);
/* F/Female/W/Woman/Girl -> 'F', M/Male/Man/Boy -> 'M' (any case), 0 for an
 * empty cell, '?' for anything else. */
int nmI_incident_sex(const char *s);

#endif
