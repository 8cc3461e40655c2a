"""Moved to `aismm_assistant.evals` (golden, metrics, agreement); kept so that older imports still resolve."""

from aismm_assistant.evals.agreement import evaluate
from aismm_assistant.evals.golden import GoldenCase, GoldenFile, golden_paths, load_golden
from aismm_assistant.evals.metrics import macro_f1, quadratic_weighted_kappa, summarise

__all__ = ["GoldenCase", "GoldenFile", "evaluate", "golden_paths", "load_golden", "macro_f1",
           "quadratic_weighted_kappa", "summarise"]
