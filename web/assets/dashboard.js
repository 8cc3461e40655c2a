import { api, clear, displayText, download, formatDate, h, levelBadge, LEVEL_NAMES, notice, param, s, startPage, pickAssessment } from "./app.js";

import { indicativeView, unitsView } from "./process-views.js";

const $ = (id) => document.getElementById(id);
const aid = param("id");
const DOMAIN_ORDER = ["Foundational", "Structural", "Procedural"];

const stateText = (c) => (c.excluded ? "excluded" : c.state === "in_progress" ? "in progress" : "not assessed");

/** Radar chart as inline SVG: one axis per assessed category, rings for L1..L5. */
function radar(all) {
  const cats = all.filter((c) => c.level !== null && c.level !== undefined);
  if (cats.length < 3) return h("p", { class: "empty", text: `The radar needs three assessed categories; ${cats.length} of ${all.length} assessed so far.` });
  const size = 460, cx = size / 2, cy = size / 2 + 4, R = 160;
  const n = cats.length;
  const angle = (i) => -Math.PI / 2 + (2 * Math.PI * i) / n;
  const pt = (i, lv) => [cx + (R * lv / 5) * Math.cos(angle(i)), cy + (R * lv / 5) * Math.sin(angle(i))];
  const svg = s("svg", { class: "radar", viewBox: `0 0 ${size} ${size}`, role: "img", "aria-label": "Radar of current and target maturity per category" });
  svg.append(s("title", {}, "Current and target maturity per category"));
  for (let lv = 1; lv <= 5; lv++) {
    svg.append(s("polygon", { class: "ring", points: cats.map((_, i) => pt(i, lv).join(",")).join(" ") }));
    svg.append(s("text", { class: "ringlabel", x: cx + 3, y: cy - (R * lv) / 5 - 2 }, "L" + lv));
  }
  cats.forEach((c, i) => {
    const [x, y] = pt(i, 5);
    svg.append(s("line", { class: "axis", x1: cx, y1: cy, x2: x, y2: y }));
    const [lx, ly] = pt(i, 5.75);
    const anchor = Math.abs(lx - cx) < 8 ? "middle" : lx > cx ? "start" : "end";
    svg.append(s("text", { x: lx, y: ly + 4, "text-anchor": anchor }, `${c.category} L${c.level}`));
  });
  const withTarget = cats.filter((c) => c.target_level);
  if (withTarget.length) {
    svg.append(s("polygon", { class: "target", "data-series": "target", points: cats.map((c, i) => pt(i, c.target_level || c.level).join(",")).join(" ") }));
  }
  svg.append(s("polygon", { class: "current", "data-series": "current", points: cats.map((c, i) => pt(i, c.level).join(",")).join(" ") }));
  cats.forEach((c, i) => {
    const [x, y] = pt(i, c.level);
    svg.append(s("circle", { cx: x, cy: y, r: 3.5, fill: "#1f5fbf" }, s("title", {}, `${c.category} ${c.name}: L${c.level}${c.target_level ? ", target L" + c.target_level : ""}`)));
  });
  return svg;
}

function heatmap(cats) {
  const grid = h("div", { class: "heat", role: "group", "aria-label": "Maturity heat map by domain" });
  for (const d of DOMAIN_ORDER) {
    const row = cats.filter((c) => c.domain === d);
    if (!row.length) continue;
    grid.append(h("div", { class: "dname", text: d }));
    for (const c of row) {
      const has = c.level !== null && c.level !== undefined;
      const label = has ? `L${c.level}` : stateText(c);
      grid.append(h("div", { class: "cell " + (has ? "lv-" + c.level : "lv-none"), "data-category": c.category, "data-state": c.excluded ? "excluded" : c.state, title: has ? `${c.name}: L${c.level} ${LEVEL_NAMES[c.level]}` : `${c.name}: ${c.excluded ? "excluded (" + (c.exclusion_reason || "") + ")" : stateText(c)}` },
        h("span", { class: "cid", text: c.category }),
        h("span", { class: "cname", text: c.name }),
        h("span", { class: "clv", text: `${label}${c.target_level ? " → L" + c.target_level : ""}` })));
    }
    for (let k = row.length; k < 4; k++) grid.append(h("div"));
  }
  return grid;
}

