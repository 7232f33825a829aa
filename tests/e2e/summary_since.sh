# End to end: two releases side by side in the locality summaries and the
# ward comparison (summary/compare --since 2019): IMD 2019 on 2011 LSOAs
# beside IMD 2025 on 2021 LSOAs for Southend's wards, localities and the
# borough, through the ONS LSOA 2011 -> 2021 lookup, with a note saying so.
# Every share and move is checked against python3 straight from the two
# CSVs and the lookup (the wards' LSOAs read from the store).
source "$(dirname "$0")/lib.bash"
need_data
southend21_since_store

# --- without the lookup: a clear error, the store as it was ---------------------------
before=$(checksum "$DB")
expect_status "summary --since without the lookup" 2 nm summary --within E06000033 --since 2019 -o "$T/x.csv"
contains "names the lookup to import" "no lookup between the two is stored: import the ONS one" "$ERR"
expect_status "compare --since without the lookup" 2 nm compare Kursaal Victoria --within E06000033 --since 2019 -o "$T/x.pdf"
eq "nothing written" "" "$(ls "$T" | grep '^x\.' || true)"
eq "store unchanged" "$before" "$(checksum "$DB")"
nm --quiet import lookup "$LU" --child LSOA11CD --parent LSOA21CD --parent-level lsoa
expect_status "--since the release shown" 2 nm summary --within E06000033 --since 2025 -o "$T/x.csv"
expect_status "--since a release not stored" 2 nm summary --within E06000033 --since 2015 -o "$T/x.csv"

# --- every ward, locality and the borough against python ------------------------------
nm summary --within E06000033 --since 2019 -o "$T/s.csv" 2>"$T/log"
sql "SELECT m.child, m.parent FROM membership m WHERE m.parent_level = 'ward' AND m.child_level = 'lsoa'" > "$T/wards.txt"
sql "SELECT m.child, m.parent FROM membership m WHERE m.parent_level = 'locality' AND m.child_level = 'ward'" > "$T/locs.txt"
python3 - "$LU" "$I19" "$F7" "$T/wards.txt" "$T/locs.txt" > "$T/want.txt" <<'PY'
import csv, sys
lu = list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig')))
d19 = {r['LSOA code (2011)']: int(r['Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)'])
       for r in csv.DictReader(open(sys.argv[2], encoding='utf-8-sig'))}
d25 = {r['LSOA code (2021)']: int(r['Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)'])
       for r in csv.DictReader(open(sys.argv[3], encoding='utf-8-sig'))}
parents = {}
for r in lu:
    parents.setdefault(r['LSOA21CD'], []).append((r['LSOA11CD'], r['CHGIND']))
ward = {}
for line in open(sys.argv[4]):
    l, w = line.strip().split('|')
    ward.setdefault(w, []).append(l)
groups = dict(ward)
for line in open(sys.argv[5]):
    w, loc = line.strip().split('|')
    groups.setdefault(loc, []).extend(ward.get(w, []))
groups['E06000033'] = list(d25)
def then_of(l):
    ps = parents[l]
    if len(ps) == 1 and ps[0][1] in 'US':
        return d19[ps[0][0]]
    if all(c == 'M' for _, c in ps) and len({d19[p] for p, _ in ps}) == 1:
        return d19[ps[0][0]]
    return None
for g in sorted(groups):
    ls = groups[g]
    old = sorted({p for l in ls for p, _ in parents[l]})
    t10 = sum(d19[p] <= 1 for p in old) / len(old)
    t20 = sum(d19[p] <= 2 for p in old) / len(old)
    n10 = sum(d25[l] <= 1 for l in ls) / len(ls)
    n20 = sum(d25[l] <= 2 for l in ls) / len(ls)
    worse = sum(then_of(l) is not None and d25[l] < then_of(l) for l in ls)
    better = sum(then_of(l) is not None and d25[l] > then_of(l) for l in ls)
    print('%s %.6f %.6f %.6f %.6f %d %d' % (g, t10, n10, t20, n20, worse, better))
