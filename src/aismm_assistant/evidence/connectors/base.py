"""What every connector shares: the parsed source, verbatim citations, thresholds read from objectives,
and the one rule that turns a counted coverage into a proposed status (docs/evidence.md).

Status rule: coverage at or above the objective's threshold -> ``met`` only when the file can show
every criterion of the objective, otherwise ``partial`` (the rationale names what the assessor still
has to check); some coverage below the threshold -> ``partial``; none -> ``not_met``. A proposal is
never confirmed here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from aismm_assistant.evidence.extract import Extracted
from aismm_assistant.evidence.quotes import locate
from aismm_assistant.model import Corpus


@dataclass
class Source:
    """One machine-readable file: its parsed content, its extracted text and its sha256."""

    name: str
    data: Any
    text: Extracted
    sha256: str

    def quote_pair(self, key: str, value: Any) -> dict[str, str] | None:
        """A citation for ``"key": value`` exactly as the file writes it (pretty or minified)."""
        raw = self.text.text
        rendered = value if isinstance(value, str) else json.dumps(value)
        if isinstance(value, str):
            pattern = re.escape(json.dumps(key)) + r"\s*:\s*" + re.escape(json.dumps(value, ensure_ascii=False))
        else:
            pattern = re.escape(json.dumps(key)) + r"\s*:\s*" + re.escape(rendered)
        m = re.search(pattern, raw)
        if m is None:
            return self.quote_value(value)
        return self.cite(m.group(0))

    def quote_value(self, value: Any) -> dict[str, str] | None:
        """A citation for a value alone: as a JSON string, else bare (inside an escaped JSON string)."""
        if value in (None, ""):
            return None
        text = str(value)
        return self.cite(json.dumps(text, ensure_ascii=False)) or self.cite(text)

    def cite(self, quote: str) -> dict[str, str] | None:
        loc = locate(self.text, quote)
        return None if loc is None else {"evidence": self.sha256, "locator": loc, "quote": quote}


@dataclass
class Coverage:
    """A counted share, e.g. 11 of 12 production applications have an ML-BOM with model hashes."""

    count: int
    total: int
    what: str  # "production applications have an ML-BOM with model hashes"

    @property
    def share(self) -> float | None:
        return None if self.total == 0 else 100.0 * self.count / self.total

    def sentence(self) -> str:
        return f"{self.count} of {self.total} {self.what}"


@dataclass
class Finding:
    """A connector's measurement for one objective, before the status rule is applied."""

    control_id: str
    coverage: Coverage
    citations: list[dict[str, str]] = field(default_factory=list)
    not_shown: list[str] = field(default_factory=list)  # criteria this file cannot evidence
    shortfalls: list[str] = field(default_factory=list)  # measured criteria that fall short
    threshold: float | None = None  # override the share read from the objective text


def threshold_percent(corpus: Corpus, control_id: str) -> float:
    """The lowest share the objective asks for ('at least 90%', '100% of', 'every' -> 100)."""
    from aismm_assistant.interview.signals import objective_thresholds

    control = corpus.control(control_id) if hasattr(corpus, "control") else None
    if control is None:
        from aismm_assistant.corpus import get_control

        control = get_control(control_id, corpus)
    found = objective_thresholds(control.objective).min_percent
    return float(found) if found is not None else 100.0


def ceiling_percent(objective: str, topic: str) -> float | None:
    """A maximum stated for ``topic`` in the objective ('blocked when the attack success rate exceeds ... 5%')."""
    for sentence in re.split(r"(?<=[.;])\s+", objective):
        if topic.lower() in sentence.lower():
            m = re.search(r"(\d{1,3}(?:\.\d+)?)\s*%", sentence[sentence.lower().index(topic.lower()):])
            if m:
                return float(m.group(1))
    return None


def minimum_count(objective: str, noun: str) -> int | None:
    """'at least 200 cases' -> 200 for noun 'case'."""
    m = re.search(r"at least (\d[\d,]*)\s+" + re.escape(noun), objective, re.I)
    return int(m.group(1).replace(",", "")) if m else None


def to_proposal(finding: Finding, corpus: Corpus, engine: str) -> dict[str, Any]:
    """Apply the status rule; the proposal carries its coverage, threshold, citations and what is unseen."""
    threshold = finding.threshold if finding.threshold is not None else threshold_percent(corpus, finding.control_id)
    cov = finding.coverage
    share = cov.share
    meets = share is not None and share + 1e-9 >= threshold and not finding.shortfalls
    if share is None or cov.count == 0:
        status = "not_met" if cov.total else "unknown"
    elif meets:
        status = "partial" if finding.not_shown else "met"
    else:
        status = "partial"
    parts = [f"{cov.sentence()} ({share:.0f}%; the objective asks for {threshold:g}%)" if share is not None
             else f"no {cov.what.split(' ')[0]} found in the file"]
    parts += finding.shortfalls
    if finding.not_shown:
        parts.append("the file cannot show: " + "; ".join(finding.not_shown))
    confidence = 0.0 if status == "unknown" else (0.8 if status == "met" else 0.6)
    return {
        "control_id": finding.control_id,
        "status": status,
        "confidence": confidence,
        "coverage": {"count": cov.count, "total": cov.total, "share": None if share is None else round(share, 1),
                     "threshold": threshold, "meets_threshold": bool(meets), "text": cov.sentence()},
        "citations": [c for c in finding.citations if c],
        "not_shown": list(finding.not_shown),
        "rationale": "; ".join(parts),
        "engine": engine,
    }


def first(*values: Any) -> Any:
    for v in values:
        if v not in (None, "", [], {}):
            return v
    return None
