"""Drives a county's summary page (Essex by district) in headless Chromium
(county_page.sh makes the files): nothing requested but the file; the time
from navigation to interactive and of an indicator switch, measured; every
district a section, its legend counting its LSOAs by decile as the LSOA
map's sidecar and the ONS lookup give them; Tab and the arrow keys through
every ward of the overview with its population as the CSV; no two names
on any map meeting, on a screen and on a phone; print: each district
heading one page, the sources, licence and page number on every page;
scripts off: every table and map still there.

usage: county_page.py PAGE.html SUMMARY.csv LSOAMAP.json LSOA_LAD_LOOKUP.csv OUTDIR
"""
import csv
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402
import pagechecks  # noqa: E402
from pagechecks import check, eq  # noqa: E402

PAGE, CSV, SIDECAR, LOOKUP, OUT = sys.argv[1:6]
# Times are printed for the record, never judged here: a test run shares
# the machine with others, so the targets are judged by bench/page.sh on a
# quiet one.  What a test can judge is that the switch happens.

rows = list(csv.DictReader(open(CSV, encoding="utf-8")))
districts = {r["code"]: r["name"] for r in rows if r["level"] == "lad" and r["table"] == r["name"]}
wards = {r["code"]: r for r in rows if r["level"] == "ward"}
side = json.load(open(SIDECAR))
lad_of = {r["LSOA11CD"]: r["LAD19CD"] for r in csv.DictReader(open(LOOKUP))}
file_url = "file://" + os.path.abspath(PAGE)
DATA = "JSON.parse(document.getElementById('nm-data').textContent)"


def legend(b, sec):
    return b.js("""Array.from(document.querySelectorAll('.legend[data-sec="%d"] li')).map(li =>
        [li.querySelector('.ll').textContent, +li.querySelector('.lc').textContent])""" % sec)


