"""A large, deterministic contacts file for crash tests: many batches, several agents and days."""

from __future__ import annotations

from pathlib import Path

HEADER = (
    "external_id,channel,queue,agent,customer_id,offered_at,answered_at,ended_at,"
    "talk_seconds,hold_seconds,acw_seconds,outcome,resolved\n"
)


def contacts_file(path: Path, rows: int) -> Path:
    with path.open("w") as out:
        out.write(HEADER)
        for i in range(rows):
            # in time order, as exports are: the first batches hold the first days only
            day = 2 + i * 20 // rows
            hour = 8 + i % 10
            minute = i % 60
            offered = f"2026-03-{day:02d}T{hour:02d}:{minute:02d}:00"
            if i % 9 == 0:
                out.write(f"g{i},voice,Q{i % 4},,C{i % 997},{offered},,{offered[:-2]}40,,,,abandoned,\n")
                continue
            answered = f"{offered[:-2]}{10 + i % 40:02d}"
            ended = f"2026-03-{day:02d}T{hour:02d}:{minute:02d}:59"
            resolved = ("true", "false", "")[i % 3]
            out.write(
                f"g{i},{('voice', 'chat')[i % 2]},Q{i % 4},ag.{i % 12},C{i % 997},{offered},{answered},{ended},"
                f"{30 + i % 300},{i % 7},{i % 50},answered,{resolved}\n"
            )
    return path
