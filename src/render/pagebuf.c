/*
 * The PNG page image's memory.  A page of A4 at 300 dpi is 35 MB: taken
 * fresh for every map, each of its pages is faulted in again (8,500 faults
 * a map where a fault is dear), so a thread that draws many maps (a build's
 * worker) keeps its image from one map to the next, and every image asks
 * for transparent huge pages.  The main thread draws one map and keeps
 * nothing; a worker's image is freed when the thread ends.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "render_int.h"

#define HUGE_PAGE ((size_t)2 << 20)

typedef struct pagebuf {
    void *block;  /* as allocated */
    unsigned char *pix; /* its first huge-page boundary */
    size_t cap;   /* bytes from pix */
} pagebuf;

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

static void make_key(void)
{
    have_key = pthread_key_create(&key, pagebuf_free) == 0;
}

static int main_thread(void)
{
    return (pid_t)syscall(SYS_gettid) == getpid();
}

/* A block of at least 'size' bytes whose start is on a huge-page boundary,
 * with the kernel asked to back it by huge pages (ignored where it may
 * not: THP off, or not a Linux kernel). */
static int take(pagebuf *b, size_t size)
{
    size_t cap = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *block = nm_malloc(cap + HUGE_PAGE);
    uintptr_t at;

    if (!block)
        return 0;
    at = ((uintptr_t)block + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
#ifdef MADV_HUGEPAGE
    madvise((void *)at, cap, MADV_HUGEPAGE);
#endif
    b->block = block;
    b->pix = (unsigned char *)at;
    b->cap = cap;
    return 1;
}

unsigned char *nmR_page_image(size_t size, void **hold)
{
    pagebuf *b = NULL;

    *hold = NULL;
    pthread_once(&once, make_key);
    if (have_key && !main_thread()) {
        b = pthread_getspecific(key);
        if (b && b->cap >= size)
            return b->pix;
        if (b) {
            nm_free(b->block);
            b->block = NULL;
            b->cap = 0;
        } else if (!(b = nm_calloc(1, sizeof *b)) || pthread_setspecific(key, b) != 0) {
            nm_free(b);
            b = NULL;
        }
        if (b)
            return take(b, size) ? b->pix : NULL;
    }
    /* the main thread's (or without thread keys): the caller's to give back */
    b = nm_calloc(1, sizeof *b);
    if (!b || !take(b, size)) {
        nm_free(b);
        return NULL;
    }
    *hold = b;
    return b->pix;
}

void nmR_page_image_done(void *hold)
{
    pagebuf_free(hold);
}
