import { api, clear, h, levelBadge, notice, param, startPage, statusBadge } from "./app.js";
import { guidanceBox } from "./control.js";

const $ = (id) => document.getElementById(id);
const id = param("id");
let names = {};
let busy = false;
let staff = false;

function questionText(q) {
  if (!q) return "";
  if (typeof q === "string") return q;
  return q.text || q.question || "";
}
function questionControls(q) {
  if (!q || typeof q === "string") return [];
  return q.controls || q.control_ids || q.question_controls || [];
}

function renderTranscript(turns) {
  const box = clear($("transcript"));
  if (!turns.length) box.append(h("p", { class: "empty", text: "No answers yet. The first question is below." }));
  turns.forEach((t, i) => {
    const seq = t.turn ?? t.seq ?? i;
    if (t.question) box.append(h("div", { class: "bubble q" }, h("span", { class: "who", text: "Assistant" }), t.question));
    box.append(h("div", { class: "bubble a", "data-turn": String(seq) }, h("span", { class: "who", text: (t.respondent || "You") + " · answer " + (seq + 1) }), t.answer));
  });
}

function isFinished(view) {
  return view.audience === "respondent" ? !!view.finished : view.status === "done";
}

/** Why there is no question, in plain words: the stop reason for staff, a neutral message for respondents. */
function stopText(view) {
  if (view.audience === "respondent") return view.message || "There are no more questions. Thank you.";
  return (view.stop_reason || "No more questions") + ".";
}

function renderQuestion(view) {
  const q = view.question;
  const cur = clear($("current"));
  const text = questionText(q);
  const form = $("answer-form");
  const finished = isFinished(view);
  $("staff-actions").hidden = !staff || finished;
  $("back").disabled = !view.can_go_back;
  if (!text || finished) {
    const label = finished ? "Finished" : "No more questions";
    cur.append(h("div", { class: "current-q done", id: "stop" }, h("span", { class: "label", text: label }), stopText(view)));
    form.hidden = finished;
    $("send").disabled = !text;
    $("skip").hidden = true;
    return;
  }
  form.hidden = false;
  $("send").disabled = false;
  $("skip").hidden = false;
  let kind = q.kind === "follow_up" ? "Follow-up" : q.kind === "repeat" ? "Asked again" : "Question";
  if (view.audience === "staff" && q.level) kind += ` · L${q.level}`;
  const to = q.respondent ? h("span", { class: "small muted", text: ` · for ${q.respondent}` }) : null;
  cur.append(h("div", { class: "current-q", id: "question", "data-kind": q.kind || "primary" }, h("span", { class: "label", text: kind }), to, text));
}

async function renderGuidance(q) {
  const box = clear($("guidance"));
  const ids = questionControls(q);
  if (!ids.length) {
    box.append(h("p", { class: "empty", text: "No specific objective for this question." }));
    return;
  }
  for (const cid of ids) {
    const slot = h("div", {});
    const btn = h("button", { class: "secondary small", type: "button", "aria-expanded": "false" }, `Show KPI guidance for ${cid}`);
    btn.addEventListener("click", async () => {
      if (slot.firstChild) {
        clear(slot);
        btn.textContent = `Show KPI guidance for ${cid}`;
        btn.setAttribute("aria-expanded", "false");
        return;
      }
      try {
        const data = await api("/api/controls/" + encodeURIComponent(cid));
        slot.append(guidanceBox(data.control));
        btn.textContent = `Hide guidance for ${cid}`;
        btn.setAttribute("aria-expanded", "true");
      } catch (err) {
        notice(slot, err.message);
      }
    });
    box.append(h("div", { class: "field" }, h("div", { class: "small", text: names[cid] ? `${cid} · ${names[cid]}` : cid }), btn, slot));
  }
}

/** A respondent's cut: per objective, plain words and their own quotes; never a status, confidence or level. */
function renderUnderstoodPlain(items) {
  const box = clear($("understood"));
  if (!items || !items.length) {
    box.append(h("p", { class: "empty", text: "Nothing yet — your answers will show up here as the objectives they describe." }));
    return;
  }
  const list = h("ul", { class: "plain understood" });
  for (const u of items) {
    const quotes = (u.quotes || []).slice(0, 3).map((c) => h("span", { class: "quote", text: "“" + c.quote + "”" }));
    list.append(h("li", { "data-control": u.control_id }, h("strong", { text: u.objective }), h("div", { class: "small muted", text: u.summary }), quotes));
  }
  box.append(list);
}

function renderFlags(flags) {
  if (!flags || !flags.length) return null;
  return h("div", { class: "flags", role: "note" }, h("strong", { text: "Flagged, never cited:" }),
    h("ul", { class: "plain" }, flags.map((f) => h("li", { class: "flagged" }, h("mark", { class: "flag", text: "“" + f.quote + "”" }),
      h("span", { class: "small muted", text: ` answer ${f.turn + 1} · ${f.reason}` })))));
}

function renderUnderstood(proposal) {
  const box = clear($("understood"));
  const controls = (proposal && proposal.controls) || {};
  const entries = Object.entries(controls).filter(([, p]) => p.status !== "unknown" || (p.citations || []).length);
  if (proposal && proposal.level) {
    box.append(h("p", {}, "Indicated maturity so far: ", levelBadge(proposal.level), h("span", { class: "small muted", text: " (a proposal; the assessor decides)" })));
  }
  if (!entries.length) {
    box.append(h("p", { class: "empty", text: "Nothing yet — your answers will show up here as the objectives they support." }));
    return;
  }
  const list = h("ul", { class: "plain understood" });
  for (const [cid, p] of entries) {
    const quotes = (p.citations || []).slice(0, 2).map((c) => h("span", { class: "quote", text: "“" + c.quote + "”" }));
    list.append(h("li", { "data-control": cid }, statusBadge(p.status), " ", h("strong", { class: "mono", text: cid }), " ", names[cid] || "", quotes));
  }
  box.append(list);
  const flags = renderFlags(proposal && proposal.flags);
  if (flags) box.append(flags);
}

