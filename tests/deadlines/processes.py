"""Real processes for the integration tests: a redis-server on a free port (never the machine's
shared one), a Celery worker on the test database, and a local SMTP server (aiosmtpd)."""

import asyncio
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


class RedisServer:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


class Worker:
    """`celery worker` on the pytest-django test database and the test's Redis."""

    def __init__(self, *, database_name: str, broker_url: str, log_path: Path, env=None):
        self.database_name = database_name
        self.broker_url = broker_url
        self.log_path = log_path
        self.extra_env = env or {}
        self.process = None

    def start(self) -> None:
        db = settings.DATABASES["default"]
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{self.database_name}",
                "CELERY_BROKER_URL": self.broker_url,
                "CELERY_RESULT_BACKEND": "cache+memory://",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config.celery_app",
                "worker",
                "-l",
                "info",
                "-c",
                "2",
                # Both queues: the default one and the sweep's own (CELERY_TASK_ROUTES).
                "-Q",
                "celery,sweep",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the children too
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("worker exited:\n" + self.log_path.read_text()[-3000:])
            if b" ready." in self.log_path.read_bytes():
                return
            time.sleep(0.1)
        raise RuntimeError("worker not ready:\n" + self.log_path.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes, as an OOM killer or a power cut would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.process = None


class SmtpCapture:
    """aiosmtpd handler: records messages; refuses every `refuse_every`-th one with 451."""

    def __init__(self, *, refuse_every: int = 0, delay: float = 0.0):
        self.refuse_every = refuse_every
        self.delay = delay
        self.received = []
        self.refused = 0
        self.seen = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.seen += 1
            refuse = self.refuse_every and self.seen % self.refuse_every == 0
            if refuse:
                self.refused += 1
        if refuse:
            return "451 4.3.0 Temporary failure, try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.received.append(
                {
                    "message_id": message["Message-ID"],
                    "dedupe_key": message["X-Dedupe-Key"],
                    "to": list(envelope.rcpt_tos),
                    "subject": str(
                        email.header.make_header(email.header.decode_header(message["Subject"]))
                    ),
                    "multipart": message.is_multipart(),
                }
            )
        return "250 2.0.0 OK"


class SmtpServer:
    def __init__(self, handler: SmtpCapture):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.handler = handler
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
