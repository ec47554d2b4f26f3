from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.commands import tenant_for_schema
from tenants.services import tenant_suspend


class Command(BaseCommand):
    help = (
        "Suspend a contact center: its pages, API keys, survey links, imports and tasks are refused "
        "until tenant_resume. Nothing is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--reason", default="suspended by platform staff (manage.py tenant_suspend)")

    def handle(self, *args, **opts):
        tenant = tenant_for_schema(opts["schema"])
        try:
            tenant_suspend(tenant=tenant, reason=opts["reason"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"{tenant.name} ({tenant.schema_name}) is suspended: {tenant.suspended_reason}")
