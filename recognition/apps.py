from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    """Recognition without anxiety: kudos tied to a contact or a behaviour, and personal
    milestones measured against the agent's own history, never against peers, never ranked."""

    name = "recognition"
