"""Hermetic tests: state under tmp_path, no network, no hub downloads."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# One BLAS thread per test process: pytest-xdist already runs one worker per core, and two multi-threaded BLAS pools
# on two cores spin against each other (the training tests fit logistic regressions on ~30,000 rows).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# Property tests draw the same examples on every run (a failure reproduces; CI is never flaky by luck),
# keep no example database in the clone, and have no deadline (a loaded 2-core machine is slow, not
# wrong). A test's own @settings (e.g. max_examples) still applies on top of this profile.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("aismm", derandomize=True, database=None, deadline=None)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "aismm"))


def _build_each_cli_once() -> None:
    """typer's `CliRunner().invoke(app, ...)` rebuilds the app's whole click command tree from the function
    signatures on every call: 12 ms for `aismm`, paid by each of the suite's ~1,000 in-process CLI runs. The
    tree depends only on the app (ours are module-level and never change after import), so it is built once
    per app; parsing and running the command are untouched."""
    import typer.testing

    build = getattr(typer.testing, "_get_command", None)
    if build is None:  # a typer without this private helper: every run builds its tree, nothing else changes
        return
    built: dict[int, tuple[object, object]] = {}

    def get_command(app: typer.Typer) -> object:
        if id(app) not in built:
            built[id(app)] = (app, build(app))  # keeps the app alive, so its id is never reused
        return built[id(app)][1]

    typer.testing._get_command = get_command


_build_each_cli_once()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject addopts): one worker per core for a run over folders or the whole tree; none
    (plain in-process pytest, where --pdb and prints work) when the command names only test files.

    PYTEST_XDIST_AUTO_NUM_WORKERS still wins; `-n 0` on the command line turns xdist off for any run.
    """
    forced = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "").strip()
    if forced.isdigit():
        return int(forced)
    paths = [str(a).split("::")[0] for a in config.args]
    if paths and all(p.endswith(".py") for p in paths):
        return 0
    return max(1, len(os.sched_getaffinity(0)))


def _file_rank(item: pytest.Item) -> int:
    """0 for the longest test (the training reproduction, minutes on one worker), 1 for a browser test, 2 for a slow
    one, 3 for the rest (see pytest_collection_modifyitems)."""
    names = {mark.name for mark in item.iter_markers()}
    return 0 if "longest" in names else 1 if "browser" in names else 2 if "slow" in names else 3


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The file with the longest test first, then files with a browser test, then files with a slow test, then the
    rest, each in collection order.

    Under `--dist loadfile --no-loadscope-reorder` (pyproject addopts) xdist hands out whole files in this
    order, so the long files (a Chromium file is 10-60 s on one worker, most with a single test) start while
    there is still other work to balance them, instead of xdist's default order (most tests first) leaving
    them for the end, one worker busy and the other idle. The sort is stable and by file, so a file's tests
    keep their order and stay together.
    """
    rank: dict[str, int] = {}
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        rank[path] = min(rank.get(path, 3), _file_rank(item))
    items.sort(key=lambda item: rank[item.nodeid.split("::", 1)[0]])


@pytest.fixture(autouse=True)
def aismm_home(tmp_path, monkeypatch):
    """Every test gets its own AISMM_HOME; settings are rebuilt from the environment."""
    from aismm_assistant.settings import reset_settings

    home = tmp_path / "aismm-home"
    monkeypatch.setenv("AISMM_HOME", str(home))
    monkeypatch.delenv("AISMM_DATABASE_URL", raising=False)
    monkeypatch.delenv("AISMM_LLM", raising=False)
    monkeypatch.delenv("AISMM_CORPUS_DIR", raising=False)
    reset_settings()
    yield home
    reset_settings()
    from aismm_assistant.llm import unregister_test_models

    unregister_test_models()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory):
    """One real index for the whole session (slow retrieval tests share it): (home, corpus_dir, build report).

    The corpus is a private copy, so a test may edit it (and must restore it). Vectors come from
    the package where the texts match, so the build costs seconds, not a full embedding run.
    """
    import shutil

    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval.index import build_index
    from aismm_assistant.settings import PROJECT_ROOT, Settings

    root = tmp_path_factory.mktemp("real-index")
    corpus_dir = root / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus_dir)
    settings = Settings(home=root / "home", corpus_dir=corpus_dir)
    report = build_index(load_corpus(corpus_dir), settings=settings)
    return settings.home, corpus_dir, report


@pytest.fixture
def indexed(real_index, monkeypatch):
    """Point AISMM_HOME and AISMM_CORPUS_DIR at the shared real index for one test."""
    from aismm_assistant.settings import reset_settings

    home, corpus_dir, _ = real_index
    monkeypatch.setenv("AISMM_HOME", str(home))
    monkeypatch.setenv("AISMM_CORPUS_DIR", str(corpus_dir))
    reset_settings()
    return real_index
