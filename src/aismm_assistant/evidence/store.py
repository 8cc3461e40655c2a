"""Evidence files: content-addressed blobs under AISMM_HOME plus one metadata row per attachment.

Layout (docs/evidence.md)::

    AISMM_HOME/evidence/ab/ab12...ef          the file's bytes, named by their sha256
    AISMM_HOME/evidence/ab/ab12...ef.text.json its extracted text segments with locators
    AISMM_HOME/evidence/evidence.db           SQLite: table evidence_files (who, when, expiry)

The metadata sits beside the blobs, in its own SQLite file, because the blobs are local files
whatever database holds the assessments. Adding is atomic: the file is checked and extracted
first, the blob is written to a temporary name and renamed, and the row is inserted in one
transaction; a failure at any step removes a blob this call created. The same file attached
twice to the same objective returns the first record.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from aismm_assistant.errors import NotFoundError, ValidationError
from aismm_assistant.evidence.extract import DEFAULT_MAX_BYTES, Extracted, extract

metadata = sa.MetaData()
evidence_t = sa.Table(
    "evidence_files", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("assessment_id", sa.String(64), nullable=False, index=True),
    sa.Column("control_id", sa.String(32), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("media_type", sa.String(120), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("text_chars", sa.Integer, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("added_by", sa.String(200), nullable=False),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires", sa.Date),
    sa.UniqueConstraint("assessment_id", "control_id", "sha256", name="uq_evidence_attachment"),
)


@dataclass(frozen=True)
class EvidenceRecord:
    sha256: str
    assessment_id: str
    control_id: str
    name: str
    media_type: str
    size: int
    text_chars: int
    note: str | None
    added_by: str
    added_at: datetime
    expires: date | None

    def expired(self, today: date | None = None) -> bool:
        return self.expires is not None and self.expires < (today or datetime.now(UTC).date())

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["added_at"] = self.added_at.isoformat()
        out["expires"] = self.expires.isoformat() if self.expires else None
        out["expired"] = self.expired()
        return out


_ENGINES: dict[str, sa.engine.Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine_for(root: Path) -> sa.engine.Engine:
    """One engine per evidence directory; the table is created once, also when processes race to do it."""
    key = str(root.resolve())
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None or not (root / "evidence.db").exists():  # new, or the directory was wiped
            engine = sa.create_engine(f"sqlite:///{root / 'evidence.db'}", connect_args={"timeout": 30})
            try:
                metadata.create_all(engine)
            except sa.exc.OperationalError:
                if not sa.inspect(engine).has_table(evidence_t.name):
                    raise
            _ENGINES[key] = engine
    return engine


def _home() -> Path:
    from aismm_assistant.settings import get_settings

    return get_settings().home


def _max_bytes() -> int:
    from aismm_assistant.settings import get_settings

    return int(getattr(get_settings(), "evidence_max_bytes", DEFAULT_MAX_BYTES))


class EvidenceStore:
    """Blobs and metadata under one root (default AISMM_HOME/evidence)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root else _home() / "evidence"
        self.root.mkdir(parents=True, exist_ok=True)
        self.engine = _engine_for(self.root)

    # ------------------------------------------------------------------ blobs
    def blob_path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFoundError(f"no evidence file {sha256!r} (expected a sha256 in hex)")
        return self.root / sha256[:2] / sha256

    def read_bytes(self, sha256: str) -> bytes:
        path = self.blob_path(sha256)
        if not path.is_file():
            raise NotFoundError(f"no evidence file {sha256}")
        return path.read_bytes()

    def text(self, sha256: str) -> Extracted:
        """The extracted text of a stored file (what quotes are verified against)."""
        path = self.blob_path(sha256).with_name(sha256 + ".text.json")
        if not path.is_file():
            raise NotFoundError(f"no evidence file {sha256}")
        return Extracted.from_json(json.loads(path.read_text("utf-8")))

    def _write_atomic(self, path: Path, data: bytes) -> bool:
        """Write unless present; True when this call created the file."""
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def put(self, name: str, data: bytes, *, extracted: Extracted | None = None) -> tuple[str, Extracted, list[Path]]:
        """Check, extract and store the blob and its text; returns (sha256, text, paths this call created)."""
        extracted = extracted or extract(name, data, max_bytes=_max_bytes())
        sha = hashlib.sha256(data).hexdigest()
        blob = self.blob_path(sha)
        created: list[Path] = []
        try:
            if self._write_atomic(blob, data):
                created.append(blob)
            text_path = blob.with_name(sha + ".text.json")
            if self._write_atomic(text_path, json.dumps(extracted.to_json(), ensure_ascii=False).encode("utf-8")):
                created.append(text_path)
        except BaseException:
            for p in created:
                p.unlink(missing_ok=True)
            raise
        return sha, extracted, created

    # ------------------------------------------------------------------ records
    def add(self, assessment_id: str, control_id: str, name: str, data: bytes, *, added_by: str,
            note: str | None = None, expires: date | None = None,
            extracted: Extracted | None = None) -> EvidenceRecord:
        """Store a file and attach it to one objective of one assessment (no validation of the IDs here)."""
        who = " ".join((added_by or "").split())
        if not who:
            raise ValidationError("say who added the evidence (--by NAME)")
        display = Path(name).name[:255] or "evidence"
        sha, text, created = self.put(display, data, extracted=extracted)
        try:
            existing = self._find(assessment_id, control_id, sha)
            if existing:
                return existing
            row = {"sha256": sha, "assessment_id": assessment_id, "control_id": control_id, "name": display,
                   "media_type": text.media_type, "size": len(data), "text_chars": len(text.text),
                   "note": (note or "").strip() or None, "added_by": who,
                   "added_at": datetime.now(UTC).replace(microsecond=0), "expires": expires}
            try:
                with self.engine.begin() as conn:
                    conn.execute(evidence_t.insert().values(**row))
            except sa.exc.IntegrityError:  # a concurrent add of the same file to the same objective won
                raced = self._find(assessment_id, control_id, sha)
                if raced is None:
                    raise
                return raced
        except BaseException:
            if created and not self._referenced(sha):
                for p in created:
                    p.unlink(missing_ok=True)
            raise
        return self._record(row)

    def _referenced(self, sha: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(evidence_t.c.id).where(evidence_t.c.sha256 == sha).limit(1)).first() is not None

    def _find(self, assessment_id: str, control_id: str, sha: str) -> EvidenceRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(evidence_t).where(
                evidence_t.c.assessment_id == assessment_id, evidence_t.c.control_id == control_id,
                evidence_t.c.sha256 == sha)).mappings().first()
        return self._record(row) if row else None

    @staticmethod
    def _record(row: Any) -> EvidenceRecord:
        added = row["added_at"]
        if added.tzinfo is None:
            added = added.replace(tzinfo=UTC)
        return EvidenceRecord(row["sha256"], row["assessment_id"], row["control_id"], row["name"],
                              row["media_type"], row["size"], row["text_chars"], row["note"],
                              row["added_by"], added, row["expires"])

    def list(self, assessment_id: str, control_id: str | None = None) -> list[EvidenceRecord]:
        query = sa.select(evidence_t).where(evidence_t.c.assessment_id == assessment_id)
        if control_id:
            query = query.where(evidence_t.c.control_id == control_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(evidence_t.c.control_id, evidence_t.c.id)).mappings().all()
        return [self._record(r) for r in rows]

    def attachments(self, sha256: str) -> list[EvidenceRecord]:
        """Every attachment of one stored file (any assessment, any objective); [] when none."""
        self.blob_path(sha256)  # a malformed sha256 is a NotFoundError
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(evidence_t).where(evidence_t.c.sha256 == sha256)
                                .order_by(evidence_t.c.id)).mappings().all()
        return [self._record(r) for r in rows]

    def expired(self, assessment_id: str, today: date | None = None) -> list[EvidenceRecord]:
        """Attachments past their expiry date: flagged for revalidation (dashboard, `assessment due`)."""
        return [r for r in self.list(assessment_id) if r.expired(today)]

    def close(self) -> None:
        """Release pooled connections (the engine stays cached for this directory)."""
        self.engine.dispose()


