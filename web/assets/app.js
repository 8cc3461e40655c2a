// Shared helpers for every page: the token, API calls, DOM building from text nodes only.

export const TOKEN_KEY = "aismm.token";

export const STATUS_LABELS = {
  met: "Met",
  partial: "Partial",
  not_met: "Not met",
  not_applicable: "Not applicable",
  unknown: "Unknown",
};
export const LEVEL_NAMES = { 1: "Initial", 2: "Repeatable", 3: "Defined", 4: "Capable", 5: "Efficient" };

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}
export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}
export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

// Bidi embedding, override and isolate controls: shown raw they make a name read backwards.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** User text as it may appear on a page: without bidi controls (the API stores it unchanged). */
export function displayText(value) {
  return String(value).replace(BIDI_CONTROLS, "");
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function toLogin() {
  const next = location.pathname + location.search;
  location.assign("/?next=" + encodeURIComponent(next));
}

function newKey() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

let inFlight = 0;
/** While any request runs: main is aria-busy and a "Loading…" status shows (every page, one place). */
function busy(delta) {
  inFlight = Math.max(0, inFlight + delta);
  const main = document.querySelector("main");
  if (main) main.setAttribute("aria-busy", inFlight > 0 ? "true" : "false");
  let el = document.getElementById("loading");
  if (!el && inFlight > 0) {
    el = h("div", { id: "loading", class: "loading", role: "status" });
    document.body.append(el);
  }
  if (el) {
    el.textContent = inFlight > 0 ? "Loading…" : "";
    el.hidden = inFlight === 0;
  }
}

/**
 * fetch /api/... with the bearer token; JSON in, JSON out; a 401 sends the user to the login page.
 * Every POST carries an Idempotency-Key, and a POST that lost its connection is sent once more with
 * the same key: the server answers it at most once, so a retry never stores an answer twice.
 */
export async function api(path, { method = "GET", body, raw = false, signal } = {}) {
  const headers = { Authorization: "Bearer " + getToken() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method === "POST") headers["Idempotency-Key"] = newKey();
  const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal };
  let resp;
  busy(+1);
  try {
    try {
      resp = await fetch(path, init);
    } catch (err) {
      if (method !== "POST" || (signal && signal.aborted)) throw err;
      await new Promise((r) => setTimeout(r, 800));
      resp = await fetch(path, init);
    }
    // 409 + Retry-After: the first copy of this request is still running; wait for its answer
    for (let attempt = 0; method === "POST" && resp.status === 409 && resp.headers.get("Retry-After") && attempt < 5; attempt++) {
      await new Promise((r) => setTimeout(r, Number(resp.headers.get("Retry-After")) * 1000));
      resp = await fetch(path, init);
    }
  } catch (err) {
    throw new ApiError(0, "cannot reach the server (" + err.message + ")");
  } finally {
    busy(-1);
  }
  if (resp.status === 401 && !path.endsWith("/api/me")) {
    toLogin();
    throw new ApiError(401, "please sign in again");
  }
  if (raw && resp.ok) return resp;
  let data = null;
  try {
    data = await resp.json();
  } catch {
    data = null;
  }
  if (!resp.ok) throw new ApiError(resp.status, (data && data.error) || resp.statusText || "request failed");
  return data;
}

/** h("div", {class: "x", onclick: fn, title: "t"}, "text", childNode, ...) - strings become text nodes. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function setProps(el, props) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "text") el.textContent = displayText(v);
    else if (k === "value") el.value = v;
    else if (k === "checked" || k === "disabled" || k === "selected") el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(displayText(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

export function statusBadge(status) {
  const st = status || "unknown";
  return h("span", { class: "badge st-" + st, text: STATUS_LABELS[st] || st });
}

export function levelBadge(level, extra = "") {
  if (level === null || level === undefined) return h("span", { class: "badge lv-none", text: "no level" });
  return h("span", { class: "badge lv-" + level, text: "L" + level + " " + (LEVEL_NAMES[level] || "") + extra });
}

/** A message line for errors and confirmations; role=alert so screen readers announce it. */
export function notice(container, message, kind = "error") {
  clear(container);
  if (!message) return;
  container.append(h("div", { class: "notice " + kind, role: kind === "error" ? "alert" : "status", text: message }));
}

