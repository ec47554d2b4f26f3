"""Writes of outgoing webhooks: endpoints (audited), emitting an event, one delivery attempt.

Other apps call one function, inside the transaction of the change they report:

    webhook_event_emit(event="qa.disputed", data={"dispute_id": 7}, text="A QA answer was disputed")

It writes one delivery row per active endpoint subscribed to the event; each is sent by a Celery
task once the transaction commits (rolled back: no row, no send). An attempt that fails is
retried with backoff (models.RETRY_DELAYS_SECONDS), then the delivery is failed.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import audit_record
from tenants.current import current_schema_name

from . import signing
from .models import MAX_ATTEMPTS, RETRY_DELAYS_SECONDS, SUBSCRIBABLE_EVENTS, Event, WebhookDelivery, WebhookEndpoint

TIMEOUT_SECONDS = 5
# An attempt holds its delivery this long (longer than the timeout): a second copy of the task
# arriving meanwhile finds it not due and does nothing. A worker that dies mid-attempt leaves
# the delivery to the broker's redelivery of the message (acks_late), which finds it due again.
LEASE_SECONDS = 60
# Celery turns a countdown into an ETA on the sender's clock; a worker's clock a little behind
# must not find the retry "not due yet" and drop it.
CLOCK_SLACK_SECONDS = 2
USER_AGENT = "Callwell-Webhooks/1.0"
# Fairness on the shared "webhooks" queue: a tenant's first attempts go out at once while it has
# fewer than BURST of them waiting; beyond that, at RATE a second, each message sent with its
# countdown. A flood (an import's hundreds of detractors) is then a trickle in the queue, and
# another tenant's delivery waits behind at most BURST of the flood's, not all of them. A paced
# message waits in a worker until due (Celery's ETA); a copy the broker redelivers meanwhile
# finds its delivery leased or done and sends nothing (_claim).
TENANT_BURST = 20
TENANT_RATE_PER_SECOND = 5.0


# --- endpoints ------------------------------------------------------------------------------


def url_shown(url: str) -> str:
    """The URL without its path: a Slack incoming webhook's path is its credential, and the
    audit log (exported as CSV) is no place for it."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.path.strip("/") or parts.query else url


def _audited(endpoint: WebhookEndpoint) -> dict:
    # never the secret
    return {
        "name": endpoint.name,
        "url": url_shown(endpoint.url),
        "events": list(endpoint.events),
        "is_active": endpoint.is_active,
    }


def _events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [e for e in chosen if e not in SUBSCRIBABLE_EVENTS]
    if unknown:
        raise ValidationError({"events": _("Unknown events: %(events)s") % {"events": ", ".join(unknown)}})
    return chosen


@transaction.atomic
def webhook_endpoint_create(
    *, name: str, url: str, events: Iterable[str], is_active: bool = True, created_by=None
) -> WebhookEndpoint:
    """A new endpoint with a new random secret (shown to admins on its page)."""
    endpoint = WebhookEndpoint(
        name=name.strip(),
        url=url.strip(),
        events=_events(events),
        is_active=is_active,
        created_by=created_by,
        secret=signing.secret_new(),
    )
    endpoint.full_clean()
    endpoint.save()
    audit_record(action=Action.WEBHOOK_CREATE, obj=endpoint, after=_audited(endpoint), actor=created_by)
    return endpoint


@transaction.atomic
def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, name: str, url: str, events: Iterable[str], is_active: bool, by=None
) -> WebhookEndpoint:
    before = _audited(endpoint)
    endpoint.name, endpoint.url = name.strip(), url.strip()
    endpoint.events, endpoint.is_active = _events(events), is_active
    endpoint.full_clean()
    endpoint.save(update_fields=["name", "url", "events", "is_active"])
    after = _audited(endpoint)
    if after != before:
        changed = [key for key in after if after[key] != before[key]]
        audit_record(
            action=Action.WEBHOOK_UPDATE,
            obj=endpoint,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            actor=by,
        )
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, by=None) -> None:
    """Deletes its delivery log with it; a retry already queued then finds nothing to send."""
    audit_record(action=Action.WEBHOOK_DELETE, obj=endpoint, before=_audited(endpoint), actor=by)
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint, by=None) -> WebhookEndpoint:
    """A new secret at once: every attempt from now on (retries included) is signed with it."""
    endpoint.secret = signing.secret_new()
    endpoint.save(update_fields=["secret"])
    audit_record(action=Action.WEBHOOK_SECRET_ROTATE, obj=endpoint, actor=by)
    return endpoint


