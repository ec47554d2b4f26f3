"""Wellbeing first: managers see agent effort only over groups of at least five respondents,
never per agent, never a comment; mona (North) never sees South; agents see no aggregates.

Today is Wednesday 11 March 2026. The answers are given in the week of Monday 16 February,
a complete week inside the gap's four-week block (26 January – 22 February).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.models import Agent
from interactions.models import InteractionType
from surveys.effort_selectors import effort_by_team, effort_gap, effort_gap_block
from surveys.models import EffortResponse
from tests.factories import SurveyResponseFactory

NOW = dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC)
WEEK = dt.date(2026, 2, 16)
ANSWERED = dt.datetime(2026, 2, 17, 10, 0, tzinfo=dt.UTC)
RESULTS, GAP = "/surveys/effort/results/", "/surveys/effort/gap/"
# Distinctive answers: the means (6.5 / 6.2, 2.25 / 2.4) appear nowhere else on the pages.
EFFORTS, TOOLS = [7, 7, 6, 6, 5], [2, 2, 2, 3, 3]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def billing(people):
    return InteractionType.objects.create(name="Billing")


def team_answers(team, count, hardest=(), prefix="member", tools=True):
    """``count`` agents of ``team`` answer once in the week under test, each naming ``hardest``."""
    agents = [
        Agent.objects.create(
            acd_login=f"{prefix}{i}.{team.name}", display_name=f"{prefix.title()}{i}{team.name}", team=team
        )
        for i in range(count)
    ]
    for i, agent in enumerate(agents):
        response = EffortResponse.objects.create(
            agent=agent,
            team=team,
            submitted_at=ANSWERED + dt.timedelta(minutes=i),
            effort=EFFORTS[i],
            tools=TOOLS[i] if tools or i == 0 else None,
            comment=f"secret-comment-{prefix}{i}",
        )
        response.hardest_types.set(hardest)
    return agents


def ces(interaction_type, scores, agent=None):
    """Customers' CES about contacts of a type offered in the week under test."""
    for i, score in enumerate(scores):
        SurveyResponseFactory(
            survey="ces",
            score=score,
            interaction__external_id=f"ces-{interaction_type.pk}-{i}",
            interaction__interaction_type=interaction_type,
            interaction__agent=agent,
            interaction__outcome="abandoned" if agent is None else "answered",
            interaction__offered_at=ANSWERED,
        )


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_gap_block_is_the_latest_complete_fixed_block(tenants, in_tenant):
    in_tenant(tenants.alpha)  # weeks are the tenant's (Berlin); outside a tenant there is no week to take
    assert effort_gap_block(NOW) == (dt.date(2026, 1, 26), dt.date(2026, 2, 23))
    assert effort_gap_block(NOW + dt.timedelta(days=7)) == (dt.date(2026, 1, 26), dt.date(2026, 2, 23))


def test_four_respondents_reveal_nothing_anywhere(tenants, people, web, billing):
    team_answers(people.north, 4, hardest=[billing])
    [row] = effort_by_team(fetched_by=people.mona)
    assert (row.team, row.week_start, row.suppressed) == (people.north, WEEK, True)
    assert row.means == dict.fromkeys(["effort", "tools", "knowledge_base", "process"]) and row.hardest == []
    gap = effort_gap(fetched_by=people.mona)
    assert gap.suppressed and gap.rows == []  # no CES either: the type is not even listed
    for user in (people.mona, people.ada):
        client = web(tenants.alpha, user)
        results, gap_html = html_of(client, RESULTS), html_of(client, GAP)
        assert "Not enough responses to keep answers anonymous" in results
        assert "Not enough responses to keep answers anonymous" in gap_html
        for page in (results, gap_html):
            for secret in ("6.5", "2.2", "2.3", "Member", "member", "secret-comment", "Billing", "Alice", "alice.a"):
                assert secret not in page, (secret, user.email)


def test_five_respondents_show_the_mean_but_no_name_or_comment(tenants, people, web, billing):
    team_answers(people.north, 5, hardest=[billing])
    [row] = effort_by_team(fetched_by=people.mona)
    assert not row.suppressed and row.respondents == 5
    assert row.means["effort"] == pytest.approx(6.2) and row.means["tools"] == pytest.approx(2.4)
    assert row.means["knowledge_base"] is None and row.hardest == [("Billing", 1.0)]
    html = html_of(web(tenants.alpha, people.mona), RESULTS)
    assert "6.2" in html and "2.4" in html and "Billing (100 %)" in html
    for secret in ("Member", "member", "secret-comment", "17 Feb"):
        assert secret not in html


