"""The project's own PostgreSQL, for machines where no DATABASE_URL is given.

The pgserver package ships PostgreSQL 16 binaries. The data folder lives in the checkout
(.pgdata/, ignored by git) and the server listens only on a unix socket there (or in a
short runtime folder when the checkout's path is too long for a socket). It is started
once, reused while it runs, and stopped with `make db-stop`.

    python -m songfacts.embedded_postgres start|stop|status
"""

import contextlib
import os
import sys
import warnings
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"
DATABASE_NAME = "songfacts"


@contextlib.contextmanager
def _quiet_import():
    """pgserver's platformdirs warns when XDG_RUNTIME_DIR is unset, as on servers and in CI."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def ensure_running(data_dir=DATA_DIR):
    """Start the server unless it runs already; return the URL of the project's database."""
    import psycopg

    with _quiet_import():
        import pgserver

    server = pgserver.get_server(data_dir, cleanup_mode=None)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return server.get_uri(DATABASE_NAME)


def running_pid(data_dir=DATA_DIR):
    """The postmaster's process id, or None when the server is not running."""
    import psutil

    pid_file = Path(data_dir) / "postmaster.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().splitlines()[0])
    return pid if psutil.pid_exists(pid) else None


def stop(data_dir=DATA_DIR):
    """Stop the server cleanly (a fast shutdown); False when it was not running."""
    if running_pid(data_dir) is None:
        return False
    with _quiet_import():
        from pgserver._commands import pg_ctl

    # As root, pgserver runs PostgreSQL as its own unprivileged system user.
    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=Path(data_dir), user=user)
    return True


def main(argv):
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        print(ensure_running())
    elif command == "stop":
        print("stopped" if stop() else "not running")
    elif command == "status":
        pid = running_pid()
        print(f"running (pid {pid}) in {DATA_DIR}" if pid else "not running")
    else:
        print("usage: python -m songfacts.embedded_postgres start|stop|status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
