"""Agreement metrics: levels exactly, within one and by quadratic weighted kappa; statuses by macro F1."""

from __future__ import annotations

from collections import Counter


def quadratic_weighted_kappa(truth: list[int], pred: list[int], low: int = 1, high: int = 5) -> float:
    """Cohen's kappa with quadratic weights over the ordinal levels low..high."""
    n = len(truth)
    if n == 0:
        return 0.0
    k = high - low + 1
    obs = [[0.0] * k for _ in range(k)]
    for t, p in zip(truth, pred, strict=True):
        obs[t - low][p - low] += 1
    hist_t = [sum(row) for row in obs]
    hist_p = [sum(obs[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * obs[i][j]
            den += w * hist_t[i] * hist_p[j] / n
    if den == 0:
        return 1.0 if num == 0 else 0.0
    return 1.0 - num / den


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Macro F1 over the statuses that occur in truth or prediction."""
    labels = sorted({t for t, _ in pairs} | {p for _, p in pairs})
    if not labels:
        return 0.0
    scores = []
    for lab in labels:
        tp = sum(1 for t, p in pairs if t == lab and p == lab)
        fp = sum(1 for t, p in pairs if t != lab and p == lab)
        fn = sum(1 for t, p in pairs if t == lab and p != lab)
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def summarise(rows: list[dict], pairs: list[tuple[str, str]], valid: int, total: int,
              proposed_valid: int | None = None, proposed_total: int | None = None) -> dict:
    """The `aismm eval` figures from per-case rows (expected / predicted level) and (expected, predicted) statuses.

    `valid` / `total` count the citations the engine kept (after the verbatim filter); `proposed_valid` /
    `proposed_total` count every quote it proposed, before the filter dropped the ones that do not verify.
    """
    if proposed_valid is None or proposed_total is None:
        proposed_valid, proposed_total = valid, total
    truth = [r["expected"] for r in rows]
    pred = [r["predicted"] for r in rows]
    n = len(rows)

    def agree(sel: list[dict]) -> dict:
        k = len(sel)
        return {"cases": k,
                "level_exact": round(sum(r["expected"] == r["predicted"] for r in sel) / k, 4) if k else None,
                "level_within_one": round(sum(abs(r["expected"] - r["predicted"]) <= 1 for r in sel) / k, 4)
                if k else None,
                "mean_error": round(sum(r["predicted"] - r["expected"] for r in sel) / k, 3) if k else None}

    confusion = [[0] * 5 for _ in range(5)]
    for t, p in zip(truth, pred, strict=True):
        confusion[t - 1][p - 1] += 1
    status_counts = Counter(p for _, p in pairs)
    return {
        "cases": n,
        "level_exact": round(sum(t == p for t, p in zip(truth, pred, strict=True)) / n, 4) if n else 0.0,
        "level_within_one": round(sum(abs(t - p) <= 1 for t, p in zip(truth, pred, strict=True)) / n, 4)
        if n else 0.0,
        "qwk": round(quadratic_weighted_kappa(truth, pred), 4),
        "over_rated": round(sum(p > t for t, p in zip(truth, pred, strict=True)) / n, 4) if n else 0.0,
        "control_macro_f1": round(macro_f1(pairs), 4),
        "controls_compared": len(pairs),
        "control_accuracy": round(sum(t == p for t, p in pairs) / len(pairs), 4) if pairs else 0.0,
        "citation_validity": round(valid / total, 4) if total else 1.0,
        "citations": total,
        "citation_validity_prefilter": round(proposed_valid / proposed_total, 4) if proposed_total else 1.0,
        "citations_proposed": proposed_total,
        "abstention_rate": round(status_counts.get("unknown", 0) / len(pairs), 4) if pairs else 0.0,
        "per_category": {c: agree([r for r in rows if r["category"] == c])
                         for c in sorted({r["category"] for r in rows})},
        "per_level": {str(lv): agree([r for r in rows if r["expected"] == lv]) for lv in range(1, 6)},
        "confusion_matrix": {"labels": [1, 2, 3, 4, 5], "rows": "expected", "columns": "predicted",
                             "matrix": confusion},
        "case_results": rows,
    }
