"""The project's own PostgreSQL: started once, reused while it runs, stopped cleanly."""

import os

import pytest
from django.db import connection

from songfacts import embedded_postgres


def test_the_suite_runs_on_the_embedded_server_when_no_url_is_given(db):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set: the suite runs on the given server")

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('data_directory'), inet_server_addr()")
        data_directory, server_address = cursor.fetchone()

    assert data_directory == str(embedded_postgres.DATA_DIR)
    # Reached over a unix socket: no TCP address at all.
    assert server_address is None


@pytest.mark.slow
def test_it_starts_once_reuses_and_stops(tmp_path):
    data_dir = tmp_path / "pgdata"

    url = embedded_postgres.ensure_running(data_dir)
    pid = embedded_postgres.running_pid(data_dir)
    again = embedded_postgres.ensure_running(data_dir)

    assert again == url
    assert embedded_postgres.running_pid(data_dir) == pid
    assert embedded_postgres.stop(data_dir) is True
    assert embedded_postgres.running_pid(data_dir) is None
    assert embedded_postgres.stop(data_dir) is False