function gapsTable(view, cats) {
  const table = h("table", {}, h("thead", {}, h("tr", {}, ["Category", "Current", "Target", "Progress to next level", "Blocking objectives", "Set target"].map((x) => h("th", { text: x })))));
  const body = h("tbody");
  for (const c of cats) {
    const sel = h("select", { "aria-label": `Target for ${c.category}` }, h("option", { value: "", text: "—" }), [2, 3, 4, 5].map((lv) => h("option", { value: String(lv), text: "L" + lv, selected: c.target_level === lv })));
    const msg = h("div");
    const set = h("button", { type: "button", class: "small secondary" }, "Set");
    set.addEventListener("click", async () => {
      if (!sel.value) return notice(msg, "Pick a target level.");
      try {
        await api(`/api/assessments/${encodeURIComponent(aid)}/categories/${c.category}/target`, { method: "POST", body: { level: Number(sel.value) } });
        await load();
      } catch (err) {
        notice(msg, err.message);
      }
    });
    const pct = c.next_level_progress == null ? null : Math.round(c.next_level_progress * 100);
    const bar = h("div", { class: "bar", title: pct == null ? "at the top level" : `${pct}% toward L${c.next_level}` }, h("span"));
    bar.firstChild.style.width = (pct ?? 100) + "%";
    body.append(h("tr", { "data-category": c.category },
      h("td", {}, h("strong", { text: c.category }), " ", c.name),
      h("td", {}, c.level == null ? h("span", { class: "badge lv-none", "data-state": c.excluded ? "excluded" : c.state, text: c.excluded ? "excluded" : c.state.replace("_", " ") }) : levelBadge(c.level), c.pending_proposals ? h("div", { class: "small muted", text: `${c.pending_proposals} proposals unreviewed` }) : null),
      h("td", {}, c.target_level ? levelBadge(c.target_level) : h("span", { class: "muted", text: "none" }), c.gap ? h("div", { class: "small", text: `gap ${c.gap}` }) : null),
      h("td", {}, bar, h("div", { class: "small muted", text: pct == null ? "L5 reached" : `${pct}% of L${c.next_level}` })),
      h("td", { class: "small mono", text: c.blocking.join(", ") || "—" }),
      h("td", {}, h("div", { class: "review-actions nowrap-row" }, sel, set), msg)));
  }
  table.append(body);
  return table;
}

function roadmapList(steps) {
  if (!steps.length) return h("p", { class: "empty", text: "No steps: every category is at its target." });
  return h("ol", {}, steps.map((st) => h("li", { class: "result" },
    h("strong", { text: st.state && st.state !== "assessed" ? `${st.category} ${st.name}: ${st.state.replace("_", " ")} → L${st.to_level}` : `${st.category} ${st.name}: L${st.from_level} → L${st.to_level}` }),
    st.target_date ? h("span", { class: "small muted", text: ` by ${st.target_date}` }) : null,
    st.owner ? h("div", { class: "small muted", text: `owner ${st.owner}${st.due ? " · due " + st.due : ""}${st.depends_on && st.depends_on.length ? " · after " + st.depends_on.join(", ") : ""}` }) : null,
    st.objectives.length
      ? h("ul", { class: "small" }, st.objectives.map((o) => h("li", {}, h("span", { class: "mono", text: o.control_id }), ` ${o.name} `, h("span", { class: "muted", text: `(${o.status.replace("_", " ")})` }))))
      : h("div", { class: "small muted", text: "nothing applicable missing" }))));
}

/** Expired evidence files, flagged for revalidation (issue 17): what expired, on which objective, since when. */
function revalidationBox(expired) {
  let box = $("revalidate");
  if (!box) {
    box = h("div", { id: "revalidate" });
    $("kpis").after(box);
  }
  clear(box);
  if (!expired.length) return;
  box.append(h("div", { class: "notice error", role: "status" },
    h("strong", { text: `${expired.length} evidence file${expired.length === 1 ? "" : "s"} expired: revalidate` }),
    h("ul", { class: "small" }, expired.map((e) => h("li", { "data-control": e.control_id },
      h("span", { class: "mono", text: e.control_id }), ` ${e.name} · expired ${e.expires} · added by ${e.added_by}`)))));
}

