"""The board report (Markdown and self-contained HTML; PDF and docx in report_pdf / report_docx).

Executive summary (current vs target over *assessed* categories, top gaps, trend since the previous
assessment of the same organisation), method (rule, scope, corpus provenance, evidence dates),
sign-off (who confirmed what, when, why), roadmap, and every objective's evidence with the quotes,
notes and rationales behind it. No CDN, no JavaScript: the SVG is drawn here. All user text is
escaped for the format it lands in (docs/reports.md).
"""

from __future__ import annotations

import math
import re
from typing import Any

from aismm_assistant.assessment.record import Assessment, AssessmentPublic
from aismm_assistant.assessment.report_data import STATE_LABEL, STATUS_LABEL, report_data
from aismm_assistant.model import LEVEL_NAMES, Corpus
from aismm_assistant.textsafe import html_text as escape  # every user string: cleaned, then escaped
from aismm_assistant.textsafe import md_text

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


# ---------------------------------------------------------------- shared wording

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")


def md(text: Any) -> str:
    """User text made inert in Markdown: controls and bidi overrides dropped, HTML escaped, Markdown
    punctuation backslashed, one line (textsafe.md_text)."""
    return md_text(str(text or ""))


def level_text(c: Any) -> str:
    """'L3 Defined' for an assessed category, else its state ('Not assessed', 'Excluded: reason')."""
    if c.excluded:
        return "Excluded"
    if c.level is None:
        return STATE_LABEL[c.state]
    return f"L{c.level} {LEVEL_NAMES[c.level]}"


def decision_text(d: dict[str, Any] | None) -> str:
    if not d:
        return ""
    how = {"accepted": "Proposal accepted",
           "overridden": f"Proposed {STATUS_LABEL.get(d['proposed'] or '', '')}, overridden", "set": "Set"}[d["kind"]]
    return " ".join(x for x in (how, f"by {d['by']}" if d["by"] else "", f"on {d['at']}" if d["at"] else "") if x)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def status_text(r: dict[str, Any]) -> str:
    label = STATUS_LABEL[r["status"]]
    if r["pending"] and r["proposed_status"]:
        label += f" (proposed: {STATUS_LABEL[r['proposed_status']]}, awaiting review)"
    if r["stale"]:
        label += " (revalidate)"
    return label


def _summary_lines(d: dict[str, Any]) -> list[str]:
    """The executive summary in plain sentences (no user text but category names from the corpus)."""
    pub: AssessmentPublic = d["pub"]
    ov = pub.overall
    n, total, excl = ov.get("assessed", 0), ov.get("categories", 0), ov.get("excluded", 0)
    lines = [f"{n} of {total} categories assessed" + (f" ({excl} excluded)" if excl else "") +
             (f"; mean level {ov['mean_level']:.2f} across the assessed ones." if ov.get("mean_level") is not None
              else "; no category has a level yet.")]
    if d["with_target"]:
        lines.append(f"{d['at_target']} of {d['with_target']} assessed categories with a target are at it.")
    if d["top_gaps"]:
        lines.append("Largest gaps: " + "; ".join(
            f"{g['category']} L{g['current']} → L{g['target']}" for g in d["top_gaps"]) + ".")
    t = d["trend"]
    if t:
        moved = [r for r in t["rows"] if r["change"]]
        lines.append(f"Since the previous assessment ({t['previous_date']}): mean "
                     f"{t['mean_before'] if t['mean_before'] is not None else '—'} → "
                     f"{t['mean_after'] if t['mean_after'] is not None else '—'}" +
                     ("; " + ", ".join(f"{r['category']} {'+' if r['change'] > 0 else ''}{r['change']}" for r in moved)
                      if moved else "; no assessed level moved") + ".")
    else:
        lines.append("No earlier assessment of this organisation is on record, so there is no trend yet.")
    not_assessed = [cid for cid, c in pub.categories.items() if c.state == "not_assessed" and not c.excluded]
    in_progress = [cid for cid, c in pub.categories.items() if c.state == "in_progress" and not c.excluded]
    if not_assessed or in_progress:
        lines.append("; ".join(x for x in (
            "Not yet assessed: " + ", ".join(not_assessed) if not_assessed else "",
            "in progress, no level yet: " + ", ".join(in_progress) if in_progress else "") if x) + ".")
    return lines


