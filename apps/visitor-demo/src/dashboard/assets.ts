/**
 * The dashboard page, its script and its style, embedded in the build as strings (no files to
 * ship or find at run time, no CDN). The script writes every untrusted value (URLs above all)
 * with `textContent` or as numbers, never as HTML.
 */

export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Visitor counts · kinesis-kit</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body data-updates="0">
<header>
  <h1>Visitor counts</h1>
  <p class="sub">simulated visitors → ingest gateway → Kinesis stream <b id="stream">…</b> (<span id="mode">…</span>) → consumer → here</p>
  <p class="status"><span id="status" class="dot off">connecting</span> <span id="updated"></span></p>
</header>
<main>
  <section class="cards">
    <div class="card"><h2>Visitors counted</h2><p id="counted" class="big">0</p><p class="note"><span id="urls">0</span> URLs</p></div>
    <div class="card"><h2>Producer</h2><p id="producer-rate" class="big">0</p><p class="note">visits/s accepted · <span id="stored-rate">0</span>/s stored</p></div>
    <div class="card"><h2>Consumer</h2><p id="consumer-rate" class="big">0</p><p class="note">records/s · lag <span id="lag">–</span></p></div>
    <div class="card"><h2>Duplicates dropped</h2><p id="duplicates" class="big">0</p><p class="note">recognised by visitId</p></div>
    <div class="card"><h2>Reconciliation</h2><p id="reconcile" class="big">–</p><p class="note" id="reconcile-note">sent vs counted</p></div>
    <div class="card"><h2>Alarms</h2><p id="alerts-raised" class="big">0</p><p class="note">URLs over <span id="alert-threshold">–</span> visits in a window</p></div>
  </section>
  <section class="split">
    <div class="panel">
      <h2>Top URLs</h2>
      <table id="top">
        <thead><tr><th>#</th><th>URL</th><th class="num">visitors</th><th class="num">visits/s</th></tr></thead>
        <tbody id="top-body"></tbody>
      </table>
    </div>
    <div class="panel">
      <h2>Visits per second, top URLs <span class="note" id="chart-range"></span></h2>
      <svg id="chart" viewBox="0 0 640 260" role="img" aria-label="visits per second per URL"></svg>
      <ul id="legend"></ul>
    </div>
  </section>
  <section class="split">
    <div class="panel">
      <h2>Visits per window, top URLs <span class="note" id="windows-note"></span></h2>
      <table id="windows">
        <thead><tr id="windows-head"><th>URL</th></tr></thead>
        <tbody id="windows-body"></tbody>
      </table>
    </div>
    <div class="panel">
      <h2>Alarms <span class="note">newest first · raised once per window and URL</span></h2>
      <ol id="alerts"></ol>
      <p class="note" id="alerts-empty">none yet</p>
    </div>
  </section>
  <section class="panel">
    <h2>The SQL <span class="note">both run continuously over the counted visits (each visitId once), by <code>@kinesis-kit/analytics</code></span></h2>
    <div class="split">
      <div><h3>window counts → this dashboard</h3><pre id="sql-windows">…</pre></div>
      <div><h3>alarms → alertSink</h3><pre id="sql-alerts">…</pre></div>
    </div>
  </section>
  <section class="panel">
    <h2>Shards <span class="note">writes per second against the shard limits (1 MiB/s, 1,000 records/s) · <span id="shard-source"></span></span></h2>
    <table id="shards">
      <thead><tr><th>shard</th><th>bytes/s</th><th>records/s</th><th class="num">consumer lag</th></tr></thead>
      <tbody id="shards-body"></tbody>
    </table>
  </section>
