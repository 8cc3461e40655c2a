"""`aismm corpus ...` and `aismm lookup`: exact, fast, no retrieval stack."""

from __future__ import annotations

from pathlib import Path

import typer

from aismm_assistant.cli.common import JSON_OPTION, console, new_app, print_json

#: top-level commands (merged into `aismm` by cli/main.py)
commands = new_app("Exact lookups.")

app = new_app("Read, validate, import and export the AISMM corpus.")


@app.command("list")
def list_cmd(
        category: str = typer.Option(None, "--category", "-c", help="Only this category (e.g. GOV)."),
        as_json: bool = JSON_OPTION,
) -> None:
        """List categories and control objectives."""
        from aismm_assistant import corpus as corpus_mod
        from aismm_assistant.prerequisites import prerequisites_for

        corpus = corpus_mod.load_corpus()
        cats = [corpus_mod.get_category(category, corpus)] if category else corpus.categories
        data = {
            "corpus": {
                "name": corpus.meta.name,
                "version": corpus.meta.version,
                "hash": corpus.content_hash,
                "representative": corpus.meta.representative,
                "official": corpus_mod.corpus_provenance(corpus)["official"],
            },
            "categories": [{"id": c.id, "name": c.name, "domain": c.domain,
                            "prerequisites": prerequisites_for(corpus, c.id)} for c in cats],
            "controls": [
                {"id": ctl.id, "category": ctl.category, "level": ctl.level, "name": ctl.name}
                for c in cats
                for ctl in c.controls
            ],
        }
        if as_json:
            print_json(data)
            return
        from rich.markup import escape
        from rich.table import Table

        table = Table(title=f"{escape(corpus.meta.name)} v{corpus.meta.version} ({len(data['controls'])} objectives)")
        for col in ("ID", "Level", "Objective", "Deployment"):
            table.add_column(col)
        for c in cats:
            table.add_section()
            table.add_row(f"[bold]{c.id}[/]", "", f"[bold]{escape(c.name)}[/] ({c.domain})", "")
            for ctl in c.controls:
                table.add_row(ctl.id, f"L{ctl.level}", escape(ctl.name), ", ".join(ctl.deployment_types))
        console.print(table)
        if corpus.meta.representative:
            console.print("[dim]Representative corpus written for this project; not the official CSA text.[/]")


@app.command("validate")
def validate_cmd(
        path: Path = typer.Argument(None, help="Corpus folder (default: the configured corpus)."),
        as_json: bool = JSON_OPTION,
) -> None:
        """Check IDs, levels, vocabularies and per-level counts; fail naming file, entry and reason."""
        from aismm_assistant.corpus import load_authored_criteria, load_corpus, load_corpus_dir
        from aismm_assistant.criteria import criteria_report

        corpus = load_corpus_dir(path) if path else load_corpus()
        counts = {c.id: len(c.controls) for c in corpus.categories}
        criteria = criteria_report(corpus.controls, load_authored_criteria(corpus, path))
        data = {
            "valid": True,
            "name": corpus.meta.name,
            "version": corpus.meta.version,
            "hash": corpus.content_hash,
            "objectives": sum(counts.values()),
            "per_category": counts,
            "criteria": criteria,
            "aicm_version": corpus.meta.aicm_version or None,
            "crosswalks": {fw: len(cw.mappings) for fw, cw in corpus.crosswalks.items()},
            "prerequisites": len(corpus.prerequisites),
        }
        if as_json:
            print_json(data)
        else:
            per = ", ".join(f"{k} {v}" for k, v in counts.items())
            console.print(f"[green]valid[/]: {data['objectives']} objectives ({per}); hash {corpus.content_hash}")
            line = (f"criteria: {criteria['parsed']} parsed, {criteria['authored']} authored overrides, "
                    f"{criteria['with_measure']} with a measure")
            if "parser_agreement" in criteria:
                agr = criteria["parser_agreement"]
                line += f"; parser agrees with authored criteria for {agr['agree']}/{agr['authored']}"
            console.print(line)
            if data["crosswalks"] or data["prerequisites"]:
                maps = ", ".join(f"{fw} {n}" for fw, n in data["crosswalks"].items())
                console.print(f"AICM v{data['aicm_version'] or '?'}; crosswalk mappings: {maps}; "
                              f"{data['prerequisites']} cross-category prerequisites")


@app.command("import-xlsx")
def import_xlsx_cmd(
        workbook: Path = typer.Argument(..., help="The official AISMM workbook (.xlsx)."),
        details: Path = typer.Option(None, "--details", help="AISMM_Control_Objectives_Details.md"),
        out: Path = typer.Option(None, "--out", "-o", help="Target folder (default: AISMM_HOME/corpus-imported)."),
        as_json: bool = JSON_OPTION,
) -> None:
        """Import the official workbook (and details document) into a corpus folder."""
        from aismm_assistant.settings import get_settings
        from aismm_assistant.workbook import import_workbook, write_corpus_dir

        corpus = import_workbook(workbook, details)
        target = out or (get_settings().ensure_home() / "corpus-imported")
        write_corpus_dir(corpus, target)
        data = {"path": str(target), "objectives": len(corpus.controls), "hash": corpus.content_hash}
        if as_json:
            print_json(data)
        else:
            console.print(f"imported {data['objectives']} objectives into {target}")
            console.print(f"use it with: AISMM_CORPUS_DIR={target}")


