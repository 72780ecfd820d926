// A few helpers to build the page from data: elements, badges, and times, durations and money as people read them.

/** h("td", { class: "num" }, "3") — attributes starting with "on" are listeners; children may be strings, nodes or arrays. */
export function h(tag, attrs = {}, ...children) {
  const el = tag === "svg" || attrs.svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "svg" || v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces what <paramref>el</paramref> shows. */
export function show(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const TONES = {
  ok: ["Succeeded", "Completed", "Confirmed", "Healthy", "Closed", "Resubmitted"],
  warn: ["Compensated", "Cancelled", "Rejected", "TimedOut", "Degraded", "HalfOpen", "Ignored", "Pending"],
  bad: ["Failed", "Unhealthy", "Open"],
  run: ["Running", "Replied"],
};

export function toneOf(status) {
  for (const [tone, names] of Object.entries(TONES)) if (names.includes(status)) return tone;
  return "";
}

export function badge(status, tone = toneOf(status)) {
  return h("span", { class: `badge ${tone}` }, status ?? "—");
}

export function time(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return d.toLocaleTimeString(undefined, { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

export function dateTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return `${d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" })} ${d.toLocaleTimeString(undefined, { hour12: false })}`;
}

export function duration(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

export function ago(iso, now = Date.now()) {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function money(m) {
  if (!m) return "—";
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: m.currency }).format(m.amount);
  } catch {
    return `${m.amount} ${m.currency}`;
  }
}

export function pretty(json) {
  return JSON.stringify(json, null, 2);
}

// One page refreshes at a time: a new page (or a new route) stops the last one's timer.
let timer = null;

export function repeat(ms, fn) {
  stopRepeat();
  timer = setInterval(fn, ms);
}

export function stopRepeat() {
  clearInterval(timer);
  timer = null;
}
