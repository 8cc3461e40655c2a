"""Evidence in Debian Chromium: an assessor uploads a PDF policy on the review page, the analyser reads it,
the cited quote opens highlighted in the document; a respondent attaches a file on the interview; the
dashboard flags an expired file. Screenshots go to /tmp/aismm-evidence-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import evidence_samples as samples
from tests.support.api import Server, server_env
from tests.support.browser import home_store, launch, login, require_browser

pytestmark = pytest.mark.browser


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


def test_pdf_policy_quote_highlighted_in_review(site, tmp_path: Path) -> None:
    import base64
    import hashlib

    import httpx
    from playwright.sync_api import expect, sync_playwright

    server, tokens = site
    base = server.base
    auth = {"Authorization": f"Bearer {tokens['alice']}"}
    aid = httpx.post(f"{base}/api/assessments", headers=auth, json={"organization": "Northwind"}).json()["id"]
    iid = httpx.post(f"{base}/api/assessments/{aid}/interviews", headers=auth,
                     json={"category": "GOV", "respondent": "dana"}).json()["id"]
    expired = httpx.post(f"{base}/api/assessments/{aid}/evidence", headers=auth, json={
        "name": "training-roster.csv", "content_base64": base64.b64encode(b"name,trained\nana,2024-02-01\n").decode(),
        "control_id": "GOV-02.3", "expires": "2025-01-31", "analyse": False})
    assert expired.status_code == 201, expired.text
    policy = tmp_path / "ai-acceptable-use-policy.pdf"
    policy.write_bytes(samples.make_pdf())
    register = tmp_path / "ai-register.md"
    register.write_text("# AI register\n\nEvery AI use case is recorded in the registry before it goes live.\n")

    with sync_playwright() as pw:
        browser = launch(pw)
        errors: list[str] = []
        try:
            # the respondent attaches a document on their interview
            rctx = browser.new_context(viewport={"width": 1280, "height": 900})
            rpage = rctx.new_page()
            rpage.on("pageerror", lambda exc: errors.append(str(exc)))
            login(rpage, base, tokens["dana"])
            rpage.wait_for_url(re.compile(r"/interview"))
            rpage.goto(f"{base}/interview?id={iid}")
            rpage.click("#attach summary")
            rpage.set_input_files("#attach input[type=file]", str(register))
            rpage.click("#attach button[data-action=upload]")
            expect(rpage.locator("#attach .notice")).to_contain_text("Attached ai-register.md")
            rpage.screenshot(path="/tmp/aismm-evidence-interview.png", full_page=True)

            # the assessor uploads the PDF policy on the review page, on GOV-02.1
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            login(page, base, tokens["alice"])
            page.wait_for_url(re.compile(r"/assessment"))
            page.goto(f"{base}/assessment?id={aid}")
            row = page.locator("tr[data-control='GOV-02.1']")
            row.locator("details.attach summary").click()
            row.locator("input[type=file]").set_input_files(str(policy))
            row.locator("button[data-action=upload]").click()
            row = page.locator("tr[data-control='GOV-02.1']")
            expect(row.locator(".notice.ok")).to_contain_text("Attached ai-acceptable-use-policy.pdf to GOV-02.1")
            expect(row.locator(".attached")).to_contain_text("ai-acceptable-use-policy.pdf")
            # the proposal cites the document; the status waits for the assessor
            pdf_sha = hashlib.sha256(policy.read_bytes()).hexdigest()
            cited = row.locator(f"li[data-evidence='{pdf_sha}']")
            expect(cited.first).to_contain_text("ai-acceptable-use-policy.pdf, p.")
            cite = cited.first.locator("button.doc-quote")
            quote = cite.inner_text().strip("“”")
            locator = re.search(r", (p\. \d+) ·", cited.first.inner_text()).group(1)
            assert quote and quote in " ".join(" ".join(page) for page in samples.POLICY_PAGES)
            cite.click()
            dialog = page.locator("dialog#doc-view")
            expect(dialog).to_be_visible()
            mark = dialog.locator("mark")
            expect(mark).to_have_count(1)
            assert mark.inner_text() == quote
            expect(dialog.locator(f".doc-seg[data-locator='{locator}'] mark")).to_have_count(1)
            expect(dialog.locator("h2")).to_have_text("ai-acceptable-use-policy.pdf")
            page.screenshot(path="/tmp/aismm-evidence-review.png")
            dialog.locator("button[data-action=close]").click()
            expect(dialog).to_be_hidden()
            # the dashboard flags the expired file for revalidation
            page.goto(f"{base}/dashboard?id={aid}")
            box = page.locator("#revalidate")
            expect(box).to_contain_text("1 evidence file expired: revalidate")
            expect(box.locator("li[data-control='GOV-02.3']")).to_contain_text("training-roster.csv")
            page.screenshot(path="/tmp/aismm-evidence-dashboard.png", full_page=True)
        finally:
            browser.close()
    assert errors == []
    # nothing was confirmed by the upload: the statuses still wait for a human
    view = httpx.get(f"{base}/api/assessments/{aid}", headers=auth).json()
    gov = {r["control_id"]: r for r in view["results"]}["GOV-02.1"]
    assert gov["pending"] is True and gov["status"] == "unknown" and gov["confirmed_by"] is None
