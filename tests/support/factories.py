"""Small synthetic corpora and workbooks, written for tests (not the project's corpus)."""

from __future__ import annotations

from pathlib import Path

import yaml

from aismm_assistant.model import CATEGORY_NAMES, CATEGORY_ORDER, DOMAIN_OF


def control_dict(prefix: str, level: int, number: int) -> dict:
    return {
        "id": f"{prefix}-0{level}.{number}",
        "level": level,
        "name": f"{prefix} practice {level}.{number}",
        "objective": f"The {prefix} practice {level}.{number} is documented and reviewed every quarter by its owner.",
        "deployment_types": ["All"],
        "assessment_mode": "Manual",
        "aicm": ["GRC-01"],
        "references": ["NIST AI RMF GOVERN 1.1"],
        "rationale": "Shows the practice is owned.",
        "description": "A synthetic objective used by the tests.",
        "evidence": ["A document", "A review record", "An owner list"],
    }


def category_dict(prefix: str, per_level: int = 1) -> dict:
    return {
        "id": prefix,
        "name": CATEGORY_NAMES[prefix],
        "domain": DOMAIN_OF[prefix],
        "scope": f"Synthetic scope for {prefix}.",
        "levels": {lv: f"Level {lv} descriptor" for lv in range(1, 6)},
        "owner_role": "Owner",
        "controls": [control_dict(prefix, lv, n) for lv in range(2, 6) for n in range(1, per_level + 1)],
    }


_DUMPED: dict[str, str] = {}


def _yaml_text(data: dict) -> str:
    """yaml.safe_dump(data, sort_keys=False), remembered by the data's repr: hundreds of tests write the same
    twelve category files, and PyYAML's pure-Python emitter takes ~20 ms for a corpus."""
    key = repr(data)
    if key not in _DUMPED:
        _DUMPED[key] = yaml.safe_dump(data, sort_keys=False)
    return _DUMPED[key]


def write_corpus(directory: Path, categories: dict[str, dict] | None = None) -> Path:
    """A valid 12-category corpus in `directory`; `categories` replaces individual category dicts."""
    (directory / "categories").mkdir(parents=True, exist_ok=True)
    (directory / "corpus.yaml").write_text(
        yaml.safe_dump({"name": "test corpus", "version": "0.0.1", "representative": True}), encoding="utf-8"
    )
    cats = {p: category_dict(p) for p in CATEGORY_ORDER}
    cats.update(categories or {})
    for prefix, data in cats.items():
        (directory / "categories" / f"{prefix}.yaml").write_text(_yaml_text(data), encoding="utf-8")
    return directory
