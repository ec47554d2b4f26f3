"""Writes for users, teams, agents and API keys. Views, API, commands and tests call these."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name, schema_context

from audit.actions import Action
from audit.services import audit_record
from common.followups import Event, announce
from tenants.models import Tenant
from tenants.services import tenant_create

from .models import Agent, ApiKey, Role, Team, User

API_KEY_PREFIX = "cw"


def user_create(
    *, email: str, password: str | None, role: str, first_name: str = "", last_name: str = "", language: str = ""
) -> User:
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
        language=language,
        is_staff=False,
        is_superuser=False,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        audit_record(action=Action.USER_CREATE, obj=user, object_label=user.email, after=_user_audited(user))
    return user


def _user_audited(user: User) -> dict:
    return {"email": user.email, "role": user.role, "first_name": user.first_name, "last_name": user.last_name}


def _names(teams) -> list[str]:
    return sorted(team.name for team in teams)


def _emails(users) -> list[str]:
    return sorted(user.email for user in users)


@transaction.atomic
def manager_teams_set(*, manager: User, teams) -> User:
    """Make ``manager`` the manager of exactly ``teams`` (one audit row when that changes)."""
    before = _names(manager.managed_teams.all())
    manager.managed_teams.set(teams)
    after = _names(manager.managed_teams.all())
    if after != before:
        audit_record(
            action=Action.MANAGER_TEAMS_SET,
            obj=manager,
            object_label=manager.email,
            before={"teams": before},
            after={"teams": after},
        )
    return manager


@transaction.atomic
def team_create(*, name: str, managers=()) -> Team:
    team = Team.objects.create(name=name)
    team.managers.set(managers)
    audit_record(action=Action.TEAM_CREATE, obj=team, after={"name": name, "managers": _emails(team.managers.all())})
    return team


@transaction.atomic
def team_update(*, team: Team, name: str, managers) -> Team:
    """Rename a team and set its managers. A rename recomputes the KPI history (_history_moved)."""
    # compared with the stored row: a bound ModelForm has already changed the instance
    stored = Team.objects.get(pk=team.pk)
    before = {"name": stored.name, "managers": _emails(stored.managers.all())}
    team.name = name
    team.full_clean()
    team.save()
    team.managers.set(managers)
    after = {"name": name, "managers": _emails(team.managers.all())}
    if after != before:
        audit_record(action=Action.TEAM_UPDATE, obj=team, before=before, after=after)
    if name != before["name"]:
        _history_moved("team renamed")
    return team


@transaction.atomic
def agent_update(*, agent: Agent, display_name: str, team: Team | None) -> Agent:
    """Name an agent and put her in a team. A move recomputes the KPI history (_history_moved)."""
    stored = Agent.objects.select_related("team").get(pk=agent.pk)
    before = {"display_name": stored.display_name, "team": stored.team.name if stored.team else None}
    agent.display_name = display_name
    agent.team = team
    agent.full_clean()
    agent.save()
    after = {"display_name": display_name, "team": team.name if team else None}
    moved = (team.pk if team else None) != stored.team_id
    if after != before or moved:
        action = Action.AGENT_MOVE if moved else Action.AGENT_UPDATE
        audit_record(action=action, obj=agent, object_label=agent.acd_login, before=before, after=after)
    if moved:
        _history_moved("agent moved")
    return agent


def _history_moved(reason: str) -> None:
    # The KPI history follows (pipeline/followups.py): accounts sits below the KPI engine.
    announce(Event.TEAM_HISTORY_CHANGED, reason=reason)


@transaction.atomic
def agent_invite(*, agent: Agent, email: str, language: str = "") -> User:
    """Give an agent seen in data a login. The user sets a password via the reset email."""
    if agent.user is not None:
        raise ValueError(f"agent {agent.acd_login} already has a login ({agent.user.email})")
    user = user_create(
        email=email,
        password=None,
        role=Role.AGENT,
        first_name=agent.display_name.split(" ")[0] if agent.display_name else "",
        language=language,
    )
    agent.user = user
    agent.save(update_fields=["user"])
    return user


def user_language_set(*, user: User, language: str) -> User:
    """The user's own choice of UI and email language ("" follows the browser). Not audited:
    a personal preference, like a password change."""
    if language and language not in {code for code, _ in settings.LANGUAGES}:
        raise ValueError(f"unknown language {language!r}")
    user.language = language
    user.save(update_fields=["language"])
    return user


class UserLifecycleError(ValueError):
    """A deactivation, role change or team change that would break a rule; the message says which."""


def _last_active_admin(user: User) -> bool:
    return (
        user.role == Role.ADMIN
        and user.is_active
        and not User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()
    )


def _sessions_end(user: User) -> int:
    """Delete the user's sessions in this tenant's schema, so they are logged out at once.

    Sessions are not indexed by user (django.contrib.sessions stores an encoded blob), so the
    live ones are decoded one by one: a contact center has hundreds of them, not millions.
    Django's ModelBackend also refuses an inactive user on the next request, whatever the
    session; deleting them leaves nothing to come back to after a reactivation either."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@transaction.atomic
