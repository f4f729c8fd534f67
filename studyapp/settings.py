"""One settings module, configured from the environment (see the README's configuration table)."""

import datetime as dt
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from studyapp.env import env_bool, env_int, env_list, env_proxy_header, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-local-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "simple_history",  # who changed which fact when (issue 21): facts' HistoricalRecords
    "studyapp.facts",
    "studyapp.cards",
    "studyapp.accounts",
    "studyapp.study",
    "studyapp.quiz",
    "studyapp.exports",
    "studyapp.api",
    "studyapp.authoring",
    "django_tasks",
    "django_tasks_db",
]

# Work too long for a request (the FSRS optimizer) runs in `manage.py db_worker`, which `make run` starts;
# the queue is a table, so no other server is needed.
TASKS = {"default": {"BACKEND": env_str("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "studyapp.middleware.InputLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in user of a page request for history rows the services do not attribute themselves (admin saves);
    # the services name their user (facts.models.acting_as): the API authenticates tokens after middleware.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "studyapp.middleware.NoStoreMiddleware",
    # Last, as django-axes requires: it turns a lockout raised during authentication into a 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses any login for a (username, address) pair that is locked out, before checking the password.
    "axes.backends.AxesStandaloneBackend",
    "studyapp.accounts.backends.UserWithSettingsBackend",
]

# Log-in abuse (django-axes): the 5th failure for one username from one address locks that pair out
# for 15 minutes (429); a success before that resets the count. Unknown users and wrong passwords are treated alike.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "studyapp.accounts.lockout.lockout_response"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0, minimum=0)
# The lockout identifies a client exactly as every throttle does (DRF's get_ident with NUM_PROXIES below):
# django-ipware is not installed, so axes would otherwise see only the balancer's address.
AXES_CLIENT_IP_CALLABLE = "studyapp.accounts.throttles.by_address"

# Throttle counters and other shared state live in a cache every worker process shares: the
# database by default, Redis when REDIS_URL is set. Never per-process memory.
REDIS_URL = env_str("REDIS_URL")
# Where the source texts are, for showing a source's quotes in text order (optional; see facts/selectors.py).
FACT_SOURCES_DIR = Path(env_str("FACT_SOURCES_DIR") or BASE_DIR.parent / "shared" / "sources")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "studyapp.cache.UpsertDatabaseCache", "LOCATION": "studyapp_cache"}
}

# No inline script anywhere: every script is a static file from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],  # the progress bar's width; no script can run from it
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "studyapp.urls"
WSGI_APPLICATION = "studyapp.wsgi.application"

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
            ],
        },
    },
]

# SQLite by default; PostgreSQL (or anything dj-database-url knows) when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters sent apart from the statement text, so psycopg prepares a statement run often (its fifth run
    # on a connection) and PostgreSQL stops planning it afresh: the study queue's statement took 0.4-0.5 ms
    # to plan on every request. Needs session pooling if a pooler sits in front (see the README).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent web users: WAL lets readers run beside a writer, and IMMEDIATE transactions take
    # the write lock up front so writers queue on the busy timeout instead of failing with
    # "database is locked" when a read transaction tries to upgrade.
    # Connections are kept (DATABASE_CONN_MAX_AGE) as on PostgreSQL: opening one and running the PRAGMAs below
    # cost each request about 1 ms (issue 17's profile), more than /healthz's whole view.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    # A file (not in-memory) so concurrency tests use real separate connections; one per test process
    # so two suites running side by side never share, and corrupt, one database.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        Path(tempfile.gettempdir()) / f"studyapp-test-{os.getpid()}.sqlite3")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    # Similar to the username, e-mail or name (ratio 0.7 or more), and, below, containing the username at all.
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "studyapp.accounts.validators.UsernameInPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "studyapp" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "studyapp.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/study/"
LOGOUT_REDIRECT_URL = "/"

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "studyapp@localhost")

# Security: the secure defaults apply whenever debug is off; each can be tuned from the environment.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = env_proxy_header("DJANGO_SECURE_PROXY_SSL_HEADER")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# The API takes small JSON bodies only (a review, a settings change, a quiz answer), but for an Anki package
# brought back (Settings › Bring back reviews from Anki, and its API endpoint): at most ANKI_IMPORT_MAX_BYTES.
API_MAX_BODY_BYTES = 64 * 1024
ANKI_IMPORT_MAX_BYTES = 100 * 1024 * 1024
# A source's text posted to POST /api/collections/<key>/sources/ (issue 21): the text itself is capped at 1,000,000
# bytes of UTF-8 by authoring.text (413 with its message); the body may carry that text JSON-escaped.
SOURCE_UPLOAD_MAX_BYTES = 3 * 1000 * 1000
# What one user's collections may hold (issue 21 probe #11: 30 uploads of 1 MB in 2.6 s, 100 collections, all
# accepted). Checked by facts.services when a collection or source is created or a source's text changed; over a
# cap the write is refused with a message saying what to do (API: 400). Generous for real use, a bound on abuse:
# - collections a user owns: a reading group keeps a handful; 50 leaves room, hand-overs and deletes free one.
# - sources in one collection: the Serge base has 5; 200 is a whole course's reading list.
# - characters of stored text in one collection: 20 book-length texts (an upload is at most 1,000,000 bytes), 150
#   times the Serge base's five sources (133,000 characters). With the two caps above, one user holds at most
#   1,000,000,000 characters, and the upload rate (below: 60 an hour) keeps them from filling it in an afternoon.
AUTHORING_MAX_COLLECTIONS_PER_USER = env_int("AUTHORING_MAX_COLLECTIONS_PER_USER", 50, minimum=1)
AUTHORING_MAX_SOURCES_PER_COLLECTION = env_int("AUTHORING_MAX_SOURCES_PER_COLLECTION", 200, minimum=1)
AUTHORING_MAX_COLLECTION_TEXT_CHARS = env_int("AUTHORING_MAX_COLLECTION_TEXT_CHARS", 20_000_000, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "studyapp.accounts.backends.TokenWithSettingsAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["studyapp.api.parsers.SafeJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    # Throttles identify a client as the log-in lockout does: the address the configured number of trusted
    # proxies saw, never whatever X-Forwarded-For a client sends (DRF trusts the whole header when unset).
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT,
    "EXCEPTION_HANDLER": "studyapp.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "signup": env_rate("API_THROTTLE_SIGNUP", "20/hour"),
        "token": env_rate("API_THROTTLE_TOKEN", "60/hour"),
        "quiz_create": env_rate("API_THROTTLE_QUIZ", "120/hour"),
        "anki_import": env_rate("API_THROTTLE_ANKI_IMPORT", "30/hour"),  # each upload replays card histories
        # A source's text added or changed over the API, per user: each is up to 1 MB, read and stored.
        "source_upload": env_rate("API_THROTTLE_SOURCE_UPLOAD", "60/hour"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "studyapp API",
    "DESCRIPTION": "Flashcards, spaced repetition and quizzes for the people, dates and works in "
    "writings about Victor Serge. Every card cites its source.",
    "VERSION": "1.0.0",
    # Several serializers have a field named "kind" (a card's, a work's, a fact's): each choice set named once.
    "ENUM_NAME_OVERRIDES": {"FactKindEnum": ["person", "work", "event"],
                            "WorkKindEnum": "studyapp.facts.models.WorkKind"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
