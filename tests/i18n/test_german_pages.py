"""Every main page of accounts, alerts, audit, imports, live, webhooks and the login pages,
rendered for a user whose language is German, shows no English source string.

To cover another page, add its URL to the role's list (a callable gets the fixture's objects).
"""

import pytest

from alerts.models import Kind
from alerts.services import alert_rule_create
from interactions.models import ImportRun
from tests.i18n_scan import untranslated_on
from webhooks.services import webhook_endpoint_create

ADMIN_PAGES = [
    "/account/preferences/",
    "/password/change/",
    "/settings/users/",
    lambda o: f"/settings/users/{o.people.mona.pk}/",
    lambda o: f"/settings/users/{o.people.alice.pk}/",
    lambda o: f"/settings/users/{o.people.mona.pk}/deactivate/",
    "/settings/teams/",
    lambda o: f"/settings/teams/{o.people.north.pk}/",
    "/agents/",
    lambda o: f"/agents/{o.people.alice.agent.pk}/",
    "/agents/?q=nobody",
    "/settings/api-keys/",
    "/imports/",
    "/imports/history/",
    lambda o: f"/imports/{o.run.pk}/",
    "/settings/audit/",
    "/settings/alerts/",
    "/settings/alerts/new/",
    lambda o: f"/settings/alerts/{o.rule.pk}/",
    lambda o: f"/settings/alerts/{o.rule.pk}/delete/",
    "/live/alerts/",
    "/settings/webhooks/",
    "/settings/webhooks/new/",
    lambda o: f"/settings/webhooks/{o.endpoint.pk}/",
    lambda o: f"/settings/webhooks/{o.endpoint.pk}/edit/",
    lambda o: f"/settings/webhooks/{o.endpoint.pk}/delete/",
    "/settings/kiosks/",
    "/settings/reports/",
    "/live/",
]
MANAGER_PAGES = [
    "/account/preferences/",
    "/password/change/",
    "/agents/",
    "/live/",
    "/live/alerts/",
    "/recognition/team/",
    "/recognition/give/",
    "/settings/reports/",
]
AGENT_PAGES = [
    "/account/preferences/",
    "/password/change/",
    "/recognition/",
    "/recognition/team/",
    "/recognition/give/",
]
ANONYMOUS_PAGES = ["/login/", "/password/reset/", "/password/reset/done/", "/password/reset/complete/"]


@pytest.fixture
def objects(people):
    people.ada.language = people.mona.language = people.alice.language = "de"
    for user in (people.ada, people.mona, people.alice):
        user.save(update_fields=["language"])
    yield _objects(people)
    # the personas are the session's: the rows roll back, their Python objects must too
    people.ada.language = people.mona.language = people.alice.language = ""


def _objects(people):
    run = ImportRun.objects.create(
        kind="interactions",
        file_name="calls.csv",
        status=ImportRun.Status.DONE,
        summary={"created": 2, "updated": 0, "unchanged": 0, "rejected": 1, "warnings": []},
        created_by_label="ada@alpha.test",
    )
    rule = alert_rule_create(
        name="Billing wait", kind=Kind.LONGEST_WAIT_ABOVE, threshold=60, queue="Billing", recipients=[people.mona]
    )
    endpoint = webhook_endpoint_create(name="CX", url="https://example.test/hook", events=["alert.fired"])
    return type("Objects", (), {"people": people, "run": run, "rule": rule, "endpoint": endpoint})


def _scan(client, pages, objects):
    found = {}
    for page in pages:
        url = page(objects) if callable(page) else page
        if english := untranslated_on(client, url, language="de"):
            found[url] = english
    return found


def test_the_admin_pages_are_german(tenants, web, objects):
    assert _scan(web(tenants.alpha, objects.people.ada), ADMIN_PAGES, objects) == {}


def test_the_manager_and_agent_pages_are_german(tenants, web, objects):
    assert _scan(web(tenants.alpha, objects.people.mona), MANAGER_PAGES, objects) == {}
    assert _scan(web(tenants.alpha, objects.people.alice), AGENT_PAGES, objects) == {}


@pytest.mark.parametrize("persona", ["ada", "mona", "alice"])
def test_each_roles_home_page_and_navigation_are_german(tenants, web, objects, persona):
    # the whole document: the grouped navigation and the account area too
    client = web(tenants.alpha, getattr(objects.people, persona))
    assert untranslated_on(client, "/", language="de", scope="document") == []


def test_the_login_pages_follow_the_browser(tenants, web, objects):
    assert _scan(web(tenants.alpha), ANONYMOUS_PAGES, objects) == {}
    page = web(tenants.alpha).get("/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Bei Alpha Care anmelden" in page
