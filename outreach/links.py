"""The owner page's link: ``/o/<key><signature>/``, a random key and an HMAC of it, nothing guessable.

The key (16 URL-safe characters, 96 random bits) names an ``OwnerLink`` row; the signature (16 characters of an
HMAC-SHA256 under ``SECRET_KEY``) lets a tampered or made-up token be refused before the database is asked. Short,
because it goes into an SMS and a QR code.
"""

import base64
import hmac
import secrets
from functools import lru_cache

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

KEY_LENGTH = 16
SIGNATURE_LENGTH = 16
TOKEN_LENGTH = KEY_LENGTH + SIGNATURE_LENGTH
_SALT = "outreach.owner-link"
_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def new_key() -> str:
    return secrets.token_urlsafe(12)  # 12 bytes → 16 characters


def _signature(key: str) -> str:
    digest = salted_hmac(_SALT, key, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_LENGTH]


def token_for(key: str) -> str:
    return key + _signature(key)


def key_from_token(token: str) -> str | None:
    """The key of a well-formed token whose signature is right; None for anything else."""
    if len(token) != TOKEN_LENGTH or not set(token) <= _ALPHABET:
        return None
    key, signature = token[:KEY_LENGTH], token[KEY_LENGTH:]
    if not hmac.compare_digest(signature, _signature(key)):
        return None
    return key


@lru_cache(maxsize=1)
def _page_path() -> tuple[str, str]:
    """The owner page's path around its token, reversed once (a batch makes thousands of links)."""
    marker = "T" * TOKEN_LENGTH
    before, after = reverse("owner_page", kwargs={"token": marker}).split(marker)
    return before, after


def owner_url(key: str) -> str:
    """The link as printed and sent: absolute, under ``PUBLIC_BASE_URL``; empty when that is not set."""
    if not settings.PUBLIC_BASE_URL:
        return ""
    before, after = _page_path()
    return f"{settings.PUBLIC_BASE_URL}{before}{token_for(key)}{after}"
