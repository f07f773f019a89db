"""Settings, all read from environment variables (an optional .env file is loaded first).

With nothing configured the app runs on its embedded default: DEBUG on, a development
secret, a SQLite file under var/, DynamoDB Local started by `manage.py rundev`, loopback hosts.
Any sign of a deployment (DATABASE_URL, a non-loopback ALLOWED_HOSTS or AWS_ENDPOINT_URL, a
Cognito pool) makes SECRET_KEY required: the development key is in the repository, so anyone
could sign sessions and local tokens with it. Setting SECRET_KEY means "this is a real
deployment": DEBUG then defaults to off and the secure cookie and HTTPS settings apply.
"""
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from cruddur import swagger_ui
from cruddur.cache_settings import caches
from cruddur.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)

DATA_DIR = Path(env_str("CRUDDUR_DATA_DIR", str(BASE_DIR / "var")))

_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]", "testserver"}
# An unset AWS_ENDPOINT_URL cannot count: `manage.py rundev` starts DynamoDB Local after the settings load.
_DYNAMODB_HOST = urlsplit(env_str("AWS_ENDPOINT_URL") or "http://localhost").hostname
_DEPLOYMENT_SIGNS = [
    name for name, present in (
        ("DATABASE_URL", env_str("DATABASE_URL") is not None),
        ("ALLOWED_HOSTS", not set(env_list("ALLOWED_HOSTS", [])) <= _LOOPBACK_HOSTS),
        ("AWS_ENDPOINT_URL", _DYNAMODB_HOST not in _LOOPBACK_HOSTS),
        ("AWS_COGNITO_USER_POOL_ID", env_str("AWS_COGNITO_USER_POOL_ID") is not None),
    ) if present
]
# The configuration `make run` gives; demo accounts and localhost CORS origins are only for it.
EMBEDDED_DEFAULT = not _DEPLOYMENT_SIGNS

_DEV_SECRET_KEY = "dev-only-insecure-secret-key-for-the-embedded-default-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is not None and not SECRET_KEY.strip():
    SECRET_KEY = None
if not EMBEDDED_DEFAULT and SECRET_KEY in (None, _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be set to a secret of this deployment ({', '.join(_DEPLOYMENT_SIGNS)} set): the"
        " development key is public. Make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
DEBUG = env_bool("DEBUG", default=EMBEDDED_DEFAULT and SECRET_KEY is None)
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "users",
    "messaging",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cruddur.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "messaging.pages.context.unread_total",
            ],
        },
    },
]

WSGI_APPLICATION = "cruddur.wsgi.application"
ASGI_APPLICATION = "cruddur.asgi.application"

# Users live in Postgres in production; the embedded default is a SQLite file.
# Connections are kept between requests (opening one cost more than the user lookup itself).
_DATABASE_URL = env_str("DATABASE_URL")
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = ["users.backends.HandleOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/messages"
LOGOUT_REDIRECT_URL = "/login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Request bodies: a message is at most 1024 characters, so anything near this is abuse.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 64 * 1024)

# Production hardening; only relaxed by the embedded default (DEBUG on).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Content-Security-Policy on every answer (django-csp): scripts and styles from our own origin only, never
# inline. The one exception is the inline <style> of drf-spectacular's Swagger UI page, allowed by its hash
# (its init script comes from a file: SpectacularSwaggerSplitView). tests/browser/test_content_security_policy.py
# loads the pages, the admin and the docs in Chromium and fails on any violation.
SWAGGER_UI_STYLE_HASH = swagger_ui.inline_style_hash()
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF, f"'{SWAGGER_UI_STYLE_HASH}'"],
        "img-src": [CSP_SELF, "data:"],  # Swagger UI's and the admin's icons are data: URIs
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    },
}

