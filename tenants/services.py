"""Creating contact centers (tenants). The only writes to the public schema besides the admin."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Domain, Tenant, validate_timezone

SCHEMA_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# Django's host validation rejects "_" and then answers 404 without a word: refuse it here.
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


class TenantExists(Exception):
    pass


def tenant_create(*, schema: str, domain: str, name: str, timezone: str = "UTC") -> Tenant:
    """``tenant_create(schema="acme", domain="acme.localhost", name="Acme", timezone="UTC")``.

    Creates the schema (with every tenant migration). Its first admin is a user, made one
    layer up: accounts.services.tenant_with_admin_create.
    """
    if not SCHEMA_RE.match(schema) or schema == "public" or schema.startswith("pg_"):
        raise ValidationError(f"schema {schema!r}: use lowercase letters, digits and _, starting with a letter")
    domain = domain.lower()
    if not DOMAIN_RE.match(domain):
        raise ValidationError(f"domain {domain!r} is not a valid host name (letters, digits, '-' and '.' only; no '_')")
    validate_timezone(timezone)
    if Tenant.objects.filter(schema_name=schema).exists():
        raise TenantExists(f"tenant with schema {schema!r} already exists")
    if Domain.objects.filter(domain=domain).exists():
        raise TenantExists(f"domain {domain!r} already belongs to another tenant")

    tenant = Tenant(schema_name=schema, name=name, timezone=timezone)
    tenant.save(verbosity=0)  # creates the schema and runs the tenant migrations
    with transaction.atomic():
        Domain.objects.create(domain=domain, tenant=tenant, is_primary=True)
    return tenant


def tenant_drop(*, tenant: Tenant) -> None:
    """Removes a tenant and its schema with all its data (tests and explicit deletes only)."""
    tenant.delete(force_drop=True)
