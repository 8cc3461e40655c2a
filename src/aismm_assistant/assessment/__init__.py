"""Assessments: one record for manual and assisted work, scoring, storage, reports, evidence requests."""
