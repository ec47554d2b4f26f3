"""Writing to the audit log. Every audited change calls ``audit_record`` in the transaction
of the change itself, so a change rolled back leaves no row, and a row means it happened.

    audit_record(action=Action.TEAM_UPDATE, obj=team, before={"name": "North"}, after={"name": "Nord"})

The actor and request id come from audit.context (the request, or ``acting_as`` in commands
and tasks; "system" otherwise) unless ``actor`` is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from .actions import Action
from .context import Actor, actor_of, current_actor, current_request_id
from .models import AuditEvent


def _object_type(obj: Any) -> str:
    return obj._meta.label_lower if hasattr(obj, "_meta") else type(obj).__name__.lower()


def audit_event(
    *,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    object_label: str = "",
    before: Any = None,
    after: Any = None,
    actor: Any = None,
) -> AuditEvent:
    """An unsaved event, filled in from the context (see audit_record)."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}: add it to audit.actions.Action")
    who = current_actor() if actor is None else actor if isinstance(actor, Actor) else actor_of(actor)
    if obj is not None:
        object_type = object_type or _object_type(obj)
        object_id = object_id or getattr(obj, "pk", "")
        object_label = object_label or str(obj)
    return AuditEvent(
        actor_id=who.id,
        actor_label=who.label[:254],
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        object_label=object_label[:255],
        before=before,
        after=after,
        request_id=current_request_id(),
    )


def audit_record(*, schema: str | None = None, **fields: Any) -> AuditEvent:
    """Append one row to the log of the connection's schema (or of ``schema``)."""
    event = audit_event(**fields)
    with _on_schema(schema):
        event.save(force_insert=True)
    return event


def audit_record_many(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Append events made with audit_event in one statement (an import's overwrites)."""
    return AuditEvent.objects.bulk_create(list(events))


def platform_audit_record(**fields: Any) -> AuditEvent:
    """Append to the platform's log (the public schema): suspending or deleting a tenant."""
    return audit_record(schema=get_public_schema_name(), **fields)


def _on_schema(schema: str | None):
    if schema is None or schema == getattr(connection, "schema_name", None):
        return nullcontext()
    return schema_context(schema)
