// System: each dependency's health, the payment circuit, queue and dead-letter depths, and plots over the last minutes.
import { api, currentConfig, problemText, token } from "./api.js";
import { h, show, badge, duration, repeat } from "./dom.js";
import { linePlot } from "./plot.js";

const WINDOW_MS = 5 * 60000;
const EVERY_MS = 2000;
// Samples kept while the console is open, so coming back to this page shows the minutes already seen.
const samples = [];

export async function systemPage(main) {
  const health = h("section", { class: "panel", id: "health" }, h("p", { class: "muted" }, "Loading…"));
  const depths = h("section", { class: "panel", id: "depths" });
  const plots = h("section", { class: "panel", id: "plots" });
  show(main,
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "System"),
      h("p", { class: "muted" }, `Health, depths and throughput, read every ${EVERY_MS / 1000} s; plots cover the last ${WINDOW_MS / 60000} minutes.`))),
    health, h("div", { class: "grid two" }, depths, plots));
  const tick = async () => {
    // In Azure the depths come from the operations app's Azure Monitor read; the local host has them in its metrics.
    const azure = currentConfig()?.mode === "azure";
    const [healthAnswer, stats, letters, metrics, monitored] = await Promise.all([
      healthOfAll(), api("/api/admin/stats"), api("/api/admin/dead-letters", { query: { status: "Pending" } }), api("/api/admin/metrics"),
      azure ? api("/api/admin/queue-depths") : null]);
    if (!token()) return;
    const sample = { at: Date.now(), health: healthAnswer.body, stats: stats.ok ? stats.body : null, letters: letters.ok ? letters.body : null,
      depths: metrics.ok ? metrics.body.depths : monitored?.ok ? monitored.body.depths : null };
    samples.push(sample);
    while (samples.length && samples[0].at < sample.at - WINDOW_MS) samples.shift();
    drawHealth(health, healthAnswer);
    drawDepths(depths, sample, letters, monitored);
    drawPlots(plots, stats, metrics);
  };
  await tick();
  repeat(EVERY_MS, tick);
}

// In Azure each context is its own app; the operations app forwards /api/health/{context} to it (docs/azure-shell.md).
const CONTEXTS = ["orders", "inventory", "payments", "shipping", "notifications", "checkout"];
const WORST = ["Healthy", "Degraded", "Unhealthy"];

/** This host's health; in Azure with every context's checks added, named "context: check", and the worst status of all. */
async function healthOfAll() {
  const own = await api("/api/health");
  if (currentConfig()?.mode !== "azure" || !own.body?.checks) return own;
  const answers = await Promise.all(CONTEXTS.map(c => api(`/api/health/${c}`)));
  const checks = { ...own.body.checks };
  let status = own.body.status;
  answers.forEach((answer, i) => {
    const reported = answer.body?.checks
      ? Object.entries(answer.body.checks)
      : [["app", { status: "Unhealthy", description: problemText(answer), durationMs: 0 }]];
    for (const [name, check] of reported) {
      checks[`${CONTEXTS[i]}: ${name}`] = check;
      if (WORST.indexOf(check.status) > WORST.indexOf(status)) status = check.status;
    }
  });
  return { ...own, body: { ...own.body, status, checks } };
}

function drawHealth(panel, answer) {
  if (answer.status === 404) return show(panel, h("h2", {}, "Health"), h("p", { class: "muted" }, "Health is not available here."));
  const report = answer.body;
  if (!report?.checks) return show(panel, h("h2", {}, "Health"), h("p", { class: "notice bad" }, problemText(answer)));
  const circuit = (report.checks["payment-provider"] ?? report.checks["payments: payment-provider"])?.data?.circuit;
  show(panel,
    h("div", { class: "row", style: "justify-content:space-between;margin-bottom:12px" },
      h("h2", { style: "margin:0" }, "Health ", badge(report.status)),
      circuit ? h("span", { id: "payment-circuit" }, "Payment circuit ", badge(circuit)) : null),
    h("div", { class: "grid four" }, Object.entries(report.checks).map(([name, c]) => h("div", { class: "check", dataset: { check: name } },
      h("div", { class: "row", style: "justify-content:space-between" }, h("strong", {}, name), badge(c.status)),
      h("p", { class: "muted", style: "margin:6px 0 0;font-size:12.5px" }, c.description ?? ""),
      h("p", { class: "muted", style: "margin:2px 0 0;font-size:11.5px" }, `checked in ${duration(c.durationMs)}`)))));
}

