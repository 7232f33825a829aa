# End to end: speed work changes no figure.  For fixed inputs (Southend's
# and England's IMD 2019 decile maps on the 2011 LSOAs, a district of the
# IMD 2025 atlas on the 2021 LSOAs through a figures file) the SHA-256 of
# the PNGs' decoded pixels (GDAL's raw bands, so the compression may
# change but no pixel), of the PDFs' text (pdftotext) and of the sidecars
# without their store-specific "inputs" (paths, import times) must equal
# the references in figure_hashes.ref.  A deliberate change of a figure
# updates them with NM_UPDATE_HASHES=1 and says so in its commit.
source "$(dirname "$0")/lib.bash"
need_data
REF="$(dirname "$0")/figure_hashes.ref"
D=$NM_DATA
for tool in gdal_translate pdftotext python3; do
    command -v $tool >/dev/null || { echo "FAIL: $tool is needed"; exit 1; }
done

# pixels PNG: the hash of its decoded pixels
pixels() {
    gdal_translate -q -of ENVI "$1" "$T/raw.bin" >/dev/null
    sha256sum <"$T/raw.bin" | cut -d' ' -f1
    rm -f "$T"/raw.bin*
}
text() { pdftotext -layout "$1" - | sha256sum | cut -d' ' -f1; }
sidecar() {
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d.pop('inputs', None); print(json.dumps(d, sort_keys=True))" "$1" |
        sha256sum | cut -d' ' -f1
}

S11="$T/southend.sqlite" E11="$T/england.sqlite" E21="$T/england21.sqlite"
"$NM" --quiet --db "$S11" import boundaries "$D/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
"$NM" --quiet --db "$S11" import iod "$D/indicators/iod2019/iod2019_lsoa_assembled.csv" 2>/dev/null
"$NM" --quiet --db "$S11" map imd_decile --dpi 300 --portrait -o "$T/southend.png"
"$NM" --quiet --db "$S11" map imd_decile --portrait -o "$T/southend.pdf"
"$NM" --quiet --db "$E11" import boundaries "$D/boundaries/england/england_lsoa11.shp" --level lsoa
"$NM" --quiet --db "$E11" import iod "$D/indicators/iod2019/iod2019_lsoa_assembled.csv"
"$NM" --quiet --db "$E11" map imd_decile --dpi 150 --portrait -o "$T/england.png"
"$NM" --quiet --db "$E21" import boundaries "$D/boundaries/england/england_lsoa21_bsc.geojson" --level lsoa
"$NM" --quiet --db "$E21" import iod "$D/indicators/iod2025/iod2025_lsoa21_assembled.csv"
cat >"$T/atlas.ini" <<'INI'
[map.basildon_imd]
indicator = imd_decile
period = 2025
within = E07000066
page = A4
dpi = 150
output = basildon_imd.png

[map.basildon_income]
indicator = income_decile
period = 2025
within = E07000066
page = A4
dpi = 150
output = basildon_income.png
INI
(cd "$T" && "$NM" --quiet --db "$E21" build atlas.ini -j 2)

{
    echo "southend.png pixels $(pixels "$T/southend.png")"
    echo "southend.png.json sidecar $(sidecar "$T/southend.png.json")"
    echo "southend.pdf text $(text "$T/southend.pdf")"
    echo "england.png pixels $(pixels "$T/england.png")"
    echo "england.png.json sidecar $(sidecar "$T/england.png.json")"
    for m in basildon_imd basildon_income; do
        echo "$m.png pixels $(pixels "$T/$m.png")"
        echo "$m.png.json sidecar $(sidecar "$T/$m.png.json")"
    done
} >"$T/hashes"

if [ "${NM_UPDATE_HASHES:-}" = 1 ]; then
    cp "$T/hashes" "$REF"
    echo "updated $REF"
    exit 0
fi
[ -f "$REF" ] || { echo "FAIL: no $REF (NM_UPDATE_HASHES=1 makes it)"; exit 1; }
while read -r name kind hash; do
    eq "$name $kind" "$(grep "^$name $kind " "$REF" | cut -d' ' -f3)" "$hash"
done <"$T/hashes"
eq "figures compared" "$(wc -l <"$REF")" "$(wc -l <"$T/hashes")"
finish
