from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from accounts.services import UserLifecycleError, user_deactivate
from tenants.commands import tenant_for_schema

from ._user_lifecycle import user_for_email


class Command(BaseCommand):
    help = "Deactivate a user of one tenant: logged out at once, no login, their API keys stop. Reversible."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--email", required=True)

    def handle(self, *args, **opts):
        tenant = tenant_for_schema(opts["schema"])
        with tenant_context(tenant):
            user = user_for_email(opts["email"], tenant.schema_name)
            try:
                user_deactivate(user=user)
            except UserLifecycleError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(f"{user.email} of {tenant.name} is deactivated.")
