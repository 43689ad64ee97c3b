"""A private Docker engine for `make docker-test`: Debian's dockerd, run as root with its own
data-root, exec-root and socket, so it never touches (or needs) the machine's own engine.

Why these options: the machine may have no kernel bridge or iptables to spare, so the engine
creates no network of its own (`--bridge=none --iptables=false`) and every container and build
uses the host's network; `vfs` is the one storage driver that works on any filesystem (slow and
large, but certain).

The base image `python:3.11-slim-bookworm` comes from a registry. Where none is reachable,
`standin_base_image` builds an image under that tag from Debian's own packages (debootstrap), so
the Dockerfiles are built exactly as a user with network access builds them.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TextIO

BASE_IMAGE = "python:3.11-slim-bookworm"
STANDIN_LABEL = "ml-serving-twins.standin=debootstrap"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
# Each run's engine lives in a fresh directory, deleted when it stops: nothing it built or ran
# can outlive the run. Only the base image is kept between runs on one machine, as an archive
# (`docker save`), so debootstrap runs once per machine, not once per run.
TEMP_PARENT = Path(os.environ.get("DOCKER_TEST_TMP", "/var/tmp"))
BASE_IMAGE_ARCHIVE = TEMP_PARENT / "ml-serving-twins-base-image.tar"


class DockerEngine:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ml-serving-twins-docker-", dir=TEMP_PARENT))
        self.socket = self.root / "docker.sock"
        self.host = f"unix://{self.socket}"
        self.daemon: subprocess.Popen | None = None
        self.log: TextIO | None = None
        self.dockerd = shutil.which("dockerd") or "/usr/sbin/dockerd"
        # Debian's client, of the daemon's own version, where it is: it drives the daemon's
        # BuildKit itself, where a newer client elsewhere on the PATH wants the buildx plugin.
        debian_client = Path("/usr/bin/docker")
        self.client = str(debian_client) if debian_client.exists() else "docker"

    def start(self, timeout: float = 60) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        self.log = (self.root / "dockerd.log").open("w")  # closed in stop()
        self.daemon = subprocess.Popen(
            [
                self.dockerd,
                *("--data-root", str(self.root / "data")),
                *("--exec-root", str(self.root / "exec")),
                *("--pidfile", str(self.root / "dockerd.pid")),
                *("-H", self.host),
                *("--storage-driver", "vfs"),
                *("--iptables=false", "--ip6tables=false", "--bridge=none"),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.daemon.poll() is not None:
                raise RuntimeError(f"dockerd exited: see {self.root / 'dockerd.log'}")
            if self.run("version", check=False).returncode == 0:
                return
            time.sleep(0.5)
        raise RuntimeError(f"dockerd did not answer in {timeout} s")

    def stop(self) -> None:
        if self.daemon and self.daemon.poll() is None:
            self.daemon.terminate()  # dockerd stops its containerd and cleans its mounts
            try:
                self.daemon.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
        if self.log:
            self.log.close()
        # dockerd leaves its network namespace (and, after a crash, layers) mounted in its dirs.
        mounts = [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()]
        for mount in sorted((m for m in mounts if m.startswith(f"{self.root}/")), reverse=True):
            subprocess.run(["umount", "--lazy", mount], check=False)
        shutil.rmtree(self.root)

    def run(
        self, *args: str, check: bool = True, timeout: float = 900, env: dict | None = None
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.client, "-H", self.host, *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=timeout,
            # BuildKit: a metadata line (ENV, USER, CMD) costs no container, which on `vfs`
            # (every layer a full copy) made the legacy builder four times slower here.
            env={**os.environ, "DOCKER_BUILDKIT": "1", **(env or {})},
        )

    def has_image(self, tag: str) -> bool:
        return self.run("image", "inspect", tag, check=False).returncode == 0

    def ensure_base_image(self) -> str:
        """How the base image got here: pulled, loaded from the archive, or a stand-in built."""
        if self.run("pull", BASE_IMAGE, check=False, timeout=300).returncode == 0:
            return "pulled"
        if BASE_IMAGE_ARCHIVE.exists():
            self.run("load", "--input", str(BASE_IMAGE_ARCHIVE))
            return f"loaded from {BASE_IMAGE_ARCHIVE}"
        self.standin_base_image()
        partial = BASE_IMAGE_ARCHIVE.with_suffix(".partial")
        self.run("save", "--output", str(partial), BASE_IMAGE)
        partial.rename(BASE_IMAGE_ARCHIVE)  # whole or absent, never half-written
        return "stand-in built from Debian packages"

    def standin_base_image(self) -> None:
        """Debian bookworm's python3 (3.11, as in the real image) under the real image's tag,
        with this machine's CA certificates so pip reaches PyPI the way the machine does."""
        with tempfile.TemporaryDirectory(dir=self.root) as work:
            rootfs = Path(work) / "rootfs"
            subprocess.run(
                [
                    *("debootstrap", "--variant=minbase"),
                    "--include=python3,python3-venv,python-is-python3,ca-certificates",
                    *("bookworm", str(rootfs), DEBIAN_MIRROR),
                ],
                check=True,
                capture_output=True,
                timeout=900,
            )
            shutil.copy("/etc/ssl/certs/ca-certificates.crt", rootfs / "etc/ssl/certs/")
            (rootfs / "etc/pip.conf").write_text(
                "[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n"
            )
            shutil.rmtree(rootfs / "var/cache/apt/archives", ignore_errors=True)
            tar = ["tar", "-C", str(rootfs), "-c", "."]
            with subprocess.Popen(tar, stdout=subprocess.PIPE) as archive:  # closes its pipe
                subprocess.run(
                    [
                        *(self.client, "-H", self.host, "import"),
                        *("--change", f"LABEL {STANDIN_LABEL}"),
                        *("--change", 'CMD ["python3"]'),
                        *("-", BASE_IMAGE),
                    ],
                    stdin=archive.stdout,
                    check=True,
                    capture_output=True,
                )
