"""The production settings fail closed and pass Django's deployment checklist."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.test import override_settings

from common import devservers
from tests.paths import ROOT


def production_env(**changes: str | None) -> dict[str, str]:
    """A realistic production environment (this machine's servers by URL); None removes a name."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "CALLWELL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=".callwell.example",
        DATABASE_URL=devservers.database_url(),
        REDIS_URL=devservers.redis_url(),
    )
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_production_settings():
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_manage_py_refuses_to_start_without_a_required_setting(missing):
    done = run(["manage.py", "check"], production_env(**{missing: None}))
    assert done.returncode != 0
    assert f"{missing} must be set in production" in done.stderr


def test_the_development_secret_key_is_refused():
    done = run(["manage.py", "check"], production_env(SECRET_KEY="dev-only-insecure-key-change-me"))
    assert done.returncode != 0 and "not the development one" in done.stderr


@pytest.mark.parametrize("entry", ["config.wsgi", "config.asgi", "config.celery"])
def test_servers_and_workers_default_to_production_and_refuse_without_a_secret_key(entry):
    done = run(
        ["-c", f"import {entry}, django; django.setup()"], production_env(DJANGO_SETTINGS_MODULE=None, SECRET_KEY=None)
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set in production" in done.stderr


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_a_link_built_for_a_request_through_the_proxy_is_https(tenants, people, api):
    from surveys.models import Survey
    from tests.factories import InteractionFactory

    Survey.objects.create(kind="csat", name="After-call CSAT")
    InteractionFactory(external_id="proxied-contact", agent=people.alice.agent)
    client = api(tenants.alpha, key=people.alpha_key)
    answer = client.post(
        "/api/v1/survey-invitations/",
        {"interaction": "proxied-contact", "survey": "csat"},
        format="json",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert answer.status_code in (200, 201), answer.content
    assert answer.json()["url"].startswith("https://alpha.localhost/s/")
    direct = client.post(
        "/api/v1/survey-invitations/", {"interaction": "proxied-contact", "survey": "csat"}, format="json"
    )
    assert direct.json()["url"].startswith("http://alpha.localhost/s/")  # no proxy said https


PROXY = override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))


@PROXY
def test_a_password_reset_through_the_proxy_mails_an_https_link(tenants, people, web):
    from django.core import mail

    web(tenants.alpha).post("/password/reset/", {"email": "alice@alpha.test"}, HTTP_X_FORWARDED_PROTO="https")
    [message] = mail.outbox
    assert "https://alpha.localhost/password/reset/" in message.body
    assert "http://" not in message.body


@PROXY
def test_an_agent_invitation_through_the_proxy_mails_an_https_link(tenants, people, web):
    from django.core import mail

    from accounts.models import Agent

    agent = Agent.objects.create(acd_login="proxied.agent")
    web(tenants.alpha, people.ada).post(
        f"/agents/{agent.pk}/invite/", {"invite-email": "proxied@alpha.test"}, HTTP_X_FORWARDED_PROTO="https"
    )
    [message] = mail.outbox
    assert message.to == ["proxied@alpha.test"]
    assert "https://alpha.localhost/password/reset/" in message.body
    assert "http://" not in message.body
