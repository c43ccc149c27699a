"""The project's own PostgreSQL, for machines where no DATABASE_URL is given.

The pgserver package ships PostgreSQL 16 binaries. The data folder lives in the checkout
(.pgdata/, ignored by git) and the server listens only on a unix socket there (or in a
short runtime folder when the checkout's path is too long for a socket). It is started
once, reused while it runs, and stopped with `make db-stop`.

    python -m songfacts.embedded_postgres start|stop|status|url
"""

import sys
import warnings
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"
DATABASE_NAME = "songfacts"


def _pgserver():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset, as on servers and in CI.
        warnings.simplefilter("ignore")
        import pgserver

        return pgserver.get_server(DATA_DIR, cleanup_mode=None)


def ensure_running():
    """Start the server unless it runs already; return the URL of the project's database."""
    import psycopg

    server = _pgserver()
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return server.get_uri(DATABASE_NAME)


def _postmaster_pid():
    pid_file = DATA_DIR / "postmaster.pid"
    if not pid_file.exists():
        return None
    import psutil

    pid = int(pid_file.read_text().splitlines()[0])
    return pid if psutil.pid_exists(pid) else None


def stop():
    if _postmaster_pid() is None:
        return False
    import os

    from pgserver._commands import pg_ctl

    # As root, pgserver runs PostgreSQL as its own unprivileged system user.
    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATA_DIR, user=user)
    return True


def main(argv):
    command = argv[1] if len(argv) > 1 else "status"
    if command in ("start", "url"):
        print(ensure_running())
    elif command == "stop":
        print("stopped" if stop() else "not running")
    elif command == "status":
        pid = _postmaster_pid()
        print(f"running (pid {pid}) in {DATA_DIR}" if pid else "not running")
    else:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
