"""The board report as PDF: the HTML report printed by headless Chromium (no network, no JavaScript).

Chromium is found at ``AISMM_CHROMIUM``, ``/usr/bin/chromium`` or on the PATH; without it the export
fails in one line naming the package to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from aismm_assistant.errors import ValidationError

TIMEOUT_S = 120


def find_chromium() -> str | None:
    for candidate in (os.environ.get("AISMM_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str) -> bytes:
    """Print ``html`` (self-contained) to A4 PDF with headless Chromium."""
    exe = find_chromium()
    if exe is None:
        raise ValidationError("PDF export needs Chromium: install it (apt-get install chromium) "
                              "or set AISMM_CHROMIUM to its path; the html format works without it")
    with tempfile.TemporaryDirectory(prefix="aismm-pdf-") as tmp:
        src, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        src.write_text(html, encoding="utf-8")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions", "--no-first-run",
               "--disable-dev-shm-usage", "--disable-background-networking",
               f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer",
               f"--print-to-pdf={out}", src.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise ValidationError(f"Chromium did not finish the PDF within {TIMEOUT_S} s") from None
        except OSError as exc:
            raise ValidationError(f"cannot run Chromium at {exe} ({exc.strerror or type(exc).__name__})") from None
        if not out.is_file() or out.stat().st_size == 0:
            tail = (done.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise ValidationError(f"Chromium could not print the PDF ({tail[0][:200]})")
        return out.read_bytes()
