// Evidence files on the pages: upload a document (review page, interview) and show a cited quote
// highlighted in the document's extracted text. Everything shown is text nodes (h(), displayText).
import { api, clear, displayText, h, notice } from "./app.js";

export const ACCEPT = ".pdf,.docx,.xlsx,.csv,.md,.markdown,.txt,.json,.jsonl,.yaml,.yml";

/** The file's bytes as base64 (the upload body is JSON: no multipart). */
export function fileToBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(new Error(`cannot read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

/** What an upload did, in one sentence for the person who uploaded. */
export function uploadSummary(res) {
  const ev = res.evidence;
  const a = res.analysis;
  let text = `Attached ${ev.name} to ${ev.control_id}.`;
  if (a && a.error) text += ` The document could not be read for proposals: ${a.error}`;
  else if (a) {
    const n = a.proposals.length;
    text += n ? ` ${n} proposal${n === 1 ? "" : "s"} from the documents, awaiting an assessor's review.` : " No objective could be read from it; an assessor will look at it.";
  }
  return text;
}

/**
 * A file picker and an "Attach" button posting to `path`; `body()` adds fields (control_id).
 * Calls onDone(response) after a successful upload. One message line under it.
 */
export function uploadForm({ path, label, body = () => ({}), onDone = () => {} }) {
  const input = h("input", { type: "file", accept: ACCEPT, "aria-label": label });
  const btn = h("button", { type: "button", class: "small secondary", "data-action": "upload" }, "Attach");
  const msg = h("div", { class: "upload-msg" });
  btn.addEventListener("click", async () => {
    const file = input.files && input.files[0];
    if (!file) return notice(msg, "Choose a file first (PDF, Word, Excel, CSV, Markdown or text).");
    btn.disabled = true;
    notice(msg, `Uploading ${file.name}…`, "info");
    try {
      const content = await fileToBase64(file);
      const res = await api(path, { method: "POST", body: { name: file.name, content_base64: content, ...body() } });
      input.value = "";
      notice(msg, uploadSummary(res), "ok");
      await onDone(res);
    } catch (err) {
      notice(msg, err.message);
    } finally {
      btn.disabled = false;
    }
  });
  return h("div", { class: "upload" }, h("div", { class: "review-actions" }, input, btn), msg);
}

/** Where the quote starts: at the segment its locator names, else anywhere in the text. */
function quoteStart(segments, starts, full, quote, locator) {
  const i = segments.findIndex((s) => locator === s.locator || (locator || "").startsWith(s.locator + "-"));
  if (i >= 0) {
    const at = full.indexOf(quote, starts[i]);
    if (at >= 0) return at;
  }
  return full.indexOf(quote);
}

/** The document's text, one block per segment with its locator, the quote in <mark>. */
export function documentText(doc, quote, locator) {
  const segs = doc.segments;
  const starts = [];
  let full = "";
  for (const s of segs) {
    starts.push(full.length);
    full += s.text + s.sep;
  }
  const at = quote ? quoteStart(segs, starts, full, quote, locator) : -1;
  const end = at >= 0 ? at + quote.length : -1;
  const box = h("div", { class: "doc-text" });
  segs.forEach((s, i) => {
    const a = starts[i];
    const b = a + s.text.length;
    const text = h("span", { class: "seg-text" });
    if (at >= 0 && at < b + s.sep.length && end > a) {
      const from = Math.max(at, a) - a;
      const to = Math.min(end, b) - a;
      text.append(displayText(s.text.slice(0, from)), h("mark", { "data-quote": quote }, displayText(s.text.slice(from, to))), displayText(s.text.slice(to)));
    } else {
      text.append(displayText(s.text));
    }
    box.append(h("div", { class: "doc-seg", "data-locator": s.locator }, h("span", { class: "loc small muted mono", text: s.locator }), text));
  });
  return box;
}

/** Open the document in a dialog with the quote highlighted and scrolled into view. */
export async function showDocument(sha, quote, locator) {
  let dialog = document.getElementById("doc-view");
  if (!dialog) {
    dialog = h("dialog", { id: "doc-view", class: "doc-dialog", "aria-labelledby": "doc-view-title" });
    document.body.append(dialog);
  }
  const body = clear(dialog);
  try {
    const doc = await api(`/api/evidence/${encodeURIComponent(sha)}/text`);
    const close = h("button", { type: "button", class: "small secondary", "data-action": "close" }, "Close");
    close.addEventListener("click", () => dialog.close());
    body.append(
      h("div", { class: "spread" }, h("h2", { id: "doc-view-title", text: displayText(doc.name) }), close),
      h("p", { class: "small muted", text: quote ? `Quoted at ${locator}: the highlighted text is verbatim in the document.` : "" }),
      documentText(doc, quote, locator));
  } catch (err) {
    const close = h("button", { type: "button", class: "small secondary", "data-action": "close" }, "Close");
    close.addEventListener("click", () => dialog.close());
    const msg = h("div", { id: "doc-view-title" });
    body.append(msg, close);
    notice(msg, err.message);
  }
  if (!dialog.open) dialog.showModal();
  const mark = dialog.querySelector("mark");
  if (mark) mark.scrollIntoView({ block: "center" });
}