PY
got=$(python3 - "$T/s.csv" <<'PY'
import csv, sys
seen = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r['level'] == 'country':
        continue
    seen[r['code']] = '%s %.6f %.6f %.6f %.6f %d %d' % (
        r['code'], float(r['since_nat10_then']), float(r['since_nat10_now']), float(r['since_nat20_then']),
        float(r['since_nat20_now']), float(r['since_worse']), float(r['since_better']))
print('\n'.join(seen[k] for k in sorted(seen)))
PY
)
eq "17 wards, 3 localities and the borough" 21 "$(wc -l < "$T/want.txt")"
eq "2019 and 2025 shares and moves of every ward, locality and the borough = python" "$(cat "$T/want.txt")" "$got"
contains "the borough: 9 of 107 LSOAs of 2011 (8.4%), 12 of 108 of 2021 (11.1%), 24 more deprived, 12 less" \
    "E06000033 0.084112 0.111111 0.214953 0.231481 24 12" "$got"

# --- the printed summary and the comparison say what they compared ---------------------
nm summary --within E06000033 --since 2019 -o "$T/s.pdf" 2>/dev/null
TXT=$(pdftotext -layout "$T/s.pdf" - | tr -s ' \n' ' ')
pct() { awk -v c="$1" -v k="$2" '$1 == c {printf "%.1f%%", 100 * $k + 1e-9}' "$T/want.txt"; }
row() { echo "$(pct LOC-CENTRAL "$1") $(pct LOC-EAST "$1") $(pct LOC-WEST "$1") $(pct E06000033 "$1") –"; }
# the labels wrap: each row reads "Share ... 10% most <values> deprived nationally (IMD 2019)"
contains "summary PDF: localities and borough, 10% in 2019 (python)" "Share of LSOAs among the 10% most $(row 2) deprived nationally (IMD 2019)" "$TXT"
contains "summary PDF: localities and borough, 10% in 2025 (python)" "Share of LSOAs among the 10% most $(row 3) deprived nationally (IMD 2025)" "$TXT"
contains "summary PDF: localities and borough, 20% in 2019 (python)" "Share of LSOAs among the 20% most $(row 4) deprived nationally (IMD 2019)" "$TXT"
contains "summary PDF: the lookup and the lineage counts" "IMD 2025 against 2019 on 2011 LSOAs through LSOA11_LSOA21_LAD22_EW_LU.csv (106 unchanged, 2 split)" "$TXT"
contains "summary PDF: the boundary change" "The 2019 figures are of the LSOAs of 2011 that an area's LSOAs of 2021 come from" "$TXT"
contains "summary PDF: scores are not compared" "scores are of 2025 only" "$TXT"
nm compare Kursaal Victoria Milton --within E06000033 --since 2019 -o "$T/c.pdf" 2>/dev/null
CTXT=$(pdftotext -layout "$T/c.pdf" - | tr -s ' \n' ' ')
contains "compare PDF: the lookup" "through LSOA11_LSOA21_LAD22_EW_LU.csv (106 unchanged, 2 split)" "$CTXT"
contains "compare PDF: Kursaal, Victoria, Milton and the borough, 10% in 2019 (python)" \
    "$(pct E05002216 2) $(pct E05002225 2) $(pct E05002218 2) $(pct E06000033 2) –" "$CTXT"
contains "compare PDF: ... and in 2025 (python)" \
    "$(pct E05002216 3) $(pct E05002225 3) $(pct E05002218 3) $(pct E06000033 3) –" "$CTXT"
nm summary --within E06000033 --since 2019 -o "$T/s.md" 2>/dev/null
contains "Markdown: the note" "LSOA11_LSOA21_LAD22_EW_LU.csv (106 unchanged, 2 split)" "$(cat "$T/s.md")"
# without --since the tables are as before: one release, no note
nm summary --within E06000033 -o "$T/one.csv" 2>/dev/null
eq "without --since: no since rows" "" "$(head -1 "$T/one.csv" | grep -o since || true)"

# --- England's column from a store of one council: missing, never Southend's sums -------
# (File 7's populations are stored for Southend's 108 LSOAs only; England has 33,755)
eng=$(python3 - "$T/s.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')) if r['name'] == 'England']
print(len(rows), sorted({r.get('pop_total', '') for r in rows}), sorted({r.get('lsoas', '') for r in rows}))
PY
)
contains "England's population and LSOAs left empty, not Southend's 180,884 and 108" "['']" "$eng"
nostr() { case "$2" in *"$1"*) echo "FAIL: $3"; FAILS=$((FAILS + 1));; esac; CHECKS=$((CHECKS + 1)); }
nostr "180884" "$eng" "England's population is Southend's sum: $eng"

finish
