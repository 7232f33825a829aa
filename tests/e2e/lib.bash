# Shared by the end-to-end scripts: a scratch folder, the store, and checks
# that print what differed.  Sourced, not run.
set -euo pipefail
: "${NM:?NM must name the needsmap binary}"
: "${NM_DATA:=}"
T=$(mktemp -d "${TMPDIR:-/tmp}/nm-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
DB="$T/store.sqlite"
FAILS=0
CHECKS=0

# A test on the real data fails without it: a suite that skips would pass
# hollow.  The data belongs in ../shared/data beside the clone (README "Data").
need_data() {
    if [ -z "$NM_DATA" ] || [ ! -d "$NM_DATA/indicators" ] || [ ! -d "$NM_DATA/boundaries" ]; then
        echo "FAIL: the real data is missing: expected ../shared/data beside the clone" \
             "(NM_DATA=${NM_DATA:-unset}; cmake -DNM_SHARED_DATA=DIR names another folder)" >&2
        exit 1
    fi
}

nm() { "$NM" --db "$DB" "$@"; }

# Southend's LSOAs and wards, IoD 2019, the LSOA -> ward lookup and the ward
# aggregates: the store most figure tests start from.
southend_wards_store() {
    nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
    nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_wards13.shp" --level ward
    nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
    nm --quiet import lookup "$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv" \
        --child LSOA11CD --parent WD13CD --parent-level ward
    nm --quiet aggregate --to ward --within E06000033
}

# Blackpool's LSOAs and wards (E06000009, 21 wards), cut from England's
# boundaries, IoD 2019 and the LSOA -> ward lookup; no aggregates yet.
blackpool_wards_store() {
    local b=$NM_DATA/boundaries/england
    ogr2ogr -f GPKG "$T/bp.gpkg" "$b/england_lsoa11.shp" -where "LAD11CD = 'E06000009'" -nln lsoa
    ogr2ogr -f GPKG "$T/bpw.gpkg" "$b/england_wards13.shp" -where "LAD13CD = 'E06000009'" -nln ward
    nm --quiet import boundaries "$T/bp.gpkg" --level lsoa
    nm --quiet import boundaries "$T/bpw.gpkg" --level ward
    nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
    nm --quiet import lookup "$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv" \
        --child LSOA11CD --parent WD13CD --parent-level ward
}

# Southend on 2021 LSOAs and 2022 wards with IoD 2025 (File 7) and IoD
# 2019, the LSOAs given wards by interior point, ward aggregates of 2025
# and the example's localities; no LSOA 2011 -> 2021 lookup yet.  Sets
# LU, F7 and I19 to the lookup and the two releases' files.
southend21_since_store() {
    LU=$NM_DATA/lookups/ons/LSOA11_LSOA21_LAD22_EW_LU.csv
    F7=$NM_DATA/indicators/iod2025/File_7_IoD2025_southend_E06000033.csv
    I19=$NM_DATA/indicators/iod2019/southend_iod2019_assembled.csv
    nm --quiet import boundaries "$NM_DATA/boundaries/southend/geojson/southend_lsoa21_bsc.geojson" --level lsoa
    nm --quiet import boundaries "$NM_DATA/boundaries/southend/geojson/southend_wards22_bsc.geojson" --level ward
    nm --quiet import iod "$F7"
    nm --quiet import iod "$I19" 2>/dev/null
    nm --quiet assign --child lsoa --parent ward
    nm --quiet aggregate --to ward --within E06000033 --period 2025
    nm --quiet import localities "$NM_SRC/examples/southend/localities.csv"
}

# eq WHAT EXPECTED ACTUAL
eq() {
    CHECKS=$((CHECKS + 1))
    if [ "$2" != "$3" ]; then
        echo "FAIL: $1: expected [$2], got [$3]"
        FAILS=$((FAILS + 1))
    fi
}

# contains WHAT NEEDLE HAYSTACK
contains() {
    CHECKS=$((CHECKS + 1))
    case "$3" in
    *"$2"*) ;;
    *) echo "FAIL: $1: [$2] not in:"; printf '%s\n' "$3" | head -20; FAILS=$((FAILS + 1)) ;;
    esac
}

# expect_status WHAT CODE COMMAND...: runs, keeps stderr in $ERR
expect_status() {
    local what=$1 want=$2 got=0
    shift 2
    ERR=$("$@" 2>&1 >/dev/null) || got=$?
    eq "$what (exit status)" "$want" "$got"
}

# as_other_user COMMAND...: runs COMMAND as an unprivileged user, so that
# file permissions hold (root ignores them, and CI runs as root).  The
# scratch folder becomes readable for it.
as_other_user() {
    if [ "$(id -u)" != 0 ]; then
        "$@"
        return
    fi
    getent passwd nobody >/dev/null || useradd --system --no-create-home nobody
    chmod a+rx "$T"
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"
}

sql() { sqlite3 -batch -noheader "$DB" "$@"; }
spatial_sql() { sqlite3 -batch -noheader -cmd "SELECT load_extension('mod_spatialite');" "$DB" "$@" | tail -n +2; }

checksum() { sha256sum "$1" | cut -d' ' -f1; }

finish() {
    echo "$((CHECKS - FAILS)) passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}
