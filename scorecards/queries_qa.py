"""The QA family of the KPI engine: submitted evaluations (qa_score, qa_compliance_rate) in the
scopes and period of the contact they evaluate (from ``kpi_facts``: queries_facts.py). The
evaluations themselves are the QA pages' (scorecards/qa_*.py).
"""

from __future__ import annotations

from .families import QA
from .queries import ratio, rolled, store, upsert


def store_qa(everything: bool) -> list[str]:
    """Submitted evaluations (not drafts, not calibration) in the scopes and period of the
    contact they evaluate, as survey answers are."""
    evaluations = """(
        SELECT f.*, e.score_pct, e.compliance_failed
          FROM scorecards_qaevaluation e JOIN kpi_facts f ON f.id = e.interaction_id
         WHERE e.status <> 'draft' AND e.calibration_id IS NULL AND e.score_pct IS NOT NULL) f"""
    return store(QA, evaluations, everything=everything)


def qa() -> str:
    return upsert(
        groups=rolled(QA),
        values=[
            ratio("qa_score", "g.score", "g.evaluations", pct=False, interval="mean", squares="g.score_sq"),
            ratio("qa_compliance_rate", "g.compliant", "g.evaluations", interval="wilson"),
        ],
    )
