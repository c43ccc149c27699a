"""PostgreSQL servers for the local rehearsal of the production shape: a primary and its
streaming replicas, made from the same PostgreSQL 16 binaries as the embedded server
(songfacts.embedded_postgres, from the pgserver package).

Each server listens on 127.0.0.1 at its own port, and on a unix socket in its data folder
(or in a short folder under /tmp when that path is too long for a socket). Loopback and local
connections are trusted, replication included: this is for one machine, not for a network.

As root, PostgreSQL runs as pgserver's unprivileged system user "pgserver", which owns the
data folders.

    primary = PostgresServer(Path("run/primary"), 6432)
    primary.initialise()
    primary.start()
    primary.create_database()
    replica = primary.make_replica(Path("run/replica"), 6433)
    replica.start()
"""

import hashlib
import importlib.util
import os
import pwd
import shlex
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

# Found without importing pgserver, whose import warns when XDG_RUNTIME_DIR is unset.
BIN_DIR = Path(importlib.util.find_spec("pgserver").origin).parent / "pginstall" / "bin"
SYSTEM_USER = "pgserver"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 60
BASE_BACKUP_TIMEOUT_SECONDS = 300
PAUSE_TIMEOUT_SECONDS = 10
CONNECT_TIMEOUT_SECONDS = 5
# A unix socket's path holds at most 107 bytes on Linux.
MAX_SOCKET_PATH = 107
LOG_TAIL_LINES = 40

# Appended to a primary's postgresql.conf; a replica copies it with the rest of the folder.
PRIMARY_SETTINGS = """
# Added by deploy/postgres.py: a primary that streaming replicas copy and follow.
wal_level = replica
max_wal_senders = 10
# WAL kept for a replica that was stopped a while, so that it catches up without a new copy.
wal_keep_size = '512MB'
hot_standby = on
# A replica's readers are not cancelled when the primary cleans up rows they still read.
hot_standby_feedback = on
"""


class PostgresError(RuntimeError):
    """A server did not do what was asked; the message ends with its log's last lines."""


