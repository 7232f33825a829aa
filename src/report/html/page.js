// The script of a locality summary page (report/html.c): switches the
// mapped indicator, shows an area's figures on hover or focus, moves
// between wards with the arrow keys, sorts tables and offers each table as
// CSV.  It reads only the JSON in #nm-data and writes text, never markup.
(function () {
  'use strict';
  var GREYED = '#e3e3e3', MISSING = '#dedede';
  var data = JSON.parse(document.getElementById('nm-data').textContent);
  var current = 0;
  var info = document.getElementById('info');
  var select = document.getElementById('ind');

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function fmt(v) {
    if (v === null || v === undefined) return '\u2013';
    if (Math.abs(v - Math.round(v)) < 1e-9) return Math.round(v).toLocaleString('en-GB');
    return v.toLocaleString('en-GB', {minimumFractionDigits: 1, maximumFractionDigits: 1});
  }

  function fillOf(m, i) {
    var k = m.klass[i];
    return k >= 0 ? m.colours[k] : MISSING;
  }

  // ---- the mapped indicator ------------------------------------------------
  function legend(box, m, sec) {
    var counts = m.counts[sec + 1], k = m.colours.length, ul = el('ul');
    box.textContent = '';
    box.appendChild(el('p', m.title, 'lt'));
    for (var c = k - 1; c >= -1; c--) {
      var n = c >= 0 ? counts[c] : counts[k];
      if (c < 0 && n === 0) break;
      var li = el('li');
      var sw = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      sw.setAttribute('class', 'sw');
      sw.setAttribute('viewBox', '0 0 10 10');
      sw.setAttribute('aria-hidden', 'true');
      sw.setAttribute('preserveAspectRatio', 'none');
      var r = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      r.setAttribute('width', '10');
      r.setAttribute('height', '10');
      r.setAttribute('fill', c >= 0 ? m.colours[c] : MISSING);
      sw.appendChild(r);
      li.appendChild(sw);
      li.appendChild(el('span', c >= 0 ? m.labels[c] : 'No data', 'll'));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('span', String(n), 'lc'));
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }

  function show(mi) {
    var m = data.maps[mi];
    current = mi;
    document.querySelectorAll('svg.map').forEach(function (svg) {
      svg.classList.toggle('byward', !!m.ward);
      svg.querySelectorAll('.lsoas path').forEach(function (p) {
        var i = +p.getAttribute('data-i');
        p.setAttribute('fill', p.hasAttribute('data-out') ? GREYED
                       : m.ward ? '#ffffff' : fillOf(m, i));
      });
      svg.querySelectorAll('.wards path').forEach(function (p) {
        var w = +p.getAttribute('data-w');
        p.setAttribute('fill', !m.ward ? 'none' : p.hasAttribute('data-out') ? GREYED : fillOf(m, w));
      });
    });
    document.querySelectorAll('.legend').forEach(function (box) {
      legend(box, m, +box.getAttribute('data-sec'));
    });
    describe(m);
  }

  // The words of each map follow what it shows: the overview's from the
  // page's data; a locality map's counts of its own areas.
  function describe(m) {
    document.querySelectorAll('svg.map').forEach(function (svg) {
      var sec = +svg.getAttribute('data-sec'), text;
      if (!svg.hasAttribute('data-alt0')) {
        svg.setAttribute('data-alt0', svg.querySelector('desc').textContent);
      }
      if (m === data.maps[0]) text = svg.getAttribute('data-alt0');
      else if (sec < 0) text = m.alt;
      else {
        var counts = m.counts[sec + 1], k = m.colours.length, parts = [];
        for (var c = k - 1; c >= 0; c--) parts.push(counts[c] + ' ' + m.labels[c]);
        text = 'Map of the ' + (m.ward ? 'wards' : 'LSOAs') + ' of ' + data.secs[sec] + ' by ' +
          m.label + ', on the borough\'s classes, darkest (most deprived) first: ' +
          parts.join(', ') + (counts[k] ? '; ' + counts[k] + ' without data' : '') + '.';
      }
      svg.querySelector('desc').textContent = text;
      var cap = svg.parentNode.querySelector('figcaption');
      if (cap) cap.textContent = text;
    });
  }

  // ---- an area's figures -----------------------------------------------------
  function row(t, a, b, c) {
    var tr = el('tr');
    tr.appendChild(el('th', a));
    var td = el('td', b);
    if (c) td.appendChild(el('span', ' ' + c, 'ci'));
    tr.appendChild(td);
    t.appendChild(tr);
  }

  function classText(m, i) {
    var k = m.klass[i];
    return k >= 0 ? m.labels[k] : 'no data';
  }

  function showWard(w) {
    var a = data.ward[w], m = data.maps[current], t = el('table');
    info.textContent = '';
    info.appendChild(el('h3', (a.n || a.c) + ' ward'));
    info.lastChild.setAttribute('data-code', a.c);
    info.appendChild(el('p', (a.s >= 0 ? data.secs[a.s] + ' \u00b7 ' : '') + a.c));
    if (m.ward) row(t, m.title, classText(m, w));
    data.cols.forEach(function (col, c) {
      var f = a.f[c];
      if (col.rate) {
        row(t, col.label + ': incidents', f[0]);
        row(t, col.label + ' per 1,000 residents (95% CI)', f[2], f[3]);
      } else {
        row(t, col.label, f[0], f[1]);
      }
    });
    info.appendChild(t);
    mark(a.c);
  }

  function showLsoa(i) {
    var a = data.lsoa[i], m = data.maps[0], t = el('table');
    info.textContent = '';
    info.appendChild(el('h3', a.n || a.c));
    info.appendChild(el('p', (data.level || 'lsoa').toUpperCase() + ' ' + a.c + (a.s >= 0 ? ' \u00b7 ' + data.secs[a.s] : '')));
    row(t, m.label, fmt(m.value[i]));
    row(t, m.title, classText(m, i));
    data.extra.forEach(function (label, e) { row(t, label, fmt(a.x[e])); });
    info.appendChild(t);
    mark(null);
  }

  function mark(code) {
    document.querySelectorAll('tr.on').forEach(function (r) { r.classList.remove('on'); });
    if (code) document.querySelectorAll('tbody tr').forEach(function (r) {
      if (r.getAttribute('data-code') === code) r.classList.add('on');
    });
  }

  function areaOf(target) {
    if (!target || !target.getAttribute) return null;
    if (target.hasAttribute('data-w')) return {ward: +target.getAttribute('data-w')};
    if (target.hasAttribute('data-i')) return {lsoa: +target.getAttribute('data-i')};
    return null;
  }

  function onArea(target) {
    var a = areaOf(target);
    if (!a) return;
    if (a.ward !== undefined) showWard(a.ward); else showLsoa(a.lsoa);
    document.querySelectorAll('svg.map path.on').forEach(function (p) { p.classList.remove('on'); });
    target.classList.add('on');
  }

  // ---- keyboard: one tab stop per map, arrows between its wards ----------------
  function keys(svg, ev) {
    var list = Array.prototype.slice.call(svg.querySelectorAll('path[tabindex]'));
    var at = list.indexOf(document.activeElement), to = -1;
    if (at < 0) return;
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') to = (at + 1) % list.length;
    else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') to = (at - 1 + list.length) % list.length;
    else if (ev.key === 'Home') to = 0;
    else if (ev.key === 'End') to = list.length - 1;
    if (to < 0) return;
    ev.preventDefault();
    list[at].setAttribute('tabindex', '-1');
    list[to].setAttribute('tabindex', '0');
    list[to].focus();
  }

  // ---- tables ----------------------------------------------------------------------
  function sortBy(table, col, th) {
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    function key(r) {
      var c = r.cells[col];
      if (col === 0) return c.textContent;
      var v = c.getAttribute('data-v');
      return v === '' || v === null ? null : +v;
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x === y) return 0;
      if (x === null) return 1; // missing and suppressed last either way
      if (y === null) return -1;
      var d = typeof x === 'string' ? x.localeCompare(y, 'en-GB') : x - y;
      return asc ? d : -d;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    table.querySelectorAll('thead th').forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
  }

  function download(t) {
    var tab = data.tables[t];
    var blob = new Blob([tab.csv], {type: 'text/csv;charset=utf-8'});
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = (tab.name.replace(/[^A-Za-z0-9_-]+/g, '_') || 'table') + '.csv';
    a.setAttribute('data-made', '1');
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  // ---- wiring ------------------------------------------------------------------------
  select.disabled = false;
  select.addEventListener('change', function () { show(+select.value); });
  info.hidden = false;
  document.querySelectorAll('.dl').forEach(function (p) { p.hidden = false; });
  document.querySelectorAll('svg.map').forEach(function (svg) {
    svg.addEventListener('mouseover', function (ev) { onArea(ev.target); });
    svg.addEventListener('focusin', function (ev) { onArea(ev.target); });
    svg.addEventListener('keydown', function (ev) { keys(svg, ev); });
  });
  document.querySelectorAll('table.data').forEach(function (table) {
    table.querySelectorAll('thead th').forEach(function (th, col) {
      th.querySelector('button').addEventListener('click', function () { sortBy(table, col, th); });
    });
  });
  document.querySelectorAll('button.csv').forEach(function (b) {
    b.addEventListener('click', function () { download(+b.getAttribute('data-t')); });
  });
  // the HTML already shows the first indicator; a browser that kept another
  // choice across a reload gets it drawn
  if (+select.value !== 0) show(+select.value);
  // when the page became interactive, for the browser tests' measures
  if (window.performance && performance.mark) performance.mark('nm-ready');
}());
