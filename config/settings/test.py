"""Test settings: the base settings with a fast hasher and no lockout noise."""

import os

os.environ.setdefault("OPENMASH_DEBUG", "false")
os.environ.setdefault("OPENMASH_SECRET_KEY", "test-only-not-secret-key-0123456789abcdefghijklmnop")
os.environ.setdefault("OPENMASH_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("OPENMASH_HTTPS", "false")
os.environ.setdefault("OPENMASH_BASE_URL", "http://testserver")  # links given outside a request (core.links)
# Test-only keys (openmash.core.keys), never used outside the test suite: 32 bytes each, base64.
os.environ.setdefault("OPENMASH_FIELD_KEYS", "1:dGVzdC1vbmx5LWZpZWxkLWtleS12ZXJzaW9uLW9uZSE=")
os.environ.setdefault("OPENMASH_AUDIT_MAC_KEY", "dGVzdC1vbmx5LWF1ZGl0LW1hYy1rZXktMzItYnl0ZXM=")
os.environ.setdefault("OPENMASH_AUDIT_SIGNING_KEY", "dGVzdC1vbmx5LWF1ZGl0LXNpZ25pbmctc2VlZC0zMiE=")

from config.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Feed imports started from a page run inside the request in tests (a thread's own connection could not see the
# test's transaction); tests of the thread runner set it back.
OPENMASH_IMPORT_RUNNER = "inline"
# Feed tests count the links an import writes; the tests of scoring after an import set it back.
OPENMASH_SCORE_AFTER_IMPORT = False
OPENMASH_FLAGS_AFTER_IMPORT = False  # tests of the patterns app turn it on
# django-otp's back-off after a wrong code (1 s, 2 s, ...) would make a test's wrong-then-right code depend on the
# clock; the lockout (django-axes) still counts every failure. openmash/accounts/tests/test_mfa.py sets it back.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
