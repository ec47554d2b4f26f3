"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The live server thread has its own database connection, so these tests commit their data;
each creates its own tenant and drops the schema when done.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread

# The demo's data for the accessibility, dark-mode and print tests: built once per run.
from tests.e2e.a11y_tenant import demo_tenant  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made here
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _on_the_test_database(django_db_setup):
    """Autouse fixtures come first: a test's own fixtures (a tenant it creates) then write to
    the test database, never to the development one (tests/conftest.py's django_db_setup
    always makes one; this guards against that ever changing)."""
    from django.db import connection

    if connection.settings_dict["NAME"] != settings.DATABASES["default"]["TEST"]["NAME"]:
        pytest.fail(
            "No test database: run the browser tests with a database test, e.g. `pytest tests/e2e tests/test_security_headers.py`"
        )


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield thread.port
        thread.terminate()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every frame reports the Content-Security-Policy violations it sees (the event carries what
# was blocked and where); Playwright's init scripts are not subject to the page's policy.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} on ${e.documentURI}`
    + ` (${e.sourceFile || "?"}:${e.lineNumber})`);
});
"""


def watch_csp_violations(context) -> list[str]:
    """Collect every CSP violation of a browser context: the DOM event and the console error."""
    violations: list[str] = []
    context.expose_function("__cspViolation", lambda text: violations.append(text))
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", on_console)
    return violations


@pytest.fixture
def page(browser):
    """A fresh browser tab; the test fails if any page it opened broke the CSP."""
    context = browser.new_context()
    violations = watch_csp_violations(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))
