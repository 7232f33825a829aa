/*
 * Shared by the ingest readers: ONS code and name headings, levels, and the
 * attribution statements of the official sources.  Not published.
 */
#ifndef NM_INGEST_INT_H
#define NM_INGEST_INT_H

#include "needsmap/ingest.h"
#include "nm_int.h"

/* Returns 1 when 'level' is one the store knows (lsoa, msoa, ...). */
int nmI_level_valid(const char *level);
/* Fails with NM_USAGE: 'level' is not one of them (listed, the nearest
 * suggested). */
nm_status nmI_level_unknown(nm_ctx *ctx, const char *level);
/* The level an ONS GSS code belongs to (E01... -> "lsoa"), or NULL. */
const char *nmI_level_of_code(const char *code);
/* Returns 1 when 'candidate' is the name heading that goes with the code
 * heading 'code_heading' (LSOA11CD -> LSOA11NM, "LSOA code (2011)" ->
 * "LSOA name (2011)", lad07_code -> lad07_name). */
int nmI_ons_is_name_for(const char *code_heading, const char *candidate);

/* Registers GDAL's drivers once per process (thread-safe) and routes its
 * messages away from stderr. */
void nmI_gdal_init(void);

/* Attribution statements required by the Open Government Licence. */
#define NM_ATTR_ONS_BOUNDARIES                                                                 \
    "Contains National Statistics data (c) Crown copyright and database right. Contains OS "  \
    "data (c) Crown copyright and database right."
#define NM_ATTR_ONS_LOOKUP                                                                     \
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0."
#define NM_ATTR_IOD2019                                                                        \
    "Contains public sector information licensed under the Open Government Licence v3.0. "     \
    "Source: Ministry of Housing, Communities and Local Government, English Indices of "      \
    "Deprivation 2019."
#define NM_ATTR_IOD_DCLG                                                                       \
    "Contains public sector information licensed under the Open Government Licence v3.0. "     \
    "Source: Department for Communities and Local Government, English Indices of "            \
    "Deprivation %s."
#define NM_ATTR_IOD_MHCLG                                                                      \
    "Contains public sector information licensed under the Open Government Licence v3.0. "     \
    "Source: Ministry of Housing, Communities and Local Government, English Indices of "      \
    "Deprivation %s."
#endif
