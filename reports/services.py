"""Writes of report subscriptions, audited in the same transaction.

``report_subscription_create(recipient=mona, cadence="week", scope="teams", by=mona)``
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Role, Team, User
from audit.actions import Action
from audit.services import audit_record

from .models import Cadence, ReportSubscription, Scope

# Which scopes a recipient of each role may get: a manager's report covers only her teams
# (snapshots_visible_to would hide the rest anyway); the whole center is an admin's view.
SCOPES_BY_ROLE = {Role.MANAGER: (Scope.MY_TEAMS, Scope.TEAM), Role.ADMIN: (Scope.CENTER, Scope.TEAM)}


def _audit_fields(subscription: ReportSubscription) -> dict:
    return {
        "recipient": subscription.recipient.email,
        "cadence": subscription.cadence,
        "scope": subscription.scope,
        "team": subscription.team.name if subscription.team else None,
    }


def _check(*, recipient: User, cadence: str, scope: str, team: Team | None, by: User) -> None:
    if by.role == Role.MANAGER and recipient.pk != by.pk:
        raise PermissionDenied(_("Managers can subscribe only themselves."))
    if by.role not in (Role.ADMIN, Role.MANAGER):
        raise PermissionDenied(_("Only admins and managers can subscribe to reports."))
    if not recipient.is_active or recipient.role not in SCOPES_BY_ROLE:
        raise ValidationError({"recipient": _("Reports go to active managers and admins only.")})
    if cadence not in Cadence.values:
        raise ValidationError({"cadence": _("Choose weekly or monthly.")})
    if scope not in SCOPES_BY_ROLE[Role(recipient.role)]:
        raise ValidationError({"scope": _("This report is not available to this person's role.")})
    if (scope == Scope.TEAM) != (team is not None):
        raise ValidationError({"team": _("Choose a team for a one-team report, and only then.")})
    if team is not None and recipient.role == Role.MANAGER and not recipient.managed_teams.filter(pk=team.pk).exists():
        raise ValidationError({"team": _("A manager's report covers only teams they manage.")})


@transaction.atomic
def report_subscription_create(
    *, recipient: User, cadence: str, scope: str, team: Team | None = None, by: User
) -> ReportSubscription:
    """Subscribe ``recipient`` (``by`` themself, or anyone when ``by`` is an admin)."""
    _check(recipient=recipient, cadence=cadence, scope=scope, team=team, by=by)
    try:
        with transaction.atomic():
            subscription = ReportSubscription.objects.create(
                recipient=recipient, cadence=cadence, scope=scope, team=team, created_by=by
            )
    except IntegrityError:
        raise ValidationError(_("This subscription exists already.")) from None
    audit_record(
        action=Action.REPORT_SUBSCRIPTION_CREATE, obj=subscription, after=_audit_fields(subscription), actor=by
    )
    return subscription


@transaction.atomic
def report_subscription_delete(*, subscription: ReportSubscription, by: User) -> None:
    """Unsubscribe: reports of periods not yet sent are not sent. Callers pass a subscription
    read through subscriptions_visible_to(fetched_by=by)."""
    if by.role != Role.ADMIN and subscription.recipient_id != by.pk:
        raise PermissionDenied(_("Managers can remove only their own subscriptions."))
    before = _audit_fields(subscription)
    label = str(subscription)
    pk = subscription.pk
    subscription.delete()
    audit_record(
        action=Action.REPORT_SUBSCRIPTION_DELETE,
        object_type="reports.reportsubscription",
        object_id=pk,
        object_label=label,
        before=before,
        actor=by,
    )
