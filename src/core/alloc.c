/*
 * The one allocator of the library (CONVENTIONS 8).  A test build can make
 * the Nth allocation fail to check that every error path frees what it took
 * (Lua's lua_Alloc, SQLite's fault injection).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "nm_int.h"

static atomic_long fail_countdown = -1; /* < 0: injection off */
static atomic_long alloc_count = 0;

long nmC_alloc_fail_after(long n)
{
    long made = atomic_exchange(&alloc_count, 0);
    atomic_store(&fail_countdown, n);
    return made;
}

/* True when this allocation must fail under injection. */
static int should_fail(void)
{
    atomic_fetch_add(&alloc_count, 1);
    if (atomic_load(&fail_countdown) < 0)
        return 0;
    return atomic_fetch_sub(&fail_countdown, 1) <= 0;
}

void *nm_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *nm_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *nm_realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

char *nm_strdup(const char *s)
{
    size_t n;
    char *copy;

    if (!s)
        return NULL;
    n = strlen(s) + 1;
    copy = nm_malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

void nm_free(void *ptr)
{
    free(ptr);
}
