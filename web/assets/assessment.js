import { api, clear, displayText, formatDate, h, levelBadge, LEVEL_NAMES, notice, param, startPage, STATUS_LABELS, statusBadge, highlight } from "./app.js";
import { renderEvidence } from "./evidence.js";

const $ = (id) => document.getElementById(id);
const aid = param("id");
let view = null;
let interviews = [];
let transcripts = {}; // interview id -> turns
let files = []; // evidence files attached to the assessment's objectives

async function showList() {
  $("list-view").hidden = false;
  const box = clear($("assessment-list"));
  const data = await api("/api/assessments");
  if (!data.assessments.length) box.append(h("p", { class: "empty", text: "None yet — create the first one." }));
  else {
    const table = h("table", {}, h("thead", {}, h("tr", {}, ["Organization", "Scope", "Status", "Updated", "Actions"].map((x) => h("th", { text: x })))));
    const body = h("tbody");
    for (const a of data.assessments.slice().reverse()) {
      body.append(h("tr", {},
        h("td", { text: a.organization }),
        h("td", { text: a.deployment_types.join(", ") || "All" }),
        h("td", { text: a.status }),
        h("td", { class: "small", text: formatDate(a.updated_at) }),
        h("td", {}, h("div", { class: "row" },
          h("a", { class: "button small", href: "/assessment?id=" + encodeURIComponent(a.id), text: "Review" }),
          h("a", { class: "button small secondary", href: "/dashboard?id=" + encodeURIComponent(a.id), text: "Dashboard" })))));
    }
    table.append(body);
    box.append(table);
  }
  $("create-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const deps = [...document.querySelectorAll("input[name=dep]:checked")].map((x) => x.value);
    try {
      const res = await api("/api/assessments", { method: "POST", body: { organization: $("org").value, deployment_types: deps } });
      location.assign("/assessment?id=" + encodeURIComponent(res.id));
    } catch (err) {
      notice($("create-msg"), err.message);
    }
  });
}

function flashQuote(interviewId, turn, quote) {
  const marks = document.querySelectorAll(`mark[data-turn="${turn}"]`);
  for (const m of marks) {
    if (m.dataset.quote === quote && (!interviewId || m.dataset.interview === interviewId)) {
      m.scrollIntoView({ behavior: "smooth", block: "center" });
      m.classList.add("flash");
      setTimeout(() => m.classList.remove("flash"), 1600);
      return;
    }
  }
}

function transcriptFor(cat, results) {
  const box = h("div", { class: "transcript" });
  const its = interviews.filter((i) => i.category === cat);
  if (!its.length) {
    box.append(h("p", { class: "empty", text: "No interview for this category yet." }));
    return box;
  }
  for (const it of its) {
    const turns = transcripts[it.id] || [];
    box.append(h("div", { class: "small muted", text: `Interview with ${it.respondent || "—"} · ${it.status} · ${turns.length} answers` }));
    turns.forEach((t, i) => {
      const seq = t.turn ?? t.seq ?? i;
      const quotes = [];
      const flagged = new Set();
      for (const r of results) for (const c of r.citations || []) if (c.turn === seq && (!c.interview_id || c.interview_id === it.id)) quotes.push(c.quote);
      for (const r of results) for (const f of r.flags || []) if (typeof f === "object" && f.turn === seq && (!f.interview_id || f.interview_id === it.id)) flagged.add(f.quote);
      const marks = (q) => flagged.has(q)
        ? { class: "flag", title: "Flagged as a steering attempt: never cited", "data-turn": String(seq), "data-quote": q, "data-interview": it.id }
        : { "data-turn": String(seq), "data-quote": q, "data-interview": it.id };
      box.append(h("div", { class: "turn" },
        t.question ? h("div", { class: "qtext", text: `Q${seq + 1}. ${t.question}` }) : null,
        h("div", { class: "atext" }, highlight(t.answer, [...quotes, ...flagged], marks))));
    });
  }
  return box;
}

