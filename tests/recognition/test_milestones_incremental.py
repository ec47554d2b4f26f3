"""After a KPI recompute of some days, milestones are rebuilt only around those days
(recognition.milestones, incremental): the result must be what a full pass gives, whatever
the change (new answers and evaluations, a score changed in the middle of a run, a contact
moved to another agent, an answer deleted, a month recomputed)."""

import datetime as dt
import random

import pytest
import time_machine

from interactions.models import Interaction
from qa.models import QaEvaluation, QaForm, QaFormVersion
from recognition.milestones import CSAT_RUN_LENGTH, milestones_recompute
from recognition.models import Milestone, MilestoneKind
from scorecards.models import KpiSnapshot
from surveys.models import SurveyResponse
from tests.factories import InteractionFactory, KpiSnapshotFactory, SurveyResponseFactory
from tests.recognition.helpers import agent_of

NOW = dt.datetime(2026, 6, 20, 12, tzinfo=dt.UTC)
START = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
DAYS = 85
CHANGED = (dt.date(2026, 5, 20), dt.date(2026, 5, 22))  # the recomputed days (local, Berlin)


def state():
    return sorted(Milestone.objects.values_list("agent__acd_login", "kind", "key", "achieved_at", "facts").order_by())


def history(rng, agents, version):
    """Mostly top answers (so runs of CSAT_RUN_LENGTH happen), one or two a day per agent,
    some answered days later; an evaluation now and then; monthly FCR and CSAT."""
    for agent in agents:
        for day in range(DAYS):
            for _ in range(rng.choice([1, 2])):
                offered = START + dt.timedelta(days=day, minutes=rng.randrange(600))
                late = dt.timedelta(hours=rng.choice([0, 0, 0, 1, 30, 100]))
                SurveyResponseFactory(
                    interaction=InteractionFactory(agent=agent, offered_at=offered),
                    score=5 if rng.random() < 0.85 else rng.choice([1, 3, 4]),
                    responded_at=offered + late,
                )
            if rng.random() < 0.3:
                QaEvaluation.objects.create(
                    interaction=InteractionFactory(agent=agent, offered_at=START + dt.timedelta(days=day)),
                    version=version,
                    status="submitted",
                    score_pct=rng.choice([70, 85, 90, 95, 100]),
                    evaluated_at=START + dt.timedelta(days=day, hours=rng.randrange(1, 60)),
                )
        for kpi, values in (("fcr", [70, 65, 80, 78, 60]), ("csat", [80, 85, 82, 90, 88])):
            for month, value in enumerate(values, start=1):
                KpiSnapshotFactory(
                    kpi=kpi,
                    key=agent.acd_login,
                    period="month",
                    period_start=dt.date(2026, month, 1),
                    value=value,
                    n=80,
                )


def in_changed_days(**filters):
    lo = dt.datetime.combine(CHANGED[0], dt.time(), dt.UTC) - dt.timedelta(hours=2)
    hi = dt.datetime.combine(CHANGED[1], dt.time(), dt.UTC) + dt.timedelta(days=1, hours=-2)
    return Interaction.objects.filter(offered_at__gte=lo, offered_at__lt=hi, **filters)


def change(rng, alice, bob, version):
    """What an import, a survey answer, a QA decision or a recompute of those days does."""
    changed = list(SurveyResponse.objects.filter(interaction__in=in_changed_days()).order_by("id"))
    for response in rng.sample(changed, 6):  # scores re-imported, some breaking a run, some mending one
        SurveyResponse.objects.filter(pk=response.pk).update(score=5 if response.score != 5 else 2)
    moved = rng.choice(changed).interaction_id  # a contact moved to the other agent
    Interaction.objects.filter(pk=moved).update(
        agent=bob if Interaction.objects.get(pk=moved).agent == alice else alice
    )
    SurveyResponse.objects.filter(pk=rng.choice(changed).pk).delete()
    for _ in range(CSAT_RUN_LENGTH + 3):  # a late answer run arriving for those days
        offered = dt.datetime.combine(CHANGED[0], dt.time(10), dt.UTC) + dt.timedelta(minutes=rng.randrange(2000))
        SurveyResponseFactory(
            interaction=InteractionFactory(agent=alice, offered_at=offered),
            score=5,
            responded_at=offered + dt.timedelta(hours=rng.randrange(200)),
        )
    evaluation = QaEvaluation.objects.filter(interaction__in=in_changed_days()).order_by("id").first()
    if evaluation is not None:  # a dispute decided: the score changes
        QaEvaluation.objects.filter(pk=evaluation.pk).update(score_pct=100 if evaluation.score_pct < 80 else 60)
    QaEvaluation.objects.create(
        interaction=InteractionFactory(agent=bob, offered_at=dt.datetime.combine(CHANGED[1], dt.time(9), dt.UTC)),
        version=version,
        status="submitted",
        score_pct=50,
        evaluated_at=NOW - dt.timedelta(days=1),
    )
    # May recomputed: a new best month, or one no more
    KpiSnapshot.objects.filter(period="month", period_start=dt.date(2026, 5, 1), kpi="fcr").update(value=95)
    KpiSnapshot.objects.filter(period="month", period_start=dt.date(2026, 5, 1), kpi="csat").update(value=1)


@pytest.mark.parametrize("seed", [1, 2, 3])
@time_machine.travel(NOW)
def test_rebuilding_around_the_recomputed_days_gives_what_a_full_pass_gives(people, seed):
    rng = random.Random(seed)
    alice, bob = agent_of(people.alice), agent_of(people.bob)
    version = QaFormVersion.objects.create(form=QaForm.objects.create(name="Calls", passing_pct=80), number=1)
    history(rng, [alice, bob], version)
    milestones_recompute()
    before = state()
    assert {kind for _, kind, *_ in before} >= {
        MilestoneKind.CSAT_RUN,
        MilestoneKind.QA_STREAK,
        MilestoneKind.BEST_FCR_MONTH,
    }
    change(rng, alice, bob, version)
    milestones_recompute(since=CHANGED[0], until=CHANGED[1])
    incremental = state()
    milestones_recompute()
    full = state()
    assert incremental == full
    assert full != before  # the changes did change some milestones
