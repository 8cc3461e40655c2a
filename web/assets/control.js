// Rendering one control objective (lookup page, KPI guidance in interviews, review page).
import { h, LEVEL_NAMES } from "./app.js";

export function controlDetail(c) {
  const chips = (items) => (items.length ? items.map((x) => h("span", { class: "chip", text: x })) : h("span", { class: "muted", text: "—" }));
  return h(
    "article",
    { class: "control-detail", "data-control": c.id },
    h("h2", {}, h("span", { class: "mono", text: c.id }), " — ", c.name),
    h(
      "p",
      { class: "muted small" },
      `${c.category} · ${c.domain} · L${c.level} ${LEVEL_NAMES[c.level] || ""} · ${c.deployment_types.join(", ")} · ${c.assessment_mode}`,
    ),
    h(
      "dl",
      {},
      h("dt", { text: "Objective" }),
      h("dd", { class: "objective", text: c.objective }),
      c.rationale ? [h("dt", { text: "Why it indicates the level" }), h("dd", { text: c.rationale })] : null,
      c.description ? [h("dt", { text: "Description" }), h("dd", { text: c.description })] : null,
      h("dt", { text: "Evidence an assessor looks at" }),
      h("dd", {}, c.evidence.length ? h("ul", {}, c.evidence.map((e) => h("li", { text: e }))) : h("span", { class: "muted", text: "—" })),
      h("dt", { text: "AICM mapping" }),
      h("dd", {}, chips(c.aicm)),
      h("dt", { text: "External references" }),
      h("dd", {}, chips(c.references)),
    ),
  );
}

export function guidanceBox(c) {
  return h(
    "div",
    { class: "guidance", "data-control": c.id },
    h("div", {}, h("strong", { class: "mono", text: c.id }), " ", h("strong", { text: c.name })),
    h("p", { class: "small", text: c.objective }),
    c.evidence.length ? [h("div", { class: "small muted", text: "Evidence that helps:" }), h("ul", { class: "small" }, c.evidence.map((e) => h("li", { text: e })))] : null,
  );
}
