"""Set-based bulk upserts: COPY a batch into a temp table, then one INSERT ... ON CONFLICT.

Each upsert returns (created, updated, errors). A row whose stored twin is identical is
left alone (the ``IS DISTINCT FROM`` guard), so re-importing a file reports it unchanged
and does not touch ``updated_at`` (which drives incremental KPI recomputes). ``updated_at``
is the statement's time, not the transaction's: an import inside a longer transaction must
still look newer than the moment it began.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pyarrow.csv as pa_csv
from django.db import connection

from accounts.models import Agent

from .ingestion.columnar import FORCE_NULL_COLUMNS, StagedRow, staged_table
from .ingestion.rows import ActivityRow, InteractionRow, RowError, ScheduleRow
from .models import AgentActivity, Interaction, InteractionType, Queue, ScheduleEntry

AGENT = Agent._meta.db_table
QUEUE = Queue._meta.db_table
ITYPE = InteractionType._meta.db_table
INTERACTION = Interaction._meta.db_table
ACTIVITY = AgentActivity._meta.db_table
SCHEDULE = ScheduleEntry._meta.db_table

_STAGES = {
    "interaction": """
        line int, external_id text, channel text, queue text, itype text, agent text,
        customer_id text, case_id text, initiated_at timestamptz, offered_at timestamptz,
        answered_at timestamptz, ended_at timestamptz, talk int, hold int, acw int,
        hold_count int, outcome text, transferred bool, resolved bool,
        callback_requested bool, missed_by text[], cost numeric, transcript text,
        source_updated_at timestamptz, live bool""",
    "activity": 'line int, agent text, state text, start timestamptz, "end" timestamptz, reason text, live bool',
    "schedule": 'line int, agent text, activity text, start timestamptz, "end" timestamptz',
    "response": "line int, external_id text, survey text, score int, responded_at timestamptz, comment text",
}


def stage_rows(
    cur, name: str, rows: list[tuple] | None = None, *, csv: bytes | None = None, force_null: tuple[str, ...] = ()
) -> str:
    """COPY ``rows`` (tuples) or ``csv`` (a CSV in the staging table's column order, from the
    columnar reader) into the staging table ``name``."""
    table = f"_stage_{name}"
    # ON COMMIT DELETE ROWS: the table survives for the connection, its rows do not, so
    # every batch (one transaction) starts empty without re-creating the table.
    cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({_STAGES[name]}) ON COMMIT DELETE ROWS")
    if name == "activity":  # probed per staged row by the overlap check
        cur.execute(f"CREATE INDEX IF NOT EXISTS {table}_key ON {table} (agent, start)")
    cur.execute(f"TRUNCATE {table}")
    if csv is not None:
        options = f", FORCE_NULL ({', '.join(force_null)})" if force_null else ""
        with cur.cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv{options})") as copy:
            copy.write(csv)
    else:
        with cur.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows or ():
                copy.write_row(row)
    # Temp tables are never auto-analyzed: without statistics the planner guesses and may
    # pick a scan of the whole target table over an index probe per staged row.
    cur.execute(f"ANALYZE {table}")
    return table


def created_updated(cur, total: int) -> tuple[int, int]:
    flags = [inserted for (inserted,) in cur.fetchall()]
    created = sum(1 for f in flags if f)
    return created, len(flags) - created


def _ensure_agents(cur, sql_logins: str) -> None:
    cur.execute(
        f"INSERT INTO {AGENT} (acd_login, display_name, created_at) "
        f"SELECT DISTINCT login, '', statement_timestamp() FROM ({sql_logins}) s(login) WHERE login IS NOT NULL "
        f"ON CONFLICT (acd_login) DO NOTHING"
    )


def _latest_per_contact(rows: list[InteractionRow]) -> list[InteractionRow]:
    """One row per external_id: INSERT ... ON CONFLICT cannot touch a row twice. Parsers
    already yield each contact once per batch; this keeps a slip from failing the import.
    The newest version wins (Amazon Connect), else the later line."""
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    latest: dict[str, InteractionRow] = {}
    for row in rows:
        kept = latest.get(row.external_id)
        if kept is None or (row.source_updated_at or oldest) >= (kept.source_updated_at or oldest):
            latest[row.external_id] = row
    return rows if len(latest) == len(rows) else list(latest.values())


def upsert_interactions(rows: list[InteractionRow]) -> tuple[int, int, list[RowError]]:
    rows = _latest_per_contact(rows)
    with connection.cursor() as cur:
        stage = stage_rows(
            cur,
            "interaction",
            [
                (
                    r.line,
                    r.external_id,
                    r.channel,
                    r.queue,
                    r.interaction_type,
                    r.agent,
                    r.customer_id,
                    r.case_id,
                    r.initiated_at,
                    r.offered_at,
                    r.answered_at,
                    r.ended_at,
                    r.talk_seconds,
                    r.hold_seconds,
                    r.acw_seconds,
                    r.hold_count,
                    r.outcome,
                    r.transferred,
                    r.resolved,
                    r.callback_requested,
                    r.missed_by,
                    r.cost,
                    r.transcript,
                    r.source_updated_at,
                    r.live,
                )
                for r in rows
            ],
        )
        return _merge_interactions(cur, stage)


def upsert_staged_interactions(rows: list[StagedRow]) -> tuple[int, int, list[RowError]]:
    """The columnar reader's rows: one COPY of the CSV text pyarrow writes, the same merge."""
    out = io.BytesIO()
    pa_csv.write_csv(staged_table(rows), out, pa_csv.WriteOptions(include_header=False))
    with connection.cursor() as cur:
        stage = stage_rows(cur, "interaction", csv=out.getvalue(), force_null=FORCE_NULL_COLUMNS)
        return _merge_interactions(cur, stage)