# ---------------------------------------------------------------- Markdown


def render_markdown(record: Assessment, corpus: Corpus, *, previous: Assessment | str | None = "auto") -> str:
    d = report_data(record, corpus, previous=previous)
    pub: AssessmentPublic = d["pub"]
    prov = d["provenance"]
    out = [f"# AI security maturity — {md(pub.organization)}", "",
           f"Assessment `{pub.id}` · status **{pub.status}** · updated {pub.updated_at:%Y-%m-%d} · "
           f"report generated {d['generated']:%Y-%m-%d}", ""]
    if d["representative"]:
        out += ["> Assessed against the project's representative AISMM corpus, not the official CSA text.", ""]
    out += ["## Executive summary", "", *[f"- {x}" for x in _summary_lines(d)], "",
            "| Category | Current | Target | Gap |", "|---|---|---|---|"]
    for cid, c in pub.categories.items():
        out.append(f"| {cid} {md(c.name)} | {level_text(c)} | {'L' + str(c.target_level) if c.target_level else '—'} | "
                   f"{c.gap if c.gap is not None else '—'} |")
    if d["radar_axes"]:
        out += ["", radar_svg(d["radar_axes"])]
    if d["top_gaps"]:
        out += ["", "### Top gaps", ""]
        out += [f"{i}. **{g['category']}** L{g['current']} → L{g['target']}"
                f"{' by ' + g['target_date'] if g['target_date'] else ''}: next, {', '.join(g['blocking']) or '—'}"
                for i, g in enumerate(d["top_gaps"], 1)]
    if d["trend"]:
        t = d["trend"]
        out += ["", f"### Trend since {t['previous_date']} (`{t['previous_id']}`, {t['previous_status']})", "",
                "| Category | Before | Now | Change |", "|---|---|---|---|"]
        out += [f"| {r['category']} | {'L' + str(r['before']) if r['before'] else '—'} | "
                f"{'L' + str(r['after']) if r['after'] else '—'} | {r['change'] if r['change'] is not None else '—'} |"
                for r in t["rows"]]
    out += ["", "## Method", "", d["rule"], "",
            f"- Scope: {md(', '.join(pub.scope.deployment_types) or 'all deployment types')}; categories "
            f"{', '.join(pub.categories)}.",
            f"- Model text: {md(prov['name'])} {md(prov['version'])} (hash `{prov['hash']}`; "
            f"{'official CSA text' if prov['official'] else 'representative text, not the official CSA wording'})"
            + (" — the record was assessed against another corpus version." if pub.corpus_changed else "."),
            f"- Evidence dated {d['evidence_range'][0]} to {d['evidence_range'][1]}." if d["evidence_range"]
            else "- No dated evidence on record."]
    excluded = [c for c in pub.categories.values() if c.excluded]
    out += [f"- Excluded: {c.category} — {md(c.exclusion_reason)}" for c in excluded]
    so = d["signoff"]
    out += ["", "## Sign-off", "", "| Category | State | Level confirmed | By | On | Rationale |",
            "|---|---|---|---|---|---|"]
    for c in so["categories"]:
        why = md(c["rationale"]) if c["rationale"] else "—"
        if c["acknowledgement"]:
            why += f" (confirmed with {_n(len(c['pending_at_confirmation']), 'proposal')} pending: {md(c['acknowledgement'])})"
        if c["excluded"]:
            why = "excluded: " + md(c["exclusion_reason"])
        out.append(f"| {c['category']} | {c['state_label']} | "
                   f"{'L' + str(c['confirmed_level']) + ('' if c['current'] else ' (superseded)') if c['confirmed_level'] else '—'}"
                   f" | {md(c['by']) if c['by'] else '—'} | {c['at'] or '—'} | {why} |")
    dec = so["decisions"]
    out += ["", f"Objective decisions: {_n(dec['accepted'], 'proposal')} accepted, {dec['overridden']} overridden, "
            f"{dec['set']} set by hand; {_n(so['pending'], 'proposal')} awaiting review."]
    out += [f"Status {s['from']} → {s['to']} by {md(s['by'])} on {s['at']}." for s in so["status_changes"]]
    out += ["", "## Roadmap: gaps in order", ""]
    if not d["steps"]:
        out.append("No gaps among the assessed categories.")
    for s in d["steps"]:
        names = ", ".join(f"{o['control_id']} {md(o['name'])}" for o in s["objectives"]) or "—"
        out.append(f"{s['order']}. **{s['category']}** L{s['from_level']} → L{s['to_level']}: {names}")
    from aismm_assistant.assessment.units import report_section

    out += ["", report_section(record, corpus, "md")]
    out += ["", "## Evidence by objective", ""]
    for cid, ev in d["evidence"].items():
        c = pub.categories[cid]
        out += [f"### {cid} {md(c.name)} — {level_text(c)}" + (f" (evidence as of {ev['as_of']})" if ev["as_of"] else ""),
                ""]
        if c.excluded:
            out += [f"Excluded: {md(c.exclusion_reason)}", ""]
            continue
        if not ev["rows"]:
            out += ["Not assessed.", ""]
            continue
        for r in ev["rows"]:
            out.append(f"- **{r['control_id']}** (L{r['level']}) {md(r['name'])}: {status_text(r)}"
                       + (f" — {md(decision_text(r['decision']))}" if r["decision"] else ""))
            if r["decision"] and r["decision"]["rationale"]:
                out.append(f"  - Rationale: {md(r['decision']['rationale'])}")
            for e in r["evidence"]:
                who = f" — {md(e['by'])}" if e["by"] else ""
                out.append(f"  - “{md(e['text'])}” ({md(e['source'])}{who}{', as of ' + e['as_of'] if e['as_of'] else ''})")
            if r["quotes"]:
                out.append(f"  - Quotes {r['quote_role']}:")
                out += [f"    - “{md(q['quote'])}” ({md(q['where'])})" for q in r["quotes"]]
            if r["notes"]:
                out.append(f"  - Notes: {md(r['notes'])}")
            if r["substitute_kpi"]:
                out.append(f"  - Substitute KPI: {md(r['substitute_kpi']['name'])}: {md(r['substitute_kpi']['objective'])}")
        if ev["not_applicable"]:
            out.append(f"- Not applicable in this scope: {', '.join(ev['not_applicable'])}")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- HTML (also the source of the PDF)

