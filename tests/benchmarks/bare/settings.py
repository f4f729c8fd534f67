"""Settings of the bare app: no installed apps, no middleware, one database from BARE_DATABASE_URL.

The database options match studyapp's where they change how the database behaves under concurrent
writers (SQLite: WAL, IMMEDIATE transactions, a busy timeout); connections are kept open between
requests on both databases (studyapp keeps them 60 s on PostgreSQL and opens one per request on SQLite).
"""

import os

import dj_database_url

DEBUG = False
SECRET_KEY = "bare-benchmark-app-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = []
MIDDLEWARE = []
ROOT_URLCONF = "bare.urls"
WSGI_APPLICATION = "bare.wsgi.application"
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False

DATABASES = {"default": dj_database_url.parse(os.environ["BARE_DATABASE_URL"], conn_max_age=None)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
