"""The Celery job that renders a batch: in-process (the same code a worker runs) and with a real worker."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from pypdf import PdfReader

from notices.models import BatchStatus, NoticeBatch, NoticeLevel
from notices.services import BatchCriteria, batch_create
from notices.tasks import TEMPORARY_ERRORS, render_batch
from tests.factories_notices import AS_OF, household_in_arrears, letter_community


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_batch(households: int = 2) -> NoticeBatch:
    community = letter_community()
    for n in range(households):
        household_in_arrears(community, room=f"{101 + n}", paid_late=n == 0)
    criteria = BatchCriteria(community=community, level=NoticeLevel.DEMAND, as_of=AS_OF)
    return batch_create(criteria=criteria, enqueue=False)


def test_task_is_configured_for_safe_delivery():
    assert render_batch.acks_late is True
    assert render_batch.soft_time_limit and render_batch.time_limit > render_batch.soft_time_limit
    assert OperationalError in render_batch.autoretry_for
    assert render_batch.retry_backoff
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


@pytest.mark.django_db
def test_task_renders_the_batch_and_a_second_delivery_changes_nothing():
    batch = make_batch()
    assert render_batch(batch.pk) == {"batch": batch.pk, "status": BatchStatus.DONE, "done": 2}
    numbers = sorted(batch.notices.values_list("number", flat=True))
    assert render_batch(batch.pk)["status"] == BatchStatus.DONE
    assert sorted(batch.notices.values_list("number", flat=True)) == numbers == ["HY-TZ-2026-00001", "HY-TZ-2026-00002"]


@pytest.mark.django_db
def test_task_for_a_missing_batch_does_nothing():
    assert render_batch(999999) == {"batch": 999999, "status": "missing"}


@pytest.mark.django_db
def test_a_lasting_error_is_recorded_on_the_batch_without_retrying(monkeypatch):
    batch = make_batch(1)
    monkeypatch.setattr("notices.rendering.render_letters_pdf", lambda letters: 1 / 0)
    assert render_batch(batch.pk)["status"] == "failed"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    # A reason in Chinese, never the exception's English text.
    assert batch.errors[-1]["message"] == "生成失败:程序错误(ZeroDivisionError),详情已记入日志,请联系系统管理员"


@pytest.mark.django_db
def test_a_temporary_error_is_raised_for_a_retry_and_not_recorded_as_failure(monkeypatch):
    batch = make_batch(1)

    def database_away(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("notices.rendering.batch_start", database_away)
    with pytest.raises(TEMPORARY_ERRORS):
        render_batch(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED


def _worker_skip_reason() -> str | None:
    if not os.environ.get("CELERY_BROKER_URL"):
        return "needs CELERY_BROKER_URL (a Redis broker, as in CI) to start a real worker"
    if connection.vendor != "postgresql":
        return "needs PostgreSQL: the worker process must reach the test database"
    return None


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(_worker_skip_reason() is not None, reason=_worker_skip_reason() or "")
def test_a_real_worker_renders_an_enqueued_batch(tmp_path, monkeypatch, django_db_blocker):
    # A queue of its own, so the worker takes only this test's job whatever else sits in the broker.
    queue = f"notices-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(render_batch, "queue", queue, raising=False)
    monkeypatch.setattr(render_batch, "_exec_options", None, raising=False)
    media_root = settings.MEDIA_ROOT
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "MEDIA_ROOT": str(media_root),
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=info",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        community = letter_community()
        household_in_arrears(community, room="101")
        household_in_arrears(community, room="102", paid_late=False)
        criteria = BatchCriteria(community=community, level=NoticeLevel.REMINDER, as_of=AS_OF)
        batch = batch_create(criteria=criteria)  # enqueued on commit (autocommit here: at once)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
                break
            assert worker.poll() is None, Path(log.name).read_text()
            time.sleep(0.5)
        assert batch.status == BatchStatus.DONE, (batch.status, batch.errors, Path(log.name).read_text()[-3000:])
        assert batch.task_id
        assert batch.done == batch.total == 2
        assert sorted(batch.notices.values_list("number", flat=True)) == ["HY-TZ-2026-00001", "HY-TZ-2026-00002"]
        assert Path(media_root, batch.combined_pdf.name).is_file()
        assert len(PdfReader(Path(media_root, batch.combined_pdf.name)).pages) == 2
        for notice in batch.notices.all():
            assert Path(media_root, notice.pdf.name).read_bytes().startswith(b"%PDF")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
        import redis

        redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )
