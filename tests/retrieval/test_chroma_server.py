"""The Chroma server path: index and search through HttpClient against a real `chroma run` on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aismm_assistant.settings import reset_settings
from tests.support.ci import need

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    need(CHROMA.exists(), f"chroma CLI not installed at {CHROMA} (it comes with the chromadb package)")
    port = _free_port()
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "chroma-data")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("chroma server exited at start")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_index_and_search_through_a_chroma_server(chroma_server, tmp_path, monkeypatch):
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval.index import build_index
    from aismm_assistant.retrieval.search import search
    from aismm_assistant.settings import PROJECT_ROOT, get_settings

    corpus_dir = tmp_path / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus_dir)
    monkeypatch.setenv("AISMM_CHROMA_URL", chroma_server)
    monkeypatch.setenv("AISMM_CORPUS_DIR", str(corpus_dir))
    reset_settings()
    first = build_index(load_corpus(), settings=get_settings())
    again = build_index(load_corpus(), settings=get_settings())
    assert first.written == first.chunks and again.written == 0 and again.embedded == 0
    assert not (get_settings().index_dir / "chroma").exists()  # nothing written to the embedded store
    hits = search("how do we prove prompts and responses reach the SIEM", k=5)
    assert "MON-02.1" in [h.control_id for h in hits]
