"""Crosswalks: per-objective mappings to other frameworks, kept as data in ``corpus/crosswalks/*.yaml``.

Each file holds one framework: the IDs that are valid in it (with our own short labels where we
wrote any, never the framework's text) and, per AISMM objective, the framework items it maps to
with a relation in CISO Assistant's vocabulary. Queries run in both directions, and a coverage
report answers "which items of framework F does a target of level L cover?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aismm_assistant.errors import CorpusError, NotFoundError, ValidationError

if TYPE_CHECKING:
    from aismm_assistant.model import Control, Corpus

RELATIONS: tuple[str, ...] = ("equal", "subset", "superset", "intersect")
INVERSE: dict[str, str] = {"equal": "equal", "subset": "superset", "superset": "subset", "intersect": "intersect"}
FRAMEWORKS: tuple[str, ...] = ("aicm", "nist-ai-rmf", "iso-42001", "eu-ai-act", "owasp-llm", "mitre-atlas")
ALIASES: dict[str, str] = {
    "aismm": "aismm", "aicm": "aicm", "nist": "nist-ai-rmf", "nist-ai-rmf": "nist-ai-rmf", "ai-rmf": "nist-ai-rmf",
    "iso": "iso-42001", "iso-42001": "iso-42001", "iso42001": "iso-42001", "eu-ai-act": "eu-ai-act",
    "ai-act": "eu-ai-act", "euaia": "eu-ai-act", "owasp": "owasp-llm", "owasp-llm": "owasp-llm",
    "atlas": "mitre-atlas", "mitre-atlas": "mitre-atlas",
}
# How each framework is written in an objective's References column (the crosswalk ref follows).
REFERENCE_PREFIX: dict[str, str] = {
    "nist-ai-rmf": "NIST AI RMF ", "iso-42001": "ISO/IEC 42001 ", "eu-ai-act": "EU AI Act ",
    "owasp-llm": "OWASP ", "mitre-atlas": "MITRE ATLAS ",
}
_ATLAS_RE = re.compile(r"^AML\.T\d{4}(\.\d{3})?$")
_EU_RE = re.compile(r"^Art\. (\d{1,3})$")
_AICM_RANGE_RE = re.compile(r"^(?P<d>[A-Z&]{3})-01\.\.(?P=d)-(?P<n>\d{2})$")


@dataclass
class Mapping:
    control_id: str
    framework: str
    ref: str
    relation: str

    def as_dict(self, label: str | None = None) -> dict[str, Any]:
        return {"control_id": self.control_id, "framework": self.framework, "ref": self.ref,
                "name": label, "relation": self.relation}


@dataclass
class Crosswalk:
    framework: str
    name: str
    version: str
    refs: dict[str, str | None]  # valid ID -> our short label (or None)
    mappings: list[Mapping] = field(default_factory=list)
    pattern: re.Pattern[str] | None = None

    def is_valid(self, ref: str) -> bool:
        if ref in self.refs:
            return True
        if self.pattern is not None and self.pattern.match(ref):
            return self.framework != "eu-ai-act" or 1 <= int(_EU_RE.match(ref)[1]) <= 113  # type: ignore[index]
        return False

    def normalize(self, text: str) -> str:
        """Tolerant spelling of a ref: 'govern 1.1', 'a.6.2.5', 'Article 15', 'llm01', 'ais-8', 'aml.t0051'."""
        raw = " ".join((text or "").split())
        up = raw.upper()
        if self.framework == "nist-ai-rmf":
            m = re.match(r"^(GOVERN|MAP|MEASURE|MANAGE|GV|MP|MS|MG)[\s\-_]*(\d+)\.(\d+)$", up)
            if m:
                fn = {"GV": "GOVERN", "MP": "MAP", "MS": "MEASURE", "MG": "MANAGE"}.get(m[1], m[1])
                return f"{fn} {int(m[2])}.{int(m[3])}"
        elif self.framework == "iso-42001":
            return re.sub(r"^(?:ISO(?:/IEC)?\s*42001\s*)?", "", up).replace(" ", "")
        elif self.framework == "eu-ai-act":
            m = re.match(r"^(?:ART(?:ICLE)?\.?\s*)?(\d{1,3})$", up)
            if m:
                return f"Art. {int(m[1])}"
        elif self.framework == "owasp-llm":
            m = re.match(r"^LLM\s*0*(\d{1,2})(?::2025)?$", up)
            if m:
                return f"LLM{int(m[1]):02d}:2025"
        elif self.framework == "mitre-atlas":
            m = re.match(r"^(?:AML\.)?T(\d{4})(\.\d{3})?$", up)
            if m:
                return f"AML.T{m[1]}{m[2] or ''}"
        elif self.framework == "aicm":
            m = re.match(r"^([A-Z&]{3})\s*-?\s*0*(\d{1,2})$", up.replace("IS-", "I&S-") if up.startswith("IS-") else up)
            if m:
                return f"{m[1]}-{int(m[2]):02d}"
        return raw

    def label(self, ref: str) -> str | None:
        return self.refs.get(ref)

    def for_control(self, control_id: str) -> list[Mapping]:
        return [m for m in self.mappings if m.control_id == control_id]

    def for_ref(self, ref: str) -> list[Mapping]:
        return [m for m in self.mappings if m.ref == ref]


def _expand_refs(framework: str, raw: Any, where: str) -> dict[str, str | None]:
    if isinstance(raw, list):
        return {str(r): None for r in raw}
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: 'refs' must be a list or a mapping")
    out: dict[str, str | None] = {}
    for key, value in raw.items():
        m = _AICM_RANGE_RE.match(str(value)) if framework == "aicm" else None
        if m:  # AICM domain -> "DSP-01..DSP-24"
            out.update({f"{m['d']}-{i:02d}": None for i in range(1, int(m["n"]) + 1)})
        else:
            out[str(key)] = str(value) if value is not None else None
    return out


def parse_crosswalk(data: object, where: str, control_ids: set[str]) -> Crosswalk:
    if not isinstance(data, dict):
        raise CorpusError(f"{where}: expected a mapping with framework, refs and mappings")
    fw = data.get("framework")
    if fw not in FRAMEWORKS:
        raise CorpusError(f"{where}: unknown framework {fw!r} (known: {', '.join(FRAMEWORKS)})")
    pattern = {"mitre-atlas": _ATLAS_RE, "eu-ai-act": _EU_RE}.get(fw)
    cw = Crosswalk(framework=fw, name=str(data.get("name") or fw), version=str(data.get("version") or ""),
                   refs=_expand_refs(fw, data.get("refs") or {}, where), pattern=pattern)
    maps = data.get("mappings") or {}
    if not isinstance(maps, dict):
        raise CorpusError(f"{where}: 'mappings' must map control IDs to lists")
    for cid, entries in maps.items():
        if cid not in control_ids:
            raise CorpusError(f"{where}: mapping for unknown control {cid}")
        seen: set[str] = set()
        for e in entries or []:
            if not isinstance(e, dict) or "ref" not in e:
                raise CorpusError(f"{where}: {cid}: each mapping needs ref and relation")
            ref, rel = str(e["ref"]), str(e.get("relation", ""))
            if not cw.is_valid(ref):
                what = "an AICM v" + cw.version + " control" if fw == "aicm" else f"a valid {cw.name} reference"
                raise CorpusError(f"{where}: {cid}: {ref!r} is not {what}")
            if rel not in RELATIONS:
                raise CorpusError(f"{where}: {cid} -> {ref}: relation {rel!r} not one of {', '.join(RELATIONS)}")
            if ref in seen:
                raise CorpusError(f"{where}: {cid}: {ref} mapped twice")
            seen.add(ref)
            cw.mappings.append(Mapping(cid, fw, ref, rel))
    return cw


def load_crosswalks(directory: Path, corpus: Corpus) -> dict[str, Crosswalk]:
    """Read every ``*.yaml`` in ``directory`` and check it against the corpus (IDs, References column)."""
    from aismm_assistant.yamlio import read_yaml

    out: dict[str, Crosswalk] = {}
    ids = set(corpus.control_ids())
    for path in sorted(Path(directory).glob("*.yaml")):
        cw = parse_crosswalk(read_yaml(path), str(path), ids)
        if cw.framework in out:
            raise CorpusError(f"{path}: framework {cw.framework} defined twice")
        out[cw.framework] = cw
    check_against_controls(out, corpus.controls, str(directory))
    return out


def references_in(control: Control, framework: str) -> list[str]:
    """The refs of one framework written in the objective's References column, in crosswalk spelling."""
    prefix = REFERENCE_PREFIX[framework]
    out = []
    for r in control.references:
        if not r.startswith(prefix):
            continue
        rest = r[len(prefix):]
        if framework == "nist-ai-rmf":
            out.append(rest)
        elif framework == "iso-42001":
            out.append(rest.split()[0])
        elif framework == "eu-ai-act":
            m = re.match(r"^(Art\. \d{1,3})", rest)
            out.append(m[1] if m else rest)
        else:  # owasp-llm, mitre-atlas: ID then our short name
            out.append(rest.split()[0])
    return out


