"""OSCAL documents for the corpus and an assessment (OSCAL 1.1.2, JSON), each referring to the next.

    catalog.json  <- profile.json  <- ssp.json  <- assessment-plan.json  <- assessment-results.json
                                       ssp.json  <- poam.json

The catalog is the AISMM corpus (a group per category, a control per objective). The profile
selects the objectives that apply in the assessment's scope; a minimal SSP names the assessed
program; the plan lists the objectives to review; the results hold a finding for every objective a
person decided (``unknown`` and pending proposals are no finding; ``not_applicable`` is satisfied
with implementation status not-applicable, never a failure); the POA&M lists what is missing
toward each category's target. References are relative file names inside one bundle
(``oscal-zip``); identifiers are UUIDv5 of the record, so a re-export is stable.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime, time
from typing import Any

from aismm_assistant.assessment.record import Assessment
from aismm_assistant.assessment.summary import to_public
from aismm_assistant.model import CATEGORY_NAMES, LEVEL_NAMES, Corpus

OSCAL_VERSION = "1.1.2"
NS = "https://github.com/aismm-assistant/ns/oscal"
FILES = {
    "catalog": "catalog.json",
    "profile": "profile.json",
    "ssp": "ssp.json",
    "ap": "assessment-plan.json",
    "ar": "assessment-results.json",
    "poam": "poam.json",
}
ROOT_KEY = {"catalog": "catalog", "profile": "profile", "ssp": "system-security-plan", "ap": "assessment-plan",
            "ar": "assessment-results", "poam": "plan-of-action-and-milestones"}
_STATE = {  # status -> (objective state, reason, implementation status)
    "met": ("satisfied", "pass", "implemented"),
    "not_applicable": ("satisfied", "other", "not-applicable"),
    "partial": ("not-satisfied", "fail", "partial"),
    "not_met": ("not-satisfied", "fail", None),
}


def control_id(cid: str) -> str:
    """'GOV-02.1' -> 'gov-02.1' (OSCAL ids are case-sensitive tokens; lower case by convention)."""
    return cid.lower()


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "aismm:" + ":".join(parts)))


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def provenance_note(record: Assessment) -> str:
    from aismm_assistant.assessment.provenance import provenance_note as note

    return note(record)


def corpus_official(corpus: Corpus) -> bool:
    from aismm_assistant.corpus import corpus_provenance

    return bool(corpus_provenance(corpus)["official"])


def _meta(title: str, when: datetime, version: str, **extra: Any) -> dict[str, Any]:
    return {"title": title, "last-modified": _iso(when), "version": version, "oscal-version": OSCAL_VERSION, **extra}


def _prop(name: str, value: Any, **extra: Any) -> dict[str, Any]:
    return {"name": name, "ns": NS, "value": str(value), **extra}


# ---------------------------------------------------------------- catalog


def catalog(corpus: Corpus, when: datetime | None = None) -> dict[str, Any]:
    """The corpus as an OSCAL catalog: one group per category, one control per objective."""
    when = when or datetime.now(UTC).replace(microsecond=0)
    groups = []
    for cat in corpus.categories:
        controls = []
        for c in cat.controls:
            parts: list[dict[str, Any]] = [{"id": f"{control_id(c.id)}_smt", "name": "statement", "prose": c.objective}]
            if c.description:
                parts.append({"id": f"{control_id(c.id)}_gdn", "name": "guidance", "prose": c.description})
            if c.evidence:
                parts.append({"id": f"{control_id(c.id)}_obj", "name": "assessment-objective",
                              "prose": "Evidence: " + "; ".join(c.evidence)})
            props = [{"name": "label", "value": c.id}, _prop("maturity-level", c.level),
                     _prop("maturity-level-name", LEVEL_NAMES[c.level]),
                     _prop("deployment-types", ", ".join(c.deployment_types)),
                     _prop("assessment-mode", c.assessment_mode)]
            props += [_prop("aicm-mapping", ref) for ref in c.aicm]
            controls.append({"id": control_id(c.id), "class": "aismm-objective", "title": c.name,
                             "props": props, "parts": parts})
        groups.append({"id": cat.id.lower(), "class": "aismm-category", "title": cat.name,
                       "props": [_prop("domain", cat.domain)], "controls": controls})
    meta = _meta(f"AISMM control objectives ({corpus.meta.name})", when, corpus.meta.version,
                 props=[_prop("corpus-hash", corpus.content_hash or "none"),
                        _prop("representative", "true" if corpus.meta.representative else "false"),
                        _prop("corpus-official", "true" if corpus_official(corpus) else "false")],
                 remarks=("The project's representative AISMM corpus, not the official CSA text."
                          if corpus.meta.representative else "Imported from the official files."))
    return {"catalog": {"uuid": _uid("catalog", corpus.content_hash or corpus.meta.version), "metadata": meta,
                        "groups": groups}}


# ---------------------------------------------------------------- assessment documents


def _applicable(record: Assessment, corpus: Corpus) -> list[Any]:
    """In-scope, applicable objectives of categories not excluded: what the plan reviews."""
    scope = record.scope.deployment_scope()
    out = []
    for cid in record.scope.category_ids():
        cat = corpus.category(cid)
        if cat is None or (cid in record.categories and record.categories[cid].excluded):
            continue
        out += [c for c in cat.controls if c.applies_to(scope)]
    return out


def _selection(controls: list[Any]) -> list[dict[str, Any]]:
    return [{"include-controls": [{"control-id": control_id(c.id)} for c in controls]}]


def _party(record: Assessment, name: str) -> str:
    return _uid(record.id, "party", name)


def profile(record: Assessment, corpus: Corpus) -> dict[str, Any]:
    controls = _applicable(record, corpus)
    return {"profile": {
        "uuid": _uid(record.id, "profile"),
        "metadata": _meta(f"AISMM objectives in scope for {record.organization}", record.updated_at,
                          str(record.version)),
        "imports": [{"href": FILES["catalog"], "include-controls": [
            {"with-ids": [control_id(c.id) for c in controls]}]}],
        "merge": {"as-is": True},
    }}


def ssp(record: Assessment, corpus: Corpus) -> dict[str, Any]:
    """A minimal system security plan: the assessed AI security program, so the plan has something to import."""
    controls = _applicable(record, corpus)
    comp = _uid(record.id, "component", "program")
    scope = ", ".join(record.scope.deployment_types) or "all deployment types"
    return {"system-security-plan": {
        "uuid": _uid(record.id, "ssp"),
        "metadata": _meta(f"AI security program of {record.organization}", record.updated_at, str(record.version)),
        "import-profile": {"href": FILES["profile"]},
        "system-characteristics": {
            "system-ids": [{"identifier-type": NS, "id": record.id}],
            "system-name": record.organization,
            "description": f"The AI security program of {record.organization}, assessed against the AISMM "
                           f"({scope}).",
            "system-information": {"information-types": [{
                "title": "AI systems and their data", "description": "Models, prompts, AI applications and the data "
                                                                     "they process, in the assessed deployment types."}]},
            "status": {"state": "operational"},
            "authorization-boundary": {"description": f"Deployment types in scope: {scope}; categories: "
                                                      f"{', '.join(record.scope.category_ids())}."},
        },
        "system-implementation": {
            "users": [{"uuid": _uid(record.id, "user", "owner"), "title": "Control owners"}],
            "components": [{"uuid": comp, "type": "this-system", "title": "AI security program",
                            "description": "The program under assessment.", "status": {"state": "operational"}}],
        },
        "control-implementation": {
            "description": "Objectives of the AISMM that apply in the assessment's scope.",
            "implemented-requirements": [{"uuid": _uid(record.id, "req", c.id), "control-id": control_id(c.id)}
                                         for c in controls],
        },
    }}


def assessment_plan(record: Assessment, corpus: Corpus) -> dict[str, Any]:
    controls = _applicable(record, corpus)
    parties = [{"uuid": _party(record, record.created_by or "assessor"), "type": "person",
                "name": record.created_by or "assessor"}]
    return {"assessment-plan": {
        "uuid": _uid(record.id, "ap"),
        "metadata": _meta(f"AISMM assessment plan for {record.organization}", record.updated_at,
                          str(record.version), parties=parties),
        "import-ssp": {"href": FILES["ssp"]},
        "local-definitions": {"activities": [{
            "uuid": _uid(record.id, "activity", "interview"), "title": "Interview and evidence review",
            "description": "Control owners are interviewed; proposals from the interview engine are accepted or "
                           "overridden by an assessor; evidence is examined (docs/scoring.md).",
            "props": [{"name": "method", "value": "INTERVIEW"}, {"name": "method", "value": "EXAMINE"}]}]},
        "reviewed-controls": {"control-selections": _selection(controls)},
        "assessment-subjects": [{"type": "component", "include-subjects": [
            {"subject-uuid": _uid(record.id, "component", "program"), "type": "component"}]}],
    }}


def _findings(record: Assessment, corpus: Corpus) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[str]]:
    """Observations and findings for decided objectives only; the names of parties they cite."""
    pub = to_public(record, corpus, all_controls=True)
    wanted = {c.id for c in _applicable(record, corpus)}
    observations: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    parties: set[str] = set()
    for r in pub.results:
        if r.control_id not in wanted or r.status not in _STATE:
            continue  # unknown (or only proposed) is not a finding; out of scope is not in the plan
        obs_ids = []
        for i, ev in enumerate(r.evidence):
            oid = _uid(record.id, r.control_id, "obs", str(i))
            obs_ids.append({"observation-uuid": oid})
            obs: dict[str, Any] = {
                "uuid": oid, "title": f"Evidence for {r.control_id}", "description": ev.text,
                "methods": ["INTERVIEW" if ev.source.startswith("interview") else "EXAMINE"],
                "collected": _iso(ev.supplied_at or record.updated_at),
                "props": [_prop("evidence-source", ev.source or "manual")]}
            if ev.supplied_by:
                parties.add(ev.supplied_by)
                obs["origins"] = [{"actors": [{"type": "party", "actor-uuid": _party(record, ev.supplied_by)}]}]
            observations.append(obs)
        state, reason, impl = _STATE[r.status]
        target: dict[str, Any] = {"type": "objective-id", "target-id": control_id(r.control_id),
                                  "status": {"state": state, "reason": reason}}
        if impl:
            target["implementation-status"] = {"state": impl}
        finding: dict[str, Any] = {
            "uuid": _uid(record.id, r.control_id, "finding"),
            "title": f"{r.control_id} {r.name}",
            "description": f"L{r.level} objective of {CATEGORY_NAMES[r.category]}: {r.status.replace('_', ' ')}"
                           f"{f' (confirmed by {r.confirmed_by})' if r.confirmed_by else ''}.",
            "props": [_prop("aismm-status", r.status), _prop("aismm-source", r.source)],
            "target": target,
        }
        if r.notes:
            finding["remarks"] = r.notes
        if obs_ids:
            finding["related-observations"] = obs_ids
        findings.append(finding)
    return observations, findings, parties


def assessment_results(record: Assessment, corpus: Corpus) -> dict[str, Any]:
    pub = to_public(record, corpus)
    observations, findings, parties = _findings(record, corpus)
    props = []
    for cid, c in pub.categories.items():
        props.append(_prop("category-state", "excluded" if c.excluded else c.state, **{"class": cid}))
        if c.level is not None:
            props.append(_prop("maturity-level", c.level, **{"class": cid}))
        if c.target_level:
            props.append(_prop("target-maturity-level", c.target_level, **{"class": cid}))
    metadata = _meta(f"AISMM assessment of {record.organization}", record.updated_at, str(record.version),
                     props=[_prop("aismm-corpus", f"{record.corpus.name} {record.corpus.version}"),
                            _prop("aismm-corpus-version", record.corpus.version),
                            _prop("aismm-corpus-hash", record.corpus.hash),
                            _prop("aismm-corpus-official", "true" if record.corpus.official else "false"),
                            _prop("assessment-status", record.status)],
                     remarks=provenance_note(record))
    if parties:
        metadata["parties"] = [{"uuid": _party(record, p), "type": "person", "name": p} for p in sorted(parties)]
    result: dict[str, Any] = {
        "uuid": _uid(record.id, "result"),
        "title": f"AISMM maturity of {record.organization}",
        "description": "Findings for every objective an assessor decided; objectives not yet decided have no "
                       "finding. Category levels by the scoring rule (docs/scoring.md), for assessed categories only.",
        "start": _iso(record.created_at), "end": _iso(record.updated_at), "props": props,
        "reviewed-controls": {"control-selections": _selection(_applicable(record, corpus))},
    }
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    return {"assessment-results": {"uuid": _uid(record.id, "ar", str(record.version)), "metadata": metadata,
                                   "import-ap": {"href": FILES["ap"]}, "results": [result]}}


def poam(record: Assessment, corpus: Corpus) -> dict[str, Any]:
    """One item per objective still missing toward a category's target (assessed categories with a target)."""
    from aismm_assistant.assessment.roadmap import roadmap

    pub = to_public(record, corpus)
    finding_ids = {f["target"]["target-id"]: f["uuid"] for f in _findings(record, corpus)[1]}
    items = []
    for step in roadmap(record, corpus):
        c = pub.categories.get(step["category"])
        if c is None or c.level is None or not c.target_level or step["to_level"] > c.target_level:
            continue
        for o in step["objectives"]:
            item: dict[str, Any] = {
                "uuid": _uid(record.id, "poam", o["control_id"]),
                "title": f"Reach {o['control_id']} {o['name']}",
                "description": f"{step['category']} is at L{c.level} with target L{c.target_level}; "
                               f"{o['control_id']} (L{step['to_level']}) is {o['status'].replace('_', ' ')}.",
                "props": [_prop("control-id", control_id(o["control_id"])), _prop("priority", step["order"]),
                          _prop("to-level", step["to_level"])],
            }
            if step["target_date"]:
                item["props"].append(_prop("target-date", step["target_date"]))
            fid = finding_ids.get(control_id(o["control_id"]))
            if fid:
                item["links"] = [{"href": f"{FILES['ar']}#{fid}", "rel": "related"}]
            items.append(item)
    if not items:
        items.append({"uuid": _uid(record.id, "poam", "none"), "title": "No open gaps toward targets",
                      "description": "Every assessed category with a target is at it (or none has a target).",
                      "props": [_prop("gaps", 0)]})
    return {"plan-of-action-and-milestones": {
        "uuid": _uid(record.id, "poam", str(record.version)),
        "metadata": _meta(f"AISMM plan of action for {record.organization}", record.updated_at, str(record.version)),
        "import-ssp": {"href": FILES["ssp"]},
        "system-id": {"identifier-type": NS, "id": record.id},
        "poam-items": items,
    }}


def documents(record: Assessment, corpus: Corpus) -> dict[str, dict[str, Any]]:
    """Every document of the bundle, by kind."""
    return {"catalog": catalog(corpus, record.updated_at), "profile": profile(record, corpus), "ssp": ssp(record, corpus),
            "ap": assessment_plan(record, corpus), "ar": assessment_results(record, corpus),
            "poam": poam(record, corpus)}


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def bundle_zip(record: Assessment, corpus: Corpus) -> bytes:
    """All six documents in one zip, under the file names they refer to each other by."""
    buf = io.BytesIO()
    stamp = datetime.combine(record.updated_at.date(), time()).timetuple()[:6]
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for kind, doc in documents(record, corpus).items():
            zf.writestr(zipfile.ZipInfo(FILES[kind], date_time=stamp), dumps(doc))
    return buf.getvalue()
