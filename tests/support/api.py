"""Shared helpers for the API, server and browser tests (no tests here).

An in-process app over a store in the test's AISMM_HOME, with one user per role.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.support import PROJECT

if TYPE_CHECKING:
    from aismm_assistant.storage import Store

GOV_ANSWER = (
    "We published a version-controlled AI acceptable use policy in March 2024; "
    "95% of staff attested to it within the year."
)


@dataclass
class Api:
    """A TestClient plus a bearer header per user name."""

    client: Any
    store: Store
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def get(self, path: str, as_: str | None = None, **kw: Any) -> Any:
        return self.client.get(path, headers=self.auth(as_) if as_ else {}, **kw)

    def post(self, path: str, as_: str | None = None, **kw: Any) -> Any:
        headers = {**(self.auth(as_) if as_ else {}), **kw.pop("headers", {})}
        return self.client.post(path, headers=headers, **kw)

    def add_user(self, name: str, role: str) -> str:
        _, token = self.store.add_user(name, role)
        self.tokens[name] = token
        return token

    def new_assessment(self, org: str = "Acme Health", deployment_types: list[str] | None = None) -> str:
        body = {"organization": org, "deployment_types": deployment_types or ["PaaS", "API/SaaS"]}
        resp = self.post("/api/assessments", "alice", json=body)
        assert resp.status_code == 201, resp.text
        return resp.json()["id"]

    def new_interview(self, assessment_id: str, category: str = "GOV", respondent: str = "dana") -> dict:
        resp = self.post(
            f"/api/assessments/{assessment_id}/interviews", "alice", json={"category": category, "respondent": respondent}
        )
        assert resp.status_code == 201, resp.text
        return resp.json()


@pytest.fixture(name="api")
def api_fixture(aismm_home: Path) -> Api:
    """admin 'root', assessor 'alice', respondents 'dana' and 'eve'."""
    from fastapi.testclient import TestClient

    from aismm_assistant.api.app import create_app
    from aismm_assistant.storage import Store

    store = Store()
    client = TestClient(create_app(store=store), raise_server_exceptions=False)
    out = Api(client=client, store=store)
    out.add_user("root", "admin")
    out.add_user("alice", "assessor")
    out.add_user("dana", "respondent")
    out.add_user("eve", "respondent")
    yield out
    client.close()
    store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def aismm_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aismm_assistant.cli.main", *args],
        capture_output=True, text=True, env=env, timeout=120, cwd=PROJECT,
    )


class Server:
    """`aismm serve` as a subprocess on a free loopback port."""

    def __init__(self, env: dict[str, str], workers: int = 1) -> None:
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = Path(env["AISMM_HOME"]) / f"serve-{self.port}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "aismm_assistant.cli.main", "serve", "--port", str(self.port),
               "--workers", str(workers), "--log-level", "warning"]
        self.proc = subprocess.Popen(cmd, env=env, cwd=PROJECT, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.wait_ready()

    def wait_ready(self, timeout: float = 60.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.base + "/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def kill9(self) -> None:
        """SIGKILL the whole process group (uvicorn workers included): no shutdown handlers run."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()


def server_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AISMM_")}
    env.update({"AISMM_HOME": str(home), "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(PROJECT / "src")})
    return env