# Cross-origin REST clients (the React front end). The localhost defaults are the embedded default's
# only: unset in a deployment, an origin is not allowed (a developer's localhost page could otherwise
# call the production API with a user's token).
FRONTEND_URL = env_str("FRONTEND_URL", "http://localhost:3000" if EMBEDDED_DEFAULT else None)
BACKEND_URL = env_str("BACKEND_URL", "http://localhost:8000" if EMBEDDED_DEFAULT else None)
CORS_ALLOWED_ORIGINS = [url.rstrip("/") for url in (FRONTEND_URL, BACKEND_URL) if url]
CORS_URLS_REGEX = r"^/api/.*$"
# The front end makes its sends retry-safe with Idempotency-Key; a preflight must allow it.
CORS_ALLOW_HEADERS = (*default_cors_headers, "idempotency-key")
# The client reads the next page from `Link` and backs off by `Retry-After`.
CORS_EXPOSE_HEADERS = ["Link", "Retry-After"]

# DynamoDB: unset AWS_ENDPOINT_URL means real AWS.
AWS_ENDPOINT_URL = env_str("AWS_ENDPOINT_URL")
AWS_DEFAULT_REGION = env_str("AWS_DEFAULT_REGION", "us-east-1")
DDB_MESSAGE_TABLE = env_str("DDB_MESSAGE_TABLE", "cruddur-messages")
# A request's deadline for a DynamoDB that hangs: each call gives up after its attempts (the first included)
# have waited out their timeouts, 2 x (0.5 s + 1.0 s) at most; DynamoDB answers in milliseconds when well.
DDB_CONNECT_TIMEOUT = env_float("DDB_CONNECT_TIMEOUT", 0.5)
DDB_READ_TIMEOUT = env_float("DDB_READ_TIMEOUT", 1.0)
DDB_MAX_ATTEMPTS = env_int("DDB_MAX_ATTEMPTS", 2)
# inline: the request re-keys group items; stream: the stream handler does.
MESSAGING_GROUP_UPDATES = env_str("MESSAGING_GROUP_UPDATES", "inline")
if MESSAGING_GROUP_UPDATES not in ("inline", "stream"):
    raise ImproperlyConfigured("MESSAGING_GROUP_UPDATES must be 'inline' or 'stream'")

# How long after sending a message its sender may still edit it (deleting has no limit).
MESSAGE_EDIT_WINDOW_SECONDS = env_int("MESSAGE_EDIT_WINDOW_SECONDS", 900)

# Cognito (production identity). Unset pool means only the app's own local tokens work.
COGNITO_USER_POOL_ID = env_str("AWS_COGNITO_USER_POOL_ID")
COGNITO_CLIENT_ID = env_str("AWS_COGNITO_USER_POOL_CLIENT_ID")
COGNITO_REGION = env_str("AWS_COGNITO_REGION", AWS_DEFAULT_REGION)
COGNITO_JWKS_TIMEOUT = env_float("COGNITO_JWKS_TIMEOUT", 3.0)
LOCAL_TOKEN_LIFETIME_SECONDS = env_int("LOCAL_TOKEN_LIFETIME_SECONDS", 3600)
# Clock skew allowed in a token's times (exp, iat, nbf), Cognito's and local ones alike.
JWT_LEEWAY_SECONDS = env_int("JWT_LEEWAY_SECONDS", 30)
# How long a token's user stays cached (users.lookup); saving the user drops it sooner.
AUTH_USER_CACHE_SECONDS = env_int("AUTH_USER_CACHE_SECONDS", 60)
# How long a conversation stays in the shared cache (messaging.conversation_cache); each write through this app
# refreshes it, and a stale entry costs one cancelled transaction, never a wrong write.
CONVERSATION_CACHE_SECONDS = env_int("CONVERSATION_CACHE_SECONDS", 3600)
# Where the pool's signing keys are; unset means Cognito's own JWKS address for the pool.
COGNITO_JWKS_URL = env_str("COGNITO_JWKS_URL")

