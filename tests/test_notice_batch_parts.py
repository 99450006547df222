"""A batch rendered in parts: the letters' text unchanged, fonts embedded once a part, workers sharing the parts,
one open batch per community/level/date, resuming a batch whose job went silent, failures in Chinese."""

import io
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, connection, connections
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from arrears.models import Household
from config.celery import app
from notices import rendering, services, tasks
from notices.failures import failure_reason
from notices.letters import build_letter, letter_amounts, render_letter_pdf
from notices.models import BatchStatus, Notice, NoticeBatch, NoticeLevel
from notices.owner_links import owner_url_for
from notices.services import BatchCriteria, batch_create, batch_render, batch_retry
from tests.factories import UserFactory
from tests.factories_notices import AS_OF, household_in_arrears, letter_community


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def criteria(community, level=NoticeLevel.DEMAND):
    return BatchCriteria(community=community, level=level, as_of=AS_OF)


def text_of(source) -> list[str]:
    reader = PdfReader(source if not isinstance(source, bytes) else io.BytesIO(source))
    return [page.extract_text() for page in reader.pages]


def embedded_fonts(reader: PdfReader) -> set:
    """The font files a PDF embeds (each stream counted once, however many pages use it)."""
    found = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in descriptor:
                    found.add(descriptor.raw_get(key).idnum)
    return found


@pytest.mark.django_db
def test_each_letter_read_back_from_its_file_is_the_letter_rendered_alone():
    community = letter_community()
    household_in_arrears(community, room="101")
    household_in_arrears(community, room="102", paid_late=False, owner__name="某某有限公司", owner__kind="organisation")
    household_in_arrears(community, room="103", months=30, paid_late=False, start=(2023, 10))  # two pages
    batch = batch_render(batch_id=batch_create(criteria=criteria(community), enqueue=False).pk, chunk_size=2)
    assert batch.status == BatchStatus.DONE
    assert [part.notice_ids for part in batch.parts.order_by("index")] == [
        list(batch.notices.order_by("sequence").values_list("pk", flat=True)[:2]),
        list(batch.notices.order_by("sequence").values_list("pk", flat=True)[2:]),
    ]
    combined = text_of(batch.combined_pdf.path)
    pages_seen = 0
    for notice in batch.notices.order_by("sequence").select_related("household__community", "household__building"):
        household = notice.household
        alone = render_letter_pdf(
            build_letter(
                household,
                as_of=notice.as_of,
                level=notice.level,
                deadline=notice.deadline,
                number=notice.number,
                owner_url=owner_url_for(household),
            )
        )
        own = text_of(notice.pdf.path)
        assert own == text_of(alone)  # page by page, footer "第 n / m 页" included
        assert combined[pages_seen : pages_seen + len(own)] == own
        pages_seen += len(own)
        assert notice.total == letter_amounts(household, AS_OF).total
    assert pages_seen == len(combined) == 4
    assert "第 2 / 2 页" in combined[3] and "第 1 / 1 页" in combined[0]


@pytest.mark.django_db
def test_a_part_embeds_its_fonts_once_for_all_its_letters():
    community = letter_community()
    for n in range(4):
        household_in_arrears(community, room=f"{101 + n}")
    batch = batch_render(batch_id=batch_create(criteria=criteria(community), enqueue=False).pk, chunk_size=10)
    part = PdfReader(batch.parts.get().pdf.path)
    single = PdfReader(batch.notices.order_by("sequence").first().pdf.path)
    assert len(part.pages) == 4
    assert len(embedded_fonts(part)) == len(embedded_fonts(single)) > 0


