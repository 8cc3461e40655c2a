"""Evidence beyond the interview: files attached to objectives, their text, and machine-source connectors.

Public entry points: ``store.add_evidence`` / ``store.list_evidence`` (attach and list files),
``extract.extract`` (text with locators), ``quotes.locate`` (verbatim check) and
``importer.import_file`` (connectors that propose statuses from a machine-readable file).
"""
