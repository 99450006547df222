"""What the SMS tests share: a backend that records (and can fail on cue), a fixed clock, a batch maker."""

from datetime import datetime, timedelta

from outreach.backends import SendResult, SmsBackend
from outreach.quiet_hours import CHINA


def china(*args) -> datetime:
    return datetime(*args, tzinfo=CHINA)


class RecordingBackend(SmsBackend):
    """Sends nothing: keeps each message; ``fail`` maps a phone to the exceptions its next tries raise."""

    name = "recording"
    needs_template_code = False

    def __init__(self, fail: dict | None = None, delivered: bool = False):
        self.sent = []
        self.fail = {phone: list(errors) for phone, errors in (fail or {}).items()}
        self.delivered = delivered

    def send(self, message):
        errors = self.fail.get(message.phone)
        if errors:
            raise errors.pop(0)
        self.sent.append(message)
        return SendResult(vendor_id=f"v-{len(self.sent)}", delivered=self.delivered)

    @property
    def phones(self):
        return [m.phone for m in self.sent]


class Clock:
    """A clock tests move by hand; ``sleep`` moves it too (the pacer waits on it)."""

    def __init__(self, start: datetime):
        self.at = start
        self.slept = []

    def __call__(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.at += timedelta(seconds=seconds)

    def advance(self, **kwargs) -> None:
        self.at += timedelta(**kwargs)
