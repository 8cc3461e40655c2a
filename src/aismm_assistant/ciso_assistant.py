"""Export the corpus as a CISO Assistant library (the YAML its library loader reads).

Layout followed (CISO Assistant's backend/library/libraries/*.yaml and backend/library/utils.py):
library metadata (urn, locale, ref_id, name, version, provider, packager, dependencies) and
``objects.framework`` with ``requirement_nodes`` (urn, parent_urn, depth, assessable, ref_id, name,
description, annotation, typical_evidence, implementation_groups, questions, threats),
``implementation_groups_definition`` and ``scores_definition``; crosswalks become
``objects.requirement_mapping_sets`` whose targets are the frameworks CISO Assistant ships.

The tree is category -> level -> objective; only objectives are assessable. Scores 1-5 are the
maturity levels. Implementation groups: L2..L5 (cumulative: an L2 objective is in every group
from L2 up, so choosing "L3" shows what a Level 3 target needs) and one per deployment type.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aismm_assistant.corpus import corpus_provenance
from aismm_assistant.model import DEPLOYMENT_TYPES, LEVEL_NAMES, Control, Corpus

PACKAGER = "aismm-assistant"
REF_ID = "aismm"
BASE = f"urn:{PACKAGER}:risk"
DEPLOYMENT_GROUPS = {"Self-hosted": "self-hosted", "PaaS": "paas", "API/SaaS": "api-saas"}
LEVEL_SCORES = {
    1: "Nothing AI-specific is in place; practice depends on individuals.",
    2: "AI-specific practices exist and are repeated, owned and documented.",
    3: "Practices are defined enterprise-wide and applied consistently.",
    4: "Practices are enforced technically and measured.",
    5: "Measurements drive automated, continuous improvement.",
}
# Frameworks CISO Assistant ships, with how our crosswalk refs become their requirement-node URNs.
TARGETS: dict[str, dict[str, str]] = {
    "nist-ai-rmf": {"library": "urn:intuitem:risk:library:nist-ai-rmf-1.0",
                    "framework": "urn:intuitem:risk:framework:nist-ai-rmf-1.0",
                    "node": "urn:intuitem:risk:req_node:nist-ai-rmf-1.0:"},
    "iso-42001": {"library": "urn:intuitem:risk:library:iso42001-2023",
                  "framework": "urn:intuitem:risk:framework:iso42001-2023",
                  "node": "urn:intuitem:risk:req_node:iso42001-2023:"},
    "eu-ai-act": {"library": "urn:intuitem:risk:library:ai-act",
                  "framework": "urn:intuitem:risk:framework:ai-act",
                  "node": "urn:intuitem:risk:req_node:ai-act:"},
}
ATLAS = {"library": "urn:intuitem:risk:library:mitre-atlas", "technique": "urn:intuitem:risk:technique:mitre-atlas:"}
# The EU AI Act library holds paragraphs ("15.1"), not articles; these articles have a paragraph 1 node.
# (Art. 4 is a single unnumbered paragraph there and has no node to map to.)
EU_ARTICLES_WITH_PARAGRAPH_ONE = {5, 6, 9, 10, 11, 12, 14, 15, 17, 25, 26, 27, 50, 72, 73}


def _urn(*parts: str) -> str:
    return ":".join([BASE, *parts]).lower()


def node_urn(ref_id: str) -> str:
    return _urn("req_node", REF_ID, ref_id.lower())


def target_urn(framework: str, ref: str) -> str | None:
    """The CISO Assistant requirement node for one of our crosswalk refs, or None if it has none."""
    base = TARGETS[framework]["node"]
    if framework == "nist-ai-rmf":
        return base + ref.lower().replace(" ", "-")
    if framework == "iso-42001":
        key = ref.lower()
        if key.startswith("6.1."):  # the library stops at clause 6.1
            key = "6.1"
        return base + key
    if framework == "eu-ai-act":
        n = int(ref.split()[-1])
        return base + f"{n}.1" if n in EU_ARTICLES_WITH_PARAGRAPH_ONE else None
    return None


def _version_number(version: str) -> int:
    nums = [int(p) for p in version.split(".") if p.isdigit()][:3] + [0, 0, 0]
    return nums[0] * 10000 + nums[1] * 100 + nums[2]


def _groups(control: Control) -> list[str]:
    levels = [f"L{lv}" for lv in range(control.level, 6)]
    types = DEPLOYMENT_TYPES if "All" in control.deployment_types else control.deployment_types
    return levels + [DEPLOYMENT_GROUPS[t] for t in types]


def _annotation(corpus: Corpus, control: Control) -> str:
    lines = [control.rationale.strip(), "", control.description.strip(), ""]
    if control.aicm:
        lines.append(f"AICM v{corpus.meta.aicm_version or '1.0'}: {', '.join(control.aicm)}")
    if control.references:
        lines.append("References: " + "; ".join(control.references))
    lines.append(f"Deployment types: {', '.join(control.deployment_types)} · Assessment: {control.assessment_mode}")
    return "\n".join(x for x in lines).strip()


def _prerequisites(corpus: Corpus, category: str, level: int) -> str:
    lines = []
    for p in corpus.prerequisites:
        if p.category == category and p.level == level:
            needs = ", ".join(f"{c} L{lv}" for c, lv in p.requires.items())
            lines.append(f"Prerequisite: assumes {needs} first. {' '.join(p.why.split())}")
    return "\n".join(lines)


def _questions(urn: str, control: Control) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if control.question:
        q = f"{urn}:question:1"
        out[q] = {"type": "unique_choice", "text": " ".join(control.question.split()),
                  "choices": [{"urn": f"{q}:choice:{i}", "value": v}
                              for i, v in enumerate(("Yes, fully", "Partially", "No", "Not applicable"), 1)]}
    if control.follow_up:
        out[f"{urn}:question:2"] = {"type": "text", "text": " ".join(control.follow_up.split())}
    return out


def build_library(corpus: Corpus, *, mappings: bool = True, today: date | None = None) -> dict[str, Any]:
    """The library as a dict (dump it with yaml.safe_dump)."""
    prov = corpus_provenance(corpus)
    kind = ("imported from the official CSA files" if prov["official"] else
            "the aismm-assistant representative corpus: the project's own wording under the AISMM v1.0 "
            "control IDs, not the official CSA workbook text")
    name = f"AI Security Maturity Model v1.0 ({corpus.meta.name} {corpus.meta.version})"
    description = (f"Control objectives of the CSA AI Security Maturity Model structure, {kind}. "
                   f"Corpus hash {prov['hash']}. Scores 1-5 are maturity levels; implementation groups select a "
                   "target level (cumulative) or a deployment type.")
    fw_urn = _urn("framework", REF_ID)
    nodes: list[dict[str, Any]] = []
    atlas = corpus.crosswalks.get("mitre-atlas") if mappings else None
    for cat in corpus.categories:
        cat_urn = node_urn(cat.id)
        nodes.append({"urn": cat_urn, "assessable": False, "depth": 1, "ref_id": cat.id, "name": cat.name,
                      "description": " ".join(cat.scope.split()) or f"{cat.domain} domain"})
        for level in range(2, 6):
            lv_urn = node_urn(f"{cat.id}-l{level}")
            descriptor = " ".join(cat.levels.get(level, "").split())
            nodes.append({"urn": lv_urn, "assessable": False, "depth": 2, "parent_urn": cat_urn,
                          "ref_id": f"{cat.id}-L{level}", "name": f"L{level} {LEVEL_NAMES[level]}",
                          **({"description": descriptor} if descriptor else {}),
                          **({"annotation": _prerequisites(corpus, cat.id, level)} if _prerequisites(corpus, cat.id, level) else {})})
            for c in cat.controls_at(level):
                urn = node_urn(c.id)
                node: dict[str, Any] = {
                    "urn": urn, "assessable": True, "depth": 3, "parent_urn": lv_urn, "ref_id": c.id,
                    "name": c.name, "description": " ".join(c.objective.split()),
                    "annotation": _annotation(corpus, c),
                    "implementation_groups": _groups(c),
                }
                if c.evidence:
                    node["typical_evidence"] = "\n".join(f"- {e}" for e in c.evidence)
                questions = _questions(urn, c)
                if questions:
                    node["questions"] = questions
                if atlas is not None:
                    threats = [ATLAS["technique"] + m.ref.lower() for m in atlas.for_control(c.id)]
                    if threats:
                        node["threats"] = threats
                nodes.append(node)
    framework = {
        "urn": fw_urn, "ref_id": REF_ID, "name": name, "description": description,
        "min_score": 1, "max_score": 5,
        "scores_definition": [{"score": lv, "name": f"L{lv} {LEVEL_NAMES[lv]}", "description": LEVEL_SCORES[lv]}
                              for lv in range(1, 6)],
        "implementation_groups_definition": [
            *({"ref_id": f"L{lv}", "name": f"Target L{lv} {LEVEL_NAMES[lv]}",
               "description": f"Objectives needed to reach Level {lv} (levels 2 to {lv})."} for lv in range(2, 6)),
            *({"ref_id": g, "name": t, "description": f"Objectives that apply to {t} AI deployments."}
              for t, g in DEPLOYMENT_GROUPS.items()),
        ],
        "requirement_nodes": nodes,
    }
    library: dict[str, Any] = {
        "urn": _urn("library", REF_ID), "locale": "en", "ref_id": REF_ID, "name": name, "description": description,
        "copyright": f"{corpus.meta.license or 'see corpus metadata'}; {kind}",
        "version": _version_number(corpus.meta.version),
        "publication_date": (today or date.today()).isoformat(),
        "provider": PACKAGER, "packager": PACKAGER,
    }
    objects: dict[str, Any] = {"framework": framework}
    if mappings:
        sets, deps = [], []
        for fw, target in TARGETS.items():
            cw = corpus.crosswalks.get(fw)
            if cw is None:
                continue
            rows = []
            for m in cw.mappings:
                t = target_urn(fw, m.ref)
                if t is not None:
                    rows.append({"source_requirement_urn": node_urn(m.control_id), "target_requirement_urn": t,
                                 "relationship": m.relation})
            if rows:
                ref = f"{REF_ID}-to-{fw}"
                sets.append({"urn": _urn("req_mapping_set", ref), "ref_id": ref,
                             "name": f"AISMM ({corpus.meta.name} {corpus.meta.version}) -> {cw.name}",
                             "description": f"Crosswalk from AISMM objectives to {cw.name}, relation from the objective's side.",
                             "source_framework_urn": fw_urn, "target_framework_urn": target["framework"],
                             "requirement_mappings": rows})
                deps.append(target["library"])
        if atlas is not None and atlas.mappings:
            deps.append(ATLAS["library"])
        if sets:
            objects["requirement_mapping_sets"] = sets
        if deps:
            library["dependencies"] = deps
    library["objects"] = objects
    return library


def library_yaml(corpus: Corpus, *, mappings: bool = True, today: date | None = None) -> str:
    import yaml

    return yaml.safe_dump(build_library(corpus, mappings=mappings, today=today), sort_keys=False,
                          allow_unicode=True, width=110)
