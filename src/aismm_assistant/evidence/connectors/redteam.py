"""AI red-team reports: garak ``report.jsonl`` and PyRIT conversation exports.

- garak: the JSONL report, one JSON object per line with ``entry_type`` (``init``, ``attempt``,
  ``eval``, ...). Cases are the evaluated attempts (``status`` 2); the attack success rate is
  ``(total - passed) / total`` over the ``eval`` rows; the attack families tested come from the
  probe module names (``FAMILIES``).
- PyRIT: ``export_conversations`` JSON, a list of message pieces (``conversation_id``, ``role``,
  ``original_value``, ``labels``, ``attack_identifier`` / ``orchestrator_identifier``, ``scores``).
  A case is a conversation; it is a successful attack when a ``true_false`` score of a scorer other
  than a refusal scorer is true. Families come from attack, label and score-category names.
"""

from __future__ import annotations

import json
from typing import Any

from aismm_assistant.errors import ValidationError
from aismm_assistant.evidence.connectors.base import (
    Coverage,
    Finding,
    Source,
    ceiling_percent,
    minimum_count,
    to_proposal,
)
from aismm_assistant.model import Corpus

NAME = "redteam"
TITLE = "AI red-team reports: garak report.jsonl, PyRIT conversation export"
# Objectives chosen by reading corpus/categories/{APP,MOD}.yaml.
CRITERIA: dict[str, str] = {
    "APP-04.1": "an adversarial suite of at least the objective's number of cases covering direct and indirect "
                "prompt injection, jailbreaks, system-prompt extraction and unsafe output handling, with an attack "
                "success rate at or below the objective's ceiling",
    "MOD-03.3": "a security evaluation with jailbreak, prompt-injection, harmful-content and data-leakage suites",
}
# garak probe modules (and PyRIT attack / label words) by attack family: data, not rules.
FAMILIES: dict[str, tuple[str, ...]] = {
    "direct prompt injection": ("promptinject", "encoding", "smuggling", "badchars", "prompt_injection"),
    "indirect prompt injection": ("latentinjection", "xpia", "indirect"),
    "jailbreak": ("dan", "tap", "gcg", "suffix", "grandma", "dra", "fitd", "goat", "phrasing", "jailbreak",
                  "crescendo", "pair", "skeleton", "many_shot", "manyshot"),
    "system-prompt extraction": ("sysprompt_extraction", "system_prompt", "sysprompt", "promptleak"),
    "unsafe output handling": ("xss", "web_injection", "exploitation", "ansiescape", "packagehallucination",
                               "sql_injection", "markdown"),
    "harmful content": ("realtoxicityprompts", "lmrc", "donotanswer", "continuation", "atkgen", "misleading",
                        "topic", "harm", "toxicity", "violence", "hate"),
    "data leakage": ("leakreplay", "divergence", "apikey", "pii", "leak", "privacy"),
}
APP_FAMILIES = ("direct prompt injection", "indirect prompt injection", "jailbreak", "system-prompt extraction",
                "unsafe output handling")
MOD_FAMILIES = ("jailbreak", "prompt injection", "harmful content", "data leakage")


def families_of(name: str) -> set[str]:
    words = name.lower().replace("-", "_")
    module = words.split(".")[0]
    out = {fam for fam, keys in FAMILIES.items() if module in keys or any(k in words for k in keys if len(k) > 4)}
    if out & {"direct prompt injection", "indirect prompt injection"}:
        out.add("prompt injection")
    return out


def _kind(data: Any) -> str | None:
    if not isinstance(data, list) or not data or not all(isinstance(r, dict) for r in data):
        return None
    types = {r.get("entry_type") for r in data}
    if types & {"attempt", "eval"} and types <= {"init", "start_run setup", "attempt", "eval", "completion",
                                                 "digest", "config", None}:
        return "garak"
    if all("conversation_id" in r and "role" in r for r in data) and any(
            "original_value" in r or "converted_value" in r for r in data):
        return "pyrit"
    return None


def detect(data: Any) -> bool:
    return _kind(data) is not None


