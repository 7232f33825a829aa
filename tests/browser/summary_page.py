"""Drives a locality summary page in headless Chromium (summary_page.sh makes
the files): no request but the file itself, a ward's figures on focus and on
hover equal to the summary's CSV, the legend counts after switching the
indicator equal to the map sidecars', sorting, the hostile ward name shown as
text, the CSV download, the phone layout, the print view (one locality per
page) and the page with scripts off.

usage: summary_page.py PAGE.html SUMMARY.csv WARDMAP.json LSOAMAP.json OUTDIR
"""
import csv
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402
import pagechecks  # noqa: E402

PAGE, CSV, WARD_SIDECAR, LSOA_SIDECAR, OUT = sys.argv[1:6]
HOSTILE = "<script>alert(1)</script>"
from pagechecks import check, eq  # noqa: E402


def fmt_int(x):
    return "{:,}".format(int(round(float(x))))


def fmt1(x):
    return "{:,.1f}".format(float(x))


def fmt_share(x):
    return "{:.1f}%".format(float(x) * 100)


rows = list(csv.DictReader(open(CSV, encoding="utf-8")))
wards = {r["code"]: r for r in rows if r["level"] == "ward"}
ward_sidecar = json.load(open(WARD_SIDECAR))
lsoa_sidecar = json.load(open(LSOA_SIDECAR))
file_url = "file://" + os.path.abspath(PAGE)


def expected_ward(r):
    """The figures of a ward as the page's tables and panel show them."""
    e = {"Population": fmt_int(r["pop_total"]),
         "Children aged 0-15": fmt_int(r["pop_0_15"]),
         "Number of LSOAs": fmt_int(r["lsoas"]),
         "Population-weighted mean Index of Multiple Deprivation (IMD) score":
             fmt1(r["imd_score_pw"])}
    for s in ("violence", "bikes"):
        if r[s + "_count"] == "suppressed":
            e[s] = ("suppressed", "suppressed", "")
        else:
            e[s] = (fmt_int(r[s + "_count"]), fmt1(r[s + "_rate"]),
                    "(%s\u2013%s)" % (fmt1(r[s + "_rate_lo"]), fmt1(r[s + "_rate_hi"])))
    e["share10"] = fmt_share(r["imd_nat10_share"])
    return e


PANEL = """(() => { const i = document.getElementById('info');
  const h = i.querySelector('h3');
  return {title: h ? h.textContent : '', code: h ? h.getAttribute('data-code') : null,
          rows: Array.from(i.querySelectorAll('tr')).map(r =>
              [r.cells[0].textContent, r.cells[1].textContent])}; })()"""


def check_panel(b, code, how):
    p = b.js(PANEL)
    eq("%s: the panel names ward %s" % (how, code), code, p["code"])
    r = wards[code]
    e = expected_ward(r)
    got = dict(p["rows"])
    eq("%s %s: population" % (how, code), e["Population"], got.get("Population"))
    eq("%s %s: children" % (how, code), e["Children aged 0-15"], got.get("Children aged 0-15"))
    key = [k for k in got if k.startswith("Population-weighted")]
    eq("%s %s: weighted IMD score" % (how, code),
       e["Population-weighted mean Index of Multiple Deprivation (IMD) score"],
       got.get(key[0]) if key else None)
    share = [k for k in got if k.startswith("Share of LSOAs among the 10%")]
    eq("%s %s: 10%% share" % (how, code), e["share10"], got.get(share[0]) if share else None)
    for s, label in (("violence", "Violence and sexual offences"), ("bikes", "Bicycle theft")):
        count, rate, ci = e[s]
        k = [x for x in got if x.startswith(label) and x.endswith(": incidents")]
        eq("%s %s: %s incidents" % (how, code, s), count, got.get(k[0]) if k else None)
        k = [x for x in got if x.startswith(label) and "per 1,000" in x]
        want = rate + (" " + ci if ci else "")
        eq("%s %s: %s rate and interval" % (how, code, s), want, got.get(k[0]) if k else None)
    return p


