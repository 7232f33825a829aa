# End to end: DfE's statistical neighbours (2021 and 2025 models), their LA
# numbers mapped to ONS codes by the stored upper-tier names, and the
# plan's Table 1 (la-summary --neighbours dfe), checked against python3
# straight from the CSVs.  Bad files and models leave the store as it was.
source "$(dirname "$0")/lib.bash"
need_data
SN21=$NM_DATA/neighbours/dfe/New_Statistical_Neighbour_Groupings_April_2021.csv
SN25=$NM_DATA/neighbours/dfe/sn_model_2025_wide.csv
UT19=$NM_DATA/lookups/ons/LAD19_UTLA19_EW_LU.csv
UT23=$NM_DATA/lookups/ons/LAD23_UTLA23_EW_LU.csv

expect_status "no upper-tier names yet" 2 nm import neighbours "$SN25"
contains "says which lookup" "LAD23_UTLA23_EW_LU.csv" "$ERR"
nm --quiet import lookup "$UT23" --child LAD23CD --parent UTLA23CD --parent-level utla 2>/dev/null

# --- bad inputs: clear errors, store unchanged ---------------------------------
before=$(checksum "$DB")
expect_status "the 2021 model without the 2019 lookup (Cumbria)" 3 nm import neighbours "$SN21"
contains "names the line and the authority" 'New_Statistical_Neighbour_Groupings_April_2021.csv:139: authority 909 "Cumbria" matches no stored upper-tier authority (did you mean Cumberland, E06000063?)' "$ERR"
expect_status "unknown model" 2 nm import neighbours "$SN25" --model 2019
contains "model message" '--model: "2019" is no DfE statistical-neighbour model (2021 or 2025)' "$ERR"
expect_status "model against the file name" 2 nm import neighbours "$SN25" --model 2021
contains "file name and model disagree" "the file name says model 2025, --model says 2021" "$ERR"
sed '2s/^\(301,[^,]*,[^,]*,[^,]*,\)308,/\1999,/' "$SN25" > "$T/sn_model_2025_bad.csv"
expect_status "a neighbour that is no authority" 3 nm import neighbours "$T/sn_model_2025_bad.csv"
contains "unknown LA number named" 'sn_model_2025_bad.csv:2: neighbour 1 of Barking and Dagenham (301): LA number 999 is no authority of the file' "$ERR"
printf 'old_la_code,la_name,SN_1\n882,Southend-on-See,839\n839,"Bournemouth, Christchurch and Poole",882\n' > "$T/sn_2025_typo.csv"
expect_status "a misspelt authority" 3 nm import neighbours "$T/sn_2025_typo.csv"
contains "suggestion" 'sn_2025_typo.csv:2: authority 882 "Southend-on-See" matches no stored upper-tier authority (did you mean Southend-on-Sea, E06000033?)' "$ERR"
eq "store unchanged by every failure" "$before" "$(checksum "$DB")"

# --- both models: Southend's ten neighbours -------------------------------------
nm --quiet import lookup "$UT19" --child LAD19CD --parent UTLA19CD --parent-level utla 2>/dev/null
nm --quiet import neighbours "$SN21" 2>/dev/null
nm --quiet import neighbours "$SN25"
eq "153 authorities in the 2025 model" 153 "$(sql "SELECT COUNT(DISTINCT child) FROM membership WHERE method='dfe-sn-2025'")"
eq "152 in the 2021 model (4 'Old SNs' rows skipped)" 152 "$(sql "SELECT COUNT(DISTINCT child) FROM membership WHERE method='dfe-sn-2021'")"
python3 - "$SN21" "$SN25" "$UT19" "$UT23" > "$T/sn.txt" <<'PY'
import csv, sys
names = {}
for f in sys.argv[3:5]:
    for r in csv.DictReader(open(f, encoding='utf-8-sig')):
        cd = [k for k in r if k.startswith('UTLA') and k.endswith('CD')][0]
        names[r[cd]] = r[cd.replace('CD', 'NM')]
def ten(path, num, cols):
    rows = {r[num]: r for r in csv.DictReader(open(path, encoding='utf-8-sig'))}
    return [rows[rows['882'][c]][cols] for c in [k for k in rows['882'] if k.replace('_', '')[:2] == 'SN' and not k.endswith('P')]]
print('|'.join(ten(sys.argv[1], 'LA num', 'LA Name')))
print('|'.join(ten(sys.argv[2], 'old_la_code', 'la_name')))
PY
for model in 2021 2025; do
    got=$(sql "SELECT group_concat(n, '|') FROM (SELECT (SELECT name FROM area WHERE code = m.parent AND level IN ('utla', 'county') ORDER BY vintage DESC LIMIT 1) n FROM membership m WHERE method = 'dfe-sn-$model' AND child = 'E06000033' ORDER BY weight)")
    want=$(sed -n "$([ $model = 2021 ] && echo 1 || echo 2)p" "$T/sn.txt")
    # the file's spellings differ from ONS's ("&", "Durham"): compare lower case without punctuation
    norm() { tr 'A-Z&' 'a-z+' | sed 's/+/and/g; s/[^a-z|]//g'; }
    eq "Southend's ten DfE neighbours, $model model" "$(norm <<<"$want")" "$(norm <<<"$got")"
done
contains "2025: Leeds, Milton Keynes, Bury ..." "E06000058|E08000035|E06000042|E08000002" \
    "$(sql "SELECT group_concat(parent, '|') FROM (SELECT parent FROM membership WHERE method='dfe-sn-2025' AND child='E06000033' ORDER BY weight)")"

