"""Who holds an account, through the real stack: a sign-up answers the same whether its address is
new or taken; the owner of a taken address is told by mail; someone who signed up with another
person's address before them ends up with nothing (not the password, not a session, not the
confirmed address), whether the email confirmation is optional or required; and no answer a
browser's script can read carries a session's token (the cookie's secret)."""

import secrets

from playwright.sync_api import expect, sync_playwright

from . import chromium
from .conftest import Person, Stack, browser_context, confirmed, request_sign_up, sign_up
from .mailbox import Mailbox
from .test_api import METHOD, PATH, call
from .test_browser import sign_in
from .test_email import caller, sign_up_in_browser
from .test_sessions import REFUSED_WITHIN_SECONDS, seconds_until_refused

ATTACKERS_PASSWORD = "the-attackers-password"  # noqa: S105 (a test's password)
OWNERS_PASSWORD = "the-owners-own-password"  # noqa: S105


def test_a_taken_address_gets_the_answer_a_new_one_gets_and_its_owner_a_mail(
    stack: Stack, mailbox: Mailbox
) -> None:
    owner = confirmed(sign_up(stack), mailbox)
    _, new = request_sign_up(stack.frontend_client(), password=OWNERS_PASSWORD)
    _, taken = request_sign_up(
        stack.frontend_client(), email=owner.email, password=ATTACKERS_PASSWORD
    )
    assert (taken.status_code, sorted(taken.json())) == (new.status_code, sorted(new.json()))
    assert sorted(taken.json()["user"]) == sorted(new.json()["user"])
    notice = mailbox.wait_for(owner.email, "Your ")
    assert notice.link == f"{stack.frontend_url}/login"
    # Nothing changed for the owner: their session and token go on working.
    assert call(stack.api_url, METHOD, PATH, owner.user_id, owner.token).status_code == 200


def test_someone_who_signed_up_first_with_an_unconfirmed_address_loses_it_to_its_owner(
    stack: Stack, mailbox: Mailbox
) -> None:
    """Optional confirmation: the squatter's account is usable at once, with its API token;
    once the address's owner signs up, the squatter's password, session and token are gone."""
    email = f"squatted-{secrets.token_hex(4)}@example.com"
    squatter = sign_up(stack, email=email, password=ATTACKERS_PASSWORD)
    assert call(stack.api_url, METHOD, PATH, squatter.user_id, squatter.token).status_code == 200

    _, answer = request_sign_up(stack.frontend_client(), email=email, password=OWNERS_PASSWORD)
    assert answer.status_code == 200, answer.text
    claim = mailbox.wait_for(email, "Choose your")
    assert seconds_until_refused(stack, squatter.user_id, squatter.token) <= REFUSED_WITHIN_SECONDS
    again = stack.frontend_client().post(
        "/api/auth/sign-in/email", json={"email": email, "password": ATTACKERS_PASSWORD}
    )
    assert again.status_code == 401, again.text
    assert claim.link.startswith(f"{stack.frontend_url}/api/auth/reset-password/")


def test_an_owner_who_signs_up_after_a_squatter_holds_the_account_alone_when_confirmation_is_required(
    required_stack: Stack, mailbox: Mailbox
) -> None:
    """The attack of security round 4: someone signs up the owner's address with their own
    password; the owner signs up later (the same answer as any sign-up), and follows the mail.
    The owner chooses the password, the API sees them with a confirmed email, and the squatter's
    password opens nothing."""
    email = f"owner-{secrets.token_hex(4)}@example.com"
    squatter = required_stack.frontend_client()
    _, squatted = request_sign_up(squatter, email=email, password=ATTACKERS_PASSWORD)
    assert squatted.is_success
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser_context(browser, required_stack).new_page()
            sign_up_in_browser(page, email, OWNERS_PASSWORD)
            expect(page.locator("main").get_by_role("status")).to_contain_text(
                f"we mailed a link to {email}"
            )
            claim = mailbox.wait_for(email, "Choose your")
            page.goto(claim.link)
            page.wait_for_url("**/reset-password?*")
            page.fill('input[name="password"]', OWNERS_PASSWORD)
            page.fill('input[name="confirmPassword"]', OWNERS_PASSWORD)
            with page.expect_navigation(url="**/login?reset=done"):
                page.click('button[type="submit"]')
            sign_in(page, email, OWNERS_PASSWORD)
            page.wait_for_url("**/dashboard")
            assert caller(required_stack, page)["email_verified"] is True
        finally:
            browser.close()
    refused = squatter.post(
        "/api/auth/sign-in/email", json={"email": email, "password": ATTACKERS_PASSWORD}
    )
    assert refused.status_code == 401, refused.text


def test_no_answer_a_script_can_read_carries_a_session_token(person: Person) -> None:
    session_token = next(
        value for name, value in person.session.cookies.items() if "session_token" in name
    )
    secret = session_token.split(".")[0]  # the cookie holds the token and its signature
    for path in ["/api/auth/get-session", "/api/auth/list-sessions"]:
        answer = person.session.get(path)
        assert answer.status_code == 200, answer.text
        assert secret not in answer.text and '"token"' not in answer.text, path
    signed_in = person.session.post(
        "/api/auth/sign-in/email", json={"email": person.email, "password": person.password}
    )
    assert signed_in.status_code == 200 and '"token"' not in signed_in.text
