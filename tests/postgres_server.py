"""Run a command against a throwaway PostgreSQL server: `python -m tests.postgres_server -- CMD...`.

Starts Debian's PostgreSQL (`apt-get install postgresql`) in a temporary data directory, listening
only on 127.0.0.1 and a free port, runs CMD with TEST_DATABASE_URL pointing at it, stops the
server and deletes the directory, whatever CMD did. Exits with CMD's status.

initdb and pg_ctl refuse to run as root: as root, they run as the `postgres` user the package
creates. With `--if-available`, a machine without PostgreSQL skips (exit 0) and says so loudly.
"""

import argparse
import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.support.processes import free_port

SUPERUSER = "postgres"  # the database role initdb creates; the tests connect as it


def find_bin_dir() -> Path | None:
    """The newest installed server's binaries: /usr/lib/postgresql/<version>/bin on Debian."""
    candidates = [path.parent for path in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    if not candidates:
        return None
    return max(candidates, key=lambda path: _version(path.parent.name))


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def as_server_user(command: list[str]) -> list[str]:
    """Root may not run the server: hand the command to the `postgres` system user."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def postgres_server(bin_dir: Path) -> Iterator[str]:
    """A running server for the duration of the block; yields its SQLAlchemy URL."""
    workdir = Path(tempfile.mkdtemp(prefix="pg-test-"))
    data_dir = workdir / "data"
    if os.geteuid() == 0:
        server_user = pwd.getpwnam("postgres")
        os.chown(workdir, server_user.pw_uid, server_user.pw_gid)
    port = free_port()
    settings = f"-c listen_addresses=127.0.0.1 -p {port} -k {workdir} -c fsync=off"
    initdb = [str(bin_dir / "initdb"), "-D", str(data_dir), "-U", SUPERUSER, "-A", "trust"]
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-w"]  # -w: wait until done
    try:
        run(as_server_user([*initdb, "--no-sync", "--encoding", "UTF8"]))
        run(as_server_user([*pg_ctl, "-o", settings, "-l", str(workdir / "server.log"), "start"]))
        try:
            yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/postgres"
        finally:
            run(as_server_user([*pg_ctl, "-m", "fast", "stop"]))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--if-available", action="store_true", help="skip (exit 0) when PostgreSQL is missing"
    )
    parser.add_argument("command", nargs="+", help="the command to run, after --")
    options = parser.parse_args()

    bin_dir = find_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL is not installed (Debian: apt-get install postgresql)"
        if options.if_available:
            print(f"\n*** SKIPPED the PostgreSQL tests: {message} ***\n", flush=True)
            return 0
        print(f"error: {message}", file=sys.stderr)
        return 1
    with postgres_server(bin_dir) as url:
        print(f"PostgreSQL from {bin_dir} at {url}", flush=True)
        environment = {**os.environ, "TEST_DATABASE_URL": url}
        return subprocess.run(options.command, env=environment).returncode


if __name__ == "__main__":
    sys.exit(main())
