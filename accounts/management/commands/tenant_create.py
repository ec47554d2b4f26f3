import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import tenant_with_admin_create
from tenants.services import TenantExists


class Command(BaseCommand):
    help = "Create a contact center (tenant): its schema, domain and optionally its first admin."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--domain", required=True, help="e.g. acme.localhost")
        parser.add_argument("--name", required=True)
        parser.add_argument("--timezone", default="UTC", help="IANA name, e.g. Europe/Berlin")
        parser.add_argument("--admin-email")
        parser.add_argument("--admin-password")

    def handle(self, *args, **opts):
        if opts["admin_password"] and not opts["admin_email"]:
            raise CommandError("--admin-password needs --admin-email")
        try:
            tenant = tenant_with_admin_create(
                schema=opts["schema"],
                domain=opts["domain"],
                name=opts["name"],
                timezone=opts["timezone"],
                admin_email=opts["admin_email"],
                admin_password=opts["admin_password"],
            )
        except TenantExists as exc:
            self.stderr.write(f"{exc}; nothing changed.")
            sys.exit(1)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created tenant {tenant.name} (schema {tenant.schema_name}) at http://{opts['domain']}:8000/"
        )
