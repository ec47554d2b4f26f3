import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from coaching.digest import last_complete_week
from coaching.digest_send import digest_send_week
from common.periods import week_start
from tenants.commands import tenant_for_schema


def _monday(value: str) -> dt.date:
    day = dt.date.fromisoformat(value)
    if week_start(day) != day:
        raise CommandError(f"--week {value} is not a Monday (weeks start on Monday).")
    return day


class Command(BaseCommand):
    help = "Send a tenant's weekly coaching digests now (the same code as the Celery task)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument(
            "--week", default=None, help="Monday of the week, e.g. 2026-03-09 (default: the last complete week)"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print what would be sent (recipients, subjects); claim and send nothing",
        )

    def handle(self, *args, **opts):
        tenant = tenant_for_schema(opts["schema"])
        week = _monday(opts["week"]) if opts["week"] else last_complete_week(tenant)
        with tenant_context(tenant):
            summary = digest_send_week(week_start=week, dry_run=opts["dry_run"])
        # stdout is the JSON summary alone, for scripts; which week it was goes to stderr
        self.stderr.write(f"{tenant.schema_name}: digests of the week of {week.isoformat()}")
        self.stdout.write(json.dumps(summary))
