"""Mail, through a real SMTP server (aiosmtpd, on loopback): a person who forgot their password
asks for a link, follows it from the mail, sets a new one and signs in with it (the old one and
the used link are refused, the other sessions end); a person confirms their email from the mail
and the API sees `email_verified` become true, with the email confirmation optional (this
project's stack) and required (a second frontend on the same database)."""

import re
import secrets

import httpx
from playwright.sync_api import Page, expect, sync_playwright

from . import chromium
from .conftest import (
    APP_NAME,
    TOKEN_PATH,
    Stack,
    browser_context,
    sign_up,
)
from .mailbox import Mailbox, Received
from .test_api import ENDPOINTS, METHOD, PATH, call
from .test_browser import sign_in, submit
from .test_sessions import REFUSED_WITHIN_SECONDS, seconds_until_refused

NEW_PASSWORD = "a-new-correct-horse"  # noqa: S105 (a test's password)
SIGN_UP_PASSWORD = "correct-horse-battery"  # noqa: S105
# The endpoints that only a confirmed email may call (an answer such as
# "GET /api/billing [email_verified=true]").
VERIFIED_ONLY = [
    (method, path)
    for method, path, owner, requires in ENDPOINTS
    if requires == {"email_verified": True} and not owner
]
# A confirmation link whose token Better Auth refuses, as it refuses an expired one.
BROKEN_CONFIRMATION_LINK = "/api/auth/verify-email?token=not-a-token&callbackURL=%2Fdashboard"


def assert_readable(mail: Received, subject: str) -> None:
    """A small message with the project's name, the same link in its text and its HTML."""
    assert mail.subject == subject
    assert APP_NAME in mail.body("plain") and APP_NAME in mail.body("html")
    assert f'href="{mail.link.replace("&", "&amp;")}"' in mail.body("html")
    assert str(mail.message["From"]) == f"{APP_NAME} <no-reply@example.com>"


def api_token(page: Page) -> str:
    """The API token of the browser's session, as the frontend hands it out."""
    answer = page.request.get(TOKEN_PATH)
    assert answer.ok, answer.text()
    return str(answer.json()["token"])


def caller(stack: Stack, page: Page) -> dict[str, object]:
    """Who the API says the browser's person is."""
    token = api_token(page)
    answer = call(stack.api_url, METHOD, PATH, "-", token)
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["caller"])


def test_a_forgotten_password_is_reset_by_mail_once(stack: Stack, mailbox: Mailbox) -> None:
    person = sign_up(stack)  # also signed in elsewhere: that session ends with the reset
    nobody = f"nobody-{secrets.token_hex(4)}@example.com"
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser_context(browser, stack).new_page()
            page.goto("/login")
            page.click("text=Forgot password?")
            page.wait_for_url("**/forgot-password")
            answers = []
            for email in (nobody, person.email):  # the same answer, account or not
                page.fill('input[name="email"]', email)
                submit(page, "**/api/auth/request-password-reset")
                status = page.locator("main").get_by_role("status")
                expect(status).to_contain_text(f"If an account uses {email}, we sent it a link")
                answers.append(status.inner_text().replace(email, "…"))
                page.click("text=ask again")
            assert answers[0] == answers[1]

            mail = mailbox.wait_for(person.email, "Reset your")
            assert_readable(mail, f"Reset your {APP_NAME} password")
            assert mail.link.startswith(f"{stack.frontend_url}/api/auth/reset-password/")
            page.goto(mail.link)
            page.wait_for_url(re.compile(r"/reset-password\?token="))
            page.fill('input[name="password"]', NEW_PASSWORD)
            page.fill('input[name="confirmPassword"]', NEW_PASSWORD + "-typo")
            page.click('button[type="submit"]')
            expect(page.locator("#confirmPassword-message")).to_contain_text("differ")
            page.fill('input[name="confirmPassword"]', NEW_PASSWORD)
            with page.expect_navigation(url="**/login?reset=done"):
                page.click('button[type="submit"]')
            expect(page.locator("main").get_by_role("status")).to_contain_text(
                "sign in with the new one"
            )
            # The reset ended the person's other session: the API refuses its token.
            refused_after = seconds_until_refused(stack, person.user_id, person.token)
            assert refused_after <= REFUSED_WITHIN_SECONDS

            sign_in(page, person.email, person.password)  # the old password
            expect(page.locator("#password-message")).to_have_text("Wrong email or password.")
            sign_in(page, person.email, NEW_PASSWORD)
            page.wait_for_url("**/dashboard")

            page.goto(mail.link)  # the link again
            page.wait_for_url("**/reset-password?error=INVALID_TOKEN")
            expect(page.locator("main").get_by_role("alert")).to_contain_text(
                "used already or has expired"
            )
            expect(page.get_by_role("link", name="Get a new link")).to_have_attribute(
                "href", "/forgot-password"
            )
        finally:
            browser.close()
    assert mailbox.to(nobody) == []  # no account, no mail


