"""A loop over every tenant's schema reconnects every N schemas (a backend keeps the catalog
entries of every table it touched), but never inside a transaction."""

import pytest
from django.db import connection

from tenants.iteration import each_tenant_recycling


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_loop_gets_a_new_backend_every_n_schemas(django_db_setup, django_db_blocker):
    # outside the test transaction (a transactional test would flush every tenant's tables)
    with django_db_blocker.unblock():
        pids = [backend_pid() for _position, _item in each_tenant_recycling(range(7), every=3)]
    assert pids[0] == pids[1] == pids[2] != pids[3]
    assert pids[3] == pids[4] == pids[5] != pids[6]
    assert [position for position, _ in each_tenant_recycling("abc", every=2)] == [0, 1, 2]


@pytest.mark.django_db
def test_inside_a_transaction_the_connection_is_kept():
    pids = {backend_pid() for _position, _item in each_tenant_recycling(range(5), every=2)}
    assert len(pids) == 1
