"""Test helpers: factories, fakes, fixtures and CI rules. Not test modules (nothing here is collected)."""

from pathlib import Path

#: the project root, and the test data folder, wherever a test file sits in the tree
PROJECT = Path(__file__).resolve().parents[2]
DATA = PROJECT / "tests" / "data"