def test_a_question_answered_by_fewer_than_five_is_withheld(people):
    team_answers(people.north, 5, tools=False)  # only the first agent answered "tools"
    [row] = effort_by_team(fetched_by=people.mona)
    assert not row.suppressed and row.means["effort"] == pytest.approx(6.2) and row.means["tools"] is None


def test_an_agent_answering_twice_in_a_week_counts_once(people):
    agents = team_answers(people.north, 4)
    EffortResponse.objects.create(
        agent=agents[0], team=people.north, submitted_at=ANSWERED + dt.timedelta(days=2), effort=1
    )
    [row] = effort_by_team(fetched_by=people.mona)
    assert row.respondents == 4 and row.suppressed


def test_the_current_week_is_not_shown_until_it_is_over(people):
    agents = team_answers(people.north, 5)
    EffortResponse.objects.filter(agent__in=agents).update(submitted_at=NOW - dt.timedelta(hours=1))
    assert effort_by_team(fetched_by=people.mona) == []


def test_mona_sees_north_only_admins_every_team_agents_nothing(tenants, people, web):
    team_answers(people.north, 5)
    team_answers(people.south, 5, prefix="southie")
    EffortResponse.objects.filter(agent__team=people.south).update(effort=1)
    assert {row.team.name for row in effort_by_team(fetched_by=people.mona)} == {"North"}
    assert {row.team.name for row in effort_by_team(fetched_by=people.max)} == {"South"}
    assert {row.team.name for row in effort_by_team(fetched_by=people.ada)} == {"North", "South"}
    assert effort_by_team(fetched_by=people.alice) == [] and effort_gap(fetched_by=people.alice) is None
    html = html_of(web(tenants.alpha, people.mona), RESULTS)
    assert "North" in html and "South" not in html and "1.0" not in html
    for url in (RESULTS, GAP):
        assert web(tenants.alpha, people.alice).get(url).status_code == 403


def test_another_tenant_sees_none_of_alpha(tenants, people, web, in_tenant):
    team_answers(people.north, 5)
    in_tenant(tenants.beta)
    html = html_of(web(tenants.beta, people.bea), RESULTS)
    assert "6.2" not in html and "effort-results-empty" in html


def test_the_gap_puts_agents_beside_customers_never_their_effort(tenants, people, web, billing):
    tech = InteractionType.objects.create(name="Tech")
    first, *_ = team_answers(people.north, 5, hardest=[billing])
    first.effort_responses.get().hardest_types.add(tech)
    ces(billing, [2, 3, 4], agent=people.alice.agent)  # customers struggle: mean 3
    ces(tech, [6, 7], agent=people.alice.agent)  # customers find it easy
    gap = effort_gap(fetched_by=people.mona)
    assert not gap.suppressed and gap.respondents == 5
    billing_row, tech_row = gap.rows
    assert (billing_row.type_name, billing_row.ces_mean, billing_row.ces_n) == ("Billing", 3.0, 3)
    assert billing_row.share == 1.0 and billing_row.both_struggle
    # one agent named Tech: the share is shown (1 in 5), her effort never is, nor anyone's: a mean
    # over the namers would be a second split of the published weekly mean (kpis.md)
    assert tech_row.share == pytest.approx(0.2) and not tech_row.both_struggle
    html = html_of(web(tenants.alpha, people.mona), GAP)
    assert "where customers and agents both struggle" in html and "Both struggle" in html
    assert "6.2" not in html and "7.0" not in html and "secret-comment" not in html


def test_the_gap_of_a_manager_counts_her_teams_customers_only(people, billing):
    team_answers(people.north, 5, hardest=[billing])
    ces(billing, [2, 3, 4], agent=people.bob.agent)  # contacts of South's bob
    assert effort_gap(fetched_by=people.mona).rows[0].ces_mean is None
    assert effort_gap(fetched_by=people.max).suppressed  # South has no effort answers
    assert effort_gap(fetched_by=people.ada).rows[0].ces_mean == 3.0
