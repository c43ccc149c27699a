"""The production shape, rehearsed on one machine: a PostgreSQL primary and a streaming
replica, Redis as the shared cache, two gunicorn hosts, and Varnish in front of them, each its
own process listening on loopback.

    python -m deploy.cluster        (what `make cluster` runs)

It installs what is missing from Debian's packages (varnish, varnish-modules, redis-server),
migrates and seeds the database, prints the addresses, and stops everything on Ctrl-C or
SIGTERM. The data and each service's log live in .cluster/ in the checkout; the primary's
data is kept from one run to the next, the replica is copied from it anew at each start.

Tests start one of their own in a folder of theirs (tests/cluster/):

    with Cluster(base_dir) as cluster:
        urlopen(cluster.varnish_url)
        cluster.kill_host(0)
"""

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import redis

from deploy.postgres import PostgresError, PostgresServer

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO / ".cluster"
VCL_DIR = REPO / "deploy" / "varnish"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 30
MANAGE_TIMEOUT_SECONDS = 600
LOG_TAIL_LINES = 30
# What runs each service, and the Debian package that has it.
PROGRAMS = {"varnishd": "varnish", "redis-server": "redis-server"}
XKEY_VMOD = "libvmod_xkey.so"


class ClusterError(RuntimeError):
    """A service did not start or stop as asked; the message ends with its log's last lines."""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def install_missing_packages():
    """Install varnish, varnish-modules and redis-server from Debian's packages when missing
    (as root, with apt-get); otherwise say what to install."""
    missing = [package for program, package in PROGRAMS.items() if not shutil.which(program)]
    if not list(Path("/usr/lib").glob(f"*/varnish/vmods/{XKEY_VMOD}")):
        missing.append("varnish-modules")
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ClusterError(
            f"Missing Debian packages: {' '.join(missing)}. "
            f"Install them with: sudo apt-get install {' '.join(missing)}"
        )
    print(f"Installing {' '.join(missing)} from Debian's packages...", flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *missing]):
        try:
            subprocess.run(command, check=True, env=environment, timeout=MANAGE_TIMEOUT_SECONDS)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise ClusterError(f"{' '.join(command)} failed: {error}") from None


def _tail(path):
    try:
        lines = Path(path).read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
    except OSError:
        return ""
    return f"\n--- last lines of {path} ---\n" + "\n".join(lines)


def _wait_until(ready, *, what, timeout=START_TIMEOUT_SECONDS, process=None, log_file=None):
    """Poll `ready()` until it is true; ClusterError when `process` exits or time is up."""
    deadline = time.monotonic() + timeout
    while not ready():
        if process is not None and process.poll() is not None:
            raise ClusterError(
                f"{what}: the process exited with status {process.returncode}" + _tail(log_file)
            )
        if time.monotonic() > deadline:
            raise ClusterError(f"{what}: not within {timeout} s" + _tail(log_file))
        time.sleep(0.1)


