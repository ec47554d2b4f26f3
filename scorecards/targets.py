"""KPI targets (bands per KPI and scope, from a date, with their history) and the tenant's
KPI settings (every change audited): the services and reads behind the admins' pages.

``target_set(kpi="fcr", green=80, amber=70, effective_from=date(2026, 3, 2), by=ada)``
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, Field, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agent, Team, User
from audit.actions import Action
from audit.services import audit_record
from common.periods import week_start
from interactions.models import InteractionType, Queue
from tenants.current import current_tenant
from tenants.hosts import tenant_hosts_forget
from tenants.models import Tenant

from .catalogue import KPIS, Kpi
from .models import Direction, KpiSnapshot, SettingChange, Target, TargetChange
from .page_cache import scorecard_data_changed
from .services import kpi_recompute_enqueue

# A diagnostic target stands only next to these on the same scorecard (forced pairing).
PAIRED_WITH = ("fcr", "repeat_rate")
# An hour of the day describes the load; it is not a performance anyone can be held to.
UNTARGETABLE = frozenset({"peak_hour"})
# Thresholds outside these cannot be reached (or missed) by any value of the unit.
UNIT_RANGE = {"%": (0, 100), "points": (-100, 100), "score": (1, 7)}
SHORT_NAMES = {"aht": "AHT", "aht_index": gettext_lazy("The AHT index"), "fcr": "FCR"}


def kpi_name(kpi: Kpi) -> str:
    return str(SHORT_NAMES.get(kpi.code, kpi.label))


def targetable_kpis() -> list[Kpi]:
    """KPIs a target can be accepted on: a diagnostic needs the interaction-type scope."""
    return [
        k for k in KPIS.values() if k.code not in UNTARGETABLE and (not k.diagnostic or "interaction_type" in k.scopes)
    ]


def _num(value: float) -> str:
    return f"{value:g}"


def _same_or_none(field: str, value) -> Q:
    none = Q(**{f"{field}__isnull": True})
    return none | Q(**{field: value}) if value is not None else none


def _pairing_missing(*, team, queue, interaction_type, exclude_pk: int | None = None) -> list[str]:
    """Codes of PAIRED_WITH without an active target on the same scorecard: the same
    interaction type or none, the same team or none (and the same queue or none)."""
    targets = Target.objects.filter(kpi__in=PAIRED_WITH, retired_at__isnull=True).filter(
        _same_or_none("team", team), _same_or_none("queue", queue), _same_or_none("interaction_type", interaction_type)
    )
    if exclude_pk is not None:
        targets = targets.exclude(pk=exclude_pk)
    present = set(targets.values_list("kpi", flat=True))
    return [code for code in PAIRED_WITH if code not in present]


def _diagnostic_refusal(kpi: Kpi, *, team, queue, interaction_type, missing: list[str]) -> str:
    reason = _(
        "%(kpi)s is a diagnostic: a target on it is accepted only per interaction "
        "type, next to FCR and repeat-rate targets on the same scorecard, so speed is never "
        "pushed at the cost of resolution."
    ) % {"kpi": kpi_name(kpi)}
    if interaction_type is None:
        return reason + " " + _("Choose an interaction type.")
    if len(missing) > 1:
        names = _("an FCR and a repeat-rate target")
    else:
        names = _("an FCR target") if missing[0] == "fcr" else _("a repeat-rate target")
    where = _(" for %(type)s (or for every interaction type)") % {"type": interaction_type}
    if team is not None:
        where += _(" on team %(team)s (or on every team)") % {"team": team}
    if queue is not None:
        where += _(" in queue %(queue)s (or in every queue)") % {"queue": queue}
    return reason + " " + _("Set %(names)s%(where)s first.") % {"names": names, "where": where}


def target_validate(
    *,
    kpi: str,
    team: Team | None = None,
    queue: Queue | None = None,
    interaction_type: InteractionType | None = None,
    direction: str | None = None,
    green: float,
    amber: float,
) -> str:
    """Raise ValidationError (by form field) for a target that may not be set; return the
    direction it will carry. Forms call it to refuse early; target_set calls it again."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    entry = KPIS.get(kpi)
    if entry is None or kpi in UNTARGETABLE:
        raise ValidationError({"kpi": _("%(kpi)r is not a KPI that takes a target.") % {"kpi": kpi}})
    name = kpi_name(entry)
    if direction not in (None, "", *Direction.values):
        refuse("direction", _("Choose higher or lower."))
    elif entry.diagnostic and not direction:
        refuse(
            "direction",
            _(
                "%(kpi)s is a diagnostic with no better direction of its own: "
                "name the direction of this target explicitly."
            )
            % {"kpi": name},
        )
    elif not direction and entry.better is None:
        refuse("direction", _("%(kpi)s has no better direction of its own: choose higher or lower.") % {"kpi": name})
    direction = direction or entry.better or ""
    for field, scope, value in (("queue", "queue", queue), ("interaction_type", "interaction_type", interaction_type)):
        if value is not None and scope not in entry.scopes:
            per = _("interaction type") if scope == "interaction_type" else _("queue")
            refuse(
                field,
                _("%(kpi)s is not measured per %(per)s, so it takes no target for one.") % {"kpi": name, "per": per},
            )
    low, high = UNIT_RANGE.get(entry.unit, (0, None))
    for field, threshold in (("green", green), ("amber", amber)):
        if not math.isfinite(threshold) or threshold < low or (high is not None and threshold > high):
            if high is not None:
                span = _("between %(low)s and %(high)s") % {"low": low, "high": high}
            else:
                span = _("%(low)s or more") % {"low": low}
            refuse(
                field,
                _("%(kpi)s is measured in %(unit)s: a threshold must be %(span)s.")
                % {"kpi": name, "unit": entry.unit, "span": span},
            )
    if direction == Direction.HIGHER and green < amber:
        refuse(
            "amber",
            _("Higher is better here, so amber (%(amber)s) must be at or below green (%(green)s).")
            % {"amber": _num(amber), "green": _num(green)},
        )
    if direction == Direction.LOWER and green > amber:
        refuse(
            "amber",
            _("Lower is better here, so amber (%(amber)s) must be at or above green (%(green)s).")
            % {"amber": _num(amber), "green": _num(green)},
        )
    if entry.diagnostic:
        missing = (
            []
            if interaction_type is None
            else _pairing_missing(team=team, queue=queue, interaction_type=interaction_type)
        )
        if interaction_type is None or missing:
            refuse(
                NON_FIELD_ERRORS,
                _diagnostic_refusal(entry, team=team, queue=queue, interaction_type=interaction_type, missing=missing),
            )
    if errors:
        raise ValidationError(errors)
    return direction


