"""End to end in Debian Chromium (Playwright): a respondent answers, an assessor confirms, the dashboard moves.

Screenshots of every page go to /tmp/aismm-*.png for a human to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.api import GOV_ANSWER, Server, server_env
from tests.support.browser import home_store, launch, login, require_browser

pytestmark = pytest.mark.browser
XSS = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"


@pytest.fixture
def site(tmp_path: Path):
    require_browser()
    env = server_env(tmp_path / "browser-home")
    store = home_store(Path(env["AISMM_HOME"]))
    tokens = {name: store.add_user(name, role)[1] for name, role in
              (("alice", "assessor"), ("dana", "respondent"))}
    store.close()
    server = Server(env)
    yield server, tokens
    server.stop()


def test_respondent_answers_assessor_confirms_dashboard_changes(site) -> None:
    from playwright.sync_api import expect, sync_playwright

    server, tokens = site
    base = server.base
    with sync_playwright() as pw:
        browser = launch(pw)
        errors: list[str] = []
        try:
            staff = browser.new_context(viewport={"width": 1280, "height": 900})
            page = staff.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
            # login page, then an assessor creates an assessment and starts an interview for dana
            page.goto(base + "/")
            page.screenshot(path="/tmp/aismm-login.png")
            page.fill("#token", "wrong-token")
            page.click("#sign-in")
            expect(page.locator("#message")).to_contain_text("not valid")
            login(page, base, tokens["alice"])
            page.wait_for_url(re.compile(r"/assessment$"))
            page.fill("#org", "Acme Health")
            page.check("input[value='PaaS']")
            page.click("#create-form button[type=submit]")
            page.wait_for_url(re.compile(r"/assessment\?id=asm-"))
            aid = page.url.split("id=")[1]
            page.select_option("#start-cat", "GOV")
            expect(page.locator("#start-resp option")).to_have_text(["dana"])  # respondents only, picked not typed
            page.select_option("#start-resp", label="dana")
            page.click("#start-form button[type=submit]")
            expect(page.locator("#start-msg")).to_contain_text("Interview started")
            page.goto(f"{base}/dashboard?id={aid}")
            # issue 14: a category nobody assessed is neutral, never "L1"
            expect(page.locator(".heat .cell[data-category=GOV] .clv")).to_have_text("not assessed")
            expect(page.locator(".heat .cell.lv-1")).to_have_count(0)
            expect(page.locator("#kpi-assessed")).to_have_text("0 of 12")
            expect(page.locator("#kpi-mean")).to_have_text("—")

            # the respondent signs in and lands on their one open interview
            resp_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            rpage = resp_ctx.new_page()
            rpage.on("pageerror", lambda exc: errors.append(str(exc)))
            rpage.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
            login(rpage, base, tokens["dana"])
            rpage.wait_for_url(re.compile(r"/interview\?id=int-"))
            expect(rpage.locator("#question")).to_contain_text("AI tools")
            rpage.click("#guidance button")
            expect(rpage.locator("#guidance .guidance")).to_contain_text("GOV-02.1")
            rpage.fill("#answer", XSS)
            rpage.click("#send")
            expect(rpage.locator("#transcript .bubble.a").first).to_contain_text("<script>window.__pwned = 1</script>")
            rpage.fill("#answer", GOV_ANSWER)
            rpage.keyboard.press("Control+Enter")
            expect(rpage.locator("#transcript .bubble.a")).to_have_count(2)
            expect(rpage.locator("#answer")).to_have_value("")
            expect(rpage.locator("#understood li[data-control='GOV-02.1']")).to_contain_text("95% of staff attested")
            expect(rpage.locator("#understood")).not_to_contain_text("Met")  # respondents never see a status
            assert rpage.evaluate("window.__pwned") is None
            rpage.screenshot(path="/tmp/aismm-interview.png", full_page=True)
            assert rpage.goto(f"{base}/assessment").ok
            expect(rpage.locator("main")).to_contain_text("for assessors")  # the message lands in main (#page-msg is inside it)

            # the assessor reviews: cited quote highlighted, accept, override, confirm the level
            page.goto(f"{base}/assessment?id={aid}")
            gov = page.locator("section[data-category=GOV]")
            expect(gov.locator("mark").first).to_be_visible()
            assert "95% of staff attested" in " ".join(gov.locator("mark").all_inner_texts())
            page.screenshot(path="/tmp/aismm-assessment.png", full_page=True)
            row = gov.locator("tr[data-control='GOV-02.1']")
            row.locator("button[data-action=accept]").click()
            expect(row.locator(".notice.error")).to_contain_text("rationale")
            row.locator("input").fill("policy and attestation report seen")
            row.locator("button[data-action=accept]").click()
            expect(gov.locator("tr[data-control='GOV-02.1']")).to_contain_text("confirmed by alice")
            for cid in ("GOV-02.2", "GOV-02.3"):
                r = page.locator(f"section[data-category=GOV] tr[data-control='{cid}']")
                if r.locator("details.change").count():
                    r.locator("details.change summary").click()
                r.locator("input").fill("evidence reviewed in the workshop")
                r.locator("select").select_option("met")
                r.locator("button[data-action=override]").click()
                expect(page.locator(f"section[data-category=GOV] tr[data-control='{cid}']")).to_contain_text("confirmed by alice")
            level = page.locator("section[data-category=GOV] .review-actions").first
            level.locator("select").select_option("2")
            level.locator("input").first.fill("all L2 objectives confirmed")
            if level.locator("input").count() > 1:  # proposals still pending: confirmed means reviewed
                level.locator("button", has_text="Confirm level").click()
                expect(page.locator("section[data-category=GOV] .notice.error")).to_contain_text("pending proposal")
                level.locator("input").nth(1).fill("remaining proposals concern L3; out of this review")
            level.locator("button", has_text="Confirm level").click()
            expect(page.locator("section[data-category=GOV] .badge.confirmed")).to_have_text("level confirmed")
            page.click("#draft-evidence")
            expect(page.locator("#evidence table").first).to_be_visible()
            page.screenshot(path="/tmp/aismm-assessment-confirmed.png", full_page=True)

            # the leader's dashboard shows the change
            page.goto(f"{base}/dashboard?id={aid}")
            expect(page.locator(".heat .cell[data-category=GOV] .clv")).to_have_text("L2")
            expect(page.locator("#kpi-assessed")).to_have_text("1 of 12")
            expect(page.locator("#kpi-mean")).to_have_text("2.00")
            page.locator("tr[data-category=GOV] select").select_option("4")
            page.locator("tr[data-category=GOV] button", has_text="Set").click()
            expect(page.locator(".heat .cell[data-category=GOV] .clv")).to_have_text("L2 → L4")
            expect(page.locator("#radar")).to_contain_text("1 of 12 assessed")
            with page.expect_download() as dl:
                page.click("button[data-format=csv]")
            assert dl.value.suggested_filename == f"{aid}.csv"
            page.screenshot(path="/tmp/aismm-dashboard.png", full_page=True)

            # lookup: read any control by a loosely written ID
            page.goto(f"{base}/lookup")
            page.fill("#cid", "mod 3.1")
            page.click("#id-form button")
            expect(page.locator("#detail h2")).to_contain_text("MOD-03.1")
            page.fill("#cid", "MOD-09.9")
            page.click("#id-form button")
            expect(page.locator("#id-msg")).to_contain_text("nearest")
            page.screenshot(path="/tmp/aismm-lookup.png", full_page=True)
            assert errors == []
        finally:
            browser.close()
