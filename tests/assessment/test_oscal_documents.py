"""Issue 14, item 4: OSCAL catalog, profile, SSP, plan, results and POA&M that validate and refer to each other."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from aismm_assistant.assessment.record import AssessmentCreate, Citation, Proposal, Scope
from aismm_assistant.assessment.storage import get_store

try:  # the test tree after the reorganisation on main (tests/support/)
    from tests.support import assessment as support
    from tests.support.assessment import cli_json
except ImportError:  # this branch's layout
    from tests import test_assessment_support as support  # type: ignore[no-redef]
    from tests.test_assessment_support import cli_json  # type: ignore[no-redef]

trestle = pytest.importorskip("trestle.oscal.assessment_results")
corpus_dir = support.corpus_dir  # the shared fixture
ROOTS = {"catalog.json": "catalog", "profile.json": "profile", "ssp.json": "system-security-plan",
         "assessment-plan.json": "assessment-plan", "assessment-results.json": "assessment-results",
         "poam.json": "plan-of-action-and-milestones"}


@pytest.fixture
def bundle(corpus_dir, tmp_path) -> dict[str, dict]:
    """MOD (PaaS: MOD-03.2 out of scope) with every status; GOV assessed below its target; IR excluded."""
    store = get_store()
    aid = store.create_assessment(AssessmentCreate(organization="Acme", created_by="alice", scope=Scope(
        deployment_types=["PaaS"], categories=["GOV", "MOD", "IR"]))).id
    store.set_result(aid, "GOV-02.1", "met", actor="alice", evidence=["AUP v3"])
    store.set_result(aid, "GOV-03.1", "partial", actor="alice", notes="charter drafted")
    store.confirm_level(aid, "GOV", level=2, actor="carol", rationale="seen")
    store.set_target(aid, "GOV", 4, by_date="2027-06-30", actor="carol")
    store.set_result(aid, "MOD-02.1", "met", actor="bob")
    store.set_result(aid, "MOD-02.2", "not_applicable", actor="bob", notes="inference parameters fixed by provider")
    store.set_result(aid, "MOD-03.1", "not_met", actor="bob")
    store.set_result(aid, "MOD-04.1", "unknown", actor="bob")
    store.propose_results(aid, [Proposal(control_id="MOD-04.2", status="met", confidence=0.5,
                                         citations=[Citation(turn=0, quote="we pin models")])])
    store.exclude_category(aid, "IR", reason="handled by the group SOC", actor="carol")
    out = tmp_path / "b.zip"
    cli_json("assessment", "export", aid, "--format", "oscal-zip", "-o", out)
    folder = tmp_path / "oscal"
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == sorted(ROOTS)
        zf.extractall(folder)
    return {name: json.loads((folder / name).read_text()) for name in ROOTS} | {"_dir": folder}  # type: ignore[dict-item]


def _root(docs: dict, name: str) -> dict:
    return docs[name][ROOTS[name]]


def test_every_document_validates_with_trestle(bundle, tmp_path, monkeypatch):
    from trestle.core.validator_factory import validator_factory
    from trestle.oscal import assessment_plan, assessment_results, catalog, poam, profile, ssp

    models = {"catalog.json": catalog.Catalog, "profile.json": profile.Profile, "ssp.json": ssp.SystemSecurityPlan,
              "assessment-plan.json": assessment_plan.AssessmentPlan,
              "assessment-results.json": assessment_results.AssessmentResults,
              "poam.json": poam.PlanOfActionAndMilestones}
    workspace = bundle["_dir"]
    exe = Path(sys.executable).with_name("trestle")  # compliance-trestle's own command, in a trestle workspace
    subprocess.run([str(exe), "init"], cwd=workspace, capture_output=True, timeout=120, check=True)
    monkeypatch.chdir(workspace)  # trestle resolves the relative imports from the working folder
    validator = validator_factory.get(argparse.Namespace(mode="all"))
    for name, cls in models.items():
        model = cls.parse_obj(_root(bundle, name))
        # round trip: trestle's model gives back exactly what we wrote
        assert json.loads(model.oscal_serialize_json(pretty=False, wrapped=True)) == bundle[name]
        assert validator.model_is_valid(model, True, workspace), name


def test_findings_cover_decided_objectives_with_the_right_states(bundle):
    result = _root(bundle, "assessment-results.json")["results"][0]
    findings = {f["target"]["target-id"]: f["target"] for f in result["findings"]}
    assert set(findings) == {"gov-02.1", "gov-03.1", "mod-02.1", "mod-02.2", "mod-03.1"}  # no unknown, no pending
    assert findings["mod-02.2"]["status"]["state"] == "satisfied"  # N/A is not a failure
    assert findings["mod-02.2"]["implementation-status"] == {"state": "not-applicable"}
    assert findings["gov-03.1"]["status"] == {"state": "not-satisfied", "reason": "fail"}
    assert findings["gov-03.1"]["implementation-status"] == {"state": "partial"}
    assert findings["mod-03.1"]["status"]["state"] == "not-satisfied"
    failures = [t for t in findings.values() if t["status"]["state"] == "not-satisfied"]
    assert len(failures) == 2
    reviewed = {c["control-id"] for c in result["reviewed-controls"]["control-selections"][0]["include-controls"]}
    assert "mod-03.2" not in reviewed and not any(c.startswith("ir-") for c in reviewed)  # out of scope, excluded


def test_poam_lists_the_gaps_toward_targets(bundle):
    items = _root(bundle, "poam.json")["poam-items"]
    ids = [next(p["value"] for p in i["props"] if p["name"] == "control-id") for i in items]
    assert ids == ["gov-03.1", "gov-04.1"]  # GOV L2 -> target L4; MOD has no target
    partial = items[0]
    assert partial["links"][0]["href"].startswith("assessment-results.json#")
    assert any(p["name"] == "target-date" and p["value"] == "2027-06-30" for p in partial["props"])


def test_every_reference_resolves(bundle):
    catalog_ids = {c["id"] for g in _root(bundle, "catalog.json")["groups"] for c in g["controls"]}
    imports = {"profile.json": [i["href"] for i in _root(bundle, "profile.json")["imports"]],
               "ssp.json": [_root(bundle, "ssp.json")["import-profile"]["href"]],
               "assessment-plan.json": [_root(bundle, "assessment-plan.json")["import-ssp"]["href"]],
               "assessment-results.json": [_root(bundle, "assessment-results.json")["import-ap"]["href"]],
               "poam.json": [_root(bundle, "poam.json")["import-ssp"]["href"]]}
    expected = {"profile.json": "catalog.json", "ssp.json": "profile.json", "assessment-plan.json": "ssp.json",
                "assessment-results.json": "assessment-plan.json", "poam.json": "ssp.json"}
    for name, hrefs in imports.items():
        assert hrefs == [expected[name]] and hrefs[0] in bundle
    profile_ids = set(_root(bundle, "profile.json")["imports"][0]["include-controls"][0]["with-ids"])
    assert profile_ids <= catalog_ids
    ssp_doc = _root(bundle, "ssp.json")
    assert {r["control-id"] for r in ssp_doc["control-implementation"]["implemented-requirements"]} == profile_ids
    ap = _root(bundle, "assessment-plan.json")
    assert {c["control-id"] for c in ap["reviewed-controls"]["control-selections"][0]["include-controls"]} == profile_ids
    components = {c["uuid"] for c in ssp_doc["system-implementation"]["components"]}
    assert {s["subject-uuid"] for s in ap["assessment-subjects"][0]["include-subjects"]} <= components
    ar = _root(bundle, "assessment-results.json")
    result = ar["results"][0]
    obs = {o["uuid"] for o in result.get("observations", [])}
    parties = {p["uuid"] for p in ar["metadata"].get("parties", [])}
    finding_ids = set()
    for f in result["findings"]:
        finding_ids.add(f["uuid"])
        assert f["target"]["target-id"] in profile_ids
        assert {r["observation-uuid"] for r in f.get("related-observations", [])} <= obs
    for o in result.get("observations", []):
        for origin in o.get("origins", []):
            assert {a["actor-uuid"] for a in origin["actors"]} <= parties
    for item in _root(bundle, "poam.json")["poam-items"]:
        for link in item.get("links", []):
            doc, _, frag = link["href"].partition("#")
            assert doc == "assessment-results.json" and frag in finding_ids
        cid = next((p["value"] for p in item["props"] if p["name"] == "control-id"), None)
        assert cid is None or cid in catalog_ids


def test_corpus_export_oscal_writes_a_catalog(corpus_dir, tmp_path):
    from trestle.oscal.catalog import Catalog

    from aismm_assistant.corpus import load_corpus

    out = tmp_path / "catalog.json"
    data = cli_json("corpus", "export-oscal", "-o", out)
    cat = Catalog.parse_obj(json.loads(out.read_text())["catalog"])
    assert len(cat.groups) == 12
    assert sum(len(g.controls) for g in cat.groups) == data["controls"] == len(load_corpus().controls)
    gov = next(g for g in cat.groups if g.id == "gov")
    assert gov.controls[0].id == "gov-02.1" and gov.controls[0].parts[0].name == "statement"


def test_a_re_export_is_identical(corpus_dir, tmp_path):
    store = get_store()
    aid = store.create_assessment(AssessmentCreate(organization="Acme", scope=Scope(categories=["GOV"]))).id
    store.set_result(aid, "GOV-02.1", "met", actor="alice", evidence=["AUP"])
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    cli_json("assessment", "export", aid, "--format", "oscal-zip", "-o", a)
    cli_json("assessment", "export", aid, "--format", "oscal-zip", "-o", b)
    assert a.read_bytes() == b.read_bytes()
