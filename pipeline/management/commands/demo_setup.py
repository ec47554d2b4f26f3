"""`make run`'s set-up: the demo contact center with data and a login for each role."""

import datetime as dt

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Agent, Role, Team, User
from accounts.services import user_create
from alerts.models import AlertRule, Kind
from alerts.services import alert_rule_create
from coaching.models import CoachingSession
from coaching.sessions import action_item_add, coaching_session_create, coaching_session_transition
from interactions.demo import demo_plan
from interactions.models import Interaction
from qa.checks import qa_checks_run
from qa.demo import qa_demo_create
from qa.models import QaAnswer
from qa.services import dispute_raise
from recognition.demo import demo_kudos_create
from recognition.milestones import milestones_recompute
from reports.models import Cadence, ReportSubscription, Scope
from reports.services import report_subscription_create
from scorecards.models import KpiRecompute, Target
from scorecards.targets import target_set
from surveys.demo import demo_surveys_create
from surveys.models import SurveyInvitation
from surveys.services import follow_ups_create_missing
from tenants.models import Tenant
from tenants.services import tenant_create

SCHEMA, DOMAIN = "demo", "demo.localhost"
LOGINS = [
    # (email, password, role)
    ("admin@demo.localhost", "demo-admin-pass", Role.ADMIN),
    ("manager@demo.localhost", "demo-manager-pass", Role.MANAGER),
    ("agent@demo.localhost", "demo-agent-pass", Role.AGENT),
]


