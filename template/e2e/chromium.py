"""How the end-to-end tests start a browser: Debian's Chromium, since Playwright's own browser
downloads may not be reachable from the test machine."""

import os

from playwright.sync_api import Browser, Playwright

EXECUTABLE = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Headless, and no calls to Google's services (the test machine may have no network).
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=EXECUTABLE, args=ARGS)
