// Evidence requests drafted by the server: what to send, to whom, by when, why.
import { h } from "./app.js";

export function renderEvidence(box, data) {
  const reqs = data.requests || [];
  if (!reqs.length) {
    box.append(h("p", { class: "empty", text: "Nothing to request: every applicable objective is met or not applicable." }));
    return;
  }
  const byOwner = {};
  for (const r of reqs) (byOwner[r.owner] = byOwner[r.owner] || []).push(r);
  const groups = Object.entries(byOwner);
  box.append(h("p", { class: "small", text: `${reqs.length} request${reqs.length === 1 ? "" : "s"} to ${groups.length} owner${groups.length === 1 ? "" : "s"}.` }));
  groups.forEach(([owner, items], gi) => {
    const group = h("details", { class: "owner-group", open: gi === 0 }, h("summary", {}, `To: ${owner} `, h("span", { class: "small muted", text: `(${items.length} request${items.length === 1 ? "" : "s"})` })));
    const table = h("table", { class: "evidence-table" }, h("thead", {}, h("tr", {}, ["Objective", "Please send", "Due", "Why"].map((x) => h("th", { text: x })))));
    const body = h("tbody");
    for (const r of items) {
      body.append(h("tr", { "data-control": r.control_id },
        h("td", {}, h("div", { class: "mono", text: r.control_id }), h("div", { class: "small", text: r.name }), h("div", { class: "small muted", text: r.status })),
        h("td", {}, h("ul", { class: "small" }, r.items.map((x) => h("li", { text: x })))),
        h("td", { class: "small nowrap", text: r.due }),
        h("td", { class: "small", text: r.why })));
    }
    table.append(body);
    group.append(table);
    box.append(group);
  });
  if (data.text) {
    const btn = h("button", { type: "button", class: "secondary small" }, "Copy as text");
    btn.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(data.text);
        btn.textContent = "Copied";
      } catch {
        btn.textContent = "Copy failed — select the text below";
      }
    });
    box.append(h("div", { class: "row" }, btn), h("details", {}, h("summary", { text: "Plain-text version" }), h("pre", { class: "small", text: data.text })));
  }
}