def _merge_interactions(cur, stage: str) -> tuple[int, int, list[RowError]]:
    for table, column in ((QUEUE, "queue"), (ITYPE, "itype")):
        cur.execute(
            f"INSERT INTO {table} (name, created_at) SELECT DISTINCT {column}, statement_timestamp() "
            f"FROM {stage} WHERE {column} IS NOT NULL ON CONFLICT (name) DO NOTHING"
        )
    _ensure_agents(cur, f"SELECT agent FROM {stage} UNION SELECT unnest(missed_by) FROM {stage}")
    columns = [
        "channel",
        "queue_id",
        "interaction_type_id",
        "agent_id",
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
        "source_updated_at",
        "live",
    ]
    stored = ", ".join(f"t.{c}" for c in columns)
    incoming = ", ".join(f"EXCLUDED.{c}" for c in columns)
    cur.execute(
        f"""
        INSERT INTO {INTERACTION} AS t (external_id, {", ".join(columns)}, updated_at)
        SELECT s.external_id, s.channel, q.id, it.id, a.id, s.customer_id, s.case_id,
               s.initiated_at, s.offered_at, s.answered_at, s.ended_at, s.talk, s.hold,
               s.acw, s.hold_count, s.outcome, s.transferred, s.resolved,
               s.callback_requested, s.missed_by, s.cost, s.transcript, s.source_updated_at,
               s.live, statement_timestamp()
        FROM {stage} s
        LEFT JOIN {QUEUE} q ON q.name = s.queue
        LEFT JOIN {ITYPE} it ON it.name = s.itype
        LEFT JOIN {AGENT} a ON a.acd_login = s.agent
        ON CONFLICT (external_id) DO UPDATE
           SET ({", ".join(columns)}, updated_at) = ({incoming}, statement_timestamp())
         WHERE ({stored}) IS DISTINCT FROM ({incoming})
           -- an older version of a contact (Amazon Connect) never replaces a newer one
           AND (t.source_updated_at IS NULL OR EXCLUDED.source_updated_at IS NULL
                OR EXCLUDED.source_updated_at >= t.source_updated_at)
           -- the batch import is the record: a (late, replayed) live event never replaces it
           AND (t.live OR NOT EXCLUDED.live)
        RETURNING (xmax = 0)
        """
    )
    created, updated = created_updated(cur, 0)
    return created, updated, []


