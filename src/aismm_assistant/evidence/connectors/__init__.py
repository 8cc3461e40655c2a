"""Connectors for machine sources: one module per format family, each with ``NAME``, ``TITLE``,
``CRITERIA`` (objective -> what the file can show), ``detect(data)`` and ``propose(source, corpus)``.
The order below is the detection order (most specific first)."""

from __future__ import annotations

from aismm_assistant.evidence.connectors import cloud_policy, cyclonedx, idp, redteam, spdx3

CONNECTORS = (cyclonedx, spdx3, redteam, idp, cloud_policy)

__all__ = ["CONNECTORS", "cloud_policy", "cyclonedx", "idp", "redteam", "spdx3"]