</main>
</body>
</html>
`;

export const APP_CSS = `
:root { --bg: #0f1419; --panel: #182029; --text: #e6edf3; --muted: #8b98a5; --accent: #4cc2ff; --warn: #ffb454; --bad: #ff6b6b; --good: #5ad17a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
header { padding: 16px 24px 8px; }
h1 { margin: 0; font-size: 22px; }
h2 { margin: 0 0 8px; font-size: 14px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.sub, .status { margin: 4px 0; color: var(--muted); }
.dot::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; background: var(--good); }
.dot.off::before { background: var(--bad); }
main { padding: 8px 24px 24px; display: grid; gap: 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; }
.card, .panel { background: var(--panel); border-radius: 8px; padding: 12px 16px; min-width: 0; }
.big { margin: 0; font-size: 28px; font-variant-numeric: tabular-nums; }
.note { color: var(--muted); font-size: 12px; text-transform: none; letter-spacing: 0; font-weight: 400; }
.split { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
@media (max-width: 1000px) { .split { grid-template-columns: minmax(0, 1fr); } }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #24303c; }
th:first-child, td:first-child { width: 2.5em; }
#shards th:first-child, #shards td:first-child { width: 13em; }
td.url { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: ui-monospace, Menlo, monospace; font-size: 12px; }
.num { text-align: right; font-variant-numeric: tabular-nums; width: 7em; }
svg { width: 100%; height: auto; display: block; }
svg .axis { stroke: #3a4754; stroke-width: 1; }
svg .grid { stroke: #24303c; stroke-width: 1; }
svg text { fill: var(--muted); font-size: 11px; }
svg polyline { fill: none; stroke-width: 2; }
#legend { list-style: none; margin: 8px 0 0; padding: 0; display: grid; gap: 2px; }
#legend li { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-family: ui-monospace, Menlo, monospace; font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.bar { position: relative; height: 18px; background: #24303c; border-radius: 4px; overflow: hidden; }
.bar span { position: absolute; left: 0; top: 0; bottom: 0; background: var(--accent); }
.bar span.hot { background: var(--warn); }
.bar span.full { background: var(--bad); }
.bar em { position: relative; font-style: normal; font-size: 11px; padding-left: 6px; line-height: 18px; }
h3 { margin: 4px 0; font-size: 12px; font-weight: 600; color: var(--muted); }
pre { margin: 0; padding: 8px; background: #0b1015; border-radius: 6px; overflow-x: auto; font-size: 12px; }
#windows td.url, #windows th:first-child { width: auto; }
#windows th:not(:first-child), #windows td:not(:first-child) { width: 5.5em; text-align: right; font-variant-numeric: tabular-nums; }
#windows td.partial { color: var(--muted); font-style: italic; }
#windows td.over { color: var(--warn); font-weight: 600; }
#alerts { margin: 0; padding: 0; list-style: none; display: grid; gap: 4px; max-height: 220px; overflow-y: auto; }
#alerts li { display: grid; grid-template-columns: 5em minmax(0, 1fr) auto; gap: 8px; font-size: 12px; }
#alerts .url { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: ui-monospace, Menlo, monospace; }
#alerts .count { color: var(--warn); font-variant-numeric: tabular-nums; }
.ok { color: var(--good); }
.bad { color: var(--bad); }
`;

export const APP_JS = `'use strict';
(function () {
  var COLORS = ['#4cc2ff', '#ffb454', '#5ad17a', '#d58cff', '#ff6b6b', '#f2e85c'];
  var $ = function (id) { return document.getElementById(id); };
  var number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  var decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
  var SVG = 'http://www.w3.org/2000/svg';

  function text(id, value) { $(id).textContent = value; }

  function ms(value) {
    if (value === null || value === undefined) return '–';
    if (value < 1000) return number.format(value) + ' ms';
    return decimal.format(value / 1000) + ' s';
  }

  function bytes(value) {
    if (value < 1024) return number.format(value) + ' B';
    if (value < 1048576) return decimal.format(value / 1024) + ' KiB';
    return decimal.format(value / 1048576) + ' MiB';
  }

  // Rows are reused: only their text changes, so the table does not flicker.
  function rows(tbody, count, columns) {
    while (tbody.rows.length > count) tbody.deleteRow(-1);
    while (tbody.rows.length < count) {
      var row = tbody.insertRow(-1);
      for (var i = 0; i < columns.length; i++) {
        var cell = row.insertCell(-1);
        if (columns[i]) cell.className = columns[i];
      }
    }
    return tbody.rows;
  }

  function renderTop(top) {
    var list = rows($('top-body'), top.length, ['', 'url', 'num count', 'num rate']);
    for (var i = 0; i < top.length; i++) {
      var cells = list[i].cells;
      cells[0].textContent = String(i + 1);
      cells[1].textContent = top[i].url;
      cells[1].title = top[i].url;
      cells[2].textContent = number.format(top[i].visitors);
      cells[3].textContent = decimal.format(top[i].perSec);
    }
  }

  function svg(name, attributes, parent) {
    var element = document.createElementNS(SVG, name);
    for (var key in attributes) element.setAttribute(key, String(attributes[key]));
    parent.appendChild(element);
    return element;
  }

  function renderChart(chart) {
    var root = $('chart');
    while (root.firstChild) root.removeChild(root.firstChild);
    var left = 44, right = 630, top = 10, bottom = 236;
    var max = 1;
    chart.series.forEach(function (series) {
      series.points.forEach(function (v) { if (v > max) max = v; });
    });
    // A round top (1, 2 or 5 times a power of ten) over five grid lines.
    var scale = Math.pow(10, Math.floor(Math.log10(max)));
    max = [1, 2, 5, 10].map(function (m) { return m * scale; }).find(function (m) { return m >= max; });
    for (var g = 0; g <= 5; g++) {
      var y = bottom - ((bottom - top) * g) / 5;
      svg('line', { x1: left, x2: right, y1: y, y2: y, class: g === 0 ? 'axis' : 'grid' }, root);
      svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, root).textContent = decimal.format((max * g) / 5);
    }
    var span = chart.toSecond - chart.fromSecond;
    for (var s = 0; s <= span; s += 30) {
      var x = right - ((right - left) * s) / Math.max(1, span);
      svg('text', { x: x, y: bottom + 16, 'text-anchor': 'middle' }, root).textContent = s === 0 ? 'now' : '-' + s + 's';
    }
    var legend = $('legend');
    while (legend.firstChild) legend.removeChild(legend.firstChild);
    chart.series.forEach(function (series, index) {
      var color = COLORS[index % COLORS.length];
      var points = series.points.map(function (v, i) {
        var px = left + ((right - left) * i) / Math.max(1, series.points.length - 1);
        var py = bottom - ((bottom - top) * v) / max;
        return px.toFixed(1) + ',' + py.toFixed(1);
      });
      svg('polyline', { points: points.join(' '), stroke: color }, root);
      var item = document.createElement('li');
      var swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = color;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(series.url));
      item.title = series.url;
      legend.appendChild(item);
    });
    text('chart-range', 'last ' + (span + 1) + ' s, by visit time');
  }

  function bar(cell, share, label) {
    if (!cell.firstChild) {
      var outer = document.createElement('div');
      outer.className = 'bar';
      outer.appendChild(document.createElement('span'));
      outer.appendChild(document.createElement('em'));
      cell.appendChild(outer);
    }
    var fill = cell.firstChild.firstChild;
    var pct = Math.max(0, Math.min(100, share * 100));
    fill.style.width = pct.toFixed(1) + '%';
    fill.className = pct >= 95 ? 'full' : pct >= 70 ? 'hot' : '';
    cell.firstChild.lastChild.textContent = label + ' · ' + decimal.format(pct) + '%';
  }

  function renderShards(shards, limits) {
    var list = rows($('shards-body'), shards.length, ['', '', '', 'num']);
    for (var i = 0; i < shards.length; i++) {
      var shard = shards[i];
      var cells = list[i].cells;
      cells[0].textContent = shard.shardId;
      bar(cells[1], shard.bytesPerSec / limits.bytesPerSec, bytes(shard.bytesPerSec) + '/s');
      bar(cells[2], shard.recordsPerSec / limits.recordsPerSec, number.format(shard.recordsPerSec) + '/s');
      cells[3].textContent = ms(shard.millisBehindLatest);
    }
  }

  function clock(ms) { return new Date(ms).toLocaleTimeString([], { hour12: false }); }

  function renderWindows(w, threshold) {
    var head = $('windows-head');
    while (head.cells.length > 1) head.deleteCell(-1);
    w.starts.forEach(function (start) {
      var th = document.createElement('th');
      th.textContent = clock(start);
      th.title = 'the ' + w.windowMs / 1000 + ' s window from ' + new Date(start).toISOString();
      head.appendChild(th);
    });
    var list = rows($('windows-body'), w.rows.length, ['url']);
    for (var i = 0; i < w.rows.length; i++) {
      var row = w.rows[i];
      var cells = list[i].cells;
      while (cells.length > w.starts.length + 1) list[i].deleteCell(-1);
      while (cells.length < w.starts.length + 1) list[i].insertCell(-1);
      cells[0].className = 'url';
      cells[0].textContent = row.url;
      cells[0].title = row.url;
      for (var j = 0; j < row.counts.length; j++) {
        var count = row.counts[j];
        var cell = cells[j + 1];
        cell.textContent = count.visits === null ? '–' : number.format(count.visits);
        cell.className = (count.final ? '' : 'partial') + (count.visits > threshold ? ' over' : '');
        cell.title = count.final ? 'final' : 'so far (window in progress)';
      }
    }
    text('windows-note', w.windowMs / 1000 + ' s tumbling windows by visit time; italic: in progress' +
      (w.fromMs === null ? '' : ' · kept across the restart from ' + clock(w.fromMs)));
  }

  function renderAlerts(a) {
    text('alerts-raised', number.format(a.raised));
    text('alert-threshold', number.format(a.threshold));
    var list = $('alerts');
    while (list.firstChild) list.removeChild(list.firstChild);
    a.recent.forEach(function (alert) {
      var item = document.createElement('li');
      var when = document.createElement('span');
      when.textContent = clock(alert.windowStartMs);
      when.title = 'window ' + new Date(alert.windowStartMs).toISOString() + ' to ' + new Date(alert.windowEndMs).toISOString() + ', raised ' + new Date(alert.raisedAtMs).toISOString();
      var url = document.createElement('span');
      url.className = 'url';
      url.textContent = alert.url;
      url.title = alert.url;
      var count = document.createElement('span');
      count.className = 'count';
      count.textContent = '> ' + number.format(a.threshold) + ' (' + number.format(alert.visits) + ' when raised)';
      item.appendChild(when);
      item.appendChild(url);
      item.appendChild(count);
      list.appendChild(item);
    });
    $('alerts-empty').hidden = a.recent.length > 0;
  }

  function loadQueries() {
    fetch('/api/queries').then(function (response) { return response.json(); }).then(function (q) {
      text('sql-windows', q.windowCounts);
      text('sql-alerts', q.hotUrls);
    }).catch(function () { setTimeout(loadQueries, 2000); });
  }

  function render(s) {
    text('stream', s.streamName);
    text('mode', s.mode === 'local' ? 'local endpoint' : 'AWS');
    text('counted', number.format(s.counter.counted));
    text('urls', number.format(s.counter.urls));
    text('duplicates', number.format(s.counter.duplicates));
    text('producer-rate', number.format(s.producer.acceptedPerSec));
    text('stored-rate', number.format(s.producer.storedPerSec));
    text('consumer-rate', number.format(s.consumer.recordsPerSec));
    text('lag', ms(s.consumer.maxMillisBehindLatest));
    var r = s.reconcile;
    var pending = r.missing > 0 && s.running;
    $('reconcile').textContent = r.missing === 0 && r.duplicates === 0 ? 'exact' : pending ? 'in flight' : 'off';
    $('reconcile').className = 'big ' + (r.duplicates > 0 || (r.missing > 0 && !s.running) ? 'bad' : 'ok');
    text('reconcile-note', 'sent ' + number.format(r.sent) + ' · counted ' + number.format(r.counted) + ' · missing ' + number.format(r.missing) + ' · duplicates ' + number.format(r.duplicates));
    text('shard-source', s.shardSource === 'endpoint' ? "from the endpoint's metrics" : "the producer's view");
    renderTop(s.top);
    renderChart(s.chart);
    renderShards(s.shards, s.limits);
    renderWindows(s.windows, s.alerts.threshold);
    renderAlerts(s.alerts);
    text('updated', 'updated ' + new Date(s.time).toLocaleTimeString());
    document.body.dataset.updates = String(Number(document.body.dataset.updates) + 1);
  }

  function connect() {
    var source = new EventSource('/events');
    source.addEventListener('open', function () {
      $('status').className = 'dot';
      $('status').textContent = 'live';
    });
    source.addEventListener('error', function () {
      $('status').className = 'dot off';
      $('status').textContent = 'reconnecting';
    });
    source.addEventListener('snapshot', function (event) {
      render(JSON.parse(event.data));
    });
  }

  loadQueries();
  connect();
})();
`;
