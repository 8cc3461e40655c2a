"""docs/architecture.md matches the code: every module, folder and test helper it names exists."""

from __future__ import annotations

import re

from tests.support import PROJECT

DOC = PROJECT / "docs" / "architecture.md"
SRC = PROJECT / "src" / "aismm_assistant"
OUTSIDE_SRC = ("tests/", "corpus/", "web/", "docs/", ".ci/", "evals/", "benchmarks/", "src/")
# a path: words separated by '/', ending in .py or '/' (e.g. storage/db.py, api/routes_*.py, retrieval/)
PATH = re.compile(r"(?<![\w./*-])((?:\.?[\w*]+/)*[\w*]+\.py(?:\.mako)?|(?:\.?[\w]+/)+)(?![\w/.])")


def named_paths() -> set[str]:
    return set(PATH.findall(DOC.read_text(encoding="utf-8")))


def _exists(path: str) -> bool:
    """A path from the package root (or the project root); a bare name (`db.py` in the picture) anywhere in it."""
    if path.startswith(OUTSIDE_SRC):
        return bool(list(PROJECT.glob(path.rstrip("/"))))
    if "/" not in path.rstrip("/"):
        return any(p.name == path.rstrip("/") for p in SRC.rglob(path.rstrip("/")))
    return bool(list(SRC.glob(path.rstrip("/"))))


def test_every_module_the_architecture_page_names_exists():
    paths = named_paths()
    assert {"storage/db.py", "service.py", "users.py", "cli/assessment_cmd.py", "tests/support/"} <= paths
    missing = sorted(p for p in paths if not _exists(p))
    assert missing == [], f"docs/architecture.md names modules that do not exist: {missing}"


def test_the_check_catches_a_module_that_does_not_exist():
    assert not _exists("storage/sessions.py") and not _exists("cli/report_*.py") and not _exists("sessions.py")
    assert _exists("api/routes_*.py") and _exists("db.py") and _exists("tests/support/ci.py")


def test_every_storage_and_cli_module_is_on_the_page():
    """The other direction, for the packages this page maps file by file."""
    paths = named_paths()
    for package in ("storage", "cli"):
        for module in sorted((SRC / package).glob("*.py")):
            if module.name != "__init__.py" or package == "storage":
                assert f"{package}/{module.name}" in paths, f"docs/architecture.md does not mention {package}/{module.name}"