/** Say only what is new (the live region never re-reads the conversation): what happened, then the next question. */
function announce(what, view) {
  const next = questionText(view.question);
  $("announce").textContent = `${what} ${next ? "Next question: " + next : "There are no more questions."}`;
}

async function refresh(news = "") {
  const view = await api("/api/interviews/" + encodeURIComponent(id));
  const info = view.interview || {};
  $("title").textContent = `Interview · ${info.category || ""} ${names[info.category] || ""}`.trim();
  const others = (view.respondents || []).slice(1).map((r) => r.role ? `${r.name} (${r.role})` : r.name);
  const also = others.length ? ` · also ${others.join(", ")}` : "";
  $("subtitle").textContent = `Assigned to ${info.respondent || "—"}${also} · ${view.turns.length} answer${view.turns.length === 1 ? "" : "s"} so far`;
  renderTranscript(view.turns);
  renderQuestion(view);
  if (view.audience === "respondent") renderUnderstoodPlain(view.understood);
  else renderUnderstood(view.proposal);
  await renderGuidance(isFinished(view) ? null : view.question);
  if (news) announce(news, view);
}

async function send(ev) {
  ev.preventDefault();
  if (busy) return;
  const text = $("answer").value.trim();
  if (!text) {
    notice($("answer-msg"), "Write an answer first (or say that you don't know).");
    return;
  }
  busy = true;
  $("send").disabled = true;
  notice($("answer-msg"), "Saving your answer…", "info");
  try {
    await api("/api/interviews/" + encodeURIComponent(id) + "/answers", { method: "POST", body: { answer: text } });
    $("answer").value = "";
    notice($("answer-msg"), "Saved.", "ok");
    const count = $("transcript").querySelectorAll(".bubble.a").length + 1;
    await refresh(`Answer ${count} saved.`);
    $("answer").focus();
  } catch (err) {
    notice($("answer-msg"), err.message);
  } finally {
    busy = false;
    $("send").disabled = false;
  }
}

const MOVED = {
  skip: "Skipped; those objectives stay open for the assessor. You can come back to it with Previous question.",
  back: "Asking the earlier question again; your new answer replaces the earlier one.",
  finish: "Interview finished; its proposals wait for review.",
};

const NEWS = { skip: "Question skipped.", back: "Back to an earlier question.", finish: "Interview finished." };

async function move(action) {
  if (busy) return;
  if (action === "finish" && !confirm("Finish this interview? No more answers can be added.")) return;
  busy = true;
  try {
    await api(`/api/interviews/${encodeURIComponent(id)}/${action}`, { method: "POST" });
    notice($("answer-msg"), MOVED[action], "info");
    await refresh(NEWS[action]);
  } catch (err) {
    notice($("answer-msg"), err.message);
  } finally {
    busy = false;
  }
}

async function showList(me) {
  $("list-view").hidden = false;
  const box = $("interview-list");
  if (!me.interviews.length) {
    box.append(h("p", { class: "empty", text: me.staff ? "No interviews yet. Start one from an assessment." : "No interview is assigned to you yet." }));
    return;
  }
  const table = h("table", {}, h("thead", {}, h("tr", {}, ["Category", "Respondent", "Status", "Open"].map((x) => h("th", { text: x })))));
  const body = h("tbody");
  for (const it of me.interviews) {
    body.append(h("tr", {},
      h("td", {}, h("strong", { text: it.category }), " ", names[it.category] || ""),
      h("td", { text: it.respondent || "—" }),
      h("td", { text: it.status }),
      h("td", {}, h("a", { class: "button small", href: "/interview?id=" + encodeURIComponent(it.id), text: it.status === "done" ? "View" : "Open" }))));
  }
  table.append(body);
  box.append(table);
}

/** "Attach a document" under the answer box: for the current question's objective (the server picks it). */
async function renderAttach() {
  const { uploadForm } = await import("./evidence-files.js");  // loaded after the page is up
  const box = h("div", { id: "attach" }, h("details", { class: "attach" }, h("summary", { text: "Attach a document" }),
    h("p", { class: "small muted", text: "A policy, register or report showing what you describe for the current question. It is kept with the assessment; quotes from it are proposed as evidence for the assessor to review." }),
    uploadForm({ path: `/api/interviews/${encodeURIComponent(id)}/evidence`, label: "Document for the current question", onDone: () => refresh() })));
  $("answer-msg").after(box);
}

async function main() {
  const me = await startPage("/interview");
  const list = await api("/api/controls");
  for (const c of list.categories) names[c.id] = c.name;
  for (const c of list.controls) names[c.id] = c.name;
  if (!id) return showList(me);
  staff = !!me.staff;
  $("chat-view").hidden = false;
  $("finish").addEventListener("click", () => move("finish"));
  $("answer-form").addEventListener("submit", send);
  $("skip").addEventListener("click", () => move("skip"));
  $("back").addEventListener("click", () => move("back"));
  $("answer").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) send(ev);
  });
  renderAttach().catch((err) => notice($("answer-msg"), err.message));
  try {
    await refresh();
  } catch (err) {
    $("chat-view").hidden = true;
    notice($("page-msg"), err.status === 403 ? "This interview is assigned to someone else." : err.message);
  }
}

main().catch((err) => console.error(err));
