import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.commands import tenant_for_schema
from tenants.services import TenantStillActive, tenant_delete


class Command(BaseCommand):
    help = (
        "Delete a suspended contact center and DROP its schema with all its data, for good. "
        "Type the schema name twice: --schema S --confirm S."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--confirm", required=True, help="the schema name again, to confirm")

    def handle(self, *args, **opts):
        schema = opts["schema"]
        if opts["confirm"] != schema:
            raise CommandError(f"--confirm must repeat the schema name exactly ({schema!r}); nothing was deleted")
        tenant = tenant_for_schema(schema)
        try:
            tenant_delete(tenant=tenant, actor=f"manage.py tenant_delete by {getpass.getuser()}")
        except (TenantStillActive, ValidationError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(f"{message}; nothing was deleted") from None
        self.stdout.write(f"{tenant.name} ({schema}) and its schema were deleted.")
