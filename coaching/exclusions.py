"""Context exclusions: contacts a manager leaves out of the KPIs (an outage, an abusive
caller), with a reason. Both acts are audited on the row (created_*, removed_*): removing
an exclusion keeps it. Every change asks the worker to recompute the KPIs around the
contact's local day once the transaction commits; the engine reads active exclusions.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import agents_visible_to
from audit.actions import Action
from audit.services import audit_record
from interactions.models import Interaction, Outcome
from scorecards.services import kpi_recompute_enqueue
from tenants.current import current_tenant

from .models import InteractionExclusion


def interactions_excludable_by(*, fetched_by) -> QuerySet[Interaction]:
    """The contacts a user may look up to leave out: admins every contact; managers their
    teams' agents' contacts, and the unanswered contacts no agent took (they belong to no team),
    which only an admin may actually leave out (exclusion_add says so). Others: none."""
    role = getattr(fetched_by, "role", None)
    if role == Role.ADMIN:
        return Interaction.objects.all()
    if role == Role.MANAGER:
        return Interaction.objects.filter(
            Q(agent__in=agents_visible_to(fetched_by=fetched_by))
            | (Q(agent__isnull=True) & ~Q(outcome=Outcome.ANSWERED))
        )
    return Interaction.objects.none()


def exclusions_visible_to(*, fetched_by) -> QuerySet[InteractionExclusion]:
    """The audit: active and removed exclusions of the contacts the user may exclude."""
    return InteractionExclusion.objects.filter(
        interaction__in=interactions_excludable_by(fetched_by=fetched_by)
    ).select_related("interaction", "interaction__agent", "created_by", "removed_by")


def _recompute_around(interaction: Interaction) -> None:
    # The contact's local day, widened by the repeat window as imports are: leaving a
    # contact out can make a neighbour of the same customer a repeat, or no longer one.
    tenant = current_tenant()
    day = timezone.localtime(interaction.offered_at, tenant.tz).date()
    window = dt.timedelta(days=tenant.repeat_window_days)
    kpi_recompute_enqueue(since=day - window, until=day + window, reason="exclusion")


def _require_may_exclude(by, interaction: Interaction) -> None:
    """A manager changes only her teams' numbers. A contact no agent took (an abandoned call)
    counts for no team but moves the whole center's service level and abandonment, and a
    contact of another team moves that team's: both need an admin."""
    role = getattr(by, "role", None)
    if role == Role.ADMIN:
        return
    if role == Role.MANAGER:
        if interaction.agent_id is None:
            raise ValidationError(
                _(
                    "%(id)s was taken by no agent: leaving it out changes the whole center's "
                    "service level and abandonment, so only an admin can."
                )
                % {"id": interaction.external_id}
            )
        if agents_visible_to(fetched_by=by).filter(pk=interaction.agent_id).exists():
            return
    raise ValidationError(
        _("%(id)s is not a contact of your teams: only an admin can leave it out.") % {"id": interaction.external_id}
    )


def exclusion_add(*, interaction: Interaction, reason: str, note: str = "", by) -> InteractionExclusion:
    """Leave a contact out of the KPIs: ``exclusion_add(interaction=i, reason="outage", by=mona)``.

    Raises ValidationError when the contact is already left out, or not the user's to leave out."""
    _require_may_exclude(by, interaction)
    try:
        with transaction.atomic():
            exclusion = InteractionExclusion.objects.create(
                interaction=interaction, reason=reason, note=note.strip(), created_by=by
            )
            audit_record(
                action=Action.EXCLUSION_CREATE,
                obj=exclusion,
                object_label=interaction.external_id,
                after={"interaction": interaction.external_id, "reason": reason, "note": exclusion.note},
                actor=by,
            )
            _recompute_around(interaction)
    except IntegrityError as error:  # one_active_exclusion_per_interaction
        raise ValidationError(_("%(id)s is already left out of the KPIs.") % {"id": interaction.external_id}) from error
    return exclusion


def exclusion_remove(*, exclusion: InteractionExclusion, by) -> InteractionExclusion:
    """Count the contact again; the row stays, with who removed it and when."""
    _require_may_exclude(by, exclusion.interaction)
    with transaction.atomic():
        updated = InteractionExclusion.objects.filter(pk=exclusion.pk, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_by=by
        )
        if not updated:
            raise ValidationError(_("This exclusion was already removed."))
        exclusion.refresh_from_db()
        audit_record(
            action=Action.EXCLUSION_REMOVE,
            obj=exclusion,
            object_label=exclusion.interaction.external_id,
            before={"interaction": exclusion.interaction.external_id, "reason": exclusion.reason, "removed": False},
            after={"interaction": exclusion.interaction.external_id, "reason": exclusion.reason, "removed": True},
            actor=by,
        )
        _recompute_around(exclusion.interaction)
    return exclusion
