/*
 * Shared unit-test fixtures (support.h).  Folders are removed by walking
 * them with opendir/readdir rather than by running "rm -rf" in a shell, so
 * that a path is never parsed by a shell and a failure is seen here.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

int ts_tmpdir(char dir[64], const char *tag)
{
    if (snprintf(dir, 64, "/tmp/nm-%s-XXXXXX", tag) >= 64)
        return -1;
    return mkdtemp(dir) ? 0 : -1;
}

int ts_rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    if (!d)
        return -1;
    while ((e = readdir(d))) {
        char path[4096];
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path ||
            lstat(path, &st) != 0) {
            rc = -1;
            continue;
        }
        if (S_ISDIR(st.st_mode) ? ts_rmtree(path) != 0 : unlink(path) != 0)
            rc = -1;
    }
    closedir(d);
    return rmdir(dir) == 0 ? rc : -1;
}

int ts_store_new(ts_store *f, const char *tag)
{
    memset(f, 0, sizeof *f);
    if (ts_tmpdir(f->dir, tag) != 0)
        return -1;
    snprintf(f->db, sizeof f->db, "%s/store.sqlite", f->dir);
    if (!(f->ctx = nm_ctx_new()))
        return -1;
    return nm_store_open(f->ctx, f->db, NM_STORE_CREATE, &f->store) == NM_OK ? 0 : -1;
}

int ts_store_free(ts_store *f)
{
    int rc = 0;

    nm_store_close(f->store);
    nm_ctx_free(f->ctx);
    if (f->dir[0])
        rc = ts_rmtree(f->dir);
    memset(f, 0, sizeof *f);
    return rc;
}

const char *ts_path(const ts_store *f, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", f->dir, name);
    return buf;
}

int ts_write(const ts_store *f, const char *name, const char *text)
{
    char path[256];
    FILE *fp = fopen(ts_path(f, name, path, sizeof path), "w");
    int rc;

    if (!fp)
        return -1;
    rc = fputs(text, fp) < 0 ? -1 : 0;
    return fclose(fp) == 0 ? rc : -1;
}

int ts_import_rects(ts_store *f, const char *name, const char *level, int vintage,
                    const char *const *codes, const double (*box)[4], int n)
{
    char path[256];
    FILE *fp = fopen(ts_path(f, name, path, sizeof path), "w");
    nm_boundaries_opts b = {0};

    if (!fp)
        return -1;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", fp);
    for (int i = 0; i < n; i++) {
        double x1 = TS_X0 + box[i][0], y1 = TS_Y0 + box[i][1];
        double x2 = TS_X0 + box[i][2], y2 = TS_Y0 + box[i][3];
        fprintf(fp,
                "{\"type\":\"Feature\",\"properties\":{\"code\":\"%s\",\"name\":\"%s\"},"
                "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.2f,%.2f],[%.2f,%.2f],"
                "[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f]]]}}%s\n",
                codes[i], codes[i], x1, y1, x2, y1, x2, y2, x1, y2, x1, y1,
                i == n - 1 ? "" : ",");
    }
    fputs("]}\n", fp);
    if (fclose(fp) != 0)
        return -1;
    b.in.path = path;
    b.level = level;
    b.code_field = "code";
    b.name_field = "name";
    b.vintage = vintage;
    b.crs = "EPSG:27700";
    return nm_import_boundaries(f->store, &b, NULL) == NM_OK ? 0 : -1;
}
