"""Creating, suspending, resuming and deleting contact centers (tenants). The only writes to
the public schema besides the admin."""

from __future__ import annotations

import logging
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.actions import Action
from audit.context import Actor
from audit.services import audit_record, platform_audit_record

from .hosts import tenant_hosts_forget
from .models import Domain, Tenant, validate_timezone
from .template import TEMPLATE_SCHEMA

SCHEMA_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# Django's host validation rejects "_" and then answers 404 without a word: refuse it here.
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


logger = logging.getLogger(__name__)


class TenantExists(Exception):
    pass


def tenant_create(*, schema: str, domain: str, name: str, timezone: str = "UTC") -> Tenant:
    """``tenant_create(schema="acme", domain="acme.localhost", name="Acme", timezone="UTC")``.

    Creates the schema: a copy of the template schema when it is current (tenants/template.py),
    else by running every tenant migration. Its first admin is a user, made one
    layer up: accounts.services.tenant_with_admin_create.
    """
    if not SCHEMA_RE.match(schema) or schema in ("public", TEMPLATE_SCHEMA) or schema.startswith("pg_"):
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
    tenant.save(verbosity=0)  # creates the schema: a copy of the template, or every migration
    with transaction.atomic():
        Domain.objects.create(domain=domain, tenant=tenant, is_primary=True)
    return tenant


def tenant_suspend(*, tenant: Tenant, reason: str) -> Tenant:
    """``tenant_suspend(tenant=acme, reason="invoice overdue")``: stop the contact center, keep its data.

    While suspended (``is_active`` False), TenantSuspensionMiddleware answers its pages, API
    and survey links; imports raise TenantSuspended; its tasks are refused by the task guard
    (tenants/task_guard.py) and the beat dispatchers skip it. Suspending twice keeps the first
    time and updates the reason."""
    if tenant.schema_name == "public":
        raise ValidationError("the public schema is the platform itself, not a contact center")
    reason = reason.strip()
    if not reason:
        raise ValidationError("say why the contact center is suspended (it is shown to platform staff)")
    before = _state(tenant)
    tenant.is_active = False
    tenant.suspended_at = tenant.suspended_at or timezone.now()
    tenant.suspended_reason = reason[:500]
    with transaction.atomic():
        _state_save(tenant)
        _state_audit(tenant, Action.TENANT_SUSPEND, before)
    logger.warning("tenant %s suspended: %s", tenant.schema_name, tenant.suspended_reason)
    return tenant


def tenant_resume(*, tenant: Tenant) -> Tenant:
    """Undo tenant_suspend: everything answers and runs again, with all the data it had."""
    before = _state(tenant)
    tenant.is_active = True
    tenant.suspended_at = None
    tenant.suspended_reason = ""
    with transaction.atomic():
        _state_save(tenant)
        _state_audit(tenant, Action.TENANT_RESUME, before)
    logger.warning("tenant %s resumed", tenant.schema_name)
    return tenant


def _state(tenant: Tenant) -> dict:
    suspended_at = tenant.suspended_at.isoformat() if tenant.suspended_at else None
    return {"is_active": tenant.is_active, "suspended_at": suspended_at, "reason": tenant.suspended_reason}


def _state_audit(tenant: Tenant, action: str, before: dict) -> None:
    """One row in the platform's log and one in the center's own: its admins see why it stopped."""
    fields = {"action": action, "obj": tenant, "object_label": tenant.schema_name, "before": before}
    platform_audit_record(**fields, after=_state(tenant))
    audit_record(schema=tenant.schema_name, **fields, after=_state(tenant))


def _state_save(tenant: Tenant) -> None:
    # An UPDATE rather than tenant.save(): TenantMixin.save refuses to run while the connection
    # is on another tenant's schema, and these calls come from any schema (a command, a task).
    Tenant.objects.filter(pk=tenant.pk).update(
        is_active=tenant.is_active, suspended_at=tenant.suspended_at, suspended_reason=tenant.suspended_reason
    )
    tenant_hosts_forget(tenant_id=tenant.pk)  # an UPDATE sends no post_save


class TenantStillActive(Exception):
    pass


def tenant_delete(*, tenant: Tenant, actor: str) -> None:
    """Drop a suspended contact center and its schema with every row in it, for good.

    ``actor`` says who asked (e.g. "manage.py tenant_delete by root"). Only a suspended tenant
    can be deleted: suspending first is the undoable step that shows who depended on it.
    Written to the platform's audit log (and logged at WARNING)."""
    if tenant.schema_name == "public":
        raise ValidationError("the public schema cannot be deleted")
    if tenant.is_active:
        raise TenantStillActive(f"tenant {tenant.schema_name!r} is active: suspend it before deleting it")
    schema, name = tenant.schema_name, tenant.name
    with transaction.atomic():
        platform_audit_record(
            action=Action.TENANT_DELETE,
            obj=tenant,
            object_label=schema,
            before={"name": name, "schema": schema, "suspended_reason": tenant.suspended_reason},
            actor=Actor(None, actor[:254]),
        )
        tenant_drop(tenant=tenant)
    logger.warning("tenant %s (%s) deleted with its schema by %s", schema, name, actor)


def tenant_drop(*, tenant: Tenant) -> None:
    """Removes a tenant and its schema with all its data (tests and explicit deletes only)."""
    tenant.delete(force_drop=True)