function controlRow(r) {
  const rationale = h("input", { type: "text", maxlength: "2000", placeholder: "Rationale (required)", "aria-label": `Rationale for ${r.control_id}` });
  // no preselected status: an override is a decision, never the proposal by default
  const override = h("select", { "aria-label": `Override status for ${r.control_id}` },
    h("option", { value: "", text: "Choose a status…", selected: true }),
    Object.entries(STATUS_LABELS).map(([v, label]) => h("option", { value: v, text: label })));
  const msg = h("div");
  async function confirm(status) {
    if (!rationale.value.trim()) {
      notice(msg, "Write a rationale first — it is kept in the record's history.");
      rationale.focus();
      return;
    }
    const body = { rationale: rationale.value.trim() };
    if (status) body.status = status;
    try {
      view = await api(`/api/assessments/${encodeURIComponent(aid)}/controls/${encodeURIComponent(r.control_id)}/confirm`, { method: "POST", body });
      renderCategories();
    } catch (err) {
      notice(msg, err.message);
    }
  }
  const proposed = r.proposed_status
    ? h("div", {}, statusBadge(r.proposed_status), h("span", { class: "small muted", text: r.confidence != null ? ` ${Math.round(r.confidence * 100)}%` : "" }))
    : h("span", { class: "muted small", text: "no proposal" });
  const current = h("div", {}, statusBadge(r.status), r.confirmed_by ? h("div", { class: "small muted", text: `confirmed by ${r.confirmed_by}` }) : r.pending ? h("div", { class: "small muted", text: "awaiting review" }) : null);
  const cites = (r.citations || []).map((c) =>
    h("li", {}, h("button", { type: "button", class: "link quote-btn", title: "Show in transcript", onclick: () => flashQuote(c.interview_id, c.turn, c.quote) }, `“${c.quote}”`), h("span", { class: "small muted", text: ` answer ${c.turn + 1}` })));
  const flags = (r.flags || []).map((f) => typeof f === "object"
    ? h("li", { class: "flagged" }, h("button", { type: "button", class: "link quote-btn", title: "Show in transcript", onclick: () => flashQuote(f.interview_id, f.turn, f.quote) }, h("mark", { class: "flag", text: `“${f.quote}”` })),
      h("span", { class: "small muted", text: ` answer ${f.turn + 1} · flagged (${f.reason}), never cited` }))
    : h("li", { class: "flagged small", text: String(f) }));
  const actions = h("div", { class: "review-actions" }, rationale,
    r.proposed_status && r.pending ? h("button", { type: "button", class: "small", "data-action": "accept", onclick: () => confirm(null) }, "Accept proposal") : null,
    override,
    h("button", { type: "button", class: "small secondary", "data-action": "override", onclick: () => {
      if (!override.value) {
        notice(msg, "Choose a status to set first.");
        override.focus();
        return;
      }
      confirm(override.value);
    } }, r.proposed_status ? "Override" : "Set"));
  const decide = r.pending
    ? actions
    : h("details", { class: "change" }, h("summary", { class: "small", text: r.confirmed_by || r.source === "manual" ? "Change status…" : "Set status…" }), actions);
  return h("tr", { "data-control": r.control_id, class: r.applicable ? "" : "muted" },
    h("td", {}, h("div", { class: "mono nowrap", text: r.control_id }), h("div", { class: "small muted", text: "L" + r.level })),
    h("td", {},
      h("div", { class: "control-name", text: r.name }),
      r.applicable ? null : h("div", { class: "small", text: "not applicable to this scope" }),
      cites.length ? h("ul", { class: "plain small" }, cites) : null,
      flags.length ? h("ul", { class: "plain small flags", "aria-label": "Flagged sentences" }, flags) : null,
      decide,
      msg),
    h("td", {}, proposed),
    h("td", {}, current));
}

function levelForm(c) {
  const sel = h("select", { "aria-label": `Level for ${c.category}` }, [1, 2, 3, 4, 5].map((lv) => h("option", { value: String(lv), text: `L${lv} ${LEVEL_NAMES[lv]}`, selected: lv === (c.level ?? c.computed_level) })));
  const rationale = h("input", { type: "text", maxlength: "2000", placeholder: "Rationale for the level", "aria-label": `Rationale for the ${c.category} level` });
  const msg = h("div");
  // Confirmed means reviewed: with proposals still undecided the assessor must say why (issue 14).
  const plural = c.pending_proposals === 1 ? "proposal" : "proposals";
  const ack = c.pending_proposals
    ? h("input", { type: "text", maxlength: "2000", "aria-label": `Why confirm ${c.category} with ${c.pending_proposals} ${plural} unreviewed`, placeholder: `${c.pending_proposals} ${plural} unreviewed: why confirm anyway?` })
    : null;
  const btn = h("button", { type: "button", class: "small" }, "Confirm level");
  btn.addEventListener("click", async () => {
    if (!rationale.value.trim()) {
      notice(msg, "Write a rationale for the level first.");
      return;
    }
    if (ack && !ack.value.trim()) {
      notice(msg, `Review the ${c.pending_proposals} pending ${plural} first, or say why you confirm anyway.`);
      return;
    }
    const body = { level: Number(sel.value), rationale: rationale.value.trim() };
    if (ack) body.acknowledge_pending = ack.value.trim();
    try {
      view = await api(`/api/assessments/${encodeURIComponent(aid)}/categories/${encodeURIComponent(c.category)}/confirm`, { method: "POST", body });
      renderCategories();
    } catch (err) {
      notice(msg, err.message);
    }
  });
  return h("div", {}, h("div", { class: "review-actions" }, sel, rationale, ack, btn), msg);
}

