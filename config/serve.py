"""`make serve`: the production configuration on this machine, against the embedded servers.

The same processes as the Procfile (gunicorn, a Celery worker, beat) with the production
settings; only what a laptop lacks is filled in: the embedded PostgreSQL and Redis by URL, a
secret key made once and kept under .data/, the *.localhost hosts, and plain http (no TLS proxy
here: SECURE_SSL_REDIRECT=0; Chromium takes Secure cookies on http://*.localhost).
The browser test of the production configuration starts its web server with `web_command`
and `production_environment` too (tests/e2e/test_production_serve.py).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".data"
PORT = 8000


def secret_key(path: Path = DATA_DIR / "serve-secret-key") -> str:
    """A random key made on the first run and kept: sessions survive a restart."""
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def production_environment(*, database_url: str, redis_url: str, port: int = PORT) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS=".localhost,localhost,127.0.0.1",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECURE_SSL_REDIRECT="0",
        # browsers connect straight to gunicorn: no proxy's X-Forwarded-For to trust
        TRUSTED_PROXY_COUNT="0",
        # an http link to a browser on this machine is a local try-out, not a production lapse
        SITE_SCHEME="http",
        SITE_PORT=str(port),
        MEDIA_ROOT=str(DATA_DIR / "media"),
    )
    return env


def collectstatic(env: dict[str, str]) -> None:
    """The hashed copies WhiteNoise serves in production (STATIC_ROOT, from env if set)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def web_command(port: int = PORT) -> list[str]:
    python = sys.executable
    # gthread, as the Procfile: the wallboards' live streams each hold a thread for up to a minute.
    # Two processes for two cores: a request is Python (one core under the GIL) between waits on
    # PostgreSQL and Redis, which the threads of a process overlap; more processes only take
    # turns on the same cores (with PostgreSQL on them too) and each holds its own connections
    # (bench/README.md "Under load" measured 2 x 8 here). WEB_CONCURRENCY / WEB_THREADS as in
    # the Procfile: one process per core of the machine it runs on.
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    threads = os.environ.get("WEB_THREADS", "8")
    return [
        python,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--workers",
        workers,
        "--worker-class",
        "gthread",
        "--threads",
        threads,
        "--bind",
        f"127.0.0.1:{port}",
    ]


def worker_commands() -> list[list[str]]:
    python = sys.executable
    return [
        [python, "-m", "celery", "-A", "config", "worker", "--loglevel=warning", "--concurrency=2"],
        [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel=warning",
            f"--schedule={DATA_DIR / 'celerybeat-schedule-serve'}",
        ],
    ]


def main() -> int:
    from common import devservers

    env = production_environment(database_url=devservers.database_url(), redis_url=devservers.redis_url())
    manage = [sys.executable, "manage.py"]
    subprocess.run(manage + ["migrate_schemas", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    collectstatic(env)
    # the demo contact center (idempotent); runs with the production settings like the rest
    subprocess.run(manage + ["demo_setup"], cwd=ROOT, env=env, check=True)
    processes = [subprocess.Popen(command, cwd=ROOT, env=env) for command in [web_command(), *worker_commands()]]
    print(f"Callwell (production settings): http://demo.localhost:{PORT}/ (Ctrl-C to stop)", flush=True)

    def stop(*_args) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        # Any process ending ends them all: a half-running deployment would mislead.
        while all(process.poll() is None for process in processes):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
