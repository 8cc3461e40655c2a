"""Alembic migrations for the assessment store, run programmatically on first use (storage.migrate)."""
