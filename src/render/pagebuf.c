/*
 * The PNG page image's memory, and the deflate encoder's.  A page of A4 at
 * 300 dpi is 35 MB: taken fresh for every map, each of its pages is
 * faulted in again (8,500 faults a map where a fault is dear), so a thread
 * that draws many maps (a build's worker) keeps its image from one map to
 * the next, and asks for transparent huge pages for it.  The encoder's
 * symbols, rows and output (half a megabyte a map, given back to the
 * kernel by free() and faulted in again) are kept the same way.  The main
 * thread draws one map and keeps nothing; a worker's blocks are freed when
 * the thread ends.
 *
 * A kept image always asks for transparent huge pages; any other block of
 * 4 MB or more asks only in a program tuned by nm_memory_for_maps() (the
 * command line is), through nm_malloc.  With the kernel's usual THP
 * defrag setting ("madvise"), a fault in a region so marked may compact
 * memory to find a free 2 MB page.  How that weighs depends on the host:
 * on one 2-core VM the first touch of a fresh 35 MB block took 4-6 ms with
 * huge pages in 11 runs of 15 but 26-440 ms in the other 4, against a
 * steady 19-21 ms with 4 KB pages; on another of the same kind, 85 ms with
 * 4 KB pages against 6 ms with huge pages (bench/firsttouch.c), and the
 * England map fell from 0.60 s to 0.35 s.  A worker pays any compaction
 * once for thousands of maps.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "render_int.h"

typedef struct pagebuf {
    void *block;  /* as allocated */
    unsigned char *pix; /* its first huge-page boundary */
    size_t cap;   /* bytes from pix */
    int kept;     /* a thread's, kept for its next map */
    int busy;     /* kept and lent out: a second asker gets a fresh block */
} pagebuf;

/* what one thread keeps: a block for each use */
typedef struct kept {
    pagebuf slot[RN_KEEP_SLOTS];
} kept;

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int have_key;

static void pagebuf_free(void *p)
{
    pagebuf *b = p;

    if (b) {
        nm_free(b->block);
        nm_free(b);
    }
}

static void kept_free(void *p)
{
    kept *k = p;
    int i;

    if (!k)
        return;
    for (i = 0; i < RN_KEEP_SLOTS; i++)
        nm_free(k->slot[i].block);
    nm_free(k);
}

static void make_key(void)
{
    have_key = pthread_key_create(&key, kept_free) == 0;
}

static int main_thread(void)
{
    return (pid_t)syscall(SYS_gettid) == getpid();
}

/* A block of at least 'size' bytes whose start is on a huge-page boundary,
 * with the kernel asked to back it by huge pages when 'huge' (ignored
 * where it may not: THP off, or not a Linux kernel).  The encoder's block
 * is mostly untouched room for its output: a huge page would be zeroed
 * whole for the little it uses.  In a program tuned by
 * nm_memory_for_maps() nm_malloc has already advised the block's huge
 * pages: the madvise here overrides that for the encoder and makes the
 * page image's advice hold for a library caller too (one call a map). */
static int take(pagebuf *b, size_t size, int huge)
{
    size_t cap = (size + NMC_HUGE_PAGE - 1) / NMC_HUGE_PAGE * NMC_HUGE_PAGE;
    void *block = nm_malloc(cap + NMC_HUGE_PAGE);
    uintptr_t at;

    if (!block)
        return 0;
    at = ((uintptr_t)block + NMC_HUGE_PAGE - 1) / NMC_HUGE_PAGE * NMC_HUGE_PAGE;
#if defined(MADV_HUGEPAGE) && defined(MADV_NOHUGEPAGE)
    madvise((void *)at, cap, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
#endif
    b->block = block;
    b->pix = (unsigned char *)at;
    b->cap = cap;
    return 1;
}

unsigned char *nmR_kept(int slot, size_t size, void **hold)
{
    kept *k = NULL;
    pagebuf *b;
    int huge = slot == RN_KEEP_PAGE; /* the page image only: see the top */

    *hold = NULL;
    pthread_once(&once, make_key);
    if (have_key && !main_thread() && slot >= 0 && slot < RN_KEEP_SLOTS) {
        k = pthread_getspecific(key);
        if (!k && (!(k = nm_calloc(1, sizeof *k)) || pthread_setspecific(key, k) != 0)) {
            nm_free(k);
            k = NULL;
        }
        if (k && !k->slot[slot].busy) {
            b = &k->slot[slot];
            if (!b->block || b->cap < size) {
                nm_free(b->block);
                memset(b, 0, sizeof *b);
                if (!take(b, size, huge))
                    return NULL;
                b->kept = 1;
            }
            b->busy = 1;
            *hold = b;
            return b->pix;
        }
    }
    /* the main thread's (or a second at once): the caller's to give back */
    b = nm_calloc(1, sizeof *b);
    if (!b || !take(b, size, huge)) {
        nm_free(b);
        return NULL;
    }
    *hold = b;
    return b->pix;
}

void nmR_kept_done(void *hold)
{
    pagebuf *b = hold;

    if (b && b->kept)
        b->busy = 0;
    else
        pagebuf_free(b);
}
