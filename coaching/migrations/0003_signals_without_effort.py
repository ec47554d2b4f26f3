"""Burnout signals no longer carry the agent's effort trend (issue 11): the flag is removed
from stored facts, and a burnout signal that held on that flag alone is deleted (a session
started from it keeps its notes; its link to the signal becomes empty)."""

from django.db import migrations


def forget_effort(apps, schema_editor):
    Signal = apps.get_model("coaching", "Signal")
    for signal in Signal.objects.filter(kind="burnout_risk", facts__has_key="effort_rising"):
        facts = dict(signal.facts)
        facts.pop("effort_rising", None)
        if facts.get("occupancy_risk") or facts.get("recovery_risk"):
            signal.facts = facts
            signal.save(update_fields=["facts"])
        else:
            signal.delete()


class Migration(migrations.Migration):
    dependencies = [("coaching", "0002_evidence_qa_evaluation")]

    operations = [migrations.RunPython(forget_effort, migrations.RunPython.noop)]
