"""Tables of the live app. The live state itself is in Redis (live/state.py); only what an
admin configures is stored here."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class KioskBoard(models.Model):
    """A read-only wallboard for a wall TV, opened without login by a signed URL (live/kiosk.py).

    The URL carries the board's id and nonce; revoking the board (revoked_at) makes it stop
    working, open streams included. A kiosk shows counts only, never a person (docs/live.md).
    """

    name = models.CharField(_("name"), max_length=120)
    # Queue names as the live events spell them; empty means every queue.
    queues = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="kioskboard_name_not_empty"),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | models.Q(revoked_at__gte=models.F("created_at")),
                name="kioskboard_revoked_after_created",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
