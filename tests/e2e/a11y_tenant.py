"""A contact center full of data for the accessibility, dark-mode and print tests: the demo's
own set-up (manage.py demo_setup, three weeks for a few agents) in the test database, plus the
rows the demo does not make (a coaching session with an action item, a webhook, a kiosk, an
exclusion, an API key), so that no page is checked empty.

``demo_tenant`` gives the base URL, each role's login and the ids the detail pages need.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Agent, Role, User
from accounts.services import apikey_create
from alerts.models import AlertRule
from coaching.exclusions import exclusion_add
from coaching.models import Signal
from coaching.sessions import action_item_add, coaching_session_create, coaching_session_notes_set
from interactions.models import Interaction
from live.kiosk import kiosk_board_create, kiosk_token
from pipeline.management.commands.demo_setup import DOMAIN, LOGINS, SCHEMA
from qa.models import QaCheckRule, QaDispute, QaEvaluation, QaForm, QaFormVersion
from qa.services import calibration_create, dispute_raise
from scorecards.models import Target
from surveys.effort_selectors import effort_next_due
from surveys.models import EffortResponse, Survey, SurveyInvitation
from tenants.models import Tenant
from webhooks.services import webhook_endpoint_create

DAYS, AGENTS = 21, 8


@dataclass
class DemoTenant:
    host: str
    logins: dict[str, tuple[str, str]]  # role -> (email, password)
    ids: dict[str, object] = field(default_factory=dict)  # what the URL templates name


def _signal_of(agent: Agent) -> Signal:
    """A signal the demo manager may open: one of their agent's, made if the demo found none."""
    found = Signal.objects.filter(agent__team=agent.team).order_by("pk").first()
    if found:
        return found
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7)
    days = [(monday + dt.timedelta(days=d)).isoformat() for d in range(5)]
    return Signal.objects.create(
        kind="burnout_risk",
        agent=agent,
        week_start=monday,
        computed_at=timezone.now(),
        facts={
            "kpis": ["occupancy"],
            "high_days": [{"day": day, "occupancy": 92.0} for day in days[:3]],
            "occupancy_risk": True,
            "working_days": days,
            "recovery_risk": False,
            "recovery_median": None,
            "long_contacts": 0,
            "effort_rising": False,
        },
    )


def _pulse_due(agent: Agent) -> None:
    """The demo agent answered this period's effort pulse: forget that answer (and only
    that), so the pulse page shows its form rather than "already answered"."""
    while (due := effort_next_due(agent=agent)) is not None and timezone.now() < due:
        EffortResponse.objects.filter(agent=agent).latest("submitted_at").delete()


def _extras() -> dict[str, object]:
    """The rows the demo leaves out, and the ids of those it makes."""
    admin = User.objects.get(role=Role.ADMIN, email=LOGINS[0][0])
    manager = User.objects.get(email=LOGINS[1][0])
    agent = Agent.objects.get(user__email=LOGINS[2][0])
    session = coaching_session_create(
        agent=agent,
        by=manager,
        focus_kpis=["fcr"],
        focus_behaviours="Confirming the fix before closing",
        scheduled_for=timezone.now() + dt.timedelta(days=1),
    )
    action_item_add(
        session=session,
        by=manager,
        description="Listen to two calls of a teammate",
        owner=agent.user,
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    _pulse_due(agent)
    coaching_session_notes_set(session=session, by=manager, notes="Agreed to try a summary at the end of calls")
    webhook = webhook_endpoint_create(
        name="Helpdesk", url="https://hooks.example.test/callwell", events=["alert.fired"], created_by=admin
    )
    kiosk = kiosk_board_create(name="Floor screen", queues=[], created_by=admin)
    apikey_create(name="BI export", created_by=admin)
    contact = Interaction.objects.filter(agent=agent).order_by("-offered_at").first()
    exclusion_add(interaction=contact, reason="test", note="A training call", by=manager)
    invitation = (
        SurveyInvitation.objects.filter(response__isnull=True, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )
    evaluation = QaEvaluation.objects.filter(interaction__agent=agent).exclude(status="draft").order_by("-pk").first()
    answer = evaluation.answers.order_by("pk").first()
    if not QaDispute.objects.filter(answer=answer).exists():  # demo_setup may have raised it already
        dispute_raise(answer=answer, by=agent.user, reason="The caller hung up first")
    version = QaFormVersion.objects.order_by("-pk").first()
    calibration = calibration_create(interaction=evaluation.interaction, version=version, by=admin)
    return {
        "agent": agent.pk,
        "coaching_session": session.pk,
        "signal": _signal_of(agent).pk,
        "target": Target.objects.values_list("pk", flat=True).first(),
        "alert_rule": AlertRule.objects.values_list("pk", flat=True).first(),
        "evaluation": evaluation.pk,
        "calibration": calibration.pk,
        "qa_form": QaForm.objects.values_list("pk", flat=True).first(),
        "qa_check_rule": QaCheckRule.objects.values_list("pk", flat=True).first(),
        "survey": Survey.objects.values_list("pk", flat=True).first(),
        "team": agent.team_id,
        "team_name": agent.team.name,
        "last_week": timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7),
        "contact": contact.external_id,
        "user": manager.pk,
        "webhook": webhook.pk,
        "kiosk_token": kiosk_token(board=kiosk),
        "survey_token": invitation.token if invitation else None,
    }


def build_demo_tenant(live_server_port: int) -> DemoTenant:
    call_command("demo_setup", "--days", str(DAYS), "--agents", str(AGENTS), stdout=io.StringIO())
    with schema_context(SCHEMA):
        ids = _extras()
    logins = {str(role): (email, password) for email, password, role in LOGINS}
    return DemoTenant(host=f"http://{DOMAIN}:{live_server_port}", logins=logins, ids=ids)


@pytest.fixture(scope="session")
def demo_tenant(live_server_url, django_db_blocker):
    from tenants.services import tenant_drop

    with django_db_blocker.unblock():
        try:
            yield build_demo_tenant(live_server_url)
        finally:
            # a test in between may have restarted PostgreSQL (test_recompute_survives_restart)
            connection.close()
            tenant = Tenant.objects.filter(schema_name=SCHEMA).first()
            if tenant is not None:
                tenant_drop(tenant=tenant)
