import { h, levelBadge } from "./app.js";

// Dashboard panels for the recommended process: self-assessed vs KPI level, business units.

/** One row per category: indicative (quick self-assessment) vs KPI-based level; disagreements first. */
export function indicativeView(view) {
  const cats = Object.values(view.categories);
  const answered = cats.filter((c) => c.indicative_level != null);
  if (!answered.length) {
    return h("p", { class: "empty" }, "No quick self-assessment yet. ",
      h("a", { href: "/quick?id=" + encodeURIComponent(view.id), text: "Take the 30-minute self-assessment" }), ".");
  }
  const diff = (c) => (c.level == null ? 9 : Math.abs(c.indicative_level - c.level));
  const rows = cats.slice().sort((a, b) => {
    const da = a.indicative_level == null ? -1 : diff(a);
    const db = b.indicative_level == null ? -1 : diff(b);
    return db - da;
  });
  const disagree = answered.filter((c) => c.level == null || c.indicative_level !== c.level);
  const table = h("table", { class: "cmp-table" },
    h("thead", {}, h("tr", {}, ["Category", "Self-assessed", "KPI level", "Reading"].map((x) => h("th", { text: x })))));
  const body = h("tbody");
  for (const c of rows) {
    const off = c.indicative_level != null && (c.level == null || c.indicative_level !== c.level);
    let reading = "—";
    if (c.indicative_level == null) reading = "not self-assessed";
    else if (c.level == null) reading = "no KPI assessment yet: assess first";
    else if (c.indicative_level > c.level) reading = `self-assessed ${c.indicative_level - c.level} above the KPIs: assess first`;
    else if (c.indicative_level < c.level) reading = `KPIs show ${c.level - c.indicative_level} more than self-assessed`;
    else reading = "agree";
    body.append(h("tr", { class: off ? "disagree" : "", "data-category": c.category },
      h("td", {}, h("strong", { text: c.category }), " ", c.name, c.indicative_reason ? h("div", { class: "small muted", text: c.indicative_reason }) : null),
      h("td", {}, c.indicative_level != null ? levelBadge(c.indicative_level) : h("span", { class: "muted", text: "—" })),
      h("td", {}, levelBadge(c.level)),
      h("td", { class: "small", text: reading })));
  }
  table.append(body);
  return h("div", {},
    h("p", { class: "small", id: "disagree-summary", text: `${answered.length} of ${cats.length} categories self-assessed; ${disagree.length} disagree with the KPI level.` }),
    table);
}

/** Units side by side (one column each) and the roll-up per category: lowest, median, spread. */
export function unitsView(data) {
  if (!data.units.length) return h("p", { class: "empty", text: "No business units." });
  const fmt = (v) => (v == null ? "—" : "L" + v);
  const head = ["Category", ...data.units.map((u) => u.unit), "Lowest", "Median", "Spread"];
  const table = h("table", { class: "cmp-table", id: "units-table" }, h("thead", {}, h("tr", {}, head.map((x) => h("th", { text: x })))));
  const body = h("tbody");
  for (const cid of data.categories) {
    const r = data.rollup[cid];
    body.append(h("tr", { "data-category": cid, class: r.spread >= 2 ? "disagree" : "" },
      h("td", {}, h("strong", { text: cid }), " ", r.name),
      data.units.map((u) => h("td", { class: r.lowest_units.includes(u.unit) && r.spread ? "small" : "" }, u.levels[cid] == null ? "—" : levelBadge(u.levels[cid]))),
      h("td", { text: fmt(r.lowest) }), h("td", { text: fmt(r.median) }), h("td", { text: r.spread == null ? "—" : String(r.spread) })));
  }
  table.append(body);
  return h("div", {},
    h("p", { class: "small muted", text: "Each unit has its own deployment scope and results. The roll-up keeps the lowest unit visible instead of averaging it away; a spread of 2 or more is highlighted." }),
    h("ul", { class: "small" }, data.units.map((u) => h("li", {}, h("a", { href: "/dashboard?id=" + encodeURIComponent(u.id), text: u.unit }), ` — ${u.deployment_types.join(", ") || "all deployment types"}, mean L${u.mean_level ?? "—"}`))),
    table);
}