def interior_point(b, selector):
    """Screen coordinates of a point inside the fill of an element, or None."""
    return b.js("""(() => { const p = document.querySelector(%s);
      p.scrollIntoView({block: 'center'});
      const bb = p.getBBox(), m = p.getScreenCTM(), svg = p.ownerSVGElement;
      for (let gy = 1; gy < 12; gy++) for (let gx = 1; gx < 12; gx++) {
        const x = bb.x + bb.width * gx / 12, y = bb.y + bb.height * gy / 12;
        const pt = svg.createSVGPoint(); pt.x = x; pt.y = y;
        if (!p.isPointInFill(pt)) continue;
        const s = pt.matrixTransform(m);
        const hit = document.elementFromPoint(s.x, s.y);
        if (hit === p) return [s.x, s.y];
      }
      return null; })()""" % json.dumps(selector))


def main():
    b = cdp.Browser()
    downloads = os.path.join(OUT, "downloads")
    os.makedirs(downloads, exist_ok=True)
    try:
        b.open_page(1366, 768)
        b.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads,
                                               "eventsEnabled": True}, session=False)
        b.load(PAGE)
        # ---- nothing but the file itself is requested ----------------------------
        reqs = [e["params"]["request"]["url"] for e in b.events
                if e["method"] == "Network.requestWillBeSent"]
        eq("the only request is the file", [file_url], reqs)
        errors = [e["params"]["entry"]["text"] for e in b.events
                  if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
        eq("no errors in the console (CSP violations among them)", [], errors)
        eq("no script exceptions", [], [e for e in b.events
                                        if e["method"] == "Runtime.exceptionThrown"])
        csp = b.js("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
        check("CSP forbids every source by default", csp.startswith("default-src 'none';"), csp)
        check("CSP allows no inline script but the page's (hash, no unsafe-inline)",
              "script-src 'sha256-" in csp and "unsafe" not in csp, csp)
        eq("the script ran under the CSP (selector enabled)", False,
           b.js("document.getElementById('ind').disabled"))
        eq("the style sheet applied under the CSP", "1200px",
           b.js("getComputedStyle(document.body).maxWidth"))
        b.screenshot(os.path.join(OUT, "desktop.png"))
        bad, _ = pagechecks.name_collisions(b)
        eq("desktop: no two names meet on any map", [], bad[:8])

        # ---- keyboard: Tab to the overview map, arrows through every ward ---------
        for _ in range(40):
            b.key("Tab", vk=9)
            if b.js("document.activeElement.matches('#map-o .wards path')"):
                break
        check("Tab reaches the overview map's wards",
              b.js("document.activeElement.hasAttribute('data-w')"))
        seen = []
        nwards = b.js("document.querySelectorAll('#map-o .wards path[tabindex]').length")
        eq("every ward of the borough can take focus", len(wards), nwards)
        for _ in range(nwards):
            code = b.js("document.getElementById('nm-data') && JSON.parse(document.getElementById("
                        "'nm-data').textContent).ward[+document.activeElement.getAttribute('data-w')].c")
            seen.append(code)
            check_panel(b, code, "focus")
            eq("one tab stop per map", 1,
               b.js("document.querySelectorAll('#map-o [tabindex=\"0\"]').length"))
            b.key("ArrowRight", vk=39)
        eq("the arrow keys visit every ward once", sorted(wards), sorted(seen))

        # ---- hover an LSOA: its decile as the LSOA map's sidecar ------------------
        lsoa_by_code = {a["code"]: a for a in lsoa_sidecar["areas"]}
        hovered = 0
        for i in (0, 17, 55, 90):
            sel = "#map-o .lsoas path[data-i=\"%d\"]" % i
            pt = interior_point(b, sel)
            if not pt:
                continue
            b.mouse(pt[0], pt[1])
            p = b.js(PANEL)
            code = b.js("JSON.parse(document.getElementById('nm-data').textContent).lsoa[%d].c" % i)
            a = lsoa_by_code[code]
            got = dict(p["rows"])
            label = [k for k in got if k.startswith("Index of Multiple Deprivation (IMD) decile")]
            eq("hover LSOA %s: decile" % code, fmt_int(a["value"]), got.get(label[0]) if label else None)
            check("hover LSOA %s: named with its code" % code,
                  code in b.js("document.getElementById('info').textContent"))
            hovered += 1
        check("LSOAs can be hovered", hovered >= 3, "only %d" % hovered)

        # ---- switch to a ward indicator: legend and fills as the ward map's sidecar ----
        opt = b.js("""(() => { const s = document.getElementById('ind');
          const d = JSON.parse(document.getElementById('nm-data').textContent);
          return d.maps.findIndex(m => m.key === 'ward_imd_score_pw'); })()""")
        check("the weighted IMD score of wards is offered", opt is not None and opt > 0)
        b.js("(() => { const s = document.getElementById('ind'); s.focus(); s.value = '%d';"
             " s.dispatchEvent(new Event('change')); })()" % opt)
        legend = b.js("""Array.from(document.querySelectorAll('.legend[data-sec="-1"] li')).map(li =>
            [li.querySelector('.ll').textContent, +li.querySelector('.lc').textContent,
             li.querySelector('rect').getAttribute('fill')])""")
        want = [[c["label"], c["count"], c["colour"]] for c in reversed(ward_sidecar["classes"])]
        if ward_sidecar.get("missing"):
            want.append(["No data", ward_sidecar["missing"], "#dedede"])
        eq("legend after the switch = the ward map's sidecar (labels, counts, colours)", want, legend)
        eq("legend title after the switch", ward_sidecar["classes"] and
           b.js("JSON.parse(document.getElementById('nm-data').textContent).maps[%d].title" % opt),
           b.js("document.querySelector('.legend[data-sec=\"-1\"] .lt').textContent"))
        colours = {c["class"]: c["colour"] for c in ward_sidecar["classes"]}
        fills = b.js("""(() => { const d = JSON.parse(document.getElementById('nm-data').textContent);
          const o = {}; document.querySelectorAll('#map-o .wards path').forEach(p => {
            o[d.ward[+p.getAttribute('data-w')].c] = p.getAttribute('fill'); }); return o; })()""")
        for a in ward_sidecar["areas"]:
            eq("ward %s filled in its class colour" % a["code"], colours.get(a["class"], "#dedede"),
               fills.get(a["code"]))
        # hover a ward now that wards are shaded
        code = "E05002222"
        sel = "#map-o .wards path[data-w=\"%d\"]" % b.js(
            "JSON.parse(document.getElementById('nm-data').textContent).ward.findIndex(w => w.c === %s)"
            % json.dumps(code))
        pt = interior_point(b, sel)
        check("a ward can be hovered", pt is not None)
        if pt:
            b.mouse(pt[0], pt[1])
            check_panel(b, code, "hover")
        b.js("window.scrollTo(0, 0)")
        b.js("document.getElementById('overview').scrollIntoView()")
        b.screenshot(os.path.join(OUT, "desktop-wards.png"))

        # ---- sort a locality's table by population, both ways -------------------------
        t = b.js("""(() => { const t = document.querySelector('section.group table.data');
          t.scrollIntoView(); return t.id; })()""")
        col = b.js("""Array.from(document.querySelectorAll('#%s thead th')).findIndex(th =>
          th.textContent.trim() === 'Population')""" % t)
        check("the table has a population column", col > 0, str(col))
        for direction in ("ascending", "descending"):
            xy = b.js("""(() => { const r = document.querySelectorAll('#%s thead th button')[%d]
              .getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()""" % (t, col))
            for kind in ("mousePressed", "mouseReleased"):
                b.send("Input.dispatchMouseEvent", {"type": kind, "x": xy[0], "y": xy[1],
                                                    "button": "left", "clickCount": 1})
            order = b.js("Array.from(document.querySelectorAll('#%s tbody tr')).map(r => "
                         "r.getAttribute('data-code'))" % t)
            pops = [int(wards[c]["pop_total"]) for c in order]
            eq("sorted %s by population" % direction,
               sorted(pops, reverse=direction == "descending"), pops)
            eq("aria-sort says %s" % direction, direction,
               b.js("document.querySelectorAll('#%s thead th')[%d].getAttribute('aria-sort')" % (t, col)))
        eq("the locality's total stays below the wards", 1,
           b.js("document.querySelectorAll('#%s tfoot tr').length" % t))

        # ---- the hostile name is text --------------------------------------------------
        eq("only the page's own two scripts exist", 2, b.js("document.scripts.length"))
        names = b.js("Array.from(document.querySelectorAll('tbody th')).map(th => th.textContent)")
        check("the hostile ward name is shown as text in a table", HOSTILE in names)
        eq("no dialog was opened", [], [e for e in b.events
                                        if e["method"] == "Page.javascriptDialogOpening"])
        raw = open(PAGE, encoding="utf-8").read()
        check("escaped in the HTML", "&lt;script&gt;alert(1)&lt;/script&gt;" in raw)
        check("escaped in the JSON", "\\u003cscript\\u003ealert(1)" in raw)
        eq("the raw name never appears", 0, raw.count(HOSTILE))

        # ---- CSV download through a blob: link ------------------------------------------
        name = b.js("""(() => { const btn = document.querySelector('button.csv[data-t="0"]');
          btn.scrollIntoView(); btn.click();
          return JSON.parse(document.getElementById('nm-data').textContent).tables[0].name; })()""")
        done = None
        deadline = time.time() + 20
        while time.time() < deadline and not done:
            e = b.wait_event("Browser.downloadProgress", 20)
            if e["params"]["state"] == "completed":
                done = e
        check("the CSV download completed", done is not None)
        files = [f for f in os.listdir(downloads) if f.endswith(".csv")]
        eq("one CSV downloaded", 1, len(files))
        if files:
            got = open(os.path.join(downloads, files[0]), encoding="utf-8").read().splitlines()
            lines = open(CSV, encoding="utf-8").read().splitlines()
            want = [lines[0]] + [l for l, r in zip(lines[1:], rows) if r["table"] == name]
            eq("the downloaded CSV = the summary's rows of table %s" % name, want, got)
        reqs = [e["params"]["request"]["url"] for e in b.events
                if e["method"] == "Network.requestWillBeSent"]
        check("the download made no network request",
              all(u == file_url or u.startswith("blob:file://") for u in reqs), str(reqs))

        # ---- print: one locality per page ------------------------------------------------
        pdf = os.path.join(OUT, "print.pdf")
        b.pdf(pdf)
        pages = int([l.split()[1] for l in subprocess.run(["pdfinfo", pdf], capture_output=True,
                     text=True).stdout.splitlines() if l.startswith("Pages:")][0])
        secs = b.js("JSON.parse(document.getElementById('nm-data').textContent).secs")
        heads = {}
        for p in range(1, pages + 1):
            txt = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), "-layout", pdf, "-"],
                                 capture_output=True, text=True).stdout
            for s in secs:
                if (s + " locality") in txt and "Contents" not in txt:
                    heads.setdefault(s, []).append(p)
        for s in secs:
            eq("print: %s locality heads exactly one page" % s, 1, len(heads.get(s, [])))
        eq("print: localities on different pages", len(secs),
           len({tuple(v) for v in heads.values()}))
        check("print: sources on paper", "Open Government Licence" in subprocess.run(
            ["pdftotext", pdf, "-"], capture_output=True, text=True).stdout)
        eq("print: sources, licence and page number on every page", [],
           pagechecks.footer_problems(pagechecks.pdf_pages(pdf))[:6])

        # ---- a phone ------------------------------------------------------------------------
        b.open_page(390, 844, mobile=True)
        b.load(PAGE)
        b.screenshot(os.path.join(OUT, "phone.png"))
        bad, _ = pagechecks.name_collisions(b)
        eq("phone: no two names meet on any map", [], bad[:8])
        eq("phone: no sideways scrolling of the page", True,
           b.js("document.documentElement.scrollWidth <= 390"))
        b.js("document.querySelector('section.group').scrollIntoView()")
        b.screenshot(os.path.join(OUT, "phone-locality.png"))

        # ---- scripts off: the tables and maps are in the HTML itself ------------------------
        b.open_page(1366, 768, scripts=False)
        b.load(PAGE)
        eq("scripts off: every ward in a locality table", len(wards),
           b.js("document.querySelectorAll('section.group tbody tr').length"))
        check("scripts off: maps drawn", b.js("document.querySelectorAll('#map-o .lsoas path').length") > 50)
        eq("scripts off: legend present", 10, b.js("document.querySelectorAll('.legend[data-sec=\"-1\"] li').length"))
        check("scripts off: map described", len(b.js("document.querySelector('#map-o desc').textContent")) > 40)
    finally:
        b.close()
    return pagechecks.report()


sys.exit(main())
