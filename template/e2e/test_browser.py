"""A person in a real browser (Debian's Chromium, driven by Playwright): signs up, lands on the
dashboard showing what the API returned for them (or why not, in words), signs out, and is sent to
log in again; Better Auth's errors appear next to their fields; every page passes axe-core's
accessibility checks in light and dark; a return URL never leads to another site; and the forms
cannot be sent before React runs them; on the sessions page a person ends another device's session
and changes the password. Screenshots: light and dark, desktop and phone."""

import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, Page, expect, sync_playwright

from . import chromium
from .conftest import FRONTEND, Person, Stack, browser_context, confirmed, sign_up
from .mailbox import Mailbox
from .test_sessions import REFUSED_WITHIN_SECONDS, seconds_until_refused

AXE = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = ["light", "dark"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# The pages a signed-out person reaches (a reset link's page shows its form until it is sent).
SIGNED_OUT_PAGES = [
    ("home", "/"),
    ("signup", "/signup"),
    ("login", "/login"),
    ("forgot-password", "/forgot-password"),
    ("reset-password", "/reset-password?token=from-the-mail"),
]
# What each panel of the dashboard may show a signed-in person whose API is up (with no
# organization yet: an organization's endpoints say to create or choose one).
PANEL_STATES = {"ok", "forbidden", "no-organization"}


def submit(page: Page, endpoint: str) -> None:
    """Send the form and wait for Better Auth's answer to it."""
    with page.expect_response(endpoint):
        page.click('button[type="submit"]')


def sign_in(page: Page, email: str, password: str) -> None:
    """Fill the sign-in form on the page and send it."""
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    submit(page, "**/api/auth/sign-in/email")


def test_sign_up_see_api_data_sign_out(stack: Stack, screenshots: Path) -> None:
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser_context(browser, stack).new_page()
            page.goto("/signup")
            page.fill('input[name="name"]', "Browser Person")
            page.fill('input[name="email"]', f"browser-{secrets.token_hex(6)}@example.com")
            page.fill('input[name="password"]', "correct-horse-battery")
            page.screenshot(path=screenshots / "1-sign-up.png")
            submit(page, "**/api/auth/sign-up/email")

            page.wait_for_url("**/dashboard")
            expect(page.locator('section[data-state="loading"]')).to_have_count(0, timeout=20_000)
            page.screenshot(path=screenshots / "2-dashboard.png", full_page=True)
            expect(page.get_by_role("heading", name="Hello, Browser Person")).to_be_visible()
            answered = page.locator('section[data-state="ok"] pre')
            expect(answered.first).to_contain_text('"name": "Browser Person"')
            panels = page.locator("section[data-endpoint]")
            for index in range(panels.count()):
                panel = panels.nth(index)
                assert panel.get_attribute("data-state") in PANEL_STATES, panel.inner_text()
                if panel.get_attribute("data-state") == "no-organization":
                    assert panel.get_attribute("data-member") == "true"
                    assert "create or choose one" in panel.inner_text(), panel.inner_text()
                if panel.get_attribute("data-state") != "forbidden":
                    continue
                # A person reads which claim, or second factor, the endpoint needs.
                requires = panel.get_attribute("data-requires")
                if requires:
                    assert requires in panel.inner_text(), panel.inner_text()
                else:
                    assert panel.get_attribute("data-second-factor") == "true"
                    assert "second factor" in panel.inner_text(), panel.inner_text()

            page.click("text=Sign out")
            page.wait_for_url("**/login")
            page.goto("/dashboard")
            expect(page).to_have_url(re.compile(r"/login\?returnUrl=%2Fdashboard$"))
            page.screenshot(path=screenshots / "3-signed-out.png")
        finally:
            browser.close()


def test_sign_in_never_returns_to_another_site(stack: Stack, person: Person) -> None:
    """A browser reads `/%09/evil.example` as `//evil.example`, another site: after signing in
    with that return URL the person stays here. A repeated returnUrl does not break the page."""
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser_context(browser, stack).new_page()
            repeated = page.goto("/login?returnUrl=/dashboard&returnUrl=//evil.example")
            assert repeated is not None and repeated.status == 200
            page.goto("/login?returnUrl=/%09/evil.example")
            sign_in(page, person.email, person.password)
            page.wait_for_url("**/dashboard")
            assert urlsplit(page.url).netloc == urlsplit(stack.frontend_url).netloc
        finally:
            browser.close()


def test_forms_cannot_be_sent_before_react_has_hydrated(stack: Stack) -> None:
    """Sent as a plain HTML form, the password would travel in the URL of a GET."""
    for path in ["/signup", "/login"]:
        html = httpx.get(f"{stack.frontend_url}{path}", timeout=30).text
        assert re.search(r'<button type="submit" disabled=""[^>]*>', html), path


def test_auth_errors_appear_next_to_their_fields_and_take_the_focus(
    stack: Stack, mailbox: Mailbox
) -> None:
    person = confirmed(sign_up(stack), mailbox)
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser_context(browser, stack).new_page()
            page.goto("/signup")
            page.fill('input[name="name"]', "Someone Else")
            page.fill('input[name="email"]', person.email)  # taken
            page.fill('input[name="password"]', "someone-elses-password")
            submit(page, "**/api/auth/sign-up/email")
            # Better Auth's answer is the same as for a new address; the sign-in that follows
            # is what fails, and it says no more than a wrong password would.
            expect(page.locator("#email-message")).to_contain_text("do not sign you in")
            expect(page.locator('input[name="email"]')).to_have_attribute("aria-invalid", "true")
            expect(page.locator('input[name="email"]')).to_be_focused()

            page.goto("/login")
            sign_in(page, person.email, "not-the-password")
            expect(page.locator("#password-message")).to_have_text("Wrong email or password.")
            expect(page.locator('input[name="password"]')).to_be_focused()
            expect(page.locator('button[type="submit"]')).to_be_enabled()
        finally:
            browser.close()


def axe_violations(page: Page) -> list[dict[str, object]]:
    """axe-core's WCAG 2.1 A and AA checks, on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
            const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
            return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
        }"""
    )