_CSS = """
@page{size:A4;margin:16mm 14mm 18mm 14mm;@bottom-right{content:"Page " counter(page) " of " counter(pages);font:9px Helvetica,Arial,sans-serif;color:#5a6270}
@bottom-left{content:"AI security maturity report";font:9px Helvetica,Arial,sans-serif;color:#5a6270}}
body{font-family:Helvetica,Arial,sans-serif;color:#1d2330;max-width:1100px;margin:32px auto;padding:0 24px;line-height:1.45}
h1{font-size:26px;margin-bottom:4px}h2{border-bottom:2px solid #1f3a5f;padding-bottom:4px;margin-top:32px}
h3{margin-bottom:6px}.meta{color:#5a6270;font-size:13px}
.notice{background:#fff6e5;border-left:4px solid #d9822b;padding:8px 12px;font-size:13px}
.top{display:flex;gap:20px;align-items:flex-start}.kpis{display:flex;gap:10px;margin:12px 0}
.kpi{border:1px solid #d6dbe3;border-radius:6px;padding:6px 10px;flex:1 1 0;min-width:0}.kpi .v{font-size:28px;font-weight:bold;color:#1f5fa8}
.kpi .l{font-size:12px;color:#5a6270}ul.summary li{margin-bottom:4px}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{border-bottom:1px solid #e1e4e8;padding:5px 7px;text-align:left;vertical-align:top}
.evt{table-layout:fixed}th{background:#1f3a5f;color:#fff}tr{page-break-inside:avoid;break-inside:avoid}
.bar{background:#e6ecf4;height:10px;width:110px;display:inline-block;border-radius:5px}.bar span{display:block;height:10px;background:#1f5fa8;border-radius:5px}
.s-met{color:#1c7c3a;font-weight:bold}.s-partial{color:#b36b00;font-weight:bold}.s-not_met{color:#b3261e;font-weight:bold}
.s-unknown{color:#6b7280}.s-not_applicable{color:#6b7280}.na{color:#6b7280;font-style:italic}
ol li{margin-bottom:6px}.ev{color:#374151;font-size:12px;margin:2px 0 0 0}.q{color:#4b5563;font-size:12px;font-style:italic}
.dec{font-size:11.5px;color:#374151}.small{font-size:11.5px;color:#5a6270}
.radar{width:270px;flex:0 0 270px}.cats td,.cats th{padding:3px 7px}.nw{white-space:nowrap}.tgt{font-size:11px;color:#5a6270;display:block}.radar svg{width:100%;height:auto}
@media print{body{margin:0;max-width:none;padding:0}h2{page-break-after:avoid;break-after:avoid}h3{break-after:avoid}
.pb{break-before:page;page-break-before:always}}
"""