def _answers(url):
    """Whether a GET of `url` answers 200 within a second."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


class Service:
    """A child process in a process group of its own, its output in a log file."""

    def __init__(self, name, log_file):
        self.name = name
        self.log_file = Path(log_file)
        self.process = None

    def is_running(self):
        return self.process is not None and self.process.poll() is None

    def spawn(self, command, *, env=None, cwd=REPO):
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            log.write(f"--- {time.strftime('%H:%M:%S')} starting {self.name}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [str(part) for part in command],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until(self, ready, what, timeout=START_TIMEOUT_SECONDS):
        _wait_until(
            ready,
            what=f"{self.name}: {what}",
            timeout=timeout,
            process=self.process,
            log_file=self.log_file,
        )

    def stop(self):
        """SIGTERM to the whole group, SIGKILL after STOP_TIMEOUT_SECONDS."""
        if not self.is_running():
            return
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            print(f"{self.name} did not stop within {STOP_TIMEOUT_SECONDS} s: killed it")
            self.kill()

    def kill(self):
        """SIGKILL to the whole group, as if its host died."""
        if self.is_running():
            self._signal(signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)

    def _signal(self, number):
        # The group is the process's own (start_new_session): its children go with it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)


class Redis(Service):
    """The shared cache: nothing written to disk, and only keys with a lifetime evicted when
    full (the page cache's versions have none, README.md "The page cache")."""

    def __init__(self, directory, port, *, log_file=None, max_memory="256mb"):
        super().__init__("redis", log_file or Path(directory) / "redis.log")
        self.directory = Path(directory)
        self.port = port
        self.max_memory = max_memory

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        self.spawn(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                self.port,
                "--dir",
                self.directory,
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory",
                self.max_memory,
                "--maxmemory-policy",
                "volatile-lru",
            ]
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        self.wait_until(lambda: self._pings(client), "answering PING")

    @staticmethod
    def _pings(client):
        try:
            return client.ping()
        except redis.RedisError:
            return False


class GunicornHost(Service):
    """One application host: gunicorn with the repository's gunicorn.conf.py."""

    def __init__(self, name, port, environment, log_file):
        super().__init__(name, log_file)
        self.port = port
        self.environment = environment

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.spawn(
            # Hosts on one machine would share gunicorn's default control socket (in ~).
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket"],
            env={**self.environment, "BIND": f"127.0.0.1:{self.port}"},
        )
        self.wait_until(lambda: _answers(f"{self.url}/healthz"), "answering /healthz")


class Varnish(Service):
    """varnishd with deploy/varnish/songfacts.vcl in front of `hosts` ((address, port)
    pairs), its work folder and the included files it writes in `directory`."""

    def __init__(
        self, directory, port, hosts, *, log_file=None, admin_path="admin/", storage="malloc,256m"
    ):
        super().__init__("varnish", log_file or Path(directory) / "varnish.log")
        self.directory = Path(directory)
        self.port = port
        self.hosts = list(hosts)
        self.admin_path = admin_path
        self.storage = storage

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def work_dir(self):
        return self.directory / "work"

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            _let_others_read(self.directory)
        self._write_included_files()
        self.spawn(
            [
                "varnishd",
                "-F",
                "-n",
                self.work_dir,
                "-a",
                f"127.0.0.1:{self.port}",
                # The management interface, for varnishadm (which finds it from -n).
                "-T",
                "127.0.0.1:0",
                "-s",
                self.storage,
                # Where the files it includes are: the ones written here.
                "-p",
                f"vcl_path={self.directory}",
                "-f",
                VCL_DIR / "songfacts.vcl",
            ]
        )
        self.wait_until(
            lambda: len(self.healthy_hosts()) == len(self.hosts), "counting its hosts healthy"
        )

    def healthy_hosts(self):
        """The names of the hosts ("web1", "web2"...) that its probes count healthy now."""
        try:
            listing = self.admin("backend.list")
        except ClusterError:
            return set()
        # Lines such as "boot.web1   probe   5/5   healthy   Tue, 01 Dec...".
        rows = [line.split() for line in listing.splitlines()[1:]]
        return {
            row[0].rsplit(".", 1)[-1]
            for row in rows
            if len(row) > 3 and row[3] == "healthy" and re.fullmatch(r".*\.web\d+", row[0])
        }

    def admin(self, *command):
        try:
            result = subprocess.run(
                ["varnishadm", "-n", str(self.work_dir), *command],
                capture_output=True,
                text=True,
                timeout=10,
            )
        except subprocess.TimeoutExpired:
            raise ClusterError(f"varnishadm {' '.join(command)}: no answer in 10 s") from None
        if result.returncode != 0:
            raise ClusterError(f"varnishadm {' '.join(command)}: {result.stdout}{result.stderr}")
        return result.stdout

    def _write_included_files(self):
        backends = [
            "# Written by deploy/cluster.py: the gunicorn hosts of this cluster.",
            *(
                f'backend web{number} {{ .host = "{host}"; .port = "{port}"; '
                ".probe = healthz; .connect_timeout = 1s; .first_byte_timeout = 35s; }"
                for number, (host, port) in enumerate(self.hosts, start=1)
            ),
            "sub vcl_init {",
            *(
                f"    {director}.add_backend(web{number});"
                for number in range(1, len(self.hosts) + 1)
                for director in ("hosts", "spares")
            ),
            "}",
        ]
        (self.directory / "backends.vcl").write_text("\n".join(backends) + "\n")
        admin_path = [
            "# Written by deploy/cluster.py: the admin's path of this cluster.",
            "sub admin_path {",
            f'    if (req.url ~ "^/{re.escape(self.admin_path)}") {{',
            "        return (pass);",
            "    }",
            "}",
        ]
        (self.directory / "admin_path.vcl").write_text("\n".join(admin_path) + "\n")


class Cluster:
    """The whole topology in `base_dir`, on free loopback ports. `start()` (or `with`)
    starts it; `stop()` stops whatever runs, and runs after a failed start too."""

    HOSTS = 2

    def __init__(self, base_dir=DEFAULT_DIR, *, web_concurrency=2, environment=None):
        self.base_dir = Path(base_dir).absolute()
        self.logs = self.base_dir / "logs"
        self.primary = PostgresServer(self.base_dir / "primary", free_port())
        self.replica = PostgresServer(self.base_dir / "replica", free_port())
        self.redis = Redis(self.base_dir / "redis", free_port(), log_file=self.logs / "redis.log")
        host_ports = [free_port() for _ in range(self.HOSTS)]
        self.varnish = Varnish(
            self.base_dir / "varnish",
            free_port(),
            [("127.0.0.1", port) for port in host_ports],
            log_file=self.logs / "varnish.log",
            admin_path=_admin_path(),
        )
        environment = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            # "localhost" for Varnish's probe (songfacts.vcl).
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.primary.url(),
            "DATABASE_REPLICA_URLS": self.replica.url(),
            "CACHE_URL": self.redis.url,
            "VARNISH_PURGE_URLS": f"{self.varnish.url}/",
            "WEB_CONCURRENCY": str(web_concurrency),
            # Plain HTTP on loopback: no TLS proxy in front of Varnish here.
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            # Varnish adds the reader's address to X-Forwarded-For.
            "TRUSTED_PROXY_COUNT": "1",
            **(environment or {}),
        }
        self.environment = environment
        # Named as Varnish names them (backends.vcl).
        self.hosts = [
            GunicornHost(f"web{number}", port, environment, self.logs / f"web{number}.log")
            for number, port in enumerate(host_ports, start=1)
        ]

    @property
    def varnish_url(self):
        return self.varnish.url

    @property
    def host_urls(self):
        return [host.url for host in self.hosts]

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        try:
            install_missing_packages()
            self._start_databases()
            self.redis.start()
            for host in self.hosts:
                host.start()
            self.varnish.start()
        except BaseException as error:
            try:
                self.stop()
            except ClusterError as stop_error:
                error.add_note(f"Stopping what had started failed too: {stop_error}")
            raise

    def stop(self):
        """Stop everything that runs, front to back; go on past a service that fails."""
        problems = []
        for service in [self.varnish, *self.hosts, self.redis]:
            service.stop()
        for server in (self.replica, self.primary):
            try:
                server.stop()
            except PostgresError as error:
                problems.append(str(error))
        if problems:
            raise ClusterError("\n".join(problems))

    def kill_host(self, index):
        """SIGKILL gunicorn host `index` (0 or 1), master and workers at once."""
        self.hosts[index].kill()

    def start_host(self, index):
        """Start host `index` again; returns once Varnish counts it healthy."""
        host = self.hosts[index]
        host.start()
        self.varnish.wait_until(
            lambda: host.name in self.varnish.healthy_hosts(), f"counting {host.name} healthy"
        )

    def stop_replica(self):
        self.replica.stop()

    def start_replica(self):
        self.replica.start()

    def restart_primary(self):
        self.primary.restart()

    def _start_databases(self):
        if self.primary.is_running():
            # Left running by a run that was killed: on another port, maybe.
            self.primary.stop()
        self.primary.initialise()
        self.primary.start()
        self.primary.create_database()
        self._manage("migrate", "--noinput")
        self._manage("load_seed", "--if-empty")
        # A new copy every start: the old one follows the primary's port of its own run.
        self.replica.stop()
        shutil.rmtree(self.replica.data_dir, ignore_errors=True)
        self.replica = self.primary.make_replica(self.replica.data_dir, self.replica.port)
        self.replica.start()

    def _manage(self, *command):
        """Run a manage.py command against the primary, its output in the logs folder."""
        log_file = self.logs / "manage.log"
        self.logs.mkdir(parents=True, exist_ok=True)
        # Before the replica, Redis and Varnish start: the seed's purges go nowhere.
        environment = {
            name: value
            for name, value in self.environment.items()
            if name not in ("VARNISH_PURGE_URLS", "DATABASE_REPLICA_URLS")
        }
        with open(log_file, "ab") as log:
            try:
                subprocess.run(
                    [sys.executable, "manage.py", *command],
                    cwd=REPO,
                    env={**environment, "CACHE_URL": "dummy://"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    check=True,
                    timeout=MANAGE_TIMEOUT_SECONDS,
                )
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
                raise ClusterError(
                    f"manage.py {' '.join(command)}: {error}" + _tail(log_file)
                ) from None

    def describe(self):
        rows = [
            ("Varnish (the site)", f"{self.varnish_url}/"),
            *((f"gunicorn {host.name}", f"{host.url}/") for host in self.hosts),
            ("PostgreSQL primary", self.primary.url()),
            ("PostgreSQL replica", self.replica.url()),
            ("Redis (shared cache)", self.redis.url),
            ("Logs", f"{self.logs} (PostgreSQL's: server.log in primary/, replica/)"),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"  {name.ljust(width)}  {value}" for name, value in rows)


def _let_others_read(folder):
    """As root, varnishd compiles the VCL as its own unprivileged user, which must read the
    files included from `folder`."""
    folder.chmod(0o755)
    for ancestor in folder.parents:
        mode = ancestor.stat().st_mode
        if not mode & stat.S_IXOTH:
            ancestor.chmod(mode | stat.S_IXOTH)


def _admin_path():
    # The hosts' own setting (songfacts.settings), so that Varnish passes the same path.
    return os.environ.get("ADMIN_PATH", "admin/").strip("/") + "/"


def main():
    # SIGTERM stops the cluster as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    cluster = Cluster(DEFAULT_DIR)
    print(f"Starting the cluster in {cluster.base_dir}...", flush=True)
    try:
        cluster.start()
    except (ClusterError, PostgresError) as error:
        print(f"The cluster did not start: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(f"Songfacts runs on this machine (Ctrl-C stops it):\n{cluster.describe()}", flush=True)
    try:
        _watch(cluster)
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
    finally:
        cluster.stop()
    print("Stopped.")
    return 0


def _watch(cluster):
    """Say when a service exits while the cluster runs (it is not restarted)."""
    reported = set()
    while True:
        for service in [cluster.varnish, *cluster.hosts, cluster.redis]:
            if not service.is_running() and service.name not in reported:
                reported.add(service.name)
                print(f"{service.name} exited" + _tail(service.log_file), file=sys.stderr)
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
