"""aismm-assistant: assess a security program against the AI Security Maturity Model.

The library is the product; the CLI, the HTTP API and the web pages are thin shells.
"""

from aismm_assistant.errors import AismmError

__version__ = "0.1.0"

__all__ = ["AismmError", "__version__"]
