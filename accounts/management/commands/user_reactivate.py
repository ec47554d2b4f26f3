from django.core.management.base import BaseCommand
from django_tenants.utils import tenant_context

from accounts.services import user_reactivate
from tenants.commands import tenant_for_schema

from ._user_lifecycle import user_for_email


class Command(BaseCommand):
    help = "Reactivate a deactivated user of one tenant: they can log in again and their API keys work."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--email", required=True)

    def handle(self, *args, **opts):
        tenant = tenant_for_schema(opts["schema"])
        with tenant_context(tenant):
            user = user_for_email(opts["email"], tenant.schema_name)
            user_reactivate(user=user)
        self.stdout.write(f"{user.email} of {tenant.name} is active.")
