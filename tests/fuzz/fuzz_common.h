/*
 * Shared by the libFuzzer targets: a scratch file per process that each
 * input is written to, for readers that take a path, and the loop that
 * reads a boundaries source through.  Not part of the library.
 */
#ifndef NM_FUZZ_COMMON_H
#define NM_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Writes 'n' bytes to the scratch file "DIR/NAME" (DIR made once per
 * process) and returns its path, or NULL. */
const char *fuzz_file(const char *name, const uint8_t *data, size_t n);

struct bnd_source;
/* Reads every feature and field of an open boundaries source, as an
 * import does. */
void fuzz_drain(struct bnd_source *src);

#endif
