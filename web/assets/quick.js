import { api, clear, h, notice, param, pickAssessment, startPage } from "./app.js";

// The quick self-assessment: one card per category, its L1-L5 descriptors side by side.
const $ = (id) => document.getElementById(id);
const aid = param("id");
const BUDGET_MIN = 30;
const started = Date.now();
let form = null;

function progress() {
  const done = form.categories.filter((c) => c.indicative_level).length;
  $("progress").textContent = `${done} of ${form.categories.length} categories self-assessed`;
  $("progress-bar").style.width = `${Math.round((100 * done) / Math.max(1, form.categories.length))}%`;
  $("finish").hidden = done < form.categories.length;
}

function tick() {
  const min = Math.floor((Date.now() - started) / 60000);
  const per = (BUDGET_MIN / Math.max(1, form.categories.length)).toFixed(1);
  $("clock").textContent = `${min} min on this page · about ${per} min a category for a ${BUDGET_MIN}-minute exercise`;
}

function card(c) {
  const msg = h("div", { class: "small" });
  const reason = h("input", { type: "text", maxlength: "300", value: c.reason || "", placeholder: "One-line reason (optional), e.g. policy published, no council yet", "aria-label": `Reason for ${c.category}` });
  const radios = c.descriptors.map((d) =>
    h("label", { class: "desc", "data-level": String(d.level) },
      h("input", { type: "radio", name: "lv-" + c.category, value: String(d.level), checked: c.indicative_level === d.level }),
      h("strong", { text: `L${d.level} ${d.name}` }),
      h("span", { text: d.text })));
  const save = h("button", { type: "button", class: "small", "data-action": "save" }, "Save");
  const section = h("section", { class: "panel quick-cat" + (c.indicative_level ? " answered" : ""), "data-category": c.category },
    h("div", { class: "spread" }, h("h2", {}, h("span", { class: "mono", text: c.category }), " ", c.name), h("span", { class: "small muted", text: `${c.domain} · owner: ${c.owner_role || "—"}` })),
    h("details", { class: "small muted" }, h("summary", { text: "What this category covers" }), h("p", { text: c.scope })),
    h("div", { class: "descs", role: "radiogroup", "aria-label": `Level that fits ${c.name}` }, radios),
    h("div", { class: "quick-row" }, reason, save),
    msg);
  save.addEventListener("click", async () => {
    const picked = section.querySelector("input[type=radio]:checked");
    if (!picked) return notice(msg, "Pick the description that fits first.");
    save.disabled = true;
    try {
      form = await api(`/api/assessments/${encodeURIComponent(aid)}/quick`, { method: "POST", body: { levels: { [c.category]: { level: Number(picked.value), reason: reason.value.trim() || null } } } });
      const now = form.categories.find((x) => x.category === c.category);
      section.classList.add("answered");
      notice(msg, `Saved: indicative L${now.indicative_level}${now.reason ? " — " + now.reason : ""}`, "ok");
      progress();
      const next = section.nextElementSibling;
      if (next && !next.classList.contains("answered")) next.scrollIntoView({ behavior: "smooth", block: "start" });
    } catch (err) {
      notice(msg, err.message);
    } finally {
      save.disabled = false;
    }
  });
  return section;
}

async function main() {
  await startPage("/quick", { staffOnly: true });
  try {
    if (!aid) return await pickAssessment("/quick");
    form = await api(`/api/assessments/${encodeURIComponent(aid)}/quick`);
    $("quick-view").hidden = false;
    $("title").textContent = `Quick self-assessment: ${form.organization}${form.unit ? " · " + form.unit : ""}`;
    $("subtitle").textContent = "Twelve categories, five level descriptions each. Save each category as you go.";
    for (const id of ["dash-link", "finish-dash"]) $(id).href = "/dashboard?id=" + encodeURIComponent(aid);
    $("finish-roadmap").href = "/roadmap?id=" + encodeURIComponent(aid);
    clear($("cats")).append(...form.categories.map(card));
    progress();
    tick();
    setInterval(tick, 15000);
  } catch (err) {
    notice($("page-msg"), err.message);
  }
}

main().catch((err) => console.error(err));
