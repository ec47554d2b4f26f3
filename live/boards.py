"""What each audience sees of the live board (live.state.board_read).

A manager sees the agents of the teams they manage, by name; an admin sees every agent. A
kiosk is a wall TV every agent walks past: it gets the figures and the counts of agents by
state, never a person (no names, no pause reasons, no time in state).
"""

from __future__ import annotations

from accounts.models import Agent, Role
from accounts.selectors import agents_visible_to
from interactions.models import Queue

from .state import board_read


def queue_names(schema: str) -> list[str]:
    """The queues one may pick: those the imports know, and those live today."""
    names = set(Queue.objects.values_list("name", flat=True))
    names.update(queue["name"] for queue in board_read(schema, agents=[])["queues"])
    return sorted(names)


def manager_board(*, schema: str, user, queues: list[str] | None = None) -> dict:
    """The board of a manager's wallboard: their teams' agents (every agent for an admin),
    with display names."""
    if user.role == Role.ADMIN:
        board = board_read(schema, queues=queues or None)
        names = dict(
            Agent.objects.filter(acd_login__in=[a["agent"] for a in board["agents"]]).values_list(
                "acd_login", "display_name"
            )
        )
    else:
        names = dict(agents_visible_to(fetched_by=user).values_list("acd_login", "display_name"))
        board = board_read(schema, queues=queues or None, agents=sorted(names))
        # the contract filters already; a manager's view must not rely on one function alone
        board["agents"] = [a for a in board["agents"] if a["agent"] in names]
    for agent in board["agents"]:
        agent["name"] = names.get(agent["agent"]) or agent["agent"]
    board["agents"].sort(key=lambda a: (a["name"].casefold(), a["agent"]))
    return board


def kiosk_board(*, schema: str, queues: list[str]) -> dict:
    """The board of a kiosk: figures and counts only."""
    board = board_read(schema, queues=queues or None, agents=[])
    board["agents"] = []
    return board


def board_is_empty(board: dict) -> bool:
    """No live data today: nothing offered, waiting or logged in (static/live/wallboard.js
    decides the same way)."""
    center = board["center"]
    return not (board["queues"] or center["offered"] or center["waiting"] or any(center["agents"].values()))