function renderCategories() {
  const box = clear($("categories"));
  $("subtitle").textContent = `${view.status} · scope: ${view.scope.deployment_types.join(", ") || "all deployment types"} · corpus ${view.corpus.name} ${view.corpus.version}`;
  const quiet = [];
  for (const c of Object.values(view.categories)) {
    const results = view.results.filter((r) => r.category === c.category);
    const active = interviews.some((i) => i.category === c.category) || files.some((f) => f.control_id.startsWith(c.category + "-")) || results.some((r) => r.proposed_status || r.confirmed_by || r.source === "manual" && r.status !== "unknown");
    if (!active) {
      quiet.push(c);
      continue;
    }
    const table = h("table", {}, h("thead", {}, h("tr", {}, ["ID", "Objective and evidence", "Proposed", "Status"].map((x) => h("th", { text: x })))),
      h("tbody", {}, results.map(reviewRow)));
    box.append(h("section", { class: "panel", "data-category": c.category },
      h("div", { class: "cat-head" },
        h("h2", {}, `${c.category} · ${c.name}`),
        h("div", { class: "row" },
          h("span", { class: "small muted", text: "Current" }), levelBadge(c.level),
          c.level == null ? h("span", { class: "small muted", "data-state": c.state, text: `${c.state.replace("_", " ")} · the statuses so far give L${c.computed_level}; confirm the level to assess it` }) : null,
          c.proposed_level ? [h("span", { class: "small muted", text: "Interview suggests" }), levelBadge(c.proposed_level)] : null,
          c.level_confirmed ? h("span", { class: "badge confirmed", text: "level confirmed" }) : null,
          c.pending_proposals ? h("span", { class: "badge st-partial", text: `${c.pending_proposals} to review` }) : null)),
      h("p", { class: "small muted", text: "Accept or override each proposal; the level follows from the confirmed statuses by the scoring rule. Then confirm the level." }),
      levelForm(c),
      h("div", { class: "grid2" }, h("div", {}, table), h("div", {}, h("h3", { text: "Transcript (cited evidence highlighted)" }), transcriptFor(c.category, results)))));
  }
  if (quiet.length) {
    box.append(h("section", { class: "panel" }, h("h2", { text: "Not started" }),
      h("p", { class: "small muted", text: quiet.map((c) => `${c.category} ${c.name} (${c.excluded ? "excluded" : "not assessed"})`).join(" · ") })));
  }
}

function renderInterviews() {
  const box = clear($("interviews"));
  if (!interviews.length) {
    box.append(h("p", { class: "empty", text: "None yet. Start one and send its link to the respondent." }));
    return;
  }
  box.append(h("ul", { class: "plain" }, interviews.map((it) => h("li", { class: "result" },
    h("strong", { text: it.category }), ` · ${it.respondent || "—"} · ${it.status} · `,
    h("a", { href: "/interview?id=" + encodeURIComponent(it.id), text: "open" }),
    h("span", { class: "small muted mono", text: "  " + location.origin + "/interview?id=" + it.id })))));
}

/** A quote from an attached document: the button opens the document with the quote highlighted. */
function documentCite(c) {
  const file = files.find((f) => f.sha256 === c.evidence);
  return h("li", { "data-evidence": c.evidence },
    h("button", { type: "button", class: "link quote-btn doc-quote", title: "Show in document", onclick: () => showFile(c.evidence, c.quote, c.locator) }, `“${c.quote}”`),
    h("span", { class: "small muted", text: ` ${file ? file.name : "document"}, ${c.locator} · show in document` }));
}

