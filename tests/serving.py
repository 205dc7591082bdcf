"""A real `falv serve` on 127.0.0.1 in a subprocess, for the API, web and load tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ADMIN_TOKEN = "test-admin-token-7f3a"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, home: Path, store_file: Path | None = None, admin_token: str | None = ADMIN_TOKEN,
                 extra_args: tuple[str, ...] = (), index_dir: Path | None = None):
        home.mkdir(parents=True, exist_ok=True)
        if store_file is not None:
            shutil.copyfile(store_file, home / "falv.db")
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, FALV_HOME=str(home))
        env.pop("FALV_ADMIN_TOKEN", None)
        if index_dir is not None:
            env["FALV_INDEX_DIR"] = str(index_dir)
        if admin_token:
            env["FALV_ADMIN_TOKEN"] = admin_token
        self.log = open(home / "server.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "falv.cli", "serve", "--port", str(self.port), *extra_args],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 180) -> "Server":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"falv serve exited ({self.proc.returncode}): {self.output()}")
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"falv serve did not answer /health in {timeout}s: {self.output()}")

    def warm(self) -> None:
        """Build/load the search index once, so that tests do not each pay for it."""
        httpx.get(self.url + "/search", params={"q": "个人信息"}, timeout=300)

    def output(self) -> str:
        self.log.flush()
        return (self.home / "server.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def error_of(resp: httpx.Response, status: int) -> dict:
    """The JSON error body of `resp`, which must have `status`: an error id and a message, never
    a traceback or a server-side temporary path."""
    assert resp.status_code == status, resp.text[:500]
    body = resp.json()
    assert body["error"] and body["message"], body
    assert "Traceback" not in resp.text and "falv-upload-" not in resp.text
    return body