def target_bands(target: Target) -> dict:
    """What a history row keeps of a target: names, not ids, so it reads the same later."""
    return {
        "kpi": target.kpi,
        "team": target.team.name if target.team is not None else None,
        "queue": target.queue.name if target.queue is not None else None,
        "interaction_type": target.interaction_type.name if target.interaction_type is not None else None,
        "direction": target.direction,
        "green": target.green,
        "amber": target.amber,
        "effective_from": target.effective_from.isoformat(),
    }


@transaction.atomic
def target_set(
    *,
    kpi: str,
    team: Team | None = None,
    queue: Queue | None = None,
    interaction_type: InteractionType | None = None,
    direction: str | None = None,
    green: float,
    amber: float,
    effective_from: dt.date,
    by: User | None,
) -> Target:
    """Create the target, or change the bands of the active one with the same KPI, scope and
    start date; either way the change is recorded with its old and new bands."""
    target = (
        Target.objects.select_for_update()
        .filter(
            kpi=kpi,
            team=team,
            queue=queue,
            interaction_type=interaction_type,
            effective_from=effective_from,
            retired_at__isnull=True,
        )
        .first()
    )
    direction = target_validate(
        kpi=kpi,
        team=team,
        queue=queue,
        interaction_type=interaction_type,
        direction=direction,
        green=green,
        amber=amber,
    )
    if target is None:
        target = Target.objects.create(
            kpi=kpi,
            team=team,
            queue=queue,
            interaction_type=interaction_type,
            direction=direction,
            green=green,
            amber=amber,
            effective_from=effective_from,
            created_by=by,
        )
        TargetChange.objects.create(target=target, action="created", old=None, new=target_bands(target), changed_by=by)
        _target_audit(Action.TARGET_SET, target, old=None, new=target_bands(target), by=by)
        scorecard_data_changed()
        return target
    old = target_bands(target)
    target.direction, target.green, target.amber = direction, green, amber
    new = target_bands(target)
    if new != old:
        target.save(update_fields=["direction", "green", "amber"])
        TargetChange.objects.create(target=target, action="updated", old=old, new=new, changed_by=by)
        _target_audit(Action.TARGET_SET, target, old=old, new=new, by=by)
        scorecard_data_changed()
    return target


