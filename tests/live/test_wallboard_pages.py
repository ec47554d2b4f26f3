"""The wallboard page: who may open it, whose agents a manager sees, the queue filter, and
one contact center's live state never on another's board."""

from __future__ import annotations

import re

import pytest

from tests.live.wallboard_helpers import agent_state, enqueued, feed, page_board

pytestmark = pytest.mark.django_db  # live state: emptied around each test by tests/live/conftest.py


def test_an_agent_may_not_open_the_wallboard_or_its_stream(people, tenants, web):
    client = web(tenants.alpha, people.alice)
    assert client.get("/live/").status_code == 403
    assert client.get("/live/stream/").status_code == 403


def test_without_login_the_wallboard_asks_for_one(people, tenants, web):
    response = web(tenants.alpha).get("/live/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_board_with_no_live_data_today_says_so(people, tenants, web):
    response = web(tenants.alpha, people.mona).get("/live/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No live data today yet" in html
    assert '<p class="live-empty" data-empty>' in html  # shown, not hidden
    assert 'aria-live="polite"' in html


def test_a_manager_sees_the_agents_of_her_teams_by_name_and_counts_of_everyone(people, tenants, web):
    feed(agent_state("alice.a", "break", reason="Coffee"), agent_state("bob.b", "ready"))

    response = web(tenants.alpha, people.mona).get("/live/")

    board = page_board(response)
    assert [(a["agent"], a["name"], a["state"], a["reason"]) for a in board["agents"]] == [
        ("alice.a", "Alice", "break", "Coffee")
    ]
    # counts by state are of the whole center: no one is named by them
    assert board["center"]["agents"]["ready"] == 1
    assert board["center"]["agents"]["break"] == 1
    html = response.content.decode()
    assert '<th scope="row">Alice</th>' in html
    assert "Bob" not in html and "bob.b" not in html
    assert 'class="live-empty" data-empty hidden' in html


def test_an_admin_sees_every_agent(people, tenants, web):
    feed(agent_state("alice.a", "ready"), agent_state("bob.b", "acw"), agent_state("zoe.unknown", "ready"))

    board = page_board(web(tenants.alpha, people.ada).get("/live/"))

    # an agent the directory does not know yet is shown by login
    assert [a["name"] for a in board["agents"]] == ["Alice", "Bob", "zoe.unknown"]


def test_the_queue_filter_shows_only_the_chosen_queues(people, tenants, web):
    feed(enqueued("c-1", "Billing"), enqueued("c-2", "Sales"), enqueued("c-3", "Sales"))
    client = web(tenants.alpha, people.mona)

    everything = page_board(client.get("/live/"))
    assert everything["center"]["waiting"] == 3
    response = client.get("/live/?queue=Billing")

    board = page_board(response)
    assert [q["name"] for q in board["queues"]] == ["Billing"]
    assert board["center"]["waiting"] == 1
    html = response.content.decode()
    # both still offered in the form, Billing ticked
    assert re.search(r'<input[^>]*value="Billing"[^>]*checked', html)
    assert re.search(r'<input[^>]*value="Sales"', html) and not re.search(r'<input[^>]*value="Sales"[^>]*checked', html)
    assert 'data-stream-url="/live/stream/?queue=Billing"' in html


def test_another_contact_centers_live_state_never_shows(people, tenants, web, in_tenant):
    in_tenant(tenants.beta)
    feed(agent_state("bert.b", "ready"), enqueued("b-1", "Billing"))
    in_tenant(tenants.alpha)

    alpha = page_board(web(tenants.alpha, people.ada).get("/live/"))
    beta = page_board(web(tenants.beta, people.bea).get("/live/"))

    assert alpha["agents"] == [] and alpha["center"]["waiting"] == 0 and alpha["queues"] == []
    assert [a["agent"] for a in beta["agents"]] == ["bert.b"] and beta["center"]["waiting"] == 1


def test_the_navigation_offers_the_wallboard_to_managers_only(people, tenants, web):
    assert 'href="/live/"' in web(tenants.alpha, people.mona).get("/").content.decode()
    assert 'href="/live/"' not in web(tenants.alpha, people.alice).get("/").content.decode()
