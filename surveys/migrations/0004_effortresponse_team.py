"""Effort answers belong to the team the agent was in when answering (EffortResponse.team).

Back-fill: the answers given before this migration are assigned to their agent's CURRENT team,
the only team we know for them (an agent moved before today takes her older answers along,
once, here). From now on the answering service stores the team at answer time and history never
moves with the agent.

The ``aes`` snapshots written under the old rule (exact sums, day and month grains, grouped by
the current team) are deleted; the next full recompute (``manage.py recompute_kpis --schema S``,
or the nightly run on Sunday) writes them again under the disclosure rule of docs/kpis.md.
"""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE surveys_effortresponse r SET team_id = a.team_id
  FROM accounts_agent a WHERE a.id = r.agent_id AND r.team_id IS NULL
"""
OLD_AES = "DELETE FROM scorecards_kpisnapshot WHERE kpi = 'aes'"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("scorecards", "0005_qa_moves_to_its_own_app"),
        ("surveys", "0003_survey_translations"),
    ]

    operations = [
        migrations.AddField(
            model_name="effortresponse",
            name="team",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.team",
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunSQL(OLD_AES, migrations.RunSQL.noop),
    ]