def get_evidence_store() -> EvidenceStore:
    return EvidenceStore()


def _parse_expires(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"invalid expiry date {value!r}; use YYYY-MM-DD") from None


def add_evidence(assessment_id: str, control_id: str, name: str, data: bytes, *, added_by: str,
                 note: str | None = None, expires: Any = None, store: Any = None,
                 evidence_store: EvidenceStore | None = None) -> EvidenceRecord:
    """Attach a file to an objective: one call for the CLI and an API route.

    Checks the assessment exists, is not final and has the control in scope (through the assessment
    store's public functions), then the file; nothing is stored when any check fails.
    """
    from aismm_assistant.assessment import actions
    from aismm_assistant.corpus import load_corpus

    when = _parse_expires(expires)
    if store is None:
        from aismm_assistant.assessment.storage import get_store

        store = get_store()
    record = store.get_assessment(assessment_id)
    actions.ensure_writable(record)
    control = actions.resolve_control(record, load_corpus(), control_id)
    ev = evidence_store or get_evidence_store()
    return ev.add(record.id, control.id, name, data, added_by=added_by, note=note, expires=when)


def list_evidence(assessment_id: str, control_id: str | None = None, *, store: Any = None,
                  evidence_store: EvidenceStore | None = None) -> list[EvidenceRecord]:
    """The files attached to an assessment (optionally one objective); an unknown assessment fails."""
    if store is None:
        from aismm_assistant.assessment.storage import get_store

        store = get_store()
    record = store.get_assessment(assessment_id)
    cid = None
    if control_id:
        from aismm_assistant.corpus import get_control

        cid = get_control(control_id).id
    return (evidence_store or get_evidence_store()).list(record.id, cid)


def due_for_revalidation(assessment_id: str, today: date | None = None, *,
                         evidence_store: EvidenceStore | None = None) -> list[dict[str, Any]]:
    """Expired attachments as revalidation items for the dashboard and `assessment due`, oldest expiry first."""
    items = (evidence_store or get_evidence_store()).expired(assessment_id, today)
    return [{"control_id": r.control_id, "sha256": r.sha256, "name": r.name, "expires": r.expires.isoformat(),
             "added_by": r.added_by, "reason": f"evidence {r.name} expired on {r.expires.isoformat()}"}
            for r in sorted(items, key=lambda r: (r.expires, r.control_id))]
