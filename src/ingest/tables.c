/* Placeholder until the table readers land. */
#include "ingest/ingest_int.h"
nm_status nm_import_iod(nm_store *s, const nm_iod_opts *o, nm_import_result *r)
{
    (void)o;
    (void)r;
    return nm_fail(nm_store_ctx(s), NM_ERROR, "not implemented yet");
}
nm_status nm_import_indicators(nm_store *s, const nm_indicators_opts *o, nm_import_result *r)
{
    (void)o;
    (void)r;
    return nm_fail(nm_store_ctx(s), NM_ERROR, "not implemented yet");
}
nm_status nm_import_lookup(nm_store *s, const nm_lookup_opts *o, nm_import_result *r)
{
    (void)o;
    (void)r;
    return nm_fail(nm_store_ctx(s), NM_ERROR, "not implemented yet");
}