def check_against_controls(crosswalks: dict[str, Crosswalk], controls: list[Control], where: str) -> None:
    """The AICM column and the References column must say what the crosswalk files say."""
    for c in controls:
        if "aicm" in crosswalks:
            cw = crosswalks["aicm"]
            for aid in c.aicm:
                if not cw.is_valid(aid):
                    raise CorpusError(f"{where}: control {c.id}: {aid} is not an AICM v{cw.version} control ID")
            mapped = [m.ref for m in cw.for_control(c.id)]
            if sorted(mapped) != sorted(c.aicm):
                raise CorpusError(f"{where}: control {c.id}: AICM column {c.aicm} differs from crosswalks/aicm.yaml {mapped}")
        for fw in REFERENCE_PREFIX:
            if fw not in crosswalks:
                continue
            written = references_in(c, fw)
            mapped = [m.ref for m in crosswalks[fw].for_control(c.id)]
            if sorted(written) != sorted(mapped):
                raise CorpusError(f"{where}: control {c.id}: {fw} references {written} differ from the crosswalk {mapped}")


# ---------------------------------------------------------------- queries


def framework_name(text: str) -> str:
    key = (text or "").strip().lower().replace("_", "-").replace(" ", "-")
    if key not in ALIASES:
        raise ValidationError(f"unknown framework {text!r}; use one of aismm, {', '.join(FRAMEWORKS)}")
    return ALIASES[key]


