"""The wallboard of managers and admins, and its live stream."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from common.access import ADMIN, MANAGER, role_required
from tenants.current import current_schema_name

from .boards import board_is_empty, manager_board, queue_names
from .forms import QueueFilterForm
from .templatetags.live_format import STATE_LABELS
from .views_stream import board_stream_response


def board_context(board: dict, **extra) -> dict:
    """What live/_board.html needs: the board, and for the script the words it shows."""
    labels = {state: str(label) for state, label in STATE_LABELS.items()}
    return {"board": board, "empty": board_is_empty(board), "state_labels": labels, **extra}


def _queues(request) -> list[str]:
    """?queue=A&queue=B; none means every queue."""
    return sorted({name for name in request.GET.getlist("queue") if name})


@role_required(ADMIN, MANAGER)
@never_cache
def wallboard(request):
    schema = current_schema_name()
    queues = _queues(request)
    board = manager_board(schema=schema, user=request.user, queues=queues)
    form = QueueFilterForm({"queue": queues}, queue_names=sorted(set(queue_names(schema)) | set(queues)))
    stream_url = reverse("live_stream") + (f"?{urlencode([('queue', q) for q in queues])}" if queues else "")
    return render(
        request,
        "live/wallboard.html",
        board_context(board, form=form, queues=queues, stream_url=stream_url),
    )


@role_required(ADMIN, MANAGER)
def wallboard_stream(request):
    schema = current_schema_name()
    queues = _queues(request)
    user = request.user
    return board_stream_response(
        schema=schema, read_board=lambda: manager_board(schema=schema, user=user, queues=queues)
    )
