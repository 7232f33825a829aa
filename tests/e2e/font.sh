# End to end: a choice of font (--font FAMILY, and the font key of a
# figures file).  The fonts a PDF embeds (pdffonts) are the family asked
# for and no other, for a map, a summary and a comparison; SVG and HTML
# text name it; a family fontconfig does not have is refused before any
# file is written, naming the family and the installed ones close to it.
source "$(dirname "$0")/lib.bash"
need_data
southend_wards_store
nm --quiet import localities "$NM_SRC/examples/southend/localities.csv"
fonts() { pdffonts "$1" | tail -n +3 | awk '{print $1}' | sed 's/^[A-Z]*+//' | sort -u | tr '\n' ' '; }

eq "by default the map is in DejaVu Sans" "DejaVuSans DejaVuSans-Bold " \
    "$(nm --quiet map imd_decile --within E06000033 -o "$T/sans.pdf" && fonts "$T/sans.pdf")"
expect_status "map --font" 0 nm map imd_decile --within E06000033 --labels ward --font "DejaVu Serif" -o "$T/serif.pdf"
eq "every text of the map is in DejaVu Serif" "DejaVuSerif DejaVuSerif-Bold " "$(fonts "$T/serif.pdf")"
contains "the labels are drawn" "Kursaal" "$(pdftotext "$T/serif.pdf" -)"
expect_status "fontconfig's case does not matter" 0 nm map imd_decile --within E06000033 --font "dejavu serif" -o "$T/lower.pdf"
eq "  and the family is the same" "DejaVuSerif DejaVuSerif-Bold " "$(fonts "$T/lower.pdf")"

nm --quiet map imd_decile --within E06000033 --font "DejaVu Serif" -o "$T/serif.svg"
eq "SVG text names the family" 0 "$(grep '<text ' "$T/serif.svg" | grep -vc 'font-family="DejaVu Serif, sans-serif"' || true)"
eq "  on every text" 1 "$(( $(grep -c '<text ' "$T/serif.svg") > 5 ))"
nm --quiet map imd_decile --within E06000033 --font "DejaVu Serif" -o "$T/serif.html"
contains "an HTML map's style sheet names it" 'font-family:"DejaVu Serif","DejaVu Sans",sans-serif' "$(cat "$T/serif.html")"

expect_status "summary --font" 0 nm summary --within E06000033 --font "DejaVu Serif" -o "$T/sum.pdf"
eq "the summary's tables, charts and maps are in it" "DejaVuSerif DejaVuSerif-Bold " "$(fonts "$T/sum.pdf")"
expect_status "compare --font" 0 nm compare Westborough Kursaal --within E06000033 --font "DejaVu Sans Mono" -o "$T/cmp.pdf"
eq "the comparison is in it" "DejaVuSansMono DejaVuSansMono-Bold " "$(fonts "$T/cmp.pdf")"

# --- a family not installed --------------------------------------------------------
expect_status "a misspelt family" 2 nm map imd_decile --within E06000033 --font "DejaVu Serf" -o "$T/bad.pdf"
contains "names the family" '"DejaVu Serf" is not installed' "$ERR"
contains "offers the close one" 'did you mean "DejaVu Serif"' "$ERR"
expect_status "a family with nothing close" 2 nm map imd_decile --within E06000033 --font Helvetica -o "$T/bad.pdf"
contains "names it" '"Helvetica" is not installed' "$ERR"
contains "lists what is installed" '"DejaVu Sans"' "$ERR"
contains "says where to look" "fc-list : family" "$ERR"
expect_status "summary refuses it too" 2 nm summary --within E06000033 --font Helvetica -o "$T/bad.pdf"
contains "  with the same words" '"Helvetica" is not installed' "$ERR"
expect_status "compare refuses it too" 2 nm compare Westborough Kursaal --within E06000033 --font Helvetica -o "$T/bad.pdf"
expect_status "two families are not one" 2 nm map imd_decile --within E06000033 --font "DejaVu Serif,Arial" -o "$T/bad.pdf"
contains "  and it says so" "one family name" "$ERR"
eq "nothing written by the refusals" 0 "$(ls "$T" | grep -c '^bad' || true)"

# --- a figures file's key ----------------------------------------------------------
cat > "$T/fig.ini" <<INI
[map.serif]
indicator = imd_decile
within = E06000033
font = DejaVu Serif
output = serif_built.pdf
[map.bad]
indicator = imd_decile
within = E06000033
font = Helvetica
output = bad_built.pdf
INI
expect_status "build with a font key" 0 nm build "$T/fig.ini" --only serif
eq "the built map is in it" "DejaVuSerif DejaVuSerif-Bold " "$(fonts "$T/serif_built.pdf")"
expect_status "a figures file with a family not installed" 1 nm build "$T/fig.ini" --only bad
contains "names the section's family" '"Helvetica" is not installed' "$ERR"
finish
