"""The grouped navigation offers each role exactly the pages it may open (checked by opening
every entry's page as that role) and marks where the person is."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from common.access import PUBLIC
from home.navigation import ENTRIES, GROUPS, view_roles

NAV = re.compile(r'<nav id="main-nav".*?</nav>', re.S)


def nav_of(page: str) -> str:
    match = NAV.search(page)
    assert match, "no main navigation on the page"
    return match.group(0)


def nav_links(page: str) -> set[str]:
    return set(re.findall(r'<a href="([^"]+)"', nav_of(page))) - {"/"}


def test_every_entry_names_a_known_group_and_roles_its_view_lets_in():
    groups = {group.key for group in GROUPS}
    for entry in ENTRIES:
        assert entry.group in groups, entry
        allowed = view_roles(entry.url_name)
        assert allowed, f"{entry.url_name}: no such page or it declares no audience"
        assert PUBLIC in allowed or entry.roles <= allowed, entry


@pytest.mark.parametrize("persona", ["ada", "mona", "alice"])
def test_each_role_sees_exactly_the_entries_it_may_open(persona, people, tenants, web):
    user = getattr(people, persona)
    client = web(tenants.alpha, user)
    shown = nav_links(client.get("/").content.decode())
    for entry in ENTRIES:
        url = reverse(entry.url_name)
        status = client.get(url).status_code
        opens = status == 200
        assert status in (200, 403), (entry.url_name, status)
        if PUBLIC in view_roles(entry.url_name):
            # a public page (the API docs) is offered only where it is of use
            assert (url in shown) == (user.role in entry.roles), entry.url_name
        else:
            assert (url in shown) == opens, (persona, entry.url_name, status)
    assert shown, "every role has somewhere to go"


def test_agents_get_their_own_short_list(people, tenants, web):
    page = web(tenants.alpha, people.alice).get("/").content.decode()
    assert nav_links(page) == {
        reverse(n)
        for n in ("my_scorecard", "my_coaching", "my_qa", "effort_history", "my_recognitions", "team_recognitions")
    }
    assert "My work" in nav_of(page)


def test_the_current_page_and_its_group_are_marked(people, tenants, web):
    from coaching.sessions import coaching_session_create

    session = coaching_session_create(agent=people.alice.agent, by=people.mona)
    client = web(tenants.alpha, people.mona)
    nav = nav_of(client.get(reverse("coaching_session", args=[session.pk])).content.decode())
    # a session's page belongs to "Coaching sessions", in the Coaching group
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', nav) == [reverse("coaching_sessions")]
    assert re.findall(r'data-group="(\w+)">\s*<summary aria-current="true"', nav) == ["coaching"]
    nav = nav_of(client.get(reverse("qa_sampling")).content.decode())
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', nav) == [reverse("qa_sampling")]
    assert re.findall(r'data-group="(\w+)">\s*<summary aria-current="true"', nav) == ["quality"]
    nav = nav_of(client.get("/").content.decode())
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', nav) == ["/"]
    assert "summary aria-current" not in nav


def test_the_account_area_stays(people, tenants, web):
    page = web(tenants.alpha, people.mona).get("/").content.decode()
    name = people.mona.get_full_name() or people.mona.email
    assert reverse("password_change") in page and reverse("logout") in page and name in page
    assert "Log out" in page
