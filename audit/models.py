"""The audit log: one append-only table in every tenant's schema (that center's log) and one
in the public schema (the platform's log). Migration 0002 makes PostgreSQL refuse UPDATE,
DELETE and TRUNCATE on it, whoever asks.

No foreign keys: the log outlives what it names (a deleted user, a dropped team), and an
ON DELETE SET NULL would itself be an UPDATE the trigger refuses. Who and what are kept as
ids and labels as they were at the time.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    # the user's email, "apikey:<name>", "platform:<username>", "system" or "anonymous"
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=64)  # audit.actions.Action
    object_type = models.CharField(max_length=64, blank=True, default="")  # "accounts.team"
    object_id = models.CharField(max_length=64, blank=True, default="")
    object_label = models.CharField(max_length=255, blank=True, default="")
    # DjangoJSONEncoder: dates and datetimes as ISO strings, Decimals as strings
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # the page lists newest first, filtered by action; the CSV of one actor or object
            models.Index(fields=["-at", "-id"], name="audit_at_idx"),
            models.Index(fields=["action", "-at"], name="audit_action_at_idx"),
            models.Index(fields=["actor_label", "-at"], name="audit_actor_at_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"

    @property
    def before_text(self) -> str:
        return "" if self.before is None else json.dumps(self.before, ensure_ascii=False, sort_keys=True)

    @property
    def after_text(self) -> str:
        return "" if self.after is None else json.dumps(self.after, ensure_ascii=False, sort_keys=True)
