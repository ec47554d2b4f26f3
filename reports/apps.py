from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Report subscriptions: a weekly or monthly scorecard by email, with a CSV and a PDF,
    sent once per period through the digest's ledger."""

    name = "reports"
