"""The AI-BOM measurements shared by the CycloneDX and SPDX 3 connectors.

Both formats are read into one small inventory (applications, models, datasets and the edges
between them); the coverage counts below are computed on that inventory, so a CycloneDX ML-BOM
and an SPDX 3 AI/Dataset document describing the same estate give the same proposals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aismm_assistant.evidence.connectors.base import Coverage, Finding, Source, to_proposal
from aismm_assistant.model import Corpus

# Objectives an AI-BOM can evidence, chosen by reading corpus/categories/{DEV,MOD,DAT}.yaml.
MAPPING: dict[str, str] = {
    "DEV-02.3": "inventory of AI components per AI-enabled application (models with versions)",
    "DEV-03.1": "machine-readable AI-BOM per production AI application: every model with version, source and hash",
    "MOD-03.2": "provenance and integrity of model artefacts: a recorded hash and a named source for every model",
    "DAT-03.1": "datasets registered with source, licence, classification, owner and content hash",
}


@dataclass
class Item:
    ref: str
    name: str
    kind: str  # application | model | dataset | library | service
    version: str | None = None
    hashes: list[str] = field(default_factory=list)
    source: str | None = None
    licence: bool = False
    classification: str | None = None
    owner: str | None = None
    production: bool | None = None
    quotes: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Inventory:
    items: dict[str, Item] = field(default_factory=dict)
    edges: dict[str, set[str]] = field(default_factory=dict)
    subject: str | None = None  # the application the whole document describes, if any
    dataset_owner_recorded: bool = True  # the format has a field for a dataset's owner

    def add(self, item: Item) -> None:
        self.items[item.ref] = item

    def link(self, src: str, dst: str) -> None:
        self.edges.setdefault(src, set()).add(dst)

    def of_kind(self, kind: str) -> list[Item]:
        return [i for i in self.items.values() if i.kind == kind]

    def reachable(self, ref: str) -> list[Item]:
        seen, todo, out = {ref}, [ref], []
        while todo:
            for nxt in self.edges.get(todo.pop(), ()):
                if nxt not in seen and nxt in self.items:
                    seen.add(nxt)
                    todo.append(nxt)
                    out.append(self.items[nxt])
        return out

    def applications(self) -> list[Item]:
        """The applications the document describes: its listed applications, else its subject."""
        apps = [a for a in self.of_kind("application") if a.ref != self.subject]
        if not apps and self.subject in self.items:
            apps = [self.items[self.subject]]
        if any(a.production is not None for a in apps):
            apps = [a for a in apps if a.production]
        return apps

    def models_of(self, app: Item) -> list[Item]:
        reach = self.reachable(app.ref)
        if app.ref == self.subject and not reach:
            reach = [i for i in self.items.values() if i.ref != app.ref]
        return [i for i in reach if i.kind == "model"]

    def datasets_of(self, app: Item) -> list[Item]:
        return [i for i in self.reachable(app.ref) if i.kind == "dataset"]


def _model_complete(m: Item) -> bool:
    return bool(m.version and m.hashes and m.source)


def _cites(items: list[Item], limit: int = 8) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for item in items:
        for q in item.quotes:
            if q and q not in out:
                out.append(q)
        if len(out) >= limit:
            break
    return out[:limit]


def findings(inv: Inventory, corpus: Corpus) -> list[Finding]:
    apps = inv.applications()
    ai_apps = [a for a in apps if inv.models_of(a) or inv.datasets_of(a)]
    models = inv.of_kind("model")
    datasets = inv.of_kind("dataset")
    out: list[Finding] = []
    if ai_apps:
        listed = [a for a in ai_apps if inv.models_of(a) and all(m.version for m in inv.models_of(a))]
        out.append(Finding(
            "DEV-02.3", Coverage(len(listed), len(ai_apps), "AI-enabled applications list their models with versions"),
            citations=_cites(listed + [m for a in listed for m in inv.models_of(a)]) or _cites(ai_apps),
            not_shown=["a named owner for each list", "a quarterly update"]))
        complete = [a for a in ai_apps if inv.models_of(a) and all(_model_complete(m) for m in inv.models_of(a))]
        missing = [m.name for a in ai_apps for m in inv.models_of(a) if not _model_complete(m)]
        out.append(Finding(
            "DEV-03.1",
            Coverage(len(complete), len(ai_apps),
                     "production applications have an ML-BOM with model versions, sources and hashes"),
            citations=_cites(complete + [m for a in complete for m in inv.models_of(a)]) or _cites(ai_apps),
            shortfalls=[f"models without version, source or hash: {', '.join(sorted(set(missing))[:5])}"] if missing else [],
            not_shown=["regeneration on every production release and storage with the release artifacts"]))
    if models:
        verified = [m for m in models if m.hashes and m.source]
        out.append(Finding(
            "MOD-03.2", Coverage(len(verified), len(models), "models have a recorded hash and a named source"),
            citations=_cites(verified) or _cites(models),
            not_shown=["that the sources are approved", "admission to a controlled artefact repository",
                       "safe serialisation (safetensors rather than pickle)"]))
    if datasets:
        def registered(d: Item) -> bool:
            return bool(d.hashes and d.licence and d.classification and (d.owner or not inv.dataset_owner_recorded))

        ok = [d for d in datasets if registered(d)]
        unseen = ["approval by the data owner", "training jobs reading only registered storage",
                  "minimisation or de-identification of personal data"]
        if not inv.dataset_owner_recorded:
            unseen.insert(0, "a named owner (the format records no dataset owner)")
        out.append(Finding(
            "DAT-03.1",
            Coverage(len(ok), len(datasets), "datasets are registered with licence, classification"
                     + (", owner" if inv.dataset_owner_recorded else "") + " and content hash"),
            citations=_cites(ok) or _cites(datasets), not_shown=unseen))
    return out


def propose_inventory(inv: Inventory, source: Source, corpus: Corpus, engine: str) -> list[dict[str, Any]]:
    return [to_proposal(f, corpus, engine) for f in findings(inv, corpus) if corpus.control(f.control_id)]
