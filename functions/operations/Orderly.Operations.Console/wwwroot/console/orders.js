// Orders: find one by id, list a customer's or by status, and show an order's checkout as a timeline of every attempt.
import { api, problemText, token } from "./api.js";
import { h, show, badge, toneOf, time, dateTime, duration, money, repeat, stopRepeat } from "./dom.js";
import { spanBar } from "./plot.js";
import { isTraceId, logsLink } from "./app-insights.js";

const STATUSES = ["", "Pending", "Confirmed", "Cancelled"];

export async function ordersPage(main, params) {
  const orderId = h("input", { id: "find-order-id", name: "orderId", placeholder: "e.g. 3f2a…", size: 38, maxlength: 128 });
  const customer = h("input", { id: "find-customer", name: "customerId", placeholder: "e.g. ada", value: params.get("customer") || "", maxlength: 64 });
  const status = h("select", { id: "find-status", name: "status" },
    STATUSES.map(s => h("option", { value: s, selected: params.get("status") === s }, s || "Any status")));
  const results = h("section", { class: "panel", id: "order-results" });

  show(main,
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Orders"),
      h("p", { class: "muted" }, "Find an order by its id, list a customer's orders, or list orders by status; open one to see its checkout."))),
    h("section", { class: "panel" }, h("div", { class: "grid two" },
      h("form", { class: "row", id: "open-order", onsubmit: e => { e.preventDefault(); if (orderId.value.trim()) location.hash = `#/orders/${encodeURIComponent(orderId.value.trim())}`; } },
        h("label", { style: "flex:1" }, "Order id", orderId), h("button", { type: "submit" }, "Open")),
      h("form", { class: "row", id: "list-orders", onsubmit: e => {
          e.preventDefault();
          const q = new URLSearchParams();
          if (customer.value.trim()) q.set("customer", customer.value.trim());
          if (status.value) q.set("status", status.value);
          location.hash = `#/orders?${q}`;
        } },
        h("label", { style: "flex:1" }, "Customer", customer), h("label", {}, "Status", status),
        h("button", { type: "submit", class: "secondary" }, "List")))),
    results);

  // A customer's own list is newest first; with a status (or without a customer) the operator's search pages through all.
  const who = params.get("customer"), which = params.get("status") || "";
  if (who && !which) return listCustomer(results, who);
  return listByStatus(results, which, who, params.get("continuation"));
}

async function listCustomer(results, customerId) {
  show(results, h("p", { class: "muted" }, "Loading…"));
  const answer = await api(`/api/customers/${encodeURIComponent(customerId)}/orders`);
  if (!token()) return;
  if (!answer.ok) return show(results, h("p", { class: "notice bad" }, problemText(answer)));
  show(results, h("h2", {}, `Orders of ${customerId}`), orderTable(answer.body, customerId));
}

async function listByStatus(results, status, customerId, continuation) {
  show(results, h("p", { class: "muted" }, "Loading…"));
  const answer = await api("/api/orders", { query: { status, customerId, pageSize: 25, continuation } });
  if (!token()) return;
  if (answer.status === 404 || answer.status === 405) {
    return show(results, h("h2", {}, "Orders"),
      h("p", { class: "muted" }, "Listing orders by status is not available here: find an order by its id, or list a customer's orders."));
  }
  if (!answer.ok) return show(results, h("p", { class: "notice bad" }, problemText(answer)));
  const next = answer.body.continuation;
  const q = new URLSearchParams();
  if (customerId) q.set("customer", customerId);
  if (status) q.set("status", status);
  if (next) q.set("continuation", next);
  show(results, h("h2", {}, `${status || "All"} orders${customerId ? ` of ${customerId}` : ""}`),
    h("p", { class: "muted", style: "margin-top:-6px" }, "A page at a time, by customer."),
    orderTable(answer.body.items || []),
    next ? h("div", { class: "actions" }, h("a", { href: `#/orders?${q}` }, "Next page →")) : null);
}

function orderTable(items, customerId) {
  if (items.length === 0) return h("p", { class: "empty" }, "No orders.");
  return h("table", { id: "orders-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "Order"), customerId ? null : h("th", {}, "Customer"), h("th", {}, "Status"),
      h("th", { class: "num" }, "Items"), h("th", { class: "num" }, "Total"), h("th", {}, "Placed"), h("th", {}, "Reason"))),
    h("tbody", {}, items.map(o => h("tr", { class: "clickable", onclick: () => { location.hash = `#/orders/${encodeURIComponent(o.orderId)}`; } },
      h("td", {}, h("a", { href: `#/orders/${encodeURIComponent(o.orderId)}`, class: "mono" }, o.orderId)),
      customerId ? null : h("td", {}, o.customerId ?? "—"),
      h("td", {}, badge(o.status)),
      h("td", { class: "num" }, o.itemCount ?? "—"),
      h("td", { class: "num" }, money(o.total)),
      h("td", {}, dateTime(o.placedAt)),
      h("td", { class: "muted" }, o.cancellationReason ?? "")))));
}

