# End to end: what changed between IMD 2019 (2011 LSOAs) and IMD 2025 (2021
# LSOAs) for Southend-on-Sea, through the ONS LSOA 2011 -> 2021 lookup: the
# change map's classes and every area's class, and the change facts, each
# against a calculation made here straight from the two CSV files and the
# lookup with python3 (check values C5 and C6 of ../shared/data section 9).
source "$(dirname "$0")/lib.bash"
need_data
F7="$NM_DATA/indicators/iod2025/File_7_IoD2025_southend_E06000033.csv"
I19="$NM_DATA/indicators/iod2019/southend_iod2019_assembled.csv"
LU="$NM_DATA/lookups/ons/LSOA11_LSOA21_LAD22_EW_LU.csv"
nm --quiet import boundaries "$NM_DATA/boundaries/southend/geojson/southend_lsoa21_bsc.geojson" --level lsoa
nm --quiet import iod "$F7"
nm --quiet import iod "$I19" 2>/dev/null

# --- without the lookup: a clear error, nothing written ---------------------
sum_before=$(sha256sum "$DB" | cut -d' ' -f1)
expect_status "change without a lookup" 2 nm map imd_decile --within E06000033 --period 2025 --since 2019 -o "$T/x.png"
contains "names the missing lookup" "no lookup between the two is stored" "$ERR"
contains "says what to import" "LSOA11_LSOA21_LAD22_EW_LU.csv" "$ERR"
eq "no map written" "no" "$([ -e "$T/x.png" ] && echo yes || echo no)"
eq "store unchanged" "$sum_before" "$(sha256sum "$DB" | cut -d' ' -f1)"

nm --quiet import lookup "$LU" --child LSOA11CD --parent LSOA21CD --parent-level lsoa 2>/dev/null

# --- scores do not compare across releases -----------------------------------
expect_status "score refused" 2 nm map imd_score --within E06000033 --period 2025 --since 2019 -o "$T/x.png"
contains "says why" "scores are not on one scale across releases" "$ERR"
expect_status "same release refused" 2 nm map imd_decile --period 2025 --since 2025 -o "$T/x.png"