def user_deactivate(*, user: User, by: User | None = None) -> User:
    """``user_deactivate(user=alice, by=ada)``: alice cannot log in, is logged out everywhere
    now, and the API keys she created stop authenticating (apikey_authenticate). Her data,
    agent record and history stay; user_reactivate undoes all of it but the sessions."""
    if by is not None and by.pk == user.pk:
        raise UserLifecycleError(_("You cannot deactivate yourself; ask another admin."))
    if _last_active_admin(user):
        raise UserLifecycleError(
            _("%(email)s is the last active admin: make someone else admin first.") % {"email": user.email}
        )
    was_active = user.is_active
    if was_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended = _sessions_end(user)
    if was_active:
        audit_record(
            action=Action.USER_DEACTIVATE,
            obj=user,
            object_label=user.email,
            before={"is_active": True},
            after={"is_active": False, "sessions_ended": ended},
        )
    return user


@transaction.atomic
def user_reactivate(*, user: User) -> User:
    """Let a deactivated user log in again (with their old password); their API keys work again."""
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(
            action=Action.USER_REACTIVATE,
            obj=user,
            object_label=user.email,
            before={"is_active": False},
            after={"is_active": True},
        )
    return user


@transaction.atomic
def user_role_change(*, user: User, role: str, by: User | None = None) -> User:
    """``user_role_change(user=mona, role="admin", by=ada)``.

    An agent's Agent record stays linked whatever the new role: it is how the ACD knows her,
    so her contacts, KPI history and QA stay hers, and a move back to "agent" needs nothing.
    Leaving the manager role clears the teams managed: only managers manage teams."""
    if role not in Role.values:
        raise UserLifecycleError(f"unknown role {role!r}; expected one of {', '.join(Role.values)}")
    if role == user.role:
        return user
    if by is not None and by.pk == user.pk:
        raise UserLifecycleError(_("You cannot change your own role; ask another admin."))
    if _last_active_admin(user):
        raise UserLifecycleError(
            _("%(email)s is the last active admin: make someone else admin first.") % {"email": user.email}
        )
    before: dict[str, object] = {"role": user.role}
    if user.role == Role.MANAGER:
        before["teams"] = _names(user.managed_teams.all())
        user.managed_teams.clear()
    user.role = role
    user.save(update_fields=["role"])
    audit_record(action=Action.USER_ROLE_CHANGE, obj=user, object_label=user.email, before=before, after={"role": role})
    return user


def user_teams_set(*, user: User, teams: Iterable[Team]) -> User:
    """A manager's managed teams, or an agent's one team (empty: no team).

    An agent's move goes through agent_update, which asks for the KPI history recompute."""
    teams = list(teams)
    if user.role == Role.MANAGER:
        manager_teams_set(manager=user, teams=teams)  # audited there
    elif user.role == Role.AGENT:
        if len(teams) > 1:
            raise UserLifecycleError(_("An agent works in one team."))
        agent = Agent.objects.filter(user=user).first()
        if agent is None:
            raise UserLifecycleError(
                _("%(email)s has no agent record (ACD login) to put in a team.") % {"email": user.email}
            )
        agent_update(agent=agent, display_name=agent.display_name, team=teams[0] if teams else None)
    elif teams:
        raise UserLifecycleError(_("Admins see every team; they are not assigned to any."))
    return user


def _hash_key(raw_key: str) -> str:
    # Keys carry 256 bits of randomness, so a fast hash is enough: there is nothing to
    # brute-force, unlike a password.
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def apikey_create(*, name: str, created_by: User | None = None) -> tuple[ApiKey, str]:
    """Returns the stored key and the raw secret, which is never stored and shown once."""
    prefix = secrets.token_hex(4)
    raw = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(name=name, prefix=prefix, key_hash=_hash_key(raw), created_by=created_by)
    audit_record(action=Action.APIKEY_CREATE, obj=key, after={"name": name, "prefix": prefix}, actor=created_by)
    return key, raw


@transaction.atomic
def apikey_revoke(*, key: ApiKey, by: User | None = None) -> ApiKey:
    """Revoke a key (once: revoking a revoked key changes and records nothing)."""
    revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    key.refresh_from_db(fields=["revoked_at", "revoked_by"])
    if revoked:
        audit_record(
            action=Action.APIKEY_REVOKE,
            obj=key,
            before={"revoked_at": None},
            after={"revoked_at": key.revoked_at},
            actor=by,
        )
    return key


class ApiKeyCreatorInactive(Exception):
    """The key is right, but the user who created it is deactivated."""


API_KEY_LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def apikey_authenticate(raw_key: str) -> ApiKey | None:
    """The active key of the current tenant matching ``raw_key``, else None.

    Raises ApiKeyCreatorInactive while the key's creator is deactivated. Not revoked: a
    deactivation is undone by a reactivation (leave, an inquiry cleared), and the integrations
    that user set up should then work again without handing out new secrets. An admin who wants
    a key gone for good revokes it (Settings → API keys). Keys made by manage.py have no creator."""
    parts = raw_key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        return None
    key = ApiKey.objects.select_related("created_by").filter(prefix=parts[1], revoked_at__isnull=True).first()
    if key is None or not secrets.compare_digest(key.key_hash, _hash_key(raw_key)):
        return None
    if key.created_by is not None and not key.created_by.is_active:
        # The caller holds the key, not necessarily the right to know who made it: no email.
        raise ApiKeyCreatorInactive(
            "This API key was created by a user who is deactivated: it works again if they are "
            "reactivated. Ask an admin of this contact center for a new key."
        )
    now = timezone.now()
    # Recorded to the minute (the key list shows it so): a busy integration would otherwise
    # write this row on every request, an UPDATE per API call.
    if key.last_used_at is None or now - key.last_used_at >= API_KEY_LAST_USED_GRANULARITY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
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