def _target_audit(action: str, target: Target, *, old: dict | None, new: dict | None, by: User | None) -> None:
    bands = new or old or {}
    scope = " ".join(str(bands[k]) for k in ("team", "queue", "interaction_type") if bands.get(k))
    label = f"{bands.get('kpi', target.kpi)} target from {bands.get('effective_from', '')}" + (
        f" ({scope})" if scope else ""
    )
    audit_record(action=action, obj=target, object_label=label, before=old, after=new, actor=by)


def _diagnostics_left_unpaired(target: Target) -> list[Target]:
    if target.kpi not in PAIRED_WITH:
        return []
    # Only diagnostics this target can pair: its team, type and queue, or any where it has none.
    scope = {
        field: getattr(target, f"{field}_id")
        for field in ("team", "queue", "interaction_type")
        if getattr(target, f"{field}_id") is not None
    }
    diagnostics = Target.objects.filter(
        kpi__in=[k.code for k in KPIS.values() if k.diagnostic], retired_at__isnull=True, **scope
    ).select_related("team", "queue", "interaction_type")
    return [
        d
        for d in diagnostics
        if _pairing_missing(team=d.team, queue=d.queue, interaction_type=d.interaction_type, exclude_pk=target.pk)
    ]


@transaction.atomic
def target_retire(*, target: Target, by: User | None) -> Target:
    """Retire a target (it stays in the history). An FCR or repeat-rate target that pairs an
    active diagnostic target cannot go first: that would leave speed targeted alone."""
    target = (
        Target.objects.select_for_update(of=("self",))
        .select_related("team", "queue", "interaction_type")
        .get(pk=target.pk)
    )
    if target.retired_at is not None:
        raise ValidationError(_("This target is already retired."))
    orphans = _diagnostics_left_unpaired(target)
    if orphans:
        listed = ", ".join(
            _("%(kpi)s for %(type)s") % {"kpi": kpi_name(KPIS[d.kpi]), "type": d.interaction_type} for d in orphans
        )
        raise ValidationError(
            _(
                "This target pairs diagnostic targets (%(listed)s): retire those first, so speed is "
                "never targeted without resolution next to it."
            )
            % {"listed": listed}
        )
    old = target_bands(target)
    target.retired_at = timezone.now()
    target.save(update_fields=["retired_at"])
    TargetChange.objects.create(target=target, action="retired", old=old, new=None, changed_by=by)
    _target_audit(Action.TARGET_RETIRE, target, old=old, new=None, by=by)
    scorecard_data_changed()
    return target


def target_in_force(
    *,
    kpi: str,
    team: Team | None = None,
    queue: Queue | None = None,
    interaction_type: InteractionType | None = None,
    on: dt.date,
) -> Target | None:
    """The most specific active target that applies on ``on``: team + interaction type, then
    interaction type, then team, then tenant-wide (a queue's own target before all of them);
    among equally specific ones, the latest start date."""
    candidates = Target.objects.filter(kpi=kpi, retired_at__isnull=True, effective_from__lte=on).filter(
        _same_or_none("team", team), _same_or_none("queue", queue), _same_or_none("interaction_type", interaction_type)
    )
    return max(
        candidates,
        default=None,
        key=lambda t: (
            t.queue_id is not None,
            t.interaction_type_id is not None,
            t.team_id is not None,
            t.effective_from,
            t.pk,
        ),
    )


def targets_list(*, include_retired: bool = True) -> QuerySet[Target]:
    targets = Target.objects.select_related("team", "queue", "interaction_type", "created_by")
    return targets if include_retired else targets.filter(retired_at__isnull=True)


def target_changes_list(*, target: Target | None = None) -> QuerySet[TargetChange]:
    changes = TargetChange.objects.select_related("target", "changed_by")
    return changes.filter(target=target) if target is not None else changes


def tenant_today(tenant: Tenant | None = None) -> dt.date:
    tenant = tenant or current_tenant()
    return timezone.localdate(timezone=tenant.tz)


