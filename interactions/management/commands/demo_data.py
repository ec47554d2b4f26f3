import datetime as dt
import sys
import time

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Agent, Team
from interactions.demo import demo_plan, generate
from interactions.models import InteractionType
from interactions.services import import_rows
from tenants.commands import tenant_for_schema


class Command(BaseCommand):
    help = (
        "Generate realistic demo data (interactions, activity, schedules, survey responses) "
        "for the days up to --end, through the same bulk upserts as real imports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--agents", type=int, default=40)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--end", type=dt.date.fromisoformat, default=None, help="last day (default: today in the tenant's timezone)"
        )
        parser.add_argument("--contacts-per-agent-day", type=float, default=45.0)

    def handle(self, *args, **opts):
        tenant = tenant_for_schema(opts["schema"])
        end = opts["end"] or timezone.now().astimezone(tenant.tz).date()
        start = end - dt.timedelta(days=opts["days"] - 1)
        plan = demo_plan(agents=opts["agents"], seed=opts["seed"])
        began = time.monotonic()
        with tenant_context(tenant):
            self._organise(plan)

            def progress(summary):
                rate = summary.rows / max(time.monotonic() - began, 1e-6)
                sys.stderr.write(f"\r  {summary.rows:,} rows ({rate:,.0f}/s)")

            summary = import_rows(
                generate(
                    plan,
                    start=start,
                    days=opts["days"],
                    tz=tenant.tz,
                    seed=opts["seed"],
                    contacts_per_agent_day=opts["contacts_per_agent_day"],
                ),
                on_batch=progress,
            )
        sys.stderr.write("\n")
        self.stdout.write(
            f"Demo data for {tenant.name}, {start} to {end}: {summary.created:,} created, "
            f"{summary.updated:,} updated, {summary.unchanged:,} unchanged, "
            f"{summary.rejected:,} rejected in {time.monotonic() - began:.1f}s"
        )
        if summary.rejected:
            self.stderr.write(f"first errors: {summary.errors[:5]}")

    @staticmethod
    def _organise(plan) -> None:
        for team_name, logins in plan.teams.items():
            team, _ = Team.objects.get_or_create(name=team_name)
            for login in logins:
                Agent.objects.update_or_create(
                    acd_login=login, defaults={"team": team, "display_name": plan.agent_names.get(login, "")}
                )
        for name, seconds in plan.interaction_types.items():
            InteractionType.objects.update_or_create(name=name, defaults={"expected_handle_seconds": seconds})
