"""Tenancy helpers for code that runs outside a request (tasks, commands, tests)."""

from __future__ import annotations

from django.db import connection


def current_tenant():
    """The Tenant of the connection's schema.

    A request (TenantMainMiddleware) and tenant-schemas-celery set the real Tenant, but
    ``schema_context`` sets a FakeTenant without the contact center's settings: load it.
    """
    from tenants.models import Tenant

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Tenant):
        return tenant
    return Tenant.objects.get(schema_name=connection.schema_name)
