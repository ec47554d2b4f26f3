"""Milestones against the agent's own history: best months, runs of top CSAT answers, QA
streaks; idempotent, keeping the agent's privacy choice, and never about AHT or speed."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone, translation

from common.followups import Event, announce
from qa.models import QaEvaluation, QaForm, QaFormVersion
from recognition.milestones import CSAT_RUN_LENGTH, QA_STREAK_LENGTH, milestones_recompute
from recognition.models import Milestone, MilestoneKind
from tests.factories import InteractionFactory, KpiSnapshotFactory, SurveyResponseFactory
from tests.recognition.helpers import agent_of

NOW = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)


def months(login, kpi, values, *, insufficient=()):
    """Monthly snapshots from January 2026 on, one per value (None: no snapshot)."""
    for index, value in enumerate(values):
        if value is not None:
            KpiSnapshotFactory(
                kpi=kpi,
                key=login,
                period="month",
                period_start=dt.date(2026, index + 1, 1),
                value=value,
                n=60,
                insufficient_data=index in insufficient,
            )


def of(kind, user=None):
    rows = Milestone.objects.filter(kind=kind)
    if user is not None:
        rows = rows.filter(agent=agent_of(user))
    return rows


@time_machine.travel(NOW)
def test_a_best_fcr_month_beats_every_earlier_finished_month_of_the_agent_with_enough_data(people):
    # Jan 70, Feb 65, Mar 80 (best so far), Apr 95 with too few contacts, May 99 (not finished)
    months("alice.a", "fcr", [70, 65, 80, 95, 99], insufficient={3})
    milestones_recompute()
    best = of(MilestoneKind.BEST_FCR_MONTH, people.alice).get()
    assert (best.key, best.facts["value"], best.facts["previous_best"]) == ("2026-03", 80, 70)
    # achieved when March ended, Berlin time
    assert best.achieved_at == dt.datetime(2026, 3, 31, 22, tzinfo=dt.UTC)
    assert best.describe() == "FCR 80.0% in March 2026 (n=60), above the previous personal best of 70.0%"
    with translation.override("de"):
        assert best.describe() == "FCR 80,0% im März 2026 (n=60), über der bisherigen persönlichen Bestmarke von 70,0%"


@time_machine.travel(NOW)
def test_milestones_compare_an_agent_with_herself_never_with_peers(people):
    months("alice.a", "fcr", [90, 92])
    months("bob.b", "fcr", [40, 50])  # far below alice, and still his own best
    milestones_recompute()
    assert of(MilestoneKind.BEST_FCR_MONTH, people.bob).get().key == "2026-02"
    assert of(MilestoneKind.BEST_FCR_MONTH, people.alice).get().key == "2026-02"


@time_machine.travel(NOW)
def test_no_milestone_is_ever_about_aht_or_speed(people):
    # handle time and speed dropping month after month: a "better" AHT earns nothing
    for kpi in ("aht", "aht_index", "avg_talk", "asa", "frt", "calls_per_hour", "calls_handled"):
        months("alice.a", kpi, [500, 400, 300, 200])
    milestones_recompute()
    assert not Milestone.objects.exists()
    words = " ".join(str(label).lower() for label in MilestoneKind.labels)
    for banned in ("aht", "handle", "speed", "fast", "quick", "time", "rank", "top agent"):
        assert banned not in words


@time_machine.travel(NOW)
def test_recomputing_is_idempotent_keeps_privacy_and_drops_what_the_data_no_longer_supports(people):
    months("alice.a", "fcr", [70, 80])
    milestones_recompute()
    first = of(MilestoneKind.BEST_FCR_MONTH).get()
    Milestone.objects.filter(pk=first.pk).update(private=True)
    milestones_recompute()
    again = of(MilestoneKind.BEST_FCR_MONTH).get()
    assert (again.pk, again.private) == (first.pk, True)
    # February recomputed lower: it is no best month any more
    from scorecards.models import KpiSnapshot

    KpiSnapshot.objects.filter(key="alice.a", period_start=dt.date(2026, 2, 1)).update(value=60)
    milestones_recompute()
    assert not of(MilestoneKind.BEST_FCR_MONTH).exists()


def answers(user, scores, start=None):
    start = start or timezone.now() - dt.timedelta(days=30)
    for index, score in enumerate(scores):
        at = start + dt.timedelta(hours=index)
        SurveyResponseFactory(
            interaction=InteractionFactory(agent=agent_of(user), offered_at=at), score=score, responded_at=at
        )


def test_a_run_of_top_csat_answers_in_a_row(people):
    answers(people.alice, [5] * (CSAT_RUN_LENGTH - 1) + [4] + [5] * (CSAT_RUN_LENGTH + 2))
    answers(people.bob, [5] * (CSAT_RUN_LENGTH - 1) + [3])  # one short
    milestones_recompute()
    run = of(MilestoneKind.CSAT_RUN).get()
    assert run.agent == agent_of(people.alice)
    assert run.facts["length"] == CSAT_RUN_LENGTH + 2
    assert run.describe() == f"{CSAT_RUN_LENGTH + 2} top CSAT answers in a row"
    milestones_recompute()
    assert of(MilestoneKind.CSAT_RUN).count() == 1


@pytest.fixture
def qa_form():
    form = QaForm.objects.create(name="Calls", passing_pct=80)
    return QaFormVersion.objects.create(form=form, number=1)


def evaluations(user, version, scores, *, status="submitted"):
    start = timezone.now() - dt.timedelta(days=20)
    for index, score in enumerate(scores):
        QaEvaluation.objects.create(
            interaction=InteractionFactory(agent=agent_of(user)),
            version=version,
            status=status,
            score_pct=score,
            evaluated_at=start + dt.timedelta(days=index),
        )


def test_a_qa_streak_counts_evaluations_at_or_above_the_forms_passing_score(people, qa_form):
    evaluations(people.alice, qa_form, [80] * QA_STREAK_LENGTH)  # exactly the passing score counts
    evaluations(people.bob, qa_form, [95] * (QA_STREAK_LENGTH - 1) + [79.9] + [95])
    evaluations(people.bob, qa_form, [100] * QA_STREAK_LENGTH, status="draft")  # drafts do not count
    milestones_recompute()
    streak = of(MilestoneKind.QA_STREAK).get()
    assert (streak.agent, streak.facts["length"]) == (agent_of(people.alice), QA_STREAK_LENGTH)


@time_machine.travel(NOW)
def test_a_kpi_recompute_brings_the_milestones_up_to_date(people):
    months("alice.a", "csat", [70, 85])
    announce(Event.KPIS_RECOMPUTED, since=dt.date(2026, 2, 1), until=dt.date(2026, 2, 28))
    assert of(MilestoneKind.BEST_CSAT_MONTH, people.alice).get().key == "2026-02"
