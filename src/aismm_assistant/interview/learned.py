"""Learned status model: a small multinomial logistic regression over what the rules already compute.

For each applicable objective the rules (analysis.py, signals.py) produce evidence sentences, a verdict and a
confidence. `features` turns them into ~45 numbers (verdict, vote weights and counts per status, signal counts,
best match, whether a question targeted it, the objective's level and mode). The model, fitted on the expected
control verdicts of evals/golden, may re-label an objective the rules *decided* (met / partial / not_met), under
guards that keep the engine's promises:

- an objective the rules left unknown (not discussed, vague, hedged, abstained) stays unknown;
- met needs at least one sentence that itself votes met (never a planned, piloted, hedged or screened one);
- a partial read from a stated number below the objective's bar ("about 60%" against 90%) stays partial;
- the model must prefer its status by at least `margin` (chosen with the L2 strength by rotation);
- the citations are the verbatim evidence sentences voting for the new status.

Weights: `status_model.json` beside this file (inference is pure Python; numpy only for training).
Regenerate: `python -m aismm_assistant.interview.learned train [evals/golden]`; measure by leave-organisations-out
cross-validation: `python -m aismm_assistant.interview.learned cv [evals/golden]` (docs/interview.md).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aismm_assistant.interview.signals import Thresholds, shortfall

if TYPE_CHECKING:
    from aismm_assistant.interview.analysis import ControlProposal, Evidence
    from aismm_assistant.model import Control

WEIGHTS_PATH = Path(__file__).resolve().parent / "status_model.json"
CLASSES = ("met", "partial", "not_met", "unknown")
DECIDED = ("met", "partial", "not_met")
SIGNALS = ("negated", "planned", "pilot", "partial", "hedged", "unsure", "vague", "correction", "generic", "manual",
           "automatic", "present", "universal")
LAMBDAS = (0.001, 0.003, 0.01, 0.03, 0.1)  # L2 strengths tried by the inner rotation of `cv` / `train`
MARGINS = (0.0, 0.1, 0.2)  # how much more probable the model's status must be than the rules' (same rotation)
STEPS = 3000
LEARNING_RATE = 0.5

FEATURE_NAMES = (
    ["bias"] + [f"rules_{s}" for s in CLASSES] + ["rules_confidence"]
    + [f"log_weight_{s}" for s in CLASSES] + [f"share_{s}" for s in CLASSES] + [f"count_{s}" for s in CLASSES]
    + ["best_raw", "best_score", "turns"] + [f"last_turn_share_{s}" for s in CLASSES]
    + [f"signal_{s}" for s in SIGNALS] + ["below_threshold", "asked", "level_2", "level_3", "level_4", "level_5",
                                          "automated", "no_evidence"]
)


def features(control: Control, items: Sequence[Evidence], proposal: ControlProposal, asked: bool,
             thresholds: Thresholds) -> list[float]:
    """The model's input for one objective, from the rules' evidence sentences and verdict."""
    f = [1.0] + [1.0 if proposal.status == s else 0.0 for s in CLASSES] + [proposal.confidence]
    weight = dict.fromkeys(CLASSES, 0.0)
    count = dict.fromkeys(CLASSES, 0)
    for e in items:
        st = e.status if e.status in weight else "unknown"
        weight[st] += e.score
        count[st] += 1
    total = sum(weight.values()) or 1.0
    f += [math.log1p(weight[s]) / 4 for s in CLASSES]
    f += [weight[s] / total for s in CLASSES]
    f += [min(count[s], 5) / 5 for s in CLASSES]
    f += [math.log1p(max((e.raw for e in items), default=0.0)) / 4,
          math.log1p(max((e.score for e in items), default=0.0)) / 4,
          min(len({e.turn for e in items}), 4) / 4]
    if items:
        last_turn = max(e.turn for e in items)
        last = {s: sum(e.score for e in items if e.turn == last_turn and e.status == s) for s in CLASSES}
        last_total = sum(last.values()) or 1.0
        f += [last[s] / last_total for s in CLASSES]
    else:
        f += [0.0] * len(CLASSES)
    f += [min(sum(1 for e in items if getattr(e.signals, name)), 3) / 3 for name in SIGNALS]
    f += [min(sum(1 for e in items if shortfall(e.signals, thresholds)), 3) / 3, 1.0 if asked else 0.0]
    f += [1.0 if control.level == lv else 0.0 for lv in (2, 3, 4, 5)]
    f += [1.0 if control.assessment_mode == "Automated" else 0.0, 0.0 if items else 1.0]
    return f


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> dict | None:
    """The shipped weights (None when the file is absent: the rules then decide alone)."""
    p = Path(path) if path else WEIGHTS_PATH
    if not p.exists():
        return None
    model = json.loads(p.read_text(encoding="utf-8"))
    if list(model.get("features", [])) != FEATURE_NAMES or list(model.get("classes", [])) != list(CLASSES):
        raise ValueError(f"{p}: weights were trained for other features; regenerate with "
                         "`python -m aismm_assistant.interview.learned train`")
    return model


def probabilities(weights: Sequence[Sequence[float]], x: Sequence[float]) -> list[float]:
    z = [sum(xi * w[k] for xi, w in zip(x, weights, strict=True)) for k in range(len(CLASSES))]
    top = max(z)
    e = [math.exp(v - top) for v in z]
    s = sum(e)
    return [v / s for v in e]


def choose(proposal_status: str, items: Sequence[Evidence], probs: Sequence[float], margin: float = 0.0,
           below_threshold: bool = False) -> str:
    """The guarded status: the rules' verdict unless the model clearly prefers another decided status it may propose."""
    if proposal_status not in DECIDED:
        return proposal_status  # unknown / abstained stays unknown
    if proposal_status == "partial" and below_threshold:
        return proposal_status  # a stated number below the objective's bar is partial by definition (signals.py)
    best = CLASSES[max(range(len(CLASSES)), key=lambda k: (probs[k], -k))]
    if best not in DECIDED or best == proposal_status:
        return proposal_status
    if probs[CLASSES.index(best)] - probs[CLASSES.index(proposal_status)] < margin:
        return proposal_status  # a near tie: the rules' reading stands
    if best == "met" and not any(e.status == "met" for e in items):
        return proposal_status  # met needs a sentence that itself says "in place"
    return best


