"""Kiosk wallboards: their signed URLs, and creating and revoking them.

A kiosk URL works without login, so the token is all the authority there is: it is signed
(django.core.signing, a salt of its own so no other signed value of Callwell passes for it)
and names the schema, the board and the board's nonce. It stays valid until an admin revokes
the board; revoking also ends the streams open on it, through a Redis message.

    board = kiosk_board_create(name="Floor 2", queues=["Billing"], created_by=ada)
    token = kiosk_token(board=board)          # /live/kiosk/<token>/
    kiosk_board_revoke(board=board, by=ada)  # the URL answers 410 from now on
"""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.actions import Action
from audit.services import audit_record
from tenants.current import current_schema_name

from .models import KioskBoard
from .state import redis_client

TOKEN_SALT = "callwell.live.kiosk"


class KioskTokenInvalid(Exception):
    """A bad signature, another tenant's token, or a board that does not exist (here)."""


class KioskRevoked(Exception):
    def __init__(self, board: KioskBoard):
        super().__init__(f"kiosk board {board.pk} was revoked")
        self.board = board


def kiosk_channel(schema: str, board_id: int) -> str:
    """The Redis channel told when a board is revoked, so its open streams end at once."""
    return f"live:{schema}:kiosk:{board_id}"


def kiosk_token(*, board: KioskBoard) -> str:
    return signing.dumps({"s": current_schema_name(), "b": board.pk, "n": board.nonce}, salt=TOKEN_SALT)


def kiosk_board_from_token(token: str) -> KioskBoard:
    """The active board of ``token`` in the current tenant; raises KioskTokenInvalid or
    KioskRevoked."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature as error:
        raise KioskTokenInvalid("bad signature") from error
    if not isinstance(payload, dict) or payload.get("s") != current_schema_name():
        raise KioskTokenInvalid("another contact center's token")
    board = KioskBoard.objects.filter(pk=payload.get("b"), nonce=payload.get("n")).first()
    if board is None:
        raise KioskTokenInvalid("no such board")
    if not board.is_active:
        raise KioskRevoked(board)
    return board


def kiosk_board_is_active(*, board_id: int) -> bool:
    return KioskBoard.objects.filter(pk=board_id, revoked_at__isnull=True).exists()


def kiosk_boards_list() -> QuerySet[KioskBoard]:
    return KioskBoard.objects.select_related("created_by", "revoked_by")


@transaction.atomic
def kiosk_board_create(*, name: str, queues: list[str], created_by=None) -> KioskBoard:
    board = KioskBoard.objects.create(name=name, queues=sorted(set(queues)), created_by=created_by)
    audit_record(action=Action.KIOSK_CREATE, obj=board, after={"name": name, "queues": board.queues}, actor=created_by)
    return board


@transaction.atomic
def kiosk_board_revoke(*, board: KioskBoard, by=None) -> KioskBoard:
    """Revoke a board (once: revoking a revoked board changes and records nothing). Its open
    streams are told after the commit and end."""
    revoked = KioskBoard.objects.filter(pk=board.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    board.refresh_from_db(fields=["revoked_at", "revoked_by"])
    if revoked:
        audit_record(
            action=Action.KIOSK_REVOKE,
            obj=board,
            before={"revoked_at": None},
            after={"revoked_at": board.revoked_at},
            actor=by,
        )
        channel = kiosk_channel(current_schema_name(), board.pk)
        transaction.on_commit(lambda: _publish(channel))
    return board


def _publish(channel: str) -> None:
    redis_client().publish(channel, "revoked")