/** The files attached to one objective (expired ones flagged) and a form to attach another. */
function filesFor(controlId) {
  const mine = files.filter((f) => f.control_id === controlId);
  const list = mine.length
    ? h("ul", { class: "plain small attached" }, mine.map((f) => h("li", { "data-sha": f.sha256 },
      h("button", { type: "button", class: "link", title: "Show the document's text", onclick: () => showFile(f.sha256, "", "") }, f.name),
      h("span", { class: "muted", text: ` · added by ${f.added_by}${f.expires ? " · expires " + f.expires : ""}` }),
      f.expired ? h("span", { class: "badge st-partial", text: "expired - revalidate" }) : null)))
    : null;
  // the form is built when opened: the page's first paint does not wait for the evidence module
  const attach = h("details", { class: "attach" }, h("summary", { class: "small", text: "Attach a document…" }));
  attach.addEventListener("toggle", async () => {
    if (!attach.open || attach.querySelector(".upload")) return;
    const { uploadForm, uploadSummary } = await import("./evidence-files.js");
    attach.append(uploadForm({ path: `/api/assessments/${encodeURIComponent(aid)}/evidence`, label: `Document for ${controlId}`,
      body: () => ({ control_id: controlId }),
      onDone: async (res) => {
        await loadAll();  // the new file and any proposals from it; then say what happened, in the objective's row
        const cell = document.querySelector(`tr[data-control="${CSS.escape(controlId)}"] td:nth-child(2)`);
        if (cell) cell.prepend(h("div", { class: "notice ok", role: "status", "data-upload": res.evidence.sha256, text: uploadSummary(res) }));
      } }));
  });
  return h("div", {}, list, attach);
}

async function showFile(sha, quote, locator) {
  const { showDocument } = await import("./evidence-files.js");
  await showDocument(sha, quote, locator);
}

/** controlRow with the evidence files: interview quotes as before; document quotes, files and upload added. */
function reviewRow(r) {
  const docs = (r.citations || []).filter((c) => c.evidence);
  const row = controlRow({ ...r, citations: (r.citations || []).filter((c) => !c.evidence) });
  const cell = row.children[1];
  const decide = cell.querySelector(":scope > .review-actions, :scope > details.change");
  const extra = [docs.length ? h("ul", { class: "plain small doc-cites" }, docs.map(documentCite)) : null, filesFor(r.control_id)].filter(Boolean);
  for (const el of extra) cell.insertBefore(el, decide);
  return row;
}

async function loadAll() {
  const [v, its, ev] = await Promise.all([api("/api/assessments/" + encodeURIComponent(aid)), api(`/api/assessments/${encodeURIComponent(aid)}/interviews`), api(`/api/assessments/${encodeURIComponent(aid)}/evidence`)]);
  view = v;
  interviews = its.interviews;
  files = ev.evidence;
  const views = await Promise.all(interviews.map((it) => api("/api/interviews/" + encodeURIComponent(it.id))));
  transcripts = {};
  interviews.forEach((it, i) => (transcripts[it.id] = views[i].turns));
  renderInterviews();
  renderCategories();
}

// Respondents are picked by their stable user id, never typed: a removed user's namesake gets nothing.
async function loadRespondents() {
  const select = clear($("start-resp"));
  const { users } = await api("/api/users?role=respondent");
  for (const u of users) select.append(h("option", { value: u.id, text: u.name }));
  const none = !users.length;
  $("start-form").querySelector("button[type=submit]").disabled = none;
  if (none) notice($("start-msg"), "No respondents yet: an admin adds one with `aismm user add NAME --role respondent`.");
}

async function showDetail() {
  $("detail-view").hidden = false;
  await loadAll();
  $("title").textContent = displayText(view.organization);
  document.title = `${view.organization} · AISMM assistant`;
  $("dash-link").href = "/dashboard?id=" + encodeURIComponent(aid);
  for (const c of Object.values(view.categories)) {
    $("start-cat").append(h("option", { value: c.category, text: `${c.category} · ${c.name}` }));
    $("evidence-cat").append(h("option", { value: c.category, text: `${c.category} · ${c.name}` }));
  }
  $("start-form").querySelector("button[type=submit]").disabled = false;  // categories are there now
  await loadRespondents();
  const firstActive = interviews.length ? interviews[0].category : "";
  $("evidence-cat").value = firstActive;
  $("start-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const res = await api(`/api/assessments/${encodeURIComponent(aid)}/interviews`, { method: "POST", body: { category: $("start-cat").value, respondent: $("start-resp").value } });
      notice($("start-msg"), `Interview started; send ${location.origin}/interview?id=${res.id} to the respondent.`, "ok");
      await loadAll();
    } catch (err) {
      notice($("start-msg"), err.message);
    }
  });
  $("draft-evidence").addEventListener("click", async () => {
    try {
      const body = { assessment_id: aid };
      if ($("evidence-cat").value) body.category = $("evidence-cat").value;
      const data = await api("/api/evidence-requests", { method: "POST", body });
      renderEvidence(clear($("evidence")), data);
    } catch (err) {
      notice($("evidence"), err.message);
    }
  });
}

async function main() {
  await startPage("/assessment", { staffOnly: true });
  try {
    if (aid) await showDetail();
    else await showList();
  } catch (err) {
    notice($("page-msg"), err.message);
  }
}

main().catch((err) => console.error(err));
