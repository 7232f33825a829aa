/*
 * Loads SpatiaLite, PROJ and libcurl on first use (src/nm_lazy.h says why).
 */
#define NMC_LAZY_LOADER 1
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "nm_lazy.h"

nmC_lazy_calls nmC_lazy;

typedef struct lib_state {
    const char *soname; /* from the build's own copy (CMakeLists.txt) */
    pthread_once_t once;
    int loaded;
    char error[512]; /* why it could not be loaded, for every caller */
} lib_state;

static lib_state libs[NMC_LIBS] = {
    [NMC_SPATIALITE] = {NM_SONAME_SPATIALITE, PTHREAD_ONCE_INIT, 0, ""},
    [NMC_PROJ] = {NM_SONAME_PROJ, PTHREAD_ONCE_INIT, 0, ""},
    [NMC_CURL] = {NM_SONAME_CURL, PTHREAD_ONCE_INIT, 0, ""},
};

/* Finds one call; on failure says which, and the library stays unloaded.
 * A function pointer read from dlsym()'s object pointer by memcpy, as
 * POSIX's dlsym() page allows. */
static int bind_call(lib_state *l, void *handle, const char *name, void *slot, size_t size)
{
    void *sym = dlsym(handle, name);
    if (!sym) {
        snprintf(l->error, sizeof l->error, "%s has no %s (a version older than the build's?)",
                 l->soname, name);
        return 0;
    }
    memcpy(slot, &sym, size);
    return 1;
}

#define NMC_BIND(name) ok = ok && bind_call(l, h, #name, &nmC_lazy.name, sizeof nmC_lazy.name);

static void load(nmC_lib lib)
{
    lib_state *l = &libs[lib];
    /* local: the names stay out of the program's scope, so a library
       loaded later (GDAL's module) binds to its own copies as it would
       linked normally */
    void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
    int ok = 1;

    if (!h) {
        const char *why = dlerror();
        snprintf(l->error, sizeof l->error, "%s", why ? why : l->soname);
        return;
    }
    switch (lib) {
    case NMC_SPATIALITE:
        NMC_SPATIALITE_CALLS(NMC_BIND)
        break;
    case NMC_PROJ:
        NMC_PROJ_CALLS(NMC_BIND)
        break;
    case NMC_CURL:
        NMC_CURL_CALLS(NMC_BIND)
        break;
    default:
        ok = 0;
    }
    /* a library missing a call is kept open (its calls may be half bound)
       but never reported loaded */
    l->loaded = ok;
}

static void load_spatialite(void) { load(NMC_SPATIALITE); }
static void load_proj(void) { load(NMC_PROJ); }
static void load_curl(void) { load(NMC_CURL); }

int nmC_have(nmC_lib lib)
{
    static void (*const loaders[NMC_LIBS])(void) = {
        [NMC_SPATIALITE] = load_spatialite, [NMC_PROJ] = load_proj, [NMC_CURL] = load_curl};

    if ((unsigned)lib >= NMC_LIBS)
        return 0;
    pthread_once(&libs[lib].once, loaders[lib]);
    return libs[lib].loaded;
}

nm_status nmC_need(nm_ctx *ctx, nmC_lib lib, const char *why)
{
    if (nmC_have(lib))
        return NM_OK;
    return nmC_fail(ctx, NM_ERROR, "cannot load %s, which %s needs: %s",
                    (unsigned)lib < NMC_LIBS ? libs[lib].soname : "a library", why,
                    (unsigned)lib < NMC_LIBS ? libs[lib].error : "unknown");
}
