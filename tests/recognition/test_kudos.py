"""Who may give kudos to whom, about what, and who sees them afterwards."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from recognition.models import Behaviour, Kudos
from recognition.selectors import kudos_visible_to, recognitions_for_home
from recognition.services import kudos_give
from tests.factories import InteractionFactory
from tests.recognition.helpers import agent_of, teammate


def test_a_manager_thanks_an_agent_of_her_team_for_a_contact_and_it_is_audited(people):
    contact = InteractionFactory(agent=agent_of(people.alice), external_id="call-7")
    kudos = kudos_give(giver=people.mona, receiver=agent_of(people.alice), interaction=contact, message="Lovely call")
    assert (kudos.team, kudos.visibility, kudos.interaction.external_id) == (people.north, "team", "call-7")
    event = AuditEvent.objects.get(action="kudos.give")
    assert (event.actor_id, event.after["receiver"], event.after["interaction"]) == (
        people.mona.pk,
        "alice.a",
        "call-7",
    )


def test_a_teammate_thanks_alice_for_a_behaviour(people):
    carl = teammate(people.north)
    kudos = kudos_give(giver=carl, receiver=agent_of(people.alice), behaviour=Behaviour.HELPED_TEAMMATE)
    assert kudos.get_behaviour_display() == "Helped a teammate"


@pytest.mark.parametrize(
    "giver, receiver, message",
    [
        ("alice", "alice", "yourself"),
        ("bob", "alice", "own team"),  # an agent of another team
        ("max", "alice", "own team"),  # a manager of another team
        ("ada", "alice", "own team"),  # admins do not hand out kudos
    ],
)
def test_nobody_thanks_themself_or_across_teams(people, giver, receiver, message):
    with pytest.raises(ValidationError, match=message):
        kudos_give(giver=getattr(people, giver), receiver=agent_of(getattr(people, receiver)), behaviour="empathy")
    assert not Kudos.objects.exists()


def test_a_kudos_needs_a_contact_the_giver_can_see_or_a_behaviour(people):
    carl = teammate(people.north)
    alices_contact = InteractionFactory(agent=agent_of(people.alice))
    with pytest.raises(ValidationError, match="contact, a behaviour"):
        kudos_give(giver=carl, receiver=agent_of(people.alice))
    # carl (an agent) sees only his own contacts, not alice's
    with pytest.raises(ValidationError, match="not one you can see"):
        kudos_give(giver=carl, receiver=agent_of(people.alice), interaction=alices_contact)
    carls_contact = InteractionFactory(agent=agent_of(carl))
    assert kudos_give(giver=carl, receiver=agent_of(people.alice), interaction=carls_contact).pk


def test_a_private_kudos_is_seen_by_giver_receiver_and_her_managers_only(people):
    carl, dana = teammate(people.north), teammate(people.north, "dana@alpha.test", "dana.d")
    kudos = kudos_give(giver=carl, receiver=agent_of(people.alice), behaviour="stayed_calm", visibility="private")
    seen = {
        name: kudos_visible_to(fetched_by=user).filter(pk=kudos.pk).exists()
        for name, user in {
            "carl": carl,
            "alice": people.alice,
            "mona": people.mona,
            "dana": dana,
            "max": people.max,
            "bob": people.bob,
            "ada": people.ada,
        }.items()
    }
    assert seen == {
        "carl": True,
        "alice": True,
        "mona": True,
        "dana": False,
        "max": False,
        "bob": False,
        "ada": False,
    }
    # and on alice's home block as seen by a teammate
    assert recognitions_for_home(agent=agent_of(people.alice), fetched_by=dana).kudos == []
    assert recognitions_for_home(agent=agent_of(people.alice), fetched_by=people.alice).kudos == [kudos]


def test_a_public_kudos_is_seen_by_the_team_it_was_given_in_and_not_another(people):
    dana = teammate(people.north, "dana@alpha.test", "dana.d")
    kudos = kudos_give(giver=people.mona, receiver=agent_of(people.alice), behaviour="empathy")
    assert kudos_visible_to(fetched_by=dana).get() == kudos
    assert not kudos_visible_to(fetched_by=people.bob).exists()
    assert not kudos_visible_to(fetched_by=people.max).exists()
    home = recognitions_for_home(agent=agent_of(people.alice), fetched_by=dana)
    assert home.kudos == [kudos] and home.link == ""


def test_kudos_stay_in_their_tenant(people, in_tenant, tenants):
    kudos_give(giver=people.mona, receiver=agent_of(people.alice), behaviour="empathy")
    in_tenant(tenants.beta)
    assert not kudos_visible_to(fetched_by=people.bea).exists()
    assert not Kudos.objects.exists()