/** A subscription's path (orders-events/subscriptions/checkout) as people say it: orders-events → checkout. */
function entityName(path) {
  return path.replace("/subscriptions/", " → ");
}

/**
 * Waiting messages per queue and subscription, and dead letters awaiting triage per entity: from the metrics route when the
 * host has one, else from the broker's health data and the dead-letter list.
 */
function drawDepths(panel, sample, letters, monitored) {
  let queues, dead = {};
  if (sample.depths) {
    queues = sample.depths.map(d => [d.entity, d.active]);
    for (const d of sample.depths) if (d.deadLettered > 0) dead[d.entity] = d.deadLettered;
  } else {
    const broker = sample.health?.checks?.broker?.data || {};
    queues = Object.entries(broker).filter(([, v]) => typeof v === "number");
  }
  // Without the metrics route the list is the only count; with it, the list still adds what no broker entity holds
  // (a context's parked outbox records).
  // Azure Monitor counts a subscription's letters under its topic.
  const brokerEntities = new Set(queues.map(([q]) => q));
  const counted = e => brokerEntities.has(e) || brokerEntities.has(e.split("/subscriptions/")[0]);
  for (const l of sample.letters || []) if (!sample.depths || !counted(l.entity)) dead[l.entity] = (dead[l.entity] || 0) + 1;
  const max = Math.max(1, ...queues.map(([, v]) => v), ...Object.values(dead));
  const row = (name, value, tone) => h("div", { class: "bar-row", dataset: { entity: name } },
    h("span", { class: "mono", title: name }, entityName(name)), h("div", { class: "track" }, h("div", { class: `fill ${tone}`, style: `width:${(100 * value / max).toFixed(1)}%` })),
    h("span", { class: "num" }, value));
  show(panel,
    h("h2", {}, "Depths"),
    h("h3", {}, "Waiting messages"),
    monitored?.ok ? h("p", { class: "muted", id: "depths-source" }, "From Azure Monitor, per queue and topic (a topic counts its subscriptions together), measured " +
      (monitored.body.measuredAt ? new Date(monitored.body.measuredAt).toLocaleTimeString() : "—") + ": about a minute behind.") : null,
    queues.length ? h("div", { class: "bars", id: "queue-depths" }, queues.map(([n, v]) => row(n, v, "")))
      : monitored && !monitored.ok ? h("p", { class: "notice bad", id: "depths-source" }, problemText(monitored))
      : h("p", { class: "muted" }, "Queue depths are not available here."),
    h("h3", { style: "margin-top:16px" }, "Pending dead letters"),
    letters.status === 404 && !sample.depths ? h("p", { class: "muted" }, "Dead letters are not available here.")
      : Object.keys(dead).length ? h("div", { class: "bars", id: "dead-letter-depths" }, Object.entries(dead).map(([n, v]) => row(n, v, "bad")))
      : h("p", { class: "muted", id: "dead-letter-depths" }, "None pending."));
}

/** Rates per second between consecutive samples of a growing counter. */
function rate(pick) {
  const pts = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1], b = samples[i];
    const va = a.stats ? pick(a.stats) : null, vb = b.stats ? pick(b.stats) : null;
    if (va === null || vb === null || va === undefined || vb === undefined) continue;
    pts.push([b.at, Math.max(0, (vb - va) / ((b.at - a.at) / 1000))]);
  }
  return pts;
}