# --- the stored neighbours are whole -------------------------------------------
# A level string freed before it was stored once gave rows whose index
# entries differed from the table (which neighbours a query found depended
# on the heap, so on the data's path): the store must check whole.
eq "store integrity after import neighbours" ok "$(sql 'PRAGMA integrity_check')"
eq "every neighbour row of a stored upper-tier level" \
   "dfe-sn-2021|utla|1520 dfe-sn-2025|utla|1530" \
   "$(sql "SELECT group_concat(r, ' ') FROM (SELECT method || '|' || child_level || '|' || COUNT(*) r FROM membership WHERE parent_level = 'neighbour' GROUP BY method, child_level ORDER BY 1)")"

# --- Table 1 on IoD 2019 (every authority whole) ---------------------------------
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" 2>/dev/null
nm la-summary --la E06000033 --neighbours dfe --model 2021 --format csv -o "$T/t1.csv"
# python3 straight from the CSVs: the IMD score weighted by population over
# each upper-tier authority of the 2019 lookup (IoD 2019's districts are of
# 2019), and Southend's ten 2021-model neighbours found by name in it
python3 - "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" "$UT19" "$SN21" > "$T/t1.txt" <<'PY'
import csv, re, sys
lu = list(csv.DictReader(open(sys.argv[2], encoding='utf-8-sig')))
up = {r['LAD19CD']: r['UTLA19CD'] for r in lu}
norm = lambda s: re.sub('[^a-z]', '', s.lower().replace('&', 'and'))
code = {norm(r['UTLA19NM']): r['UTLA19CD'] for r in lu}
pop, ws = {}, {}
for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')):
    u = up[r['Local Authority District code (2019)']]
    p = float(r['Total population: mid 2015 (excluding prisoners)'])
    pop[u] = pop.get(u, 0) + p
    ws[u] = ws.get(u, 0) + p * float(r['Index of Multiple Deprivation (IMD) Score'])
avg = {u: ws[u] / pop[u] for u in pop}
rows = {r['LA num']: r for r in csv.DictReader(open(sys.argv[3], encoding='utf-8-sig'))}
sn = [code[norm(rows[rows['882']['SN%d' % k]]['LA Name'])] for k in range(1, 11)]
print('%.6f %.6f' % (avg['E06000033'], sum(avg[c] for c in sn) / len(sn)))
PY
eq "Table 1: Southend's IMD average score and the neighbours' mean = python" "$(cat "$T/t1.txt")" \
   "$(awk -F, '$1=="\"IMD\"" {printf "%.6f %.6f", $3, $5}' "$T/t1.csv")"
TXT=$(nm la-summary --la E06000033 --neighbours dfe --model 2021)
contains "says which of the two stored lookups grouped the districts" \
    "Districts (2019 codes) grouped into the upper tier by the LAD 2019 -> UTLA 2019 lookup (the districts' year); also stored, not used: LAD 2023 -> UTLA 2023." "$TXT"

# --- the same table from a store built in the other order ------------------------
DB1=$DB
DB="$T/other-order.sqlite"
nm --quiet import lookup "$UT19" --child LAD19CD --parent UTLA19CD --parent-level utla 2>/dev/null
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" 2>/dev/null
nm --quiet import lookup "$UT23" --child LAD23CD --parent UTLA23CD --parent-level utla 2>/dev/null
nm --quiet import neighbours "$SN25"
nm --quiet import neighbours "$SN21" 2>/dev/null
eq "other order: store integrity" ok "$(sql 'PRAGMA integrity_check')"
eq "other order: the same Table 1" "$(cat "$T/t1.csv")" \
   "$(nm la-summary --la E06000033 --neighbours dfe --model 2021 --format csv)"
DB=$DB1
eq "Table 1: ten domains" 11 "$(wc -l < "$T/t1.csv")"
MD=$(nm la-summary --la E06000033 --neighbours dfe --model 2025 --format md)
contains "Table 1 heading" "### Table 1: Southend-on-Sea on each domain beside its neighbours (DfE statistical neighbours, 2025 model)" "$MD"
contains "neighbours named in Table 1" "| Bournemouth, Christchurch and Poole | Leeds | Milton Keynes | Bury |" "$MD"
contains "ranks given on whole data" "Rank of 151" "$MD"
FILE=$(nm la-summary --la E06000033 --neighbours-file "$SN25" --format csv)
eq "--neighbours-file gives the stored model's table" "$(nm la-summary --la E06000033 --neighbours dfe --model 2025 --format csv)" "$FILE"
# Table 1 as a chart, for a council of another shape (Blackpool, the most deprived)
nm la-summary --la E06000009 --neighbours dfe --model 2021 -o "$T/blackpool.pdf"
BP=$(pdftotext -layout "$T/blackpool.pdf" - | tr -s ' \n' ' ')
contains "Blackpool chart: title" "Table 1: Blackpool beside its statistical neighbours, IMD 2019" "$BP"
contains "Blackpool chart: among 151 upper-tier authorities" "among the 151 upper-tier authorities (counties and unitaries) of England" "$BP"
contains "Blackpool chart: neighbours named" "Hartlepool, Middlesbrough, Halton, Redcar and Cleveland" "$BP"
expect_status "a chart needs neighbours" 2 nm la-summary --la E06000009 -o "$T/nonb.png"
contains "a chart needs neighbours: message" "a chart is Table 1, of --la beside its neighbours" "$ERR"
eq "no chart written without neighbours" no "$([ -e "$T/nonb.png" ] && echo yes || echo no)"
expect_status "la-summary: unknown model" 2 nm la-summary --la E06000033 --neighbours dfe --model 2019
expect_status "DfE neighbours are upper tier" 2 nm la-summary --la E06000033 --neighbours dfe --level lad
expect_status "a district has no DfE neighbours" 2 nm la-summary --la E07000066 --neighbours dfe

finish
