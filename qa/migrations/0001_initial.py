"""QA moves out of scorecards into its own app: state only. The tables keep their names
(``Meta.db_table``) and their rows; scorecards 0003 created them, scorecards 0005 forgets them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ["qaform", "qaformversion", "qasection", "qaquestion", "qacalibration", "qaevaluation", "qaanswer",
          "qadispute", "qasamplingplan", "qacheckrule", "qacheckresult"]


def _relabel(apps, old: str, new: str) -> None:
    # Content types are matched by (app_label, model): relabelling keeps anything that points at
    # them (permissions, generic relations) instead of leaving stale rows and making new ones.
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def content_types_to_qa(apps, schema_editor):
    _relabel(apps, "scorecards", "qa")


def content_types_to_scorecards(apps, schema_editor):
    _relabel(apps, "qa", "scorecards")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('scorecards', '0004_engine_day_sums'),
        ('accounts', '0001_initial'),
        ('interactions', '0003_period_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='QaAnswer',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('value', models.SmallIntegerField(blank=True, null=True)),
                    ('not_applicable', models.BooleanField(default=False)),
                    ('comment', models.TextField(blank=True, default='')),
                ],
                options={
                    'db_table': 'scorecards_qaanswer',
                },
            ),
            migrations.CreateModel(
                name='QaForm',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=120, unique=True)),
                    ('is_active', models.BooleanField(default=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                ],
                options={
                    'db_table': 'scorecards_qaform',
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='QaQuestion',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('text', models.CharField(max_length=300)),
                    ('position', models.PositiveIntegerField(default=0)),
                    ('scale', models.CharField(choices=[('yes_no', 'Yes / no'), ('one_to_five', '1–5'), ('points', "Points (0 to the question's points)")], default='yes_no', max_length=12)),
                    ('points', models.PositiveIntegerField(default=1, help_text="The question's weight: points when fully met.")),
                    ('allow_na', models.BooleanField(default=False)),
                    ('compliance', models.CharField(blank=True, choices=[('', 'Not a compliance item'), ('auto_fail', 'Fails the whole evaluation'), ('section_fail', 'Fails its section')], default='', max_length=12)),
                ],
                options={
                    'db_table': 'scorecards_qaquestion',
                    'ordering': ['position', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='QaCalibration',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('interaction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='interactions.interaction')),
                ],
                options={
                    'db_table': 'scorecards_qacalibration',
                },
            ),
            migrations.CreateModel(
                name='QaDispute',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('reason', models.TextField()),
                    ('raised_at', models.DateTimeField(auto_now_add=True)),
                    ('decision', models.CharField(blank=True, choices=[('', 'Pending'), ('upheld', 'Upheld: the answer is changed'), ('rejected', 'Rejected: the answer stands')], default='', max_length=10)),
                    ('new_value', models.SmallIntegerField(blank=True, null=True)),
                    ('decision_note', models.TextField(blank=True, default='')),
                    ('decided_at', models.DateTimeField(blank=True, null=True)),
                    ('answer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='disputes', to='qa.qaanswer')),
                    ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('raised_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'scorecards_qadispute',
                },
            ),
            migrations.CreateModel(
                name='QaEvaluation',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('acknowledged', 'Acknowledged'), ('disputed', 'Disputed')], default='draft', max_length=12)),
                    ('score_pct', models.FloatField(blank=True, null=True)),
                    ('compliance_failed', models.BooleanField(default=False)),
                    ('evaluated_at', models.DateTimeField(blank=True, null=True)),
                    ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('calibration', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='evaluations', to='qa.qacalibration')),
                    ('interaction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='qa_evaluations', to='interactions.interaction')),
                    ('reviewer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'scorecards_qaevaluation',
                    'ordering': ['-created_at'],
                },
            ),
            migrations.AddField(
                model_name='qacalibration',
                name='agreed',
                field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='qa.qaevaluation'),
            ),
            migrations.AddField(
                model_name='qaanswer',
                name='evaluation',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='qa.qaevaluation'),
            ),
            migrations.CreateModel(
                name='QaFormVersion',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('number', models.PositiveIntegerField()),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('form', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='qa.qaform')),
                ],
                options={
                    'db_table': 'scorecards_qaformversion',
                    'ordering': ['form', '-number'],
                },
            ),
            migrations.AddField(
                model_name='qaevaluation',
                name='version',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evaluations', to='qa.qaformversion'),
            ),
            migrations.AddField(
                model_name='qacalibration',
                name='version',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='qa.qaformversion'),
            ),
            migrations.CreateModel(
                name='QaCheckRule',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=120)),
                    ('kind', models.CharField(choices=[('required_phrase', 'Required phrase'), ('forbidden_phrase', 'Forbidden phrase'), ('hold_notice', 'Hold longer than N seconds without a hold notice'), ('transfer_reason', 'Transfer without a stated reason')], max_length=16)),
                    ('phrase', models.CharField(blank=True, default='', help_text='The phrase (case-insensitive); for hold and transfer rules, the notice or reason.', max_length=300)),
                    ('threshold_seconds', models.PositiveIntegerField(blank=True, null=True)),
                    ('channels', models.CharField(blank=True, default='', help_text='Comma-separated; empty: all.', max_length=60)),
                    ('is_active', models.BooleanField(default=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('question', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='qa.qaquestion')),
                ],
                options={
                    'db_table': 'scorecards_qacheckrule',
                },
            ),
            migrations.AddField(
                model_name='qaanswer',
                name='question',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='qa.qaquestion'),
            ),
            migrations.CreateModel(
                name='QaSamplingPlan',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('per_agent_per_week', models.PositiveIntegerField(default=4)),
                    ('is_active', models.BooleanField(default=True)),
                    ('form', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='qa.qaform')),
                    ('team', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='qa_plan', to='accounts.team')),
                ],
                options={
                    'db_table': 'scorecards_qasamplingplan',
                },
            ),
            migrations.CreateModel(
                name='QaSection',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(max_length=200)),
                    ('position', models.PositiveIntegerField(default=0)),
                    ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sections', to='qa.qaformversion')),
                ],
                options={
                    'db_table': 'scorecards_qasection',
                    'ordering': ['position', 'pk'],
                },
            ),
            migrations.AddField(
                model_name='qaquestion',
                name='section',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='qa.qasection'),
            ),
            migrations.CreateModel(
                name='QaCheckResult',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('passed', models.BooleanField()),
                    ('matched', models.CharField(blank=True, default='', max_length=300)),
                    ('position', models.IntegerField(blank=True, null=True)),
                    ('checked_at', models.DateTimeField()),
                    ('interaction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='qa_check_results', to='interactions.interaction')),
                    ('rule', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='results', to='qa.qacheckrule')),
                ],
                options={
                    'db_table': 'scorecards_qacheckresult',
                    'constraints': [models.UniqueConstraint(fields=('rule', 'interaction'), name='qa_check_result_key')],
                },
            ),
            migrations.AddConstraint(
                model_name='qaformversion',
                constraint=models.UniqueConstraint(fields=('form', 'number'), name='qa_form_version_key'),
            ),
            migrations.AddConstraint(
                model_name='qaanswer',
                constraint=models.UniqueConstraint(fields=('evaluation', 'question'), name='qa_answer_key'),
            ),
            ]),
        migrations.RunPython(content_types_to_qa, content_types_to_scorecards),
    ]
