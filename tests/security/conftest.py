"""Fixtures for the security tests."""

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Logins here hash many passwords; the real hasher's cost is not what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