class PostgresServer:
    """One server: its data folder and the port it listens on. Creating the object starts
    nothing."""

    def __init__(self, data_dir: Path, port: int):
        self.data_dir = Path(data_dir).absolute()
        self.port = port
        self.log_file = self.data_dir / "server.log"

    def __repr__(self):
        return f"PostgresServer({str(self.data_dir)!r}, {self.port})"

    @property
    def socket_dir(self) -> Path:
        if len(str(self.data_dir / f".s.PGSQL.{self.port}")) <= MAX_SOCKET_PATH:
            return self.data_dir
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"songfacts-pg-{digest}"

    def initialise(self) -> None:
        """Make a new primary's data folder (initdb); does nothing when it exists already."""
        if (self.data_dir / "PG_VERSION").exists():
            return
        _make_owned_folder(self.data_dir)
        self._run(
            [
                BIN_DIR / "initdb",
                "-D",
                self.data_dir,
                "--auth=trust",
                "--encoding=utf8",
                "-U",
                "postgres",
            ],
            timeout=START_TIMEOUT_SECONDS,
        )
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write(PRIMARY_SETTINGS)

    def start(self) -> None:
        """Start the server and wait until it takes connections; nothing when it runs."""
        if self.is_running():
            return
        if self.socket_dir != self.data_dir:
            _make_owned_folder(self.socket_dir)
        # The address is given on the command line, not in postgresql.conf: a replica's base
        # backup copies the configuration files, and each server has an address of its own.
        options = " ".join(
            [
                f"-c port={self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={shlex.quote(str(self.socket_dir))}",
            ]
        )
        self._run(
            [
                BIN_DIR / "pg_ctl",
                "start",
                "-D",
                self.data_dir,
                "-l",
                self.log_file,
                "-w",
                "-t",
                str(START_TIMEOUT_SECONDS),
                "-o",
                options,
            ],
            timeout=START_TIMEOUT_SECONDS + 10,
        )

    def stop(self, mode="fast") -> None:
        """Stop the server (pg_ctl's modes: smart, fast, immediate); nothing when it is not
        running."""
        if not self.is_running():
            return
        try:
            self._run(
                [
                    BIN_DIR / "pg_ctl",
                    "stop",
                    "-D",
                    self.data_dir,
                    "-m",
                    mode,
                    "-w",
                    "-t",
                    str(STOP_TIMEOUT_SECONDS),
                ],
                timeout=STOP_TIMEOUT_SECONDS + 10,
            )
        except PostgresError:
            # It may have stopped between the check and pg_ctl's own.
            if self.is_running():
                raise

    def restart(self) -> None:
        self.stop()
        self.start()

    def is_running(self) -> bool:
        """Whether the postmaster named in postmaster.pid is alive."""
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError):
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            # Alive, and another user's: run as someone else than its owner.
            return True
        return True

    def url(self, dbname="songfacts") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, dbname="songfacts") -> None:
        """Create the database unless it exists."""
        with self._connect() as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [dbname]
            ).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))

    def make_replica(self, data_dir: Path, port: int) -> "PostgresServer":
        """A streaming replica of this running server, in a new folder, not started.

        pg_basebackup -R writes the replica's standby.signal and its primary_conninfo (this
        server's address); -X stream copies the WAL written during the copy, so that the
        replica starts consistent; -c fast checkpoints at once rather than spread out.
        """
        replica = PostgresServer(data_dir, port)
        if replica.data_dir.exists() and any(replica.data_dir.iterdir()):
            raise PostgresError(f"{replica.data_dir} is not empty: a replica needs a new folder.")
        _make_owned_folder(replica.data_dir)
        try:
            self._run(
                [
                    BIN_DIR / "pg_basebackup",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-U",
                    "postgres",
                    "-D",
                    replica.data_dir,
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                ],
                timeout=BASE_BACKUP_TIMEOUT_SECONDS,
            )
        except PostgresError as error:
            raise PostgresError(f"pg_basebackup from {self} failed: {error}") from None
        # The copy holds the primary's log and the lock file of its socket: the replica
        # starts with a log of its own and no lock of another server's.
        if replica.log_file.exists():
            os.truncate(replica.log_file, 0)
        (replica.data_dir / f".s.PGSQL.{self.port}.lock").unlink(missing_ok=True)
        return replica

    def pause_replay(self) -> None:
        """On a replica: stop applying WAL (it keeps receiving it); returns once paused."""
        with self._connect() as connection:
            connection.execute("SELECT pg_wal_replay_pause()")
            deadline = time.monotonic() + PAUSE_TIMEOUT_SECONDS
            while True:
                (state,) = connection.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()
                if state == "paused":
                    return
                if time.monotonic() > deadline:
                    raise PostgresError(
                        f"{self}: replay still {state!r} after {PAUSE_TIMEOUT_SECONDS} s"
                        + self._log_tail()
                    )
                time.sleep(0.05)

    def resume_replay(self) -> None:
        with self._connect() as connection:
            connection.execute("SELECT pg_wal_replay_resume()")

    def _connect(self):
        try:
            return psycopg.connect(
                self.url("postgres"), autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
            )
        except psycopg.OperationalError as error:
            raise PostgresError(f"cannot connect to {self}: {error}" + self._log_tail()) from None

    def _run(self, command, *, timeout):
        """Run a PostgreSQL program as the servers' user; raise PostgresError with its output
        and the log's tail when it fails or outlasts `timeout`."""
        command = [str(part) for part in command]
        # pg_ctl's server keeps no pipe of ours open: its output goes to a file.
        with tempfile.TemporaryFile("w+") as output:
            try:
                subprocess.run(
                    command,
                    check=True,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=timeout,
                    cwd="/",
                    env=_environment(),
                    **_as_server_user(),
                )
            except subprocess.CalledProcessError as error:
                output.seek(0)
                problem = f"exit status {error.returncode}"
            except subprocess.TimeoutExpired:
                output.seek(0)
                problem = f"no answer within {timeout} s"
            else:
                return
            raise PostgresError(
                f"{Path(command[0]).name} {command[1]} failed ({problem}) for {self}:\n"
                + output.read().strip()
                + self._log_tail()
            )

    def _log_tail(self):
        try:
            lines = self.log_file.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
        except OSError:
            return ""
        return f"\n--- last lines of {self.log_file} ---\n" + "\n".join(lines)


def _server_user():
    """Who runs PostgreSQL: "pgserver" for root (PostgreSQL refuses to run as root), else
    whoever we are (None)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", SYSTEM_USER], check=True, capture_output=True)
        return pwd.getpwnam(SYSTEM_USER)


def _as_server_user():
    """subprocess.run's arguments for running as the servers' user, groups included: were
    root's group kept, a folder's group bits would deny what its bits for others allow."""
    user = _server_user()
    if user is None:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def _environment():
    # PGPORT, PGHOST and friends would override what the programs are not told explicitly.
    return {name: value for name, value in os.environ.items() if not name.startswith("PG")}


def _make_owned_folder(path):
    """An empty-or-existing folder that only the servers' user may enter, as PostgreSQL
    requires of a data folder; as root, its ancestors become traversable for that user."""
    path.mkdir(parents=True, exist_ok=True)
    user = _server_user()
    if user is not None:
        os.chown(path, user.pw_uid, user.pw_gid)
        for folder in [*path.parents, *BIN_DIR.parents]:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                folder.chmod(mode | stat.S_IXOTH)
    path.chmod(0o700)
