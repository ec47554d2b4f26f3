from django.core.management.base import BaseCommand

from tenants.commands import tenant_for_schema
from tenants.services import tenant_resume


class Command(BaseCommand):
    help = "Resume a suspended contact center: everything works again, with all its data."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)

    def handle(self, *args, **opts):
        tenant = tenant_for_schema(opts["schema"])
        was_active = tenant.is_active
        tenant_resume(tenant=tenant)
        state = "was not suspended" if was_active else "is active again"
        self.stdout.write(f"{tenant.name} ({tenant.schema_name}) {state}.")
