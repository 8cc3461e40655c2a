"""Test helpers: factories, fakes, fixtures and CI rules. Not test modules (nothing here is collected)."""
