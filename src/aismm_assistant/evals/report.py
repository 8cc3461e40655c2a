"""The eval's HTML page: a confusion matrix and per-category bars as inline SVG (no CDN, no JS)."""

from __future__ import annotations

import html
from pathlib import Path


def _confusion_svg(matrix: list[list[int]]) -> str:
    cell, pad = 56, 70
    peak = max((v for row in matrix for v in row), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{pad + 5 * cell + 10}" height="{pad + 5 * cell + 30}"'
             ' role="img" aria-label="confusion matrix of levels">']
    for i, row in enumerate(matrix):
        parts.append(f'<text x="{pad - 10}" y="{pad + i * cell + cell / 2 + 5}" text-anchor="end">L{i + 1}</text>')
        for j, v in enumerate(row):
            shade = int(235 - 180 * v / peak)
            fill = f"rgb({shade},{shade + 10 if shade < 245 else 245},255)" if i != j else f"rgb({shade},255,{shade})"
            x, y = pad + j * cell, pad + i * cell
            parts.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}" stroke="#999"/>')
            parts.append(f'<text x="{x + cell / 2 - 1}" y="{y + cell / 2 + 5}" text-anchor="middle">{v}</text>')
    for j in range(5):
        parts.append(f'<text x="{pad + j * cell + cell / 2}" y="{pad - 10}" text-anchor="middle">L{j + 1}</text>')
    parts.append(f'<text x="{pad + 2.5 * cell}" y="20" text-anchor="middle">predicted level</text>')
    parts.append(f'<text x="14" y="{pad + 2.5 * cell}" transform="rotate(-90 14 {pad + 2.5 * cell})" '
                 'text-anchor="middle">expected level</text>')
    parts.append("</svg>")
    return "".join(parts)


def _bars_svg(per_category: dict[str, dict]) -> str:
    bar_h, width, left = 22, 360, 60
    items = list(per_category.items())
    height = 30 + len(items) * (bar_h + 8)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" height="{height}" role="img"'
             ' aria-label="level agreement per category">']
    for k, (cat, row) in enumerate(items):
        y = 20 + k * (bar_h + 8)
        exact = row.get("level_exact") or 0.0
        within = row.get("level_within_one") or 0.0
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{html.escape(cat)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{width * within:.1f}" height="{bar_h}" fill="#c6dbef"/>')
        parts.append(f'<rect x="{left}" y="{y}" width="{width * exact:.1f}" height="{bar_h}" fill="#3182bd"/>')
        parts.append(f'<text x="{left + width + 8}" y="{y + 16}">{exact:.0%} exact, {within:.0%} ±1 '
                     f'(n={row["cases"]})</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_report(result: dict, path: Path, title: str = "aismm eval") -> Path:
    """Write the HTML page; returns the path written."""
    keys = ("cases", "level_exact", "level_within_one", "qwk", "over_rated", "control_accuracy", "control_macro_f1",
            "citation_validity_prefilter", "citation_validity", "abstention_rate")
    rows = "".join(f"<tr><th>{k}</th><td>{result.get(k)}</td></tr>" for k in keys)
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}}table{{border-collapse:collapse}}
th,td{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}}svg text{{font-size:13px}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p>Engine: {html.escape(str(result.get("engine", "offline")))}. Source: {html.escape(str(result.get("path", "")))}</p>
<h2>Summary</h2><table>{rows}</table>
<h2>Confusion matrix (rows expected, columns predicted)</h2>
{_confusion_svg(result["confusion_matrix"]["matrix"])}
<h2>Level agreement per category</h2>
{_bars_svg(result["per_category"])}
</body></html>
"""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path
