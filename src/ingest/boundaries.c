/* Placeholder until the boundaries reader lands. */
#include "ingest/ingest_int.h"
nm_status nm_import_boundaries(nm_store *s, const nm_boundaries_opts *o, nm_import_result *r)
{
    (void)o;
    (void)r;
    return nm_fail(nm_store_ctx(s), NM_ERROR, "import boundaries: not implemented yet");
}
