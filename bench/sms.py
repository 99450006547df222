"""Benchmark of an SMS batch: 10,000 households through the console backend, against a bare loop of the same writes.

    .venv/bin/python bench/sms.py [--households 10000] [--reuse]

Drops and recreates its own database (BENCH_SMS_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/wuye_bench_sms_batch), seeds N households all in arrears with seed_demo, then in
one process:

1. ``sms_batch_create``: the notices' batch filter over the community (the report's amounts for every household);
2. ``sms_batch_send`` with the console backend and no rate limit (``SMS_RATE_PER_SECOND=0``), the clock held at
   10:00 so quiet hours do not stop it: per chunk of 200 the checks (legal track, opt-out, mobile, duplicate number,
   still owing), the amounts of the sending day, the owner links, the texts, the claim, each send (the console
   backend formats and logs it, here to a file), and the results: message rows, history contacts, statuses;
3. the limit: a bare loop writing the same rows (the same number of messages with the same texts, their contacts,
   the same status update) through the same bulk paths in chunks of 200 (``bulk_create`` for the new rows, the COPY
   and ``UPDATE … FROM`` of ``arrears.bulk.update_rows`` for the results), and nothing else.

Prints each step's seconds and messages per second, and the product's time beside the bare loop's. With a rate
limit the batch takes N / SMS_RATE_PER_SECOND seconds by design: that is not what this measures.
"""

import argparse
import functools
import logging
import os
import sys
import tempfile
import time
from datetime import datetime
from datetime import time as dtime

from common import ROOT, manage, recreate

print = functools.partial(print, flush=True)  # noqa: A001  (figures appear as they are measured)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wuye_bench_sms_batch"
CHUNK = 200


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="keep the database a previous run seeded")
    args = parser.parse_args()
    url = os.environ.get("BENCH_SMS_DATABASE_URL", DEFAULT_URL)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "1",
        "CELERY_BROKER_URL": "",
        "SMS_BACKEND": "console",
        "SMS_RATE_PER_SECOND": "0",
        "PUBLIC_BASE_URL": "https://wuye.example.com",
    }
    if not args.reuse:
        recreate(url)
        manage("migrate", "-v0", env=env)
        started = time.perf_counter()
        manage("seed_demo", f"--households={args.households}", f"--delinquent={args.households}", "-v0", env=env)
        print(f"seed_demo {args.households} households, all in arrears: {time.perf_counter() - started:.1f} s")

    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from arrears.bulk import update_rows
    from arrears.models import Community
    from assignments.models import Contact, ContactChannel, Outcome
    from notices.models import NoticeLevel
    from notices.services import BatchCriteria
    from outreach.backends.console import ConsoleBackend
    from outreach.models import MessageStatus, OwnerLink, SmsBatch, SmsMessage
    from outreach.quiet_hours import CHINA
    from outreach.services.batches import sms_batch_create, sms_batch_send
    from outreach.throttle import Pacer

    log_path = tempfile.mkstemp(prefix="bench-sms-", suffix=".log")[1]
    sms_log = logging.getLogger("outreach.sms")
    sms_log.handlers[:] = [logging.FileHandler(log_path, encoding="utf-8")]
    sms_log.propagate = False
    sms_log.setLevel(logging.INFO)

    community = Community.objects.order_by("pk").first()
    today = timezone.localdate()
    ten = datetime.combine(today, dtime(10, 0), tzinfo=CHINA)
    clock = lambda: ten  # noqa: E731  (held still: the run never reaches the quiet hours)
    print(f"PostgreSQL {connection.cursor().connection.info.server_version}, community {community.code}")

    # Earlier runs (--reuse) leave their rows: start clean.
    SmsMessage.objects.all().delete()
    SmsBatch.objects.all().delete()
    Contact.objects.filter(outcome=Outcome.MESSAGE_SENT).delete()
    OwnerLink.objects.all().delete()

    started = time.perf_counter()
    batch = sms_batch_create(
        criteria=BatchCriteria(community=community, level=NoticeLevel.REMINDER, as_of=today),
        level="reminder",
        now=ten,
        enqueue=False,
    )
    chose = time.perf_counter() - started
    print(f"1. sms_batch_create: {batch.total} households chosen in {chose:.2f} s")

    started = time.perf_counter()
    batch = sms_batch_send(batch_id=batch.pk, backend=ConsoleBackend(), now=clock, pacer=Pacer(0, now=clock))
    sent_s = time.perf_counter() - started
    with open(log_path, encoding="utf-8") as written:
        lines = sum(1 for _line in written)
    print(
        f"2. sms_batch_send: {batch.sent} sent, {batch.skipped} skipped, {batch.failed} failed, status {batch.status} "
        f"in {sent_s:.2f} s = {batch.sent / sent_s:,.0f} messages/s ({lines} lines in the console log)"
    )
    assert batch.status == "done", batch.status

    # The limit: the same rows, the same bulk paths, nothing else.
    rows = list(
        SmsMessage.objects.filter(batch=batch, status=MessageStatus.DELIVERED).values_list(
            "household_id", "phone", "text", "params"
        )
    )
    bare = SmsBatch.objects.create(community=community, level="reminder", household_ids=[], total=len(rows))
    started = time.perf_counter()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        messages = SmsMessage.objects.bulk_create(
            [
                SmsMessage(batch=bare, household_id=h, level="reminder", phone=p, text=t, params=params)
                for h, p, t, params in chunk
            ]
        )
        contacts = Contact.objects.bulk_create(
            [
                Contact(
                    household_id=m.household_id,
                    channel=ContactChannel.SMS,
                    reached=False,
                    outcome=Outcome.MESSAGE_SENT,
                    note=m.text,
                )
                for m in messages
            ]
        )
        for message, contact in zip(messages, contacts, strict=True):
            message.status = MessageStatus.DELIVERED
            message.sent_at = message.delivered_at = ten
            message.vendor_id = "bare"
            message.attempts = 1
            message.contact = contact
        update_rows(
            SmsMessage,
            ["status", "vendor_id", "sent_at", "delivered_at", "error", "attempts", "next_attempt_at", "contact"],
            [(m.pk, m.status, m.vendor_id, ten, ten, "", 1, None, m.contact_id) for m in messages],
        )
    bare_s = time.perf_counter() - started
    print(
        f"3. bare loop of the same writes: {len(rows)} messages in {bare_s:.2f} s"
        f" = {len(rows) / bare_s:,.0f} messages/s"
    )
    print(
        f"batch of {batch.total}: choose {chose:.2f} s + send {sent_s:.2f} s = {chose + sent_s:.2f} s; "
        f"sending is {sent_s / bare_s:.1f}x the bare writes ({bare_s:.2f} s)"
    )
    os.unlink(log_path)


if __name__ == "__main__":
    main()
