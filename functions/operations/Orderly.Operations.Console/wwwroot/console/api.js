// Talking to the API: the host's mode (config.json), the operator's token, and JSON calls that carry it.
const TOKEN_KEY = "orderly.console.token";
const SUBJECT_KEY = "orderly.console.subject";

let config = null;

/** The host's mode: { mode: "embedded" | "azure", devSignIn, appInsightsResourceId?, apiBase? }. Read once. */
export async function loadConfig() {
  if (config) return config;
  const answer = await fetch("console/config.json", { headers: { Accept: "application/json" } });
  config = answer.ok ? await answer.json() : { mode: "embedded", devSignIn: false };
  config.apiBase = (config.apiBase || "").replace(/\/$/, "");
  return config;
}

export function currentConfig() { return config; }

export function token() { return sessionStorage.getItem(TOKEN_KEY); }
export function subject() { return sessionStorage.getItem(SUBJECT_KEY); }

export function signIn(accessToken, who) {
  sessionStorage.setItem(TOKEN_KEY, accessToken);
  sessionStorage.setItem(SUBJECT_KEY, who || subjectOf(accessToken) || "operator");
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SUBJECT_KEY);
}

/** The subject and roles a JWT names (read only to show who is signed in; the API checks the token itself). */
export function claimsOf(jwt) {
  try {
    const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part + "=".repeat((4 - part.length % 4) % 4)));
  } catch {
    return null;
  }
}

function subjectOf(jwt) { return claimsOf(jwt)?.sub ?? null; }

/** In embedded mode: an operator token from the local host's dev issuer. */
export async function devToken(who) {
  const answer = await fetch(config.apiBase + "/api/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ subject: who, roles: ["operator"] }),
  });
  if (!answer.ok) throw new Error(`the dev issuer answered ${answer.status}`);
  return (await answer.json()).accessToken;
}

/**
 * Calls the API with the operator's token. Answers { status, ok, body } and never throws for an HTTP status. A 401 from this
 * host (the token expired or was refused) signs out and says so to whoever listens. A 401 that another app gave a forwarded
 * read (in Azure: X-Orderly-Answered-By names it) is that app's refusal of a token this host accepted: the operator stays
 * signed in and the page shows which app refused it and why.
 */
export async function api(path, { method = "GET", body, query } = {}) {
  const url = new URL(config.apiBase + path, location.href);
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  const headers = { Accept: "application/json" };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let answer;
  try {
    answer = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    return { status: 0, ok: false, body: { title: "The host did not answer", detail: String(e) } };
  }
  const text = await answer.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = { detail: text }; }
  const answeredBy = answer.headers.get("X-Orderly-Answered-By");
  if (answer.status === 401 && answeredBy) {
    const why = parsed?.detail || answer.headers.get("WWW-Authenticate") || "no reason given";
    parsed = { ...parsed, title: `The ${answeredBy} app refused your token (401)`,
      detail: `${why}. The operations app accepted it, so you are still signed in; the ${answeredBy} app's authentication needs a look.` };
  } else if (answer.status === 401) {
    signOut();
    window.dispatchEvent(new Event("orderly:signed-out"));
  }
  return { status: answer.status, ok: answer.ok, body: parsed };
}

/** One line a person can read from a problem+json answer. */
export function problemText(answer) {
  const b = answer.body || {};
  const fields = b.errors ? Object.entries(b.errors).map(([k, v]) => `${k}: ${[].concat(v).join(" ")}`).join("; ") : "";
  return [b.title, b.detail, fields].filter(Boolean).join(" — ") || `HTTP ${answer.status}`;
}
