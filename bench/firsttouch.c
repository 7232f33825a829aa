/*
 * bench/firsttouch.c: what the first touch of a fresh A4 300 dpi page image
 * (2480 x 3508 x 4 bytes) costs with and without transparent huge pages,
 * and the second touch for comparison, in milliseconds.  Quoted by
 * src/render/pagebuf.c, which asks for huge pages only for the images it
 * keeps.
 *
 *   cc -O2 bench/firsttouch.c -o /tmp/firsttouch
 *   for i in $(seq 15); do /tmp/firsttouch; /tmp/firsttouch huge; done
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

int main(int argc, char **argv)
{
    size_t n = (size_t)2480 * 3508 * 4;
    int huge = argc > 1 && strcmp(argv[1], "huge") == 0;
    double t0 = now_ms(), t1, t2;
    unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return 1;
    madvise(p, n, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    memset(p, 0xff, n);
    t1 = now_ms();
    memset(p, 0xfe, n);
    t2 = now_ms();
    printf("%s pages: first touch %.1f ms, second %.1f ms\n", huge ? "huge" : "4 KB", t1 - t0,
           t2 - t1);
    return 0;
}
