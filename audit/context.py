"""Who is acting, and in which request, for audit_record: set once per request (middleware)
or around a command or task (``acting_as``), read wherever a change is recorded, so no
service has to pass the actor and the request id down to every write.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django_tenants.utils import get_public_schema_name


@dataclass(frozen=True)
class Actor:
    id: int | None
    label: str


SYSTEM = Actor(None, "system")
ANONYMOUS = Actor(None, "anonymous")


@dataclass(frozen=True)
class _Scope:
    request: Any = None  # the HttpRequest: its user is read when a change is recorded
    request_id: str = ""
    actor: Actor | None = None  # set explicitly: a command, a task


_NO_SCOPE = _Scope()  # outside any request or acting_as: "system", no request id
_scope: ContextVar[_Scope | None] = ContextVar("audit_scope", default=None)


def _current() -> _Scope:
    return _scope.get() or _NO_SCOPE


# What a proxy may pass as X-Request-ID: short, printable, nothing to inject into logs or CSV.
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def request_id_from(header: str | None) -> str:
    """The proxy's request id when well-formed, else a new uuid4."""
    if header and _REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def actor_of(user: Any, *, platform: bool = False) -> Actor:
    """Duck-typed (audit sits below accounts): a User, an API-key principal, an Actor, None."""
    if isinstance(user, Actor):
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS if user is not None else SYSTEM
    if getattr(user, "api_key", None) is not None:  # accounts.authentication.ApiKeyPrincipal
        return Actor(None, f"apikey:{user.api_key.name}")
    name = getattr(user, "email", "") or getattr(user, "username", "") or str(user)
    if platform:
        return Actor(user.pk, f"platform:{getattr(user, 'username', '') or name}")
    return Actor(user.pk, name)


def current_actor() -> Actor:
    scope = _current()
    if scope.actor is not None:
        return scope.actor
    if scope.request is not None:
        # request.tenant is set by TenantMainMiddleware; the public site is the platform's
        tenant = getattr(scope.request, "tenant", None)
        platform = getattr(tenant, "schema_name", None) == get_public_schema_name()
        return actor_of(getattr(scope.request, "user", None), platform=platform)
    return SYSTEM


def current_request_id() -> str:
    return _current().request_id


@contextmanager
def request_scope(request, request_id: str) -> Iterator[None]:
    token = _scope.set(_Scope(request=request, request_id=request_id))
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def acting_as(actor: Any, *, request_id: str | None = None) -> Iterator[None]:
    """Record the changes made inside as ``actor`` (a user, an Actor, or None for "system"):
    ``with acting_as(SYSTEM): ...`` in a task, ``with acting_as(ada): ...`` in a test."""
    outer = _current()
    resolved = actor if isinstance(actor, Actor) else actor_of(actor)
    token = _scope.set(
        _Scope(
            request=outer.request,
            request_id=outer.request_id if request_id is None else request_id,
            actor=resolved,
        )
    )
    try:
        yield
    finally:
        _scope.reset(token)
