// The live dashboard (docs/operations.md#dashboard): reads the JSON API every REFRESH_MS and
// redraws. Every part is drawn on its own: a failing request shows its error in the banner and
// leaves the other parts as they were.
"use strict";
const REFRESH_MS = 5000;
const ENGINES = ["flink", "spark"];
const charts = {};

function chart(id) {
  if (!charts[id]) charts[id] = echarts.init(document.getElementById(id));
  return charts[id];
}

async function getJson(path) {
  const r = await fetch(path, { cache: "no-store" });
  const body = await r.json();
  if (!r.ok) throw new Error(path + ": " + (body.error || "HTTP " + r.status));
  return body;
}

function text(id, value) { document.getElementById(id).textContent = value; }

function seconds(s) { return s == null ? "-" : s.toFixed(1) + " s"; }

function duration(s) {
  if (s == null) return "-";
  const a = Math.abs(s), sign = s < 0 ? "-" : "";
  if (a < 120) return sign + a.toFixed(0) + " s";
  if (a < 7200) return sign + (a / 60).toFixed(1) + " min";
  if (a < 172800) return sign + (a / 3600).toFixed(1) + " h";
  return sign + (a / 86400).toFixed(1) + " d";
}

function table(id, header, rows) {
  const t = document.getElementById(id);
  t.innerHTML = "";
  const head = t.createTHead().insertRow();
  header.forEach(h => { const th = document.createElement("th"); th.textContent = h; head.appendChild(th); });
  const body = t.createTBody();
  rows.forEach(cells => {
    const row = body.insertRow();
    cells.forEach(v => { row.insertCell().textContent = v; });
  });
}

function lineChart(id, seriesByName, yName) {
  chart(id).setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 55, right: 20, top: 30, bottom: 30 },
    xAxis: { type: "time" },
    yAxis: { type: "value", name: yName },
    // Spark dashed over Flink: where the engines agree both lines stay visible.
    series: Object.entries(seriesByName).map(([name, data]) => ({
      name, type: "line", showSymbol: data.length < 2, data,
      lineStyle: { type: name === "spark" ? "dashed" : "solid", width: name === "spark" ? 2 : 3 },
    })),
  }, true);
}

function renderSummary(s) {
  for (const engine of ENGINES) {
    const e = s.sessions[engine];
    text("active-" + engine, e ? e.activeSessions : "-");
    text("tick-" + engine, e ? "tick " + e.tick : "no tick yet");
    text("avg-" + engine, e ? seconds(e.averageSessionDurationS) : "-");
  }
  text("parity", Object.values(s.parityMismatches).reduce((a, b) => a + b, 0));
  const rows = [];
  for (const engine of ENGINES) {
    const metrics = s.freshnessSeconds[engine] || {};
    for (const [metric, secs] of Object.entries(metrics)) {
      rows.push([engine, metric, duration(secs), s.lateEvents[engine] || 0]);
    }
  }
  table("freshness", ["engine", "metric", "freshness", "late events"], rows);
  const lag = ENGINES.map(engine => [engine, engine in s.consumerLag ? s.consumerLag[engine] : "n/a"]);
  for (const [group, records] of Object.entries(s.consumerLagByGroup)) lag.push(["  " + group, records]);
  table("lag", ["consumer lag", "records"], lag);
  return s.errors;
}

function renderSessions(byEngine) {
  const active = {}, avg = {};
  for (const [engine, points] of Object.entries(byEngine)) {
    active[engine] = points.map(p => [p[0], p[1]]);
    avg[engine] = points.filter(p => p[2] != null).map(p => [p[0], p[2]]);
  }
  lineChart("chart-sessions", active, "sessions");
  lineChart("chart-duration", avg, "s");
}

function renderRegistrations(byType) {
  lineChart("chart-tumbling", byType.tumbling_1h || {}, "registrations");
  lineChart("chart-sliding", byType.sliding_1h_15m || {}, "registrations");
}

function renderMovies(top) {
  text("movies-title", top.engine
    ? "Top movies by sales, " + top.windowStart.slice(0, 10) + " (" + top.engine + ")"
    : "Today's top movies by sales: no sales yet");
  const rows = top.movies.slice().reverse();
  chart("chart-movies").setOption({
    animation: false,
    tooltip: {},
    grid: { left: 180, right: 20, top: 10, bottom: 30 },
    xAxis: { type: "value", name: "$" },
    yAxis: { type: "category", data: rows.map(m => (m.title || m.movieId).slice(0, 28)) },
    series: [{ type: "bar", data: rows.map(m => m.totalSales) }],
  }, true);
}

function renderAlerts(a) {
  const el = document.getElementById("alerts");
  el.innerHTML = "";
  if (!a.reachable) {
    const d = document.createElement("div");
    d.className = "unreachable";
    d.textContent = a.error;
    el.appendChild(d);
    return;
  }
  if (a.alerts.length === 0) { el.textContent = "No alert firing or pending."; return; }
  const t = document.createElement("table");
  t.id = "alert-table";
  el.appendChild(t);
  table("alert-table", ["alert", "state", "since", "labels"], a.alerts.map(x =>
    [x.name, x.state, x.activeAt || "", Object.entries(x.labels).filter(([k]) => k !== "alertname")
      .map(([k, v]) => k + "=" + v).join(", ")]));
  Array.from(t.tBodies[0].rows).forEach((row, i) => { row.className = a.alerts[i].state; });
}

async function refresh() {
  const errors = [];
  const part = (p, f) => getJson(p).then(f).catch(e => { errors.push(e.message); });
  await Promise.all([
    part("/api/summary", s => errors.push(...renderSummary(s))),
    part("/api/sessions?hours=6", renderSessions),
    part("/api/registrations?hours=24", renderRegistrations),
    part("/api/top-movies", renderMovies),
    part("/api/alerts", renderAlerts),
  ]);
  const box = document.getElementById("errors");
  box.innerHTML = "";
  errors.forEach(m => { const d = document.createElement("div"); d.textContent = m; box.appendChild(d); });
  text("updated", "updated " + new Date().toISOString().replace(/\.\d+Z$/, "Z"));
  document.body.dataset.loaded = "true";
}

window.addEventListener("resize", () => Object.values(charts).forEach(c => c.resize()));
refresh();
setInterval(refresh, REFRESH_MS);
