// The console's shell: sign-in, the header, and which page the address shows (#/orders, #/dead-letters, #/system).
import { loadConfig, token, subject, signIn, signOut, devToken, claimsOf } from "./api.js";
import { h, show, stopRepeat } from "./dom.js";
import { ordersPage, orderPage } from "./orders.js";
import { deadLettersPage } from "./dead-letters.js";
import { systemPage } from "./system.js";

const main = document.getElementById("main");

function signInPage(config, message) {
  const name = h("input", { id: "operator-name", name: "subject", value: "ops", autocomplete: "username", required: true, maxlength: 64 });
  const pasted = h("textarea", { id: "bearer-token", name: "token", rows: 5, placeholder: "eyJhbGciOi…", required: true });
  const error = h("p", { class: "notice bad", hidden: true });
  const form = config.devSignIn
    ? h("form", { onsubmit: async e => {
        e.preventDefault();
        try {
          signIn(await devToken(name.value.trim()), name.value.trim());
          route();
        } catch (err) {
          show(error, `Sign-in failed: ${err.message}`).hidden = false;
        }
      } },
      h("label", {}, "Operator name", name),
      h("button", { type: "submit" }, "Sign in as operator"))
    : h("form", { onsubmit: e => {
        e.preventDefault();
        const raw = pasted.value.trim().replace(/^Bearer\s+/i, "");
        const claims = claimsOf(raw);
        if (!claims) return show(error, "That is not a bearer token (a JWT: three parts separated by dots).").hidden = false;
        signIn(raw, claims.preferred_username || claims.upn || claims.sub);
        route();
      } },
      h("label", {}, "Bearer token (operator role)", pasted),
      h("button", { type: "submit" }, "Use this token"));
  show(main, h("section", { class: "panel signin", id: "sign-in" },
    h("h1", {}, "Sign in"),
    h("p", { class: "muted" }, config.devSignIn
      ? "The local host issues development tokens. Every figure on these pages comes from the API with an operator's token; without one you see nothing."
      : "Paste an operator's access token from Microsoft Entra ID (for example: az account get-access-token --resource <the API's app id URI>). Every figure on these pages comes from the API with it."),
    message ? h("p", { class: "notice info" }, message) : null,
    error,
    form));
}

function header(page) {
  const signedIn = !!token();
  document.getElementById("nav").hidden = !signedIn;
  document.getElementById("sign-out").hidden = !signedIn;
  const who = document.getElementById("who");
  who.hidden = !signedIn;
  who.textContent = signedIn ? `signed in as ${subject()}` : "";
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.page === page);
}

async function route(message) {
  const config = await loadConfig();
  document.getElementById("reference-link").hidden = config.mode === "azure" && !config.referenceUrl;
  if (config.referenceUrl) document.getElementById("reference-link").href = config.referenceUrl;
  const [path, query] = (location.hash.replace(/^#/, "") || "/orders").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const page = parts[0] || "orders";
  stopRepeat();
  header(page);
  if (!token()) return signInPage(config, message);
  const params = new URLSearchParams(query || "");
  if (page === "orders" && parts[1]) return orderPage(main, parts[1], config);
  if (page === "orders") return ordersPage(main, params);
  if (page === "dead-letters") return deadLettersPage(main, params);
  if (page === "system") return systemPage(main);
  location.hash = "#/orders";
}

document.getElementById("sign-out").addEventListener("click", () => { signOut(); location.hash = "#/orders"; route(); });
window.addEventListener("orderly:signed-out", () => route("Your token was refused or has expired: sign in again."));
window.addEventListener("hashchange", () => route());
route();
