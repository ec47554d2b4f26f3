"""SQL twins of scorecards.calculators.wilson_interval / net_score_interval.

The engine computes every interval inside its set-based statements, so the maths must
exist in SQL too; tests/scorecards/test_engine_sql.py checks the twins agree. The bodies are
single expressions (no FROM) so PostgreSQL inlines them instead of calling a function per row.
"""

from django.db import migrations

Z = "1.959963984540054"
S = "(least(greatest(s0, 0.0), n))"  # a numerator beyond its denominator is clamped, never sqrt(< 0)
P = f"({S} / n)"

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION cw_wilson_low(s0 float8, n float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN n > 0 THEN greatest(0.0, (
    ({P} + {Z}^2 / (2 * n)) - {Z} * sqrt(greatest(0.0, {P} * (1 - {P}) / n + {Z}^2 / (4 * n * n)))
  ) / (1 + {Z}^2 / n)) * 100 END
$$;
CREATE OR REPLACE FUNCTION cw_wilson_high(s0 float8, n float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN n > 0 THEN least(1.0, (
    ({P} + {Z}^2 / (2 * n)) + {Z} * sqrt(greatest(0.0, {P} * (1 - {P}) / n + {Z}^2 / (4 * n * n)))
  ) / (1 + {Z}^2 / n)) * 100 END
$$;
CREATE OR REPLACE FUNCTION cw_net_low(pos float8, neg float8, n float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN n > 0 THEN greatest(-1.0, (pos - neg) / n - {Z} * sqrt(greatest(0.0,
    pos / n + neg / n - ((pos - neg) / n) ^ 2) / n)) * 100 END
$$;
CREATE OR REPLACE FUNCTION cw_net_high(pos float8, neg float8, n float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN n > 0 THEN least(1.0, (pos - neg) / n + {Z} * sqrt(greatest(0.0,
    pos / n + neg / n - ((pos - neg) / n) ^ 2) / n)) * 100 END
$$;
-- 95% normal interval of a mean from its sum, sum of squares and n (sample variance)
CREATE OR REPLACE FUNCTION cw_mean_low(total float8, squares float8, n float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN n > 1 THEN total / n - {Z} * sqrt(greatest(0.0,
    (squares - total * total / n) / (n - 1)) / n) END
$$;
CREATE OR REPLACE FUNCTION cw_mean_high(total float8, squares float8, n float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN n > 1 THEN total / n + {Z} * sqrt(greatest(0.0,
    (squares - total * total / n) / (n - 1)) / n) END
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS cw_wilson_low(float8, float8);
DROP FUNCTION IF EXISTS cw_wilson_high(float8, float8);
DROP FUNCTION IF EXISTS cw_net_low(float8, float8, float8);
DROP FUNCTION IF EXISTS cw_net_high(float8, float8, float8);
DROP FUNCTION IF EXISTS cw_mean_low(float8, float8, float8);
DROP FUNCTION IF EXISTS cw_mean_high(float8, float8, float8);
"""


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_initial")]
    operations = [migrations.RunSQL(FUNCTIONS, DROP)]