# --- emitting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliverySend:
    """Send one delivery's next attempt once the transaction commits (the on-commit callback)."""

    schema: str
    delivery_id: int
    countdown: int = 0

    def __call__(self) -> None:
        from .tasks import webhook_delivery_task

        options: dict = {"args": [self.delivery_id], "headers": {"_schema_name": self.schema}}
        if self.countdown:
            options["countdown"] = self.countdown
        webhook_delivery_task.apply_async(**options)


def _payload(*, event: str, data: dict, text: str, delivery: WebhookDelivery, schema: str) -> dict:
    # Slack-compatible: an incoming webhook shows "text" and ignores the other keys.
    return {
        "text": text,
        "event": event,
        "id": str(delivery.uuid),
        "created_at": delivery.created_at.isoformat(),
        "tenant": schema,
        # through the JSON encoder now, so what is stored is exactly what is sent
        "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
    }


def _first_attempts_at(count: int, now: dt.datetime) -> list[dt.datetime]:
    """When each of ``count`` new deliveries of the current tenant is first due: now while the
    tenant has fewer than TENANT_BURST first attempts waiting, then one every 1/RATE seconds
    after the last one already scheduled. Two queries on the partial index webhook_delivery_unsent."""
    unsent = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, attempts=0)
    waiting = unsent[:TENANT_BURST].count()
    at_once = min(count, max(0, TENANT_BURST - waiting))
    times = [now] * at_once
    if at_once < count:
        latest = unsent.order_by("-next_attempt_at").values_list("next_attempt_at", flat=True).first()
        slot = max(now, latest or now)
        step = dt.timedelta(seconds=1 / TENANT_RATE_PER_SECOND)
        times += [slot + step * (k + 1) for k in range(count - at_once)]
    return times


def _deliveries_create(endpoints: Iterable[WebhookEndpoint], *, event: str, data: dict, text: str) -> list[int]:
    schema = current_schema_name()
    now = timezone.now()
    endpoints = list(endpoints)
    due_at = _first_attempts_at(len(endpoints), now)
    rows = []
    for endpoint, due in zip(endpoints, due_at, strict=True):
        delivery = WebhookDelivery(endpoint=endpoint, event=event, created_at=now, next_attempt_at=due)
        delivery.payload = _payload(event=event, data=data, text=text, delivery=delivery, schema=schema)
        rows.append(delivery)
    WebhookDelivery.objects.bulk_create(rows)
    for delivery, due in zip(rows, due_at, strict=True):
        countdown = math.ceil((due - now).total_seconds())
        transaction.on_commit(DeliverySend(schema, delivery.pk, countdown))
    return [delivery.pk for delivery in rows]


def webhook_event_subscribed(event: str) -> bool:
    """Whether an active endpoint takes ``event``: a caller with many events to describe (an
    import's detractors) skips building them when nobody listens."""
    return WebhookEndpoint.objects.filter(is_active=True, events__contains=[event]).exists()


def webhook_event_emit(*, event: str, data: dict, text: str) -> list[int]:
    """One delivery per active endpoint subscribed to ``event``, sent after the commit. Call it
    inside the transaction of the change (inside a tenant's schema); returns the delivery ids.
    ``data`` is the event's facts, JSON-serializable; ``text`` one human sentence."""
    if event not in SUBSCRIBABLE_EVENTS:
        raise ValueError(f"unknown webhook event {event!r}: add it to webhooks.models.Event")
    endpoints = WebhookEndpoint.objects.filter(is_active=True, events__contains=[event])
    return _deliveries_create(endpoints, event=event, data=data, text=text)


def webhook_test_send(*, endpoint: WebhookEndpoint) -> int:
    """The "Send a test" button: a webhook.test delivery to this endpoint only."""
    if not endpoint.is_active:
        raise ValidationError(_("This endpoint is inactive: activate it to send a test."))
    text = _("Test from Callwell: the webhook “%(name)s” works.") % {"name": endpoint.name}
    with transaction.atomic():
        [delivery_id] = _deliveries_create([endpoint], event=Event.TEST, data={"endpoint": endpoint.name}, text=text)
    return delivery_id


