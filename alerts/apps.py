from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Alerts on the live state: rules admins set (service level, abandonment, longest wait,
    calls waiting with nobody ready), one episode per breach, told by email and webhook."""

    name = "alerts"
