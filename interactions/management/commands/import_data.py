import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from common.uploads import UploadTooLarge
from interactions.ingestion import PARSERS
from interactions.models import ImportRun
from interactions.services import import_run_create, import_run_execute
from tenants.commands import tenant_for_schema
from tenants.current import TenantSuspended


class Command(BaseCommand):
    help = (
        "Import one file into a tenant and print the JSON summary. Exits 0 even when rows "
        "were rejected; non-zero only when the file cannot be read at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--kind", required=True, choices=sorted(PARSERS))
        parser.add_argument("file")
        parser.add_argument(
            "--no-recompute", action="store_true", help="leave the KPIs to the nightly recompute (bulk back-fills)"
        )

    def handle(self, *args, **opts):
        tenant = tenant_for_schema(opts["schema"])
        path = Path(opts["file"])
        try:
            stream = path.open("rb")
        except OSError as exc:
            self.stderr.write(f"cannot open {path}: {exc.strerror}")
            sys.exit(2)
        with stream, tenant_context(tenant):
            try:
                run = import_run_create(
                    kind=opts["kind"],
                    file_name=path.name,
                    file_size=path.stat().st_size,
                    created_by_label="cli",
                    source="cli",
                )
                # The KPIs of the periods the file changed are recomputed before the command
                # returns, so a report run right after it sees the new data.
                run = import_run_execute(run=run, stream=stream, recompute="none" if opts["no_recompute"] else "sync")
            except (TenantSuspended, UploadTooLarge) as exc:
                raise CommandError(str(exc)) from None
        if run.status == ImportRun.Status.FAILED:
            self.stderr.write(f"{path}: {run.error_message}")
            sys.exit(1)
        self.stdout.write(json.dumps(run.summary, indent=2))
