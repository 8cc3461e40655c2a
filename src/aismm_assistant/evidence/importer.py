"""`import_file`: detect a machine-readable export, let its connector propose statuses, keep the file as evidence.

Every citation a connector returns is checked verbatim against the file's extracted text before it
leaves this module. With an assessment, the proposals are recorded through the assessment store's
``propose_results`` (status proposed, pending a human decision; never confirmed here) and the file
is attached as evidence to each proposed objective. All checks run before anything is written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from aismm_assistant.errors import ValidationError
from aismm_assistant.evidence.connectors import CONNECTORS
from aismm_assistant.evidence.connectors.base import Source
from aismm_assistant.evidence.extract import DEFAULT_MAX_BYTES, EvidenceFileError, extract
from aismm_assistant.evidence.quotes import verify

FORMATS_HINT = ("CycloneDX 1.5/1.6 ML-BOM, SPDX 3 with AI/Dataset profiles, Okta apps, Entra service principals or "
                "conditional-access policies, AWS SCP, Azure Policy assignment, GCP organisation policy, "
                "garak report.jsonl, PyRIT conversation export")


def _max_bytes() -> int:
    from aismm_assistant.settings import get_settings

    return int(getattr(get_settings(), "evidence_max_bytes", DEFAULT_MAX_BYTES))


def read_source(name: str, data: bytes) -> Source:
    """Check, extract and parse one export; refuses documents and foreign JSON in one line."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".json", ".jsonl"):
        raise EvidenceFileError(f"{name}: evidence import reads JSON or JSONL exports ({FORMATS_HINT}); "
                                "attach documents with `aismm evidence add`")
    text = extract(name, data, max_bytes=_max_bytes())
    raw = data.decode("utf-8-sig")
    parsed: Any = [json.loads(line) for line in raw.splitlines() if line.strip()] if suffix == ".jsonl" \
        else json.loads(raw)
    return Source(name=name, data=parsed, text=text, sha256=hashlib.sha256(data).hexdigest())


def detect_connector(src: Source) -> Any:
    for connector in CONNECTORS:
        if connector.detect(src.data):
            return connector
    raise ValidationError(f"{src.name}: not a format any connector reads; expected one of: {FORMATS_HINT}")


def propose_from(name: str, data: bytes, corpus: Any = None) -> tuple[Source, Any, list[dict[str, Any]]]:
    """(source, connector, proposals) with every citation verified verbatim; writes nothing."""
    from aismm_assistant.corpus import load_corpus

    corpus = corpus or load_corpus()
    src = read_source(name, data)
    connector = detect_connector(src)
    proposals = connector.propose(src, corpus)
    for prop in proposals:
        prop["citations"] = [c for c in prop["citations"]
                             if c.get("evidence") == src.sha256 and verify(src.text, c["quote"], c["locator"])]
    return src, connector, proposals


def _rationale(prop: dict[str, Any], src: Source) -> str:
    return f"{prop['rationale']}. Evidence {src.name} (sha256 {src.sha256[:12]})"


def import_file(path: str | Path, assessment_id: str | None = None, *, added_by: str = "evidence import",
                store: Any = None, evidence_store: Any = None) -> dict[str, Any]:
    """Read an export, propose statuses from it; with an assessment, record them as proposals."""
    from aismm_assistant.corpus import load_corpus

    p = Path(path)
    if not p.is_file():
        raise ValidationError(f"no such file: {p}")
    size = p.stat().st_size
    if size > _max_bytes():
        raise EvidenceFileError(f"{p.name}: file is {size / 1048576:.1f} MB, over the "
                                f"{_max_bytes() / 1048576:g} MB limit; nothing was stored")
    data = p.read_bytes()
    corpus = load_corpus()
    src, connector, proposals = propose_from(p.name, data, corpus)
    result: dict[str, Any] = {
        "source": connector.NAME, "title": connector.TITLE,
        "file": {"name": p.name, "sha256": src.sha256, "text_chars": len(src.text.text)},
        "proposals": proposals, "stored": False, "assessment": assessment_id, "skipped": [],
    }
    if not assessment_id:
        return result
    from aismm_assistant.assessment.record import Citation, Proposal
    from aismm_assistant.evidence.store import get_evidence_store

    if store is None:
        from aismm_assistant.assessment.storage import get_store

        store = get_store()
    record = store.get_assessment(assessment_id)
    in_scope = set(record.scope.category_ids())
    deployment = record.scope.deployment_scope()

    def applies(control_id: str) -> bool:
        control = corpus.control(control_id)
        return control is not None and control.category in in_scope and control.applies_to(deployment)

    keep = [q for q in proposals if applies(q["control_id"]) and q["status"] != "unknown"]
    result["skipped"] = [q["control_id"] for q in proposals if q not in keep]
    if keep:
        store.propose_results(record.id, [
            Proposal(control_id=q["control_id"], status=q["status"], confidence=q["confidence"],
                     engine=q["engine"], rationale=_rationale(q, src),
                     citations=[Citation(evidence=c["evidence"], locator=c["locator"], quote=c["quote"])
                                for c in q["citations"]]) for q in keep])
        ev = evidence_store or get_evidence_store()
        for q in keep:
            ev.add(record.id, q["control_id"], p.name, data, added_by=added_by,
                   note=f"imported by {q['engine']}", extracted=src.text)
        result["stored"] = True
    return result
