// Small SVG plots drawn from the data the page holds: lines over the last minutes, and an attempt's place in its saga.
import { h } from "./dom.js";

const W = 560, H = 150, LEFT = 40, RIGHT = 10, TOP = 10, BOTTOM = 20;

function niceMax(v) {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  const n = v / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}

function label(v) {
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10000 ? 0 : 1)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 1 : 0);
}

/**
 * Lines over time. series: [{ name, color, points: [[epochMs, value], …] }]; the x axis spans windowMs up to now. The legend
 * gives each series' latest value, or with total: true its sum over the window (for counts per bucket).
 * Answers the <figure> with the plot, its legend and a title.
 */
export function linePlot(title, series, { windowMs = 5 * 60000, now = Date.now(), unit = "", total = false } = {}) {
  const from = now - windowMs;
  const values = series.flatMap(s => s.points.filter(([t]) => t >= from).map(([, v]) => v));
  const max = niceMax(Math.max(0, ...values));
  const x = t => LEFT + (W - LEFT - RIGHT) * (t - from) / windowMs;
  const y = v => TOP + (H - TOP - BOTTOM) * (1 - v / max);

  const svg = h("svg", { class: "plot", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title });
  for (const v of [0, max / 2, max]) {
    svg.append(h("line", { svg: true, class: "axis", x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v) }));
    svg.append(h("text", { svg: true, class: "label", x: LEFT - 6, y: y(v) + 3, "text-anchor": "end" }, label(v)));
  }
  const span = windowMs >= 60000 ? `−${Math.round(windowMs / 60000)} min` : `−${Math.round(windowMs / 1000)} s`;
  svg.append(h("text", { svg: true, class: "label", x: LEFT, y: H - 4 }, span));
  svg.append(h("text", { svg: true, class: "label", x: W - RIGHT, y: H - 4, "text-anchor": "end" }, "now"));
  for (const s of series) {
    const pts = s.points.filter(([t]) => t >= from);
    if (pts.length === 0) continue;
    const d = pts.map(([t, v], i) => `${i ? "L" : "M"}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    svg.append(h("path", { svg: true, d, fill: "none", stroke: s.color, "stroke-width": 2, "stroke-linejoin": "round", "stroke-linecap": "round", dataset: { series: s.name } }));
    const [lt, lv] = pts[pts.length - 1];
    svg.append(h("circle", { svg: true, cx: x(lt), cy: y(lv), r: 3, fill: s.color }));
  }
  const shown = s => {
    const pts = s.points.filter(([t]) => t >= from);
    if (pts.length === 0) return "—";
    return label(total ? pts.reduce((a, [, v]) => a + v, 0) : pts[pts.length - 1][1]) + unit;
  };
  const legend = h("div", { class: "legend" },
    series.map(s => h("span", {}, h("i", { style: `background:${s.color}` }), s.name, " ", h("strong", {}, shown(s)))),
    total ? h("span", {}, "(totals over the plot)") : null);
  return h("figure", { class: "plot-figure" }, h("h3", {}, title), svg, legend);
}

/** Where one attempt sat within its saga's span, as a thin bar (the saga's whole span is the track). */
export function spanBar(startMs, endMs, sagaStartMs, sagaEndMs, color) {
  const total = Math.max(1, sagaEndMs - sagaStartMs);
  const left = 100 * (startMs - sagaStartMs) / total;
  const width = Math.max(0.8, 100 * (endMs - startMs) / total);
  const svg = h("svg", { class: "gantt", viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true" });
  svg.append(h("rect", { svg: true, x: 0, y: 4, width: 100, height: 2, fill: "#eef0f4" }));
  svg.append(h("rect", { svg: true, x: left.toFixed(2), y: 1, width: Math.min(width, 100 - left).toFixed(2), height: 8, rx: 1, fill: color }));
  return svg;
}
