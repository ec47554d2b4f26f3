from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the worker_ready handler)
