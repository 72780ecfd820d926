// Dead letters: filter the list, read one in full, edit and resubmit it, ignore it with a note, resubmit all that match.
import { api, problemText, token } from "./api.js";
import { h, show, badge, dateTime, ago, pretty } from "./dom.js";

// The filter and the open letter outlive a redraw (after a decision the list is read again with the same filter).
const state = { entity: "", status: "Pending", reason: "", olderMin: "", newerMin: "", open: null, notice: null };

export async function deadLettersPage(main, params) {
  if (params.get("id")) state.open = params.get("id");
  const list = h("section", { class: "panel", id: "dead-letter-list" });
  const detail = h("section", { class: "panel", id: "dead-letter-detail" });
  const notice = h("div", { id: "dead-letter-notice" });
  const field = (name, label, input) => h("label", {}, label, input);
  const entity = h("input", { id: "filter-entity", name: "entity", value: state.entity, placeholder: "any queue or subscription", list: "entities" });
  const status = h("select", { id: "filter-status", name: "status" },
    ["", "Pending", "Resubmitted", "Ignored"].map(s => h("option", { value: s, selected: state.status === s }, s || "Any status")));
  const reason = h("input", { id: "filter-reason", name: "reason", value: state.reason, placeholder: "e.g. malformed" });
  const older = h("input", { id: "filter-older", name: "olderMin", type: "number", min: 0, value: state.olderMin, placeholder: "min", style: "width:90px" });
  const newer = h("input", { id: "filter-newer", name: "newerMin", type: "number", min: 0, value: state.newerMin, placeholder: "min", style: "width:90px" });
  const form = h("form", { class: "row", id: "dead-letter-filter", onsubmit: e => {
      e.preventDefault();
      Object.assign(state, { entity: entity.value.trim(), status: status.value, reason: reason.value.trim(), olderMin: older.value, newerMin: newer.value });
      refresh();
    } },
    field("entity", "Entity", entity), field("status", "Status", status), field("reason", "Reason contains", reason),
    field("older", "Older than (min)", older), field("newer", "Newer than (min)", newer),
    h("button", { type: "submit" }, "Filter"));

  show(main,
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Dead letters"),
      h("p", { class: "muted" }, "Messages that could not be handled: read one, fix and resubmit it, or leave it with a note. Every decision is recorded with who made it."))),
    h("section", { class: "panel" }, form, h("datalist", { id: "entities" })),
    notice,
    h("div", { class: "split" }, list, detail));

  async function refresh() {
    if (state.notice) show(notice, h("p", { class: `notice ${state.notice.tone}` }, state.notice.text)); else show(notice);
    state.notice = null;
    await drawList(list, detail, refresh);
    if (state.open) await drawDetail(detail, state.open, refresh); else show(detail, h("p", { class: "empty" }, "Select a dead letter to read it."));
  }
  await refresh();
}

function filterQuery() {
  const minutes = v => (v === "" || v === null ? undefined : String(Math.round(Number(v) * 60)));
  return { entity: state.entity, status: state.status, reason: state.reason, minAgeSeconds: minutes(state.olderMin), maxAgeSeconds: minutes(state.newerMin) };
}

async function drawList(list, detail, refresh) {
  const answer = await api("/api/admin/dead-letters", { query: filterQuery() });
  if (!token()) return;
  if (answer.status === 404) return show(list, h("p", { class: "muted" }, "Dead-letter triage is not available here."));
  if (!answer.ok) return show(list, h("p", { class: "notice bad" }, problemText(answer)));
  const letters = answer.body;
  const entities = document.getElementById("entities");
  if (entities) show(entities, [...new Set(letters.map(l => l.entity))].map(e => h("option", { value: e })));
  const now = Date.now();
  const resubmittable = state.status !== "Resubmitted" && letters.some(l => l.status !== "Resubmitted");
  show(list,
    h("div", { class: "row", style: "justify-content:space-between;margin-bottom:8px" },
      h("h2", { style: "margin:0" }, `${letters.length} dead letter${letters.length === 1 ? "" : "s"}`),
      resubmittable ? bulkButton(letters.filter(l => l.status === (state.status || "Pending")).length, refresh) : null),
    letters.length === 0 ? h("p", { class: "empty" }, "Nothing matches this filter.") :
      h("table", { id: "dead-letters-table" },
        h("thead", {}, h("tr", {}, h("th", {}, "Entity"), h("th", {}, "Type"), h("th", {}, "Reason"), h("th", { class: "num" }, "Deliveries"),
          h("th", {}, "Dead-lettered"), h("th", {}, "Status"))),
        h("tbody", {}, letters.slice().reverse().map(l => h("tr", {
            class: `clickable${l.id === state.open ? " selected" : ""}`, dataset: { id: l.id },
            onclick: () => { state.open = l.id; refresh(); } },
          h("td", { class: "mono nowrap" }, l.entity.replace("/subscriptions/", " → ")),
          h("td", {}, (l.type ?? "(unreadable)").replace(/^orderly\./, "")),
          h("td", {}, h("div", {}, l.reason), h("div", { class: "muted", style: "font-size:12px" }, truncate(l.description, 70))),
          h("td", { class: "num" }, l.deliveryCount),
          h("td", { title: dateTime(l.lastFailureAt) }, ago(l.lastFailureAt, now)),
          h("td", {}, badge(l.status)))))));
}

function truncate(text, n) {
  return text && text.length > n ? text.slice(0, n - 1) + "…" : text;
}

