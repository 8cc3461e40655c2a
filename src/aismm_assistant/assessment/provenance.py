"""One sentence that says whose text an export quotes (workbook note, OSCAL remarks, reports)."""

from __future__ import annotations

from aismm_assistant.assessment.record import Assessment


def provenance_note(record: Assessment) -> str:
    c = record.corpus
    if c.official:
        return (f"Objectives quoted from the official CSA AISMM files imported by the user "
                f"(corpus {c.name} {c.version}, hash {c.hash}).")
    return (f"Objectives are the aismm-assistant representative corpus {c.name} {c.version} (hash {c.hash}): "
            "the project's own wording under the AISMM control IDs, not the official CSA workbook text.")