# --- the independent calculation ---------------------------------------------
python3 - "$F7" "$I19" "$LU" >"$T/expect.txt" <<'PY'
import csv, sys
dec = 'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)'
rank = 'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)'
now = {r['LSOA code (2021)']: r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig'))}
then = {r['LSOA code (2011)']: r for r in csv.DictReader(open(sys.argv[2], encoding='utf-8-sig'))}
parents, change = {}, {}
for r in csv.DictReader(open(sys.argv[3], encoding='utf-8-sig')):
    if r['LSOA21CD'] in now:
        parents.setdefault(r['LSOA21CD'], []).append(r['LSOA11CD'])
        change[r['LSOA21CD']] = r['CHGIND']
kinds = {k: sum(1 for c in change.values() if c == k) for k in 'USMX'}
diff = {}
for code, r in now.items():
    if change.get(code) in ('U', 'S'):
        diff[code] = int(r[dec]) - int(then[parents[code][0]][dec])
cls = lambda d: 4 if d <= -2 else 3 if d == -1 else 2 if d == 0 else 1 if d == 1 else 0
counts = [sum(1 for d in diff.values() if cls(d) == k) for k in range(5)]
older = sorted({p for c in now for p in parents.get(c, [])})
print('kinds', kinds['U'], kinds['S'], kinds['M'], kinds['X'])
print('split', ' '.join(sorted(c for c in now if change.get(c) == 'S')), parents[sorted(c for c in now if change.get(c) == 'S')[0]][0])
print('counts', ' '.join(map(str, counts)))
print('classes', ' '.join('%s:%d' % (c, cls(diff[c])) for c in sorted(diff)))
print('d1', sum(1 for r in now.values() if int(r[dec]) == 1), sum(1 for p in older if int(then[p][dec]) == 1), len(older))
print('entered', ' '.join(sorted(c for c in diff if int(now[c][dec]) == 1 and int(then[parents[c][0]][dec]) > 1)))
print('left', ' '.join(sorted(c for c in diff if int(then[parents[c][0]][dec]) == 1 and int(now[c][dec]) > 1)))
moves = [d for d in diff.values()]
print('moves', len(moves), sum(d < 0 for d in moves), sum(d <= -2 for d in moves), sum(d == 0 for d in moves), sum(d > 0 for d in moves), sum(d >= 2 for d in moves))
top = min(now, key=lambda c: int(now[c][rank]))
print('top', top, now[top][rank], then[parents[top][0]][rank])
PY
want() { sed -n "s/^$1 //p" "$T/expect.txt"; }
eq "Southend: 106 unchanged, 2 split (C5)" "106 2 0 0" "$(want kinds)"
eq "E01015895 split into E01034095 and E01034096" "E01034095 E01034096 E01015895" "$(want split)"

# --- the change map ----------------------------------------------------------
nm map imd_decile --within E06000033 --period 2025 --since 2019 -o "$T/change.png" 2>/dev/null
S="$T/change.png.json"
eq "class counts = calculation" "$(want counts)" "$(jq -r '[.classes[].count] | map(tostring) | join(" ")' "$S")"
eq "every area's class = calculation" "$(want classes)" \
   "$(jq -r '[.areas[] | select(.class >= 0) | "\(.code):\(.class)"] | sort | join(" ")' "$S")"
eq "labels say what moved" "2 or more deciles less deprived|1 decile less deprived|No change|1 decile more deprived|2 or more deciles more deprived" \
   "$(jq -r '[.classes[].label] | join("|")' "$S")"
# diverging: "no change" pale, more deprived red, less deprived blue
rgb() { jq -r ".classes[$1].colour" "$S" | sed 's/#\(..\)\(..\)\(..\)/\1 \2 \3/' | while read -r r g b; do echo $((16#$r)) $((16#$g)) $((16#$b)); done; }
read -r r g b < <(rgb 4); eq "more deprived is red" "1" "$(( r > g + 80 && r > b + 80 ))"
read -r r g b < <(rgb 0); eq "less deprived is blue" "1" "$(( b > r + 80 ))"
read -r r g b < <(rgb 2); eq "no change is pale and grey" "1" "$(( r > 230 && g > 230 && b > 230 ))"
eq "no area left out" "0" "$(jq -r '.missing' "$S")"
contains "title" "Change in national IMD decile, 2019 to 2025" "$(jq -r '.label' "$S")"
# the alt text: the releases said once; a diverging scale has two dark ends,
# named by their classes, not a darkest and a lightest
ALT=$(jq -r '.alt_text' "$S")
contains "alt text: releases said once" "LSOAs by Change in national IMD decile, 2019 to 2025, shaded by" "$ALT"
contains "alt text: one end by its class" "The first class, 2 or more deciles more deprived, holds $(jq -r '.classes[4].count' "$S") LSOAs" "$ALT"
contains "alt text: the other end" "The last class, 2 or more deciles less deprived, holds $(jq -r '.classes[0].count' "$S") LSOAs" "$ALT"
eq "alt text: no lightest class on a diverging scale" 0 "$(grep -c 'lightest' <<< "$ALT")"
pdf_text=$(nm map imd_decile --within E06000033 --period 2025 --since 2019 --no-sidecar -o "$T/change.pdf" 2>/dev/null && pdftotext -layout "$T/change.pdf" - | tr -s ' \n' ' ')
contains "PDF names the lookup it used" "LSOA11_LSOA21_LAD22_EW_LU.csv" "$pdf_text"
contains "PDF says how the areas compare" "106 unchanged, 2 split" "$pdf_text"
contains "PDF legend" "2 or more deciles more deprived" "$pdf_text"

# --- the change facts ----------------------------------------------------------
nm facts --within E06000033 --period 2025 --since 2019 --format json -o "$T/facts.json"
py() { python3 -c "import json; d={f['id']: f for f in json.load(open('$T/facts.json'))}; $1"; }
read -r d1now d1then nolder < <(want d1)
eq "decile 1 now and then = calculation (C5: 12; C1: 9)" "12 9 107" "$d1now $d1then $nolder"
eq "decile 1 numbers in JSON" "$d1now $d1then" \
   "$(py "n=d['change_most_deprived_10']['numbers']; print(n['lsoas_now'], n['lsoas_then'])")"
TXT=$(nm facts --within E06000033 --period 2025 --since 2019)
contains "sentence" "12 LSOAs of Southend-on-Sea are among England's most deprived 10% on the IMD 2025 (9 in 2019)." "$TXT"
for code in $(want entered); do contains "entered: $code" "$code" "$(py "print(d['change_most_deprived_10']['text'].split('New to it')[1].split('No longer')[0])")"; done
for code in $(want left); do contains "left: $code" "$code" "$(py "print(d['change_most_deprived_10']['text'].split('No longer in it')[1])")"; done
eq "entered and left counts" "$(want entered | wc -w) $(want left | wc -w)" \
   "$(py "n=d['change_most_deprived_10']['numbers']; print(n['entered'], n['left'])")"
read -r nmov worse worse2 same better better2 < <(want moves)
eq "moves = calculation" "$nmov $worse $worse2 $same $better $better2" \
   "$(py "n=d['change_deciles']['numbers']; print(*(n[k] for k in ('compared','more_deprived','more_deprived_2','same','less_deprived','less_deprived_2')))")"
read -r top rnow rthen < <(want top)
eq "most deprived LSOA (C6: E01015842, 50 and 136)" "E01015842 50 136" "$top $rnow $rthen"
contains "rank then and now" "E01015842 \"Southend-on-Sea 014D\", ranks 50 of 33,755 in England on the IMD 2025; in 2019 it ranked 136 of 32,844." "$TXT"
contains "definition: positions, not scores" "scores are not on one scale across releases" "$TXT"

# --- England: every lineage, the whole-table path ------------------------------
DB="$T/england.sqlite"
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_lsoa21_bsc.geojson" --level lsoa
nm --quiet import iod "$NM_DATA/indicators/iod2025/iod2025_lsoa21_assembled.csv"
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" 2>/dev/null
nm --quiet import lookup "$LU" --child LSOA11CD --parent LSOA21CD --parent-level lsoa 2>/dev/null
nm map imd_decile --period 2025 --since 2019 -o "$T/england.png" 2>/dev/null
python3 - "$NM_DATA/indicators/iod2025/iod2025_lsoa21_assembled.csv" \
    "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" "$LU" >"$T/england.txt" <<'PY'
import csv, sys
dec = 'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)'
now = {r['LSOA code (2021)']: int(r[dec]) for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig'))}
then = {r['LSOA code (2011)']: int(r[dec]) for r in csv.DictReader(open(sys.argv[2], encoding='utf-8-sig'))}
olds, news = {}, {}
for r in csv.DictReader(open(sys.argv[3], encoding='utf-8-sig')):
    olds.setdefault(r['LSOA21CD'], set()).add(r['LSOA11CD'])
    news.setdefault(r['LSOA11CD'], set()).add(r['LSOA21CD'])
cls = lambda d: 4 if d <= -2 else 3 if d == -1 else 2 if d == 0 else 1 if d == 1 else 0
counts, kinds = [0] * 5, {'U': 0, 'S': 0, 'M': 0, 'X': 0}
missing = 0
for code, d in now.items():
    o = olds.get(code, set())
    shared = any(len(news[p]) > 1 for p in o)
    kind = ('S' if shared else 'U') if len(o) == 1 else ('X' if shared else 'M')
    kinds[kind] += 1
    prev = {then[p] for p in o if p in then}
    if kind in 'US' or (kind == 'M' and len(prev) == 1 and all(p in then for p in o)):
        counts[cls(d - prev.pop())] += 1
    else:
        missing += 1
print(' '.join(map(str, counts)), missing)
print('%d unchanged, %d split, %d merged, %d redrawn' % (kinds['U'], kinds['S'], kinds['M'], kinds['X']))
PY
S="$T/england.png.json"
eq "England: class counts and not compared = calculation" "$(sed -n 1p "$T/england.txt")" \
   "$(jq -r '([.classes[].count] | map(tostring) | join(" ")) + " \(.missing)"' "$S")"
nm map imd_decile --period 2025 --since 2019 --no-sidecar -o "$T/england.pdf" 2>/dev/null
contains "England: lineages in the subtitle" "$(sed -n 2p "$T/england.txt" | sed 's/\([0-9]\)\([0-9]\{3\}\) /\1,\2 /g')" \
   "$(pdftotext -layout "$T/england.pdf" - | tr -s ' \n' ' ')"
finish
