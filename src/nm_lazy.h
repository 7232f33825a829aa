/*
 * Libraries loaded on first use: SpatiaLite (with the GEOS, PROJ, libxml2
 * and the rest it brings), PROJ and libcurl.  Linked as usual, the 91
 * libraries they make are loaded and relocated by every run before main():
 * 45 ms of a 0.10 s Southend map, where a map needs none of them.  Only an
 * import of boundaries or incidents, a store's first spatial query and
 * `fetch` do, and those load them here (as libepoxy and volk load OpenGL
 * and Vulkan).
 *
 * A source file of the library that calls them includes this header after
 * the libraries' own and calls nmC_need() before its first call; the names
 * it calls stay the libraries' own, turned by the macros below into calls
 * through a table filled by dlsym().  The types come from the libraries'
 * headers (__typeof__), so a prototype cannot drift.  The GDAL module and
 * the tests link the libraries themselves and do not include this.
 */
#ifndef NM_LAZY_H
#define NM_LAZY_H

#include <sqlite3.h> /* gaiageo.h uses sqlite3 types without including it */
#include <spatialite/gaiageo.h>
#include <spatialite.h>
#include <proj.h>
/* curl's type checks are macros that would hide the names redirected
   below; the table's types are the functions' own all the same */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "nm_int.h"

typedef enum nmC_lib { NMC_SPATIALITE, NMC_PROJ, NMC_CURL, NMC_LIBS } nmC_lib;

/* Loads 'lib' once for the process (later calls are a load of a flag);
 * 'why' says what needs it, for the message when it cannot be loaded. */
nm_status nmC_need(nm_ctx *ctx, nmC_lib lib, const char *why);
/* The same without a context, for callers that can only say no: 1 when
 * loaded. */
int nmC_have(nmC_lib lib);

/* the calls of each library, as X(name) */
#define NMC_SPATIALITE_CALLS(X)                                                          \
    X(spatialite_alloc_connection) X(spatialite_init_ex) X(spatialite_cleanup_ex)         \
    X(spatialite_set_silent_mode) X(gaiaIsValid_r) X(gaiaAllocGeomColl)                  \
    X(gaiaFreeGeomColl) X(gaiaAddPolygonToGeomColl) X(gaiaAddInteriorRing)               \
    X(gaiaMbrGeometry) X(gaiaToSpatiaLiteBlobWkb)
#define NMC_PROJ_CALLS(X)                                                                \
    X(proj_context_create) X(proj_context_destroy) X(proj_context_errno)                 \
    X(proj_context_errno_string) X(proj_create) X(proj_create_crs_to_crs)                \
    X(proj_create_crs_to_crs_from_pj) X(proj_destroy) X(proj_get_area_of_use)            \
    X(proj_get_name) X(proj_is_crs) X(proj_is_equivalent_to) X(proj_log_level)           \
    X(proj_normalize_for_visualization) X(proj_trans_bounds) X(proj_trans_generic)
#define NMC_CURL_CALLS(X)                                                                \
    X(curl_global_init) X(curl_global_cleanup) X(curl_easy_init) X(curl_easy_setopt)     \
    X(curl_easy_perform) X(curl_easy_getinfo) X(curl_easy_cleanup) X(curl_easy_strerror)

#define NMC_MEMBER(name) __typeof__(&name) name;
typedef struct nmC_lazy_calls {
    NMC_SPATIALITE_CALLS(NMC_MEMBER)
    NMC_PROJ_CALLS(NMC_MEMBER)
    NMC_CURL_CALLS(NMC_MEMBER)
} nmC_lazy_calls;
#undef NMC_MEMBER

/* filled by nmC_need(); a call before it is a null call.  The names are
 * listed twice, as X() above and as macros below, and neither list can
 * lose one unseen: a macro without its member does not compile, and a
 * member without its macro leaves a call to the library itself, which
 * the needsmap program, linked without the library, refuses to link. */
extern nmC_lazy_calls nmC_lazy;

#ifndef NMC_LAZY_LOADER
#define spatialite_alloc_connection (*nmC_lazy.spatialite_alloc_connection)
#define spatialite_init_ex (*nmC_lazy.spatialite_init_ex)
#define spatialite_cleanup_ex (*nmC_lazy.spatialite_cleanup_ex)
#define spatialite_set_silent_mode (*nmC_lazy.spatialite_set_silent_mode)
#define gaiaIsValid_r (*nmC_lazy.gaiaIsValid_r)
#define gaiaAllocGeomColl (*nmC_lazy.gaiaAllocGeomColl)
#define gaiaFreeGeomColl (*nmC_lazy.gaiaFreeGeomColl)
#define gaiaAddPolygonToGeomColl (*nmC_lazy.gaiaAddPolygonToGeomColl)
#define gaiaAddInteriorRing (*nmC_lazy.gaiaAddInteriorRing)
#define gaiaMbrGeometry (*nmC_lazy.gaiaMbrGeometry)
#define gaiaToSpatiaLiteBlobWkb (*nmC_lazy.gaiaToSpatiaLiteBlobWkb)
#define proj_context_create (*nmC_lazy.proj_context_create)
#define proj_context_destroy (*nmC_lazy.proj_context_destroy)
#define proj_context_errno (*nmC_lazy.proj_context_errno)
#define proj_context_errno_string (*nmC_lazy.proj_context_errno_string)
#define proj_create (*nmC_lazy.proj_create)
#define proj_create_crs_to_crs (*nmC_lazy.proj_create_crs_to_crs)
#define proj_create_crs_to_crs_from_pj (*nmC_lazy.proj_create_crs_to_crs_from_pj)
#define proj_destroy (*nmC_lazy.proj_destroy)
#define proj_get_area_of_use (*nmC_lazy.proj_get_area_of_use)
#define proj_get_name (*nmC_lazy.proj_get_name)
#define proj_is_crs (*nmC_lazy.proj_is_crs)
#define proj_is_equivalent_to (*nmC_lazy.proj_is_equivalent_to)
#define proj_log_level (*nmC_lazy.proj_log_level)
#define proj_normalize_for_visualization (*nmC_lazy.proj_normalize_for_visualization)
#define proj_trans_bounds (*nmC_lazy.proj_trans_bounds)
#define proj_trans_generic (*nmC_lazy.proj_trans_generic)
#define curl_global_init (*nmC_lazy.curl_global_init)
#define curl_global_cleanup (*nmC_lazy.curl_global_cleanup)
#define curl_easy_init (*nmC_lazy.curl_easy_init)
#undef curl_easy_setopt /* curl.h's own pass-through macros */
#undef curl_easy_getinfo
#define curl_easy_setopt (*nmC_lazy.curl_easy_setopt)
#define curl_easy_perform (*nmC_lazy.curl_easy_perform)
#define curl_easy_getinfo (*nmC_lazy.curl_easy_getinfo)
#define curl_easy_cleanup (*nmC_lazy.curl_easy_cleanup)
#define curl_easy_strerror (*nmC_lazy.curl_easy_strerror)
#endif

#endif
