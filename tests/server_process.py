"""`python -m mcp_server ... serve` as a subprocess, for the tests of HTTP serving, replicas and SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from mcp_server.sandbox.serve import free_port

ENV_PREFIXES = ("TIKTOK_MARKETING_", "LINKEDIN_ADS_", "AIRBYTE_", "CONNECTOR_MCP_", "PYTEST_")


def clean_env(**settings: str) -> dict[str, str]:
    """What Python needs to start, none of the developer's settings, and `settings` on top."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES)}
    env |= {"FASTMCP_SHOW_SERVER_BANNER": "false", "FASTMCP_CHECK_FOR_UPDATES": "off", "CONNECTOR_MCP_LOG_LEVEL": "INFO"}
    return env | settings


def non_loopback_ipv4() -> str | None:
    """This machine's address on its default route (no packet is sent), or None without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


class ServerProcess:
    """One server subprocess; stderr is kept in a file (a pipe nobody reads could fill and block it)."""

    def __init__(self, *args: str, env: dict[str, str], cwd: Path, host: str = "127.0.0.1", port: int | None = None):
        self.host = host
        self.port = port or free_port()
        self.stderr_path = cwd / f"stderr-{self.port}.log"
        self._stderr = open(self.stderr_path, "wb")  # noqa: SIM115 - closed in stop()
        argv = [sys.executable, "-m", "mcp_server", *args]
        if "serve" in args and "--port" not in args:
            argv += ["--host", host, "--port", str(self.port)]
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=self._stderr)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/mcp"

    def wait_until_listening(self, timeout: float = 30) -> ServerProcess:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited early ({self.proc.returncode}): {self.stderr()}")
            with socket.socket() as sock:
                if sock.connect_ex((self.host, self.port)) == 0:
                    return self
            time.sleep(0.05)
        raise AssertionError(f"server did not open its port: {self.stderr()}")

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def sigterm(self) -> float:
        """Sends SIGTERM; returns the seconds the process took to exit (it is killed after 15)."""
        start = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return time.monotonic() - start

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.sigterm()
        self.proc.stdout.close()
        self._stderr.close()
