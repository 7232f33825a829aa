/*
 * The schema of the store and its version.  The version lives in SQLite's
 * user_version and the file is marked as ours with application_id, so that a
 * store from another version, or any other SQLite file, is recognised before
 * anything is read or written.
 */
#include <string.h>

#include "store/store_int.h"

/* 'NMAP' */
#define NM_APPLICATION_ID 0x4E4D4150

/* The areas a map draws, everything its selection reads, in the order it
 * reads them: selecting England's LSOAs reads this index alone instead of
 * 46 MB of rows that hold the boundaries. */
#define AREA_DRAWN_INDEX                                                                           \
    "CREATE INDEX IF NOT EXISTS area_drawn ON area(level, vintage, code, name, dataset) "         \
    "WHERE geom IS NOT NULL;"

/* The datasets a level's boundaries came from, which a build asks of every
 * figure to see whether it is stale: without it the question reads every
 * row of the level, boundaries included (1 s of a national atlas's no-op
 * rebuild). */
#define AREA_DATASET_INDEX "CREATE INDEX IF NOT EXISTS area_dataset ON area(level, dataset);"

/* The same question of the memberships a map follows: the datasets of a
 * level and vintage's memberships, and whether any leads to another
 * level (report/provenance.c). */
#define MEMBERSHIP_DATASET_INDEX                                                                   \
    "CREATE INDEX IF NOT EXISTS membership_dataset ON membership(child_level, child_vintage, "    \
    "dataset, parent_level);"

static const char *const schema_sql =
    "CREATE TABLE dataset ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  file TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  rows INTEGER NOT NULL DEFAULT 0,"
    "  imported_at TEXT NOT NULL,"
    "  attribution TEXT);"
    "CREATE TABLE area ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL,"
    "  name TEXT,"
    "  level TEXT NOT NULL,"
    "  vintage INTEGER NOT NULL,"
    "  dataset INTEGER REFERENCES dataset(id),"
    "  UNIQUE (level, vintage, code));"
    "CREATE INDEX area_code ON area(code);"
    /* Values live in tables "data_<dataset id>", one per imported file or
       computation, a row per area code and a REAL column per indicator: a
       32,844-row IoD file is 32,844 inserts rather than 850,000, and the
       tables read naturally in any SQLite client.  An indicator is one
       series of one period on the codes of one level and vintage; its
       values may come from several such tables (indicator_part), each
       covering its own areas: aggregating Norwich's wards after
       Blackpool's adds a part and leaves Blackpool's values where they
       are.  A new part takes over the codes it covers from older parts
       (their cells are set to NULL, a part left empty is removed). */
    "CREATE TABLE indicator ("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL,"
    "  period TEXT NOT NULL,"
    "  label TEXT NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  polarity INTEGER NOT NULL,"
    "  level TEXT NOT NULL,"
    "  vintage INTEGER NOT NULL,"
    "  dataset INTEGER REFERENCES dataset(id),"
    "  UNIQUE (key, period, level, vintage));"
    "CREATE TABLE indicator_part ("
    "  indicator INTEGER NOT NULL REFERENCES indicator(id),"
    "  tbl TEXT NOT NULL,"
    "  col TEXT NOT NULL,"
    "  dataset INTEGER REFERENCES dataset(id),"
    "  PRIMARY KEY (indicator, tbl)) WITHOUT ROWID;"
    "CREATE INDEX indicator_part_tbl ON indicator_part(tbl);"
    "CREATE TABLE membership ("
    "  child TEXT NOT NULL,"
    "  child_level TEXT NOT NULL,"
    "  child_vintage INTEGER NOT NULL,"
    "  parent TEXT NOT NULL,"
    "  parent_level TEXT NOT NULL,"
    "  parent_vintage INTEGER NOT NULL,"
    "  method TEXT NOT NULL,"
    "  weight REAL NOT NULL DEFAULT 1,"
    "  dataset INTEGER REFERENCES dataset(id),"
    "  PRIMARY KEY (child_level, child_vintage, child, parent_level, parent_vintage,"
    "               method, parent)) WITHOUT ROWID;"
    "CREATE INDEX membership_parent ON membership(parent_level, parent, child_level);"
    "CREATE INDEX membership_child ON membership(child_level, child);"
    /* Incidents (police.uk crimes, safeguarding referrals, ...): one row per
       point, geometry added below.  'name' is the --name of the import, so
       a re-import replaces exactly its own rows; 'line' is the source line
       for messages.  Dates are ISO text, 'YYYY-MM' or 'YYYY-MM-DD', so a
       window is a string comparison. */
    "CREATE TABLE incident ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  dataset INTEGER NOT NULL REFERENCES dataset(id),"
    "  line INTEGER NOT NULL,"
    "  date TEXT,"
    "  category TEXT,"
    "  sex TEXT CHECK (sex IN ('F', 'M')),"
    "  children INTEGER CHECK (children IN (0, 1)));"
    "CREATE INDEX incident_name ON incident(name);"
    /* What 'needsmap build' made: per figure ("map.imd_deciles") or input
       ("data.iod2019"), the SHA-256 of its definition, what it read (the
       dataset ids of a figure, the file checksum of an input), the version
       that made it and its output, so that a later build redoes only what
       changed. */
    "CREATE TABLE build ("
    "  figure TEXT PRIMARY KEY,"
    "  definition TEXT NOT NULL,"
    "  inputs TEXT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  output TEXT,"
    "  built_at TEXT NOT NULL);";

