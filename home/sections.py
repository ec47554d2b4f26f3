"""One list of a home page: a few rows and a link to the page that has them all."""

from __future__ import annotations

from dataclasses import dataclass

SHOWN = 5  # rows per section


@dataclass
class Section:
    key: str
    rows: list
    more_url: str
    more: bool = False

    @classmethod
    def of(cls, key: str, queryset, more_url: str) -> Section:
        """Reads SHOWN + 1 rows (one query): enough to know there is more without counting."""
        rows = list(queryset[: SHOWN + 1])
        return cls(key, rows[:SHOWN], more_url, more=len(rows) > SHOWN)
