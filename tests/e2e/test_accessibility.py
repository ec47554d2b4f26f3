"""axe-core on every main page of every role, in the light and the dark colour scheme: no
serious or critical violation (labels, contrast, landmarks, headings, table headers, ARIA).

The pages are a list: a new page is one more line in PAGES. ``{name}`` in a path is an id of
the demo tenant (tests/e2e/a11y_tenant.py), so detail pages are checked with real rows.
"""

from __future__ import annotations

import pytest

from tests.e2e.axe import assert_accessible, axe_violations, describe
from tests.e2e.pages import RolePage

pytestmark = pytest.mark.browser

# (role, path): "public" is a visitor who is not logged in. Not here: the API docs (/api/v1/docs/),
# Swagger UI's own markup for developers, which nests buttons in buttons and colours its HTTP
# verbs below AA contrast; no template of ours could fix that.
PAGES = [
    ("public", "/login/"),
    ("public", "/password/reset/"),
    ("public", "/s/{survey_token}/"),
    ("public", "/live/kiosk/{kiosk_token}/"),
    # a manager: the navigation's pages and the detail pages they lead to
    ("manager", "/"),
    ("manager", "/live/"),
    ("manager", "/kpis/"),
    ("manager", "/kpis/agents/{agent}/"),
    ("manager", "/kpis/drilldown/?scope=team&key={team_name}&period=week&start={last_week}&kpi=fcr"),
    ("manager", "/kpis/operations/"),
    ("manager", "/kpis/staffing/"),
    ("manager", "/live/alerts/"),
    ("manager", "/surveys/results/"),
    ("manager", "/surveys/results/comments/"),
    ("manager", "/surveys/follow-ups/"),
    ("manager", "/kpis/qa/"),
    ("manager", "/kpis/qa/evaluations/{evaluation}/"),
    ("manager", "/kpis/qa/evaluate/?contact={contact}"),
    ("manager", "/kpis/qa/disputes/"),
    ("manager", "/kpis/qa/checks/"),
    ("manager", "/kpis/qa/checks/results/"),
    ("manager", "/kpis/qa/checks/sampling/"),
    ("manager", "/kpis/qa/checks/calibrations/"),
    ("manager", "/kpis/qa/checks/calibrations/{calibration}/"),
    ("manager", "/coaching/"),
    ("manager", "/coaching/new/"),
    ("manager", "/coaching/{coaching_session}/"),
    ("manager", "/coaching/signals/"),
    ("manager", "/coaching/signals/{signal}/"),
    ("manager", "/coaching/signals/exclusions/"),
    ("manager", "/coaching/signals/exclusions/new/"),
    ("manager", "/surveys/effort/results/"),
    ("manager", "/surveys/effort/gap/"),
    ("manager", "/agents/"),
    ("manager", "/password/change/"),
    ("manager", "/account/preferences/"),
    ("manager", "/recognition/team/"),
    ("manager", "/recognition/give/"),
    ("manager", "/settings/reports/"),
    # an agent
    ("agent", "/"),
    ("agent", "/kpis/me/"),
    ("agent", "/surveys/effort/"),  # its form: the agent is due (tests/e2e/a11y_tenant.py)
    ("agent", "/surveys/effort/history/"),
    ("agent", "/coaching/mine/"),
    ("agent", "/kpis/qa/mine/"),
    ("agent", "/kpis/qa/evaluations/{evaluation}/"),
    ("agent", "/recognition/"),
    ("agent", "/recognition/team/"),
    ("agent", "/recognition/give/"),
    # an admin: the settings
    ("admin", "/"),
    ("admin", "/imports/"),
    ("admin", "/imports/history/"),
    ("admin", "/agents/{agent}/"),
    ("admin", "/settings/users/"),
    ("admin", "/settings/users/{user}/"),
    ("admin", "/settings/teams/"),
    ("admin", "/settings/teams/{team}/"),
    ("admin", "/surveys/"),
    ("admin", "/surveys/{survey}/"),
    ("admin", "/kpis/qa/forms/"),
    ("admin", "/kpis/qa/forms/{qa_form}/"),
    ("admin", "/kpis/qa/checks/rules/{qa_check_rule}/"),
    ("admin", "/kpis/targets/"),
    ("admin", "/kpis/targets/{target}/"),
    ("admin", "/kpis/settings/"),
    ("admin", "/settings/alerts/"),
    ("admin", "/settings/alerts/new/"),
    ("admin", "/settings/alerts/{alert_rule}/"),
    ("admin", "/surveys/effort/settings/"),
    ("admin", "/coaching/digests/"),
    ("admin", "/coaching/digests/preview/?kind=manager&user={user}"),
    ("admin", "/settings/api-keys/"),
    ("admin", "/settings/webhooks/"),
    ("admin", "/settings/webhooks/new/"),
    ("admin", "/settings/webhooks/{webhook}/"),
    ("admin", "/settings/kiosks/"),
    ("admin", "/settings/audit/"),
    ("admin", "/settings/reports/"),
]


@pytest.fixture(scope="module")
def role_pages(browser, demo_tenant):
    tabs: dict[str, RolePage] = {}

    def tab(role: str) -> RolePage:
        if role not in tabs:
            tabs[role] = RolePage(browser, demo_tenant.host, demo_tenant.logins.get(role))
        return tabs[role]

    yield tab
    for open_tab in tabs.values():
        open_tab.close()


@pytest.mark.parametrize(("role", "path"), PAGES, ids=[f"{role}:{path}" for role, path in PAGES])
def test_page_has_no_serious_violation_in_light_and_dark(role, path, role_pages, demo_tenant):
    tab = role_pages(role)
    page = tab.page
    url = demo_tenant.host + path.format(**demo_tenant.ids)
    page.emulate_media(color_scheme="light")
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url} answered {response and response.status}"
    assert page.url.split("?")[0] == url.split("?")[0], f"{url} redirected to {page.url}"
    found = {"light": axe_violations(page)}
    # The media query applies at once: the same document, re-rendered in the dark scheme.
    page.emulate_media(color_scheme="dark")
    found["dark"] = axe_violations(page)
    page.emulate_media(color_scheme="light")
    report = "\n".join(f"{scheme}:\n{describe(v)}" for scheme, v in found.items() if v)
    csp, tab.csp_violations[:] = list(tab.csp_violations), []
    assert not report, f"axe found on {url}:\n{report}"
    if path == "/surveys/effort/":
        assert page.locator("form fieldset").count() > 0, "the pulse form was not there to check"
    assert not csp, "Content-Security-Policy violations:\n" + "\n".join(csp)


# Into the login page: a field without a label, and grey text the dark scheme makes unreadable.
BREAK_THE_PAGE = """() => {
  const field = document.createElement("input");
  field.type = "text";
  document.querySelector("main").append(field);
  const faint = document.createElement("p");
  faint.textContent = "Hard to read on a dark page";
  faint.style.color = "#333";
  document.querySelector("main").append(faint);
}"""


def test_axe_catches_a_missing_label_and_poor_dark_contrast(role_pages, demo_tenant):
    page = role_pages("public").page
    page.emulate_media(color_scheme="dark")
    page.goto(demo_tenant.host + "/login/")
    assert_accessible(page)
    page.evaluate(BREAK_THE_PAGE)
    assert {v["id"] for v in axe_violations(page)} == {"label", "color-contrast"}
    with pytest.raises(pytest.fail.Exception, match=r"(?s)label: Form elements must have labels.*main > input"):
        assert_accessible(page)
    page.emulate_media(color_scheme="light")
