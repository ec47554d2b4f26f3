"""Telling people: an email to the rule's recipients and a Slack-compatible webhook, once per
fired or recovered episode, after the evaluation's transaction commits.

The webhook goes through webhooks.services.webhook_event_emit (one delivery row per subscribed
endpoint, in this transaction; sent and retried by its own tasks). The email is a Celery task
(alerts.tasks.alert_email_task) so that an evaluation run inside a live batch's request never
waits on SMTP; the episode's ``*_emailed_at`` is its ledger (claimed before sending).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role
from common.i18n import language_of
from tenants.current import current_schema_name, current_tenant
from webhooks.links import tenant_link
from webhooks.models import Event as WebhookEvent
from webhooks.services import webhook_event_emit

from .describe import condition_text, duration_text, scope_text, value_text
from .models import AlertEpisode, AlertRule

FIRED, RECOVERED = "fired", "recovered"
WEBHOOK_EVENTS = {FIRED: WebhookEvent.ALERT_FIRED, RECOVERED: WebhookEvent.ALERT_RECOVERED}
LEDGER = {FIRED: "fired_emailed_at", RECOVERED: "recovered_emailed_at"}


def history_link() -> str:
    return tenant_link("alert_history")


def _facts(rule: AlertRule, episode: AlertEpisode) -> dict:
    condition = condition_text(
        kind=episode.kind, threshold=episode.threshold, window_minutes=episode.window_minutes, queue=episode.queue
    )
    return {
        "rule": rule.name,
        "condition": condition,
        "scope": scope_text(episode.queue),
        "value": value_text(episode.kind, episode.last_value),
        "worst": value_text(episode.kind, episode.worst_value),
        "link": history_link(),
    }


def message_text(rule: AlertRule, episode: AlertEpisode, what: str) -> str:
    """One line for Slack (and any chat): what happened, the value, where to look."""
    facts = _facts(rule, episode)
    if what == FIRED:
        text = _("Alert: %(rule)s. %(condition)s: now %(value)s. %(link)s")
    else:
        text = _("Recovered: %(rule)s. %(condition)s: now %(value)s, worst %(worst)s. %(link)s")
    return text % facts


def webhook_data(rule: AlertRule, episode: AlertEpisode) -> dict:
    return {
        "rule": rule.name,
        "rule_id": rule.pk,
        "episode_id": episode.pk,
        "queue": episode.queue or None,
        "kind": episode.kind,
        "value": episode.last_value,
        "worst_value": episode.worst_value,
        "threshold": episode.threshold,
        "window_minutes": episode.window_minutes,
        "started_at": episode.started_at.isoformat(),
        "recovered_at": episode.recovered_at.isoformat() if episode.recovered_at else None,
        "link": history_link(),
    }


def webhook_emit(*, event: str, data: dict, text: str) -> list[int]:
    """The one door to the webhooks app (one delivery per subscribed endpoint, sent on commit)."""
    return webhook_event_emit(event=event, data=data, text=text)


def notify(*, rule: AlertRule, episode: AlertEpisode, what: str) -> None:
    """Called inside the evaluation's transaction: nothing leaves before it commits."""
    if rule.webhook:
        webhook_emit(
            event=WEBHOOK_EVENTS[what], data=webhook_data(rule, episode), text=message_text(rule, episode, what)
        )
    if rule.extra_emails or rule.recipients.exists():
        from .tasks import alert_email_task

        schema, episode_id = current_schema_name(), episode.pk

        def email_enqueue() -> None:
            alert_email_task.apply_async(args=[episode_id, what], headers={"_schema_name": schema})

        transaction.on_commit(email_enqueue)


# --- email ----------------------------------------------------------------------------------


def email_recipients(rule: AlertRule) -> list[str]:
    """The chosen users still active admins or managers, then the free addresses."""
    users = rule.recipients.filter(is_active=True, role__in=(Role.ADMIN, Role.MANAGER)).exclude(email="")
    addresses = [u.email.lower() for u in users.order_by("email")]
    return addresses + [a for a in rule.extra_emails if a not in addresses]


def email_recipients_by_language(rule: AlertRule) -> dict[str, list[str]]:
    """email_recipients grouped by the language each reads: a user's own, and the site's
    default for the free addresses (nobody's preference is known there)."""
    users = rule.recipients.filter(is_active=True, role__in=(Role.ADMIN, Role.MANAGER)).exclude(email="")
    language_by_address = {u.email.lower(): language_of(u) for u in users}
    grouped: dict[str, list[str]] = {}
    for address in email_recipients(rule):
        grouped.setdefault(language_by_address.get(address, settings.LANGUAGE_CODE), []).append(address)
    return grouped


def email_render(rule: AlertRule, episode: AlertEpisode, what: str) -> tuple[str, str, str]:
    """(subject, text, html) of the email about one transition, in the active language."""
    tenant = current_tenant()
    context = {
        **_facts(rule, episode),
        "what": what,
        "tenant_name": tenant.name,
        "started_at": episode.started_at,
        "recovered_at": episode.recovered_at,
        "duration": duration_text(episode.duration.total_seconds()) if episode.duration else "",
        "value_at_start": value_text(episode.kind, episode.value_at_start),
    }
    with timezone.override(tenant.tz):  # templates show datetimes in the current timezone
        return (
            " ".join(render_to_string("emails/alert-subject.txt", context).split()),
            render_to_string("emails/alert-body.txt", context),
            render_to_string("emails/alert-body.html", context),
        )


def alert_email_send(*, episode_id: int, what: str) -> int:
    """Send one transition's emails unless sent already; returns how many left. On an SMTP
    error the claim is released and the error raised (the task retries)."""
    ledger = LEDGER[what]
    claimed = AlertEpisode.objects.filter(pk=episode_id, **{f"{ledger}__isnull": True}).update(
        **{ledger: timezone.now()}
    )
    if not claimed:
        return 0  # sent already, or the rule (and its history) was deleted
    episode = AlertEpisode.objects.select_related("rule").get(pk=episode_id)
    rule = episode.rule
    messages = []
    for language, addresses in email_recipients_by_language(rule).items():
        with translation.override(language):
            subject, text, html = email_render(rule, episode, what)
        for address in addresses:  # one each: recipients do not see each other's addresses
            message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
            message.attach_alternative(html, "text/html")
            messages.append(message)
    if not messages:
        return 0
    try:
        with get_connection() as connection:
            sent = connection.send_messages(messages) or 0
    except Exception:
        AlertEpisode.objects.filter(pk=episode_id).update(**{ledger: None})
        raise
    return sent
