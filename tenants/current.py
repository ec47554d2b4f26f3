"""The tenant of the database connection: the one way to read a contact center's settings.

A request (TenantMainMiddleware) and tenant-schemas-celery put the real Tenant on the
connection; ``schema_context`` (commands, tests) puts a FakeTenant without the contact
center's settings. Code that needs a setting (timezone, min_sample, ...) asks
``current_tenant()`` whatever ran it, and gets the real row or an error: a default such as
"UTC" or 30 would give a task or command wrong numbers without a word.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django_tenants.utils import get_public_schema_name

from .models import Tenant

# django-tenants adds schema_name and tenant to the connection; Django's stubs know neither.
_tenant_connection: Any = connection


class NoTenantError(RuntimeError):
    """Tenant settings were asked for outside a tenant: on the public schema, or on a schema
    that no Tenant row describes."""


def current_schema_name() -> str:
    """The schema the connection is on: a tenant's, or the public one outside any tenant."""
    schema: str = _tenant_connection.schema_name
    return schema


def current_tenant() -> Tenant:
    """The Tenant whose schema the connection is on, with its settings.

    Raises NoTenantError on the public schema (run the code inside ``schema_context`` or
    ``tenant_context``) or when no Tenant row has the connection's schema."""
    schema = current_schema_name()
    if schema == get_public_schema_name():
        raise NoTenantError(
            "no tenant: the connection is on the public schema "
            "(tenant settings are read inside schema_context or tenant_context)"
        )
    tenant = getattr(_tenant_connection, "tenant", None)
    if isinstance(tenant, Tenant):
        return tenant
    try:
        return Tenant.objects.get(schema_name=schema)
    except Tenant.DoesNotExist:
        raise NoTenantError(f"no tenant: no Tenant row has the connection's schema {schema!r}") from None


class TenantSuspended(RuntimeError):
    """The contact center is suspended (tenants.services.tenant_suspend): nothing of it runs."""


def ensure_tenant_active() -> None:
    """Refuse work (an import, a task) for a suspended tenant; its data stays as it is.

    Read from the database, not from the connection's Tenant: a worker may hold a row that was
    loaded before the tenant was suspended."""
    schema = current_schema_name()
    if schema == get_public_schema_name():
        return
    if not Tenant.objects.filter(schema_name=schema, is_active=True).exists():
        raise TenantSuspended(f"the contact center {schema!r} is suspended: nothing of it runs until it is resumed")
