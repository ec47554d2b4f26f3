from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"

    def ready(self) -> None:
        from scorecards.counting import LeftOutWhileActive, left_out_register

        from .models import InteractionExclusion

        # A contact a manager excluded (an outage, an abusive caller) leaves every KPI, its
        # drill-down and the signals while the exclusion is active (coaching/exclusions.py).
        left_out_register(LeftOutWhileActive(InteractionExclusion, contact="interaction", ended="removed_at"))
