"""Kiosk wallboards: the page and stream a wall TV opens without login, and the admins'
settings page that creates and revokes them (live/kiosk.py)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from common.access import ADMIN, public_view, role_required
from tenants.current import current_schema_name

from .boards import kiosk_board, queue_names
from .forms import KioskBoardForm
from .kiosk import (
    KioskRevoked,
    KioskTokenInvalid,
    kiosk_board_create,
    kiosk_board_from_token,
    kiosk_board_is_active,
    kiosk_board_revoke,
    kiosk_boards_list,
    kiosk_channel,
    kiosk_token,
)
from .views import board_context
from .views_stream import board_stream_response


def _gone(request, *, revoked: bool):
    """410 for a revoked board, 404 for anything else (a bad or foreign token)."""
    return render(request, "live/kiosk_gone.html", {"revoked": revoked}, status=410 if revoked else 404)


def _board_or_gone(request, token: str):
    """(the kiosk board, None), or (None, the answer for a revoked board or a bad token)."""
    try:
        return kiosk_board_from_token(token), None
    except KioskRevoked:
        return None, _gone(request, revoked=True)
    except KioskTokenInvalid:
        return None, _gone(request, revoked=False)


@public_view
@never_cache
def kiosk(request, token: str):
    board, gone = _board_or_gone(request, token)
    if gone is not None:
        return gone
    schema = current_schema_name()
    return render(
        request,
        "live/kiosk.html",
        board_context(
            kiosk_board(schema=schema, queues=board.queues),
            kiosk_board=board,
            stream_url=reverse("kiosk_stream", args=[token]),
        ),
    )


@public_view
def kiosk_stream(request, token: str):
    board, gone = _board_or_gone(request, token)
    if gone is not None:
        return gone
    schema, board_id, queues = current_schema_name(), board.pk, list(board.queues)
    return board_stream_response(
        schema=schema,
        read_board=lambda: kiosk_board(schema=schema, queues=queues),
        stop_channel=kiosk_channel(schema, board_id),
        still_allowed=lambda: kiosk_board_is_active(board_id=board_id),
    )


@role_required(ADMIN)
def kiosk_list(request):
    names = queue_names(current_schema_name())
    form = KioskBoardForm(request.POST or None, queue_names=names)
    if request.method == "POST" and form.is_valid():
        board = kiosk_board_create(
            name=form.cleaned_data["name"], queues=form.cleaned_data["queues"], created_by=request.user
        )
        messages.success(request, _("Kiosk board “%(name)s” created: open its URL on the screen.") % {"name": board})
        return redirect("kiosk_list")
    boards = [
        (
            board,
            request.build_absolute_uri(reverse("kiosk", args=[kiosk_token(board=board)])) if board.is_active else "",
        )
        for board in kiosk_boards_list()
    ]
    return render(request, "live/kiosk_list.html", {"boards": boards, "form": form})


@role_required(ADMIN)
@require_POST
def kiosk_revoke(request, pk: int):
    board = get_object_or_404(kiosk_boards_list(), pk=pk)
    kiosk_board_revoke(board=board, by=request.user)
    messages.success(
        request, _("Kiosk board “%(name)s” revoked: its screen stops showing the board.") % {"name": board}
    )
    return redirect("kiosk_list")