def _cell_level(c: Any) -> str:
    if c.level is None:
        return f"<span class='na'>{escape(level_text(c))}</span>"
    return f"L{c.level} {LEVEL_NAMES[c.level]}{' ✓' if c.level_confirmed else ''}"


def render_html(record: Assessment, corpus: Corpus, *, previous: Assessment | str | None = "auto") -> str:
    d = report_data(record, corpus, previous=previous)
    pub: AssessmentPublic = d["pub"]
    prov = d["provenance"]
    ov = pub.overall
    e = escape
    h = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
         "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:\">",
         f"<title>AI security maturity — {e(pub.organization)}</title><style>{_CSS}</style></head><body>",
         f"<h1>AI security maturity — {e(pub.organization)}</h1>",
         f"<div class='meta'>Assessment {e(pub.id)} · status <b>{e(pub.status)}</b> · updated "
         f"{pub.updated_at:%Y-%m-%d} · report generated {d['generated']:%Y-%m-%d} · scope: "
         f"{e(', '.join(pub.scope.deployment_types) or 'all deployment types')}</div>"]
    if d["representative"]:
        h.append("<p class='notice'>Assessed against the project's representative AISMM corpus, "
                 "not the official CSA text.</p>")
    mean = ov.get("mean_level")
    h.append("<h2>Executive summary</h2><div class='kpis'>"
             f"<div class='kpi'><div class='v'>{ov.get('assessed', 0)} of {ov.get('categories', 0)}</div>"
             f"<div class='l'>categories assessed{' (' + str(ov['excluded']) + ' excluded)' if ov.get('excluded') else ''}</div></div>"
             f"<div class='kpi'><div class='v'>{f'{mean:.2f}' if mean is not None else '—'}</div>"
             "<div class='l'>mean level (assessed only)</div></div>"
             f"<div class='kpi'><div class='v'>{d['at_target']} of {d['with_target']}</div>"
             "<div class='l'>at target (assessed, with a target)</div></div>"
             f"<div class='kpi'><div class='v'>{d['signoff']['pending']}</div><div class='l'>proposals awaiting review</div></div></div>")
    h.append("<div class='top'>")
    if d["radar_axes"]:
        h.append("<div class='radar'>" + radar_svg(d["radar_axes"]) + "</div>")
    h.append("<ul class='summary' style='flex:1 1 0;min-width:0'>"
             + "".join(f"<li>{e(x)}</li>" for x in _summary_lines(d)) + "</ul></div>")
    h.append("<table class='cats'><tr><th>Category</th><th>Current</th><th>Target</th><th>Gap</th></tr>")
    for cid, c in pub.categories.items():
        h.append(f"<tr data-category='{cid}' data-state='{'excluded' if c.excluded else c.state}'><td><b>{cid}</b> "
                 f"{e(c.name)}</td><td>{_cell_level(c)}</td>"
                 f"<td class='nw'>{'L' + str(c.target_level) if c.target_level else '—'}"
                 f"{' by ' + c.target_date.isoformat() if c.target_date else ''}</td>"
                 f"<td>{c.gap if c.gap is not None else '—'}</td></tr>")
    h.append("</table>")
    if d["top_gaps"]:
        h.append("<h3>Top gaps</h3><ol>")
        for g in d["top_gaps"]:
            h.append(f"<li><b>{g['category']}</b> {e(g['name'])}: L{g['current']} → L{g['target']}"
                     f"{' by ' + g['target_date'] if g['target_date'] else ''}; next: {e(', '.join(g['blocking']) or '—')}</li>")
        h.append("</ol>")
    if d["trend"]:
        t = d["trend"]
        h.append(f"<h3>Trend since {t['previous_date']}</h3><p class='small'>Previous assessment {e(t['previous_id'])} "
                 f"({e(t['previous_status'])}); levels of assessed categories only.</p>"
                 "<table><tr><th>Category</th><th>Before</th><th>Now</th><th>Change</th></tr>")
        for r in t["rows"]:
            ch = r["change"]
            h.append(f"<tr><td>{r['category']}</td><td>{'L' + str(r['before']) if r['before'] else '—'}</td>"
                     f"<td>{'L' + str(r['after']) if r['after'] else '—'}</td>"
                     f"<td>{('+' if ch and ch > 0 else '') + str(ch) if ch is not None else '—'}</td></tr>")
        h.append("</table>")
    h.append("<h2>Method</h2>" f"<p>{e(d['rule'])}</p><ul>"
             f"<li>Scope: {e(', '.join(pub.scope.deployment_types) or 'all deployment types')}; categories "
             f"{e(', '.join(pub.categories))}.</li>"
             f"<li>Model text: {e(prov['name'])} {e(prov['version'])} (hash <code>{e(prov['hash'])}</code>; "
             f"{'official CSA text' if prov['official'] else 'representative text, not the official CSA wording'})"
             f"{' — the record was assessed against another corpus version' if pub.corpus_changed else ''}.</li>"
             + (f"<li>Evidence dated {d['evidence_range'][0]} to {d['evidence_range'][1]}.</li>" if d["evidence_range"]
                else "<li>No dated evidence on record.</li>")
             + "".join(f"<li>Excluded: {c.category} — {e(c.exclusion_reason or '')}</li>"
                       for c in pub.categories.values() if c.excluded) + "</ul>")
    so = d["signoff"]
    h.append("<h2>Sign-off</h2><table><tr><th>Category</th><th>State</th><th>Level confirmed</th><th>By</th>"
             "<th>On</th><th>Rationale</th></tr>")
    for c in so["categories"]:
        why = e(c["rationale"]) if c["rationale"] else "—"
        if c["acknowledgement"]:
            why += (f"<div class='small'>Confirmed with {_n(len(c['pending_at_confirmation']), 'proposal')} pending "
                    f"({e(', '.join(c['pending_at_confirmation']))}): {e(c['acknowledgement'])}</div>")
        if c["excluded"]:
            why = "Excluded: " + e(c["exclusion_reason"] or "")
        lvl = ("L" + str(c["confirmed_level"]) + ("" if c["current"] else " (superseded)")) if c["confirmed_level"] else "—"
        h.append(f"<tr><td>{c['category']}</td><td>{c['state_label']}</td><td>{lvl}</td>"
                 f"<td>{e(c['by'] or '—')}</td><td class='nw'>{c['at'] or '—'}</td><td>{why}</td></tr>")
    dec = so["decisions"]
    h.append(f"</table><p class='small'>Objective decisions: {_n(dec['accepted'], 'proposal')} accepted, "
             f"{dec['overridden']} overridden, {dec['set']} set by hand; {_n(so['pending'], 'proposal')} "
             "awaiting review.</p>")
    h += [f"<p class='small'>Status {e(str(s['from']))} → {e(str(s['to']))} by {e(s['by'])} on {s['at']}.</p>"
          for s in so["status_changes"]]
    h.append("<h2>Roadmap: gaps in order</h2>")
    h.append("<ol>" if d["steps"] else "<p>No gaps among the assessed categories.</p>")
    for s in d["steps"]:
        names = "; ".join(f"<b>{o['control_id']}</b> {e(o['name'])} <span class='s-{o['status']}'>"
                          f"({STATUS_LABEL[o['status']]})</span>" for o in s["objectives"]) or "—"
        h.append(f"<li><b>{s['category']}</b> L{s['from_level']} → L{s['to_level']} ({s['domain']}): {names}</li>")
    h.append("</ol>" if d["steps"] else "")
    from aismm_assistant.assessment.units import report_section

    h.append(report_section(record, corpus, "html"))
    h.append("<h2 class='pb'>Evidence by objective</h2>")
    for cid, ev in d["evidence"].items():
        c = pub.categories[cid]
        h.append(f"<h3 data-category='{cid}'>{cid} {e(c.name)} — {e(level_text(c))}"
                 f"{' <span class=small>(evidence as of ' + ev['as_of'] + ')</span>' if ev['as_of'] else ''}</h3>")
        if c.excluded:
            h.append(f"<p class='na'>Excluded: {e(c.exclusion_reason or '')}</p>")
            continue
        if not ev["rows"]:
            h.append("<p class='na'>Not assessed.</p>")
            continue
        h.append("<table class='evt'><colgroup><col style='width:30%'><col style='width:17%'><col></colgroup>"
                 "<tr><th>Objective</th><th>Status</th><th>Evidence, quotes and notes</th></tr>")
        for r in ev["rows"]:
            parts = []
            for x in r["evidence"]:
                parts.append(f"<div class='ev'>“{e(x['text'])}” — {e(x['source'])}"
                             f"{', ' + e(x['by']) if x['by'] else ''}{', as of ' + x['as_of'] if x['as_of'] else ''}</div>")
            if r["quotes"]:
                parts.append(f"<div class='small'>Quotes {e(r['quote_role'])}:</div>")
                parts += [f"<div class='q'>“{e(q['quote'])}” ({e(q['where'])})</div>" for q in r["quotes"]]
            if r["notes"]:
                parts.append(f"<div class='ev'><b>Notes:</b> {e(r['notes'])}</div>")
            if r["substitute_kpi"]:
                parts.append(f"<div class='ev'><b>Substitute KPI:</b> {e(r['substitute_kpi']['name'])}: "
                             f"{e(r['substitute_kpi']['objective'])}</div>")
            body = "".join(parts) or "<span class='s-unknown'>none recorded</span>"
            dec_html = ""
            if r["decision"]:
                dec_html = f"<div class='dec'>{e(decision_text(r['decision']))}</div>"
                if r["decision"]["rationale"]:
                    dec_html += f"<div class='dec'>“{e(r['decision']['rationale'])}”</div>"
            h.append(f"<tr data-control='{r['control_id']}'><td><b>{r['control_id']}</b> L{r['level']} {e(r['name'])}</td>"
                     f"<td><span class='s-{r['status']}'>{e(status_text(r))}</span>{dec_html}</td><td>{body}</td></tr>")
        h.append("</table>")
        if ev["not_applicable"]:
            h.append(f"<p class='small'>Not applicable in this scope: {', '.join(ev['not_applicable'])}</p>")
    h.append("</body></html>")
    # header rows in <thead>, so a table that runs over a page repeats them in the PDF
    return _THEAD.sub(r"\1<thead>\2</thead>", "\n".join(h))


_THEAD = re.compile(r"(<table[^>]*>(?:<colgroup>.*?</colgroup>)?)(<tr><th>.*?</tr>)")
