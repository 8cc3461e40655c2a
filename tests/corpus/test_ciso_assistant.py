"""`aismm corpus export-ciso-assistant`: a library CISO Assistant's loader accepts.

The checks mirror what CISO Assistant's library loader (backend/library/utils.py in
intuitem/ciso-assistant-community) requires or assumes: library fields ref_id, urn, locale, objects,
version; a framework with urn, ref_id and requirement_nodes whose parents come first; min_score <
max_score; mapping sets with urn, name, source and target framework URNs, and mappings with source,
target and a relationship from its vocabulary; question types it knows.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import yaml
from typer.testing import CliRunner

from aismm_assistant.ciso_assistant import build_library, target_urn
from aismm_assistant.cli.main import app
from aismm_assistant.corpus import load_corpus

LOADER_RELATIONSHIPS = {"equal", "subset", "superset", "intersect", "not_related"}
QUESTION_TYPES = {"unique_choice", "multiple_choice", "text", "date"}
URN_RE = re.compile(r"^urn:[a-z0-9&._-]+(:[a-z0-9&._-]+)+$")


@pytest.fixture(scope="module")
def library() -> dict:
    return build_library(load_corpus(), today=date(2026, 12, 6))


def test_cli_writes_a_yaml_library(tmp_path):
    out = tmp_path / "aismm.yaml"
    res = CliRunner().invoke(app, ["corpus", "export-ciso-assistant", "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    lib = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert lib["urn"] == summary["urn"] == "urn:aismm-assistant:risk:library:aismm"
    assert summary["assessable"] == 123
    assert len(lib["objects"]["framework"]["requirement_nodes"]) == summary["requirement_nodes"]
    assert summary["corpus"]["official"] is False


def test_library_header_has_what_the_loader_requires(library):
    assert {"ref_id", "urn", "locale", "objects", "version"} <= set(library)
    assert isinstance(library["version"], int) and library["version"] >= 10100
    assert library["locale"] == "en"
    assert "not the official CSA" in library["description"]  # provenance travels with the library


def test_framework_tree_is_categories_levels_objectives(library):
    fw = library["objects"]["framework"]
    assert {"urn", "ref_id", "name", "requirement_nodes"} <= set(fw)
    assert 0 <= fw["min_score"] < fw["max_score"]
    assert [s["score"] for s in fw["scores_definition"]] == [1, 2, 3, 4, 5]
    nodes = fw["requirement_nodes"]
    seen: dict[str, dict] = {}
    for n in nodes:
        assert URN_RE.match(n["urn"]), n["urn"]
        assert n["urn"] not in seen
        if "parent_urn" in n:
            parent = seen[n["parent_urn"]]  # the parent is defined before its children
            assert n["depth"] == parent["depth"] + 1
        else:
            assert n["depth"] == 1
        seen[n["urn"]] = n
    depth = {d: [n for n in nodes if n["depth"] == d] for d in (1, 2, 3)}
    assert [n["ref_id"] for n in depth[1]] == [c.id for c in load_corpus().categories]
    assert len(depth[2]) == 12 * 4
    assert len(depth[3]) == 123 and all(n["assessable"] for n in depth[3])
    assert not any(n["assessable"] for n in depth[1] + depth[2])
    mod031 = next(n for n in depth[3] if n["ref_id"] == "MOD-03.1")
    assert seen[mod031["parent_urn"]]["ref_id"] == "MOD-L3"
    assert mod031["typical_evidence"].startswith("- ")
    assert "AICM v1.0:" in mod031["annotation"]


def test_implementation_groups_select_a_target_level_or_a_deployment_type(library):
    fw = library["objects"]["framework"]
    defined = {g["ref_id"] for g in fw["implementation_groups_definition"]}
    assert defined == {"L2", "L3", "L4", "L5", "self-hosted", "paas", "api-saas"}
    objectives = [n for n in fw["requirement_nodes"] if n["assessable"]]
    for n in objectives:
        assert set(n["implementation_groups"]) <= defined
    corpus = load_corpus()
    l3 = {n["ref_id"] for n in objectives if "L3" in n["implementation_groups"]}
    assert l3 == {c.id for c in corpus.controls if c.level <= 3}
    self_hosted = {n["ref_id"] for n in objectives if "self-hosted" in n["implementation_groups"]}
    assert "MOD-03.2" in self_hosted and "ORG-02.1" not in self_hosted  # ORG-02.1 is PaaS only


def test_questions_use_types_the_loader_knows(library):
    for n in library["objects"]["framework"]["requirement_nodes"]:
        for q_urn, q in (n.get("questions") or {}).items():
            assert q_urn.startswith(n["urn"] + ":question:")
            assert q["type"] in QUESTION_TYPES and q["text"]
            for choice in q.get("choices", []):
                assert choice["urn"].startswith(q_urn + ":choice:") and choice["value"]


def test_mapping_sets_target_frameworks_ciso_assistant_ships(library):
    sets = library["objects"]["requirement_mapping_sets"]
    assert {s["target_framework_urn"] for s in sets} == {
        "urn:intuitem:risk:framework:nist-ai-rmf-1.0", "urn:intuitem:risk:framework:iso42001-2023",
        "urn:intuitem:risk:framework:ai-act"}
    own = {n["urn"] for n in library["objects"]["framework"]["requirement_nodes"] if n["assessable"]}
    nist_nodes = {f"urn:intuitem:risk:req_node:nist-ai-rmf-1.0:{fn}-{i}.{j}"
                  for fn, counts in {"govern": [7, 3, 2, 3, 2, 2], "map": [6, 3, 5, 2, 2],
                                     "measure": [3, 13, 3, 3], "manage": [4, 4, 2, 3]}.items()
                  for i, n in enumerate(counts, 1) for j in range(1, n + 1)}
    for s in sets:
        assert {"urn", "name", "source_framework_urn", "target_framework_urn"} <= set(s)
        assert s["source_framework_urn"] == library["objects"]["framework"]["urn"]
        assert s["requirement_mappings"]
        for m in s["requirement_mappings"]:
            assert m["source_requirement_urn"] in own
            assert m["relationship"] in LOADER_RELATIONSHIPS
            if "nist" in s["target_framework_urn"]:
                assert m["target_requirement_urn"] in nist_nodes
    deps = set(library["dependencies"])
    assert {"urn:intuitem:risk:library:nist-ai-rmf-1.0", "urn:intuitem:risk:library:mitre-atlas"} <= deps


def test_targets_that_the_shipped_libraries_lack_are_not_emitted():
    assert target_urn("iso-42001", "6.1.2") == "urn:intuitem:risk:req_node:iso42001-2023:6.1"
    assert target_urn("eu-ai-act", "Art. 15") == "urn:intuitem:risk:req_node:ai-act:15.1"
    assert target_urn("eu-ai-act", "Art. 4") is None


def test_atlas_techniques_are_threats_on_the_objectives(library):
    mon032 = next(n for n in library["objects"]["framework"]["requirement_nodes"] if n["ref_id"] == "MON-03.2")
    assert "urn:intuitem:risk:technique:mitre-atlas:aml.t0051" in mon032["threats"]


def test_standalone_library_has_no_outside_links(tmp_path):
    out = tmp_path / "standalone.yaml"
    res = CliRunner().invoke(app, ["corpus", "export-ciso-assistant", "-o", str(out), "--standalone"])
    assert res.exit_code == 0, res.output
    lib = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert "dependencies" not in lib and "requirement_mapping_sets" not in lib["objects"]
    assert not any("threats" in n for n in lib["objects"]["framework"]["requirement_nodes"])


def test_bad_output_path_is_one_line(tmp_path):
    res = CliRunner().invoke(app, ["corpus", "export-ciso-assistant", "-o", str(tmp_path / "no" / "x.yaml")])
    assert res.exit_code != 0 and "does not exist" in res.stderr and "Traceback" not in res.stderr
    res = CliRunner().invoke(app, ["corpus", "export-ciso-assistant", "-o", str(tmp_path)])
    assert res.exit_code != 0 and "is a folder" in res.stderr
