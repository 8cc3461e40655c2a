"""Every page on a 390 px phone and under axe-core, in Debian Chromium (Playwright).

- no horizontal overflow at 390 px (``document.scrollingElement.scrollWidth <= innerWidth``), the
  navigation collapses behind a menu button, tables become cards;
- axe-core (tests/vendor, from the npm registry) finds no serious or critical violation on any page,
  at 390 px and on a desktop;
- keyboard: a skip link is the first stop and lands on the main content;
- the interview's live region announces only the new messages; Override starts with no status;
- sign-in with a hostile ``next`` stays on this origin.

Screenshots go to /tmp/aismm-phone-*.png for a human to look at.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.api import GOV_ANSWER, PROJECT, Server, server_env
from tests.support.browser import home_store, launch, require_browser
from tests.support.ci import need

AXE = PROJECT / "tests" / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _needs_browser() -> None:
    require_browser()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_browser()
    home = tmp_path_factory.mktemp("phone") / "home"
    env = server_env(home)
    store = home_store(home)
    tokens = {name: store.add_user(name, role)[1] for name, role in
              (("alice", "assessor"), ("dana", "respondent"))}
    store.close()
    server = Server(env)
    alice = {"Authorization": "Bearer " + tokens["alice"]}
    dana = {"Authorization": "Bearer " + tokens["dana"]}
    org = "Acme Health \u202eknaB\u202c with a rather long organisation name for a phone"
    aid = httpx.post(server.base + "/api/assessments", json={"organization": org, "deployment_types": ["PaaS"]},
                     headers=alice).json()["id"]
    iid = httpx.post(f"{server.base}/api/assessments/{aid}/interviews", json={"category": "GOV", "respondent": "dana"},
                     headers=alice).json()["id"]
    httpx.post(f"{server.base}/api/interviews/{iid}/answers", json={"answer": GOV_ANSWER}, headers=dana, timeout=60)
    yield {"server": server, "tokens": tokens, "aid": aid, "iid": iid}
    server.stop()


def _pages(site) -> list[tuple[str, str | None]]:
    aid, iid = site["aid"], site["iid"]
    return [
        ("/", None),
        ("/assessment", "alice"),
        (f"/assessment?id={aid}", "alice"),
        (f"/dashboard?id={aid}", "alice"),
        ("/dashboard", "alice"),
        ("/lookup", "alice"),
        ("/interview", "alice"),
        (f"/interview?id={iid}", "dana"),
        ("/interview", "dana"),
        ("/lookup", "dana"),
    ]


@pytest.fixture(scope="module")
def browser():
    require_browser()  # module fixtures are set up before the function-scoped check above
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


def _start(browser, site, path: str, who: str | None, viewport: dict):
    """A fresh context on `path`, navigation under way (see _settle)."""
    # bypass_csp only so the test can inject axe-core; the app's own pages run under the strict CSP
    ctx = browser.new_context(viewport=viewport, bypass_csp=True)
    if who:  # signed in: the token is in sessionStorage before the page's own scripts run (no detour via /)
        ctx.add_init_script(f"sessionStorage.setItem('aismm.token', {json.dumps(site['tokens'][who])})")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status == 404 else None)  # favicon too
    page.goto(site["server"].base + path, wait_until="commit")
    return ctx, page, errors


def _settle(page) -> None:
    """Loaded, no request for 500 ms (networkidle) and nothing aria-busy: the page shows its data."""
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[aria-busy=true]')", timeout=15000)


def _open(browser, site, path: str, who: str | None, viewport: dict):
    ctx, page, errors = _start(browser, site, path, who, viewport)
    _settle(page)
    return ctx, page, errors


@contextmanager
def _every_page(browser, site, viewport: dict):
    """(path, who, page, errors) for each of _pages(site), each in its own context. All ten load at once, so
    their 500 ms networkidle waits overlap instead of adding up; each is settled before it is yielded."""
    opened = []
    try:
        for path, who in _pages(site):
            opened.append((path, who, *_start(browser, site, path, who, viewport)))
        for *_, page, _errors in opened:
            _settle(page)
        yield [(path, who, page, errors) for path, who, _ctx, page, errors in opened]
    finally:
        for _path, _who, ctx, _page, _errors in opened:
            ctx.close()


def _slug(path: str, who: str | None) -> str:
    return (re.sub(r"[^a-z]+", "-", path.split("?")[0]).strip("-") or "login") + ("-" + who if who else "") + (
        "-detail" if "?id=" in path else "")


def test_every_page_fits_a_390px_phone(site, browser) -> None:
    with _every_page(browser, site, PHONE) as pages:
        for path, who, page, errors in pages:
            page.screenshot(path=f"/tmp/aismm-phone-{_slug(path, who)}.png", full_page=True)
            width = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
            assert width[0] <= width[1], f"{path} as {who}: page is {width[0]} px wide on a {width[1]} px screen"
            wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && getComputedStyle(e).display !== 'none')
                .filter(e => !e.closest('.transcript, pre, .scroll-x'))
                .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
            assert wide == [], f"{path} as {who}: elements past the right edge: {wide}"
            if who:
                toggle = page.locator("nav.topbar button.menu-toggle")
                assert toggle.is_visible(), f"{path}: no menu button on a phone"
                assert not page.locator("nav.topbar ul").is_visible(), f"{path}: links not collapsed"
                toggle.click()
                assert page.locator("nav.topbar ul").is_visible()
                assert toggle.get_attribute("aria-expanded") == "true"
            assert errors == [], errors


def test_tables_become_cards_on_a_phone(site, browser) -> None:
    ctx, page, _ = _open(browser, site, f"/assessment?id={site['aid']}", "alice", PHONE)
    try:
        row = page.locator("section[data-category=GOV] tr[data-control='GOV-02.1']")
        assert row.evaluate("r => getComputedStyle(r).display") == "block"
        label = row.locator("td").nth(1).evaluate("td => getComputedStyle(td, '::before').content")
        assert label not in ("none", "normal", '""'), "a card cell shows its column name"
    finally:
        ctx.close()


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
    }""")
    return result


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_serious_or_critical_violation(site, browser, viewport) -> None:
    need(AXE.exists(), "axe-core missing: run `npm ci --prefix tests/vendor`")
    report: dict[str, list] = {}
    with _every_page(browser, site, viewport) as pages:
        for path, who, page, _errors in pages:
            report[f"{path} ({who or 'signed out'})"] = _axe(page)
    Path(f"/tmp/aismm-axe-{viewport['width']}.json").write_text(json.dumps(report, indent=2))
    bad = {page: [v for v in vs if v["impact"] in ("serious", "critical")] for page, vs in report.items()}
    assert {p: v for p, v in bad.items() if v} == {}