class Command(BaseCommand):
    help = "Create the demo tenant at http://demo.localhost:8000 with 90 days of data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--agents", type=int, default=40)

    def handle(self, *args, **opts):
        tenant = Tenant.objects.filter(schema_name=SCHEMA).first()
        if tenant is None:
            self.stdout.write("Creating the demo contact center...")
            tenant = tenant_create(schema=SCHEMA, domain=DOMAIN, name="Demo Contact Center", timezone="Europe/Berlin")
        with tenant_context(tenant):
            # The generator lands day after day, so an interrupted run lacks today's
            # contacts: generating again completes it (the upserts are idempotent).
            today = timezone.now().astimezone(tenant.tz).date()
            complete = Interaction.objects.filter(offered_at__date__gte=today - dt.timedelta(days=1)).exists()
        if not complete:
            self.stdout.write(
                f"Generating {opts['days']} days of demo data for {opts['agents']} agents (about a minute)..."
            )
            call_command("demo_data", "--schema", SCHEMA, "--days", str(opts["days"]), "--agents", str(opts["agents"]))
        with tenant_context(tenant):
            # logins and targets first: the demo's QA reviewer is its admin
            self._logins()
            self._targets(today)
            self._alert_rules()
            self._report_subscription()
            personas = demo_plan(agents=opts["agents"]).personas
            token = demo_surveys_create(personas=personas)
            follow_ups_create_missing()
            evaluated = qa_demo_create(personas=personas)
            if evaluated:
                qa_checks_run()
            self._home_items(today)
            computed = KpiRecompute.objects.filter(finished_at__isnull=False).exists()
        if not complete or not computed or token or evaluated:
            self.stdout.write("Computing the KPIs...")
            call_command("recompute_kpis", "--schema", SCHEMA, stdout=self.stdout)
        with tenant_context(tenant):
            milestones_recompute()  # also after each recompute; here for a demo computed before recognition
            demo_kudos_create(
                manager=User.objects.get(email=LOGINS[1][0]), agent_user=User.objects.get(email=LOGINS[2][0])
            )
        self.stdout.write("\nDemo logins at http://demo.localhost:8000/")
        for email, password, role in LOGINS:
            self.stdout.write(f"  {role:<8} {email:<26} {password}")
        with tenant_context(tenant):
            open_invitation = (
                SurveyInvitation.objects.filter(response__isnull=True, expires_at__gt=timezone.now())
                .order_by("-expires_at")
                .first()
            )
        if open_invitation:
            self.stdout.write(f"A customer survey link to answer: http://{DOMAIN}:8000/s/{open_invitation.token}/")

    @staticmethod
    def _targets(today) -> None:
        """A few tenant-wide targets, so the scorecards and digests show bands."""
        if Target.objects.exists():
            return
        admin = User.objects.get(email=LOGINS[0][0])
        since = today - dt.timedelta(days=120)
        for kpi, green, amber in (
            ("fcr", 75, 65),
            ("csat", 80, 70),
            ("nps", 30, 10),
            ("service_level", 80, 70),
            ("repeat_rate", 20, 30),
        ):
            target_set(kpi=kpi, green=green, amber=amber, effective_from=since, by=admin)

    @staticmethod
    def _home_items(today) -> None:
        """Coaching under way and a QA dispute, so each role's home page has something to act on."""
        if CoachingSession.objects.exists():
            return
        manager = User.objects.get(email=LOGINS[1][0])
        agent_user = User.objects.get(email=LOGINS[2][0])
        agent = getattr(agent_user, "agent", None)
        if agent is None or agent.team is None:
            return
        held = coaching_session_create(agent=agent, by=manager, focus_behaviours="Billing disputes that run long")
        action_item_add(
            session=held,
            by=manager,
            description="Listen back to two long billing calls with a teammate",
            owner=agent_user,
            due_on=today - dt.timedelta(days=1),
        )
        coaching_session_transition(session=held, to="held", by=manager)
        # held three days ago: the agent has it to acknowledge, the manager sees it waiting
        CoachingSession.objects.filter(pk=held.pk).update(held_at=timezone.now() - dt.timedelta(days=3))
        teammate = agent.team.agents.exclude(pk=agent.pk).order_by("acd_login").first()
        if teammate is not None:
            coaching_session_create(
                agent=teammate,
                by=manager,
                focus_behaviours="Handovers to the back office",
                scheduled_for=timezone.now() + dt.timedelta(hours=2),
            )
        answer = (
            QaAnswer.objects.filter(evaluation__interaction__agent=agent, evaluation__status="submitted")
            .exclude(evaluation__reviewer=manager)
            .order_by("-evaluation__evaluated_at", "pk")
            .first()
        )
        if answer is not None:
            dispute_raise(answer=answer, by=agent_user, reason="The customer had already confirmed this earlier.")

    @staticmethod
    def _alert_rules() -> None:
        """Two rules the simulated center (manage.py live_simulate, make run) breaches now and then."""
        if AlertRule.objects.exists():
            return
        admin = User.objects.get(email=LOGINS[0][0])
        alert_rule_create(
            name="Service level", kind=Kind.SERVICE_LEVEL_BELOW, threshold=80, recipients=[admin], created_by=admin
        )
        alert_rule_create(
            name="Long wait", kind=Kind.LONGEST_WAIT_ABOVE, threshold=120, recipients=[admin], created_by=admin
        )

    @staticmethod
    def _report_subscription() -> None:
        """The demo manager's weekly scorecard by email (Settings, Report subscriptions)."""
        if ReportSubscription.objects.exists():
            return
        manager = User.objects.get(email=LOGINS[1][0])
        report_subscription_create(recipient=manager, cadence=Cadence.WEEKLY, scope=Scope.MY_TEAMS, by=manager)

    @staticmethod
    def _logins() -> None:
        users = {}
        for email, password, role in LOGINS:
            user = User.objects.filter(email=email).first() or user_create(
                email=email,
                password=password,
                role=role,
                first_name={"admin": "Ada", "manager": "Mona", "agent": "Alex"}[role],
            )
            users[role] = user
        first_team = Team.objects.order_by("name").first()
        if first_team:
            first_team.managers.add(users[Role.MANAGER])
            agent = Agent.objects.filter(team=first_team, user__isnull=True).order_by("acd_login").first()
            if agent and not hasattr(users[Role.AGENT], "agent"):
                agent.user = users[Role.AGENT]
                agent.save(update_fields=["user"])
