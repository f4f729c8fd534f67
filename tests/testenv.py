"""Loaded with `-p tests.testenv` before Django starts: the suite runs with debug off, like production."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-3f9a1c7e2b8d4f6a0e5c9b1d7a3f8e2c6b4d0a9f1e7c3b5d")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
