"""A person in a real browser (Debian's Chromium, driven by Playwright): signs up, lands on the
dashboard showing what the API returned for them, signs out, and is sent to log in again; a
return URL never leads to another site; and the forms cannot be sent before React runs them."""

import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Page, expect, sync_playwright

from . import chromium
from .conftest import Person, Stack, waited_out_rate_limit


def submit_past_rate_limit(page: Page, endpoint: str) -> None:
    """Send the form; while Better Auth answers 429, wait as it says and send it again."""
    for _ in range(3):
        with page.expect_response(endpoint) as answer:
            page.click('button[type="submit"]')
        if not waited_out_rate_limit(answer.value.status, answer.value.headers):
            return


def test_sign_up_see_api_data_sign_out(stack: Stack, screenshots: Path) -> None:
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser.new_page(base_url=stack.frontend_url)
            page.goto("/signup")
            page.fill('input[name="name"]', "Browser Person")
            page.fill('input[name="email"]', f"browser-{secrets.token_hex(6)}@example.com")
            page.fill('input[name="password"]', "correct-horse-battery")
            page.screenshot(path=screenshots / "1-sign-up.png")
            submit_past_rate_limit(page, "**/api/auth/sign-up/email")

            page.wait_for_url("**/dashboard")
            expect(page.locator('section[data-state="loading"]')).to_have_count(0, timeout=20_000)
            page.screenshot(path=screenshots / "2-dashboard.png", full_page=True)
            expect(page.get_by_role("heading", name="Hello, Browser Person")).to_be_visible()
            answered = page.locator('section[data-state="ok"] pre')
            expect(answered.first).to_contain_text('"name": "Browser Person"')
            assert page.locator('section[data-state="failed"]').count() == 0

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
            page = browser.new_page(base_url=stack.frontend_url)
            repeated = page.goto("/login?returnUrl=/dashboard&returnUrl=//evil.example")
            assert repeated is not None and repeated.status == 200
            page.goto("/login?returnUrl=/%09/evil.example")
            page.fill('input[name="email"]', person.email)
            page.fill('input[name="password"]', person.password)
            submit_past_rate_limit(page, "**/api/auth/sign-in/email")
            page.wait_for_url("**/dashboard")
            assert urlsplit(page.url).netloc == urlsplit(stack.frontend_url).netloc
        finally:
            browser.close()


def test_forms_cannot_be_sent_before_react_has_hydrated(stack: Stack) -> None:
    """Sent as a plain HTML form, the password would travel in the URL of a GET."""
    for path in ["/signup", "/login"]:
        html = httpx.get(f"{stack.frontend_url}{path}", timeout=30).text
        assert re.search(r'<button type="submit" disabled=""[^>]*>', html), path