def upsert_activity(rows: list[ActivityRow]) -> tuple[int, int, list[RowError]]:
    with connection.cursor() as cur:
        stage = stage_rows(
            cur, "activity", [(r.line, r.agent, r.state, r.start, r.end, r.reason, r.live) for r in rows]
        )
        _ensure_agents(cur, f"SELECT agent FROM {stage}")
        # The batch import is the record: intervals the live feed wrote where an imported one
        # lies give way to it (their starts rarely match the export's to the second).
        cur.execute(
            f"""
            DELETE FROM {ACTIVITY} t USING {stage} s JOIN {AGENT} a ON a.acd_login = s.agent
             WHERE NOT s.live AND t.live AND t.agent_id = a.id
               AND TSTZRANGE(t.start, t."end") && TSTZRANGE(s.start, s."end")
            """
        )
        # Overlaps inside the file are caught by the parser; here, against intervals stored
        # by earlier imports (except the ones this batch replaces under the same key).
        # Stored intervals of one agent never overlap, so only two can collide with a new
        # one: the last that starts before it, and the first that starts inside it. Both
        # are probes of the (agent, start) index: a range join over the whole history
        # made each batch slower than the last.
        cur.execute(
            f"""
            DELETE FROM {stage} d USING (
                SELECT s.ctid AS staged, s.line, s.agent, x.start, x."end"
                  FROM {stage} s JOIN {AGENT} a ON a.acd_login = s.agent
                  CROSS JOIN LATERAL (
                      (SELECT p.start, p."end" FROM {ACTIVITY} p
                        WHERE p.agent_id = a.id AND p.start < s.start
                        ORDER BY p.start DESC LIMIT 1)
                      UNION ALL
                      (SELECT n.start, n."end" FROM {ACTIVITY} n
                        WHERE n.agent_id = a.id AND n.start > s.start AND n.start < s."end"
                          AND NOT EXISTS (SELECT 1 FROM {stage} r
                                           WHERE r.agent = s.agent AND r.start = n.start)
                        ORDER BY n.start LIMIT 1)
                  ) x
                 WHERE x."end" > s.start
                   AND NOT EXISTS (SELECT 1 FROM {stage} r
                                    WHERE r.agent = s.agent AND r.start = x.start)
            ) bad
             WHERE d.ctid = bad.staged
            RETURNING bad.line, bad.agent, bad.start, bad."end"
            """
        )
        errors = [
            RowError(
                line,
                "start",
                f"overlaps the interval {start.isoformat()} – {end.isoformat()} of agent {agent} imported earlier",
            )
            for line, agent, start, end in sorted(set(cur.fetchall()))
        ]
        cur.execute(
            f"""
            INSERT INTO {ACTIVITY} AS t (agent_id, state, start, "end", reason, live, updated_at)
            SELECT a.id, s.state, s.start, s."end", s.reason, s.live, statement_timestamp()
              FROM {stage} s JOIN {AGENT} a ON a.acd_login = s.agent
            ON CONFLICT (agent_id, start) DO UPDATE
               SET (state, "end", reason, live, updated_at) =
                   (EXCLUDED.state, EXCLUDED."end", EXCLUDED.reason, EXCLUDED.live, statement_timestamp())
             WHERE (t.state, t."end", t.reason, t.live) IS DISTINCT FROM
                   (EXCLUDED.state, EXCLUDED."end", EXCLUDED.reason, EXCLUDED.live)
               AND (t.live OR NOT EXCLUDED.live)
            RETURNING (xmax = 0)
            """
        )
        created, updated = created_updated(cur, len(rows))
    return created, updated, _dedupe_lines(errors)


def upsert_schedule(rows: list[ScheduleRow]) -> tuple[int, int, list[RowError]]:
    with connection.cursor() as cur:
        stage = stage_rows(cur, "schedule", [(r.line, r.agent, r.activity, r.start, r.end) for r in rows])
        _ensure_agents(cur, f"SELECT agent FROM {stage}")
        cur.execute(
            f"""
            INSERT INTO {SCHEDULE} AS t (agent_id, activity, start, "end", updated_at)
            SELECT a.id, s.activity, s.start, s."end", statement_timestamp()
              FROM {stage} s JOIN {AGENT} a ON a.acd_login = s.agent
            ON CONFLICT (agent_id, start) DO UPDATE
               SET (activity, "end", updated_at) = (EXCLUDED.activity, EXCLUDED."end", statement_timestamp())
             WHERE (t.activity, t."end") IS DISTINCT FROM (EXCLUDED.activity, EXCLUDED."end")
            RETURNING (xmax = 0)
            """
        )
        created, updated = created_updated(cur, len(rows))
    return created, updated, []


def _dedupe_lines(errors: list[RowError]) -> list[RowError]:
    """One error per line, even when a row overlaps several stored intervals."""
    seen: set[int] = set()
    unique = []
    for error in errors:
        if error.line not in seen:
            seen.add(error.line)
            unique.append(error)
    return unique


Upsert = Callable[[list], tuple[int, int, list[RowError]]]

# The upsert of every row type a parser yields. Rows that land in a higher app's tables
# (survey responses) are registered by that app when Django starts (register_upsert in its
# AppConfig.ready): interactions sits below surveys and never imports it.
UPSERTS: dict[type, Upsert] = {
    InteractionRow: upsert_interactions,
    StagedRow: upsert_staged_interactions,
    ActivityRow: upsert_activity,
    ScheduleRow: upsert_schedule,
}


def register_upsert(row_type: type, upsert: Upsert) -> None:
    UPSERTS[row_type] = upsert