function level(pick) {
  return samples.filter(s => s.stats || s.health).map(s => [s.at, pick(s) ?? 0]);
}

/** The span the page's own samples cover: from the first one (at least half a minute) up to the whole window. */
function sampledWindow() {
  return Math.min(WINDOW_MS, Math.max(30000, Date.now() - (samples[0]?.at ?? Date.now())));
}

/** The metrics route's buckets as series: each bucket's figure at its middle, over the window. */
function bucketSeries(metrics, pick) {
  const half = (metrics.bucketSeconds || 10) * 500;
  return metrics.buckets.map(b => [Date.parse(b.at) + half, pick(b)]).filter(([, v]) => v !== undefined && v !== null);
}

function drawPlots(panel, stats, metrics) {
  if (stats.status === 404 && metrics.status === 404) return show(panel, h("h2", {}, "Throughput"), h("p", { class: "muted" }, "Throughput figures are not available here."));
  const latest = stats.body || {};
  const waiting = s => s.depths ? s.depths.reduce((a, d) => a + d.active, 0)
    : Object.values(s.health?.checks?.broker?.data || {}).filter(v => typeof v === "number").reduce((a, b) => a + b, 0);
  const per = metrics.ok ? `Per ${metrics.body.bucketSeconds} s` : "Per second";
  const flows = metrics.ok
    ? [linePlot(`${per}: orders and checkouts`, [
        { name: "orders placed", color: "#2f5bd3", points: bucketSeries(metrics.body, b => b.ordersPlaced) },
        { name: "completed", color: "#1f8a5b", points: bucketSeries(metrics.body, b => b.checkoutsCompleted) },
        { name: "compensated", color: "#b7791f", points: bucketSeries(metrics.body, b => b.checkoutsCompensated) },
        { name: "failed", color: "#c2413b", points: bucketSeries(metrics.body, b => b.checkoutsFailed) },
      ], { windowMs: WINDOW_MS, total: true }),
      linePlot("Saga step latency (ms)", [
        { name: "p50", color: "#1f8a5b", points: bucketSeries(metrics.body, b => b.stepLatencyMs?.p50) },
        { name: "p95", color: "#b7791f", points: bucketSeries(metrics.body, b => b.stepLatencyMs?.p95) },
        { name: "p99", color: "#c2413b", points: bucketSeries(metrics.body, b => b.stepLatencyMs?.p99) },
      ], { windowMs: WINDOW_MS, unit: " ms" })]
    : [h("p", { class: "muted" }, "Orders, checkouts by outcome and step latency are not available here (no /api/admin/metrics); rates below come from the counters."),
      linePlot(per, [
        { name: "messages handled", color: "#2f5bd3", points: rate(s => s.messagesHandled) },
        { name: "checkouts finished", color: "#1f8a5b", points: rate(s => s.sagasFinished) },
      ], { windowMs: sampledWindow() })];
  show(panel,
    h("h2", {}, "Throughput"),
    h("div", { class: "grid two", style: "margin-bottom:12px" },
      h("div", {}, h("div", { class: "figure", id: "sagas-finished" }, latest.sagasFinished ?? "—", h("small", {}, "checkouts finished")),
        h("div", { class: "muted" }, `${latest.sagasInFlight ?? 0} in flight`)),
      h("div", {}, h("div", { class: "figure", id: "messages-handled" }, latest.messagesHandled ?? "—", h("small", {}, "messages handled")),
        h("div", { class: "muted" }, `up ${duration((latest.uptimeSeconds ?? 0) * 1000)}`))),
    flows,
    linePlot("Levels", [
      { name: "checkouts in flight", color: "#b7791f", points: level(s => s.stats?.sagasInFlight) },
      { name: "messages waiting", color: "#7a5bd3", points: level(waiting) },
      { name: "dead letters pending", color: "#c2413b", points: level(s => s.letters?.length) },
    ], { windowMs: sampledWindow() }));
}
