from django.db import models


class PendingTask(models.Model):
    """A Celery task that could not be sent because the broker (Redis) was down: kept in the
    public schema until the broker is back and ``pending_tasks_flush`` sends it (common/outbox.py).
    The tenant's schema travels in ``headers`` like any task's."""

    name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    headers = models.JSONField(default=dict)
    queue = models.CharField(max_length=200, blank=True, default="")
    eta = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.headers.get('_schema_name', 'public')})"
