"""`aismm eval PATH`: agreement of the engine with golden assessment sets."""

from __future__ import annotations

from pathlib import Path

import typer

from aismm_assistant.cli.common import JSON_OPTION, console, new_app, print_json

SUMMARY_KEYS = ("cases", "level_exact", "level_within_one", "qwk", "over_rated", "control_accuracy",
                "control_macro_f1", "citation_validity_prefilter", "citation_validity", "abstention_rate",
                "steering_recall", "steering_false_flag_rate")


#: top-level commands (merged into `aismm` by cli/main.py)
commands = new_app("Agreement with golden sets.")


@commands.command("eval")
def eval_cmd(
    path: Path = typer.Argument(..., help="A golden file or a folder of them (holdout/ only when named)."),
    llm: str = typer.Option(None, "--llm", help="'offline' or a chat model, e.g. openai:gpt-4o-mini "
                            "(default: AISMM_LLM, else offline)."),
    report: Path = typer.Option(None, "--report", help="Also write an HTML page (SVG charts) to this path."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Replay golden interviews and compare levels, statuses and citations with the expected verdicts."""
    from aismm_assistant.evals.agreement import evaluate
    from aismm_assistant.interview.analyser import get_analyser

    result = evaluate(path, get_analyser(llm))  # result["engine"]: the analyser that ran
    result["path"] = str(path)
    if report:
        from aismm_assistant.evals.report import write_report

        result["report"] = str(write_report(result, report))
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    table = Table(title=f"aismm eval {path} ({result['engine']})")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k in SUMMARY_KEYS:
        table.add_row(k, f"{result[k]:.4g}" if isinstance(result[k], float) else str(result[k]))
    console.print(table)
    per = Table(title="per category")
    for col in ("category", "cases", "exact", "within one"):
        per.add_column(col)
    for cat, row in result["per_category"].items():
        per.add_row(cat, str(row["cases"]), f"{row['level_exact']:.2f}", f"{row['level_within_one']:.2f}")
    console.print(per)
    conf = Table(title="confusion (rows expected, columns predicted)")
    conf.add_column("")
    for lv in range(1, 6):
        conf.add_column(f"L{lv}", justify="right")
    for i, row in enumerate(result["confusion_matrix"]["matrix"]):
        conf.add_row(f"L{i + 1}", *[str(v) for v in row])
    console.print(conf)
    if report:
        console.print(f"report written to {result['report']}")