/** Text with every verbatim quote wrapped in <mark>; used to show cited evidence in a transcript. */
export function highlight(text, quotes, markProps = () => ({})) {
  const frag = document.createDocumentFragment();
  const spans = [];
  for (const q of quotes || []) {
    if (!q) continue;
    const at = text.indexOf(q);
    if (at >= 0) spans.push([at, at + q.length, q]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [start, end, q] of spans) {
    if (start < pos) continue;
    frag.append(document.createTextNode(displayText(text.slice(pos, start))));
    frag.append(h("mark", markProps(q), text.slice(start, end)));
    pos = end;
  }
  frag.append(document.createTextNode(displayText(text.slice(pos))));
  return frag;
}

/** The top bar: links fitting the role, who is signed in, sign out. Returns the /api/me answer. */
export async function startPage(active, { staffOnly = false } = {}) {
  if (!getToken()) {
    toLogin();
    throw new ApiError(401, "not signed in");
  }
  let me;
  try {
    me = await api("/api/me");
  } catch (err) {
    if (err.status === 401) {
      clearToken();
      toLogin();
    }
    throw err;
  }
  const staff = me.role === "admin" || me.role === "assessor";
  const links = [["/interview", "Interviews"]];
  if (staff) links.push(["/assessment", "Assessments"], ["/quick", "Quick self-assessment"], ["/dashboard", "Dashboard"], ["/roadmap", "Roadmap"]);
  links.push(["/lookup", "Lookup"]);
  const nav = h(
    "nav",
    { class: "topbar", "aria-label": "main" },
    h("a", { class: "brand", href: staff ? "/assessment" : "/interview" }, "AISMM ", h("span", { text: "assistant" })),
    h(
      "ul",
      {},
      links.map(([href, label]) =>
        h("li", {}, h("a", { href, class: href === active ? "active" : "", "aria-current": href === active ? "page" : null }, label)),
      ),
    ),
    h(
      "div",
      { class: "who" },
      h("span", { class: "user", text: me.name }),
      h("span", { class: "role", text: me.role }),
      h("button", { class: "link", type: "button", onclick: () => { clearToken(); location.assign("/"); } }, "Sign out"),
    ),
  );
  const toggle = h("button", { type: "button", class: "menu-toggle", "aria-expanded": "false", "aria-controls": "nav-links" }, "Menu");
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  nav.querySelector("ul").id = "nav-links";
  nav.querySelector(".brand").after(toggle);
  const skip = ensureSkipLink();
  skip.after(nav);
  if (staffOnly && !staff) {
    const main = document.querySelector("main");
    clear(main);
    main.append(h("div", { class: "notice error", role: "alert", text: "This page is for assessors. Your interviews are under Interviews." }));
    throw new ApiError(403, "not staff");
  }
  me.staff = staff;
  return me;
}

/** The "Skip to main content" link (first Tab stop) and a focusable main, on any page. */
export function ensureSkipLink() {
  const main = document.querySelector("main");
  if (main && !main.id) main.id = "main";
  if (main && !main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
  let skip = document.querySelector("a.skip-link");
  if (!skip) {
    skip = h("a", { class: "skip-link", href: "#main" }, "Skip to main content");
    document.body.prepend(skip);
  }
  if (!skip.dataset.wired) {
    skip.dataset.wired = "1";
    skip.addEventListener("click", (ev) => {
      ev.preventDefault();
      document.getElementById("main")?.focus();
    });
  }
  return skip;
}

/** On a phone a table becomes cards: each cell shows its column name (from the header) before it. */
export function labelTables(root = document) {
  for (const table of root.querySelectorAll("table")) {
    const heads = [...table.querySelectorAll("thead th, tr:first-child > th")].map((th) => th.textContent.trim());
    if (!heads.length) continue;
    for (const tr of table.querySelectorAll("tbody tr, tr")) {
      [...tr.children].forEach((cell, i) => {
        if (cell.tagName === "TD" && !cell.dataset.label && heads[i]) cell.dataset.label = heads[i];
      });
    }
  }
}

if (typeof document !== "undefined" && typeof MutationObserver !== "undefined") {
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      labelTables();
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", () => ensureSkipLink());
}

export function formatDate(value) {
  if (!value) return "";
  const d = new Date(value);
  return isNaN(d) ? String(value) : d.toLocaleString();
}

/** Download an authenticated file (exports) through a blob URL. */
export async function download(path, fallbackName) {
  const resp = await api(path, { raw: true });
  const cd = resp.headers.get("content-disposition") || "";
  const m = /filename="?([^";]+)"?/.exec(cd);
  const blob = await resp.blob();
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: m ? m[1] : fallbackName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

// The "which assessment?" list a page shows when opened without ?id=: each entry opens `page` on it.
export async function pickAssessment(page) {
  document.getElementById("pick-view").hidden = false;
  const data = await api("/api/assessments");
  const box = document.getElementById("pick-list");
  if (!data.assessments.length) box.append(h("p", { class: "empty" }, "No assessments yet. ", h("a", { href: "/assessment", text: "Create one" }), "."));
  for (const a of data.assessments.slice().reverse()) {
    box.append(h("div", { class: "result spread" }, h("a", { href: `${page}?id=` + encodeURIComponent(a.id), text: a.organization }), h("span", { class: "small muted", text: `${a.status} · ${formatDate(a.updated_at)}` })));
  }
}
