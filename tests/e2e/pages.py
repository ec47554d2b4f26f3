"""Logging in as a role in a browser context the accessibility, dark-mode and print tests reuse."""

from __future__ import annotations

from tests.e2e.conftest import watch_csp_violations


class RolePage:
    """One logged-in tab per role, kept for a module: logging in once per page would double
    the run. ``csp_violations`` collects what the Content-Security-Policy blocked."""

    def __init__(self, browser, base: str, login: tuple[str, str] | None):
        self.context = browser.new_context()
        self.csp_violations = watch_csp_violations(self.context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        if login:
            log_in(self.page, base, *login)

    def close(self) -> None:
        self.context.close()


def log_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if "/surveys/effort/" in page.url:  # agents may be asked the effort pulse first
        page.get_by_role("button", name="Not now").click()
        page.wait_for_load_state()
