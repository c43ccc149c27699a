"""Run PostgreSQL's client tools (pg_dump, pg_restore) against the configured database."""

import os
import shutil
import subprocess

from django.db import connections


def client_tool(name):
    """The pgserver package's PostgreSQL 16 tool; PG_BIN_DIR names another set (newer servers)."""
    directory = os.environ.get("PG_BIN_DIR")
    if directory:
        return os.path.join(directory, name)
    from pgserver._commands import POSTGRES_BIN_PATH

    bundled = POSTGRES_BIN_PATH / name
    return str(bundled) if bundled.exists() else shutil.which(name)


def run_tool(name, *args, alias="default"):
    params = connections[alias].get_connection_params()
    env = {**os.environ}
    if params.get("password"):
        env["PGPASSWORD"] = params["password"]
    connection_args = [
        f"--host={params.get('host') or 'localhost'}",
        f"--port={params.get('port') or 5432}",
        f"--username={params['user']}",
        f"--dbname={params['dbname']}",
    ]
    return subprocess.run(
        [client_tool(name), *connection_args, *args], env=env, capture_output=True, text=True
    )