def relabel(control: Control, items: Sequence[Evidence], proposal: ControlProposal, x: Sequence[float],
            model: dict | None = None) -> ControlProposal:
    """Apply the learned model to one rule-based proposal (unchanged when the model agrees or may not act)."""
    from aismm_assistant.interview.analysis import ControlProposal

    model = model if model is not None else load_model()
    if model is None or proposal.status not in DECIDED:
        return proposal
    probs = probabilities(model["weights"], x)
    status = choose(proposal.status, items, probs, float(model.get("margin", 0.0)),
                    x[FEATURE_NAMES.index("below_threshold")] > 0)
    if status == proposal.status:
        return proposal
    support = [e for e in items if e.status == status] or [e for e in items if e.status in DECIDED]
    citations = [{"turn": e.turn, "quote": e.quote} for e in sorted(support, key=lambda e: (e.turn, -e.score))][:3]
    p = probs[CLASSES.index(status)]
    reasons = [f"learned status model: {status} (p={p:.2f}); the rules alone said {proposal.status}"]
    reasons += list(dict.fromkeys(e.note for e in support if e.note))
    request = [] if status == "met" else (list(control.evidence[:3]) or [f"Documents showing: {control.name}"])
    return ControlProposal(control.id, status, max(0.05, min(p, 0.97)), citations=citations, reasons=reasons,
                           evidence_request=request)


# ---------------------------------------------------------------- training and cross-validation (numpy)


