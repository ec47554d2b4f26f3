"""Settings shared by every environment. Secrets and servers come from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from common import devservers

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / ".data"
# Real records from real systems, used by tests only. Their licences forbid copying them into
# the repository, so they are read in place: ../shared/data/external beside the checkout on
# our machines and CI, anywhere else with CALLWELL_SAMPLES_DIR (tests/samples.py).
SAMPLES_DIR = Path(os.environ.get("CALLWELL_SAMPLES_DIR", BASE_DIR.parent / "shared" / "data" / "external"))

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1"] + [
    h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h
]

# --- tenancy (django-tenants): the schema is the tenant boundary -----------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    # the platform admin asks staff for a second factor (accounts.admin_site)
    "accounts.apps.PlatformAdminConfig",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # accounts lives in both: platform staff in public, each tenant's users in its schema
    "accounts",
    "common",
    # login protection: the platform's failed logins in public, a tenant's in its schema;
    # second factors only for platform staff
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # both: each tenant's schema has its center's audit log, the public schema the platform's
    "audit",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "audit",
    "accounts",
    "axes",
    "webhooks",
    "interactions",
    "live",
    "alerts",
    "scorecards",
    "surveys",
    "qa",
    "recognition",
    "coaching",
    "reports",
    "home",
    # the top layer: what follows what (pipeline/followups.py), the demo; no models
    "pipeline",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]
TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenants"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# migrate_schemas skips the schemas already up to date and keeps the template schema new
# tenants are copied from current (tenants/migration_executor.py, tenants/template.py).
GET_EXECUTOR_FUNCTION = "tenants.migration_executor.get_executor"

MIDDLEWARE = [
    # first, so every response (a 404 for an unknown host too) carries its X-Request-ID
    "audit.middleware.RequestIdMiddleware",
    # django-tenants' TenantMainMiddleware, the host's tenant cached (tenants/hosts.py)
    "tenants.middleware.CachedTenantMainMiddleware",
    "tenants.middleware.TenantTimezoneMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "common.security_headers.ContentSecurityPolicyMiddleware",
    "common.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The browser's language, before the first page that can answer (a suspended tenant);
    # accounts.middleware.UserLanguageMiddleware applies a logged-in user's own choice.
    "django.middleware.locale.LocaleMiddleware",
    # Before sessions and authentication, after the security headers (which then still apply
    # to its "suspended" answers) and static files.
    "tenants.middleware.TenantSuspensionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # before the CSRF check, which reads a form post's body: an upload over the limit is a 413
    # before any of it is read
    "common.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "surveys.middleware.EffortPulseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "common.access.RoleRequiredMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.navigation",
                "home.context_processors.navigation",
            ],
        },
    }
]
WSGI_APPLICATION = "config.wsgi.application"

# Persistent connections are checked before each request reuses one: after a PostgreSQL restart
# the first request of each thread would otherwise fail on a connection the server closed.
DATABASES = {"default": dj_database_url.parse(devservers.database_url(), conn_max_age=60, conn_health_checks=True)}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# The UI languages: each needs a complete catalogue in locale/<code>/ (`make messages`).
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))  # collectstatic writes here
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads above this size are written to disk and imported by a Celery task.
IMPORT_ASYNC_THRESHOLD_BYTES = int(os.environ.get("IMPORT_ASYNC_THRESHOLD_BYTES", 4 * 1024 * 1024))
# Import size limits: a larger upload is refused (413) before it is read; an over-long field
# or record is one rejected row (interactions/ingestion/limits.py).
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", 200 * 1024 * 1024))
IMPORT_MAX_FIELD_BYTES = int(os.environ.get("IMPORT_MAX_FIELD_BYTES", 128 * 1024))
IMPORT_MAX_LINE_BYTES = int(os.environ.get("IMPORT_MAX_LINE_BYTES", 1024 * 1024))
# A RUNNING import whose process runs on another host is presumed dead after this long without
# a heartbeat (one per batch of rows); on its own host a dead process is seen at once.
IMPORT_STALE_AFTER_SECONDS = int(os.environ.get("IMPORT_STALE_AFTER_SECONDS", "1800"))
# Live events (live/): at most this many per POST /api/v1/events/.
LIVE_MAX_BATCH = int(os.environ.get("LIVE_MAX_BATCH", "1000"))
# Rows the live feed writes reach the KPIs, invitations and QA checks at most this often per tenant.
LIVE_FOLLOWUPS_SECONDS = int(os.environ.get("LIVE_FOLLOWUPS_SECONDS", "10"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- email: SMTP when EMAIL_HOST is set, the console otherwise --------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Links in emails point at the tenant's host: in development http and runserver's port,
# in production SITE_SCHEME=https and SITE_PORT="" (no port in the links).
SITE_SCHEME = os.environ.get("SITE_SCHEME", "http")
SITE_PORT = os.environ.get("SITE_PORT", "8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Callwell <no-reply@callwell.localhost>")

# --- Celery (tenant-schemas-celery picks the schema from the task headers) --------------
CELERY_BROKER_URL = devservers.redis_url()
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# The nightly KPI recompute starts one tenant this many seconds after the previous one.
KPI_NIGHTLY_STAGGER_SECONDS = int(os.environ.get("KPI_NIGHTLY_STAGGER_SECONDS", "15"))
# ... or closer together, so that every tenant's has started within this window (2 hours: before
# 04:15 UTC, 06:15 in Berlin in summer) however many tenants there are (scorecards.tasks).
KPI_NIGHTLY_WINDOW_SECONDS = int(os.environ.get("KPI_NIGHTLY_WINDOW_SECONDS", "7200"))
# A loop over every tenant's schema (the beat dispatchers) reconnects after this many schemas:
# a PostgreSQL backend keeps the catalog entries of every table it touched until it ends
# (tenants/iteration.py; bench/README.md, "A thousand tenants").
TENANT_LOOP_RECONNECT_EVERY = int(os.environ.get("TENANT_LOOP_RECONNECT_EVERY", "100"))
# A KPI recompute that finds its tenant's previous one still running comes back this much later.
KPI_RECOMPUTE_BUSY_RETRY_SECONDS = int(os.environ.get("KPI_RECOMPUTE_BUSY_RETRY_SECONDS", "10"))

# The public survey pages' rate limits must be shared by every worker process: Redis.
_redis = devservers.redis_url()
CACHES = {
    "default": {
        # With Redis down, pages answer as with an empty cache (common/cache.py says why per use).
        "BACKEND": "common.cache.FailOpenRedisCache",
        # redis-py spells a socket unix://, Celery (kombu) redis+socket://
        "LOCATION": _redis.replace("redis+socket://", "unix://", 1),
        # an unreachable Redis host costs a request a second, not a hang
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
# The live state (live/state.py): the broker's Redis unless told otherwise, in redis-py's spelling.
LIVE_REDIS_URL = os.environ.get("LIVE_REDIS_URL") or CACHES["default"]["LOCATION"]
# A host's tenant is read from the cache for this long at most (tenants/hosts.py); 0: every request
# reads it from the public schema.
TENANT_HOST_CACHE_SECONDS = int(os.environ.get("TENANT_HOST_CACHE_SECONDS", "300"))
# django-tenants sets the search_path once per connection and tenant, not before every query.
TENANT_LIMIT_SET_CALLS = True

# --- security headers, in every environment so a violation shows up on a laptop first ---------
# No inline script or style anywhere: scripts and styles are static files, dynamic widths are
# SVG attributes. The exceptions, for styles only: the platform admin (common/security_headers.py)
# and the digest preview's email HTML (coaching/views_digests.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: [] for feature in ("camera", "microphone", "geolocation", "payment", "usb")
}

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: a view that does not declare allowed_roles is refused.
    "DEFAULT_PERMISSION_CLASSES": ["common.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Callwell API",
    "DESCRIPTION": "Contact-center data in, honest KPIs out. Authenticate with "
    "`Authorization: Bearer <api key>`; every key belongs to one contact center.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Offline docs: Swagger UI and ReDoc assets come from drf-spectacular-sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- login protection (django-axes, django-otp): accounts/login_protection.py ----------------
# Ten failed logins for one account, or from one address, within the window lock it out for the
# rest of the window, even with the right password; a lockout looks the same whether or not the
# account exists. Attempts are stored in the schema of the host they were made on.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "accounts.middleware.PlatformOTPMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last: it replaces a locked-out response
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one alone locks
# Attempts while locked out do not extend the lockout: the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "accounts.login_protection.AccountResetOnSuccessHandler"
AXES_CLIENT_IP_CALLABLE = "common.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.login_protection.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# How many proxies in front append to X-Forwarded-For; 0: the client is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Password reset emails per hour for one address and for one client address (per tenant).
PASSWORD_RESET_LIMIT_PER_HOUR = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_HOUR", "5"))
OTP_TOTP_ISSUER = "Callwell"
