"""Production as the README sets it up: `check --deploy` clean, a login over HTTPS through the proxy, the CSP, the
request size limit, uploads checked by their content."""

import os
import re
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from imports.uploads import UploadForm
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent

# The README's production environment (section "Production behind HTTPS").
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k3J9-production-secret-key-of-fifty-or-more-random-characters-xYz",
    "DJANGO_ALLOWED_HOSTS": "wuye.example.com",
    "DJANGO_BEHIND_PROXY": "1",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://wuye.example.com",
    "DJANGO_SSL_REDIRECT": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_PRELOAD": "1",
    "PUBLIC_BASE_URL": "https://wuye.example.com",
}


def run_check(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "PUBLIC_"))}
    clean.update(env, DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}")
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_readmes_production_settings(tmp_path):
    result = run_check(tmp_path, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_names_what_is_missing_without_them(tmp_path):
    result = run_check(tmp_path, DJANGO_SECRET_KEY=PRODUCTION_ENV["DJANGO_SECRET_KEY"])
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr  # HSTS, SSL redirect


def test_the_readme_gives_the_same_production_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in PRODUCTION_ENV:
        assert name in readme, name
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "client_max_body_size" in nginx and "X-Forwarded-Proto" in nginx and "ssl_certificate" in nginx
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "nginx" in compose and "DJANGO_BEHIND_PROXY" in compose


# A login through the TLS proxy ----------------------------------------------------------------------------------

PROXIED = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "wuye.example.com"}


def login_through_proxy(client, origin="https://wuye.example.com"):
    client.get(reverse("login"), **PROXIED)
    token = client.cookies["csrftoken"].value
    return client.post(
        reverse("login"),
        {"username": "s001", "password": "pass-word-123", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=origin,
        **PROXIED,
    )


@pytest.mark.django_db
@override_settings(
    ALLOWED_HOSTS=["wuye.example.com"],
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    CSRF_TRUSTED_ORIGINS=["https://wuye.example.com"],
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_a_login_through_the_https_proxy_gets_in():
    UserFactory(username="s001")
    response = login_through_proxy(Client(enforce_csrf_checks=True))
    assert response.status_code == 302 and response.cookies["sessionid"]["secure"]


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["wuye.example.com"], SECURE_PROXY_SSL_HEADER=None, CSRF_TRUSTED_ORIGINS=[])
def test_without_the_proxy_settings_the_same_login_is_refused():
    UserFactory(username="s001")
    assert login_through_proxy(Client(enforce_csrf_checks=True)).status_code == 403


# The Content-Security-Policy ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_carries_a_csp_that_allows_no_inline_script(client, user_with_role):
    client.force_login(user_with_role("manager"))
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in policy


def test_no_template_has_an_inline_script_or_handler():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text) or "javascript:" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


# Request size -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_form_body_over_the_limit_is_refused(client):
    assert client.post(reverse("login"), {"username": "s001", "password": "x" * 512}).status_code == 200
    assert client.post(reverse("login"), {"username": "s001", "password": "x" * 4096}).status_code == 400


# Uploads by content ---------------------------------------------------------------------------------------------------


def zipped(parts: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        zipped({"readme.txt": b"not a workbook"}),  # a zip, renamed
        zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),  # a Word file renamed
        b"PK\x03\x04 and then nothing",
    ],
)
def test_an_import_upload_that_is_not_a_workbook_is_refused(content):
    form = UploadForm(files={"file": SimpleUploadedFile("台账.xlsx", content)})
    assert not form.is_valid()
    assert "不是有效的 Excel 工作簿" in form.errors["file"][0]


def test_a_real_workbook_is_taken():
    from openpyxl import Workbook

    out = BytesIO()
    Workbook().save(out)
    assert UploadForm(files={"file": SimpleUploadedFile("台账.xlsx", out.getvalue())}).is_valid()
