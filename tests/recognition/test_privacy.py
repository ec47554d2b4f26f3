"""A private milestone is invisible to everybody but its agent: teammates, her own manager,
another team's manager, admins and the other tenant; through every selector."""

from recognition.selectors import milestones_visible_to, recognitions_for_home, team_feed
from tests.recognition.helpers import agent_of, milestone, teammate


def test_a_private_milestone_is_invisible_to_others(people, in_tenant, tenants):
    dana = teammate(people.north, "dana@alpha.test", "dana.d")
    private = milestone(people.alice, key="private", private=True)
    shared = milestone(people.alice, key="shared")
    alice = agent_of(people.alice)
    assert set(milestones_visible_to(fetched_by=people.alice)) == {private, shared}
    assert recognitions_for_home(agent=alice, fetched_by=people.alice).milestones == [shared, private]
    for other in (dana, people.mona, people.max, people.bob, people.ada):
        assert private not in milestones_visible_to(fetched_by=other), other
        assert private not in recognitions_for_home(agent=alice, fetched_by=other).milestones, other
        assert ("milestone", private.pk) not in [(what, pk) for what, pk, _ in team_feed(fetched_by=other)], other
    # alice's own feed is the team's: her private milestone is not on it either
    assert ("milestone", private.pk) not in [(what, pk) for what, pk, _ in team_feed(fetched_by=people.alice)]
    # shared, it reaches her team only
    assert shared in milestones_visible_to(fetched_by=dana) and shared in milestones_visible_to(fetched_by=people.mona)
    assert shared not in milestones_visible_to(fetched_by=people.max)
    assert shared not in milestones_visible_to(fetched_by=people.bob)
    in_tenant(tenants.beta)
    assert not milestones_visible_to(fetched_by=people.bea).exists()
    assert not list(team_feed(fetched_by=people.bert))


def test_the_home_block_links_to_my_page_only_for_the_agent_herself(people):
    milestone(people.alice, key="m")
    assert recognitions_for_home(agent=agent_of(people.alice), fetched_by=people.alice).link == "/recognition/"
    assert recognitions_for_home(agent=agent_of(people.alice), fetched_by=people.mona).link == ""


def test_the_home_block_runs_a_fixed_number_of_queries(people, django_assert_max_num_queries):
    for index in range(8):
        milestone(people.alice, key=str(index))
    with django_assert_max_num_queries(6):
        home = recognitions_for_home(agent=agent_of(people.alice), fetched_by=people.alice)
        [m.describe() for m in home.milestones] + [str(k.receiver) for k in home.kudos]
