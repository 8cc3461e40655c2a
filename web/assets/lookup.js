import { api, clear, h, notice, param, startPage } from "./app.js";
import { controlDetail } from "./control.js";

const $ = (id) => document.getElementById(id);

async function openControl(id) {
  notice($("id-msg"), "");
  try {
    const data = await api("/api/controls/" + encodeURIComponent(id));
    clear($("detail")).append(h("div", {}, controlDetail(data.control), prerequisiteList(data.prerequisites || []),
      provenanceLine(data.corpus)));
    $("cid").value = data.control.id;
    history.replaceState(null, "", "/lookup?id=" + encodeURIComponent(data.control.id));
  } catch (err) {
    notice($("id-msg"), err.message);
  }
}

function prerequisiteList(items) {
  // Cross-category prerequisites of this objective's category level (corpus/dependencies.yaml).
  if (!items.length) return null;
  return h("div", { class: "small" }, h("strong", { text: "Prerequisites" }),
    h("ul", {}, items.map((p) => h("li", { text: `${p.category} L${p.level} assumes ${p.requires.map((r) => `${r.category} L${r.level}`).join(", ")} - ${p.why}` }))));
}

function provenanceLine(corpus) {
  if (!corpus) return null;
  const kind = corpus.official ? "official CSA text (imported)" : "representative text, not the official CSA wording";
  return h("p", { class: "muted small", text: `corpus: ${corpus.name} v${corpus.version} [${corpus.hash}] - ${kind}` });
}

function controlLink(id, label) {
  return h("button", { class: "link mono", type: "button", onclick: () => openControl(id), text: label || id });
}

async function runSearch(ev) {
  ev.preventDefault();
  const q = $("q").value.trim();
  if (!q) return;
  const params = new URLSearchParams({ q, k: "8" });
  for (const key of ["category", "level", "deployment"]) if ($(key).value) params.set(key, $(key).value);
  const results = clear($("results"));
  const button = $("search-form").querySelector("button[type=submit], button:not([type])");
  const started = Date.now();
  // the first search after a server start loads the search model and index (up to a minute, once):
  // say so, with the seconds ticking, instead of a bare "Searching…"
  const progress = () => {
    const secs = Math.round((Date.now() - started) / 1000);
    notice($("search-msg"), secs < 2 ? "Searching…"
      : `Searching… ${secs} s. The first search after the server starts prepares the search index; ` +
        "this happens once and can take up to a minute. Lookups by ID and the other pages keep working meanwhile.", "info");
  };
  progress();
  const timer = setInterval(progress, 1000);
  results.setAttribute("aria-busy", "true");
  if (button) button.disabled = true;
  try {
    const data = await api("/api/search?" + params.toString());
    notice($("search-msg"), data.results.length ? `${data.results.length} result${data.results.length === 1 ? "" : "s"}.` : "", "info");
    if (!data.results.length) {
      results.append(h("p", { class: "empty", text: "No objective matches; try other words or fewer filters." }));
      return;
    }
    for (const r of data.results) {
      results.append(
        h(
          "div",
          { class: "result" },
          h("div", { class: "spread" }, h("div", {}, controlLink(r.control_id), " ", h("span", { class: "control-name", text: r.name })),
            h("span", { class: "muted small", text: `${r.category} · L${r.level} · score ${Number(r.score).toFixed(3)}` })),
        ),
      );
    }
  } catch (err) {
    notice($("search-msg"), err.message);
  } finally {
    clearInterval(timer);
    results.setAttribute("aria-busy", "false");
    if (button) button.disabled = false;
  }
}

async function main() {
  await startPage("/lookup");
  $("search-form").addEventListener("submit", runSearch);
  $("id-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    openControl($("cid").value.trim());
  });
  const list = await api("/api/controls");
  for (const c of list.categories) $("category").append(h("option", { value: c.id, text: `${c.id} · ${c.name}` }));
  const browse = $("browse");
  for (const cat of list.categories) {
    const items = list.controls.filter((x) => x.category === cat.id);
    browse.append(
      h("details", {}, h("summary", { text: `${cat.id} · ${cat.name} (${items.length})` }),
        h("ul", { class: "plain" }, items.map((x) => h("li", {}, controlLink(x.id), ` L${x.level} · ${x.name}`))),
        prerequisiteList(cat.prerequisites || [])),
    );
  }
  if (list.corpus) browse.append(provenanceLine(list.corpus));
  if (param("id")) openControl(param("id"));
}

main().catch((err) => console.error(err));
