import csv
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from scorecards.catalogue import KPIS, PERIODS
from scorecards.models import Scope
from scorecards.selectors import REPORT_FIELDS, kpi_report, report_row
from tenants.commands import tenant_for_schema

# The command is run by the tenant's operators: it reads like an admin.
OPERATOR = type("Operator", (), {"role": "admin", "is_authenticated": True})()


class Command(BaseCommand):
    help = "Print KPI snapshots of every period overlapping --start..--end, as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--scope", required=True, choices=Scope.values)
        parser.add_argument("--period", required=True, choices=PERIODS)
        parser.add_argument("--start", required=True, type=dt.date.fromisoformat)
        parser.add_argument("--end", required=True, type=dt.date.fromisoformat)
        parser.add_argument("--kpi", default="", help="comma-separated KPI codes (default: all)")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **opts):
        kpis = [k.strip() for k in opts["kpi"].split(",") if k.strip()]
        unknown = [k for k in kpis if k not in KPIS]
        if unknown:
            raise CommandError(f"unknown KPI(s) {', '.join(unknown)}; known: {', '.join(KPIS)}")
        if opts["end"] < opts["start"]:
            raise CommandError("--end is before --start")
        tenant = tenant_for_schema(opts["schema"])
        with tenant_context(tenant):
            rows = [
                report_row(s)
                for s in kpi_report(
                    fetched_by=OPERATOR,
                    scope=opts["scope"],
                    period=opts["period"],
                    start=opts["start"],
                    end=opts["end"],
                    kpis=kpis or None,
                ).iterator()
            ]
        if opts["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=1))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=REPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
