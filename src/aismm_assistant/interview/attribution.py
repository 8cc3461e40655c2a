"""Which objective a sentence evidences, read with the MiniLM embeddings (issue 11, item 4).

The lexical matcher (analysis.ObjectiveMatcher) proposes the objectives a sentence may serve; when it proposes
several, this module keeps the ones whose *criteria* the sentence is about. Each criterion text
(criteria.criteria_for) is embedded once per process (the MiniLM the search uses, run by ONNX Runtime or numpy; no torch);
the sentence is embedded once, with the turn's question as context when the sentence does not say what it is about
itself. A second objective keeps the sentence only when the sentence is about as close to one of its criteria as to
the best objective's (`EMBED_DELTA`), so one sentence normally supports one objective: an intake-form sentence is the
intake objective's, not also the registry's, the governance function's and the automated tracking's.

An objective whose assessment mode is Automated, or whose criteria ask for enforcement, is never reached by shared
topic words alone: as a second objective it needs the sentence to say that something happens by itself or is
enforced (`automation_or_enforcement`).

Switched on with AISMM_ATTRIBUTION=embeddings (analysis.ATTRIBUTION); off by default because the leave-organisations-out
cross-validation on the tuning set did not support it (docs/interview.md). Without the MiniLM package the lexical
attribution is used unchanged.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any

EMBED_DELTA = 0.08   # a second objective must be within this cosine of the best objective's criteria
_LOCK = threading.Lock()
_CRITERIA: dict[tuple, dict[str, Any]] = {}
_SENTENCES: OrderedDict[str, Any] = OrderedDict()
# How many sentence vectors the memo keeps (about 1.5 KB each): enough for a long interview in a server process.
# Training raises it for its run (evals/training.py), so that the tuning set's second pass and the readers' tables
# find every sentence of the first pass instead of embedding it again.
MEMO_SIZE = 20000
_ENCODER: list[Any] = []

# "happens by itself" or "is enforced": what an Automated / enforcement objective adds to its topic
_AUTOMATION = re.compile(
    r"\b(?:automat\w*|auto[- ]?\w+|pipeline|ci\b|policy[- ]as[- ]code|opa|gatekeeper|admission|webhook|alerts?|"
    r"pages?|triggers?|fires?|blocks?|blocked|rejects?|rejected|denies|denied|enforce[sd]?|enforcement|prevents?|"
    r"fails? the|gate[sd]?|dashboard|real[- ]time|continuous(?:ly)?|scheduled|nightly|every (?:night|hour|day)|"
    r"on every|by itself|without (?:anyone|a human|manual))", re.I)


def enabled() -> bool:
    """The encoder loads (the analysis switches this attribution on with AISMM_ATTRIBUTION=embeddings)."""
    return _encoder() is not None


def _encoder() -> Any:
    if not _ENCODER:
        try:
            from aismm_assistant.retrieval.embedder import sentence_encoder

            _ENCODER.append(sentence_encoder())
        except Exception:  # noqa: BLE001 - the package is optional: attribution stays lexical
            _ENCODER.append(None)
    return _ENCODER[0]


def automation_or_enforcement(sentence: str) -> bool:
    return bool(_AUTOMATION.search(sentence))


def criteria_vectors(key: tuple, texts: dict[str, list[str]]) -> dict[str, Any]:
    """Unit vectors of each objective's criteria, computed once per category content (key)."""
    with _LOCK:
        hit = _CRITERIA.get(key)
    if hit is not None:
        return hit
    enc = _encoder()
    flat = [(cid, t) for cid, ts in texts.items() for t in ts]
    vecs = enc.embed([t for _c, t in flat]) if flat else []
    out: dict[str, list] = {}
    for (cid, _t), v in zip(flat, vecs, strict=True):
        out.setdefault(cid, []).append(v)
    import numpy as np

    mats = {cid: np.stack(vs) for cid, vs in out.items()}
    with _LOCK:
        if len(_CRITERIA) > 64:
            _CRITERIA.clear()
        _CRITERIA[key] = mats
    return mats


def embed_sentences(texts: list[str]) -> list[Any]:
    """Sentence vectors, each computed once per process (an LRU memo), in one batch for the missing ones."""
    with _LOCK:
        found = {t: _SENTENCES[t] for t in dict.fromkeys(texts) if t in _SENTENCES}
        for t in found:
            _SENTENCES.move_to_end(t)  # least recently used goes first
    missing = [t for t in dict.fromkeys(texts) if t not in found]
    if missing:
        vecs = _encoder().embed(missing)
        found.update(zip(missing, vecs, strict=True))
        with _LOCK:
            for t, v in zip(missing, vecs, strict=True):
                _SENTENCES[t] = v
            while len(_SENTENCES) > MEMO_SIZE:
                _SENTENCES.popitem(last=False)
    return [found[t] for t in texts]


def similarities(vector: Any, mats: dict[str, Any], cids: list[str]) -> dict[str, float]:
    """Cosine of the sentence with the closest criterion of each objective."""
    return {cid: float((mats[cid] @ vector).max()) if cid in mats else 0.0 for cid in cids}
