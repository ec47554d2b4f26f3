"""Writes of alerts: the rules (audited) and their evaluation against the live state.

    alerts_evaluate()  # -> [Transition(rule_id=3, episode_id=12, what="fired", value=62.5)]

Evaluation runs after live batches (pipeline/followups.py, throttled per tenant) and every
30 s from beat (alerts/tasks.py), since a wait grows and a window slides with no event at all.
Each rule is judged in its own transaction, holding its open episode's row lock; a new episode
is an INSERT that the one-open-episode-per-rule index lets only one evaluator make. So each
episode is told once when it fires and once when it recovers, however many evaluators run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.actions import Action
from audit.services import audit_record
from live import state
from tenants.current import current_schema_name

from . import delivery
from .judge import Reading, Step, judge_longest_wait, judge_rate, judge_waiting_without_agents, step, worse
from .models import RATE_KINDS, AlertEpisode, AlertRule, EndReason, Kind

log = logging.getLogger(__name__)

# After a live batch, a tenant is evaluated at most once in this many seconds: a burst of
# batches costs one evaluation (beat's 30 s evaluation catches the rest).
THROTTLE_SECONDS = 5
# Fields that define what the rule judges: changing one ends its open episode (silently), so
# the next evaluation judges the new condition from a clean start.
CONDITION_FIELDS = ("kind", "threshold", "window_minutes", "queue", "min_contacts")


# --- rules ----------------------------------------------------------------------------------


def recipient_choices():
    """Who may receive alert emails: the tenant's active admins and managers with an address."""
    return User.objects.filter(is_active=True, role__in=(Role.ADMIN, Role.MANAGER)).exclude(email="")


def _clean_emails(addresses: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for address in addresses:
        address = address.strip().lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {"extra_emails": _("“%(address)s” is not an email address.") % {"address": address}}
            ) from None
        if address not in cleaned:
            cleaned.append(address)
    return cleaned


def _validate(rule: AlertRule, recipients: list[User]) -> None:
    errors: dict[str, str] = {}
    if not rule.name.strip():
        errors["name"] = _("Give the rule a name.")
    if rule.kind == Kind.WAITING_WITHOUT_AGENTS:
        rule.threshold = None
    elif rule.threshold is None:
        errors["threshold"] = _("This condition needs a threshold.")
    elif rule.kind in RATE_KINDS and not 0 <= rule.threshold <= 100:
        errors["threshold"] = _("A percentage is between 0 and 100.")
    elif rule.kind == Kind.LONGEST_WAIT_ABOVE and rule.threshold <= 0:
        errors["threshold"] = _("The longest wait threshold is a number of seconds above 0.")
    if rule.window_minutes not in (15, 30):
        errors["window_minutes"] = _("The window is 15 or 30 minutes.")
    if rule.min_contacts < 1:
        errors["min_contacts"] = _("At least 1 contact.")
    allowed = set(recipient_choices().values_list("pk", flat=True))
    if any(user.pk not in allowed for user in recipients):
        errors["recipients"] = _("Alert emails go to active admins and managers only.")
    if errors:
        raise ValidationError(errors)


def _audited(rule: AlertRule, recipients: Iterable[User]) -> dict:
    return {
        "name": rule.name,
        "kind": rule.kind,
        "threshold": rule.threshold,
        "window_minutes": rule.window_minutes,
        "queue": rule.queue,
        "min_contacts": rule.min_contacts,
        "recipients": sorted(u.email for u in recipients),
        "extra_emails": list(rule.extra_emails),
        "webhook": rule.webhook,
        "is_active": rule.is_active,
    }


@transaction.atomic
def alert_rule_create(
    *,
    name: str,
    kind: str,
    threshold: float | None = None,
    window_minutes: int = 15,
    queue: str = "",
    min_contacts: int = 10,
    recipients: Iterable[User] = (),
    extra_emails: Iterable[str] = (),
    webhook: bool = True,
    is_active: bool = True,
    created_by: User | None = None,
) -> AlertRule:
    """``alert_rule_create(name="SL Billing", kind=Kind.SERVICE_LEVEL_BELOW, threshold=80, queue="Billing")``"""
    recipients = list(recipients)
    rule = AlertRule(
        name=name.strip(),
        kind=kind,
        threshold=threshold,
        window_minutes=window_minutes,
        queue=queue.strip(),
        min_contacts=min_contacts,
        extra_emails=_clean_emails(extra_emails),
        webhook=webhook,
        is_active=is_active,
        created_by=created_by,
    )
    _validate(rule, recipients)
    rule.full_clean()
    rule.save()
    rule.recipients.set(recipients)
    audit_record(action=Action.ALERT_RULE_CREATE, obj=rule, after=_audited(rule, recipients), actor=created_by)
    return rule


