"""The recognition pages: my recognitions, give kudos, the team feed; each against the other
team and the other tenant, private items never on another person's page, nothing ranked."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from recognition.models import Kudos, Milestone, RecognitionPreference
from recognition.services import kudos_give
from tests.factories import InteractionFactory
from tests.recognition.helpers import agent_of, milestone, teammate


@pytest.fixture
def north(people):
    """carl and dana join alice in North; a public and a private kudos for alice, a shared and a
    private milestone of hers, a public kudos for bob in South."""
    carl, dana = teammate(people.north), teammate(people.north, "dana@alpha.test", "dana.d")
    public = kudos_give(giver=people.mona, receiver=agent_of(people.alice), behaviour="empathy", message="Kind words")
    private = kudos_give(
        giver=carl,
        receiver=agent_of(people.alice),
        behaviour="stayed_calm",
        message="Secret thanks",
        visibility="private",
    )
    shared = milestone(people.alice, key="shared", length=11)
    hidden = milestone(people.alice, kind="qa_streak", key="hidden", private=True, length=7)
    south = kudos_give(giver=people.max, receiver=agent_of(people.bob), behaviour="owned_it", message="Bob did it")
    return dict(carl=carl, dana=dana, public=public, private=private, shared=shared, hidden=hidden, south=south)


def text(response):
    assert response.status_code == 200
    return response.content.decode()


def test_alice_sees_all_her_kudos_and_milestones_and_can_make_one_private(tenants, people, web, north):
    alice = web(tenants.alpha, people.alice)
    page = text(alice.get("/recognition/"))
    assert "Kind words" in page and "Secret thanks" in page and "Bob did it" not in page
    assert "11 top CSAT answers in a row" in page and "7 QA evaluations in a row" in page
    response = alice.post(f"/recognition/milestones/{north['shared'].pk}/privacy/", {"private": "1"})
    assert response.status_code == 302
    assert Milestone.objects.get(pk=north["shared"].pk).private is True
    # nobody else's milestone: a 404, as if it did not exist
    bobs = milestone(people.bob, key="bob")
    assert alice.post(f"/recognition/milestones/{bobs.pk}/privacy/", {"private": "1"}).status_code == 404
    assert Milestone.objects.get(pk=bobs.pk).private is False


def test_all_milestones_private_is_a_preference_that_covers_the_ones_to_come(tenants, people, web, north):
    alice = web(tenants.alpha, people.alice)
    assert alice.post("/recognition/milestones/privacy/", {"private": "1"}).status_code == 302
    assert RecognitionPreference.objects.get(agent=agent_of(people.alice)).milestones_private
    later = milestone(people.alice, kind="best_csat_month", key="2026-04")
    later.facts = {"value": 91.0, "month": "2026-04", "n": 40, "previous_best": 88.0}
    later.save()
    mona_feed = text(web(tenants.alpha, people.mona).get("/recognition/team/"))
    assert "11 top CSAT answers" not in mona_feed and "CSAT 91.0%" not in mona_feed
    assert "CSAT 91.0%" in text(alice.get("/recognition/"))


@pytest.mark.parametrize("role", ["mona", "max", "ada"])
def test_my_recognitions_is_for_agents(tenants, people, web, north, role):
    assert web(tenants.alpha, getattr(people, role)).get("/recognition/").status_code == 403


def test_the_team_feed_shows_public_recognitions_to_the_team_only(tenants, people, web, north):
    for who in ("mona", "dana"):
        user = people.mona if who == "mona" else north["dana"]
        feed = text(web(tenants.alpha, user).get("/recognition/team/"))
        assert "Kind words" in feed and "11 top CSAT answers in a row" in feed, who
        # a private kudos and a private milestone never reach a teammate's or a manager's page
        assert "Secret thanks" not in feed and "7 QA evaluations" not in feed, who
        assert "Bob did it" not in feed, who
    for user in (people.max, people.bob):
        feed = text(web(tenants.alpha, user).get("/recognition/team/"))
        assert "Kind words" not in feed and "11 top CSAT" not in feed and "Secret thanks" not in feed
    assert "Bob did it" in text(web(tenants.alpha, people.bob).get("/recognition/team/"))
    admin = text(web(tenants.alpha, people.ada).get("/recognition/team/"))
    assert "Kind words" in admin and "Bob did it" in admin and "Secret thanks" not in admin


def test_the_other_tenant_sees_none_of_it(tenants, people, web, north):
    feed = text(web(tenants.beta, people.bert).get("/recognition/team/"))
    assert "Kind words" not in feed and "No recognitions yet" in feed
    mine = text(web(tenants.beta, people.bert).get("/recognition/"))
    assert "Kind words" not in mine and "No kudos yet." in mine
    # alpha's session means nothing on beta's host
    response = web(tenants.alpha, people.alice).get("/recognition/", HTTP_HOST="beta.localhost")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_feed_is_in_time_order_and_never_counts_per_person(tenants, people, web, north):
    Kudos.objects.all().delete()
    Milestone.objects.all().delete()
    now = timezone.now()
    for hours, (receiver, message) in enumerate(
        [
            (people.alice, "alice one"),
            (people.alice, "alice two"),
            (people.alice, "alice three"),
            (north["carl"], "carl"),
        ]
    ):
        kudos = kudos_give(giver=people.mona, receiver=agent_of(receiver), behaviour="empathy", message=message)
        Kudos.objects.filter(pk=kudos.pk).update(created_at=now - dt.timedelta(hours=10 - hours))
    feed = text(web(tenants.alpha, people.mona).get("/recognition/team/"))
    order = [feed.index(m) for m in ("carl", "alice three", "alice two", "alice one")]
    assert order == sorted(order)  # newest first, carl's single kudos above alice's three
    # no tally anywhere: not "3 kudos", not "×3", no ranking words
    assert not re.search(r"\b[0-9]+\s*(kudos|×)", feed, re.IGNORECASE)
    for word in ("rank", "leaderboard", "top agent", "most kudos"):
        assert word not in feed.lower()


def test_the_feed_paginates(tenants, people, web, north):
    for index in range(30):
        kudos_give(giver=people.mona, receiver=agent_of(people.alice), behaviour="empathy", message=f"msg-{index:02d}")
    mona = web(tenants.alpha, people.mona)
    first, second = text(mona.get("/recognition/team/")), text(mona.get("/recognition/team/?page=2"))
    assert "msg-29" in first and "msg-00" not in first and "Page 1 of 2" in first
    assert "msg-00" in second and "msg-29" not in second


def test_the_feed_page_runs_a_fixed_number_of_queries(tenants, people, web, north, django_assert_max_num_queries):
    for _index in range(10):
        kudos_give(
            giver=people.mona,
            receiver=agent_of(people.alice),
            interaction=InteractionFactory(agent=agent_of(people.alice)),
        )
    mona = web(tenants.alpha, people.mona)
    with django_assert_max_num_queries(14):
        text(mona.get("/recognition/team/"))


def test_give_kudos_offers_only_teammates_and_refuses_others(tenants, people, web, north):
    carl = web(tenants.alpha, north["carl"])
    form = text(carl.get(f"/recognition/give/?agent={agent_of(people.alice).pk}"))
    assert 'for="id_receiver"' in form and "Alice" in form and "Bob" not in form and "Carl" not in form
    response = carl.post(
        "/recognition/give/", {"receiver": agent_of(people.bob).pk, "behaviour": "empathy", "visibility": "team"}
    )
    assert response.status_code == 200 and not Kudos.objects.filter(receiver=agent_of(people.bob), giver=north["carl"])
    response = carl.post(
        "/recognition/give/",
        {
            "receiver": agent_of(people.alice).pk,
            "behaviour": "explained_clearly",
            "message": "Thanks!",
            "visibility": "team",
        },
    )
    assert response.status_code == 302
    assert Kudos.objects.filter(giver=north["carl"], behaviour="explained_clearly", message="Thanks!").exists()


def test_give_kudos_for_a_contact_by_its_id(tenants, people, web, north):
    InteractionFactory(agent=agent_of(people.alice), external_id="call-42")
    InteractionFactory(agent=agent_of(people.bob), external_id="call-bob")
    mona = web(tenants.alpha, people.mona)
    assert 'value="call-42"' in text(mona.get("/recognition/give/?contact=call-42"))
    refused = mona.post(
        "/recognition/give/", {"receiver": agent_of(people.alice).pk, "contact": "call-bob", "visibility": "team"}
    )
    assert "No contact with this ID that you can see." in text(refused)
    given = mona.post(
        "/recognition/give/", {"receiver": agent_of(people.alice).pk, "contact": "call-42", "visibility": "private"}
    )
    assert given.status_code == 302
    assert Kudos.objects.get(interaction__external_id="call-42").visibility == "private"


def test_admins_do_not_give_kudos(tenants, people, web, north):
    assert web(tenants.alpha, people.ada).get("/recognition/give/").status_code == 403


def test_the_agents_home_page_shows_her_recognitions_and_nobody_elses(tenants, people, web, north):
    page = text(web(tenants.alpha, people.alice).get("/"))
    home = page[page.index('id="recognitions-heading"') :]
    # her own: both kudos (the private one is hers to see) and both milestones, private included
    assert "Kind words" in home and "Secret thanks" in home and "Bob did it" not in home
    assert "11 top CSAT answers in a row" in home and "7 QA evaluations in a row" in home
    bob = text(web(tenants.alpha, people.bob).get("/"))
    bobs = bob[bob.index('id="recognitions-heading"') :]
    assert "Bob did it" in bobs and "Kind words" not in bobs and "QA evaluations in a row" not in bobs


def test_a_manager_can_thank_an_agent_from_her_scorecard_but_an_admin_is_not_offered_it(tenants, people, web):
    alice = agent_of(people.alice)
    link = f"/recognition/give/?agent={alice.pk}"
    assert link in text(web(tenants.alpha, people.mona).get(f"/kpis/agents/{alice.pk}/"))
    assert link not in text(web(tenants.alpha, people.ada).get(f"/kpis/agents/{alice.pk}/"))
    form = text(web(tenants.alpha, people.mona).get(link))
    assert f'<option value="{alice.pk}" selected>' in form
