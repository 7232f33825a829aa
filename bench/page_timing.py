"""Times one load of a summary page in headless Chromium (bench/page.sh):
navigation to the page's own 'nm-ready' mark, and an indicator switch and
back, each from the change to the frame that shows it.  Prints one line
"ready_ms switch_ms back_ms".

usage: page_timing.py PAGE.html INDICATOR_KEY
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "browser"))
import cdp  # noqa: E402

PAGE, KEY = sys.argv[1:3]
SWITCH = """new Promise(done => { const s = document.getElementById('ind');
  const t0 = performance.now(); s.value = '%d'; s.dispatchEvent(new Event('change'));
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0)); })"""

b = cdp.Browser()
try:
    b.open_page(1366, 768)
    b.load(PAGE)
    ready = b.js("(() => { const r = performance.getEntriesByName('nm-ready')[0]; "
                 "return r ? r.startTime : -1; })()")
    opt = b.js("JSON.parse(document.getElementById('nm-data').textContent)"
               ".maps.findIndex(m => m.key === '%s')" % KEY)
    if opt < 0:
        sys.exit("page_timing.py: the page offers no indicator %s" % KEY)
    there = b.js(SWITCH % opt)
    back = b.js(SWITCH % 0)
    print("%.1f %.1f %.1f" % (ready, there, back))
finally:
    b.close()
