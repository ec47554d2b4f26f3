"""Production: behind a TLS-terminating proxy, PostgreSQL and Redis by URL. Fails closed.

Every value that would be unsafe to guess (the secret key, the hosts served, the database and
the broker) must come from the environment; a missing one stops the process at start-up with
its name, before the development fallbacks of base.py (an embedded PostgreSQL, a local Redis,
a public key) could be used. `.env.example` lists them; `manage.py check --deploy` with these
settings and such an environment prints no warning (tests/test_production_settings.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

DEV_SECRET_KEY = "dev-only-insecure-key-change-me"


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production (see .env.example)")
    return value


# Checked before base.py runs: without them it would start local servers of its own.
for _name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
    _required(_name)
if (
    os.environ["SECRET_KEY"] == DEV_SECRET_KEY
    or len(set(os.environ["SECRET_KEY"])) < 5
    or len(os.environ["SECRET_KEY"]) < 50
):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters, not the development one")

from .base import *  # noqa: E402, F403

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
# Only the hosts named: tenants' domains (".callwell.example" covers every subdomain).
ALLOWED_HOSTS = [host.strip() for host in os.environ["ALLOWED_HOSTS"].split(",") if host.strip()]

# --- behind a TLS-terminating proxy ----------------------------------------------------------
# The proxy speaks HTTPS to browsers and HTTP to us, and says so in X-Forwarded-Proto: with it,
# request.is_secure() is true and every absolute link Callwell builds (password reset, agent
# invitation, survey URL) starts with https. The proxy must set (not pass on) this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address is the one that proxy appended to X-Forwarded-For (login lockouts per
# address, survey rate limits); without it every client would share the proxy's address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
# A year, every subdomain (each tenant is one), and eligible for browsers' preload lists.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Links built outside a request (digests, tasks): https and no port unless told otherwise.
SITE_SCHEME = os.environ.get("SITE_SCHEME", "https")
SITE_PORT = os.environ.get("SITE_PORT", "")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
