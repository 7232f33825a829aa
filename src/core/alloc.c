/*
 * The one allocator of the library (CONVENTIONS 8).  A test build can make
 * the Nth allocation fail to check that every error path frees what it took
 * (Lua's lua_Alloc, SQLite's fault injection).
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

#define HUGE_FROM ((size_t)4 << 20)

/* Asks the kernel to back the whole 2 MB pages inside a large block with
 * transparent huge pages (ignored where THP is off).  A map's geometry,
 * device coordinates and page image are tens of megabytes touched once:
 * with 4 KB pages that is some 30,000 faults a map, and where a fault is
 * dear (a paravirtualised guest: 85 ms for the first touch of 35 MB, 6 ms
 * with huge pages, bench/firsttouch.c) they were half the England map's
 * time.  glibc's own glibc.malloc.hugetlb=1 does the same for every block
 * but is read only from the environment at start.  Blocks keep the advice
 * through realloc (mremap moves the mapping with its flags).  Only a
 * program that asked (nm_memory_for_maps) gets it: a library caller's
 * memory is its own business. */
static atomic_int heap_tuned; /* nm_memory_for_maps() was called */

static void *advise_huge(void *p, size_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t from, to;

    if (p && size >= HUGE_FROM && atomic_load_explicit(&heap_tuned, memory_order_relaxed)) {
        from = ((uintptr_t)p + NMC_HUGE_PAGE - 1) & ~(NMC_HUGE_PAGE - 1);
        to = ((uintptr_t)p + size) & ~(NMC_HUGE_PAGE - 1);
        if (to > from)
            madvise((void *)from, to - from, MADV_HUGEPAGE);
    }
#else
    (void)size;
#endif
    return p;
}

/* ---- the program's allocator, tuned for big maps (nm_memory_for_maps) ---- */

static atomic_uintptr_t heap_seen; /* the break last advised up to */

/* Advises huge pages for what the heap grew by since last seen.  glibc's
 * main heap grows by brk, 64 MB at a time once tuned; the kernel does not
 * merge the growth into an advised region, so each growth is advised
 * here, on the next allocation after it (sbrk(0) reads a variable). */
static void advise_heap(void)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t top, seen;

    if (!atomic_load_explicit(&heap_tuned, memory_order_relaxed))
        return;
    top = (uintptr_t)sbrk(0);
    seen = atomic_load(&heap_seen);
    if (top == seen || !atomic_compare_exchange_strong(&heap_seen, &seen, top))
        return;
    if (top > seen)
        advise_huge((void *)seen, top - seen);
#endif
}

int nm_memory_for_maps(void)
{
#if defined(__GLIBC__) && defined(__linux__) && defined(MADV_HUGEPAGE)
    /* One arena: threads' arenas are mmap'd heaps this cannot advise, and
       a map's two band threads allocate little beside cairo's edges.  The
       heap grows 64 MB at a time and is not given back between maps (a
       build's worker draws thousands); blocks under 32 MB (glibc's most)
       come from it rather than from fresh mappings faulted in anew. */
    if (!mallopt(M_ARENA_MAX, 1) || !mallopt(M_TOP_PAD, 64 << 20) ||
        !mallopt(M_TRIM_THRESHOLD, 1 << 30) || !mallopt(M_MMAP_THRESHOLD, 32 << 20))
        return 0;
    atomic_store(&heap_seen, (uintptr_t)sbrk(0));
    atomic_store(&heap_tuned, 1);
    return 1;
#else
    return 0;
#endif
}

void *nm_malloc(size_t size)
{
    void *p;

    if (should_fail())
        return NULL;
    p = advise_huge(malloc(size ? size : 1), size);
    advise_heap();
    return p;
}

void *nm_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    /* calloc checks count * size for overflow; past it the product is exact */
    void *p = calloc(count ? count : 1, size ? size : 1);

    advise_heap();
    return advise_huge(p, p ? count * size : 0);
}

void *nm_realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    void *p = advise_huge(realloc(ptr, size ? size : 1), size);

    advise_heap();
    return p;
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
