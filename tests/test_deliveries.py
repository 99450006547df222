"""Recording a delivery: validation (nothing written on an error), the photo, and the files behind the views."""

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from notices.deliveries import delivery_record
from notices.models import Delivery, DeliveryMethod
from tests.factories_delivery import DeliveryFactory, NoticeFactory


def image_bytes(kind: str) -> bytes:
    """A real, tiny picture: the form decodes photos, so a header alone is not enough."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), (200, 80, 40)).save(out, kind)
    return out.getvalue()


JPEG = image_bytes("JPEG")
PNG = image_bytes("PNG")
# A JPEG's first bytes followed by nothing a decoder can read.
FAKE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


pytestmark = pytest.mark.usefixtures("media_root")  # uploaded photos under the test's own folder


@pytest.fixture
def notice(db):
    """A notice generated ten days ago."""
    notice = NoticeFactory()
    created = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=10), time(9)))
    type(notice).objects.filter(pk=notice.pk).update(created_at=created)
    notice.refresh_from_db()
    return notice


def today():
    return timezone.localdate()


def post(client, notice, **data):
    fields = {"method": DeliveryMethod.POSTED, "delivered_on": today().isoformat(), **data}
    return client.post(reverse("notice_detail", args=[notice.pk]), fields)


def stored_files(media_root) -> list[Path]:
    folder = Path(media_root) / "notices" / "deliveries"
    return sorted(folder.iterdir()) if folder.exists() else []


# Recording ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["service", "manager", "legal"])
def test_keepers_record_a_delivery(client, user_with_role, notice, role):
    user = user_with_role(role)
    client.force_login(user)
    response = post(client, notice, note="贴于入户门")
    assert response.status_code == 302
    assert response["Location"] == reverse("notice_detail", args=[notice.pk])
    delivery = Delivery.objects.get()
    assert (delivery.notice, delivery.method, delivery.delivered_on) == (notice, DeliveryMethod.POSTED, today())
    assert delivery.recorded_by == user and delivery.note == "贴于入户门" and not delivery.photo


@pytest.mark.parametrize("role", ["supervisor", "staff", "finance"])
def test_other_roles_cannot_record(client, user_with_role, notice, role):
    client.force_login(user_with_role(role))
    assert post(client, notice).status_code == 403
    assert not Delivery.objects.exists()


def test_the_file_input_takes_a_photo_or_a_pdf(client, user_with_role, notice):
    client.force_login(user_with_role("service"))
    content = client.get(reverse("notice_detail", args=[notice.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in content
    # A phone then offers the camera or a file; capture= would allow the camera only.
    assert 'accept="image/*,application/pdf"' in content and "capture=" not in content


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"delivered_on": "tomorrow"}, "delivered_on", "送达日期不能晚于今天"),
        ({"delivered_on": "eleven days ago"}, "delivered_on", "送达日期不能早于通知书生成日期"),
        ({"method": DeliveryMethod.REGISTERED}, "tracking_no", "须填写快递单号"),
        ({"method": DeliveryMethod.EMS, "tracking_no": "  "}, "tracking_no", "须填写快递单号"),
        ({"method": DeliveryMethod.MAIL}, "tracking_no", "须填写快递单号"),
        ({"method": DeliveryMethod.IN_PERSON}, "signed_by", "当面送达须填写签收人"),
        ({"method": "pigeon"}, "method", "选择"),
        ({"delivered_on": ""}, "delivered_on", "必填"),
    ],
)
def test_an_incomplete_delivery_is_refused_in_chinese_and_nothing_is_written(
    client, user_with_role, notice, media_root, data, field, message
):
    data = dict(data)
    relative = {"tomorrow": today() + timedelta(days=1), "eleven days ago": today() - timedelta(days=11)}
    if data.get("delivered_on") in relative:
        data["delivered_on"] = relative[data["delivered_on"]].isoformat()
    client.force_login(user_with_role("service"))
    response = post(client, notice, photo=SimpleUploadedFile("door.jpg", JPEG, content_type="image/jpeg"), **data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Delivery.objects.exists()
    assert stored_files(media_root) == []


def test_the_day_the_notice_was_generated_and_the_required_fields_are_accepted(client, user_with_role, notice):
    client.force_login(user_with_role("service"))
    generated = today() - timedelta(days=10)
    assert post(client, notice, delivered_on=generated.isoformat()).status_code == 302
    assert post(client, notice, method=DeliveryMethod.EMS, tracking_no="EA123456789CN").status_code == 302
    assert post(client, notice, method=DeliveryMethod.IN_PERSON, signed_by="张大山").status_code == 302
    assert Delivery.objects.count() == 3
    assert Delivery.objects.get(method=DeliveryMethod.EMS).tracking_no == "EA123456789CN"


def test_the_service_refuses_the_same_rules_without_writing(notice):
    with pytest.raises(ValidationError) as caught:
        delivery_record(
            notice=notice,
            method=DeliveryMethod.IN_PERSON,
            delivered_on=today() + timedelta(days=1),
            recorded_by=None,
        )
    assert set(caught.value.error_dict) == {"delivered_on", "signed_by"}
    assert not Delivery.objects.exists()


# The photo ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"), [("door.JPG", JPEG), ("door.png", PNG), ("IMG_1.heic", HEIC), ("回执.pdf", PDF)]
)
def test_a_photo_is_stored_under_a_random_name(client, user_with_role, notice, media_root, name, content):
    client.force_login(user_with_role("service"))
    assert post(client, notice, photo=SimpleUploadedFile(name, content)).status_code == 302
    delivery = Delivery.objects.get()
    files = stored_files(media_root)
    assert len(files) == 1 and files[0].read_bytes() == content
    assert files[0].suffix == Path(name).suffix.lower()
    assert Path(name).stem not in files[0].name
    assert delivery.photo.name == f"notices/deliveries/{files[0].name}"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("door.gif", b"GIF89a" + b"\x00" * 20, "只能是 JPG、PNG、HEIC 或 PDF"),
        ("door.jpg", b"<html><script>alert(1)</script></html>", "文件内容与扩展名不符"),
        ("door.png", JPEG, "文件内容与扩展名不符"),
        ("door.jpg", FAKE_JPEG, "文件内容与扩展名不符"),
        ("door", JPEG, "只能是 JPG、PNG、HEIC 或 PDF"),
    ],
)
def test_a_photo_of_the_wrong_kind_is_refused(client, user_with_role, notice, media_root, name, content, message):
    client.force_login(user_with_role("service"))
    response = post(client, notice, photo=SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["photo"])
    assert not Delivery.objects.exists()
    assert stored_files(media_root) == []


def test_a_photo_over_the_size_limit_is_refused(client, user_with_role, notice, media_root, monkeypatch):
    monkeypatch.setattr("notices.forms.MAX_PHOTO_BYTES", 1024)
    client.force_login(user_with_role("service"))
    response = post(client, notice, photo=SimpleUploadedFile("door.jpg", JPEG + b"\x00" * 1024))
    assert response.status_code == 400
    assert "不能超过 10 MB" in " ".join(response.context["form"].errors["photo"])
    assert not Delivery.objects.exists()


@pytest.fixture
def delivery_with_photo(notice):
    delivery = DeliveryFactory(notice=notice, delivered_on=today())
    delivery.photo.save("a1b2c3.jpg", ContentFile(JPEG), save=True)
    return delivery


@pytest.mark.parametrize("role", ["service", "manager", "legal"])
def test_the_photo_is_served_to_keepers(client, user_with_role, delivery_with_photo, role):
    client.force_login(user_with_role(role))
    response = client.get(reverse("delivery_photo", args=[delivery_with_photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == JPEG


@pytest.mark.parametrize("role", ["supervisor", "staff", "finance"])
def test_the_photo_is_refused_to_other_roles(client, user_with_role, delivery_with_photo, role):
    client.force_login(user_with_role(role))
    assert client.get(reverse("delivery_photo", args=[delivery_with_photo.pk])).status_code == 403


def test_the_photo_needs_a_login_and_is_never_a_public_media_url(client, delivery_with_photo):
    response = client.get(reverse("delivery_photo", args=[delivery_with_photo.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/media/" + delivery_with_photo.photo.name).status_code in (302, 404)


def test_a_delivery_without_a_photo_or_with_a_lost_file_is_404(client, user_with_role, delivery_with_photo):
    client.force_login(user_with_role("service"))
    bare = DeliveryFactory(notice=delivery_with_photo.notice)
    assert client.get(reverse("delivery_photo", args=[bare.pk])).status_code == 404
    Path(delivery_with_photo.photo.path).unlink()
    assert client.get(reverse("delivery_photo", args=[delivery_with_photo.pk])).status_code == 404


def test_the_notice_page_links_the_photo(client, user_with_role, delivery_with_photo):
    client.force_login(user_with_role("legal"))
    content = client.get(reverse("notice_detail", args=[delivery_with_photo.notice.pk])).content.decode()
    assert reverse("delivery_photo", args=[delivery_with_photo.pk]) in content


# The letter --------------------------------------------------------------------------------------------


@pytest.fixture
def notice_with_pdf(notice):
    notice.pdf.save("letter.pdf", ContentFile(PDF), save=True)
    return notice


@pytest.mark.parametrize("role", ["service", "manager", "legal"])
def test_the_letter_is_downloaded_by_keepers(client, user_with_role, notice_with_pdf, role):
    client.force_login(user_with_role(role))
    response = client.get(reverse("notice_pdf", args=[notice_with_pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{notice_with_pdf.number}.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("role", ["supervisor", "staff", "finance"])
def test_the_letter_is_refused_to_other_roles(client, user_with_role, notice_with_pdf, role):
    client.force_login(user_with_role(role))
    assert client.get(reverse("notice_pdf", args=[notice_with_pdf.pk])).status_code == 403


def test_a_letter_not_yet_rendered_is_404(client, user_with_role, notice):
    client.force_login(user_with_role("service"))
    assert client.get(reverse("notice_pdf", args=[notice.pk])).status_code == 404
    content = client.get(reverse("notice_detail", args=[notice.pk])).content.decode()
    assert "尚未生成" in content


def test_a_failed_save_leaves_no_photo_behind(notice, media_root, monkeypatch):
    def fail(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Delivery, "save", fail)
    with pytest.raises(RuntimeError):
        delivery_record(
            notice=notice,
            method=DeliveryMethod.POSTED,
            delivered_on=today(),
            recorded_by=None,
            photo=SimpleUploadedFile("door.jpg", JPEG),
        )
    assert stored_files(media_root) == []
