from .followups import live_followups_flush_task

__all__ = ["live_followups_flush_task"]
