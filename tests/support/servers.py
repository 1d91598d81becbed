"""Real servers for tests: the app on a socket (in a thread, or in its own process) and a Redis
server when the suite was not given one. All bind 127.0.0.1 and stop themselves."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def accepts_connections(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


def wait_until(check, what: str, process: subprocess.Popen | None = None, timeout: float = 30,
          not_yet: tuple[type[Exception], ...] = (OSError,)) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except not_yet:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {timeout} s")
        if process is not None:
            try:  # waits a moment and notices an early exit
                process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                pass
        else:
            threading.Event().wait(0.1)


class LiveServer:
    """The app on a real socket, in a daemon thread of this process (so it shares the test
    database and Redis with the fixtures)."""

    def __init__(self, wsgi_app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


class RedisProcess:
    """A throwaway redis-server on a free port, keeping nothing on disk."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server), "
                               "and TEST_REDIS_URL is not set")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis.from_url(self.url)
        wait_until(lambda: client.ping(), "redis-server", self.process, not_yet=(OSError, redis.RedisError))
        client.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class AppProcess:
    """The app in its own Python process (as gunicorn would run it), with its own settings."""

    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        code = ("from werkzeug.serving import run_simple; from storefront import create_app; "
                f"run_simple('127.0.0.1', {self.port}, create_app('development'), threaded=True)")
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "STORE"))}
        self.process = subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT_ROOT,
                                        env={**clean, "LOG_LEVEL": "WARNING", **env},
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: urllib.request.urlopen(self.url + "/healthz", timeout=2).status == 200,
              "app process", self.process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
