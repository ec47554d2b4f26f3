import os
from urllib.parse import urlsplit, urlunsplit

from common.devservers import redis_url

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Parallel test runs (several checkouts or helpers on one machine) each need their own
# test database on the shared embedded server.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("CALLWELL_TEST_DB", "test_callwell")}

# Tests compare the queries of two requests: each reads its host's tenant, as without the cache
# (tests/scorecards/test_under_load.py turns it on).
TENANT_HOST_CACHE_SECONDS = 0
# Rate-limit counters of one test must not leak into the next run through Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The tests' tasks go through a Redis database of their own: a `make run` or `make serve`
# worker on the same (embedded) server listens on database 0 and would otherwise take them.
TEST_BROKER_DB = 15
if redis_url().startswith("redis+socket://"):  # kombu reads a socket's database from the query
    CELERY_BROKER_URL = f"{redis_url().split('?')[0]}?virtual_host={TEST_BROKER_DB}"
else:
    CELERY_BROKER_URL = urlunsplit(urlsplit(redis_url())._replace(path=f"/{TEST_BROKER_DB}"))

# The tests' live state in a Redis database of its own, away from the demo's (database 0).
TEST_LIVE_DB = 14
if redis_url().startswith("redis+socket://"):
    LIVE_REDIS_URL = f"unix://{redis_url().split('?')[0].removeprefix('redis+socket://')}?db={TEST_LIVE_DB}"
else:
    LIVE_REDIS_URL = urlunsplit(urlsplit(redis_url())._replace(path=f"/{TEST_LIVE_DB}"))