@pytest.mark.django_db
def test_a_big_batch_is_handed_out_one_job_per_part_and_the_last_part_merges(settings, monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", False)  # as with a broker: the parts go to the workers
    community = letter_community()
    for n in range(5):
        household_in_arrears(community, room=f"{101 + n}", paid_late=False)
    settings.NOTICE_CHUNK_SIZE = 2
    batch = batch_create(criteria=criteria(community), enqueue=False)
    queued = []
    monkeypatch.setattr(tasks.render_part, "delay", queued.append)
    assert tasks.render_batch(batch.pk) == {"batch": batch.pk, "status": "running", "parts": 3}
    assert len(queued) == 3
    batch.refresh_from_db()
    assert (batch.status, batch.done) == (BatchStatus.RUNNING, 0)
    # The workers take the parts in any order; the one storing the last part merges.
    assert tasks.render_part(queued[2])["status"] == "running"
    assert tasks.render_part(queued[0])["status"] == "running"
    assert tasks.render_part(queued[1])["status"] == BatchStatus.DONE
    assert tasks.render_part(queued[1])["status"] == BatchStatus.DONE  # delivered twice: nothing changes
    batch.refresh_from_db()
    assert (batch.status, batch.done) == (BatchStatus.DONE, 5)
    combined = text_of(batch.combined_pdf.path)
    numbers = list(batch.notices.order_by("sequence").values_list("number", flat=True))
    assert numbers == [f"HY-TZ-2026-{n:05d}" for n in range(1, 6)]
    assert [next(n for n in numbers if n in page) for page in combined] == numbers  # in the batch's order


@pytest.mark.django_db
def test_a_second_open_batch_for_the_same_community_level_and_date_is_refused():
    community = letter_community()
    household_in_arrears(community, room="101")
    household_in_arrears(community, room="102", paid_late=False)
    first = batch_create(criteria=criteria(community), enqueue=False)
    with pytest.raises(ValidationError) as refused:
        batch_create(criteria=criteria(community), enqueue=False)
    assert f"批次 #{first.pk} 尚未完成" in refused.value.messages[0]
    assert batch_create(criteria=criteria(community, level=NoticeLevel.LAWYER), enqueue=False)  # another level
    batch_render(batch_id=first.pk)
    # Once done, a batch for the same date may be made, but households holding that letter are not given another.
    household_in_arrears(community, room="103", paid_late=False)
    again = batch_render(batch_id=batch_create(criteria=criteria(community), enqueue=False).pk)
    assert again.status == BatchStatus.DONE
    assert list(again.notices.values_list("household__room", flat=True)) == ["103"]
    assert again.done == again.total == 3
    messages = [error["message"] for error in again.errors]
    assert messages == [
        f"已有同级别、同计算截止日的通知书 {number},未重复生成"
        for number in first.notices.order_by("sequence").values_list("number", flat=True)
    ]
    assert Notice.objects.filter(level=NoticeLevel.DEMAND, as_of=AS_OF).count() == 3


@pytest.mark.django_db
def test_a_batch_whose_job_went_silent_may_be_resumed(
    settings, client, django_capture_on_commit_callbacks, monkeypatch
):
    settings.NOTICE_JOB_STALE_MINUTES = 10
    community = letter_community()
    household_in_arrears(community, room="101")
    batch = batch_create(criteria=criteria(community), enqueue=False)
    NoticeBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, heartbeat_at=timezone.now())
    batch.refresh_from_db()
    assert not batch.is_stale and not batch.can_resume
    with pytest.raises(ValidationError) as refused:
        batch_retry(batch=batch)
    assert "10 分钟未报告进度" in refused.value.messages[0]

    silent_since = timezone.now() - timedelta(minutes=11)
    NoticeBatch.objects.filter(pk=batch.pk).update(heartbeat_at=silent_since)
    batch.refresh_from_db()
    assert batch.is_stale and batch.can_resume
    client.force_login(UserFactory(roles=["service"]))
    progress = client.get(reverse("notice_batch_progress", args=[batch.pk])).content.decode()
    assert "未报告进度" in progress and "继续生成" in progress
    sent = []

    class Result:
        id = "task-3"

    monkeypatch.setattr("notices.tasks.render_batch.delay", lambda pk: sent.append(pk) or Result())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notice_batch_retry", args=[batch.pk]))
    assert response.status_code == 302 and sent == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED and not batch.is_stale
    # The job that comes back finishes it.
    assert tasks.render_batch(batch.pk)["status"] == BatchStatus.DONE