Report = dict[str, list[dict[str, object]]]


def shoot(page: Page, screenshots: Path, name: str, report: Report) -> None:
    """The page as it is, in every scheme and size; axe's findings at desktop size."""
    for scheme in SCHEMES:
        page.emulate_media(color_scheme="dark" if scheme == "dark" else "light")
        # Buttons fade to the scheme's colours (Tailwind's `transition`): until they are there.
        page.evaluate("Promise.all(document.getAnimations().map((a) => a.finished))")
        for size, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            page.screenshot(path=screenshots / f"{name}-{scheme}-{size}.png", full_page=True)
            if size == "desktop":  # the checks do not depend on the width
                report[f"{name} ({scheme})"] = axe_violations(page)


def assert_accessible(report: Report, written_to: Path) -> None:
    """No serious or critical finding of axe in `report` (kept as JSON at `written_to`)."""
    written_to.write_text(json.dumps(report, indent=2))
    serious = {
        page: [v for v in found if v["impact"] in {"serious", "critical"}]
        for page, found in report.items()
    }
    assert not any(serious.values()), serious


def visit_every_page(
    browser: Browser, stack: Stack, signed_in: dict, scheme: str, size: str
) -> Iterator[tuple[str, Page]]:
    """Yield (name, page) for the pages a signed-out person sees, then the dashboard (asking to
    confirm the email) and sessions pages, signed in, in this colour scheme and viewport."""
    context = browser_context(
        browser,
        stack,
        color_scheme=scheme,
        viewport=VIEWPORTS[size],
        storage_state=signed_in,
    )
    try:
        page = context.new_page()
        for name, path in SIGNED_OUT_PAGES:
            page.goto(path)
            yield name, page
        # Rendered on the server without an error (a client component that fails there is
        # rendered again in the browser, and only the status tells).
        assert page.goto("/dashboard").ok
        expect(page.locator('section[data-state="loading"]')).to_have_count(0, timeout=20_000)
        yield "dashboard", page
        assert page.goto("/sessions").ok
        yield "sessions", page
    finally:
        context.close()


def signed_in_state(browser: Browser, stack: Stack, person: Person) -> dict:
    """One sign-in (Better Auth limits them), kept as cookies for every page visit."""
    context = browser_context(browser, stack)
    try:
        page = context.new_page()
        page.goto("/login")
        sign_in(page, person.email, person.password)
        page.wait_for_url("**/dashboard")
        return context.storage_state()
    finally:
        context.close()


def test_every_page_passes_axe_and_is_shot_light_and_dark_on_desktop_and_phone(
    stack: Stack, person: Person, screenshots: Path
) -> None:
    report: dict[str, list[dict[str, object]]] = {}
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            signed_in = signed_in_state(browser, stack, person)
            for scheme in SCHEMES:
                for size in VIEWPORTS:
                    for name, page in visit_every_page(browser, stack, signed_in, scheme, size):
                        page.screenshot(
                            path=screenshots / f"{name}-{scheme}-{size}.png", full_page=True
                        )
                        if size == "desktop":  # the checks do not depend on the width
                            report[f"{name} ({scheme})"] = axe_violations(page)
        finally:
            browser.close()
    (screenshots / "axe.json").write_text(json.dumps(report, indent=2))
    serious = {
        page: [v for v in found if v["impact"] in {"serious", "critical"}]
        for page, found in report.items()
    }
    assert not any(serious.values()), serious
    assert len(report) == 2 * (len(SIGNED_OUT_PAGES) + 2)


def test_a_person_ends_another_devices_session_then_changes_the_password(
    stack: Stack, screenshots: Path
) -> None:
    someone = sign_up(stack)  # their first session: another device, with its API token
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser_context(browser, stack).new_page()
            page.goto("/login")
            sign_in(page, someone.email, someone.password)
            page.wait_for_url("**/dashboard")
            page.click("text=Sessions and password")
            page.wait_for_url("**/sessions")
            other = page.locator('li[data-session="other"]')
            expect(other).to_have_count(1)
            expect(page.locator('li[data-session="current"]')).to_contain_text("This device")
            page.screenshot(path=screenshots / "4-sessions.png", full_page=True)

            other.get_by_role("button", name=re.compile("End session")).click()
            expect(other).to_have_count(0)
            refused_after = seconds_until_refused(stack, someone.user_id, someone.token)
            assert refused_after <= REFUSED_WITHIN_SECONDS

            page.fill("#currentPassword", "not-the-password")
            page.fill("#password", "another-correct-horse")
            page.click('button:has-text("Change password")')
            expect(page.locator("#currentPassword-message")).to_have_text(
                "This is not your current password."
            )
            expect(page.locator("#currentPassword")).to_be_focused()
            page.fill("#currentPassword", someone.password)
            with page.expect_navigation(url="**/sessions"):
                page.click('button:has-text("Change password")')
            # This device goes on, in a new session; it is the only one.
            expect(page.locator('li[data-session="current"]')).to_have_count(1)
            expect(other).to_have_count(0)

            page.click("text=Sign out everywhere")
            page.wait_for_url("**/login")
            page.goto("/sessions")
            expect(page).to_have_url(re.compile(r"/login\?returnUrl=%2Fsessions$"))
        finally:
            browser.close()
