"""The wheel is complete: built from the sources, installed into a fresh venv, run from outside the clone.

The venv gets the wheel (with --no-deps, nothing downloads) and then a .pth pointing at the
shared environment's site-packages for the dependencies. The clone's own sources are never on
the path: every command must find the corpus, the prompts, the pages and the shipped vectors
inside the installed package.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from aismm_assistant.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "src", "corpus", "prompts", "web")


def _run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, f"{cmd}: {res.stderr[-2000:]}"
    return res


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = tmp_path_factory.mktemp("wheel")
    tree = root / "tree"  # a copy, so the build writes nothing into the clone
    for name in SOURCES:
        src = PROJECT_ROOT / name
        if src.is_dir():
            shutil.copytree(src, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            tree.mkdir(exist_ok=True)
            shutil.copy2(src, tree / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False", PIP_NO_INPUT="1")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(root / "dist"), str(tree)], env, root)
    wheel = next((root / "dist").glob("aismm_assistant-*.whl"))
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], env, root)
    python = venv / "bin" / "python"
    _run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)], env, root)
    # Dependencies from the shared environment, added only after the install so pip never sees them.
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], env, root)
    shared = [p for p in site.getsitepackages() if p.endswith("site-packages")]
    Path(purelib.stdout.strip(), "shared-deps.pth").write_text("\n".join(shared) + "\n", encoding="utf-8")
    env["AISMM_HOME"] = str(root / "home")
    outside = root / "elsewhere"
    outside.mkdir()
    return venv, env, outside, wheel


def test_the_wheel_carries_the_corpus_prompts_pages_and_vectors(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed[3]).namelist())
    for needed in ("aismm_assistant/_data/corpus/corpus.yaml", "aismm_assistant/_data/corpus/categories/MOD.yaml",
                   "aismm_assistant/_data/prompts/answer.md", "aismm_assistant/_data/web/index.html",
                   "aismm_assistant/_data/web/assets/app.js",
                   "aismm_assistant/retrieval/embeddings/minilm-chunks.npy",
                   "aismm_assistant/retrieval/embeddings/minilm-chunks.json"):
        assert needed in names, needed


def test_lookup_search_and_ask_run_from_outside_the_clone(installed):
    venv, env, outside, _ = installed
    aismm = str(venv / "bin" / "aismm")
    where = _run([str(venv / "bin" / "python"), "-c",
                  "import aismm_assistant, aismm_assistant.settings as s; "
                  "print(aismm_assistant.__file__); print(s.get_settings().corpus_dir)"], env, outside)
    package_file, corpus_dir = where.stdout.split()
    assert package_file.startswith(str(venv)) and corpus_dir.startswith(str(venv))

    control = json.loads(_run([aismm, "lookup", "mod-3.1", "--json"], env, outside).stdout)["control"]
    assert control["id"] == "MOD-03.1"

    hits = json.loads(_run([aismm, "search", "how do we prove prompt logging?", "--json"], env, outside).stdout)
    assert "MON-02.1" in [r["control_id"] for r in hits["results"]]
    answer = json.loads(_run([aismm, "ask", "how do we prove prompt logging?", "--json"], env, outside).stdout)
    assert "MON-02.1" in answer["citations"]


def test_serve_answers_pages_and_api_from_the_installed_package(installed):
    venv, env, outside, _ = installed
    aismm = str(venv / "bin" / "aismm")
    token = json.loads(_run([aismm, "user", "add", "ada", "--role", "admin", "--json"], env, outside).stdout)["token"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([aismm, "serve", "--port", str(port), "--log-level", "warning"], env=env, cwd=outside,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"

    def get(path: str, auth: bool = False) -> tuple[int, str]:
        req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"} if auth else {})
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback
            return resp.status, resp.read().decode("utf-8")

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, page = get("/")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else "server exited"
                assert time.monotonic() < deadline, "server did not start within 60 s"
                time.sleep(0.3)
        assert status == 200 and "<html" in page.lower()
        assert get("/lookup")[0] == 200
        assert get("/assets/app.js")[0] == 200
        status, body = get("/api/controls/MOD-03.1", auth=True)
        assert status == 200 and json.loads(body)["control"]["id"] == "MOD-03.1"
        status, body = get("/api/search?q=prompt+and+response+logging&k=5", auth=True)
        assert status == 200 and "MON-02.1" in [r["control_id"] for r in json.loads(body)["results"]]
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def test_a_search_imports_neither_torch_nor_chromadb_nor_onnxruntime(installed):
    venv, env, outside, _ = installed
    _run([str(venv / "bin" / "aismm"), "search", "warm the caches", "--json"], env, outside)  # BM25 built once
    code = ("import sys, json; from aismm_assistant.retrieval import search; "
            "hits = search('vector store access control', k=3); "
            "print(json.dumps({'hits': [h.control_id for h in hits], 'match': hits[0].match, "
            "'heavy': sorted(m for m in ('torch', 'chromadb', 'onnxruntime', 'sentence_transformers', 'bm25s') "
            "if m in sys.modules)}))")
    out = json.loads(_run([str(venv / "bin" / "python"), "-c", code], env, outside).stdout)
    assert out["match"] == "hybrid" and len(out["hits"]) == 3
    assert out["heavy"] == []