# --- one attempt ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptOutcome:
    """What one call of webhook_delivery_attempt did: "delivered", "retry" (in ``retry_in``
    seconds), "failed", or "skipped" (not pending, not due, or gone: a duplicate task)."""

    status: str
    retry_in: int | None = None
    status_code: int | None = None


@dataclass(frozen=True)
class _Response:
    status_code: int | None
    error: str
    duration_ms: int


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _post(url: str, body: bytes, headers: dict[str, str]) -> _Response:
    """POST without following redirects (http.client never does); only http and https."""
    started = time.monotonic()

    def done(status_code: int | None, error: str) -> _Response:
        return _Response(status_code, _short(error), round((time.monotonic() - started) * 1000))

    try:
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        return done(None, f"bad URL: {exc}")
    if parts.scheme not in ("http", "https") or not host:
        return done(None, "only http and https URLs are sent to")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = connection_class(host, port, timeout=TIMEOUT_SECONDS)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        answer = response.read(2048).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        return done(None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    finally:
        conn.close()
    if 200 <= response.status < 300:
        return done(response.status, "")
    if 300 <= response.status < 400:
        location = response.getheader("Location") or "?"
        return done(response.status, f"HTTP {response.status}: redirect to {location} not followed")
    return done(response.status, f"HTTP {response.status}: {answer}" if answer.strip() else f"HTTP {response.status}")


def _claim(delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("endpoint")
            .filter(
                pk=delivery_id,
                status=WebhookDelivery.Status.PENDING,
                next_attempt_at__lte=now + dt.timedelta(seconds=CLOCK_SLACK_SECONDS),
            )
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + dt.timedelta(seconds=LEASE_SECONDS)
        if not delivery.endpoint.is_active:
            # deactivated since the event: stop trying
            delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
            delivery.last_error = _("endpoint deactivated; not sent")
        delivery.save(update_fields=["attempts", "next_attempt_at", "status", "last_error"])
    return delivery


def webhook_delivery_attempt(delivery_id: int) -> AttemptOutcome:
    """Send a pending, due delivery once; record the answer; on failure schedule the next
    attempt (on commit) or fail it after the last. Safe to run twice: a delivery that is not
    pending and due (delivered, failed, or another attempt under way) is skipped."""
    delivery = _claim(delivery_id, timezone.now())
    if delivery is None:
        return AttemptOutcome("skipped")
    if delivery.status == WebhookDelivery.Status.FAILED:
        return AttemptOutcome("failed")
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.EVENT_HEADER: delivery.event,
        signing.DELIVERY_HEADER: str(delivery.uuid),
        # signed at each attempt with the endpoint's secret of now (a rotation applies to retries)
        signing.SIGNATURE_HEADER: signing.signature_header(delivery.endpoint.secret, int(time.time()), body),
    }
    response = _post(delivery.endpoint.url, body, headers)
    fields: dict = {
        "last_status_code": response.status_code,
        "last_error": response.error,
        "duration_ms": response.duration_ms,
    }
    finished = timezone.now()
    if response.status_code is not None and 200 <= response.status_code < 300:
        outcome = AttemptOutcome("delivered", status_code=response.status_code)
        fields.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=finished, next_attempt_at=None)
    elif delivery.attempts >= MAX_ATTEMPTS:
        outcome = AttemptOutcome("failed", status_code=response.status_code)
        fields.update(status=WebhookDelivery.Status.FAILED, next_attempt_at=None)
    else:
        retry_in = RETRY_DELAYS_SECONDS[delivery.attempts - 1]
        outcome = AttemptOutcome("retry", retry_in=retry_in, status_code=response.status_code)
        fields.update(next_attempt_at=finished + dt.timedelta(seconds=retry_in))
    with transaction.atomic():
        # attempts= guards against a second attempt having taken over after a lost lease
        recorded = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=WebhookDelivery.Status.PENDING, attempts=delivery.attempts
        ).update(**fields)
        if recorded and outcome.retry_in:
            transaction.on_commit(DeliverySend(current_schema_name(), delivery.pk, outcome.retry_in))
    return outcome
