"""Checks any needsmap page in headless Chromium: nothing requested but the
file, no console errors, the script ran under the CSP, the overview legend as
a map sidecar says (labels, counts, colours), a focused area's panel names it,
no dialog, and a screenshot.

usage: page_basic.py PAGE.html SIDECAR.json SCREENSHOT.png [TEXT...]
(each TEXT must appear in the page as text)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

PAGE, SIDECAR, SHOT = sys.argv[1:4]
TEXTS = sys.argv[4:]
FAILS = []
CHECKS = [0]


def eq(what, want, got):
    CHECKS[0] += 1
    if want != got:
        FAILS.append(what)
        print("FAIL: %s: expected [%s], got [%s]" % (what, want, got))


b = cdp.Browser()
try:
    b.open_page(1366, 768)
    b.load(PAGE)
    url = "file://" + os.path.abspath(PAGE)
    eq("the only request is the file", [url], [e["params"]["request"]["url"] for e in b.events
                                              if e["method"] == "Network.requestWillBeSent"])
    eq("no console errors", [], [e["params"]["entry"]["text"] for e in b.events
                                 if e["method"] == "Log.entryAdded"
                                 and e["params"]["entry"]["level"] == "error"])
    eq("no exceptions", 0, len([e for e in b.events if e["method"] == "Runtime.exceptionThrown"]))
    eq("the script ran", False, b.js("document.getElementById('ind').disabled"))
    side = json.load(open(SIDECAR))
    want = [[c["label"], c["count"], c["colour"]] for c in reversed(side["classes"])]
    if side.get("missing"):
        want.append(["No data", side["missing"], "#dedede"])
    got = b.js("""Array.from(document.querySelectorAll('.legend[data-sec="-1"] li')).map(li =>
        [li.querySelector('.ll').textContent, +li.querySelector('.lc').textContent,
         li.querySelector('rect').getAttribute('fill')])""")
    eq("legend = the sidecar's classes", want, got)
    for _ in range(60):
        b.key("Tab", vk=9)
        if b.js("document.activeElement.matches('#map-o path[tabindex]')"):
            break
    eq("Tab reaches the map's areas", True, b.js("document.activeElement.matches('#map-o path[tabindex]')"))
    b.key("ArrowRight", vk=39)
    code = b.js("""(() => { const a = document.activeElement, d = JSON.parse(
        document.getElementById('nm-data').textContent);
      return a.hasAttribute('data-w') ? d.ward[+a.getAttribute('data-w')].c
                                      : d.lsoa[+a.getAttribute('data-i')].c; })()""")
    eq("the panel names the focused area", True, code in b.js("document.getElementById('info').textContent"))
    body = b.js("document.body.innerText")
    for t in TEXTS:
        eq("text %r on the page" % t, True, t in body)
    eq("only the page's two scripts", 2, b.js("document.scripts.length"))
    eq("no dialog", 0, len([e for e in b.events if e["method"] == "Page.javascriptDialogOpening"]))
    b.screenshot(SHOT)
finally:
    b.close()
print("%d passed, %d failed" % (CHECKS[0] - len(FAILS), len(FAILS)))
sys.exit(1 if FAILS else 0)
