"""The board report (markdown and self-contained HTML): radar of current vs target, domain summary,
gaps, and the evidence behind each level. No CDN, no JavaScript: the SVG is drawn here.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from aismm_assistant.assessment.record import Assessment, AssessmentPublic
from aismm_assistant.assessment.roadmap import roadmap
from aismm_assistant.assessment.summary import to_public
from aismm_assistant.model import LEVEL_NAMES, Corpus
from aismm_assistant.textsafe import html_text, md_text

STATUS_LABEL = {"met": "Met", "partial": "Partial", "not_met": "Not met", "not_applicable": "N/A", "unknown": "Unknown"}
CURRENT, TARGET = "#1f5fa8", "#d9822b"


def radar_svg(axes: list[tuple[str, int, int | None]], size: int = 460) -> str:
    """Current (filled) vs target (dashed) level per category on rings L1..L5; a bar chart below 3 axes."""
    if len(axes) < 3:
        return _bars_svg(axes)
    cx = cy = size / 2
    radius = size / 2 - 60
    n = len(axes)

    def point(i: int, level: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * level / 5
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    def poly(levels: list[float]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, lv) for i, lv in enumerate(levels)))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size + 30}" width="{size}" '
             f'height="{size + 30}" role="img" aria-label="Maturity radar: current and target level per category" '
             'font-family="Helvetica, Arial, sans-serif">']
    for lv in range(1, 6):
        parts.append(f'<polygon points="{poly([lv] * n)}" fill="none" stroke="#c8ccd2" stroke-width="1"/>')
        x, y = point(0, lv)
        parts.append(f'<text x="{x - 4:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="end" '
                     f'fill="#7a808a">L{lv}</text>')
    for i, (label, _cur, _tgt) in enumerate(axes):
        x, y = point(i, 5)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#dde0e4"/>')
        lx, ly = point(i, 5.75)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="12" font-weight="bold" text-anchor="{anchor}" '
                     f'fill="#222">{escape(label)}</text>')
    if any(t for _, _, t in axes):
        targets = [float(t or c) for _, c, t in axes]
        parts.append(f'<polygon points="{poly(targets)}" fill="none" stroke="{TARGET}" stroke-width="2.5" '
                     'stroke-dasharray="6 4"/>')
    parts.append(f'<polygon points="{poly([float(c) for _, c, _ in axes])}" fill="{CURRENT}" fill-opacity="0.25" '
                 f'stroke="{CURRENT}" stroke-width="2.5"/>')
    for i, (_, cur, _) in enumerate(axes):
        x, y = point(i, cur)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{CURRENT}"/>')
    ly = size + 12
    parts.append(f'<rect x="{cx - 120}" y="{ly - 9}" width="14" height="10" fill="{CURRENT}" fill-opacity="0.5"/>'
                 f'<text x="{cx - 100}" y="{ly}" font-size="12">Current level</text>'
                 f'<line x1="{cx + 10}" y1="{ly - 4}" x2="{cx + 34}" y2="{ly - 4}" stroke="{TARGET}" stroke-width="2.5" '
                 f'stroke-dasharray="6 4"/><text x="{cx + 40}" y="{ly}" font-size="12">Target level</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _bars_svg(axes: list[tuple[str, int, int | None]]) -> str:
    width, row = 460, 34
    height = row * len(axes) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="Current and target level per category" '
             'font-family="Helvetica, Arial, sans-serif">']
    scale = (width - 90) / 5
    for i, (label, cur, tgt) in enumerate(axes):
        y = 10 + i * row
        parts.append(f'<text x="0" y="{y + 15}" font-size="12" font-weight="bold">{escape(label)}</text>')
        parts.append(f'<rect x="60" y="{y}" width="{cur * scale:.1f}" height="20" fill="{CURRENT}" fill-opacity="0.6"/>')
        if tgt:
            x = 60 + tgt * scale
            parts.append(f'<line x1="{x:.1f}" y1="{y - 3}" x2="{x:.1f}" y2="{y + 23}" stroke="{TARGET}" stroke-width="3"/>')
        parts.append(f'<text x="{64 + cur * scale:.1f}" y="{y + 15}" font-size="11">L{cur}</text>')
    for lv in range(1, 6):
        parts.append(f'<text x="{60 + lv * scale - 8:.1f}" y="{height - 6}" font-size="10" fill="#7a808a">L{lv}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def report_data(record: Assessment, corpus: Corpus) -> dict[str, Any]:
    """Everything both renderers show, computed once."""
    pub: AssessmentPublic = to_public(record, corpus, all_controls=True)
    by_id = {r.control_id: r for r in pub.results}
    behind: dict[str, list[Any]] = {}
    for cid, c in pub.categories.items():
        cat = corpus.category(cid)
        rows = []
        for control in cat.controls if cat else []:
            r = by_id.get(control.id)
            if r is None or not r.applicable or control.level > min(5, c.level + 1):
                continue
            rows.append(r)
        behind[cid] = rows
    return {
        "pub": pub,
        "radar": radar_svg([(cid, c.level, c.target_level) for cid, c in pub.categories.items()]),
        "steps": roadmap(record, corpus),
        "behind": behind,
        "representative": corpus.meta.representative,
    }


def _status(r: Any) -> str:
    label = STATUS_LABEL[r.status]
    if r.pending and r.proposed_status:
        label += f" (proposed: {STATUS_LABEL[r.proposed_status]}, awaiting review)"
    return label


def render_markdown(record: Assessment, corpus: Corpus) -> str:
    d = report_data(record, corpus)
    pub: AssessmentPublic = d["pub"]
    m = md_text
    out = [f"# AI security maturity — {m(pub.organization)}", "",
           f"Assessment `{pub.id}` · status **{pub.status}** · updated {pub.updated_at:%Y-%m-%d} · "
           f"scope: {m(', '.join(pub.scope.deployment_types) or 'all deployment types')} · "
           f"model: {m(pub.corpus.name)} {m(pub.corpus.version)}", ""]
    if d["representative"]:
        out += ["> Assessed against the project's representative AISMM corpus, not the official CSA text.", ""]
    out += ["## Current vs target", "", d["radar"], "", "## Summary by domain", "",
            "| Domain | Mean level | Lowest level |", "|---|---|---|"]
    out += [f"| {dom} | {v['mean_level']} | L{v['min_level']} |" for dom, v in pub.domains.items()]
    out += [f"| **Overall** | **{pub.overall.get('mean_level')}** | |", "", "## Categories", "",
            "| Category | Level | Target | Gap | Next level | Proposed |", "|---|---|---|---|---|---|"]
    for cid, c in pub.categories.items():
        nxt = f"{round(c.next_level_progress * 100)}% of L{c.next_level}" if c.next_level else "top level"
        out.append(f"| {cid} {m(c.name)} | L{c.level} {c.level_name}{' (confirmed)' if c.level_confirmed else ''} | "
                   f"{'L' + str(c.target_level) if c.target_level else '—'} | {c.gap if c.gap is not None else '—'} | "
                   f"{nxt} | {'L' + str(c.proposed_level) if c.proposed_level else '—'} |")
    out += ["", "## Roadmap: gaps in order", ""]
    if not d["steps"]:
        out.append("No gaps: every category is at its target.")
    for s in d["steps"]:
        names = ", ".join(f"{o['control_id']} {m(o['name'])}" for o in s["objectives"]) or "—"
        out.append(f"{s['order']}. **{s['category']}** L{s['from_level']} → L{s['to_level']}: {names}")
    out += ["", "## Evidence behind each level", ""]
    for cid, rows in d["behind"].items():
        c = pub.categories[cid]
        out += [f"### {cid} {m(c.name)} — L{c.level} {LEVEL_NAMES[c.level]}", ""]
        for r in rows:
            out.append(f"- **{r.control_id}** (L{r.level}) {m(r.name)}: {_status(r)}")
            for e in r.evidence:
                who = f" — {m(e.supplied_by)}" if e.supplied_by else ""
                out.append(f"  - “{m(e.text)}” ({m(e.source)}{who})")
            if r.pending:
                out += [f"  - _cited, unconfirmed:_ “{m(q.quote)}” (turn {q.turn})" for q in r.citations]
        out.append("")
    return "\n".join(out)


_CSS = """
body{font-family:Helvetica,Arial,sans-serif;color:#1d2330;max-width:1100px;margin:32px auto;padding:0 24px;line-height:1.45}
h1{font-size:26px;margin-bottom:4px}h2{border-bottom:2px solid #1f3a5f;padding-bottom:4px;margin-top:32px}
.meta{color:#5a6270;font-size:13px}.notice{background:#fff6e5;border-left:4px solid #d9822b;padding:8px 12px;font-size:13px}
.top{display:flex;gap:32px;align-items:flex-start;flex-wrap:wrap}.kpi{font-size:40px;font-weight:bold;color:#1f5fa8}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e1e4e8;padding:6px 8px;text-align:left;vertical-align:top}
.evt{table-layout:fixed}th{background:#1f3a5f;color:#fff}.bar{background:#e6ecf4;height:10px;width:120px;display:inline-block;border-radius:5px}
.bar span{display:block;height:10px;background:#1f5fa8;border-radius:5px}
.s-met{color:#1c7c3a;font-weight:bold}.s-partial{color:#b36b00;font-weight:bold}.s-not_met{color:#b3261e;font-weight:bold}
.s-unknown{color:#6b7280}.s-not_applicable{color:#6b7280}ol li{margin-bottom:6px}.ev{color:#4b5563;font-size:12px;margin:2px 0 0 14px}
@media print{body{margin:0}h2{page-break-after:avoid}}
"""


def render_html(record: Assessment, corpus: Corpus) -> str:
    d = report_data(record, corpus)
    pub: AssessmentPublic = d["pub"]
    e = html_text
    h = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
         f"<title>AI security maturity — {e(pub.organization)}</title><style>{_CSS}</style></head><body>",
         f"<h1>AI security maturity — {e(pub.organization)}</h1>",
         f"<div class='meta'>Assessment {e(pub.id)} · status <b>{e(pub.status)}</b> · updated "
         f"{pub.updated_at:%Y-%m-%d} · scope: {e(', '.join(pub.scope.deployment_types) or 'all deployment types')} · "
         f"model: {e(pub.corpus.name)} {e(pub.corpus.version)}</div>"]
    if d["representative"]:
        h.append("<p class='notice'>Assessed against the project's representative AISMM corpus, "
                 "not the official CSA text.</p>")
    h.append("<h2>Current vs target</h2><div class='top'><div>" + d["radar"] + "</div><div>")
    h.append(f"<div class='meta'>Overall mean level</div><div class='kpi'>{pub.overall.get('mean_level')}</div>")
    h.append("<table><tr><th>Domain</th><th>Mean</th><th>Lowest</th></tr>")
    for dom, v in pub.domains.items():
        h.append(f"<tr><td>{e(dom)}</td><td>{v['mean_level']}</td><td>L{v['min_level']}</td></tr>")
    h.append("</table></div></div><h2>Categories</h2><table><tr><th>Category</th><th>Level</th><th>Target</th>"
             "<th>Gap</th><th>Progress to next level</th><th>Proposed</th></tr>")
    for cid, c in pub.categories.items():
        pct = round((c.next_level_progress or 0) * 100)
        prog = (f"<span class='bar'><span style='width:{pct}%'></span></span> {pct}% of L{c.next_level}"
                if c.next_level else "top level")
        h.append(f"<tr><td><b>{cid}</b> {e(c.name)}</td><td>L{c.level} {c.level_name}"
                 f"{' ✓' if c.level_confirmed else ''}</td><td>{'L' + str(c.target_level) if c.target_level else '—'}"
                 f"{' by ' + c.target_date.isoformat() if c.target_date else ''}</td>"
                 f"<td>{c.gap if c.gap is not None else '—'}</td><td>{prog}</td>"
                 f"<td>{'L' + str(c.proposed_level) if c.proposed_level else '—'}</td></tr>")
    h.append("</table><h2>Roadmap: gaps in order</h2>")
    h.append("<ol>" if d["steps"] else "<p>No gaps: every category is at its target.</p>")
    for s in d["steps"]:
        names = "; ".join(f"<b>{o['control_id']}</b> {e(o['name'])} <span class='s-{o['status']}'>"
                          f"({STATUS_LABEL[o['status']]})</span>" for o in s["objectives"]) or "—"
        h.append(f"<li><b>{s['category']}</b> L{s['from_level']} → L{s['to_level']} ({s['domain']}): {names}</li>")
    h.append("</ol>" if d["steps"] else "")
    h.append("<h2>Evidence behind each level</h2>")
    for cid, rows in d["behind"].items():
        c = pub.categories[cid]
        h.append(f"<h3>{cid} {e(c.name)} — L{c.level} {LEVEL_NAMES[c.level]}</h3><table class='evt'>"
                 "<colgroup><col style='width:36%'><col style='width:18%'><col></colgroup>"
                 "<tr><th>Objective</th><th>Status</th><th>Evidence</th></tr>")
        for r in rows:
            ev = "".join(f"<div class='ev'>“{e(x.text)}” — {e(x.source)}{', ' + e(x.supplied_by) if x.supplied_by else ''}"
                         "</div>" for x in r.evidence)
            if r.pending:
                ev += "".join(f"<div class='ev'><i>cited, unconfirmed: “{e(q.quote)}” (turn {q.turn})</i></div>"
                              for q in r.citations)
            ev = ev or "<span class='s-unknown'>none recorded</span>"
            h.append(f"<tr><td><b>{r.control_id}</b> L{r.level} {e(r.name)}</td>"
                     f"<td class='s-{r.status}'>{e(_status(r))}</td><td>{ev}</td></tr>")
        h.append("</table>")
    h.append("</body></html>")
    return "\n".join(h)