nm_status nmS_schema_create(nm_store *store)
{
    nm_status rc;
    char sql[128];

    /* 16 KB pages: a typical LSOA's geometry (1 to 3 KB) sits in its row
       instead of an overflow chain, and a store is written in a quarter of
       the pages; England's boundaries import 12% faster, maps draw as fast.
       Only the two reference systems the store uses, not the 6,000 rows of
       a full spatial_ref_sys: creating a store takes milliseconds. */
    rc = nmS_store_exec(store, "PRAGMA page_size = 16384; SELECT InitSpatialMetadata(1, 'NONE');");
    if (rc == NM_OK)
        rc = nmS_store_exec(store, "BEGIN;"
                                  "SELECT InsertEpsgSrid(27700);"
                                  "SELECT InsertEpsgSrid(4326);");
    if (rc == NM_OK)
        rc = nmS_store_exec(store, schema_sql);
    if (rc == NM_OK)
        rc = nmS_store_exec(store,
                           "SELECT AddGeometryColumn('area', 'geom', 27700, 'MULTIPOLYGON', 'XY');"
                           "SELECT CreateSpatialIndex('area', 'geom');"
                           "SELECT AddGeometryColumn('incident', 'geom', 27700, 'POINT', 'XY');"
                           "SELECT CreateSpatialIndex('incident', 'geom');" AREA_DRAWN_INDEX
                                AREA_DATASET_INDEX MEMBERSHIP_DATASET_INDEX);
    if (rc == NM_OK) {
        snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
                 NM_APPLICATION_ID, NM_SCHEMA_VERSION);
        rc = nmS_store_exec(store, sql);
    }
    return rc;
}

long nmS_query_long(nm_store *store, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long v = -1;

    if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

nm_status nmS_schema_check(nm_store *store)
{
    long app = nmS_query_long(store, "PRAGMA application_id");
    long version = nmS_query_long(store, "PRAGMA user_version");

    if (app < 0)
        return nmC_fail(store->ctx, NM_SCHEMA,
                       "%s: not an SQLite database; give another --db or remove the file",
                       store->path);
    if (app != NM_APPLICATION_ID)
        return nmC_fail(store->ctx, NM_SCHEMA,
                       "%s: not a needsmap store (application id %ld); give another --db",
                       store->path, app);
    if (version != NM_SCHEMA_VERSION)
        return nmC_fail(store->ctx, NM_SCHEMA,
                       "%s: store schema version %ld, this needsmap (%s) reads version %d; "
                       "re-import the inputs into a new store (remove the file or give "
                       "another --db)",
                       store->path, version, nm_version(), NM_SCHEMA_VERSION);
    return NM_OK;
}

/* Indexes added since schema 2 was first written: a store made before
 * gets them in its first write transaction. */
nm_status nmS_schema_upgrade(nm_store *store)
{
    nm_status rc = NM_OK;

    if (nmS_query_long(store, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                              "name = 'area_drawn'") == 0)
        rc = nmS_store_exec(store, AREA_DRAWN_INDEX);
    if (rc == NM_OK && nmS_query_long(store, "SELECT count(*) FROM sqlite_master WHERE type = "
                                             "'index' AND name = 'area_dataset'") == 0)
        rc = nmS_store_exec(store, AREA_DATASET_INDEX);
    if (rc == NM_OK && nmS_query_long(store, "SELECT count(*) FROM sqlite_master WHERE type = "
                                             "'index' AND name = 'membership_dataset'") == 0)
        rc = nmS_store_exec(store, MEMBERSHIP_DATASET_INDEX);
    return rc;
}
