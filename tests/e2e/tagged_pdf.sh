# End to end: every PDF needsmap writes is tagged as far as cairo's tag
# API goes (docs/ARCHITECTURE.md "Tagged PDF"): a document title in the
# metadata, and a structure tree read back with poppler's pdfinfo -struct
# -text whose elements come in reading order: the title as H1, text as P,
# the maps and charts as Figure, tables as Table/TR/TH/TD, a comparison's
# wards as H2 and its legend as a list.  On the Southend store of the plan
# (IoD 2019, wards, localities).
source "$(dirname "$0")/lib.bash"
need_data
southend_wards_store
nm --quiet import localities "$NM_SRC/examples/southend/localities.csv"
nm --quiet aggregate --to locality --within E06000033

# the element names of a PDF's structure tree, one a line, indented by depth
tree() { pdfinfo -struct "$1" | sed 's/ (block)$//; s/ (inline)$//'; }
# the first line of text of each top-level element: "H1 Title..."
tops() {
    pdfinfo -struct-text "$1" | python3 -c '
import sys, unicodedata
# NFKC: the text is read back with its ligatures ("fi" as U+FB01)
lines, out, cur = unicodedata.normalize("NFKC", sys.stdin.read()).split("\n"), [], None
for l in lines:
    d = len(l) - len(l.lstrip())
    if d == 2 and not l.strip().startswith("\""):
        cur = l.strip().split(" ")[0]
        out.append([cur, ""])
    elif l.strip().startswith("\"") and out and not out[-1][1]:
        out[-1][1] = l.strip().strip("\"")
for name, text in out:
    print(name, text)'
}

# --- the map page -----------------------------------------------------------------
nm --quiet map imd_decile --within E06000033 --overlay ward -o "$T/map.pdf"
eq "map: tagged" yes "$(pdfinfo "$T/map.pdf" | awk '/^Tagged:/ {print $2}')"
eq "map: title in the metadata" "Index of Multiple Deprivation (IMD) decile, 2019" \
   "$(pdfinfo "$T/map.pdf" | sed -n 's/^Title: *//p')"
eq "map: root element" Document "$(tree "$T/map.pdf" | head -1)"
eq "map: reading order (title, subtitle, the map, the source line)" "H1 P Figure P" \
   "$(tops "$T/map.pdf" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
contains "map: the H1 holds the title" "H1 Index of Multiple Deprivation (IMD) decile, 2019" "$(tops "$T/map.pdf")"
contains "map: the last P is the attribution" "Contains" "$(tops "$T/map.pdf" | tail -1)"

# --- the locality summaries ---------------------------------------------------------
nm --quiet summary --within E06000033 -o "$T/sum.pdf"
TOPS=$(tops "$T/sum.pdf")
eq "summary: tagged" yes "$(pdfinfo "$T/sum.pdf" | awk '/^Tagged:/ {print $2}')"
eq "summary: title in the metadata" "Southend-on-Sea: locality summaries" \
   "$(pdfinfo "$T/sum.pdf" | sed -n 's/^Title: *//p')"
eq "summary: the title is the first element" "H1 Southend-on-Sea: locality summaries" "$(head -1 <<<"$TOPS")"
eq "summary: one H1" 1 "$(grep -c '^H1 ' <<<"$TOPS")"
# (poppler reads a text back only up to a ligature: "Headline fi")
for h in "Headline fi" "Contents" "Southend-on-Sea by locality" "Central locality" "East locality" "West locality"; do
    contains "summary: heading $h" "H2 $h" "$TOPS"
done
eq "summary: the overview and the three locality maps are figures, as are the charts" 1 \
   "$(( $(grep -c '^Figure' <<<"$TOPS") >= 4 ))"
# headings in the order of the pages: the localities after the contents
eq "summary: sections in reading order" "Headline fi|Contents|Southend-on-Sea by locality|Central locality|East locality|West locality" \
   "$(grep '^H2 ' <<<"$TOPS" | cut -d' ' -f2- | grep -v '(continued)$' | paste -sd'|')"
# a table's rows: a header row, then rows headed by their label
TREE=$(tree "$T/sum.pdf")
eq "summary: tables are Table elements" 1 "$(( $(grep -c '^  Table$' <<<"$TREE") >= 4 ))"
python3 - "$T/sum.pdf" > "$T/tab.txt" <<'PY'
import subprocess, sys
t = subprocess.run(["pdfinfo", "-struct-text", sys.argv[1]], capture_output=True, text=True).stdout
# the first Table: its rows' cells, the texts of their first lines
rows, row, inside = [], None, False
for l in t.split("\n"):
    d, s = len(l) - len(l.lstrip()), l.strip()
    if d == 2:
        if inside: break
        inside = s.startswith("Table")
    elif inside and d == 4 and s == "TR":
        row = []; rows.append(row)
    elif inside and d == 6:
        row.append([s, ""])
    elif inside and d == 8 and s.startswith('"') and row and not row[-1][1]:
        row[-1][1] = s.strip('"')
print(" ".join(c[0] for c in rows[0]))
print(" ".join(c[0] for c in rows[1]))
print(rows[1][0][1])
print(len(rows))
PY
eq "summary table: header row of column heads after an empty corner" "TH TH TH TH TH TH" "$(sed -n 1p "$T/tab.txt")"
eq "summary table: a row is its label (TH) and its cells (TD)" "TH TD TD TD TD TD" "$(sed -n 2p "$T/tab.txt")"
eq "summary table: the first row's label" "Population" "$(sed -n 3p "$T/tab.txt")"

# --- the ward comparison --------------------------------------------------------------
nm --quiet compare Kursaal Victoria Milton --within E06000033 -o "$T/cmp.pdf"
TOPS=$(tops "$T/cmp.pdf")
eq "compare: title first" "H1 Wards compared: Kursaal, Victoria and Milton" "$(head -1 <<<"$TOPS")"
eq "compare: the wards as headings, in order" "Kursaal|Victoria|Milton" \
   "$(grep '^H2 ' <<<"$TOPS" | cut -d' ' -f2- | paste -sd'|')"
eq "compare: three maps" 3 "$(grep -c '^Figure' <<<"$TOPS")"
eq "compare: the legend is a list of the 10 classes" 10 \
   "$(tree "$T/cmp.pdf" | awk '/^  L$/ {l = 1; next} /^  [^ ]/ {l = 0} l && /^    LI$/ {n++} END {print n + 0}')"
contains "compare: the table" "Table" "$(tree "$T/cmp.pdf")"
finish