def realism_check(
    *,
    kpi: str,
    green: float,
    amber: float,
    direction: str,
    team: Team | None = None,
    weeks: int = 8,
    today: dt.date | None = None,
) -> list[dict]:
    """Share of agents (n ≥ min_sample) whose weekly value was green, in each of the last
    ``weeks`` complete weeks (Monday starts, tenant time), oldest first. ``amber`` does not
    change "met": it is accepted so callers pass a whole target."""
    tenant = current_tenant()
    today = today or tenant_today(tenant)
    this_monday = week_start(today)
    starts = [this_monday - dt.timedelta(weeks=back) for back in range(weeks, 0, -1)]
    met = Q(value__gte=green) if direction == Direction.HIGHER else Q(value__lte=green)
    snapshots = KpiSnapshot.objects.filter(
        kpi=kpi, scope="agent", period="week", period_start__in=starts, n__gte=tenant.min_sample, value__isnull=False
    )
    if team is not None:
        snapshots = snapshots.filter(key__in=Agent.objects.filter(team=team).values("acd_login"))
    counts = {
        row["period_start"]: row
        for row in snapshots.values("period_start").annotate(eligible=Count("id"), met=Count("id", filter=met))
    }
    result = []
    for start in starts:
        row = counts.get(start, {"eligible": 0, "met": 0})
        share = round(100 * row["met"] / row["eligible"], 1) if row["eligible"] else None
        result.append({"week_start": start, "met": row["met"], "eligible": row["eligible"], "share_pct": share})
    return result


# --- KPI settings -----------------------------------------------------------------------

SETTINGS = {
    "service_level_seconds": gettext_lazy("Service level threshold (seconds)"),
    "service_level_inclusive": gettext_lazy("A wait equal to the threshold counts as within"),
    "service_level_target_pct": gettext_lazy("Service level target (%)"),
    "short_abandon_seconds": gettext_lazy("Short abandon (seconds)"),
    "repeat_window_days": gettext_lazy("Repeat window (days)"),
    "min_sample": gettext_lazy("Minimum sample"),
    "cost_per_paid_hour": gettext_lazy("Cost per paid hour"),
    "cost_per_contact_minute": gettext_lazy("Cost per contact minute"),
}
# Bounds the model fields do not state: "answered within 0 s" and negative costs mean nothing.
SETTING_MINIMUM = {"service_level_seconds": 1, "cost_per_paid_hour": 0, "cost_per_contact_minute": 0}


def setting_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _setting_clean(tenant: Tenant, name: str, value):
    field = Tenant._meta.get_field(name)
    assert isinstance(field, Field), f"the KPI setting {name} is a column of the tenant"
    value = field.clean(value, tenant)
    minimum = SETTING_MINIMUM.get(name)
    if minimum is not None and value < minimum:
        raise ValidationError(_("Must be %(minimum)s or more.") % {"minimum": minimum})
    return value


def settings_update(*, tenant: Tenant, changes: dict, by: User | None) -> list[SettingChange]:
    """Apply the changed KPI settings, one audit row each, and ask for a recompute when
    anything changed. ``settings_update(tenant=t, changes={"min_sample": 50}, by=ada)``"""
    unknown = sorted(set(changes) - set(SETTINGS))
    if unknown:
        raise ValidationError(f"Not a KPI setting: {', '.join(unknown)}.")
    cleaned, errors = {}, {}
    for name, value in changes.items():
        try:
            cleaned[name] = _setting_clean(tenant, name, value)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The row is locked so two admins saving at once each audit the value they replaced.
        current = Tenant.objects.select_for_update().get(pk=tenant.pk)
        changed = {name: value for name, value in cleaned.items() if getattr(current, name) != value}
        if not changed:
            return []
        Tenant.objects.filter(pk=tenant.pk).update(**changed)
        tenant_hosts_forget(tenant_id=tenant.pk)  # the cached Tenant carries these settings
        scorecard_data_changed()
        audit = SettingChange.objects.bulk_create(
            [
                SettingChange(
                    setting=name, old=setting_text(getattr(current, name)), new=setting_text(value), changed_by=by
                )
                for name, value in changed.items()
            ]
        )
        audit_record(
            action=Action.SETTINGS_CHANGE,
            object_type="tenants.tenant.kpi_settings",
            object_id=tenant.pk,
            object_label=f"KPI settings: {', '.join(changed)}",
            before={name: setting_text(getattr(current, name)) for name in changed},
            after={name: setting_text(value) for name, value in changed.items()},
            actor=by,
        )
        for name, value in changed.items():
            setattr(tenant, name, value)
        kpi_recompute_enqueue(reason="settings")
    return audit


def setting_changes_list() -> QuerySet[SettingChange]:
    return SettingChange.objects.select_related("changed_by")
