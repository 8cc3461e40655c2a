"""The CLI and the API call one service layer: the same view, the same export bytes, the same user rules."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from aismm_assistant import service, users
from tests.support.api import Api, api_fixture  # noqa: F401 - registers the "api" fixture
from tests.support.assessment import cli, cli_json


def _assessed(api: Api) -> str:
    aid = api.new_assessment(deployment_types=["PaaS"])
    api.store.set_result(aid, "GOV-02.1", "met", evidence=["AI use policy v2, approved 2024-03"], actor="alice")
    api.store.set_result(aid, "MOD-02.1", "partial", actor="alice")
    api.store.set_target(aid, "GOV", 4, actor="alice")
    return aid


def test_assessment_show_is_the_api_view_with_its_roadmap(api):
    aid = _assessed(api)
    from_api = api.get(f"/api/assessments/{aid}", "alice").json()
    from_cli = cli_json("assessment", "show", aid, "--all")
    assert from_cli == from_api
    assert from_cli["roadmap"] and from_cli["roadmap"][0]["objectives"]
    assert from_cli["roadmap"] == cli_json("assessment", "gaps", aid)["steps"]
    code, text, _ = cli("assessment", "show", aid)
    assert code == 0 and "Roadmap" in text and from_cli["roadmap"][0]["objectives"][0]["control_id"] in text


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "md", "html", "oscal"])
def test_an_export_file_and_the_api_download_are_the_same_bytes(api, tmp_path, fmt):
    aid = _assessed(api)
    out = tmp_path / f"export.{fmt}"
    cli_json("assessment", "export", aid, "--format", fmt, "--out", str(out))
    resp = api.get(f"/api/assessments/{aid}/export", "alice", params={"format": fmt})
    assert resp.status_code == 200
    assert out.read_bytes() == resp.content == service.render(api.store.get_assessment(aid), fmt)
    ext = service.EXPORT_MEDIA_TYPES[fmt][1]
    assert resp.headers["content-disposition"] == f'attachment; filename="{aid}.{ext}"'


def test_xlsx_renders_in_memory_as_a_workbook(api):
    from io import BytesIO

    from openpyxl import load_workbook

    aid = _assessed(api)
    content = service.render(api.store.get_assessment(aid), "xlsx")
    assert "Summary" in load_workbook(BytesIO(content)).sheetnames


def test_unknown_export_format_is_one_line_and_writes_nothing(api, tmp_path):
    aid = _assessed(api)
    code, _, err = cli("assessment", "export", aid, "--format", "pptx", "--out", str(tmp_path / "x.pptx"))
    assert code == 1 and err.startswith("error: unknown format 'pptx'") and not (tmp_path / "x.pptx").exists()


def test_one_list_of_roles_for_the_store_the_cli_and_the_api(api):
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]["UserCreate"]
    assert tuple(schema["properties"]["role"]["enum"]) == users.ROLES
    for role in ("viewer", "superuser"):
        code, _, err = cli("user", "add", "vic", "--role", role)
        assert code == 1 and err.startswith(f"error: --role '{role}'")
        resp = api.client.post("/api/users", headers=api.auth("root"), json={"name": "vic", "role": role})
        assert resp.status_code == 422
    assert "vic" not in {u.name for u in api.store.list_users()}


def test_one_name_rule_for_the_store_the_cli_and_the_api(api):
    from aismm_assistant.errors import ValidationError

    bad = "ann smith"
    code, _, err = cli("user", "add", bad, "--role", "respondent")
    assert code == 1 and err.startswith("error: user name 'ann smith'")
    assert api.client.post("/api/users", headers=api.auth("root"),
                           json={"name": bad, "role": "respondent"}).status_code == 422
    with pytest.raises(ValidationError, match="user name"):
        api.store.add_user(bad, "respondent")
    listed = cli_json("user", "list")["users"]
    assert listed == api.get("/api/users", "root").json()["users"]
    assert {"id", "name", "role", "created_at", "expires_at"} == set(listed[0])


def test_the_cli_does_not_import_the_api(aismm_home):
    code = ("import sys\nfrom aismm_assistant.cli.main import run\nsys.argv = ['aismm', 'user', 'list', '--json']\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('aismm_assistant.api') or m == 'fastapi')))")
    done = subprocess.run([sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
