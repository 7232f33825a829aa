/*
 * The part of needsmap that reads through GDAL (tables: CSV, XLSX, ODS;
 * boundaries in any OGR format; text recoding) lives in a module,
 * needsmap-gdal.so, loaded the first time one of its functions is called.
 * GDAL brings some 55 libraries with it, and loading them took 22 ms of
 * every run of needsmap, a tenth of a map of England, although maps,
 * summaries and shapefile imports never call it.  gdal_stub.c keeps the
 * functions' usual names (table_int.h, bnd_ogr_open) for the rest of the
 * library and forwards them through this table; gdal/module.c fills it.
 * Not published.
 */
#ifndef NM_GDAL_API_H
#define NM_GDAL_API_H

#include "ingest/bnd_int.h"
#include "ingest/table_int.h"

/* Raised whenever the table changes shape: the stub refuses a module of
 * another version rather than calling into it. */
#define NM_GDAL_API_VERSION 2

/* What the module needs of the library, handed to it at load (as SQLite
 * hands an extension its sqlite3_api_routines): the module resolves no
 * symbol from the program, so a program may link libneedsmap.a or
 * libneedsmap.so the ordinary way, without exporting its symbols.  The
 * module's own copies of these names forward here (gdal/host.c); the
 * stateless helpers (core/buf.c, text.c, diag.c) are compiled into the
 * module as they are. */
typedef struct nm_gdal_host {
    int version;
    /* the library's allocator, so that the module's blocks are freed by
       the host and allocation-failure injection reaches the module */
    void *(*malloc_fn)(size_t size);
    void *(*calloc_fn)(size_t count, size_t size);
    void *(*realloc_fn)(void *ptr, size_t size);
    void (*free_fn)(void *ptr);
    char *(*strdup_fn)(const char *s);
    /* the context: the message is already formatted */
    nm_status (*fail)(nm_ctx *ctx, nm_status status, const char *message);
    void (*log)(nm_ctx *ctx, nm_level level, const char *message);
    int (*log_enabled)(const nm_ctx *ctx, nm_level level);
} nm_gdal_host;

typedef struct nm_gdal_api {
    int version;
    nm_status (*table_open)(nm_ctx *ctx, const char *path,
                            int (*accept)(void *user, int ncols, const char *const *headings),
                            void *user, nm_table **out);
    void (*table_close)(nm_table *t);
    int (*table_ncols)(const nm_table *t);
    const char *(*table_heading)(const nm_table *t, int i);
    int (*table_find)(const nm_table *t, const char *name);
    char *(*table_headings_text)(const nm_table *t);
    void (*table_rewind)(nm_table *t);
    int (*table_next)(nm_table *t);
    const char *(*table_cell)(const nm_table *t, int i);
    long (*table_line)(const nm_table *t);
    int (*table_row_utf8)(const nm_table *t);
    const char *(*table_line_word)(const nm_table *t);
    nm_status (*ogr_open)(nm_ctx *ctx, const char *path, bnd_source **out);
    /* 'text' from encoding 'from' to UTF-8 (CPLRecode); caller frees with
     * nm_free(); NULL when it cannot be recoded or memory is short */
    char *(*recode)(const char *text, const char *from);
} nm_gdal_api;

/* The module's one exported symbol: takes the host's table (kept until
 * exit) and returns the module's, or NULL when the host's version differs. */
#define NM_GDAL_MODULE_SYMBOL "nm_gdal_module"
typedef const nm_gdal_api *(*nm_gdal_module_fn)(const nm_gdal_host *host);

/* In the module: the host table its forwarders call (gdal/host.c). */
void nm_gdal_host_set(const nm_gdal_host *host);

/* Text recoded to UTF-8 through the module (see nm_gdal_api.recode);
 * NULL also when the module cannot be loaded. */
char *nm_gdal_recode(const char *text, const char *from);

#endif
