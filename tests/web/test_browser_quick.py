"""In Debian Chromium (Playwright): the 30-minute self-assessment, the dashboard comparison, the roadmap
page and business units. Screenshots go to /tmp/aismm-process-*.png for a human to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.browser import home_store, launch, require_browser
from tests.support.process import Server, server_env

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _needs_browser() -> None:
    require_browser()
# What a program lead picks: the descriptor level per category (a mix, so some disagree with the KPIs).
PICKS = {"GOV": 2, "ORG": 2, "IAM": 3, "MON": 3, "INF": 2, "MOD": 1, "APP": 2, "DAT": 3, "RSK": 1, "DEV": 2,
         "CMP": 2, "IR": 1}


@pytest.fixture
def site(tmp_path: Path):
    env = server_env(tmp_path / "browser-home")
    store = home_store(Path(env["AISMM_HOME"]))
    token = store.add_user("alice", "assessor")[1]
    store.close()
    server = Server(env)
    yield server, token
    server.stop()


def test_thirty_minute_self_assessment_then_compare_plan_and_units(site) -> None:
    from playwright.sync_api import expect, sync_playwright

    server, token = site
    base, auth = server.base, {"Authorization": f"Bearer {token}"}
    with sync_playwright() as pw:
        browser = launch(pw)
        errors: list[str] = []
        try:
            page = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
            page.goto(base + "/")
            page.fill("#token", token)
            page.click("#sign-in")
            page.wait_for_url(re.compile(r"/assessment$"))
            api = page.request
            made = api.post(base + "/api/assessments", headers=auth,
                            data={"organization": "Northwind Bank", "deployment_types": ["PaaS", "API/SaaS"]})
            assert made.status == 201
            aid = made.json()["id"]
            for cid in ("GOV-02.1", "GOV-02.2", "GOV-02.3"):  # the KPIs put Governance at L2
                r = api.post(f"{base}/api/assessments/{aid}/controls/{cid}/confirm", headers=auth,
                             data={"status": "met", "rationale": "policy and attestation report seen"})
                assert r.ok, r.text()
            r = api.post(f"{base}/api/assessments/{aid}/categories/GOV/confirm", headers=auth,
                         data={"level": 2, "rationale": "all L2 objectives evidenced"})
            assert r.ok, r.text()

            # the quick self-assessment from the nav bar
            page.goto(f"{base}/quick")
            page.click(f"a[href='/quick?id={aid}']")
            expect(page.locator("section.quick-cat")).to_have_count(12)
            expect(page.locator("#progress")).to_have_text("0 of 12 categories self-assessed")
            page.screenshot(path="/tmp/aismm-process-quick-top.png")
            gov = page.locator("section[data-category=GOV]")
            expect(gov.locator(".desc")).to_have_count(5)
            expect(gov.locator(".desc[data-level='2']")).to_contain_text("acceptable-use policy")
            gov.locator("button[data-action=save]").click()  # nothing picked yet
            expect(gov.locator(".notice.error")).to_contain_text("Pick the description")
            for n, (cid, level) in enumerate(PICKS.items()):
                card = page.locator(f"section[data-category={cid}]")
                card.locator(f".desc[data-level='{level}']").click()
                if n % 3 == 0:
                    card.locator("input[type=text]").fill(f"{cid}: what we have today, in one line")
                card.locator("button[data-action=save]").click()
                expect(card.locator(".notice.ok")).to_contain_text(f"Saved: indicative L{level}")
                if n == 5:
                    page.screenshot(path="/tmp/aismm-process-quick-half.png", full_page=False)
            expect(page.locator("#progress")).to_have_text("12 of 12 categories self-assessed")
            expect(page.locator("#finish")).to_be_visible()
            page.locator("#finish").scroll_into_view_if_needed()
            page.screenshot(path="/tmp/aismm-process-quick-end.png")
            page.screenshot(path="/tmp/aismm-process-quick.png", full_page=True)
            page.reload()  # answers are stored, not kept in the page
            expect(page.locator("section[data-category=MON] .desc[data-level='3'] input")).to_be_checked()

            # the dashboard shows both levels; disagreements first
            page.click("#finish-dash")
            page.wait_for_url(re.compile(r"/dashboard\?id="))
            rows = page.locator("#indicative tbody tr")
            expect(rows).to_have_count(12)
            expect(page.locator("#disagree-summary")).to_contain_text("12 of 12 categories self-assessed")
            # GOV's KPI level is L2 and agrees; the rest have no KPI level (or L1): every other pick above it disagrees
            kpi = {cid: c["level"] for cid, c in api.get(f"{base}/api/assessments/{aid}", headers=auth).json()[
                "categories"].items()}
            assert kpi["GOV"] == 2
            disagree = sum(1 for cid, lv in PICKS.items() if kpi[cid] is None or kpi[cid] != lv)
            assert disagree >= 8
            expect(page.locator("#indicative tr.disagree")).to_have_count(disagree)
            expect(page.locator("#indicative tr[data-category=GOV]")).to_contain_text("agree")
            expect(rows.first).to_contain_text("assess first")
            page.locator("#indicative-panel").screenshot(path="/tmp/aismm-process-dashboard-indicative.png")

            # targets, risk, and the roadmap with owners and dates
            page.goto(f"{base}/roadmap?id={aid}")
            mon = page.locator("#targets tr[data-category=MON]")
            mon.locator("select").select_option("4")
            mon.locator("input[type=date]").fill("2020-01-31")
            mon.locator("button[data-action=target]").click()
            expect(page.locator("#warnings li[data-code=date-in-past]")).to_contain_text("in the past")
            expect(page.locator("#warnings li[data-code=no-owner]")).to_contain_text("MON")
            mon = page.locator("#targets tr[data-category=MON]")
            mon.locator("input[type=date]").fill("2027-12-31")
            mon.locator("input[type=text]").fill("Head of SecOps")
            mon.locator("button[data-action=target]").click()
            expect(page.locator("#warnings li[data-code=date-in-past]")).to_have_count(0)
            page.select_option("select[data-category=MON]", "5")
            expect(page.locator("#steps-table tbody tr").first).to_have_attribute("data-step", "MON-L2")
            step = page.locator("tr[data-step='MON-L3']")
            expect(step.locator("input[type=text]")).to_have_value("Head of SecOps")
            step.locator("input[type=text]").fill("Sam Lee")
            step.locator("input[type=date]").fill("2027-06-30")
            step.locator("button[data-action=step]").click()
            expect(page.locator("tr[data-step='MON-L3'] input[type=text]")).to_have_value("Sam Lee")
            with page.expect_download() as dl:
                page.click("button[data-format=jira]")
            assert dl.value.suggested_filename.endswith("-roadmap-jira.csv")
            page.screenshot(path="/tmp/aismm-process-roadmap.png", full_page=True)
            gaps = api.get(f"{base}/api/assessments/{aid}/roadmap", headers=auth).json()["steps"]
            assert [(s["key"], s["owner"], s["due"]) for s in gaps if s["key"] == "MON-L3"] == [
                ("MON-L3", "Sam Lee", "2027-06-30")]

            # two business units, compared on the program's dashboard
            units = {}
            for name, dep in (("Retail Banking", ["API/SaaS"]), ("Cloud Product", ["Self-hosted", "PaaS"])):
                r = api.post(f"{base}/api/assessments/{aid}/units", headers=auth,
                             data={"unit": name, "deployment_types": dep})
                assert r.status == 201, r.text()
                units[name] = r.json()["id"]
            decided = [(units["Cloud Product"], cid, "met") for cid in ("IAM-02.1", "IAM-02.2", "MON-02.1", "MON-02.2")]
            decided += [(units["Retail Banking"], "IAM-02.1", "not_met")]
            for unit, cid, status in decided:
                r = api.post(f"{base}/api/assessments/{unit}/controls/{cid}/confirm",
                             headers=auth, data={"status": status, "rationale": "seen in the workshop"})
                assert r.ok, r.text()
            for unit, lv in ((units["Cloud Product"], 2), (units["Retail Banking"], 1)):
                r = api.post(f"{base}/api/assessments/{unit}/categories/IAM/confirm", headers=auth,
                             data={"level": lv, "rationale": "signed off"})
                assert r.ok, r.text()
            page.goto(f"{base}/dashboard?id={aid}")
            expect(page.locator("#units-panel")).to_be_visible()
            expect(page.locator("#units-table thead th")).to_have_text(
                ["Category", "Cloud Product", "Retail Banking", "Lowest", "Median", "Spread"])
            iam = page.locator("#units-table tr[data-category=IAM] td")
            expect(iam.nth(1)).to_contain_text("L2")
            expect(iam.nth(2)).to_contain_text("L1")
            expect(iam.nth(4)).to_have_text("L1.5")
            page.locator("#units-panel").screenshot(path="/tmp/aismm-process-units.png")
            assert errors == []
        finally:
            browser.close()
