"""`aismm crosswalk`: mappings between AISMM objectives and other frameworks, in both directions."""

from __future__ import annotations

import typer

from aismm_assistant.cli.common import JSON_OPTION, console, new_app, print_json

FRAMEWORK_HELP = "aismm, aicm, nist-ai-rmf, iso-42001, eu-ai-act, owasp-llm or mitre-atlas."


def _targets(corpus, level: int | None, categories: list[str] | None, assessment_id: str | None) -> dict[str, int]:  # noqa: ANN001
    from aismm_assistant.corpus import get_category
    from aismm_assistant.errors import ValidationError

    if assessment_id:
        from aismm_assistant.assessment.storage import get_store
        from aismm_assistant.assessment.summary import to_public

        pub = to_public(get_store().get_assessment(assessment_id), corpus)
        targets = {cid: c.target_level for cid, c in pub.categories.items() if c.target_level}
        if not targets:
            raise ValidationError(f"assessment {assessment_id} has no target levels; set them or use --level")
        return targets
    if level is None:
        raise ValidationError("give a REF to look up, or --level L (or --assessment ID) for a coverage report")
    if not 2 <= level <= 5:
        raise ValidationError(f"--level {level}: objectives exist at levels 2-5")
    cats = [get_category(c, corpus).id for c in categories] if categories else [c.id for c in corpus.categories]
    return {c: level for c in cats}


commands = new_app("Crosswalks between AISMM objectives and other frameworks.")


@commands.command("crosswalk")
def crosswalk_cmd(
    framework: str = typer.Argument(..., help=FRAMEWORK_HELP),
    ref: str = typer.Argument(None, help="An objective (GOV-02.1) or a framework item ('GOVERN 1.1', LLM01, A.6.2.5)."),
    level: int = typer.Option(None, "--level", "-l", help="Coverage report: which items a target of this level covers."),
    category: list[str] = typer.Option(None, "--category", "-c", help="Coverage: only these categories (repeatable)."),
    assessment_id: str = typer.Option(None, "--assessment", "-a", help="Coverage of an assessment's target levels."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Map an objective to NIST AI RMF, ISO/IEC 42001, EU AI Act, OWASP LLM, MITRE ATLAS and AICM, or back."""
    from rich.markup import escape

    from aismm_assistant import crosswalk as cw_mod
    from aismm_assistant.corpus import corpus_provenance, load_corpus, provenance_footer

    corpus = load_corpus()
    if ref is None:
        data = cw_mod.coverage(corpus, framework, _targets(corpus, level, category, assessment_id))
        data["corpus"] = corpus_provenance(corpus)
        if as_json:
            print_json(data)
            return
        targets = ", ".join(f"{c} L{lv}" for c, lv in data["targets"].items())
        console.print(f"[bold]{data['framework']}[/]: {data['covered']} of {data['items']} items covered "
                      f"({data['ratio']:.0%}) by the {data['objectives_in_target']} objectives of {escape(targets)}")
        for item in data["covered_items"]:
            label = f" {escape(item['name'])}" if item["name"] else ""
            console.print(f"  covered   {escape(item['ref'])}{label} <- {', '.join(item['objectives'])}")
        for item in data["uncovered_items"]:
            label = f" {escape(item['name'])}" if item["name"] else ""
            console.print(f"  [yellow]uncovered[/] {escape(item['ref'])}{label}")
        console.print(f"[dim]{escape(provenance_footer(corpus))}[/]", soft_wrap=True)
        return
    from aismm_assistant.corpus import get_control

    control = get_control(ref, corpus) if cw_mod.framework_name(framework) == "aismm" else None
    data = cw_mod.crosswalk(corpus, framework, ref, control)
    data["corpus"] = corpus_provenance(corpus)
    if as_json:
        print_json(data)
        return
    title = f"{data['framework']} {data['ref']}" + (f" - {data['name']}" if data.get("name") else "")
    console.print(f"[bold]{escape(title)}[/]")
    if not data["mappings"]:
        console.print("no AISMM objective maps to it")
    for m in data["mappings"]:
        where = m["framework"] + " " + m["ref"] + (f" {m['name']}" if m.get("name") else "")
        console.print(f"  {m['relation']:<9} {escape(where)}")
    console.print(f"[dim]{escape(provenance_footer(corpus))}[/]", soft_wrap=True)