def _collect(golden: Path) -> list[dict[str, Any]]:
    """Per golden case: organisation, rule proposal, features and evidence per objective, expected verdicts."""
    from aismm_assistant.corpus import get_category, load_corpus
    from aismm_assistant.evaluation import golden_paths, load_golden
    from aismm_assistant.interview import analysis

    corpus = load_corpus()
    cases = []
    captured: dict[str, list] = {}
    original = analysis._decide

    def capture(control, items):  # the evidence lists the features were computed from
        captured[control.id] = list(items)
        return original(control, items)

    analysis._decide = capture
    try:
        for file in golden_paths(golden):
            g = load_golden(file, corpus=corpus)
            for cid, case in g.categories.items():
                cat = get_category(cid, corpus)
                captured.clear()
                prop, feats = analysis.analyse_detail(cat, case.turns, g.scope, status_model=False)
                cases.append({"org": file.name.split("--")[0], "file": file.name, "category": cat, "scope": g.scope,
                              "turns": case.turns, "expected": case.expected_level,
                              "expected_controls": case.expected_controls, "proposal": prop, "features": feats,
                              "items": dict(captured)})
    finally:
        analysis._decide = original
    return cases


def _data(cases: list[dict]) -> tuple[list[list[float]], list[int]]:
    X, y = [], []
    for c in cases:
        for cid, st in sorted(c["expected_controls"].items()):
            if cid in c["features"] and st in CLASSES:
                X.append(c["features"][cid])
                y.append(CLASSES.index(st))
    return X, y


def fit(X: list[list[float]], y: list[int], lam: float) -> list[list[float]]:
    """L2-regularised multinomial logistic regression by full-batch gradient descent (deterministic)."""
    import numpy as np

    A = np.asarray(X, dtype=np.float64)
    Y = np.eye(len(CLASSES))[np.asarray(y)]
    W = np.zeros((A.shape[1], len(CLASSES)))
    mask = np.ones_like(W)
    mask[0] = 0.0  # the bias is not regularised
    for _ in range(STEPS):
        Z = A @ W
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        W -= LEARNING_RATE * (A.T @ (P - Y) / len(A) + lam * mask * W)
    return [[round(float(v), 6) for v in row] for row in W]


def _score(cases: list[dict], weights: list[list[float]] | None, margin: float = 0.0) -> dict[str, float]:
    from aismm_assistant.evaluation import macro_f1, quadratic_weighted_kappa
    from aismm_assistant.interview.analysis import finish

    rows, pairs = [], []
    model = {"weights": weights, "margin": margin} if weights is not None else None
    for c in cases:
        prop = c["proposal"]
        controls = dict(prop.controls)
        if model is not None:
            by_id = {k.id: k for k in c["category"].controls}
            for cid, x in c["features"].items():
                controls[cid] = relabel(by_id[cid], c["items"].get(cid, []), controls[cid], x, model)
        level = finish(c["category"], controls, [], c["scope"]).level
        rows.append((c["expected"], level))
        pairs += [(st, controls[cid].status if cid in controls else "unknown")
                  for cid, st in c["expected_controls"].items()]
    n = len(rows) or 1
    return {"cases": len(rows), "exact": sum(t == p for t, p in rows) / n,
            "within_one": sum(abs(t - p) <= 1 for t, p in rows) / n,
            "qwk": quadratic_weighted_kappa([t for t, _ in rows], [p for _, p in rows]),
            "f1": macro_f1(pairs), "accuracy": sum(t == p for t, p in pairs) / (len(pairs) or 1)}


def _folds(cases: list[dict], k: int = 3) -> dict[str, int]:
    orgs = sorted({c["org"] for c in cases})
    return {o: j % k for j, o in enumerate(orgs)}


def choose_params(cases: list[dict]) -> tuple[tuple[float, float], dict[tuple[float, float], float]]:
    """L2 strength and margin by rotation over the organisation folds of `cases`: held-out QWK + exact + F1.

    Ties go to the stronger regularisation and the larger margin (the model changing less).
    """
    fold = _folds(cases)
    parts: dict[tuple[float, float], list[float]] = {}
    for j in sorted(set(fold.values())):
        train = [c for c in cases if fold[c["org"]] != j]
        test = [c for c in cases if fold[c["org"]] == j]
        for lam in LAMBDAS:
            weights = fit(*_data(train), lam)
            for margin in MARGINS:
                r = _score(test, weights, margin)
                parts.setdefault((lam, margin), []).append(r["qwk"] + r["exact"] + r["f1"])
    score = {k: sum(v) / len(v) for k, v in parts.items()}
    return max(score, key=lambda k: (round(score[k], 9), k[0], k[1])), score


