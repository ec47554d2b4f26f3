"""QA (qa_score, qa_compliance_rate): submitted evaluations (not drafts, not calibration
rounds), in the scopes and period of the contact they evaluate."""

from __future__ import annotations

from .common import CONTACT_SCOPES, grouping, unpivot, value


def qa() -> str:
    select, group_by = grouping(CONTACT_SCOPES)
    rows = """
        SELECT f.*, e.score_pct, e.compliance_failed
          FROM evaluations e JOIN d_facts f ON f.id = e.interaction_id
         WHERE e.status <> 'draft' AND e.calibration_id IS NULL AND e.score_pct IS NOT NULL"""
    groups = f"""
        SELECT {select}, count(*) AS evaluations, sum(score_pct) AS score, sum(score_pct ^ 2) AS score_sq,
               count(*) FILTER (NOT compliance_failed) AS compliant
          FROM ({rows}) r {group_by}"""
    return unpivot(
        "d_qa",
        groups,
        [
            value("qa_score", "g.score", "g.evaluations", pct=False, interval="mean", squares="g.score_sq"),
            value("qa_compliance_rate", "g.compliant", "g.evaluations", interval="wilson"),
        ],
    )


def statements(p: dict) -> list[tuple[str, str]]:
    return [("qa", qa())]
