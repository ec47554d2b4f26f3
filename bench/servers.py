"""What every benchmark starts for itself: its own database, a private redis-server, a free port."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from common import devservers


def ensure_database(database_url: str) -> None:
    """Create the database ``database_url`` names on its server, unless it exists."""
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def start_redis(folder: Path) -> tuple[subprocess.Popen, Path]:
    """A redis-server of the benchmark's own on a socket in ``folder`` (nothing saved): its
    process and the socket's path (kombu spells the URL redis+socket://, redis-py unix://)."""
    sock = folder / "redis.sock"
    command = [devservers._redis_binary(), "--port", "0", "--unixsocket", str(sock), "--save", ""]
    proc = subprocess.Popen(
        command + ["--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(100):
        if devservers._redis_answers(sock):
            return proc, sock
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the benchmark's redis-server did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