def test_an_email_confirmed_from_the_mail_reaches_the_api(stack: Stack, mailbox: Mailbox) -> None:
    """Optional confirmation: the app is usable at once, the dashboard asks to confirm (and can
    send the link again); once confirmed, the token's email_verified is true."""
    email = f"confirm-{secrets.token_hex(4)}@example.com"
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser_context(browser, stack).new_page()
            sign_up_in_browser(page, email)
            page.wait_for_url("**/dashboard")
            banner = page.get_by_role("complementary", name="Confirm your email")
            expect(banner).to_contain_text(email)
            assert caller(stack, page)["email_verified"] is False
            for method, path in VERIFIED_ONLY:
                refused = call(stack.api_url, method, path, "-", api_token(page))
                assert refused.status_code == 403, (path, refused.text)

            # A link that fails (expired, or tampered with as here) says so where it leads.
            page.goto(BROKEN_CONFIRMATION_LINK)
            page.wait_for_url("**/dashboard?error=*")
            expect(banner).to_contain_text("That confirmation link has expired or is not valid.")
            banner.get_by_role("button", name="Send the link again").click()
            expect(banner).to_contain_text(f"Sent to {email}.")
            mail = mailbox.wait_for(email, "Confirm your email", count=2)
            assert_readable(mail, f"Confirm your email for {APP_NAME}")
            page.goto(mail.link)
            page.wait_for_url("**/dashboard")
            expect(page.get_by_role("complementary", name="Confirm your email")).to_have_count(0)
            assert caller(stack, page)["email_verified"] is True
            for method, path in VERIFIED_ONLY:
                allowed = call(stack.api_url, method, path, "-", api_token(page))
                assert allowed.status_code == 200, (path, allowed.text)
        finally:
            browser.close()


def test_sign_up_cannot_claim_a_confirmed_email(stack: Stack) -> None:
    """Better Auth ignores an `emailVerified` sent with a sign-up: only the mailed link sets it."""
    person = sign_up(stack, emailVerified=True)
    assert person.claims["email_verified"] is False


def sign_up_in_browser(page: Page, email: str, password: str = SIGN_UP_PASSWORD) -> None:
    page.goto("/signup")
    page.fill('input[name="name"]', "Mail Person")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    submit(page, "**/api/auth/sign-up/email")


def test_a_required_confirmation_holds_sign_in_until_the_mail_is_followed(
    required_stack: Stack, mailbox: Mailbox
) -> None:
    email = f"required-{secrets.token_hex(4)}@example.com"
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser_context(browser, required_stack).new_page()
            sign_up_in_browser(page, email)
            expect(page.locator("main").get_by_role("status")).to_contain_text(
                f"we mailed a link to {email}"
            )
            assert page.url.endswith("/signup")  # no session before the email is confirmed
            assert page.request.get(TOKEN_PATH).status == 401
            page.goto(BROKEN_CONFIRMATION_LINK)
            page.wait_for_url("**/login?*")
            expect(page.locator("main").get_by_role("status")).to_have_text(
                "That confirmation link has expired or is not valid: sign in to get a new one."
            )

            sign_in(page, email, "correct-horse-battery")
            expect(page.locator("#email-message")).to_have_text(
                "Confirm your email first: follow the link we mailed you."
            )
            page.get_by_role("button", name="Send the link again").click()
            expect(page.get_by_text(f"Sent to {email}.")).to_be_visible()

            mail = mailbox.wait_for(email, "Confirm your email", count=2)
            assert mail.link.startswith(f"{required_stack.frontend_url}/api/auth/verify-email?")
            page.goto(mail.link)  # confirms and signs in
            page.wait_for_url("**/dashboard")
            expect(page.get_by_role("complementary", name="Confirm your email")).to_have_count(0)
            assert caller(required_stack, page)["email_verified"] is True
        finally:
            browser.close()
    # A confirmation link signs in once: followed again (or the one mailed at sign-up), it
    # leads on without a session.
    for link in (mail.link, mailbox.wait_for(email, "Confirm your email", count=1).link):
        again = httpx.get(link, follow_redirects=False)
        assert again.status_code == 302, again.text
        assert "session_token" not in again.headers.get("set-cookie", "")
