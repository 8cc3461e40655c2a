"""Connectors: each sample export (written to its public schema) gives counted coverage, a status compared
with the objective's threshold, and citations that are verbatim in the file's extracted text."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from aismm_assistant.errors import ValidationError
from aismm_assistant.evidence.extract import EvidenceFileError
from aismm_assistant.evidence.importer import propose_from
from aismm_assistant.evidence.quotes import verify

DATA = Path(__file__).resolve().parents[1] / "data" / "evidence"


def run(name: str, data: bytes | None = None):
    raw = data if data is not None else (DATA / name).read_bytes()
    src, connector, proposals = propose_from(name, raw)
    for p in proposals:  # the contract: every quote verbatim, at the locator it names, in this file
        for c in p["citations"]:
            assert c["evidence"] == src.sha256
            assert c["quote"] in src.text.text and verify(src.text, c["quote"], c["locator"])
    return connector.NAME, {p["control_id"]: p for p in proposals}


def cov(p: dict) -> tuple[int, int]:
    return p["coverage"]["count"], p["coverage"]["total"]


def test_cyclonedx_mlbom_counts_production_apps_models_and_datasets():
    source, props = run("cyclonedx-mlbom.json")
    assert source == "cyclonedx"
    assert set(props) == {"DEV-02.3", "DEV-03.1", "MOD-03.2", "DAT-03.1"}
    # the staging application is left out; support-assistant uses gpt-4o, which has no hash
    assert cov(props["DEV-03.1"]) == (2, 3) and props["DEV-03.1"]["status"] == "partial"
    assert "gpt-4o" in props["DEV-03.1"]["rationale"]
    assert props["DEV-03.1"]["coverage"]["threshold"] == 100.0  # read from the objective text
    assert cov(props["MOD-03.2"]) == (3, 4)
    assert cov(props["DAT-03.1"]) == (1, 2)
    assert cov(props["DEV-02.3"]) == (3, 3) and props["DEV-02.3"]["coverage"]["threshold"] == 80.0
    quotes = [c["quote"] for c in props["DEV-03.1"]["citations"]]
    assert '"name": "claims-triage"' in quotes


def _bom_with(apps: int, hashed: int) -> bytes:
    """A BOM of `apps` production applications, each with its own model; the first `hashed` carry a hash."""
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [], "dependencies": []}
    for i in range(apps):
        model = {"type": "machine-learning-model", "bom-ref": f"m{i}", "name": f"model-{i}", "version": "1.0",
                 "supplier": {"name": "Northwind"}}
        if i < hashed:
            model["hashes"] = [{"alg": "SHA-256", "content": f"{i:064x}"}]
        bom["components"] += [{"type": "application", "bom-ref": f"a{i}", "name": f"app-{i}"}, model]
        bom["dependencies"].append({"ref": f"a{i}", "dependsOn": [f"m{i}"]})
    return json.dumps(bom, indent=2).encode()


def test_eleven_of_twelve_is_partial_twelve_of_twelve_meets_the_threshold():
    _, props = run("bom.json", _bom_with(12, 11))
    assert props["DEV-03.1"]["coverage"]["text"].startswith("11 of 12 production applications")
    assert props["DEV-03.1"]["coverage"]["meets_threshold"] is False
    _, props = run("bom.json", _bom_with(12, 12))
    assert props["DEV-03.1"]["coverage"]["meets_threshold"] is True
    # the threshold is met, but the file cannot show regeneration per release: the proposal stays partial
    assert props["DEV-03.1"]["status"] == "partial" and "cannot show" in props["DEV-03.1"]["rationale"]
    _, props = run("bom.json", _bom_with(3, 0))
    assert props["DEV-03.1"]["status"] == "not_met"


def test_spdx3_ai_and_dataset_profiles():
    source, props = run("spdx3-ai.json")
    assert source == "spdx3"
    assert cov(props["DEV-03.1"]) == (0, 1) and props["DEV-03.1"]["status"] == "not_met"
    assert "Mistral-7B-Instruct-v0.3" in props["DEV-03.1"]["rationale"]
    assert cov(props["MOD-03.2"]) == (1, 2)
    assert cov(props["DAT-03.1"]) == (1, 1)
    assert "format records no dataset owner" in props["DAT-03.1"]["rationale"]


def test_okta_apps_sso_and_provisioning():
    source, props = run("okta-apps.json")
    assert source == "idp"
    # Workday is not an AI service; the Midjourney app is inactive; Perplexity is a bookmark
    assert cov(props["IAM-02.1"]) == (3, 4) and "Perplexity Pro (BOOKMARK)" in props["IAM-02.1"]["rationale"]
    assert cov(props["IAM-03.3"]) == (2, 4)
    assert "MFA" in " ".join(props["IAM-02.1"]["not_shown"])


def test_entra_service_principals_with_conditional_access():
    _, props = run("entra-graph-export.json")
    # Copilot Chat and ChatGPT: SSO + enforced MFA; Cursor's policy is report-only; Jasper uses passwords
    assert cov(props["IAM-02.1"]) == (2, 4)
    quotes = [c["quote"] for c in props["IAM-02.1"]["citations"]]
    assert '"displayName": "CA012 - Require MFA for generative AI apps"' in quotes
    _, props = run("entra-conditional-access.json")
    assert props["IAM-02.1"]["coverage"]["text"] == "1 of 1 enabled MFA policies cover all cloud applications"
    assert props["IAM-02.1"]["status"] == "partial"  # which apps are AI services is not in this file


def test_aws_scp_denies_ai_services_network_and_models():
    source, props = run("aws-scp.json")
    assert source == "cloud_policy"
    assert cov(props["ORG-02.1"]) == (3, 4)  # bedrock, sagemaker, qbusiness of the four AI service prefixes
    assert cov(props["INF-02.3"]) == (1, 3)  # only Bedrock is limited to the VPC endpoint
    assert "MOD-04.1" in props
    assert any(c["quote"] == "bedrock:*" for c in props["ORG-02.1"]["citations"])


def test_azure_policy_assignments():
    _, props = run("azure-policy-assignments.json")
    assert cov(props["ORG-02.1"]) == (2, 2)
    assert cov(props["INF-02.3"]) == (1, 2) and "(Audit)" in props["INF-02.3"]["rationale"]


def test_azure_not_enforced_assignment_does_not_count():
    doc = json.loads((DATA / "azure-policy-assignments.json").read_text())
    doc["value"][0]["properties"]["enforcementMode"] = "DoNotEnforce"
    _, props = run("assignments.json", json.dumps(doc, indent=2).encode())
    assert cov(props["ORG-02.1"]) == (0, 2) and props["ORG-02.1"]["status"] == "not_met"
    assert "DoNotEnforce" in props["ORG-02.1"]["rationale"]


def test_gcp_org_policies():
    _, props = run("gcp-org-policies.json")
    assert cov(props["ORG-02.1"]) == (2, 3)
    assert "MOD-04.1" in props


def test_garak_report_meets_size_and_rate_but_not_the_release_gate():
    source, props = run("garak.report.jsonl")
    assert source == "redteam"
    app = props["APP-04.1"]
    assert cov(app) == (5, 5) and "240 cases" in app["coverage"]["text"] and "3.3%" in app["coverage"]["text"]
    assert app["status"] == "partial" and "CI/CD" in app["rationale"]
    assert cov(props["MOD-03.3"]) == (2, 4)


def test_garak_report_with_too_few_cases_and_a_high_success_rate():
    lines = [json.dumps({"entry_type": "init", "garak_version": "0.10.3", "run": "r1"})]
    for i in range(30):
        lines.append(json.dumps({"entry_type": "attempt", "uuid": f"u{i}", "seq": i, "status": 2,
                                 "probe_classname": "dan.Dan_11_0"}))
    lines.append(json.dumps({"entry_type": "eval", "probe": "dan.Dan_11_0", "detector": "dan.DAN",
                             "passed": 24, "total": 30}))
    _, props = run("small.report.jsonl", ("\n".join(lines) + "\n").encode())
    rationale = props["APP-04.1"]["rationale"]
    assert "30 cases, fewer than the 200" in rationale and "20.0% is above the objective's 5%" in rationale
    assert props["APP-04.1"]["status"] == "partial" and cov(props["APP-04.1"]) == (1, 5)


def test_pyrit_conversation_export():
    _, props = run("pyrit-conversations.json")
    app = props["APP-04.1"]
    assert cov(app) == (4, 5) and "25.0%" in app["coverage"]["text"]  # 1 of 4 attacks succeeded


@pytest.mark.parametrize("name,data,message", [
    ("package.json", b'{"name": "web", "version": "1.0.0", "dependencies": {}}', "not a format any connector reads"),
    ("old-bom.json", json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.4", "components": []}).encode(),
     "CycloneDX 1.4 has no ML-BOM"),
    ("sbom.json", json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6",
                              "components": [{"type": "library", "name": "requests"}]}).encode(), "not an ML-BOM"),
    ("scp.json", json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*",
                                                                     "Resource": "*"}]}).encode(), "no Deny statement on an AI"),
    ("apps.json", json.dumps([{"label": "Workday", "signOnMode": "SAML_2_0", "status": "ACTIVE"}]).encode(),
     "no active AI service"),
    ("policy.md", b"# Policy", "reads JSON or JSONL exports"),
    ("broken.json", b'{"bomFormat": "CycloneDX",', "invalid JSON"),
])
def test_bad_or_foreign_files_are_refused_clearly(name, data, message):
    with pytest.raises(ValidationError) as err:
        run(name, data)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_every_connector_names_its_criteria_and_target_objectives_exist():
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.evidence.connectors import CONNECTORS

    corpus = load_corpus()
    for connector in CONNECTORS:
        assert connector.CRITERIA and connector.TITLE and connector.__doc__
        for control_id, how in connector.CRITERIA.items():
            assert corpus.control(control_id) is not None, control_id
            assert len(how) > 20


def test_quotes_survive_a_minified_export():
    doc = json.loads((DATA / "okta-apps.json").read_text())
    _, pretty = run("okta-apps.json")
    _, minified = run("okta-apps.json", json.dumps(copy.deepcopy(doc), separators=(",", ":")).encode())
    assert cov(pretty["IAM-02.1"]) == cov(minified["IAM-02.1"])
    assert all(c["locator"] == "line 1" for c in minified["IAM-02.1"]["citations"])
    assert minified["IAM-02.1"]["citations"]


def test_oversized_import_is_refused(tmp_path, monkeypatch):
    from aismm_assistant.evidence.importer import import_file
    from aismm_assistant.settings import reset_settings

    monkeypatch.setenv("AISMM_EVIDENCE_MAX_BYTES", "1000")
    reset_settings()
    with pytest.raises(EvidenceFileError, match="over the"):
        import_file(DATA / "cyclonedx-mlbom.json")
