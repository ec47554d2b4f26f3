"""Outgoing webhooks: the endpoints an admin registers, and one delivery row per event sent to
one endpoint (the delivery log). Sending lives in services.py and tasks.py."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    ALERT_FIRED = "alert.fired", _("Alert fired")
    ALERT_RECOVERED = "alert.recovered", _("Alert recovered")
    SURVEY_DETRACTOR = "survey.detractor", _("Detractor survey answer")
    COACHING_REQUESTED = "coaching.requested", _("Coaching session requested")
    QA_DISPUTED = "qa.disputed", _("QA answer disputed")
    # sent to one endpoint by its "Send a test" button, whatever it subscribes to
    TEST = "webhook.test", _("Test")


SUBSCRIBABLE_EVENTS = [event.value for event in Event if event != Event.TEST]
# Retries after the first attempt, in seconds: then the delivery is failed (6 attempts in all,
# spread over about 1 h 13 min, enough to ride out a receiver's deploy or short outage).
RETRY_DELAYS_SECONDS = (10, 30, 120, 600, 3600)
MAX_ATTEMPTS = 1 + len(RETRY_DELAYS_SECONDS)


class WebhookEndpoint(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=2000, validators=[URLValidator(schemes=["http", "https"])])
    # Stored in the clear: every delivery is signed with it (an HMAC needs the key itself).
    secret = models.CharField(max_length=80)
    events = ArrayField(models.CharField(max_length=40, choices=Event.choices), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="webhook_endpoint_name_unique"),
            # the form's validator says it nicely; this holds for every other writer
            models.CheckConstraint(
                condition=Q(url__istartswith="http://") | Q(url__istartswith="https://"),
                name="webhook_endpoint_url_http",
            ),
            models.CheckConstraint(condition=~Q(secret=""), name="webhook_endpoint_secret_set"),
            models.CheckConstraint(
                condition=Q(events__contained_by=SUBSCRIBABLE_EVENTS), name="webhook_endpoint_events_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class WebhookDelivery(models.Model):
    Status = DeliveryStatus

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The payload's "id" and the Callwell-Delivery header: receivers dedupe on it (a delivery
    # whose answer was lost in transit is sent again).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt may start; while one runs, the end of its lease (services.py).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # the delivery log of one endpoint, newest first
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_log"),
            # the tenant's backlog of first attempts, for pacing a flood (services._first_attempts_at)
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_unsent",
                condition=Q(status=DeliveryStatus.PENDING, attempts=0),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_known"),
            models.CheckConstraint(condition=Q(event__in=Event.values), name="webhook_delivery_event_known"),
            models.CheckConstraint(condition=Q(attempts__lte=MAX_ATTEMPTS), name="webhook_delivery_attempts_max"),
            # pending, and only pending, has a next attempt
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.PENDING, next_attempt_at__isnull=False)
                | (~Q(status=DeliveryStatus.PENDING) & Q(next_attempt_at__isnull=True)),
                name="webhook_delivery_pending_has_next_attempt",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.DELIVERED) | Q(delivered_at__isnull=False, attempts__gte=1),
                name="webhook_delivery_delivered_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
