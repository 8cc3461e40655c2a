"""Build step only: copy corpus/, prompts/ and web/ into the wheel as package data.

They stay at the top of the repository (where they are edited); `build_py` places a copy under
`aismm_assistant/_data/` in the build, where `settings.py` finds them when the package is
installed from a wheel. Everything else is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_DIRS = ("corpus", "prompts", "web")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "aismm_assistant" / "_data"
        for name in DATA_DIRS:
            source = ROOT / name
            if not source.is_dir():
                raise SystemExit(f"error: {source} is missing; build from a complete checkout")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(source, target / name, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithData})
