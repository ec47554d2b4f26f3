from django.core.management.base import BaseCommand
from django_tenants.utils import tenant_context

from accounts.services import apikey_create
from tenants.commands import tenant_for_schema


class Command(BaseCommand):
    help = "Create an API key for one tenant. The key is printed alone on the last line, once."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--name", required=True)

    def handle(self, *args, **opts):
        tenant = tenant_for_schema(opts["schema"])
        with tenant_context(tenant):
            key, raw = apikey_create(name=opts["name"])
        self.stdout.write(f"API key {key.name!r} for {tenant.name}; store it now, it is not shown again:")
        self.stdout.write(raw)