async function load() {
  const view = await api("/api/assessments/" + encodeURIComponent(aid));
  const cats = Object.values(view.categories);
  $("title").textContent = displayText(view.organization);
  $("subtitle").textContent = `${view.status} · ${view.scope.deployment_types.join(", ") || "all deployment types"} · updated ${formatDate(view.updated_at)}`;
  $("review-link").href = "/assessment?id=" + encodeURIComponent(aid);
  $("roadmap-link").href = "/roadmap?id=" + encodeURIComponent(aid);
  const pending = cats.reduce((n, c) => n + c.pending_proposals, 0);
  const withTargets = cats.filter((c) => c.target_level && c.level != null);
  const atTarget = withTargets.filter((c) => c.level != null && c.level >= c.target_level).length;
  const ov = view.overall;
  clear($("kpis")).append(
    h("div", { class: "kpi" }, h("div", { class: "v", id: "kpi-mean", text: ov.mean_level == null ? "—" : ov.mean_level.toFixed(2) }), h("div", { class: "l", text: "mean level (assessed categories)" })),
    h("div", { class: "kpi" }, h("div", { class: "v", id: "kpi-assessed", text: `${ov.assessed} of ${ov.categories}` }), h("div", { class: "l", text: "categories assessed" + (ov.excluded ? ` (${ov.excluded} excluded)` : "") })),
    h("div", { class: "kpi" }, h("div", { class: "v", text: `${atTarget}/${withTargets.length}` }), h("div", { class: "l", text: "categories at target" })),
    h("div", { class: "kpi" }, h("div", { class: "v", text: String(pending) }), h("div", { class: "l", text: "proposals awaiting review" })),
    h("div", { class: "kpi" }, h("div", { class: "v", text: String(view.roadmap.length) }), h("div", { class: "l", text: "roadmap steps" })),
  );
  revalidationBox((await api(`/api/assessments/${encodeURIComponent(aid)}/evidence`)).expired);
  clear($("radar")).append(radar(cats));
  clear($("heat")).append(heatmap(cats));
  clear($("scale")).append(...[1, 2, 3, 4, 5].map((lv) => h("span", { class: "lv-" + lv, text: `L${lv} ${LEVEL_NAMES[lv]}` })));
  clear($("gaps")).append(gapsTable(view, cats));
  clear($("roadmap")).append(roadmapList(view.roadmap));
  clear($("indicative")).append(indicativeView(view));
  const units = await api(`/api/assessments/${encodeURIComponent(aid)}/units`);
  $("units-panel").hidden = !units.units.length;
  clear($("units")).append(unitsView(units));
}

async function main() {
  await startPage("/dashboard", { staffOnly: true });
  try {
    if (!aid) return await pickAssessment("/dashboard");
    $("dash-view").hidden = false;
    const formats = [["xlsx", "Workbook (xlsx)"], ["html", "Board report (html)"], ["pdf", "Board report (PDF)"], ["docx", "Board report (docx)"], ["md", "Markdown"], ["csv", "CSV"], ["json", "JSON"], ["oscal", "OSCAL results"], ["oscal-zip", "OSCAL bundle (zip)"]];
    const ext = { "oscal-zip": "oscal.zip", oscal: "oscal.json" };
    for (const [fmt, label] of formats) {
      $("exports").append(h("button", { type: "button", class: "secondary", "data-format": fmt, onclick: async () => {
        try {
          await download(`/api/assessments/${encodeURIComponent(aid)}/export?format=${fmt}`, `${aid}.${ext[fmt] || fmt}`);
          notice($("export-msg"), "");
        } catch (err) {
          notice($("export-msg"), err.message);
        }
      } }, label));
    }
    await load();
  } catch (err) {
    notice($("page-msg"), err.message);
  }
}

main().catch((err) => console.error(err));
