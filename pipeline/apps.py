from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "pipeline"
    verbose_name = "What follows what"

    def ready(self) -> None:
        from . import followups  # noqa: F401 - registers the handler of every event
