"""Business units: own scope and results, a roll-up per category, and a side-by-side comparison."""

from __future__ import annotations

from tests.support.process import api_fixture, cli, cli_json, db_snapshot, err_line, new_assessment  # noqa: F401


def two_units() -> tuple[str, str, str]:
    prog = new_assessment(org="Northwind Bank")
    retail = cli_json("assessment", "new", "--parent", prog, "--unit", "Retail Banking", "-d", "API/SaaS")
    cloud = cli_json("assessment", "new", "--parent", prog, "--unit", "Cloud Product", "-d", "Self-hosted", "-d", "PaaS")
    assert retail["organization"] == "Northwind Bank" and retail["parent_id"] == prog
    assert cloud["scope"]["deployment_types"] == ["Self-hosted", "PaaS"]
    return prog, retail["id"], cloud["id"]


def meet(aid: str, *controls: str) -> None:
    for cid in controls:
        cli_json("assessment", "set", aid, cid, "met", "--by", "priya")


def test_two_units_rolled_up_and_compared():
    prog, retail, cloud = two_units()
    meet(cloud, "IAM-02.1", "IAM-02.2", "IAM-03.1", "IAM-03.2", "IAM-03.3", "GOV-02.1", "GOV-02.2", "GOV-02.3")
    meet(retail, "GOV-02.1", "GOV-02.2", "GOV-02.3")
    cli_json("assessment", "set", retail, "IAM-02.1", "not_met", "--by", "priya")
    shown = cli_json("assessment", "show", cloud)
    assert (shown["unit"], shown["parent_id"]) == ("Cloud Product", prog)
    iam_cloud = shown["categories"]["IAM"].get("computed_level") or shown["categories"]["IAM"]["level"]
    assert iam_cloud >= 3
    for unit, cat, lv in ((cloud, "IAM", iam_cloud), (cloud, "GOV", 2), (retail, "IAM", 1), (retail, "GOV", 2)):
        cli_json("assessment", "confirm-level", unit, cat, str(lv), "--by", "priya", "--rationale", "signed off")
    view = cli_json("assessment", "units", prog)
    assert [u["unit"] for u in view["units"]] == ["Cloud Product", "Retail Banking"]
    iam = view["rollup"]["IAM"]
    assert (iam["lowest"], iam["highest"], iam["spread"], iam["lowest_units"]) == (1, iam_cloud, iam_cloud - 1,
                                                                                 ["Retail Banking"])
    assert iam["median"] == (1 + iam_cloud) / 2
    gov = view["rollup"]["GOV"]
    assert (gov["lowest"], gov["median"], gov["spread"]) == (2, 2, 0)
    assert len(gov["lowest_units"]) == 2
    code, text, _ = cli("assessment", "units", prog)
    assert code == 0 and "Retail Banking" in text and "Cloud Product" in text and "Spread" in text


def test_unit_scope_decides_what_applies():
    from aismm_assistant.corpus import load_corpus

    prog, retail, cloud = two_units()
    corpus = load_corpus()
    selfhosted_only = [c.id for c in corpus.controls if c.deployment_types == ["Self-hosted"]]
    assert selfhosted_only, "the corpus has objectives for self-hosted models only"
    cid = selfhosted_only[0]
    retail_results = {r["control_id"]: r for r in cli_json("assessment", "show", retail, "--all")["results"]}
    cloud_results = {r["control_id"]: r for r in cli_json("assessment", "show", cloud, "--all")["results"]}
    assert retail_results[cid]["applicable"] is False and cloud_results[cid]["applicable"] is True


def test_bad_unit_requests_change_nothing():
    prog, retail, _ = two_units()
    before = db_snapshot()
    assert "already has a unit" in err_line("assessment", "new", "--parent", prog, "--unit", "retail  banking")
    assert "itself a unit" in err_line("assessment", "new", "--parent", retail, "--unit", "Cards")
    assert "both --parent" in err_line("assessment", "new", "--unit", "Cards")
    assert "no assessment" in err_line("assessment", "new", "--parent", "asm-nope", "--unit", "Cards")
    assert "leave out --org" in err_line("assessment", "new", "--parent", prog, "--unit", "Cards", "--org", "X")
    assert db_snapshot() == before


def test_a_program_without_units_says_so():
    prog = new_assessment()
    assert cli_json("assessment", "units", prog)["units"] == []
    code, text, _ = cli("assessment", "units", prog)
    assert code == 0 and "--unit NAME" in text


def test_report_compares_units(tmp_path):
    prog, retail, cloud = two_units()
    meet(cloud, "IAM-02.1", "IAM-02.2")
    cli_json("assessment", "set", retail, "IAM-02.1", "not_met", "--by", "priya")
    for unit, lv in ((cloud, "2"), (retail, "1")):
        cli_json("assessment", "confirm-level", unit, "IAM", lv, "--by", "priya", "--rationale", "signed off")
    out = tmp_path / "board.md"
    cli_json("assessment", "export", prog, "--format", "md", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert "## Business units" in text
    section = text.split("## Business units", 1)[1]
    row = next(line for line in section.splitlines() if line.startswith("| IAM"))
    assert row.split("|")[2:7] == [" L2 ", " L1 ", " L1 ", " L1.5 ", " 1 "]
    html = tmp_path / "board.html"
    cli_json("assessment", "export", prog, "--format", "html", "-o", str(html))
    assert "Business units" in html.read_text(encoding="utf-8") and "Retail Banking" in html.read_text(encoding="utf-8")


def test_api_units(api):
    prog = api.new_assessment()
    r = api.post(f"/api/assessments/{prog}/units", "alice", json={"unit": "Cloud Product", "deployment_types": ["PaaS"]})
    assert r.status_code == 201, r.text
    assert api.post(f"/api/assessments/{prog}/units", "alice", json={"unit": "cloud product"}).status_code == 422
    view = api.get(f"/api/assessments/{prog}/units", "alice").json()
    assert [u["unit"] for u in view["units"]] == ["Cloud Product"]
    assert view["units"][0]["deployment_types"] == ["PaaS"]
