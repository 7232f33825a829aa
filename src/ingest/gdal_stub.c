/*
 * Loading needsmap-gdal.so on first use (see gdal_api.h) and forwarding
 * the OGR functions to it.  The module is looked for where
 * NEEDSMAP_GDAL_MODULE says, then beside the file this code is in (the
 * libneedsmap.so in use, or the program that linked libneedsmap.a),
 * then where `cmake --install` puts it, then where this build put it; a
 * needsmap that cannot find it says so and what to set.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/gdal_api.h"

#define MODULE_NAME "needsmap-gdal.so"

static nm_status host_fail(nm_ctx *ctx, nm_status status, const char *message)
{
    return nmC_fail(ctx, status, "%s", message);
}

static void host_log(nm_ctx *ctx, nm_level level, const char *message)
{
    nmC_log(ctx, level, "%s", message);
}

static const nmI_gdal_host host = {
    NM_GDAL_API_VERSION, nm_malloc, nm_calloc, nm_realloc, nm_free, nm_strdup,
    host_fail, host_log, nmC_log_enabled,
};

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const nmI_gdal_api *api;
static char load_error[512] = "not found";

/* Opens the module at 'path'; 1 when it is usable. */
static int try_module(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    nm_gdal_module_fn entry;
    const nmI_gdal_api *a;

    if (!h) {
        const char *e = dlerror();
        /* a file that is there but will not load says more than a missing one */
        if (access(path, F_OK) == 0 || strcmp(load_error, "not found") == 0)
            snprintf(load_error, sizeof load_error, "%s", e ? e : path);
        return 0;
    }
    *(void **)&entry = dlsym(h, NM_GDAL_MODULE_SYMBOL);
    a = entry ? entry(&host) : NULL;
    if (!a || a->version != NM_GDAL_API_VERSION) {
        snprintf(load_error, sizeof load_error, "%s is from another version of needsmap", path);
        dlclose(h);
        return 0;
    }
    api = a; /* never closed: GDAL keeps state until exit */
    return 1;
}

/* Tries the module at 'sub' (a relative folder ending in '/', or "") from
 * the folder of 'file'; 1 when it loaded. */
static int try_near(const char *file, const char *sub)
{
    char path[2 * PATH_MAX];
    const char *slash = file ? strrchr(file, '/') : NULL;

    if (!slash || slash - file >= PATH_MAX)
        return 0;
    snprintf(path, sizeof path, "%.*s/%s%s", (int)(slash - file), file, sub, MODULE_NAME);
    return try_module(path);
}

/* Beside 'file', or where an installed tree puts the module relative to
 * it: lib/needsmap/ beside libneedsmap.so, or from bin/ for the program
 * (NM_GDAL_MODULE_FROM_BIN), so that an installed tree may be moved. */
static int try_beside(const char *file)
{
    if (try_near(file, "") || try_near(file, "needsmap/"))
        return 1;
#ifdef NM_GDAL_MODULE_FROM_BIN
    if (try_near(file, NM_GDAL_MODULE_FROM_BIN "/"))
        return 1;
#endif
    return 0;
}

static void load_module(void)
{
    const char *env = getenv("NEEDSMAP_GDAL_MODULE");
    char exe[PATH_MAX];
    Dl_info self;
    ssize_t n;

    if (env && *env) {
        try_module(env);
        return;
    }
    /* dladdr names the object holding this function: libneedsmap.so when
       the library is shared.  For a program that linked the archive glibc
       gives argv[0], which may be relative or bare, so the program's own
       path comes from /proc/self/exe. */
    if (dladdr((void *)load_module, &self) && self.dli_fname && self.dli_fname[0] == '/' &&
        try_beside(self.dli_fname))
        return;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        if (try_beside(exe))
            return;
    }
#ifdef NM_GDAL_MODULE_INSTALLED
    if (try_module(NM_GDAL_MODULE_INSTALLED))
        return;
#endif
#ifdef NM_GDAL_MODULE_BUILD
    try_module(NM_GDAL_MODULE_BUILD);
#endif
}

const nmI_gdal_api *nmI_gdal_load(nm_ctx *ctx)
{
    pthread_once(&load_once, load_module);
    if (!api && ctx)
        nmC_fail(ctx, NM_ERROR,
                "cannot load %s, the part of needsmap that reads through GDAL: %s; install it "
                "beside the needsmap program or set NEEDSMAP_GDAL_MODULE to its path",
                MODULE_NAME, load_error);
    return api;
}

nm_status nmI_ogr_open(nm_ctx *ctx, const char *path, bnd_source **out)
{
    *out = NULL;
    return nmI_gdal_load(ctx) ? api->ogr_open(ctx, path, out) : NM_ERROR;
}

char *nmI_gdal_recode(const char *text, const char *from)
{
    return nmI_gdal_load(NULL) ? api->recode(text, from) : NULL;
}