def _garak(src: Source) -> tuple[int, float | None, dict[str, list[dict]], list[dict[str, str]]]:
    attempts = [r for r in src.data if r.get("entry_type") == "attempt" and r.get("status") == 2]
    evals = [r for r in src.data if r.get("entry_type") == "eval"]
    if not evals and not attempts:
        raise ValidationError(f"{src.name}: the garak report has no evaluated attempts or eval rows")
    total = sum(int(r.get("total") or 0) for r in evals)
    passed = sum(int(r.get("passed") or 0) for r in evals)
    asr = 100.0 * (total - passed) / total if total else None
    cases = len({r.get("uuid") for r in attempts}) or total
    fams: dict[str, list[dict]] = {}
    for r in evals or attempts:
        for fam in families_of(str(r.get("probe") or r.get("probe_classname") or "")):
            fams.setdefault(fam, []).append(r)
    cites: list[dict[str, str]] = []
    for seg in src.text.segments:
        if '"eval"' in seg.text and len(seg.text) <= 400:
            cites.append(src.cite(seg.text))
    init = next((r for r in src.data if r.get("entry_type") == "init"), None)
    if init and init.get("garak_version"):
        cites.append(src.quote_pair("garak_version", init["garak_version"]))
    return cases, asr, fams, [c for c in cites if c]


def _pyrit(src: Source) -> tuple[int, float | None, dict[str, list[dict]], list[dict[str, str]]]:
    conversations: dict[str, list[dict]] = {}
    for piece in src.data:
        conversations.setdefault(str(piece.get("conversation_id")), []).append(piece)
    fams: dict[str, list[dict]] = {}
    scored = success = 0
    for pieces in conversations.values():
        names = []
        verdicts = []
        for p in pieces:
            for key in ("attack_identifier", "orchestrator_identifier"):
                ident = p.get(key) or {}
                names.append(str(ident.get("__type__", "")) if isinstance(ident, dict) else str(ident))
            names += [f"{k} {v}" for k, v in (p.get("labels") or {}).items()]
            for s in p.get("scores") or []:
                names.append(str(s.get("score_category") or ""))
                scorer = json.dumps(s.get("scorer_class_identifier") or "")
                if s.get("score_type") == "true_false" and "refusal" not in scorer.lower():
                    verdicts.append(str(s.get("score_value")).lower() == "true")
        if verdicts:
            scored += 1
            success += any(verdicts)
        for fam in set().union(*(families_of(n) for n in names if n)):
            fams.setdefault(fam, []).append(pieces[0])
    asr = 100.0 * success / scored if scored else None
    cites = []
    for cid in list(conversations)[:4]:
        cites.append(src.quote_pair("conversation_id", cid))
    for pieces in fams.values():
        for p in pieces[:1]:
            for s in p.get("scores") or []:
                cites.append(src.quote_pair("score_category", s.get("score_category")))
    return len(conversations), asr, fams, [c for c in cites if c]


def propose(doc: Source, corpus: Corpus) -> list[dict[str, Any]]:
    kind = _kind(doc.data)
    cases, asr, fams, cites = (_garak if kind == "garak" else _pyrit)(doc)
    engine = f"connector:redteam-{kind}"
    out = []
    app = corpus.control("APP-04.1")
    if app:
        need = minimum_count(app.objective, "case")
        ceiling = ceiling_percent(app.objective, "success rate")
        short = []
        if need and cases < need:
            short.append(f"{cases} cases, fewer than the {need} the objective asks for")
        if ceiling is not None and asr is not None and asr > ceiling:
            short.append(f"attack success rate {asr:.1f}% is above the objective's {ceiling:g}%")
        have = [f for f in APP_FAMILIES if f in fams]
        missing = [f for f in APP_FAMILIES if f not in fams]
        if missing:
            short.append("families not tested: " + ", ".join(missing))
        measured = f"{cases} cases; attack success rate {asr:.1f}%" if asr is not None else f"{cases} cases"
        out.append(to_proposal(Finding(
            "APP-04.1", Coverage(len(have), len(APP_FAMILIES), f"attack families tested ({measured})"),
            citations=cites[:8], shortfalls=short, threshold=100.0,
            not_shown=["that the suite gates every release in CI/CD", "a schedule of at least monthly runs",
                       "results kept for at least 12 months"]), corpus, engine))
    if corpus.control("MOD-03.3"):
        have = [f for f in MOD_FAMILIES if f in fams]
        out.append(to_proposal(Finding(
            "MOD-03.3", Coverage(len(have), len(MOD_FAMILIES), "evaluation suites run (jailbreak, prompt injection, "
                                                                "harmful content, data leakage)"),
            citations=cites[:8], threshold=100.0,
            not_shown=["that every model and version change is evaluated before production",
                       "documented pass thresholds", "results attached to the model's registry entry"]),
            corpus, engine))
    return out
