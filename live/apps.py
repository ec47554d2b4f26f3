from django.apps import AppConfig


class LiveConfig(AppConfig):
    """Live operations: contact-center events as they happen, the live state in Redis, the
    wallboard and its kiosk mode (see docs/live.md)."""

    name = "live"
