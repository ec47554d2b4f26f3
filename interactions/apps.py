from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "interactions"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the worker_ready handler)
