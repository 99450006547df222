"""The SMS's notion of now, in one place so tests (and a demo) can move it; looked up at each call."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