def main():
    b = cdp.Browser()
    try:
        b.open_page(1366, 768)
        b.load(PAGE)
        reqs = [e["params"]["request"]["url"] for e in b.events
                if e["method"] == "Network.requestWillBeSent"]
        eq("the only request is the file", [file_url], reqs)
        errors = [e["params"]["entry"]["text"] for e in b.events
                  if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
        eq("no errors in the console", [], errors)

        # ---- timings -----------------------------------------------------------------
        t = b.js("""(() => { const n = performance.getEntriesByType('navigation')[0];
          const r = performance.getEntriesByName('nm-ready')[0];
          return {ready: r ? r.startTime : null, dcl: n.domContentLoadedEventEnd,
                  load: n.loadEventEnd}; })()""")
        print("Essex page: interactive after %.0f ms (DOMContentLoaded %.0f ms, load %.0f ms)"
              % (t["ready"] or -1, t["dcl"], t["load"]))
        check("the script marked the page interactive", t["ready"] is not None)
        opt = b.js("%s.maps.findIndex(m => m.key === 'ward_imd_score_pw')" % DATA)
        check("the weighted IMD score of wards is offered", opt > 0, str(opt))
        before = legend(b, -1)
        # from the change to the frame that shows it
        ms = b.js("""new Promise(done => { const s = document.getElementById('ind');
          const t0 = performance.now(); s.value = '%d'; s.dispatchEvent(new Event('change'));
          requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0)); })""" % opt)
        during = legend(b, -1)
        check("the switch redraws the overview legend for the weighted score",
              during != before and len(during) > 0, str(during[:3]))
        back = b.js("""new Promise(done => { const s = document.getElementById('ind');
          const t0 = performance.now(); s.value = '0'; s.dispatchEvent(new Event('change'));
          requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0)); })""")
        print("Essex page: indicator switch %.0f ms, and back %.0f ms" % (ms, back))
        eq("after switching there and back, the overview legend is as it was", before,
           legend(b, -1))
        b.screenshot(os.path.join(OUT, "essex-desktop.png"))

        # ---- a section per district, legends counting its LSOAs ------------------------
        secs = b.js("%s.secs" % DATA)
        eq("a section per district", sorted(districts.values()), sorted(secs))
        heads = b.js("Array.from(document.querySelectorAll('section.group h2')).map(h => h.textContent)")
        eq("sections headed by district", sorted(n + " district" for n in districts.values()), sorted(heads))
        want0 = [[c["label"], c["count"]] for c in reversed(side["classes"])]
        eq("overview legend = the LSOA map's sidecar", want0, legend(b, -1))
        klass = {a["code"]: a["class"] for a in side["areas"]}
        labels = {c["class"]: c["label"] for c in side["classes"]}
        for s, name in enumerate(secs):
            code = [c for c, n in districts.items() if n == name][0]
            count = {}
            for lsoa, k in klass.items():
                if lad_of.get(lsoa) == code:
                    count[k] = count.get(k, 0) + 1
            want = [[labels[c["class"]], count.get(c["class"], 0)] for c in reversed(side["classes"])]
            eq("%s: legend counts its LSOAs by decile" % name, want, legend(b, s))

        # ---- keyboard: Tab to the overview, arrows through all its wards ----------------
        for _ in range(60):
            b.key("Tab", vk=9)
            if b.js("document.activeElement.matches('#map-o .wards path')"):
                break
        check("Tab reaches the overview map's wards", b.js("document.activeElement.hasAttribute('data-w')"))
        n = b.js("document.querySelectorAll('#map-o .wards path[tabindex]').length")
        eq("every ward of the county can take focus", len(wards), n)
        seen, wrong = [], []
        for _ in range(n):
            got = b.js("""(() => { const d = %s, w = d.ward[+document.activeElement.getAttribute('data-w')];
              const i = document.getElementById('info'), h = i.querySelector('h3');
              const pop = Array.from(i.querySelectorAll('tr')).find(r => r.cells[0].textContent === 'Population');
              return [w.c, h && h.getAttribute('data-code'), pop ? pop.cells[1].textContent : null]; })()""" % DATA)
            seen.append(got[0])
            want = "{:,}".format(int(round(float(wards[got[0]]["pop_total"])))) if got[0] in wards else None
            if got[1] != got[0] or got[2] != want:
                wrong.append("%s: panel %s, population %s (CSV %s)" % (got[0], got[1], got[2], want))
            b.key("ArrowRight", vk=39)
        eq("the arrow keys visit every ward once", sorted(wards), sorted(seen))
        eq("each focused ward's panel: its code and population as the CSV", [], wrong[:5])

        # ---- names never meet ------------------------------------------------------------
        bad, maps = pagechecks.name_collisions(b)
        eq("desktop: no two names meet on any map", [], bad[:8])
        over = [m for m in maps if m["id"] == "map-o"][0]
        eq("desktop: every district named on the overview", sorted(districts.values()),
           sorted(x[0] for x in over["names"]))
        b.js("document.getElementById('sec-0').scrollIntoView()")
        b.screenshot(os.path.join(OUT, "essex-district.png"))

        # ---- print: a district a page, the footer on every page ----------------------------
        pdf = os.path.join(OUT, "essex-print.pdf")
        b.pdf(pdf)
        pages = pagechecks.pdf_pages(pdf)
        for name in districts.values():
            at = [i + 1 for i, p in enumerate(pages)
                  if [l.strip() for l in p.splitlines() if l.strip()][:1] == [name + " district"]]
            eq("print: %s district heads one page" % name, 1, len(at))
        eq("print: sources, licence and page number on every page", [],
           pagechecks.footer_problems(pages)[:6])
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "4", pdf,
                        os.path.join(OUT, "essex-print")], check=False)

        # ---- a phone ------------------------------------------------------------------------
        b.open_page(390, 844, mobile=True)
        b.load(PAGE)
        eq("phone: no sideways scrolling", True, b.js("document.documentElement.scrollWidth <= 390"))
        bad, _ = pagechecks.name_collisions(b)
        eq("phone: no two names meet on any map", [], bad[:8])
        b.js("document.getElementById('map-o').scrollIntoView()")
        b.screenshot(os.path.join(OUT, "essex-phone.png"))

        # ---- scripts off ----------------------------------------------------------------------
        b.open_page(1366, 768, scripts=False)
        b.load(PAGE)
        eq("scripts off: every ward in a district table", len(wards),
           b.js("document.querySelectorAll('section.group tbody tr').length"))
        eq("scripts off: every district's map", len(districts),
           b.js("document.querySelectorAll('section.group svg.map').length"))
        eq("scripts off: the overview's LSOAs drawn", len(side["areas"]),
           b.js("document.querySelectorAll('#map-o .lsoas path').length"))
        eq("scripts off: overview legend", want0, legend(b, -1))
    finally:
        b.close()
    return pagechecks.report()


sys.exit(main())
