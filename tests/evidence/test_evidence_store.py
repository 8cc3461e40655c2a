"""The evidence store: content-addressed files with who/when/expiry, atomic adds, expiry flags."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from aismm_assistant.errors import NotFoundError, ValidationError
from aismm_assistant.evidence.extract import EvidenceFileError
from aismm_assistant.evidence.quotes import locate
from aismm_assistant.evidence.store import EvidenceStore, add_evidence, due_for_revalidation, list_evidence
from tests.support import evidence_samples as samples


@pytest.fixture
def assessment_id():
    from aismm_assistant.assessment.record import AssessmentCreate, Scope
    from aismm_assistant.assessment.storage import get_store

    record = get_store().create_assessment(AssessmentCreate(
        organization="Northwind", created_by="alice", scope=Scope(categories=["GOV", "IAM", "DEV"])))
    return record.id


def _files(home) -> list[str]:
    root = home / "evidence"
    return sorted(p.name for p in root.rglob("*") if p.is_file() and p.name != "evidence.db") if root.exists() else []


def test_add_stores_content_addressed_with_who_when_and_expiry(aismm_home, assessment_id):
    pdf = samples.make_pdf()
    rec = add_evidence(assessment_id, "gov-2.1", "AI policy v3.pdf", pdf, added_by="alice",
                       note="signed policy", expires="2027-03-31")
    sha = hashlib.sha256(pdf).hexdigest()
    assert (rec.sha256, rec.control_id, rec.media_type) == (sha, "GOV-02.1", "application/pdf")
    assert rec.added_by == "alice" and rec.expires == date(2027, 3, 31) and rec.note == "signed policy"
    blob = aismm_home / "evidence" / sha[:2] / sha
    assert blob.read_bytes() == pdf
    stored = EvidenceStore().text(sha)
    assert locate(stored, "94% of staff completed the attestation") == "p. 2"
    assert rec.text_chars == len(stored.text)
    listed = list_evidence(assessment_id)
    assert [(r.name, r.control_id) for r in listed] == [("AI policy v3.pdf", "GOV-02.1")]


def test_same_file_twice_is_one_blob_and_one_attachment_per_objective(aismm_home, assessment_id):
    data = b"# Coding assistant standard\nOwner: AppSec\n"
    first = add_evidence(assessment_id, "DEV-02.1", "standard.md", data, added_by="bob")
    again = add_evidence(assessment_id, "DEV-02.1", "standard-copy.md", data, added_by="carol")
    other = add_evidence(assessment_id, "DEV-02.3", "standard.md", data, added_by="bob")
    assert again.added_by == "bob" and again.added_at == first.added_at  # the first record stands
    assert {r.control_id for r in list_evidence(assessment_id)} == {"DEV-02.1", "DEV-02.3"}
    assert [r.control_id for r in list_evidence(assessment_id, "dev-2.3")] == ["DEV-02.3"]
    assert _files(aismm_home) == sorted([first.sha256, first.sha256 + ".text.json"])
    assert other.sha256 == first.sha256


@pytest.mark.parametrize("control,name,make,error", [
    ("GOV-02.1", "bomb.docx", lambda: samples.zip_bomb("docx"), EvidenceFileError),
    ("GOV-02.1", "broken.pdf", samples.broken_pdf, EvidenceFileError),
    ("GOV-02.1", "policy.docx", samples.make_pdf, EvidenceFileError),
    ("MOD-02.1", "policy.pdf", samples.make_pdf, ValidationError),  # MOD is outside the assessment's scope
    ("GOV-09.9", "policy.pdf", samples.make_pdf, NotFoundError),
])
def test_nothing_is_stored_on_error(aismm_home, assessment_id, control, name, make, error):
    with pytest.raises(error):
        add_evidence(assessment_id, control, name, make(), added_by="alice")
    assert _files(aismm_home) == []
    assert list_evidence(assessment_id) == []


def test_oversized_by_setting(aismm_home, assessment_id, monkeypatch):
    from aismm_assistant.settings import reset_settings

    monkeypatch.setenv("AISMM_EVIDENCE_MAX_BYTES", "2048")
    reset_settings()
    with pytest.raises(EvidenceFileError, match="over the .* MB limit"):
        add_evidence(assessment_id, "GOV-02.1", "big.md", b"x" * 4096, added_by="alice")
    assert _files(aismm_home) == []


def test_unknown_assessment_bad_expiry_and_missing_actor(assessment_id):
    with pytest.raises(NotFoundError):
        add_evidence("asm-nope", "GOV-02.1", "a.md", b"text", added_by="alice")
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        add_evidence(assessment_id, "GOV-02.1", "a.md", b"text", added_by="alice", expires="next spring")
    with pytest.raises(ValidationError, match="who added"):
        add_evidence(assessment_id, "GOV-02.1", "a.md", b"text", added_by="  ")


def test_expired_evidence_is_flagged(assessment_id):
    add_evidence(assessment_id, "GOV-02.1", "old.md", b"old attestation export", added_by="a", expires="2025-01-31")
    add_evidence(assessment_id, "IAM-02.1", "new.md", b"new sso export", added_by="a", expires="2099-01-01")
    add_evidence(assessment_id, "IAM-02.2", "none.md", b"no expiry", added_by="a")
    store = EvidenceStore()
    assert [r.name for r in store.expired(assessment_id)] == ["old.md"]
    assert [r.name for r in store.expired(assessment_id, today=date(2100, 1, 1))] == ["old.md", "new.md"]
    flags = {r.name: r.to_dict()["expired"] for r in list_evidence(assessment_id)}
    assert flags == {"old.md": True, "new.md": False, "none.md": False}
    due = due_for_revalidation(assessment_id)
    assert [(d["control_id"], d["reason"]) for d in due] == [("GOV-02.1", "evidence old.md expired on 2025-01-31")]


def test_final_assessment_takes_no_evidence(assessment_id):
    from aismm_assistant.assessment.storage import get_store

    store = get_store()
    for cid in store.get_assessment(assessment_id).scope.category_ids():
        store.exclude_category(assessment_id, cid, reason="not assessed in this test", actor="alice")
    store.set_status(assessment_id, "in_review", actor="alice")
    store.set_status(assessment_id, "final", actor="alice")
    with pytest.raises(ValidationError, match="final"):
        add_evidence(assessment_id, "GOV-02.1", "late.md", b"late", added_by="alice")


def test_concurrent_adds_of_one_file_give_one_record(assessment_id):
    from concurrent.futures import ThreadPoolExecutor

    data = samples.make_docx(["Model register", "Owner: ML platform"])
    with ThreadPoolExecutor(max_workers=4) as pool:
        records = list(pool.map(lambda i: add_evidence(assessment_id, "DEV-02.3", f"register-{i}.docx", data,
                                                       added_by=f"user{i}"), range(4)))
    assert len({(r.sha256, r.added_by) for r in records}) == 1
    assert len(list_evidence(assessment_id)) == 1


def test_library_import_is_lazy():
    import subprocess
    import sys

    code = ("import sys, aismm_assistant.cli.main, aismm_assistant.evidence.store, aismm_assistant.evidence.importer;"
            "print(sorted(m for m in ('pypdf', 'docx', 'openpyxl', 'torch', 'chromadb') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
