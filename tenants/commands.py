"""Helpers for management commands that act on one tenant (``--schema S``)."""

from django.core.management.base import CommandError

from .models import Tenant


def tenant_for_schema(schema: str) -> Tenant:
    try:
        return Tenant.objects.get(schema_name=schema)
    except Tenant.DoesNotExist:
        known = ", ".join(Tenant.objects.exclude(schema_name="public").values_list("schema_name", flat=True)) or "none"
        raise CommandError(f"no tenant with schema {schema!r} (known: {known})") from None