export async function orderPage(main, orderId, config) {
  show(main, h("p", { class: "muted" }, "Loading…"));
  const draw = async () => {
    const [order, checkout] = await Promise.all([
      api(`/api/orders/${encodeURIComponent(orderId)}`),
      api(`/api/checkout/${encodeURIComponent(orderId)}`),
    ]);
    if (!token()) return stopRepeat();
    if (!order.ok && !checkout.ok) {
      stopRepeat();
      return show(main, back(), h("section", { class: "panel" }, h("h1", {}, "No such order"),
        h("p", { class: "muted" }, `Neither the orders nor the checkout know '${orderId}'. `, problemText(order))));
    }
    const saga = checkout.ok ? checkout.body : null;
    show(main, back(), orderHead(orderId, order.ok ? order.body : null, saga), orderFacts(order.ok ? order.body : null, saga, config),
      h("section", { class: "panel", id: "timeline" }, h("h2", {}, "Checkout timeline"),
        saga ? timeline(saga, config)
          : checkout.status === 404 ? h("p", { class: "muted" }, "The checkout has not started yet.")
          : h("p", { class: "notice bad", id: "checkout-problem" }, problemText(checkout))));
    if (saga && saga.status !== "Running") stopRepeat();
  };
  await draw();
  repeat(1500, draw);
}

function back() {
  return h("p", { style: "margin:0 0 10px" }, h("a", { href: "#/orders" }, "← Orders"));
}

function orderHead(orderId, order, saga) {
  return h("div", { class: "page-head" }, h("div", {},
    h("h1", {}, "Order ", h("span", { class: "mono", style: "font-size:17px" }, orderId)),
    h("p", {}, order ? badge(order.status) : null, " ", saga ? h("span", { class: "muted" }, "checkout ", badge(saga.status)) : null)));
}

/** The first attempt that carries a trace id: the order's trace, from the checkout's first step on. */
function tracedAttemptOf(saga) {
  for (const r of [...(saga?.steps || []), ...(saga?.compensations || [])])
    for (const a of r.attemptLog || []) if (a.traceId) return a;
  return null;
}

/**
 * An attempt's trace id: in Azure a link to its operation's telemetry in Application Insights' logs (the query is compressed
 * asynchronously, so the link gets its address a moment after it is drawn), elsewhere the id to search the logs or an OTLP
 * viewer for.
 */
function traceLink(attempt, config) {
  const traceId = attempt?.traceId;
  if (!traceId) return "—";
  if (!config.appInsightsResourceId || !isTraceId(traceId))
    return h("span", { class: "mono", title: "The W3C trace id: search the logs or an OTLP viewer for it" }, traceId);
  const link = h("a", { class: "mono", target: "_blank", rel: "noopener",
    title: "Every request, dependency, trace and exception of this operation, in Application Insights' logs" }, traceId);
  logsLink(config.appInsightsResourceId, traceId, attempt.startedAt)
    .then(url => link.setAttribute("href", url))
    .catch(() => { link.title = "This browser cannot build the Application Insights link (no CompressionStream): search its logs for this operation id"; });
  return link;
}

function orderFacts(order, saga, config) {
  const fact = (label, value) => h("div", {}, h("dt", {}, label), h("dd", {}, value));
  const items = order?.items?.map(i => `${i.quantity} × ${i.sku}`).join(", ");
  const customer = order?.customerId ?? saga?.customerId;
  return h("section", { class: "panel" }, h("dl", { class: "facts" },
    fact("Customer", customer ? h("a", { href: `#/orders?customer=${encodeURIComponent(customer)}` }, customer) : "—"),
    fact("Total", money(order?.total)),
    fact("Items", items || "—"),
    fact("Placed", dateTime(order?.createdAt)),
    fact("Cancellation reason", order?.cancellationReason ?? saga?.cancellationReason ?? "—"),
    fact("Current step", saga?.currentStep ?? "—"),
    fact("Needs attention", saga?.needsAttention?.join(", ") || "—"),
    fact("Trace id", traceLink(tracedAttemptOf(saga), config))));
}

