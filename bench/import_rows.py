"""Import throughput and memory: a canonical CSV of N rows through `manage.py import_data`.

Usage: .venv/bin/python bench/import_rows.py [--rows 1000000] [--readers]

Prints rows/s for a first import (all created) and a re-import (all unchanged), the peak
RSS of the importing process, and the ratio to a reference run in the same process: a bare
PostgreSQL ``COPY`` of the same file into an unindexed table (the floor any loader pays).
With --readers: only the readers, nothing written (the per-row reader on the first 100k rows).
Not a test: numbers depend on the machine; ratios are what to compare between commits.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import resource
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from interactions.demo import demo_plan, generate  # noqa: E402
from interactions.ingestion.rows import InteractionRow  # noqa: E402
from tenants.models import Tenant  # noqa: E402
from tenants.services import tenant_create, tenant_drop  # noqa: E402

COLUMNS = [
    "external_id",
    "channel",
    "queue",
    "interaction_type",
    "agent",
    "customer_id",
    "case_id",
    "initiated_at",
    "offered_at",
    "answered_at",
    "ended_at",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "hold_count",
    "outcome",
    "transferred",
    "resolved",
    "callback_requested",
    "missed_by",
    "cost",
    "transcript",
]
SCHEMA = "bench_import"
TZ = zoneinfo.ZoneInfo("Europe/Berlin")


def write_csv(path: Path, rows: int) -> None:
    plan = demo_plan(agents=200)
    days = max(1, rows // (200 * 40))
    written = 0
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for row in generate(plan, start=dt.date(2026, 1, 5), days=days * 3, tz=TZ):
            if not isinstance(row, InteractionRow):
                continue
            out.writerow([_cell(getattr(row, c)) for c in COLUMNS])
            written += 1
            if written >= rows:
                return
    raise SystemExit(f"generator produced only {written} rows")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return value


def import_once(path: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `import_data` run in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.perf_counter()
    # --no-recompute: this measures ingestion; the KPI engine has its own benchmark (kpis.py)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_data",
            "--schema",
            SCHEMA,
            "--kind",
            "interactions",
            "--no-recompute",
            str(path),
        ],
        cwd=ROOT,
        check=True,
        # the 1M-row file is larger than an upload may be; the limit is not what is measured
        env={**os.environ, "IMPORT_MAX_UPLOAD_BYTES": str(1 << 40)},
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def reference_copy(path: Path) -> float:
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_ref (" + ", ".join(f"{c} text" for c in COLUMNS) + ")")
        began = time.perf_counter()
        with path.open("rb") as fh, cur.cursor.copy("COPY bench_ref FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - began
        cur.execute("DROP TABLE bench_ref")
    return seconds


def read_only(path: Path, parse) -> float:
    """Seconds to read and check the whole file with ``parse``, nothing written."""
    began = time.perf_counter()
    with path.open("rb") as fh:
        for _ in parse(fh, tz=TZ):
            pass
    return time.perf_counter() - began


def readers(path: Path, rows: int, sample_rows: int) -> None:
    """The readers alone against the same COPY: where the time goes that is not the database's."""
    from interactions.ingestion import canonical
    from interactions.ingestion.columnar import parse_interactions

    sample = path.with_name(f"interactions-{rows}-head-{sample_rows}.csv")
    with path.open("rb") as src, sample.open("wb") as out:
        for _ in range(sample_rows + 1):
            out.write(src.readline())
    ref = reference_copy(path)
    columnar = read_only(path, parse_interactions)
    per_row, columnar_sample = read_only(sample, canonical.parse), read_only(sample, parse_interactions)
    print(f"reference COPY into a bare table: {rows / ref:,.0f} rows/s ({ref:.1f}s)")
    print(
        f"columnar reader, {rows:,} rows: {rows / columnar:,.0f} rows/s ({columnar:.1f}s), {columnar / ref:.1f}x COPY"
    )
    print(
        f"first {sample_rows:,} rows: per-row reader {sample_rows / per_row:,.0f} rows/s, "
        f"columnar {sample_rows / columnar_sample:,.0f} rows/s ({per_row / columnar_sample:.1f}x faster)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--readers", action="store_true", help="the readers alone, no import")
    args = parser.parse_args()
    folder = ROOT / ".data" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"interactions-{args.rows}.csv"
    if not path.exists():
        print(f"writing {args.rows:,} rows to {path} ...", flush=True)
        write_csv(path, args.rows)
    if args.readers:
        readers(path, args.rows, min(args.rows, 100_000))
        return
    existing = Tenant.objects.filter(schema_name=SCHEMA).first()
    if existing:
        tenant_drop(tenant=existing)
    tenant = tenant_create(schema=SCHEMA, domain="bench-import.localhost", name="Bench")
    try:
        ref = reference_copy(path)
        first, rss_first = import_once(path)
        again, rss_again = import_once(path)
    finally:
        tenant_drop(tenant=tenant)
    size_mb = path.stat().st_size / 1e6
    print(f"file: {args.rows:,} rows, {size_mb:,.0f} MB")
    print(f"reference COPY into a bare table: {args.rows / ref:,.0f} rows/s ({ref:.1f}s)")
    print(
        f"first import (all created):   {args.rows / first:,.0f} rows/s ({first:.1f}s), "
        f"ratio to COPY {first / ref:.1f}x, peak RSS {rss_first:,.0f} MB"
    )
    print(
        f"re-import (all unchanged):    {args.rows / again:,.0f} rows/s ({again:.1f}s), "
        f"ratio to COPY {again / ref:.1f}x, peak RSS {rss_again:,.0f} MB"
    )


if __name__ == "__main__":
    main()
