"""Imports: parse a file as a stream, upsert it in batches, record the run.

``import_stream`` is the one path every import takes (web page, API, CLI, Celery task,
demo data). It never holds a whole file: rows are parsed lazily and flushed every
``BATCH_SIZE`` rows, each batch in its own transaction, so a 1M-row file runs in bounded
memory and a crash leaves a consistent, re-runnable state (imports are idempotent).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import Action
from audit.context import Actor, acting_as
from audit.services import audit_record
from common.followups import Event, announce
from common.uploads import UploadTooLarge
from tenants.current import TenantSuspended, current_schema_name, current_tenant, ensure_tenant_active

from . import liveness
from .ingestion import PARSERS
from .ingestion.columnar import StagedRow
from .ingestion.rows import FileUnreadable, InteractionRow, RowError, RowWarning, name_too_long
from .models import ImportRun
from .upserts import UPSERTS

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
# The summary keeps this many error (and warning) details; the counts stay exact beyond it.
MAX_ERRORS_KEPT = 10_000


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    warned: int = 0

    def reject(self, error: RowError) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error.as_dict())

    def warn(self, warning: RowWarning) -> None:
        self.warned += 1
        if len(self.warnings) < MAX_ERRORS_KEPT:
            self.warnings.append(warning.as_dict())

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def as_dict(self) -> dict:
        data = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": sorted(self.errors, key=lambda e: e["line"]),
        }
        if self.rejected > len(self.errors):
            data["errors_omitted"] = self.rejected - len(self.errors)
        # Rows that landed with a value left out, unknown columns, ignored events.
        data["warnings"] = sorted(self.warnings, key=lambda w: w["line"])
        if self.warned > len(self.warnings):
            data["warnings_omitted"] = self.warned - len(self.warnings)
        return data


def import_rows(
    items: Iterable, *, summary: ImportSummary | None = None, on_batch: Callable[[ImportSummary], None] | None = None
) -> ImportSummary:
    """Upsert parsed rows (and count RowErrors/RowWarnings) in batches.

    ``import_rows(PARSERS["schedule"](fh, tz=tz))``; the demo data generator feeds it too.
    """
    summary = summary or ImportSummary()
    batches: dict[type, list] = {row_type: [] for row_type in UPSERTS}

    def flush(row_type: type) -> None:
        if row_type is not InteractionRow:
            # Survey responses refer to interactions: land those first, whatever the order
            # in which the batches filled up.
            flush(InteractionRow)
        batch = batches[row_type]
        if not batch:
            return
        with transaction.atomic():
            created, updated, errors = UPSERTS[row_type](batch)
        for error in errors:
            summary.reject(error)
        summary.created += created
        summary.updated += updated
        summary.unchanged += len(batch) - len(errors) - created - updated
        batch.clear()
        if on_batch:
            on_batch(summary)

    staged = batches[StagedRow]
    for item in items:
        if type(item) is StagedRow:  # the bulk of a canonical CSV: checked already, in columns
            staged.append(item)
            if len(staged) >= BATCH_SIZE:
                flush(StagedRow)
        elif isinstance(item, RowError):
            summary.reject(item)
        elif isinstance(item, RowWarning):
            summary.warn(item)
        elif (too_long := name_too_long(item)) is not None:
            summary.reject(too_long)
        else:
            batch = batches.get(type(item))
            if batch is None:
                raise ImproperlyConfigured(f"no upsert for {type(item).__name__}: is the app it lands in installed?")
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
                flush(type(item))
    for row_type in batches:
        flush(row_type)
    return summary


def import_stream(
    *, kind: str, stream: BinaryIO, tz: zoneinfo.ZoneInfo, on_batch: Callable[[ImportSummary], None] | None = None
) -> ImportSummary:
    """Parse and upsert one file. Raises FileUnreadable when the file as a whole is bad, and
    TenantSuspended (writing nothing) when the contact center is suspended."""
    ensure_tenant_active()
    if kind not in PARSERS:
        raise FileUnreadable(f"unknown import kind {kind!r}; expected one of {', '.join(PARSERS)}")
    return import_rows(PARSERS[kind](stream, tz=tz), on_batch=on_batch)


def _tenant_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(current_tenant().timezone)


def import_run_create(
    *, kind: str, file_name: str, file_size: int, created_by=None, created_by_label: str = "", source: str = "web"
) -> ImportRun:
    ensure_tenant_active()  # a suspended contact center gets no import, not even a queued one
    if file_size > settings.IMPORT_MAX_UPLOAD_BYTES:  # every entry point creates its run here
        raise UploadTooLarge(file_size, settings.IMPORT_MAX_UPLOAD_BYTES, "IMPORT_MAX_UPLOAD_BYTES")
    user = created_by if getattr(created_by, "pk", None) else None
    label = created_by_label or (getattr(user, "email", "") or str(created_by or ""))
    return ImportRun.objects.create(
        kind=kind,
        file_name=file_name[:255],
        file_size=file_size,
        created_by=user,
        created_by_label=label,
        source=source,
    )


def import_run_execute(*, run: ImportRun, stream: BinaryIO, recompute: str = "async") -> ImportRun:
    """Run an import synchronously, keeping the ImportRun's progress and summary current.

    Then the KPIs of the periods it changed are recomputed: ``recompute`` is "async"
    (a Celery task, for web and API requests and the import worker), "sync" (CLI) or "none".
    A suspended tenant's run is refused before it starts (TenantSuspended): it stays as it was.
    Any other failure ends the run FAILED with its reason (import_run_fail).
    """
    ensure_tenant_active()
    # Runs a dead process left RUNNING are ended first, and their rows reach the KPIs.
    import_runs_reap(mode=recompute)
    run.status = ImportRun.Status.RUNNING
    run.started_at = run.heartbeat_at = timezone.now()
    run.owner = liveness.owner_label()
    run.save(update_fields=["status", "started_at", "owner", "heartbeat_at"])

    def progress(summary: ImportSummary) -> None:
        position = stream.tell() if hasattr(stream, "tell") else 0
        ImportRun.objects.filter(pk=run.pk).update(
            bytes_processed=position, rows_processed=summary.rows, heartbeat_at=timezone.now()
        )

    # Everything the import changes (a customer's answer it overwrites, the run's own row) is
    # recorded as the person or key that started it, also when a worker runs it later.
    actor = Actor(run.created_by_id, run.created_by_label) if run.created_by_label else None
    with acting_as(actor) if actor else nullcontext():
        try:
            return _import_run_execute(run=run, stream=stream, recompute=recompute, progress=progress)
        except (TenantSuspended, OperationalError, InterfaceError):
            # Suspension: the run is left as it was. Database gone: nothing can be recorded
            # now; the run stays RUNNING under this process, and the task's retry (or the
            # reaper, once this process is gone) ends it.
            raise
        except Exception as exc:
            logger.exception("import run %s failed", run.pk)
            return import_run_fail(run=run, reason=_failure_reason(exc, run), recompute=recompute)


def _import_run_execute(*, run: ImportRun, stream: BinaryIO, recompute: str, progress) -> ImportRun:
    try:
        summary = import_stream(kind=run.kind, stream=stream, tz=_tenant_tz(), on_batch=progress)
    except FileUnreadable as exc:
        run.summary = {
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "rejected": 0,
            "errors": [{"line": 0, "field": "*", "message": str(exc)}],
        }
        return import_run_fail(run=run, reason=str(exc), recompute=recompute)
    run.summary = summary.as_dict()
    run.rows_processed = summary.rows
    run.bytes_processed = run.file_size
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["summary", "rows_processed", "bytes_processed", "heartbeat_at"])
    if summary.created or summary.updated:
        # KPIs, survey follow-ups and invitations, QA checks: pipeline/followups.py. Before the
        # run is DONE: a process killed during a synchronous recompute leaves it RUNNING, and
        # the reaper recomputes what it imported (a re-run would find every row unchanged).
        announce(Event.IMPORT_COMMITTED, started_at=run.started_at, mode=recompute)
    run.status = ImportRun.Status.DONE
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save()
        _import_audit(run)
    return run


def _failure_reason(exc: Exception, run: ImportRun) -> str:
    saved = ImportRun.objects.filter(pk=run.pk).values_list("rows_processed", flat=True).first() or 0
    detail = str(exc) or type(exc).__name__
    return str(
        _(
            "The import stopped after %(rows)s lines: %(detail)s. The lines before were saved; "
            "importing the file again completes it without duplicating them."
        )
        % {"rows": saved, "detail": detail}
    )


def import_run_fail(*, run: ImportRun, reason: str, recompute: str) -> ImportRun:
    """End a run FAILED with ``reason`` (shown on its page and in the API), in a transaction of its
    own so that it sticks whatever the failing work left behind. Rows earlier batches committed
    stay (re-running the file converges on them); their KPIs and follow-ups are brought up to
    date, best effort: the nightly recompute catches what this cannot."""
    run.status = ImportRun.Status.FAILED
    run.error_message = reason
    run.finished_at = timezone.now()
    run.summary = run.summary or {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0, "errors": []}
    with transaction.atomic():
        run.save()
        _import_audit(run)
    _followups_after_failure(run, recompute)
    return run


def _followups_after_failure(run: ImportRun, mode: str) -> None:
    if run.started_at is None:
        return
    try:
        with transaction.atomic():
            announce(Event.IMPORT_COMMITTED, started_at=run.started_at, mode=mode)
    except Exception:
        logger.exception("follow-ups of failed import run %s", run.pk)


INTERRUPTED = _("interrupted (worker stopped); run the import again")


def import_runs_reap(*, mode: str = "async") -> list[int]:
    """End the current tenant's RUNNING imports whose process is gone: FAILED, "interrupted", and
    what their batches committed goes on to the KPIs. Returns the ids it ended.

    Called before every import starts, when a worker starts (interactions/signals.py) and by
    beat. Interrupted runs are not resumed: the person who started one sees why it failed and
    imports the file again (idempotent), which a silent resume would hide."""
    now = timezone.now()
    stale_after = dt.timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)
    reaped = []
    candidates = ImportRun.objects.filter(status=ImportRun.Status.RUNNING).exclude(owner=liveness.owner_label())
    for run_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            # skip_locked: two reapers (two workers starting) never end one run twice
            run = ImportRun.objects.select_for_update(skip_locked=True).filter(pk=run_id).first()
            if run is None or run.status != ImportRun.Status.RUNNING:
                continue
            if liveness.owner_is_alive(run.owner, run.heartbeat_at, now=now, stale_after=stale_after):
                continue
            logger.warning("import run %s of %s: owner %s is gone", run.pk, current_schema_name(), run.owner)
            import_run_fail(run=run, reason=str(INTERRUPTED), recompute=mode)
            reaped.append(run.pk)
    return reaped


def _import_audit(run: ImportRun) -> None:
    """One row per run, when it ends: who, which file, what came of it. A worker runs large
    imports long after the request, so the actor is the one the run recorded."""
    counts = {k: run.summary.get(k, 0) for k in ("created", "updated", "unchanged", "rejected")}
    audit_record(
        action=Action.IMPORT_RUN,
        obj=run,
        object_label=f"{run.get_kind_display()}: {run.file_name}",
        after={
            "kind": run.kind,
            "file_name": run.file_name,
            "file_size": run.file_size,
            "source": run.source,
            "status": run.status,
            **counts,
            "error": run.error_message,
        },
    )


def import_upload_store(*, run: ImportRun, upload) -> Path:
    """Keep an uploaded file on disk for the Celery worker (large imports)."""
    folder = Path(settings.MEDIA_ROOT) / "imports" / current_schema_name()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run.pk}.upload"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    run.stored_file = str(path)
    run.save(update_fields=["stored_file"])
    return path


def import_run_execute_stored(*, run_id: int) -> ImportRun:
    """The Celery task's body: import the stored upload, then remove it."""
    run = ImportRun.objects.get(pk=run_id)
    if run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED):
        return run  # a redelivered task must not import twice
    if run.status == ImportRun.Status.RUNNING and not liveness.is_own(run.owner):
        stale_after = dt.timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)
        if liveness.owner_is_alive(run.owner, run.heartbeat_at, now=timezone.now(), stale_after=stale_after):
            return run  # redelivered while another worker still runs it
    # RUNNING under this process: our own retry after the database came back; under a dead
    # one: a redelivery after the worker died. Either way the file is imported again (idempotent).
    path = Path(run.stored_file)
    with path.open("rb") as stream:
        # "async": the KPIs through the tenant's coalesced recompute (scorecards.recompute_requests);
        # recomputing here would wait on the tenant's lock while holding an import worker.
        run = import_run_execute(run=run, stream=stream, recompute="async")
    path.unlink(missing_ok=True)
    return run


def import_submit(
    *,
    kind: str,
    upload,
    created_by=None,
    created_by_label: str = "",
    source: str = "web",
    run_async: bool | None = None,
) -> ImportRun:
    """Import an uploaded file: small files now, large ones through a Celery task.

    ``run_async=None`` decides by size (IMPORT_ASYNC_THRESHOLD_BYTES).
    """
    from .tasks import import_run_task

    run = import_run_create(
        kind=kind,
        file_name=upload.name,
        file_size=upload.size,
        created_by=created_by,
        created_by_label=created_by_label,
        source=source,
    )
    if run_async is None:
        run_async = upload.size > settings.IMPORT_ASYNC_THRESHOLD_BYTES
    if not run_async:
        upload.seek(0)
        return import_run_execute(run=run, stream=upload.file)
    import_upload_store(run=run, upload=upload)
    # Commit first: the worker must find the run and its file.
    transaction.on_commit(
        lambda: import_run_task.apply_async(args=[run.pk], headers={"_schema_name": current_schema_name()})
    )
    return run