function bulkButton(count, refresh) {
  const status = state.status || "Pending";
  const box = h("div", { class: "row" });
  const ask = h("button", { type: "button", class: "secondary", id: "bulk-resubmit", disabled: count === 0, onclick: () => {
      show(box, h("span", { class: "muted" }, `Resubmit the ${count} ${status.toLowerCase()} letter${count === 1 ? "" : "s"} this filter matches (at most 100)?`),
        h("button", { type: "button", id: "bulk-confirm", onclick: async () => {
            const { minAgeSeconds, maxAgeSeconds, entity, reason } = filterQuery();
            const body = { status, entity: entity || undefined, reason: reason || undefined,
              minAgeSeconds: minAgeSeconds === undefined ? undefined : Number(minAgeSeconds),
              maxAgeSeconds: maxAgeSeconds === undefined ? undefined : Number(maxAgeSeconds) };
            const answer = await api("/api/admin/dead-letters/resubmit", { method: "POST", body });
            state.notice = answer.ok
              ? { tone: "ok", text: `Resubmitted ${answer.body.resubmitted.length} of ${answer.body.matched}` +
                  (answer.body.skipped.length ? `; skipped ${answer.body.skipped.length} decided meanwhile` : "") + (answer.body.more ? "; more match: run it again." : ".") }
              : { tone: "bad", text: problemText(answer) };
            refresh();
          } }, "Resubmit all"),
        h("button", { type: "button", class: "secondary", onclick: () => show(box, ask) }, "Cancel"));
    } }, `Resubmit all matching (${count})`);
  return show(box, ask);
}

async function drawDetail(detail, id, refresh) {
  const answer = await api(`/api/admin/dead-letters/${encodeURIComponent(id)}`);
  if (!token()) return;
  if (!answer.ok) return show(detail, h("p", { class: "notice bad" }, problemText(answer)));
  const l = answer.body;
  // A body that is not JSON comes as a string: shown as it came, so a fix starts from what was sent.
  const original = typeof l.body === "string" ? l.body : pretty(l.body);
  const body = h("textarea", { id: "dead-letter-body", rows: Math.min(24, original.split("\n").length + 1), spellcheck: "false" }, original);
  const resubmitNote = h("input", { id: "resubmit-note", placeholder: "why (optional)", maxlength: 2000, style: "flex:1" });
  const ignoreNote = h("input", { id: "ignore-note", placeholder: "why it is left (required)", maxlength: 2000, style: "flex:1" });
  const error = h("div");
  const open = l.status !== "Resubmitted";

  const resubmit = async () => {
    let edited;
    if (body.value.trim() !== original.trim()) {
      try { edited = JSON.parse(body.value); } catch (e) { return show(error, h("p", { class: "notice bad" }, `The body is not JSON: ${e.message}`)); }
    }
    const answer = await api(`/api/admin/dead-letters/${encodeURIComponent(id)}/resubmit`, { method: "POST", body: edited, query: { note: resubmitNote.value.trim() } });
    if (!answer.ok) return show(error, h("p", { class: "notice bad" }, problemText(answer)));
    state.notice = { tone: "ok", text: `Resubmitted ${answer.body.edited ? "as edited" : "as it was"}: new message ${answer.body.resubmittedAsMessageId}.` };
    refresh();
  };
  const ignore = async () => {
    const answer = await api(`/api/admin/dead-letters/${encodeURIComponent(id)}/ignore`, { method: "POST", body: { note: ignoreNote.value.trim() } });
    if (!answer.ok) return show(error, h("p", { class: "notice bad" }, problemText(answer)));
    state.notice = { tone: "ok", text: "Marked ignored, with your note." };
    refresh();
  };

  show(detail,
    h("div", { class: "row", style: "justify-content:space-between" },
      h("h2", { style: "margin:0" }, (l.type ?? "Unreadable message").replace(/^orderly\./, "")), badge(l.status)),
    h("dl", { class: "kv", style: "margin-top:12px" },
      kv("Id", l.id), kv("Entity", l.entity), kv("Message id", l.messageId), kv("Reason", l.reason), kv("Description", l.description),
      kv("Delivery count", l.deliveryCount), kv("First failure", dateTime(l.firstFailureAt)), kv("Last failure", dateTime(l.lastFailureAt)),
      l.note ? kv("Note", l.note) : null, l.resubmittedAsMessageId ? kv("Resubmitted as", l.resubmittedAsMessageId) : null),
    h("h3", { style: "margin-top:16px" }, "Properties"),
    Object.keys(l.properties || {}).length
      ? h("dl", { class: "kv" }, Object.entries(l.properties).map(([k, v]) => kv(k, v)))
      : h("p", { class: "muted" }, "None."),
    h("h3", { style: "margin-top:16px" }, open ? "Body (edit it to resubmit a fixed copy; payment tokens are masked and sent with their real value)" : "Body"),
    open ? body : h("pre", { class: "json" }, original),
    error,
    open ? h("div", { class: "actions" }, resubmitNote, h("button", { type: "button", id: "resubmit", onclick: resubmit }, "Resubmit")) : null,
    l.status === "Pending" ? h("div", { class: "actions" }, ignoreNote, h("button", { type: "button", class: "danger", id: "ignore", onclick: ignore }, "Ignore with note")) : null,
    h("h3", { style: "margin-top:18px" }, "Trail"),
    h("ol", { class: "trail", id: "trail" }, (l.trail || []).map(t => h("li", {},
      h("div", {}, h("strong", {}, t.action), " by ", h("span", { class: "mono" }, t.actor), h("span", { class: "muted" }, ` · ${dateTime(t.at)}`)),
      t.note ? h("div", { class: "muted" }, t.note) : null,
      t.resubmittedAsMessageId ? h("div", { class: "muted mono" }, `as ${t.resubmittedAsMessageId}${t.editedBody ? " (edited)" : ""}`) : null))));
}

function kv(k, v) {
  return [h("dt", {}, k), h("dd", {}, v ?? "—")];
}
