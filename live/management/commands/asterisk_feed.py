"""Feed a tenant's live board from an Asterisk queue_log, as it is written.

    manage.py asterisk_feed --schema acme --follow /var/log/asterisk/queue_log
    tail -n +1 -F /var/log/asterisk/queue_log | manage.py asterisk_feed --schema acme -

``--follow`` behaves like ``tail -F``: it starts at the end (``--from-start`` to read the
file first), and when the log is rotated (renamed and a new one created, or truncated in
place) it finishes the old file, then reads the new one from its start. Lines are sent in
batches (``--batch-lines`` or ``--batch-seconds``, whichever comes first) to
``live.services.live_events_ingest``; replaying lines is harmless (natural event ids).
Errors go to stderr as ``file:line: field: reason``. SIGTERM or Ctrl-C: the pending batch is
sent, a JSON summary printed, exit 0.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from interactions.ingestion.limits import Limits
from live.asterisk import LiveItem, QueueLogLiveMapper
from live.services import live_events_ingest
from tenants.commands import tenant_for_schema

CHUNK = 64 * 1024


class LogFollower:
    """Complete lines of a growing file, across rotations; never blocks."""

    def __init__(self, path: Path, *, from_start: bool, line_bytes: int):
        self.path = path
        self.line_bytes = line_bytes
        self.file: BinaryIO | None = None
        self.inode = 0
        self.line = 0
        self.partial = b""
        self._open(skip_existing=not from_start)

    def _open(self, *, skip_existing: bool) -> None:
        self.file = self.path.open("rb")
        self.inode = os.fstat(self.file.fileno()).st_ino
        self.line, self.partial = 0, b""
        if skip_existing:  # count the lines passed over, so errors name the file's real lines
            for _ in self.available():
                pass

    def available(self) -> Iterator[tuple[int, str]]:
        """The complete lines written since the last call."""
        assert self.file is not None
        while True:
            chunk = self.file.readline(self.line_bytes + 1)
            if not chunk:
                return
            self.partial += chunk
            if self.partial.endswith(b"\n"):
                yield self._take()
            elif len(self.partial) > self.line_bytes:
                yield self._take()  # over-long: read's own check names it; the rest is another line

    def _take(self) -> tuple[int, str]:
        self.line += 1
        raw, self.partial = self.partial, b""
        return self.line, raw.decode("utf-8", "replace")

    def rotated(self) -> bool:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return False  # renamed, the new one not created yet: keep the old one
        assert self.file is not None
        return stat.st_ino != self.inode or stat.st_size < self.file.tell()

    def reopen(self) -> Iterator[tuple[int, str]]:
        """Finish the old file (a last line without its newline included), then open the new one."""
        yield from self.available()
        if self.partial:
            yield self._take()
        assert self.file is not None
        self.file.close()
        self._open(skip_existing=False)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


class Command(BaseCommand):
    help = "Tail an Asterisk queue_log (or read it from standard input) into a tenant's live board."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--follow", metavar="PATH", help="the queue_log to follow (tail -F)")
        parser.add_argument("source", nargs="?", help="- to read standard input until its end")
        parser.add_argument("--from-start", action="store_true", help="read the file from its start, not its end")
        parser.add_argument("--poll", type=float, default=0.2, help="seconds between looks at an idle file")
        parser.add_argument("--batch-lines", type=int, default=500)
        parser.add_argument("--batch-seconds", type=float, default=0.5)

    def handle(self, *args, **opts):
        if bool(opts["follow"]) == (opts["source"] == "-"):
            raise CommandError("give either --follow PATH or - (standard input)")
        if opts["source"] not in (None, "-"):
            raise CommandError(f"unexpected argument {opts['source']!r}: use --follow PATH or -")
        tenant = tenant_for_schema(opts["schema"])
        self.schema = opts["schema"]
        self.mapper = QueueLogLiveMapper(tz=zoneinfo.ZoneInfo(tenant.timezone))
        self.batch_lines, self.batch_seconds = opts["batch_lines"], opts["batch_seconds"]
        self.pending: list[LiveItem] = []
        self.pending_lines = 0
        self.pending_since = 0.0
        self.totals = {"lines": 0, "accepted": 0, "duplicates": 0, "errors": 0, "contacts_written": 0}
        self.totals["intervals_written"] = 0
        self.stopping = False
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        if opts["follow"]:
            self._follow(Path(opts["follow"]), from_start=opts["from_start"], poll=opts["poll"])
        else:
            self._stdin()
        self.stdout.write(json.dumps(self.totals))

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    # -- sources
    def _follow(self, path: Path, *, from_start: bool, poll: float) -> None:
        try:
            follower = LogFollower(path, from_start=from_start, line_bytes=Limits.from_settings().line_bytes)
        except OSError as exc:
            raise CommandError(f"cannot open {path}: {exc.strerror}") from None
        self.label = str(path)
        self.stderr.write(f"following {path} after line {follower.line}")
        try:
            while not self.stopping:
                got = False
                for line, text in follower.available():
                    got = True
                    self._add(line, text)
                    if self.stopping:
                        break
                if got:
                    continue
                self._flush()  # idle: what we have is as recent as it gets
                if follower.rotated():
                    for line, text in follower.reopen():
                        self._add(line, text)
                    self._flush()  # one file per batch: its errors name that file's lines
                    continue
                time.sleep(poll)
        finally:
            self._flush()
            follower.close()

    def _stdin(self) -> None:
        self.label = "stdin"
        fd = sys.stdin.fileno()
        partial, line = b"", 0
        try:
            while not self.stopping:
                ready, _, _ = select.select([fd], [], [], self.batch_seconds)
                if not ready:
                    self._flush()
                    continue
                chunk = os.read(fd, CHUNK)
                if not chunk:
                    break
                *complete, partial = (partial + chunk).split(b"\n")
                for raw in complete:
                    line += 1
                    self._add(line, raw.decode("utf-8", "replace"))
            if partial and not self.stopping:
                self._add(line + 1, partial.decode("utf-8", "replace"))
        finally:
            self._flush()

    # -- batching
    def _add(self, line: int, text: str) -> None:
        if not self.pending_lines:
            self.pending_since = time.monotonic()
        self.totals["lines"] += 1
        self.pending_lines += 1
        self.pending += self.mapper.feed(line, text)
        if self.pending_lines >= self.batch_lines or time.monotonic() - self.pending_since >= self.batch_seconds:
            self._flush()

    def _flush(self) -> None:
        if not self.pending_lines:
            return
        events, self.pending, self.pending_lines = self.pending, [], 0
        with schema_context(self.schema):
            summary = live_events_ingest(events=events, source="asterisk").as_dict()
        for key in ("accepted", "duplicates", "contacts_written", "intervals_written"):
            self.totals[key] += summary[key]
        self.totals["errors"] += len(summary["errors"])
        for error in summary["errors"]:
            self.stderr.write(f"{self.label}:{error['line']}: {error['field']}: {error['message']}")
