"""Writes for users, teams, agents and API keys. Views, API, commands and tests call these."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name, schema_context

from common.followups import Event, announce
from tenants.models import Tenant
from tenants.services import tenant_create

from .models import Agent, ApiKey, Role, Team, User

API_KEY_PREFIX = "cw"


def user_create(*, email: str, password: str | None, role: str, first_name: str = "", last_name: str = "") -> User:
    """``user_create(email="ana@example.com", password=None, role="manager")``.

    With no password the user cannot log in until they set one through the reset email.
    """
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(Role.values)}")
    user = User(
        username=email.lower(),
        email=email.lower(),
        role=role,
        first_name=first_name,
        last_name=last_name,
        is_staff=False,
        is_superuser=False,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def team_create(*, name: str, managers=()) -> Team:
    team = Team.objects.create(name=name)
    team.managers.set(managers)
    return team


def team_update(*, team: Team, name: str, managers) -> Team:
    """Rename a team and set its managers. A rename recomputes the KPI history (_history_moved)."""
    # compared with the stored row: a bound ModelForm has already changed the instance
    renamed = name != Team.objects.values_list("name", flat=True).get(pk=team.pk)
    team.name = name
    team.full_clean()
    team.save()
    team.managers.set(managers)
    if renamed:
        _history_moved("team renamed")
    return team


def agent_update(*, agent: Agent, display_name: str, team: Team | None) -> Agent:
    """Name an agent and put her in a team. A move recomputes the KPI history (_history_moved)."""
    moved = (team.pk if team else None) != Agent.objects.values_list("team_id", flat=True).get(pk=agent.pk)
    agent.display_name = display_name
    agent.team = team
    agent.full_clean()
    agent.save()
    if moved:
        _history_moved("agent moved")
    return agent


def _history_moved(reason: str) -> None:
    # The KPI history follows (pipeline/followups.py): accounts sits below the KPI engine.
    announce(Event.TEAM_HISTORY_CHANGED, reason=reason)


@transaction.atomic
def agent_invite(*, agent: Agent, email: str) -> User:
    """Give an agent seen in data a login. The user sets a password via the reset email."""
    if agent.user is not None:
        raise ValueError(f"agent {agent.acd_login} already has a login ({agent.user.email})")
    user = user_create(
        email=email,
        password=None,
        role=Role.AGENT,
        first_name=agent.display_name.split(" ")[0] if agent.display_name else "",
    )
    agent.user = user
    agent.save(update_fields=["user"])
    return user


def _hash_key(raw_key: str) -> str:
    # Keys carry 256 bits of randomness, so a fast hash is enough: there is nothing to
    # brute-force, unlike a password.
    return hashlib.sha256(raw_key.encode()).hexdigest()


def apikey_create(*, name: str, created_by: User | None = None) -> tuple[ApiKey, str]:
    """Returns the stored key and the raw secret, which is never stored and shown once."""
    prefix = secrets.token_hex(4)
    raw = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(name=name, prefix=prefix, key_hash=_hash_key(raw), created_by=created_by)
    return key, raw


def apikey_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def apikey_authenticate(raw_key: str) -> ApiKey | None:
    """The active key of the current tenant matching ``raw_key``, else None."""
    parts = raw_key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        return None
    key = ApiKey.objects.filter(prefix=parts[1], revoked_at__isnull=True).first()
    if key is None or not secrets.compare_digest(key.key_hash, _hash_key(raw_key)):
        return None
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


def tenant_with_admin_create(
    *,
    schema: str,
    domain: str,
    name: str,
    timezone: str = "UTC",
    admin_email: str | None = None,
    admin_password: str | None = None,
) -> Tenant:
    """A new contact center (tenants.services.tenant_create) and, optionally, its first admin."""
    tenant = tenant_create(schema=schema, domain=domain, name=name, timezone=timezone)
    if admin_email:
        with schema_context(schema):
            user_create(email=admin_email, password=admin_password, role=Role.ADMIN)
    return tenant


def platform_staff_create(*, username: str, email: str, password: str) -> tuple[User, str]:
    """A superuser of the platform admin (public schema) with a TOTP device; returns the user
    and the device's otpauth:// URI, to be shown once and added to an authenticator app.

    ``platform_staff_create(username="ops", email="ops@example.com", password="...")``
    """
    from django.contrib.auth.password_validation import validate_password

    with schema_context(get_public_schema_name()), transaction.atomic():
        user = User(username=username, email=email.lower(), is_staff=True, is_superuser=True)
        validate_password(password, user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        return user, _totp_device_create(user=user)


def platform_staff_totp_reset(*, username: str) -> str:
    """Replace a platform staff member's TOTP devices (a lost phone); returns the new URI."""
    with schema_context(get_public_schema_name()), transaction.atomic():
        user = User.objects.get(username=username, is_staff=True)
        TOTPDevice.objects.filter(user=user).delete()
        return _totp_device_create(user=user)


def _totp_device_create(*, user: User) -> str:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device.config_url
