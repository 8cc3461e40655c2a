import { api, clear, download, formatDate, h, levelBadge, notice, param, startPage, pickAssessment } from "./app.js";

// Targets (level, date, owner), risk weights and the ordered roadmap with owners and due dates.
const $ = (id) => document.getElementById(id);
const aid = param("id");
const base = () => `/api/assessments/${encodeURIComponent(aid)}`;
let cats = {};

async function post(path, body, msg) {
  try {
    render(await api(base() + path, { method: "POST", body }));
    return true;
  } catch (err) {
    notice(msg, err.message);
    return false;
  }
}

function targetsTable(view) {
  const table = h("table", { class: "plan-table" }, h("thead", {}, h("tr", {}, ["Category", "Now", "Target", "By", "Owner", ""].map((x) => h("th", { text: x })))));
  const body = h("tbody");
  for (const c of Object.values(cats)) {
    const t = view.targets.find((x) => x.category === c.category) || {};
    const lvl = h("select", { "aria-label": `Target level for ${c.category}` }, h("option", { value: "", text: "—" }), [2, 3, 4, 5].map((lv) => h("option", { value: String(lv), text: "L" + lv, selected: t.target_level === lv })));
    const date = h("input", { type: "date", value: t.target_date || "", "aria-label": `Target date for ${c.category}` });
    const owner = h("input", { type: "text", maxlength: "200", value: t.owner || "", placeholder: "accountable person", "aria-label": `Target owner for ${c.category}` });
    const msg = h("div", { class: "small" });
    const save = h("button", { type: "button", class: "small secondary", "data-action": "target" }, "Save");
    save.addEventListener("click", () => {
      if (!lvl.value) return notice(msg, "Pick a target level.");
      post(`/categories/${c.category}/smart-target`, { level: Number(lvl.value), by_date: date.value || null, owner: owner.value.trim() || "" }, msg);
    });
    body.append(h("tr", { "data-category": c.category }, h("td", {}, h("strong", { text: c.category }), " ", c.name), h("td", {}, levelBadge(c.level)), h("td", {}, lvl), h("td", {}, date), h("td", {}, owner), h("td", {}, save, msg)));
  }
  table.append(body);
  return table;
}

function riskTable(view) {
  const box = h("div", { class: "row" });
  for (const [cid, r] of Object.entries(view.risk)) {
    const sel = h("select", { "aria-label": `Risk weight for ${cid}`, "data-category": cid }, [1, 2, 3, 4, 5].map((w) => h("option", { value: String(w), text: `${w}${w === r.default ? " (default)" : ""}`, selected: r.weight === w })));
    sel.addEventListener("change", () => post("/risk", { weights: { [cid]: Number(sel.value) === r.default ? null : Number(sel.value) } }, $("risk-msg")));
    box.append(h("label", { class: "inline small", title: r.because.join(", ") || "base weight" }, h("strong", { text: cid + " " }), sel));
  }
  return box;
}

function usageBoxes(view) {
  return Object.entries(view.ai_usage_options).map(([key, label]) => {
    const box = h("input", { type: "checkbox", value: key, checked: view.ai_usage.includes(key) });
    box.addEventListener("change", () => {
      const picked = [...document.querySelectorAll("#usage input:checked")].map((x) => x.value);
      post("/risk", { ai_usage: picked }, $("risk-msg"));
    });
    return h("label", { class: "inline small", title: label }, box, " " + key);
  });
}

function stepsTable(view) {
  if (!view.steps.length) return h("p", { class: "empty", text: "No steps: every category is at its target." });
  const table = h("table", { class: "plan-table", id: "steps-table" }, h("thead", {}, h("tr", {}, ["#", "Step", "Risk", "Depends on", "Owner", "Due", ""].map((x) => h("th", { text: x })))));
  const body = h("tbody");
  for (const s of view.steps) {
    const owner = h("input", { type: "text", maxlength: "200", value: s.owner || "", "aria-label": `Owner of ${s.key}` });
    const due = h("input", { type: "date", value: s.due || "", "aria-label": `Due date of ${s.key}` });
    const msg = h("div", { class: "small" });
    const save = h("button", { type: "button", class: "small secondary", "data-action": "step" }, "Save");
    save.addEventListener("click", () => post(`/roadmap/steps/${s.key}`, { owner: owner.value.trim(), due: due.value || "" }, msg));
    body.append(h("tr", { "data-step": s.key },
      h("td", { text: String(s.priority) }),
      h("td", {}, h("strong", { text: `${s.category} L${s.from_level} → L${s.to_level}` }), " ", s.name,
        h("div", { class: "deps", text: [...s.why, ...s.assumes].join("; ") }),
        h("div", { class: "small muted", text: s.objectives.map((o) => o.control_id).join(", ") }),
        s.warnings.length ? h("div", { class: "small warn-list", text: "⚠ " + s.warnings.join("; ") }) : null),
      h("td", { text: String(s.risk_weight) }),
      h("td", { class: "small mono", text: s.depends_on.join(", ") || "—" }),
      h("td", {}, owner, h("div", { class: "deps", text: s.owner_source === "step" ? "" : `from ${s.owner_source}` })),
      h("td", {}, due),
      h("td", {}, save, msg)));
  }
  table.append(body);
  return table;
}

function render(view) {
  $("title").textContent = `Targets and roadmap: ${view.organization}${view.unit ? " · " + view.unit : ""}`;
  clear($("warnings")).append(...view.warnings.map((w) => h("li", { "data-code": w.code, text: w.message })));
  clear($("targets")).append(targetsTable(view));
  clear($("usage")).append(h("span", { class: "small", text: "AI usage:" }), ...usageBoxes(view));
  clear($("risk")).append(riskTable(view));
  clear($("steps")).append(stepsTable(view));
}

async function load() {
  const show = await api(base());
  cats = show.categories;
  $("subtitle").textContent = `${show.status} · ${show.scope.deployment_types.join(", ") || "all deployment types"} · updated ${formatDate(show.updated_at)}`;
  render(await api(base() + "/roadmap"));
}

async function main() {
  await startPage("/roadmap", { staffOnly: true });
  try {
    if (!aid) return await pickAssessment("/roadmap");
    $("roadmap-view").hidden = false;
    $("dash-link").href = "/dashboard?id=" + encodeURIComponent(aid);
    for (const [fmt, label] of [["csv", "CSV"], ["xlsx", "Excel"], ["jira", "Jira import (csv)"], ["servicenow", "ServiceNow import (csv)"]]) {
      $("exports").append(h("button", { type: "button", class: "secondary", "data-format": fmt, onclick: async () => {
        try {
          await download(`${base()}/roadmap/export?format=${fmt}`, `${aid}-roadmap.${fmt === "xlsx" ? "xlsx" : "csv"}`);
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
