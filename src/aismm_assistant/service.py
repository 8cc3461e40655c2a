"""The library's service layer: what a surface calls, once, for each thing a user asks for.

The CLI (cli/*_cmd.py) and the HTTP API (api/routes_*.py) both call these functions; a surface
only parses its input, calls one of them and formats the answer (text, JSON, a download). So the
CLI's `assessment show --json` and GET /api/assessments/{id} are the same dict, and an export
written to a file has the same bytes as the API download.

Heavy packages (the retrieval stack, openpyxl) are imported inside the functions that need them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aismm_assistant.errors import ValidationError

if TYPE_CHECKING:
    from aismm_assistant.assessment.record import Assessment
    from aismm_assistant.model import Corpus
    from aismm_assistant.storage import Store


def _corpus() -> Corpus:
    from aismm_assistant.corpus import load_corpus

    return load_corpus()


# ---------------------------------------------------------------- the assessment view


def assessment_view(store: Store, assessment_id: str, *, all_controls: bool = True) -> dict[str, Any]:
    """The scored record (levels, progress, proposals, results) plus the roadmap of gaps.

    ``all_controls`` lists every in-scope objective, not only the answered ones (the API always does).
    """
    from aismm_assistant.assessment.roadmap import roadmap
    from aismm_assistant.assessment.summary import to_public

    corpus = _corpus()
    record = store.get_assessment(assessment_id)
    data = to_public(record, corpus, all_controls=all_controls).model_dump(mode="json")
    data["roadmap"] = roadmap(record, corpus)
    return data


def gaps(store: Store, assessment_id: str, *, to_level: int | None = None) -> list[dict[str, Any]]:
    """The roadmap: lower levels first, foundational before structural before procedural."""
    from aismm_assistant.assessment.roadmap import roadmap

    return roadmap(store.get_assessment(assessment_id), _corpus(), to_level=to_level)


def diff(store: Store, first: str, second: str) -> dict[str, Any]:
    """What moved between two assessments: levels, targets, statuses, evidence."""
    from aismm_assistant.assessment.diffing import diff as diff_records

    return diff_records(store.get_assessment(first), store.get_assessment(second), _corpus())


# ---------------------------------------------------------------- exports

#: format -> (media type, file extension); the keys are every export format.
EXPORT_MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "json": ("application/json", "json"),
    "yaml": ("application/yaml", "yaml"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "oscal": ("application/json", "oscal.json"),
    "oscal-ap": ("application/json", "assessment-plan.json"),
    "oscal-poam": ("application/json", "poam.json"),
    "oscal-ssp": ("application/json", "ssp.json"),
    "oscal-zip": ("application/zip", "oscal.zip"),
}


@dataclass(frozen=True)
class Export:
    content: bytes
    media_type: str
    filename: str


def render(record: Assessment, fmt: str, corpus: Corpus | None = None) -> bytes:
    """``record`` in one export format (json, yaml, csv, xlsx, md, html, oscal), as bytes."""
    from aismm_assistant.assessment.exports import render as render_export

    return render_export(record, corpus or _corpus(), fmt)


def export(store: Store, assessment_id: str, fmt: str) -> Export:
    """An export as a download: content, media type and file name."""
    fmt = (fmt or "").lower()
    if fmt not in EXPORT_MEDIA_TYPES:
        raise ValidationError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_MEDIA_TYPES)}")
    record = store.get_assessment(assessment_id)
    media_type, ext = EXPORT_MEDIA_TYPES[fmt]
    return Export(render(record, fmt), media_type, f"{record.id}.{ext}")


def export_to_file(store: Store, assessment_id: str, fmt: str, out: Path) -> Path:
    """Write an export to ``out`` atomically (a failure leaves any old file)."""
    from aismm_assistant.assessment.exports import write_atomic

    content = render(store.get_assessment(assessment_id), fmt)
    write_atomic(Path(out), content)
    return Path(out)


# ---------------------------------------------------------------- evidence requests


def evidence_requests(
    store: Store | None,
    assessment_id: str | None,
    *,
    controls: list[str] | None = None,
    category: str | None = None,
    owner: str | None = None,
    due: str | None = None,
    llm: str | None = None,
    all_objectives: bool = False,
) -> dict[str, Any]:
    """Draft requests for named controls, or for an assessment's applicable objectives not yet met.

    ``store`` is only read when ``assessment_id`` is given (then it is required).
    """
    from aismm_assistant.assessment.evidence import draft_evidence_requests

    record = None
    if assessment_id:
        if store is None:
            raise ValidationError("an assessment needs the store")
        record = store.get_assessment(assessment_id)
    from aismm_assistant.corpus import corpus_provenance, provenance_footer

    corpus = _corpus()
    data = draft_evidence_requests(
        corpus, controls=controls or None, assessment=record, category=category, owner=owner, due=due, llm=llm,
        all_objectives=all_objectives,
    )
    data = {**data, "corpus": corpus_provenance(corpus)}
    if isinstance(data.get("text"), str):
        data["text"] = data["text"].rstrip("\n") + "\n\n_" + provenance_footer(corpus) + "_\n"
    return data


# ---------------------------------------------------------------- reading the model


def search(q: str, *, k: int = 5, category: str | None = None, level: int | str | None = None,
           deployment: str | None = None) -> dict[str, Any]:
    """Hybrid search, as `aismm search --json` and GET /api/search."""
    from aismm_assistant.retrieval.search import search as run

    hits = run(q, k=k, category=category, level=level, deployment=deployment)
    from aismm_assistant.corpus import corpus_provenance

    return {"query": q, "results": [h.as_dict() for h in hits], "corpus": corpus_provenance()}


def ask(question: str, *, llm: str | None = None) -> dict[str, Any]:
    """An answer from the corpus with checked citations."""
    from aismm_assistant.answering import ask as run
    from aismm_assistant.corpus import corpus_provenance

    return {**run(question, llm=llm), "corpus": corpus_provenance()}


__all__ = ["assessment_view", "gaps", "diff", "EXPORT_MEDIA_TYPES", "Export", "render", "export",
           "export_to_file", "evidence_requests", "search", "ask"]
