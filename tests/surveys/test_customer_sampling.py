"""Invitations sampled after an import: the share, the cooldown per customer, idempotency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from surveys.models import SurveyInvitation
from surveys.services import invitations_sample
from surveys.tasks import invitations_sample_task
from tests.factories import InteractionFactory, QueueFactory

from .test_customer_api import survey


@pytest.fixture
def alpha(tenants, people, in_tenant):
    return in_tenant(tenants.alpha)


def test_share_is_honoured_approximately_and_deterministically(alpha):
    since = timezone.now() - dt.timedelta(minutes=1)
    base = timezone.now() - dt.timedelta(days=1)
    for i in range(1000):
        InteractionFactory(external_id=f"s-{i}", offered_at=base + dt.timedelta(seconds=i))
    InteractionFactory(external_id="s-abandoned", outcome="abandoned")
    csat = survey("csat", sample_pct=20, cooldown_days=0)
    created = invitations_sample(since=since)
    assert 150 <= created <= 250
    first = set(SurveyInvitation.objects.values_list("interaction__external_id", flat=True))
    assert "s-abandoned" not in first
    assert invitations_sample(since=since) == 0  # re-run: nothing new
    SurveyInvitation.objects.all().delete()
    assert invitations_sample(since=since) == created  # same contacts chosen again
    assert set(SurveyInvitation.objects.values_list("interaction__external_id", flat=True)) == first
    assert {i.source for i in SurveyInvitation.objects.all()} == {"sampling"}
    assert all(i.survey_id == csat.pk for i in SurveyInvitation.objects.all())


def test_overrides_per_queue_beat_channel_beat_overall(alpha):
    since = timezone.now() - dt.timedelta(minutes=1)
    sales, vip = QueueFactory(name="Sales"), QueueFactory(name="VIP")
    for i in range(50):
        InteractionFactory(external_id=f"chat-{i}", channel="chat", queue=sales)
        InteractionFactory(external_id=f"vip-{i}", channel="chat", queue=vip)
        InteractionFactory(external_id=f"voice-{i}", channel="voice", queue=sales)
    survey("csat", sample_pct=0, cooldown_days=0, sample_pct_by_channel={"chat": 100}, sample_pct_by_queue={"VIP": 0})
    assert invitations_sample(since=since) == 50
    assert set(SurveyInvitation.objects.values_list("interaction__channel", "interaction__queue__name")) == {
        ("chat", "Sales")
    }


def test_a_customer_is_invited_once_per_cooldown_and_only_new_contacts_count(alpha):
    InteractionFactory(external_id="before-since", customer_id="cust-3")
    since = timezone.now()
    start = timezone.now() - dt.timedelta(days=5)
    InteractionFactory(external_id="c1-day0", customer_id="cust-1", offered_at=start)
    InteractionFactory(external_id="c1-day1", customer_id="cust-1", offered_at=start + dt.timedelta(days=1))
    InteractionFactory(external_id="c1-day4", customer_id="cust-1", offered_at=start + dt.timedelta(days=4))
    InteractionFactory(external_id="c2", customer_id="cust-2", offered_at=start)
    survey("csat", sample_pct=100, cooldown_days=3)
    invitations_sample(since=since)
    invited = set(SurveyInvitation.objects.values_list("interaction__external_id", flat=True))
    # c1-day1 is within 3 days of c1-day0; contacts updated before ``since`` are not sampled.
    assert invited == {"c1-day0", "c1-day4", "c2"}


def test_an_earlier_invitation_counts_against_the_cooldown(alpha):
    first = InteractionFactory(external_id="first", customer_id="cust-9")
    survey_nps = survey("nps", sample_pct=100, cooldown_days=30)
    SurveyInvitation.objects.create(
        survey=survey_nps, interaction=first, token="t" * 43, expires_at=timezone.now() + dt.timedelta(days=7)
    )
    since = timezone.now() - dt.timedelta(seconds=1)
    InteractionFactory(external_id="second", customer_id="cust-9")
    assert invitations_sample(since=since) == 0


def test_inactive_surveys_do_not_sample_and_the_task_runs_in_the_current_schema(alpha):
    since = timezone.now() - dt.timedelta(minutes=1)
    InteractionFactory(external_id="t-1")
    survey("csat", sample_pct=100, is_active=False)
    assert invitations_sample_task.run(since.isoformat()) == 0
    survey("ces", sample_pct=100)
    assert invitations_sample_task.run(since.isoformat()) == 1


def test_a_back_fill_of_old_contacts_invites_nobody(alpha):
    since = timezone.now() - dt.timedelta(minutes=1)
    survey("csat", sample_pct=100, cooldown_days=0, link_valid_days=7)
    # imported now, offered a month ago
    InteractionFactory(external_id="old", offered_at=timezone.now() - dt.timedelta(days=30))
    InteractionFactory(external_id="recent", offered_at=timezone.now() - dt.timedelta(days=2))
    assert invitations_sample(since=since) == 1
    assert SurveyInvitation.objects.get().interaction.external_id == "recent"
