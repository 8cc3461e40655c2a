"""Evaluation above the engine: golden files, replay, agreement metrics, the eval report, the question-policy
simulation and the training of the status model.

These modules import the interview package; nothing in `interview/` (the live answer path) imports them.
"""
