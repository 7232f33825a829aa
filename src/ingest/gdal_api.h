/*
 * The part of needsmap that reads through GDAL (tables other than .csv:
 * XLSX, ODS, any OGR source with attributes; boundaries in any OGR format;
 * text recoding) lives in a module,
 * needsmap-gdal.so, loaded the first time one of its functions is called.
 * GDAL brings some 55 libraries with it, and loading them took 22 ms of
 * every run of needsmap, a tenth of a map of England, although maps,
 * summaries, shapefile and CSV imports never call it.  gdal_stub.c keeps
 * nmI_ogr_open's usual name for the rest of the library and forwards it
 * through this table, table.c reads sheets through it (nmI_gdal_load);
 * gdal/module.c fills it.  Not published.
 */
#ifndef NM_GDAL_API_H
#define NM_GDAL_API_H

#include "ingest/bnd_int.h"
#include "ingest/table_int.h"

/* Raised whenever the table changes shape: the stub refuses a module of
 * another version rather than calling into it. */
#define NM_GDAL_API_VERSION 3

/* What the module needs of the library, handed to it at load (as SQLite
 * hands an extension its sqlite3_api_routines): the module resolves no
 * symbol from the program, so a program may link libneedsmap.a or
 * libneedsmap.so the ordinary way, without exporting its symbols.  The
 * module's own copies of these names forward here (gdal/host.c); the
 * stateless helpers (core/buf.c, text.c, diag.c) are compiled into the
 * module as they are. */
typedef struct nmI_gdal_host {
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
} nmI_gdal_host;

/* A table read through OGR (gdal/table.c): the cells of a sheet as text,
 * as table_int.h describes them. */
typedef struct nmI_sheet nmI_sheet;

typedef struct nmI_gdal_api {
    int version;
    nm_status (*sheet_open)(nm_ctx *ctx, const char *path,
                            int (*accept)(void *user, int ncols, const char *const *headings),
                            void *user, nmI_sheet **out);
    void (*sheet_close)(nmI_sheet *t);
    int (*sheet_ncols)(const nmI_sheet *t);
    const char *(*sheet_heading)(const nmI_sheet *t, int i);
    void (*sheet_rewind)(nmI_sheet *t);
    int (*sheet_next)(nmI_sheet *t);
    const char *(*sheet_cell)(const nmI_sheet *t, int i);
    long (*sheet_line)(const nmI_sheet *t);
    int (*sheet_row_utf8)(const nmI_sheet *t);
    const char *(*sheet_line_word)(const nmI_sheet *t);
    nm_status (*ogr_open)(nm_ctx *ctx, const char *path, bnd_source **out);
    /* 'text' from encoding 'from' to UTF-8 (CPLRecode); caller frees with
     * nm_free(); NULL when it cannot be recoded or memory is short */
    char *(*recode)(const char *text, const char *from);
} nmI_gdal_api;

/* The module's one exported symbol: takes the host's table (kept until
 * exit) and returns the module's, or NULL when the host's version differs. */
#define NM_GDAL_MODULE_SYMBOL "nm_gdal_module"
typedef const nmI_gdal_api *(*nm_gdal_module_fn)(const nmI_gdal_host *host);

/* In the module: the host table its forwarders call (gdal/host.c). */
void nmI_gdal_host_set(const nmI_gdal_host *host);

/* In the module: the sheet reader (gdal/table.c), as nm_table_* of
 * table_int.h says, the encoding already checked by the caller. */
nm_status nmI_sheet_open(nm_ctx *ctx, const char *path,
                        int (*accept)(void *user, int ncols, const char *const *headings),
                        void *user, nmI_sheet **out);
void nmI_sheet_close(nmI_sheet *t);
int nmI_sheet_ncols(const nmI_sheet *t);
const char *nmI_sheet_heading(const nmI_sheet *t, int i);
void nmI_sheet_rewind(nmI_sheet *t);
int nmI_sheet_next(nmI_sheet *t);
const char *nmI_sheet_cell(const nmI_sheet *t, int i);
long nmI_sheet_line(const nmI_sheet *t);
int nmI_sheet_row_utf8(const nmI_sheet *t);
const char *nmI_sheet_line_word(const nmI_sheet *t);

/* In the library: the module's table, loading it the first time; NULL,
 * with the error set on ctx, when it cannot be loaded. */
const nmI_gdal_api *nmI_gdal_load(nm_ctx *ctx);

/* Text recoded to UTF-8 through the module (see nmI_gdal_api.recode);
 * NULL also when the module cannot be loaded. */
char *nmI_gdal_recode(const char *text, const char *from);

#endif
