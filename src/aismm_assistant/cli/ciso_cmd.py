"""`aismm corpus export-ciso-assistant`: the corpus as a CISO Assistant library (YAML)."""

from __future__ import annotations

from pathlib import Path

import typer

from aismm_assistant.cli.common import JSON_OPTION, console, print_json
from aismm_assistant.cli.corpus_cmd import app as corpus_app


@corpus_app.command("export-ciso-assistant")
def export_ciso_assistant_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the library (.yaml)."),
    standalone: bool = typer.Option(False, "--standalone",
                                    help="Framework only: no mapping sets, no ATLAS threats, no dependencies."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write a CISO Assistant library: framework, levels as scores, implementation groups, crosswalk mapping sets."""
    from aismm_assistant.assessment.exports import write_atomic
    from aismm_assistant.ciso_assistant import build_library, library_yaml
    from aismm_assistant.corpus import corpus_provenance, load_corpus
    from aismm_assistant.errors import ValidationError

    if out.is_dir():
        raise ValidationError(f"{out}: is a folder; give a file name such as aismm.yaml")
    if not out.parent.exists():
        raise ValidationError(f"{out.parent}: folder does not exist")
    corpus = load_corpus()
    text = library_yaml(corpus, mappings=not standalone)
    write_atomic(out, text.encode("utf-8"))
    lib = build_library(corpus, mappings=not standalone)
    nodes = lib["objects"]["framework"]["requirement_nodes"]
    sets = lib["objects"].get("requirement_mapping_sets", [])
    data = {"path": str(out), "urn": lib["urn"], "requirement_nodes": len(nodes),
            "assessable": sum(1 for n in nodes if n["assessable"]),
            "mapping_sets": {s["target_framework_urn"]: len(s["requirement_mappings"]) for s in sets},
            "corpus": corpus_provenance(corpus)}
    if as_json:
        print_json(data)
    else:
        console.print(f"wrote {out}: {data['requirement_nodes']} requirement nodes "
                      f"({data['assessable']} assessable), {len(sets)} mapping sets")
