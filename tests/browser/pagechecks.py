"""Checks shared by the browser tests of summary pages: the tally, names on the maps
that meet, and the printed pages (one section per page, the sources,
licence and page number on every page)."""
import subprocess

FAILS = []
CHECKS = [0]


def check(what, ok, detail=""):
    CHECKS[0] += 1
    if not ok:
        FAILS.append(what)
        print("FAIL: %s %s" % (what, detail))


def eq(what, want, got):
    check(what, want == got, "expected [%s], got [%s]" % (want, got))


def report():
    """Prints the tally; the exit status of the test."""
    print("%d passed, %d failed" % (CHECKS[0] - len(FAILS), len(FAILS)))
    return 1 if FAILS else 0

# the boxes, in CSS pixels, of the names shown on each map (those of a
# hidden variant, display: none, have no box)
NAME_BOXES = """(() => Array.from(document.querySelectorAll('svg.map')).map(svg => ({
  id: svg.id,
  names: Array.from(svg.querySelectorAll('.names text')).filter(t => t.getClientRects().length)
    .map(t => { const r = t.getBoundingClientRect();
                return [t.textContent, r.left, r.top, r.right, r.bottom]; })})))()"""


def name_collisions(b, slack=0.5):
    """Pairs of names drawn over each other on any map of the page, as
    'map: A / B'; 'slack' pixels of overlap are let pass (glyph edges)."""
    bad = []
    maps = b.js(NAME_BOXES)
    for m in maps:
        n = m["names"]
        for i in range(len(n)):
            for k in range(i + 1, len(n)):
                a, c = n[i], n[k]
                if (a[1] < c[3] - slack and c[1] < a[3] - slack and
                        a[2] < c[4] - slack and c[2] < a[4] - slack):
                    bad.append("%s: %s / %s" % (m["id"], a[0], c[0]))
    return bad, maps


def pdf_pages(pdf):
    """The text of each page of a PDF (pdftotext -layout)."""
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    n = int([l.split()[1] for l in info.splitlines() if l.startswith("Pages:")][0])
    return [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), "-layout", pdf, "-"],
                           capture_output=True, text=True).stdout for p in range(1, n + 1)]


def footer_problems(pages):
    """Pages whose footer lacks the licence or its number 'Page N of M'."""
    bad = []
    for i, t in enumerate(pages):
        flat = " ".join(t.split())
        if "Open Government Licence" not in flat:
            bad.append("page %d: no licence" % (i + 1))
        if "Page %d of %d" % (i + 1, len(pages)) not in flat:
            bad.append("page %d: no 'Page %d of %d'" % (i + 1, i + 1, len(pages)))
    return bad