def test_skip_link_is_the_first_tab_stop_and_lands_on_main(site, browser) -> None:
    for path, who in (("/", None), (f"/assessment?id={site['aid']}", "alice"), (f"/interview?id={site['iid']}", "dana")):
        ctx, page, _ = _open(browser, site, path, who, DESKTOP)
        try:
            page.keyboard.press("Tab")
            focused = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent]")
            assert focused == ["skip-link", "Skip to main content"], (path, focused)
            assert page.locator("a.skip-link").is_visible()
            page.keyboard.press("Enter")
            assert page.evaluate("() => document.activeElement.id") == "main", path
        finally:
            ctx.close()


def test_review_is_reached_in_a_few_tab_presses(site, browser) -> None:
    """The probe needed 49 Tab presses to the first 'Accept proposal'; skip link, then a jump list."""
    ctx, page, _ = _open(browser, site, f"/assessment?id={site['aid']}", "alice", DESKTOP)
    try:
        for _presses in range(1, 21):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.dataset.action") == "accept":
                print(f"first 'Accept proposal' after {_presses} key presses (Tab/Enter on the skip link)")
                break
            if page.evaluate("() => document.activeElement.classList.contains('skip-link')"):
                page.keyboard.press("Enter")
        else:
            pytest.fail("no 'Accept proposal' within 20 Tab presses")
    finally:
        ctx.close()


