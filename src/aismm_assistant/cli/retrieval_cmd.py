"""`aismm index`, `aismm search`, `aismm ask`, `aismm bench retrieval`.

The retrieval stack is imported inside each command, never at module level, so `aismm lookup`
and `aismm corpus list` stay free of chromadb, onnxruntime, torch and LangChain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from aismm_assistant.cli.common import JSON_OPTION, console, err_console, new_app, print_json

#: top-level commands (merged into `aismm` by cli/main.py)
commands = new_app("Search and questions.")



@commands.command("index")
def index_cmd(
    force: bool = typer.Option(False, "--force", help="Embed every chunk again with the model and rewrite the Chroma collection."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write the corpus vectors into Chroma (shipped or cached vectors reused; only new text is embedded)."""
    from aismm_assistant.retrieval.index import build_index

    with embedding_progress(disable=as_json) as progress:
        report = build_index(progress=progress, force=force)
    data = report.as_dict()
    if as_json:
        print_json(data)
        return
    console.print(
        f"index {report.target}: {report.chunks} chunks ({report.embedded} embedded, "
        f"{report.from_package} from the package, {report.from_cache} cached; {report.written} written, "
        f"{report.deleted} deleted, {report.unchanged} unchanged) for corpus "
        f"{report.corpus_version} [{report.corpus_hash}] in {report.seconds:.1f} s"
    )


@commands.command("search")
def search_cmd(
    text: str = typer.Argument(..., help="Words, a question, a control ID (mod-3.1), an AICM ID or a reference."),
    k: int = typer.Option(5, "-k", "--top", help="How many controls to return (1-50)."),
    category: str = typer.Option(None, "--category", "-c", help="Only this category (e.g. MOD)."),
    level: str = typer.Option(None, "--level", "-l", help="Only this level (2-5 or L2-L5)."),
    deployment: str = typer.Option(None, "--deployment", "-d", help="Only objectives that apply to it."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Find control objectives: exact IDs first, then hybrid BM25 + dense retrieval."""
    from aismm_assistant import service
    from aismm_assistant.corpus import provenance_footer

    with embedding_progress():
        data = service.search(text, k=k, category=category, level=level, deployment=deployment)
    if as_json:
        print_json(data)
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"search: {escape(text)}")
    for col in ("#", "ID", "Level", "Objective", "Score", "Why"):
        table.add_column(col)
    for i, h in enumerate(data["results"], 1):
        table.add_row(str(i), h["control_id"], f"L{h['level']}", escape(h["name"]), f"{h['score']:.3f}",
                      h["match"] + (f" ({h['field']})" if h["match"] == "hybrid" and h["field"] else ""))
    console.print(table)
    console.print(f"[dim]{escape(provenance_footer())}[/]", soft_wrap=True)


@commands.command("ask")
def ask_cmd(
    question: str = typer.Argument(..., help="e.g. 'What does MOD-03.1 require?'"),
    llm: str = typer.Option(None, "--llm", help="'offline' (default) or a chat model, e.g. openai:gpt-4o-mini."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Answer a question from the corpus, citing control IDs (citations checked)."""
    from aismm_assistant import service
    from aismm_assistant.corpus import provenance_footer

    with embedding_progress():
        result = service.ask(question, llm=llm)
    if as_json:
        print_json(result)
        return
    console.print(result["answer"], markup=False, highlight=False)
    console.print(f"\n[dim]citations: {', '.join(result['citations']) or '-'} · engine {result['engine']}[/]")
    console.print(provenance_footer(), style="dim", markup=False, highlight=False, soft_wrap=True)
    if result["removed_citations"]:
        err_console.print(f"removed citations not in the retrieved sources: {', '.join(result['removed_citations'])}")


bench_app = new_app("Benchmarks that print a table.")


@bench_app.command("retrieval")
def bench_retrieval_cmd(
    queries: Path = typer.Option(None, "--queries", help="A query file or folder (default: evals/retrieval)."),
    skip_baseline: bool = typer.Option(False, "--skip-baseline", help="Do not build the LangChain baseline."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Recall@1/@5, MRR, nDCG@10 and p50 latency of hybrid (calibrated and min-max fusion), BM25, dense, LangChain."""
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval.bench import load_queries, run_benchmark

    labelled = load_queries(queries, known_ids=set(load_corpus().control_ids()))
    systems = ("hybrid", "hybrid_minmax", "bm25", "dense") + (() if skip_baseline else ("langchain_baseline",))
    result = run_benchmark(labelled, systems)
    if as_json:
        print_json(result)
        return
    console.print(format_table(result), markup=False, highlight=False)


@contextmanager
def embedding_progress(disable: bool = False) -> Iterator[Callable[[int, int], None]]:
    """A rich bar on stderr while corpus chunks are embedded; nothing at all when none need embedding."""
    from aismm_assistant.retrieval.search import set_index_progress

    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if disable or not total:
            return
        if "bar" not in state:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            bar = Progress(TextColumn("embedding corpus chunks"), BarColumn(), MofNCompleteColumn(),
                           TimeElapsedColumn(), console=err_console, transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("embed", total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    previous = set_index_progress(update)
    try:
        yield update
    finally:
        set_index_progress(previous)
        if "bar" in state:
            state["bar"].stop()


def format_table(result: dict) -> str:
    """A plain-text table of the benchmark (also used by benchmarks/bench_search.py)."""
    from aismm_assistant.retrieval.bench import METRICS

    lines = [f"{result['queries']} labelled queries, corpus {result.get('corpus_hash', '')}",
             f"{'system':20}" + "".join(f"{m:>10}" for m in METRICS)]
    for name, row in result["systems"].items():
        lines.append(f"{name:20}" + "".join(f"{row[m]:>10.4f}" if m != "p50_ms" else f"{row[m]:>10.2f}"
                                           for m in METRICS))
    return "\n".join(lines)