# Shared fast state (throttle counters, the token-user cache): Redis when REDIS_URL is set, so every process on
# every host counts and forgets as one; without it, local memory (one process, the embedded default).
# Short timeouts: a Redis that is down or hangs costs at most REDIS_SOCKET_TIMEOUT per call (docs/RELIABILITY.md).
REDIS_URL = env_str("REDIS_URL")
REDIS_CONNECT_TIMEOUT = env_float("REDIS_CONNECT_TIMEOUT", 0.25)
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 0.25)
CACHES = caches(
    REDIS_URL, key_prefix=env_str("CACHE_KEY_PREFIX", "cruddur"),
    connect_timeout=REDIS_CONNECT_TIMEOUT, socket_timeout=REDIS_SOCKET_TIMEOUT,
)

# Whether every process of the app writes through one conversation cache: Redis is one cache for all; local memory
# is each process's own, unless the app runs as one process. Only then does a send trust a cached conversation.
CONVERSATION_CACHE_SHARED = env_bool("CONVERSATION_CACHE_SHARED", bool(REDIS_URL))

# Live events (GET /api/events, messaging/live/): published on Redis pub/sub when REDIS_URL is set (every process
# and host), on an in-process bus otherwise. docs/RELIABILITY.md says what each limit protects.
LIVE_CHANNEL = f"{env_str('CACHE_KEY_PREFIX', 'cruddur')}:live"
LIVE_HEARTBEAT_SECONDS = env_float("LIVE_HEARTBEAT_SECONDS", 15.0)
if not 0 < LIVE_HEARTBEAT_SECONDS <= 25:  # proxies and browsers give up on a stream silent for longer
    raise ImproperlyConfigured("LIVE_HEARTBEAT_SECONDS must be more than 0 and at most 25")
LIVE_RETRY_MS = env_int("LIVE_RETRY_MS", 3000)  # the `retry:` hint: how long a client waits to reconnect
LIVE_BUS_DOWN_RETRY_MS = env_int("LIVE_BUS_DOWN_RETRY_MS", 15000)
LIVE_MAX_STREAMS_PER_USER = env_int("LIVE_MAX_STREAMS_PER_USER", 5)  # per process
LIVE_IDLE_SECONDS = env_float("LIVE_IDLE_SECONDS", 600.0)
LIVE_MAX_LIFETIME_SECONDS = env_float("LIVE_MAX_LIFETIME_SECONDS", 3600.0)
LIVE_QUEUE_SIZE = env_int("LIVE_QUEUE_SIZE", 64)
# How much later than its own time a message may commit (the store's retry deadline and call timeouts, plus the
# clock skew between processes): reconnects recover from this far before the newest event delivered.
LIVE_COMMIT_WINDOW_SECONDS = env_float("LIVE_COMMIT_WINDOW_SECONDS", 15.0)

# REST API (DRF). Throttle counters live in the default cache (above).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "users.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["cruddur.api.content.NestingSafeJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "cruddur.api.content.NeverNotAcceptable",
    "DEFAULT_THROTTLE_CLASSES": [
        "cruddur.api.throttling.ClientIPRateThrottle",
        "cruddur.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "ip": env_str("API_THROTTLE_IP", "1200/min"),
        "user": env_str("API_THROTTLE_USER", "600/min"),
        "auth_token": env_str("API_THROTTLE_AUTH_TOKEN", "20/min"),
    },
    # Proxies in front of the app (load balancer) that append to X-Forwarded-For. 0 = use the
    # peer address only: unset, DRF would trust a client-sent X-Forwarded-For and so its throttles.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
    "EXCEPTION_HANDLER": "cruddur.api.handlers.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cruddur direct messaging API",
    "DESCRIPTION": (
        "The old Cruddur client's contract: bare JSON arrays, 200 on POST /api/messages, "
        "422 with a JSON array of error codes. Authenticate with `Authorization: Bearer <token>` "
        "(a Cognito access or id token, or a local token from POST /api/auth/token) or a session."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # No CDN: Swagger UI's files come from drf-spectacular-sidecar through static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH body is documented as its serializer says: the message edit requires its one field.
    "COMPONENT_SPLIT_PATCH": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"botocore": {"level": "WARNING"}, "boto3": {"level": "WARNING"}},
}
