import pytest
from django.db.models import Max

from audit.models import AuditEvent


@pytest.fixture
def new_events():
    """``since = new_events.mark()`` then ``new_events(since)``: the rows written after the mark."""

    class Watch:
        def mark(self) -> int:
            return AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0

        def __call__(self, since: int) -> list[AuditEvent]:
            return list(AuditEvent.objects.filter(id__gt=since).order_by("id"))

    return Watch()
