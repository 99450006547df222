"""Batches of letters: choosing households, rendering, re-running after a failure, the pages and downloads."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from arrears.models import OwnerSegment
from arrears.models.households import Segment
from arrears.months import months_overdue
from notices import rendering, services
from notices.models import BatchStatus, Notice, NoticeBatch, NoticeLevel
from notices.services import BatchCriteria, batch_create, batch_render, select_households
from tests.factories import UserFactory
from tests.factories_notices import AS_OF, household_in_arrears, letter_community

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def community():
    return letter_community()


@pytest.fixture
def households(community):
    """Four households in arrears: 3-2-101 (3 months), 3-2-102 (1 month, a 钉子户), 5-1-101 (6 months), and
    3-2-103 on the legal track."""
    a = household_in_arrears(community, room="101")
    b = household_in_arrears(community, room="102", months=1, paid_late=False, start=(2026, 3))
    OwnerSegment.objects.create(owner=b.owner, segment=Segment.HARD_REFUSER)
    c = household_in_arrears(community, building="5", unit="1", room="101", months=6, paid_late=False, start=(2025, 10))
    legal = household_in_arrears(community, room="103", paid_late=False)
    legal.on_legal_track = True
    legal.save()
    return a, b, c, legal


def labels(rows):
    return [row.label for row in rows]


def criteria(community, **kwargs):
    return BatchCriteria(community=community, level=kwargs.pop("level", NoticeLevel.DEMAND), as_of=AS_OF, **kwargs)


# Choosing ------------------------------------------------------------------------------------------------------


def test_months_overdue():
    assert months_overdue(date(2026, 1, 31), date(2026, 4, 29)) == 2
    assert months_overdue(date(2026, 1, 31), date(2026, 4, 30)) == 3  # three month-ends: Jan, Feb, Mar unpaid
    assert months_overdue(date(2026, 1, 31), date(2026, 5, 1)) == 3
    assert months_overdue(None, AS_OF) == 0


def test_selection_by_building_amount_age_segment_and_legal_track(community, households):
    a, b, c, legal = households
    assert labels(select_households(criteria(community))) == ["3-2-101", "3-2-102", "5-1-101"]
    assert labels(select_households(criteria(community, level=NoticeLevel.LAWYER))) == [
        "3-2-101",
        "3-2-102",
        "3-2-103",
        "5-1-101",
    ]
    assert labels(select_households(criteria(community, building_id=c.building_id))) == ["5-1-101"]
    assert labels(select_households(criteria(community, min_arrears=Decimal("900.00")))) == ["3-2-101", "5-1-101"]
    assert labels(select_households(criteria(community, min_months=3))) == ["3-2-101", "5-1-101"]
    assert labels(select_households(criteria(community, min_months=4))) == ["5-1-101"]
    assert labels(select_households(criteria(community, segment=Segment.HARD_REFUSER))) == ["3-2-102"]


def test_preview_counts_and_totals(community, households):
    preview = services.batch_preview(criteria(community, min_months=2))
    rows = select_households(criteria(community, min_months=2))
    assert preview.count == len(rows) == 2
    assert preview.total == sum(r.total for r in rows)


def test_no_household_no_batch(community, households):
    with pytest.raises(ValidationError):
        batch_create(criteria=criteria(community, min_arrears=Decimal("1000000")), enqueue=False)
    assert not NoticeBatch.objects.exists()


# Rendering -----------------------------------------------------------------------------------------------------


def test_batch_renders_numbered_letters_and_one_combined_pdf(community, households):
    batch = batch_create(criteria=criteria(community), enqueue=False)
    assert batch.deadline == date(2026, 5, 15)  # the default wording's 15 days
    batch = batch_render(batch_id=batch.pk)
    assert (batch.status, batch.done, batch.total) == (BatchStatus.DONE, 3, 3)
    notices = list(batch.notices.order_by("sequence").select_related("household__building"))
    assert [n.number for n in notices] == ["HY-TZ-2026-00001", "HY-TZ-2026-00002", "HY-TZ-2026-00003"]
    assert [n.household.label for n in notices] == ["3-2-101", "3-2-102", "5-1-101"]
    assert all(n.pdf for n in notices)
    combined = PdfReader(batch.combined_pdf.path)
    assert len(combined.pages) == 3
    assert "HY-TZ-2026-00002" in combined.pages[1].extract_text()
    assert notices[0].addressee.endswith("先生/女士")
    # Running it again changes nothing.
    again = batch_render(batch_id=batch.pk)
    assert again.status == BatchStatus.DONE
    assert Notice.objects.count() == 3


def test_interrupted_batch_resumes_without_duplicates_or_gaps(community, households, monkeypatch):
    for n in range(6):
        household_in_arrears(community, building="7", room=f"{201 + n}", paid_late=False)
    batch = batch_create(criteria=criteria(community), enqueue=False)
    assert batch.total == 9
    real_render = rendering.render_letters_pdf
    calls = {"n": 0}

    def failing_render(letters):
        calls["n"] += 1
        if calls["n"] > 1:
            raise RuntimeError("printer on fire")
        return real_render(letters)

    monkeypatch.setattr(rendering, "render_letters_pdf", failing_render)
    with pytest.raises(RuntimeError):
        batch_render(batch_id=batch.pk, chunk_size=3)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    # The reason is in Chinese; the exception's own text stays in the log.
    assert batch.errors[-1]["message"].startswith("生成失败:")
    assert "printer on fire" not in batch.errors[-1]["message"]
    assert batch.notices.exclude(pdf="").count() == 3  # the first part of three letters was stored
    assert batch.parts.count() == 3
    numbered_before = dict(batch.notices.values_list("household_id", "number"))
    assert len(numbered_before) == 9

    monkeypatch.setattr(rendering, "render_letters_pdf", real_render)
    assert batch_render(batch_id=batch.pk, chunk_size=3).status == BatchStatus.FAILED  # a failed run is not re-run
    NoticeBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED)  # what 继续生成 (batch_retry) does
    batch = batch_render(batch_id=batch.pk, chunk_size=3)
    assert batch.status == BatchStatus.DONE and batch.done == 9
    numbers = sorted(batch.notices.values_list("sequence", flat=True))
    assert numbers == list(range(1, 10))
    # The letters numbered before the failure kept their numbers, and the first part was not rendered again.
    after = dict(batch.notices.values_list("household_id", "number"))
    assert after == numbered_before
    assert calls["n"] == 2
    assert batch.notices.filter(pdf="").count() == 0
    assert len(PdfReader(batch.combined_pdf.path).pages) == 9


# Pages ---------------------------------------------------------------------------------------------------------

ROLES = ["manager", "service", "staff", "supervisor", "finance", "legal"]


@pytest.fixture
def done_batch(community, households):
    batch = batch_create(criteria=criteria(community, building_id=households[2].building_id), enqueue=False)
    return batch_render(batch_id=batch.pk)


def page_urls(batch):
    notice = batch.notices.get()
    return {
        "list": reverse("notice_batch_list"),
        "new": reverse("notice_batch_new"),
        "preview": reverse("notice_batch_preview") + f"?community={batch.community_id}&level=demand&as_of=2026-04-30",
        "detail": reverse("notice_batch_detail", args=[batch.pk]),
        "progress": reverse("notice_batch_progress", args=[batch.pk]),
        "pdf": reverse("notice_batch_pdf", args=[batch.pk]),
        "letter": reverse("notice_batch_letter_pdf", args=[batch.pk, notice.pk]),
    }


@pytest.mark.parametrize("role", ROLES)
def test_batch_pages_per_role(client, done_batch, role):
    client.force_login(UserFactory(roles=[role]))
    allowed = role in {"manager", "service"}
    for name, url in page_urls(done_batch).items():
        response = client.get(url)
        assert response.status_code == (200 if allowed else 403), (name, response.status_code)
        if allowed and name in {"pdf", "letter"}:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF")
    wording_allowed = role == "manager"
    for url in (
        reverse("notice_wording_list"),
        reverse("notice_wording_edit", args=[done_batch.community_id, "lawyer"]),
    ):
        assert client.get(url).status_code == (200 if wording_allowed else 403)


def test_anonymous_users_are_sent_to_login(client, done_batch):
    for url in page_urls(done_batch).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_preview_fragment_shows_count_and_total(client, community, households):
    client.force_login(UserFactory(roles=["service"]))
    response = client.get(
        reverse("notice_batch_preview"),
        {"community": community.pk, "level": "demand", "as_of": "2026-04-30", "min_months": "4"},
        HTTP_HX_REQUEST="true",
    )
    row = select_households(criteria(community, min_months=4))[0]
    content = response.content.decode()
    assert ">1<" in content
    assert f"{row.total:,.2f}" in content


def test_creating_a_batch_enqueues_its_job_on_commit(
    client, community, households, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []

    class Result:
        id = "task-1"

    monkeypatch.setattr("notices.tasks.render_batch.delay", lambda pk: sent.append(pk) or Result())
    client.force_login(UserFactory(roles=["service"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("notice_batch_new"),
            {"community": community.pk, "level": "reminder", "as_of": "2026-04-30", "min_months": "4"},
        )
    batch = NoticeBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("notice_batch_detail", args=[batch.pk])
    assert sent == [batch.pk]
    batch.refresh_from_db()
    assert (batch.task_id, batch.total, batch.status, batch.level) == ("task-1", 1, BatchStatus.QUEUED, "reminder")


def test_building_of_another_community_is_refused(client, community, households):
    other = letter_community(code="GD")
    other_household = household_in_arrears(other, building="9")
    client.force_login(UserFactory(roles=["service"]))
    response = client.post(
        reverse("notice_batch_new"),
        {"community": community.pk, "level": "demand", "as_of": "2026-04-30", "building": other_household.building_id},
    )
    assert response.status_code == 400
    assert "该楼栋不属于所选小区" in response.content.decode()
    assert not NoticeBatch.objects.exists()


def test_combined_pdf_is_404_until_done(client, community, households):
    batch = batch_create(criteria=criteria(community), enqueue=False)
    client.force_login(UserFactory(roles=["service"]))
    assert client.get(reverse("notice_batch_pdf", args=[batch.pk])).status_code == 404
    progress = client.get(reverse("notice_batch_progress", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in progress  # keeps polling while queued


def test_manager_edits_wording_and_unknown_placeholders_are_refused(client, community):
    client.force_login(UserFactory(roles=["manager"]))
    url = reverse("notice_wording_edit", args=[community.pk, "demand"])
    page = client.get(url).content.decode()
    assert "物业服务中心未收到您名下{房号}房屋的物业费" in page  # the seed's letter is the default
    bad = client.post(url, {"title": "通知", "opening": "欠{欠费}元", "closing": "", "deadline_days": 10})
    assert bad.status_code == 400
    assert "未知的占位符" in bad.content.decode()
    good = client.post(url, {"title": "通知", "opening": "欠{合计}元", "closing": "谢谢", "deadline_days": 10})
    assert good.status_code == 302
    assert community.notice_wordings.get(level="demand").opening == "欠{合计}元"


def test_a_failed_batch_is_queued_again_from_its_page(
    client, community, households, monkeypatch, django_capture_on_commit_callbacks
):
    batch = batch_create(criteria=criteria(community), enqueue=False)
    NoticeBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED)
    sent = []

    class Result:
        id = "task-2"

    monkeypatch.setattr("notices.tasks.render_batch.delay", lambda pk: sent.append(pk) or Result())
    client.force_login(UserFactory(roles=["staff"]))
    assert client.post(reverse("notice_batch_retry", args=[batch.pk])).status_code == 403
    client.force_login(UserFactory(roles=["service"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notice_batch_retry", args=[batch.pk]))
    assert response.status_code == 302 and sent == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED
    # A batch that is not failed is not queued twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notice_batch_retry", args=[batch.pk]))
    assert sent == [batch.pk]


def test_batch_pages_do_not_query_per_notice(client, community, households, django_assert_max_num_queries):
    batch = batch_render(batch_id=batch_create(criteria=criteria(community), enqueue=False).pk)
    assert batch.notices.count() == 3
    client.force_login(UserFactory(roles=["service"]))
    with django_assert_max_num_queries(7):
        assert client.get(reverse("notice_batch_detail", args=[batch.pk])).status_code == 200
    for level in (NoticeLevel.REMINDER, NoticeLevel.LAWYER):  # one open batch per community, level and date
        batch_create(criteria=criteria(community, level=level), enqueue=False, user=UserFactory())
    with django_assert_max_num_queries(5):
        assert client.get(reverse("notice_batch_list")).status_code == 200


def test_a_batch_is_claimed_only_from_the_queue_or_from_a_silent_run(community, households, settings):
    batch = batch_create(criteria=criteria(community), enqueue=False)
    assert rendering.batch_start(batch_id=batch.pk) is not None  # queued: claimed
    started = NoticeBatch.objects.get(pk=batch.pk)
    assert started.status == BatchStatus.RUNNING
    # A second worker given the same job while the first carries on claims nothing and changes nothing.
    assert rendering.batch_start(batch_id=batch.pk) is None
    assert NoticeBatch.objects.get(pk=batch.pk).started_at == started.started_at
    # Once the run has been silent for longer than NOTICE_JOB_STALE_MINUTES (its worker died), it may be taken over.
    silent_since = timezone.now() - timedelta(minutes=settings.NOTICE_JOB_STALE_MINUTES + 1)
    NoticeBatch.objects.filter(pk=batch.pk).update(heartbeat_at=silent_since)
    assert rendering.batch_start(batch_id=batch.pk) is not None
    NoticeBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED)
    assert rendering.batch_start(batch_id=batch.pk) is None  # failed: only 继续生成 queues it again
