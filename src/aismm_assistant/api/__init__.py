"""The HTTP API (FastAPI) and the web pages it serves; a thin shell over the library."""
