"""The engine's day-sum models (scorecards/models_daysums.py, written out by hand) have exactly
the columns the engine fills from scorecards.families, in the same order."""

from scorecards.families import DAY_FAMILIES
from scorecards.models_daysums import DAY_MODELS


def test_every_family_has_a_model_with_its_table_and_columns():
    assert set(DAY_MODELS) == {family.name for family in DAY_FAMILIES}
    for family in DAY_FAMILIES:
        model = DAY_MODELS[family.name]
        assert model._meta.db_table == family.table
        columns = [field.column for field in model._meta.concrete_fields]
        assert columns == ["scope", "key", "day", *family.extra, *family.aggregates], family.name
        assert [field.name for field in model._meta.pk_fields] == ["scope", "key", "day", *family.extra]
