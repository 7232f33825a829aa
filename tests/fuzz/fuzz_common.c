/*
 * The scratch folder of a fuzz target (one per process under $TMPDIR,
 * removed at exit, so that parallel runs do not share files) and the
 * reading of a boundaries source to its end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "ingest/bnd_int.h"

static char dir[256];
static char path[512];

static void remove_dir(void)
{
    char cmd[300];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return;
}

const char *fuzz_file(const char *name, const uint8_t *data, size_t n)
{
    FILE *fp;

    if (!dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/nm-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir))
            abort();
        atexit(remove_dir);
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    fp = fopen(path, "wb");
    if (!fp)
        return NULL;
    if (n && fwrite(data, 1, n, fp) != n) {
        fclose(fp);
        return NULL;
    }
    fclose(fp);
    return path;
}

void fuzz_drain(bnd_source *src)
{
    bnd_feature f;
    int done = 0, i;
    long n = 0;

    while (n++ < 100000 && src->ops->next(src, &f, &done) == NM_OK && !done) {
        if (f.geom)
            gaiaFreeGeomColl(f.geom);
        for (i = 0; i < src->nfields; i++)
            src->ops->text(src, i);
    }
}