@app.command("export-xlsx")
def export_xlsx_cmd(
        path: Path = typer.Argument(..., help="Where to write the workbook (.xlsx)."),
        as_json: bool = JSON_OPTION,
) -> None:
        """Write the corpus in the official workbook layout (one sheet per category)."""
        from aismm_assistant.corpus import load_corpus
        from aismm_assistant.workbook import export_corpus_workbook

        corpus = load_corpus()
        export_corpus_workbook(corpus, path)
        if as_json:
            print_json({"path": str(path), "objectives": len(corpus.controls)})
        else:
            console.print(f"wrote {len(corpus.controls)} objectives to {path}")


@app.command("export-oscal")
def export_oscal_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the OSCAL catalog (.json)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write the corpus as an OSCAL catalog (a group per category, a control per objective)."""
    from aismm_assistant.assessment.exports import write_atomic
    from aismm_assistant.assessment.oscal import catalog, dumps
    from aismm_assistant.corpus import load_corpus

    corpus = load_corpus()
    write_atomic(out, dumps(catalog(corpus)).encode("utf-8"))
    if as_json:
        print_json({"path": str(out), "controls": len(corpus.controls)})
    else:
        console.print(f"wrote an OSCAL catalog of {len(corpus.controls)} objectives to {out}")


@commands.command("lookup")
def lookup_cmd(
        control_id: str = typer.Argument(None, help="A control ID, written loosely: mod-03.1, MOD-3.1, 'MOD 03.1'."),
        aicm: str = typer.Option(None, "--aicm", help="List objectives mapped to this AICM control (e.g. AIS-08)."),
        ref: str = typer.Option(None, "--ref", help="List objectives citing this reference (e.g. 'GOVERN 1.1')."),
        as_json: bool = JSON_OPTION,
) -> None:
        """Show one control objective with its rationale, description and evidence."""
        from aismm_assistant import corpus as corpus_mod
        from aismm_assistant.errors import NotFoundError, ValidationError

        corpus = corpus_mod.load_corpus()
        provenance = corpus_mod.corpus_provenance(corpus)
        if aicm or ref:
            found = corpus_mod.controls_for_aicm(aicm, corpus) if aicm else corpus_mod.controls_for_reference(ref, corpus)
            if not found:
                if aicm and corpus_mod.is_aicm_control(aicm, corpus) is False:
                    version = corpus.meta.aicm_version or "1.0"
                    raise NotFoundError(f"{aicm.strip()} is not an AICM v{version} control")
                raise NotFoundError(f"no objective maps to {'AICM ' + aicm if aicm else 'reference ' + repr(ref)}")
            data = {"query": aicm or ref, "controls": [c.public() for c in found], "corpus": provenance}
            if as_json:
                print_json(data)
            else:
                from rich.markup import escape

                for c in found:
                    console.print(f"[bold]{c.id}[/] L{c.level} {escape(c.name)} — AICM {', '.join(c.aicm) or '—'}")
                console.print(f"[dim]{escape(corpus_mod.provenance_footer(corpus))}[/]", soft_wrap=True)
            return
        if not control_id:
            raise ValidationError("give a control ID, or --aicm ID, or --ref TEXT")
        control = corpus_mod.get_control(control_id, corpus)
        from aismm_assistant.prerequisites import prerequisites_for

        prereqs = prerequisites_for(corpus, control.category, control.level)
        if as_json:
            print_json({"control": control.public(), "prerequisites": prereqs, "corpus": provenance})
            return
        _render_control(control)
        from rich.markup import escape

        for p in prereqs:
            needs = ", ".join(f"{r['category']} L{r['level']}" for r in p["requires"])
            console.print(f"prerequisite: {p['category']} L{p['level']} assumes {needs} - {escape(p['why'])}")
        console.print(f"[dim]{escape(corpus_mod.provenance_footer(corpus))}[/]", soft_wrap=True)


def _render_control(control) -> None:  # noqa: ANN001 - Control, imported lazily
    from rich.markdown import Markdown
    from rich.markup import escape
    from rich.panel import Panel

    from aismm_assistant.model import CATEGORY_NAMES, LEVEL_NAMES

    lines = [
        f"**{CATEGORY_NAMES[control.category]}** ({control.domain}) · "
        f"**L{control.level} {LEVEL_NAMES[control.level]}** · {', '.join(control.deployment_types)} · "
        f"{control.assessment_mode}",
        "",
        f"**Objective.** {control.objective}",
        "",
        f"**Why it indicates the level.** {control.rationale or '—'}",
        "",
        control.description or "",
        "",
        "**Evidence an assessor looks at:**",
        *[f"- {e}" for e in control.evidence],
        "",
        f"AICM: {', '.join(control.aicm) or '—'} · References: {'; '.join(control.references) or '—'}",
    ]
    console.print(Panel(Markdown("\n".join(lines)), title=f"{control.id} — {escape(control.name)}", expand=False))
