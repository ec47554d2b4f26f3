"""Automated QA checks on every contact: one set-based upsert per rule.

Each rule is one ``INSERT … SELECT … ON CONFLICT (rule_id, interaction_id) DO UPDATE … WHERE
(…) IS DISTINCT FROM (…)``, so a re-run of the same rules on the same data writes nothing and
the counts come from the database itself. Results live in QaCheckResult, apart from human
scores. ``qa_checks_run(since=started_at)``

Positions are 0-based character offsets into the transcript; ``matched`` is the transcript's
own text at that place. Hold and transfer rules need a transcript too: without one there is
no way to tell whether the notice or reason was given, so such contacts are not judged.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, Q

from .models import QaCheckResult, QaCheckRule, QaEvaluation
from .scoring import cohen_kappa

Kind = QaCheckRule.Kind

# passed, given pos = position(lower(phrase) in lower(transcript)) (0 when absent). Keyed by
# the plain string a rule's kind holds (each Kind is that string).
_PASSED_SQL: dict[str, str] = {
    Kind.REQUIRED_PHRASE: "s.pos > 0",
    Kind.FORBIDDEN_PHRASE: "s.pos = 0",
    Kind.HOLD_WITHOUT_NOTICE: "NOT (s.hold_seconds > %(threshold)s AND s.pos = 0)",
    Kind.TRANSFER_WITHOUT_REASON: "NOT (s.transferred AND s.pos = 0)",
}


def _rule_sql(rule: QaCheckRule, *, ids: list[int] | None, since: dt.datetime | None) -> tuple[str, dict]:
    params: dict = {"rule": rule.pk, "phrase": rule.phrase, "threshold": rule.threshold_seconds or 0}
    where = ["i.transcript <> ''"]
    channels = [c.strip() for c in rule.channels.split(",") if c.strip()]
    if channels:
        where.append("i.channel = ANY(%(channels)s)")
        params["channels"] = channels
    if ids is not None:
        where.append("i.id = ANY(%(ids)s)")
        params["ids"] = ids
    if since is not None:
        where.append("i.updated_at >= %(since)s")
        params["since"] = since
    # An empty phrase would "occur" everywhere: treat it as never found.
    pos = "CASE WHEN %(phrase)s = '' THEN 0 ELSE position(lower(%(phrase)s) in lower(i.transcript)) END"
    table = QaCheckResult._meta.db_table
    sql = f"""
        WITH s AS (
            SELECT i.id, i.hold_seconds, i.transferred, i.transcript, {pos} AS pos
              FROM interactions_interaction i
             WHERE {" AND ".join(where)}
        ), src AS (
            SELECT %(rule)s AS rule_id, s.id AS interaction_id, ({_PASSED_SQL[rule.kind]}) AS passed,
                   CASE WHEN s.pos > 0 THEN substr(s.transcript, s.pos, char_length(%(phrase)s))
                        ELSE '' END AS matched,
                   CASE WHEN s.pos > 0 THEN s.pos - 1 END AS position
              FROM s
        ), up AS (
            INSERT INTO {table} (rule_id, interaction_id, passed, matched, position, checked_at)
            SELECT rule_id, interaction_id, passed, matched, position, now() FROM src
            ON CONFLICT (rule_id, interaction_id) DO UPDATE
               SET passed = EXCLUDED.passed, matched = EXCLUDED.matched,
                   position = EXCLUDED.position, checked_at = EXCLUDED.checked_at
             WHERE ({table}.passed, {table}.matched, {table}.position)
                   IS DISTINCT FROM (EXCLUDED.passed, EXCLUDED.matched, EXCLUDED.position)
            RETURNING (xmax = 0) AS created
        )
        SELECT (SELECT count(*) FROM src), count(*) FILTER (WHERE created),
               count(*) FILTER (WHERE NOT created) FROM up"""
    return sql, params


def qa_checks_run(*, interactions=None, since: dt.datetime | None = None, rules=None) -> dict:
    """Run every active rule (or ``rules``) on the contacts (all, the given ones or those
    updated since ``since``). Returns {"checked", "created", "updated", "unchanged"}."""
    ids = None if interactions is None else [getattr(i, "pk", i) for i in interactions]
    rules = QaCheckRule.objects.filter(is_active=True) if rules is None else rules
    totals = {"checked": 0, "created": 0, "updated": 0}
    with connection.cursor() as cur:
        for rule in rules.order_by("pk") if hasattr(rules, "order_by") else rules:
            sql, params = _rule_sql(rule, ids=ids, since=since)
            cur.execute(sql, params)
            checked, created, updated = cur.fetchone()
            totals["checked"] += checked
            totals["created"] += created
            totals["updated"] += updated
    totals["unchanged"] = totals["checked"] - totals["created"] - totals["updated"]
    return totals


HUMAN_DONE = [QaEvaluation.Status.SUBMITTED, QaEvaluation.Status.ACKNOWLEDGED, QaEvaluation.Status.DISPUTED]


def rule_pairs(rule: QaCheckRule) -> list[tuple[bool, bool]]:
    """(rule passed, human said yes) per contact having both a result of the rule and a
    submitted, non-calibration human answer to the rule's question (the latest evaluation)."""
    if rule.question_id is None:
        return []
    from .models import QaAnswer

    results = dict(QaCheckResult.objects.filter(rule=rule).values_list("interaction_id", "passed"))
    answers = (
        QaAnswer.objects.filter(
            question_id=rule.question_id,
            not_applicable=False,
            value__isnull=False,
            evaluation__calibration__isnull=True,
            evaluation__status__in=HUMAN_DONE,
            evaluation__interaction_id__in=list(results),
        )
        .order_by("evaluation__interaction_id", "-evaluation__evaluated_at", "-evaluation_id")
        .values_list("evaluation__interaction_id", "value")
    )
    human: dict[int, bool] = {}
    for interaction_id, value in answers:
        human.setdefault(interaction_id, value == 1)  # yes/no questions: 1 is yes
    return [(results[i], yes) for i, yes in sorted(human.items())]


def agreement(rule: QaCheckRule) -> dict:
    pairs = rule_pairs(rule)
    n = len(pairs)
    agree = sum(a == b for a, b in pairs)
    return {"rule": rule, "n": n, "agreement_pct": 100 * agree / n if n else None, "kappa": cohen_kappa(pairs)}


def agreement_table() -> list[dict]:
    """Agreement and Cohen's kappa for every rule linked to a human question."""
    rules = (
        QaCheckRule.objects.filter(question__isnull=False)
        .select_related("question")
        .annotate(failed=Count("results", filter=Q(results__passed=False)))
        .order_by("name", "pk")
    )
    return [agreement(rule) for rule in rules]
