"""Fair sampling over a month (tenant alpha, Europe/Berlin): team North with four agents who
handle different mixes of three interaction types; the plan asks for 4 contacts per agent per
week. Contacts are created directly (the sampler only reads them)."""

import datetime as dt
import random
import zoneinfo
from collections import Counter

import pytest

from accounts.models import Agent
from interactions.models import InteractionType
from qa.models import QaEvaluation, QaForm, QaFormVersion, QaSamplingPlan
from qa.sampling import qa_sample_week, round_robin_pick
from tests.factories import InteractionFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
WEEKS = [dt.date(2026, 3, 2) + dt.timedelta(weeks=n) for n in range(4)]
PLAN = 4


SERIAL = [0]


def make_contacts(agent, week, counts: dict):
    """``counts``: interaction type → number of handled contacts that week (spread over days)."""
    for itype, n in counts.items():
        for k in range(n):
            SERIAL[0] += 1
            at = dt.datetime.combine(week + dt.timedelta(days=k % 7), dt.time(9 + k % 8), tzinfo=BERLIN)
            InteractionFactory(
                external_id=f"s{SERIAL[0]}",
                agent=agent,
                interaction_type=itype,
                offered_at=at,
                answered_at=at + dt.timedelta(seconds=9),
            )


@pytest.fixture
def month(people):
    types = [InteractionType.objects.create(name=n) for n in ("billing", "tech", "sales")]
    billing, tech, sales = types
    alice = Agent.objects.get(acd_login="alice.a")
    carol = Agent.objects.create(acd_login="carol.c", team=people.north)
    dave = Agent.objects.create(acd_login="dave.d", team=people.north)
    erin = Agent.objects.create(acd_login="erin.e", team=people.north)
    mixes = {
        alice: {billing: 12, tech: 3, sales: 1},  # one type dominates
        carol: {billing: 1, tech: 1},  # fewer contacts than the plan
        dave: {tech: 5, sales: 5},
        erin: {billing: 2, tech: 2, sales: 9},
    }
    for week in WEEKS:
        for agent, mix in mixes.items():
            make_contacts(agent, week, mix)
    # an abandoned contact and another team's contact are never sampled
    InteractionFactory(external_id="ab", outcome="abandoned", offered_at=dt.datetime(2026, 3, 3, 9, tzinfo=BERLIN))
    make_contacts(Agent.objects.get(acd_login="bob.b"), WEEKS[0], {billing: 5})
    form = QaForm.objects.create(name="Voice")
    QaFormVersion.objects.create(form=form, number=1)
    latest = QaFormVersion.objects.create(form=form, number=2)
    QaSamplingPlan.objects.create(team=people.north, form=form, per_agent_per_week=PLAN)
    return {"mixes": mixes, "latest": latest, "north": people.north}


def test_over_a_month_every_agent_within_one_of_the_plan_across_types(month):
    for week in WEEKS:
        qa_sample_week(team=month["north"], week_start=week)
    evaluations = list(QaEvaluation.objects.select_related("interaction"))
    assert all(e.status == "draft" and e.reviewer is None and e.calibration is None for e in evaluations)
    assert {e.version for e in evaluations} == {month["latest"]}
    assert len({e.interaction_id for e in evaluations}) == len(evaluations)  # never twice
    for agent, mix in month["mixes"].items():
        available = sum(mix.values())
        expected = min(PLAN, available)
        total = 0
        for week in WEEKS:
            start = dt.datetime.combine(week, dt.time.min, tzinfo=BERLIN)
            mine = [
                e.interaction
                for e in evaluations
                if e.interaction.agent_id == agent.pk
                and start <= e.interaction.offered_at < start + dt.timedelta(days=7)
            ]
            total += len(mine)
            assert abs(len(mine) - expected) <= 1 if available >= PLAN else len(mine) == available
            types = Counter(i.interaction_type_id for i in mine)
            if len(mix) <= PLAN:  # the plan allows every type the agent handled
                assert set(types) == {t.pk for t in mix}, agent
            # spread evenly: no type has two more than another while that one had contacts left
            for n in types.values():
                for other in mix:
                    if types[other.pk] < mix[other]:
                        assert n - types[other.pk] <= 1
        assert abs(total - 4 * expected) <= 1 if available >= PLAN else total == 4 * available
    assert not QaEvaluation.objects.filter(interaction__agent__acd_login="bob.b").exists()


def test_a_rerun_creates_nothing_and_the_sample_is_reproducible(month):
    first = qa_sample_week(team=month["north"], week_start=WEEKS[0])
    assert len(first) == 4 + 2 + 4 + 4
    assert qa_sample_week(team=month["north"], week_start=WEEKS[0]) == []
    assert QaEvaluation.objects.count() == len(first)
    # the same seed picks the same contacts
    QaEvaluation.objects.all().delete()
    again = qa_sample_week(team=month["north"], week_start=WEEKS[0])
    assert [i.pk for i in again] == [i.pk for i in first]


def test_round_robin_pick_is_pure_and_covers_types_first():
    picked = round_robin_pick({1: [10, 11, 12, 13], 2: [20], 3: [30, 31]}, 4, random.Random("x"))
    assert {p // 10 for p in picked} == {1, 2, 3} and len(set(picked)) == 4
    assert round_robin_pick({1: [10]}, 4, random.Random("x")) == [10]
    assert picked == round_robin_pick({1: [10, 11, 12, 13], 2: [20], 3: [30, 31]}, 4, random.Random("x"))


def test_no_plan_or_inactive_plan_samples_nothing(month):
    QaSamplingPlan.objects.update(is_active=False)
    assert qa_sample_week(team=month["north"], week_start=WEEKS[0]) == []
    assert qa_sample_week(team=month["north"].__class__.objects.get(name="South"), week_start=WEEKS[0]) == []


def test_sampling_page_plans_and_the_weeks_sample(month, web, tenants, people):
    mona = web(tenants.alpha, people.mona)
    url = f"/kpis/qa/checks/sampling/?team={people.north.pk}&week=2026-03-04"  # a Wednesday: its Monday
    assert mona.post(url, {"sample": "1"}).status_code == 302
    page = mona.get(url)
    assert page.status_code == 200 and page.context["week"] == WEEKS[0]
    assert len(page.context["sample"]) == 14
    form = QaForm.objects.get()
    assert mona.post(url, {"form": form.pk, "per_agent_per_week": 6, "is_active": "on"}).status_code == 302
    assert QaSamplingPlan.objects.get(team=people.north).per_agent_per_week == 6
    # max manages South only; he may set its plan
    max_ = web(tenants.alpha, people.max)
    assert max_.get(url).status_code == 404
    assert [t.name for t, _ in max_.get("/kpis/qa/checks/sampling/").context["teams"]] == ["South"]
    south = f"/kpis/qa/checks/sampling/?team={people.south.pk}"
    assert max_.post(south, {"form": form.pk, "per_agent_per_week": 2, "is_active": "on"}).status_code == 302
    assert QaSamplingPlan.objects.get(team=people.south).per_agent_per_week == 2


def test_sampling_page_access(month, web, tenants, people):
    assert web(tenants.alpha, people.alice).get("/kpis/qa/checks/sampling/").status_code == 403
    assert web(tenants.alpha, people.ada).get("/kpis/qa/checks/sampling/").status_code == 200
    beta = web(tenants.beta, people.bea).get(f"/kpis/qa/checks/sampling/?team={people.north.pk}")
    assert beta.status_code in (200, 404)
    if beta.status_code == 200:  # beta's own team with the same pk, never alpha's sample
        assert list(beta.context["sample"]) == []