def test_override_starts_without_a_status(site, browser) -> None:
    ctx, page, _ = _open(browser, site, f"/assessment?id={site['aid']}", "alice", DESKTOP)
    try:
        row = page.locator("section[data-category=GOV] tr[data-control='GOV-02.1']")
        if row.locator("details.change").count():
            row.locator("details.change summary").click()
        assert row.locator("select").input_value() == ""
        row.locator("input").fill("seen the policy")
        row.locator("button[data-action=override]").click()
        assert "choose a status" in row.locator(".notice.error").inner_text().lower()
    finally:
        ctx.close()


def test_live_region_announces_only_new_messages(site, browser) -> None:
    from playwright.sync_api import expect

    aid = site["aid"]
    alice = {"Authorization": "Bearer " + site["tokens"]["alice"]}
    iid = httpx.post(f"{site['server'].base}/api/assessments/{aid}/interviews",
                     json={"category": "IAM", "respondent": "dana"}, headers=alice).json()["id"]
    ctx, page, errors = _open(browser, site, f"/interview?id={iid}", "dana", DESKTOP)
    try:
        assert page.locator("#transcript").get_attribute("aria-live") is None
        live = page.locator("#announce")
        assert live.get_attribute("aria-live") == "polite"
        page.fill("#answer", "First answer: access to AI tools goes through SSO with MFA.")
        page.click("#send")
        expect(page.locator("#transcript .bubble.a")).to_have_count(1)
        first = live.inner_text()
        page.fill("#answer", "Second answer: quarterly access reviews for model endpoints.")
        page.click("#send")
        expect(page.locator("#transcript .bubble.a")).to_have_count(2)
        second = live.inner_text()
        assert "Second answer" not in second or "First answer" not in second
        assert "First answer" not in second, "the live region re-read an old message"
        assert second and second != first
        assert errors == []
    finally:
        ctx.close()


def test_sign_in_with_a_hostile_next_stays_on_this_origin(site, browser) -> None:
    base = site["server"].base
    port = base.rsplit(":", 1)[1]
    for hostile in ("/%5C127.0.0.1:9/phish", "/%09/127.0.0.1:9/x"):
        ctx = browser.new_context(viewport=DESKTOP)
        page = ctx.new_page()
        try:
            page.goto(f"{base}/?next={hostile}")
            page.fill("#token", site["tokens"]["alice"])
            page.click("#sign-in")
            page.wait_for_url(re.compile(r"/assessment"))
            assert page.url.startswith(base + "/"), page.url
            assert f":{port}/" in page.url
        finally:
            ctx.close()


def test_a_lost_reply_is_retried_with_the_same_key_and_stored_once(site, browser) -> None:
    """The probe's duplicate: the server stored the answer, the browser saw a connection reset."""
    from playwright.sync_api import expect

    base = site["server"].base
    alice = {"Authorization": "Bearer " + site["tokens"]["alice"]}
    dana = {"Authorization": "Bearer " + site["tokens"]["dana"]}
    iid = httpx.post(f"{base}/api/assessments/{site['aid']}/interviews", json={"category": "MON", "respondent": "dana"},
                     headers=alice).json()["id"]
    ctx, page, errors = _open(browser, site, f"/interview?id={iid}", "dana", DESKTOP)
    seen: list[str] = []

    def drop_first_reply(route) -> None:  # noqa: ANN001 - a Playwright Route
        seen.append(route.request.headers.get("idempotency-key", ""))
        if len(seen) == 1:
            route.fetch()  # the server receives and stores it …
            route.abort("connectionreset")  # … but the reply never arrives
        else:
            route.continue_()

    try:
        page.route(re.compile(r".*/api/interviews/[^/]+/answers$"), drop_first_reply)
        page.fill("#answer", "We log every model call centrally and alert on anomalies.")
        page.click("#send")
        expect(page.locator("#transcript .bubble.a")).to_have_count(1)
        assert len(seen) == 2 and seen[0] and seen[0] == seen[1], seen
        turns = httpx.get(f"{base}/api/interviews/{iid}", headers=dana).json()["turns"]
        assert [t["answer"] for t in turns] == ["We log every model call centrally and alert on anomalies."]
        assert errors == []
    finally:
        ctx.close()