@transaction.atomic
def alert_rule_update(*, rule: AlertRule, by: User | None = None, **fields) -> AlertRule:
    """Change any of alert_rule_create's fields. A changed condition or a deactivation ends the
    open episode without a message: it recovered from nothing, it was redefined."""
    rule = AlertRule.objects.select_for_update().get(pk=rule.pk)
    old_recipients = list(rule.recipients.all())
    before = _audited(rule, old_recipients)
    recipients = list(fields.pop("recipients", old_recipients))
    if "extra_emails" in fields:
        fields["extra_emails"] = _clean_emails(fields["extra_emails"])
    for name in ("name", "queue"):
        if name in fields:
            fields[name] = fields[name].strip()
    unknown = set(fields) - set(before) - {"created_by"}
    if unknown:
        raise TypeError(f"alert_rule_update() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(rule, name, value)
    _validate(rule, recipients)
    rule.full_clean()
    rule.save()
    rule.recipients.set(recipients)
    after = _audited(rule, recipients)
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return rule
    if before["is_active"] and not rule.is_active:
        _episode_end(rule, EndReason.RULE_DEACTIVATED)
    elif any(k in CONDITION_FIELDS for k in changed):
        _episode_end(rule, EndReason.RULE_CHANGED)
    audit_record(
        action=Action.ALERT_RULE_UPDATE,
        obj=rule,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
        actor=by,
    )
    return rule


@transaction.atomic
def alert_rule_delete(*, rule: AlertRule, by: User | None = None) -> None:
    """Deletes the rule's history with it (the page says so; deactivating keeps it)."""
    audit_record(action=Action.ALERT_RULE_DELETE, obj=rule, before=_audited(rule, rule.recipients.all()), actor=by)
    rule.delete()


def _episode_end(rule: AlertRule, reason: str) -> None:
    AlertEpisode.objects.filter(rule=rule, recovered_at__isnull=True).update(
        recovered_at=timezone.now(), end_reason=reason
    )


# --- evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    rule_id: int
    episode_id: int
    what: str  # "fired" or "recovered"
    value: float | None


def reading_of(schema: str, rule: AlertRule, now: dt.datetime) -> Reading:
    """The rule's value now, from the live state (live/state.py)."""
    queue = rule.queue or None
    if rule.kind in RATE_KINDS:
        assert rule.threshold is not None  # a CheckConstraint
        window = state.window_read(schema, minutes=rule.window_minutes, queue=queue, now=now)
        return judge_rate(rule.kind, rule.threshold, rule.min_contacts, window)
    waiting, longest = state.waiting_read(schema, queue=queue, now=now)
    if rule.kind == Kind.LONGEST_WAIT_ABOVE:
        assert rule.threshold is not None
        return judge_longest_wait(rule.threshold, longest)
    # agents have no queue skills in the live state: anyone ready could take the call
    return judge_waiting_without_agents(waiting, state.agents_available(schema) if waiting else 0)


def alerts_evaluate(*, now: dt.datetime | None = None) -> list[Transition]:
    """Judge every active rule of the current tenant now; returns what fired or recovered."""
    now = now or timezone.now()
    schema = current_schema_name()
    transitions = []
    for rule in AlertRule.objects.filter(is_active=True).order_by("pk"):
        transition = _rule_evaluate(rule, reading_of(schema, rule, now), now)
        if transition is not None:
            transitions.append(transition)
    return transitions


def alerts_evaluate_after_events() -> list[Transition]:
    """After a live batch: evaluate unless this tenant was evaluated in the last few seconds.
    Best effort: a failure is logged, never the caller's (the batch is applied; beat retries)."""
    schema = current_schema_name()
    try:
        if not AlertRule.objects.filter(is_active=True).exists():
            return []
        first = state.redis_client().set(state.key(schema, "alerts", "evaluated"), 1, nx=True, ex=THROTTLE_SECONDS)
        return alerts_evaluate() if first else []
    except Exception:  # noqa: BLE001 - see the docstring
        log.exception("alerts of %s not evaluated after live events", schema)
        return []


def _rule_evaluate(rule: AlertRule, reading: Reading, now: dt.datetime) -> Transition | None:
    with transaction.atomic():
        episode = AlertEpisode.objects.select_for_update().filter(rule=rule, recovered_at__isnull=True).first()
        next_step = step(
            is_open=episode is not None,
            good_since=episode.good_since if episode else None,
            breached=reading.breached,
            now=now,
        )
        if next_step == Step.NOTHING:
            return None
        if next_step == Step.FIRE:
            assert reading.value is not None  # a breach always has a value
            try:
                with transaction.atomic():  # a savepoint: losing the race rolls back this alone
                    episode = AlertEpisode.objects.create(
                        rule=rule,
                        started_at=now,
                        kind=rule.kind,
                        queue=rule.queue,
                        threshold=rule.threshold,
                        window_minutes=rule.window_minutes,
                        value_at_start=reading.value,
                        worst_value=reading.value,
                        last_value=reading.value,
                        last_evaluated_at=now,
                    )
            except IntegrityError:
                return None  # another evaluator opened this episode: telling is its job
            delivery.notify(rule=rule, episode=episode, what=delivery.FIRED)
            return Transition(rule.pk, episode.pk, delivery.FIRED, reading.value)
        assert episode is not None
        episode.last_value = reading.value
        episode.last_evaluated_at = now
        if next_step == Step.CONTINUE:
            assert reading.value is not None  # a breach always has a value
            episode.worst_value = worse(rule.kind, episode.worst_value, reading.value)
            episode.good_since = None
        elif next_step == Step.SETTLING:
            episode.good_since = episode.good_since or now
        else:
            episode.recovered_at, episode.end_reason = now, EndReason.RECOVERED
        episode.save(
            update_fields=["last_value", "last_evaluated_at", "worst_value", "good_since", "recovered_at", "end_reason"]
        )
        if next_step != Step.RECOVER:
            return None
        delivery.notify(rule=rule, episode=episode, what=delivery.RECOVERED)
        return Transition(rule.pk, episode.pk, delivery.RECOVERED, reading.value)
