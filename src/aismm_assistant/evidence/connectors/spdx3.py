"""SPDX 3.0 documents with the AI and Dataset profiles (JSON-LD serialisation).

Reads the ``@graph`` elements: ``ai_AIPackage`` (models), ``dataset_DatasetPackage`` (datasets),
``software_Package`` with ``software_primaryPurpose`` ``application`` (applications; other
packages are libraries), and ``Relationship`` elements (``dependsOn``, ``contains``,
``trainedOn``, ``testedOn`` link applications to models and models to datasets;
``hasDeclaredLicense`` / ``hasConcludedLicense`` record a dataset's licence). Per element:
``software_packageVersion``, ``verifiedUsing`` hashes, ``suppliedBy`` / ``originatedBy`` /
``software_downloadLocation`` / ``software_packageUrl`` (source) and
``dataset_confidentialityLevel`` (classification). SPDX has no field for an internal dataset
owner, so that criterion is listed as not shown.
"""

from __future__ import annotations

from typing import Any

from aismm_assistant.errors import ValidationError
from aismm_assistant.evidence.connectors.aibom import MAPPING, Inventory, Item, propose_inventory
from aismm_assistant.evidence.connectors.base import Source, first
from aismm_assistant.model import Corpus

NAME = "spdx3"
TITLE = "SPDX 3.0 with AI and Dataset profiles (JSON-LD)"
CRITERIA = MAPPING
_LINKS = {"dependsOn", "contains", "hasDependency", "trainedOn", "testedOn", "hasDynamicLink", "hasStaticLink"}
_LICENCE = {"hasDeclaredLicense", "hasConcludedLicense"}


def _context(data: Any) -> str:
    ctx = data.get("@context") if isinstance(data, dict) else None
    return " ".join(ctx) if isinstance(ctx, list) else str(ctx or "")


def detect(data: Any) -> bool:
    return isinstance(data, dict) and "spdx.org/rdf/3" in _context(data) and isinstance(data.get("@graph"), list)


def _type(el: dict) -> str:
    return str(el.get("type") or el.get("@type") or "")


def _id(el: dict) -> str:
    return str(el.get("spdxId") or el.get("@id") or el.get("name") or "")


def inventory(src: Source) -> Inventory:
    graph = [el for el in src.data["@graph"] if isinstance(el, dict)]
    inv = Inventory(dataset_owner_recorded=False)
    licensed: set[str] = set()
    for el in graph:
        t = _type(el)
        if t == "Relationship":
            kind = el.get("relationshipType")
            targets = el.get("to") if isinstance(el.get("to"), list) else [el.get("to")]
            if kind in _LINKS:
                for target in targets:
                    if target:
                        inv.link(str(el.get("from")), str(target))
            elif kind in _LICENCE:
                licensed.add(str(el.get("from")))
            continue
        if t == "ai_AIPackage":
            kind = "model"
        elif t == "dataset_DatasetPackage":
            kind = "dataset"
        elif t == "software_Package":
            kind = "application" if el.get("software_primaryPurpose") == "application" else "library"
        else:
            continue
        hashes = [h.get("hashValue") for h in el.get("verifiedUsing") or []
                  if isinstance(h, dict) and h.get("hashValue")]
        supplied = el.get("suppliedBy")
        originated = el.get("originatedBy")
        name = str(el.get("name") or _id(el))
        item = Item(ref=_id(el), name=name, kind=kind, version=el.get("software_packageVersion"), hashes=hashes,
                    source=first(supplied, originated, el.get("software_downloadLocation"),
                                 el.get("software_packageUrl")),
                    classification=el.get("dataset_confidentialityLevel"))
        item.quotes = [q for q in (src.quote_pair("name", name),
                                   src.quote_pair("hashValue", hashes[0]) if hashes else None) if q]
        inv.add(item)
    for ref in licensed:
        if ref in inv.items:
            inv.items[ref].licence = True
    if not inv.of_kind("model") and not inv.of_kind("dataset"):
        raise ValidationError(f"{src.name}: this SPDX 3 document has no ai_AIPackage or dataset_DatasetPackage "
                              "elements (the AI and Dataset profiles)")
    return inv


def propose(doc: Source, corpus: Corpus) -> list[dict[str, Any]]:
    return propose_inventory(inventory(doc), doc, corpus, engine=f"connector:{NAME}")