const COLORS = { ok: "#1f8a5b", warn: "#b7791f", bad: "#c2413b", run: "#2f5bd3", "": "#8a94a6" };

function timeline(saga, config) {
  const records = [...saga.steps, ...saga.compensations];
  const starts = records.flatMap(r => (r.attemptLog || []).map(a => Date.parse(a.startedAt))).concat(records.map(r => Date.parse(r.startedAt))).filter(Number.isFinite);
  const ends = records.flatMap(r => (r.attemptLog || []).map(a => Date.parse(a.finishedAt ?? "") || Date.now())).concat(records.map(r => Date.parse(r.finishedAt ?? ""))).filter(Number.isFinite);
  const sagaStart = Math.min(...starts), sagaEnd = Math.max(sagaStart + 1, ...ends);
  const item = (r, kind) => {
    const tone = toneOf(r.status);
    const took = r.startedAt && r.finishedAt ? Date.parse(r.finishedAt) - Date.parse(r.startedAt) : null;
    return h("li", { class: `tl-item ${tone}`, dataset: { name: r.name, kind } },
      h("span", { class: "tl-dot", "aria-hidden": "true" }),
      h("div", {},
        h("div", { class: "tl-head" }, h("span", { class: "tl-kind" }, kind), h("span", { class: "tl-name" }, r.name), badge(r.status),
          r.reference ? h("span", { class: "muted mono" }, r.reference) : null,
          h("span", { class: "muted" }, `${time(r.startedAt)} → ${time(r.finishedAt)} · ${duration(took)} · ${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`)),
        r.detail ? h("p", { class: "tl-detail" }, r.detail) : null,
        attemptTable(r.attemptLog || [], r.attempts, sagaStart, sagaEnd, config, COLORS[tone])));
  };
  const compensating = saga.compensations.length > 0;
  return h("div", {},
    h("ol", { class: "timeline", id: "steps" }, saga.steps.map(s => item(s, "step"))),
    compensating ? h("p", { class: "section-split" }, `Compensating, newest step first: ${saga.cancellationReason ?? "the checkout could not go on"}`) : null,
    compensating ? h("ol", { class: "timeline", id: "compensations" }, saga.compensations.map(c => item(c, "compensation"))) : null);
}

// A retry storm's log is trimmed to fit Durable's 16 KB status (StatusBudget): the numbers say where attempts are missing.
function notShown(count, when) {
  return h("tr", { class: "attempt-gap" }, h("td", { colspan: 9, class: "muted" }, `${count} ${when} attempt${count === 1 ? "" : "s"} not shown`));
}

function attemptTable(attempts, total, sagaStart, sagaEnd, config, color) {
  if (attempts.length === 0) return null;
  // The same column widths in every step's table, so the attempts line up down the timeline.
  const widths = [36, 104, 104, 76, 96, 150, null, 262, 140];
  return h("div", { class: "attempts" }, h("table", {},
    h("colgroup", {}, widths.map(w => h("col", w ? { style: `width:${w}px` } : {}))),
    h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Started"), h("th", {}, "Ended"), h("th", { class: "num" }, "Took"),
      h("th", {}, "Outcome"), h("th", {}, "Reply"), h("th", {}, "Reason"), h("th", {}, "Trace id"), h("th", { style: "width:18%" }, "In the saga"))),
    h("tbody", {}, attempts.flatMap((a, i) => {
      const start = Date.parse(a.startedAt), end = a.finishedAt ? Date.parse(a.finishedAt) : Date.now();
      const before = a.number - (i === 0 ? 1 : attempts[i - 1].number + 1);
      const after = i === attempts.length - 1 ? (total ?? a.number) - a.number : 0;
      const row = h("tr", { class: "attempt", dataset: { outcome: a.outcome } },
        h("td", {}, a.number),
        h("td", {}, time(a.startedAt)),
        h("td", {}, time(a.finishedAt)),
        h("td", { class: "num" }, duration(a.durationMs ?? (a.finishedAt ? end - start : null))),
        h("td", {}, badge(a.outcome)),
        h("td", {}, a.reply ?? "—"),
        h("td", { class: "muted" }, a.reason ?? ""),
        h("td", {}, traceLink(a, config)),
        h("td", {}, spanBar(start, end, sagaStart, sagaEnd, a.outcome === "Replied" ? color : COLORS[toneOf(a.outcome)])));
      return [before > 0 ? notShown(before, "earlier") : null, row, after > 0 ? notShown(after, "later") : null].filter(Boolean);
    }))));
}