def _get(corpus: Corpus, framework: str) -> Crosswalk:
    cw = corpus.crosswalks.get(framework)
    if cw is None:
        raise NotFoundError(f"this corpus has no {framework} crosswalk (corpus/crosswalks/{framework}.yaml)")
    return cw


def crosswalk(corpus: Corpus, framework: str, ref: str, control: Control | None = None) -> dict[str, Any]:
    """Mappings of one AISMM objective to every framework, or of one framework item to AISMM objectives.

    For ``aismm``, the caller resolves a loosely written ID (``corpus.get_control``) and passes ``control``.
    """
    fw = framework_name(framework)
    if fw == "aismm":
        control = control or corpus.control(ref.strip().upper())
        if control is None:
            raise NotFoundError(f"no objective {ref}")
        out = []
        for name in FRAMEWORKS:
            cw = corpus.crosswalks.get(name)
            for m in cw.for_control(control.id) if cw else []:
                out.append({"framework": name, "ref": m.ref, "name": cw.label(m.ref), "relation": m.relation})  # type: ignore[union-attr]
        return {"framework": "aismm", "ref": control.id, "name": control.name,
                "relation_reads": f"{control.id} is <relation> of the mapped item", "mappings": out}
    cw = _get(corpus, fw)
    norm = cw.normalize(ref)
    if not cw.is_valid(norm):
        what = f"an AICM v{cw.version} control" if fw == "aicm" else f"a known {cw.name} reference"
        raise NotFoundError(f"{ref!r} is not {what}")
    out = []
    for m in cw.for_ref(norm):
        c = corpus.control(m.control_id)
        # relation read from the framework item's side: a subset objective makes the item a superset
        out.append({"framework": "aismm", "ref": m.control_id, "name": c.name if c else None,
                    "level": c.level if c else None, "relation": INVERSE[m.relation]})
    out.sort(key=lambda d: (d["level"] or 0, d["ref"]))
    return {"framework": fw, "ref": norm, "name": cw.label(norm),
            "relation_reads": f"{norm} is <relation> of the mapped objective", "mappings": out}


def coverage(corpus: Corpus, framework: str, targets: dict[str, int]) -> dict[str, Any]:
    """Which items of ``framework`` the objectives needed for ``targets`` (category -> level) map to.

    Reaching level L needs every objective of levels 2..L, so those are the ones counted.
    """
    fw = framework_name(framework)
    if fw == "aismm":
        raise ValidationError("coverage needs another framework than aismm")
    cw = _get(corpus, fw)
    in_target = {c.id for c in corpus.controls if c.level <= targets.get(c.category, 1)}
    by_ref: dict[str, list[str]] = {}
    for m in cw.mappings:
        if m.control_id in in_target:
            by_ref.setdefault(m.ref, []).append(m.control_id)
    # the items the crosswalk file lists (all of them for NIST, ISO, OWASP, AICM) plus any other mapped item
    universe = [*cw.refs, *sorted({m.ref for m in cw.mappings} - set(cw.refs))]
    covered = [r for r in universe if r in by_ref]
    return {
        "framework": fw,
        "targets": dict(sorted(targets.items())),
        "objectives_in_target": len(in_target),
        "items": len(universe),
        "covered": len(covered),
        "ratio": round(len(covered) / len(universe), 3) if universe else 0.0,
        "covered_items": [{"ref": r, "name": cw.label(r), "objectives": sorted(by_ref[r])} for r in covered],
        "uncovered_items": [{"ref": r, "name": cw.label(r)} for r in universe if r not in by_ref],
    }
