"""CycloneDX 1.5 / 1.6 ML-BOM: machine-learning-model and data components, hashes, suppliers, dependencies.

Reads ``components`` (nested too), ``metadata.component`` (the application the BOM describes),
``dependencies`` (``ref`` -> ``dependsOn``) and per component ``type``, ``version``, ``hashes``,
``supplier`` / ``publisher`` / ``authors`` / ``purl`` / ``externalReferences`` (source),
``licenses``, ``data[].classification`` and ``data[].governance`` (owners, custodians, stewards).
A property named ``*environment`` or ``*lifecycle`` with value ``production`` marks production
applications; without any such property every application counts.
"""

from __future__ import annotations

from typing import Any

from aismm_assistant.errors import ValidationError
from aismm_assistant.evidence.connectors.aibom import MAPPING, Inventory, Item, propose_inventory
from aismm_assistant.evidence.connectors.base import Source, first
from aismm_assistant.model import Corpus

NAME = "cyclonedx"
TITLE = "CycloneDX ML-BOM (1.5, 1.6)"
CRITERIA = MAPPING
SUPPORTED = ("1.5", "1.6", "1.7")
_KINDS = {"machine-learning-model": "model", "data": "dataset", "application": "application",
          "library": "library", "framework": "library", "platform": "library", "container": "library"}


def detect(data: Any) -> bool:
    return isinstance(data, dict) and data.get("bomFormat") == "CycloneDX"


def _production(comp: dict) -> bool | None:
    for prop in comp.get("properties") or []:
        name = str(prop.get("name", "")).lower()
        if name.endswith(("environment", "lifecycle", "deployment")):
            return str(prop.get("value", "")).strip().lower() in ("production", "prod")
    return None


def _source(comp: dict) -> str | None:
    supplier = comp.get("supplier") or comp.get("manufacturer") or {}
    refs = [r.get("url") for r in comp.get("externalReferences") or []
            if r.get("type") in ("distribution", "vcs", "website", "model-card", "source-distribution")]
    authors = comp.get("authors") or []
    return first(supplier.get("name") if isinstance(supplier, dict) else None, comp.get("publisher"),
                 comp.get("author"), authors[0].get("name") if authors and isinstance(authors[0], dict) else None,
                 comp.get("purl"), refs[0] if refs else None)


def _item(comp: dict, src: Source) -> Item | None:
    kind = _KINDS.get(str(comp.get("type", "")))
    if kind is None:
        return None
    ref = str(comp.get("bom-ref") or comp.get("name") or "")
    name = str(comp.get("name") or ref)
    hashes = [h.get("content") for h in comp.get("hashes") or [] if isinstance(h, dict) and h.get("content")]
    item = Item(ref=ref, name=name, kind=kind, version=comp.get("version"), hashes=hashes, source=_source(comp),
                licence=bool(comp.get("licenses")), production=_production(comp) if kind == "application" else None)
    if kind == "dataset":
        for d in comp.get("data") or []:
            item.classification = item.classification or d.get("classification")
            gov = d.get("governance") or {}
            people = (gov.get("owners") or []) + (gov.get("custodians") or []) + (gov.get("stewards") or [])
            for p in people:
                who = (p.get("organization") or {}).get("name") or (p.get("contact") or {}).get("name")
                item.owner = item.owner or who
    item.quotes = [q for q in (src.quote_pair("name", name),
                               src.quote_pair("content", hashes[0]) if hashes else None) if q]
    return item


def _walk(components: list, parent: str | None, inv: Inventory, src: Source) -> None:
    for comp in components or []:
        if not isinstance(comp, dict):
            continue
        item = _item(comp, src)
        if item:
            inv.add(item)
            if parent:
                inv.link(parent, item.ref)
        _walk(comp.get("components") or [], item.ref if item else parent, inv, src)


def inventory(src: Source) -> Inventory:
    bom = src.data
    version = str(bom.get("specVersion", ""))
    if version not in SUPPORTED:
        raise ValidationError(f"{src.name}: CycloneDX {version or '(no specVersion)'} has no ML-BOM; "
                              "machine-learning-model components need CycloneDX 1.5 or later")
    inv = Inventory()
    subject = (bom.get("metadata") or {}).get("component")
    if isinstance(subject, dict):
        item = _item(subject, src)
        if item:
            inv.add(item)
            inv.subject = item.ref
            _walk(subject.get("components") or [], item.ref, inv, src)
    _walk(bom.get("components") or [], None, inv, src)
    for service in bom.get("services") or []:
        if isinstance(service, dict) and service.get("name"):
            inv.add(Item(ref=str(service.get("bom-ref") or service["name"]), name=service["name"], kind="service"))
    for dep in bom.get("dependencies") or []:
        if isinstance(dep, dict) and dep.get("ref"):
            for target in dep.get("dependsOn") or []:
                inv.link(str(dep["ref"]), str(target))
    if not inv.of_kind("model") and not inv.of_kind("dataset"):
        raise ValidationError(f"{src.name}: this CycloneDX BOM lists no machine-learning-model or data "
                              "components, so it is not an ML-BOM")
    return inv


def propose(doc: Source, corpus: Corpus) -> list[dict[str, Any]]:
    return propose_inventory(inventory(doc), doc, corpus, engine=f"connector:{NAME}")
