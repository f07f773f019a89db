"""A DynamoDB Local that the fault tests stop, kill, freeze and start again on the same port and data."""
import os
import signal
from pathlib import Path

from messaging.devtools.dynamodb_local import DynamoDBLocal, free_port


class FaultyDynamoDB:
    """One DynamoDB Local process at a time, always on `port` with its data in `data_dir`."""

    def __init__(self, data_dir: Path):
        self.server = DynamoDBLocal(port=free_port(), data_dir=data_dir)
        self.frozen = False
        self.faults: list[str] = []  # what was done to it, in order: the tests report these

    @property
    def endpoint_url(self) -> str:
        return self.server.endpoint_url

    @property
    def pid(self) -> int | None:
        process = self.server.process
        return process.pid if process is not None and process.poll() is None else None

    def start(self) -> None:
        self.server.start(timeout=60)
        self.faults.append("start")

    def stop(self) -> None:
        """SIGTERM, as an operator stops it (the launcher falls back to SIGKILL after 10 s)."""
        self.thaw()
        self.server.stop()
        self.faults.append("sigterm")

    def kill(self) -> None:
        """SIGKILL: the process dies at once, whatever it was doing."""
        process = self.server.process
        self.thaw()
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(15)
        process.stderr.close()
        self.faults.append("sigkill")

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections (the kernel does that) but nothing answers."""
        os.killpg(self.server.process.pid, signal.SIGSTOP)
        self.frozen = True
        self.faults.append("sigstop")

    def thaw(self) -> None:
        if self.frozen:
            os.killpg(self.server.process.pid, signal.SIGCONT)
            self.frozen = False
            self.faults.append("sigcont")

    def ensure_running(self) -> None:
        """Undo whatever an earlier (maybe failed) test left behind."""
        self.thaw()
        if self.pid is None:
            self.start()

    def shutdown(self) -> None:
        self.thaw()
        self.server.stop()
