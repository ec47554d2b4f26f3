import datetime as dt
import json

from django.core.management.base import BaseCommand
from django_tenants.utils import tenant_context

from scorecards.engine import recompute
from tenants.commands import tenant_for_schema


class Command(BaseCommand):
    help = "Recompute a tenant's KPI snapshots now (the same code as the Celery task)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument(
            "--since",
            type=dt.date.fromisoformat,
            default=None,
            help="first local date to recompute (default: all data)",
        )
        parser.add_argument("--until", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, **opts):
        tenant = tenant_for_schema(opts["schema"])
        with tenant_context(tenant):
            written = recompute(since=opts["since"], until=opts["until"], reason="manual")
        self.stdout.write(json.dumps({"schema": tenant.schema_name, "snapshots": written}))