@pytest.mark.django_db
def test_a_database_error_is_shown_in_chinese_never_in_the_database_s_words(monkeypatch):
    community = letter_community()
    household_in_arrears(community, room="101")
    batch = batch_create(criteria=criteria(community), enqueue=False)

    def overflow(*args, **kwargs):
        raise DataError("numeric field overflow\nDETAIL:  A field with precision 14, scale 2 must round to …")

    monkeypatch.setattr(rendering, "letter_amounts_for", overflow)
    assert tasks.render_batch(batch.pk)["status"] == "failed"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    message = batch.errors[-1]["message"]
    assert message == "生成失败:数据超出可保存的范围(如金额过大),请核对这些房屋的应收和实收后继续生成"
    assert "numeric" not in message
    assert batch.notices.count() == 0  # numbering is all or nothing


def test_every_failure_reason_is_chinese():
    for exc in (DataError("numeric field overflow"), OSError("No space left on device"), KeyError("x")):
        reason = failure_reason(exc)
        assert reason.startswith("生成失败:")
        assert str(exc) not in reason


@pytest.mark.django_db
def test_a_household_whose_amount_a_notice_cannot_hold_is_listed_and_the_rest_rendered(monkeypatch):
    community = letter_community()
    household_in_arrears(community, room="101")
    household_in_arrears(community, room="102", paid_late=False)
    big = Household.objects.get(room="101")
    batch = batch_create(criteria=criteria(community), enqueue=False)
    monkeypatch.setattr(rendering, "AMOUNT_LIMIT", letter_amounts(big, AS_OF).total)  # 101 reaches it, 102 does not
    batch = batch_render(batch_id=batch.pk)
    assert batch.status == BatchStatus.DONE
    assert list(batch.notices.values_list("household__room", flat=True)) == ["102"]
    message = "金额超出通知书可记载的上限,未生成:请核对该户的应收和实收"
    assert batch.errors == [{"household": "3-2-101", "message": message}]


def test_every_job_stops_before_the_broker_would_hand_it_out_again(settings):
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    for task in (tasks.render_batch, tasks.render_part):
        assert task.acks_late and task.soft_time_limit < task.time_limit < timeout


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL's unique index and locks")
def test_two_people_pressing_generate_at_once_get_one_batch(monkeypatch):
    community = letter_community()
    household_in_arrears(community, room="101")
    household_in_arrears(community, room="102", paid_late=False)
    real_select = services.select_households
    barrier = threading.Barrier(2)

    def slow_select(c):
        rows = real_select(c)
        barrier.wait(timeout=10)  # both have passed the check for an open batch before either inserts
        return rows

    monkeypatch.setattr(services, "select_households", slow_select)
    made, refused = [], []

    def press():
        try:
            made.append(batch_create(criteria=criteria(community), enqueue=False).pk)
        except ValidationError as exc:
            refused.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and len(refused) == 1
    assert "尚未完成" in refused[0]
    assert NoticeBatch.objects.count() == 1


@pytest.mark.django_db
def test_the_page_lists_skipped_households_apart_from_failures(client):
    community = letter_community()
    household_in_arrears(community, room="101")
    batch = batch_create(criteria=criteria(community), enqueue=False)
    NoticeBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.FAILED,
        errors=[
            {"household": "3-2-101", "message": "计算截止日已无欠费,未生成"},
            {"household": None, "message": "生成失败:数据库或任务队列暂时不可用,请稍后继续生成"},
        ],
    )
    client.force_login(UserFactory(roles=["service"]))
    page = client.get(reverse("notice_batch_progress", args=[batch.pk])).content.decode()
    skipped = page.index('<ul class="skipped">')
    assert page.index("3-2-101:计算截止日已无欠费,未生成") > skipped
    failures = page.index('<ul class="errorlist">')
    assert failures < page.index("生成失败:数据库或任务队列暂时不可用") < skipped