def cross_validate(golden: Path) -> dict:
    """Leave-organisations-out CV (organisation j -> fold j mod 3): rules alone vs rules + learned model."""
    cases = _collect(golden)
    fold = _folds(cases)
    out = {"folds": []}
    for k in range(3):
        train = [c for c in cases if fold[c["org"]] != k]
        test = [c for c in cases if fold[c["org"]] == k]
        (lam, margin), _ = choose_params(train)
        weights = fit(*_data(train), lam)
        out["folds"].append({"fold": k, "organisations": sorted({c["org"] for c in test}), "lambda": lam,
                             "margin": margin, "rules": _score(test, None), "learned": _score(test, weights, margin)})
    for name in ("rules", "learned"):
        out[f"mean_{name}"] = {m: sum(f[name][m] for f in out["folds"]) / 3
                               for m in ("exact", "within_one", "qwk", "f1", "accuracy")}
    return out


def train(golden: Path, out: Path = WEIGHTS_PATH) -> dict:
    """Fit on every case under `golden` (L2 strength chosen by rotation) and write the weights file."""
    import hashlib

    cases = _collect(golden)
    (lam, margin), inner = choose_params(cases)
    X, y = _data(cases)
    weights = fit(X, y, lam)
    digest = hashlib.sha256()
    for c in sorted({c["file"] for c in cases}):
        digest.update((Path(golden) / c).read_bytes() if Path(golden).is_dir() else Path(golden).read_bytes())
    model = {
        "note": ("Multinomial logistic regression re-labelling the rules' decided verdicts (learned.py). Trained on "
                 "the expected control verdicts of evals/golden (never the holdout)."),
        "trained_on": {"path": "evals/golden", "files": len({c['file'] for c in cases}), "cases": len(cases),
                       "organisations": len({c["org"] for c in cases}), "examples": len(y),
                       "labels": {s: y.count(i) for i, s in enumerate(CLASSES)},
                       "sha256": digest.hexdigest()[:16]},
        "lambda": lam, "margin": margin,
        "rotation_scores": {f"lambda={k[0]} margin={k[1]}": round(v, 4) for k, v in sorted(inner.items())},
        "steps": STEPS, "learning_rate": LEARNING_RATE,
        "classes": list(CLASSES), "features": FEATURE_NAMES, "weights": weights,
    }
    Path(out).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    load_model.cache_clear()
    return model


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("train", "cv"):
        print("usage: python -m aismm_assistant.interview.learned train|cv [GOLDEN_PATH]", file=sys.stderr)
        return 2
    golden = Path(args[1]) if len(args) > 1 else Path("evals/golden")
    if args[0] == "train":
        m = train(golden)
        print(f"wrote {WEIGHTS_PATH} (lambda {m['lambda']}, margin {m['margin']}, "
              f"{m['trained_on']['examples']} examples)")
        return 0
    r = cross_validate(golden)
    print("| fold | cases | engine | exact | within one | QWK | control macro F1 | control accuracy |")
    print("|---|---|---|---|---|---|---|---|")
    for f in r["folds"]:
        for name in ("rules", "learned"):
            s = f[name]
            label = name if name == "rules" else f"learned (lambda {f['lambda']}, margin {f['margin']})"
            print(f"| {f['fold']} | {s['cases']} | {label} | {s['exact']:.3f} | "
                  f"{s['within_one']:.3f} | {s['qwk']:.3f} | {s['f1']:.3f} | {s['accuracy']:.3f} |")
    for name in ("rules", "learned"):
        s = r[f"mean_{name}"]
        print(f"| mean | | {name} | {s['exact']:.3f} | {s['within_one']:.3f} | {s['qwk']:.3f} | {s['f1']:.3f} | "
              f"{s['accuracy']:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
