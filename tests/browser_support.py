"""What the browser tests share: Debian's Chromium driven by Playwright, the screenshot folder, logging in."""

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"

# For a test module: the live server reads committed rows; no Chromium, no test.
browser_marks = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


def login(page, base, username, password="pass-word-123"):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


@contextmanager
def import_worker(monkeypatch, module):
    """The import's jobs run in a thread like a Celery worker's, each held at the start of its writing until the
    event yielded is set; ``module`` is where the job finds ``ledger_import`` (the template import's jobs, or the
    converters of other systems' files)."""
    from django.db import connections

    from imports import jobs, views
    from imports.tasks import run_import

    release = threading.Event()
    threads = []
    real_import = module.ledger_import

    def held_import(**kwargs):
        report = kwargs["progress"]

        def progress(done):
            report(done)
            if done.phase == "writing":
                release.wait(30)

        return real_import(**{**kwargs, "progress": progress})

    def in_thread(*args):
        def work():
            try:
                run_import(*args)
            finally:
                connections.close_all()

        thread = threading.Thread(target=work, daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(jobs, "STATUS_EVERY_SECONDS", 0)
    monkeypatch.setattr(module, "ledger_import", held_import)
    monkeypatch.setattr(views.run_import, "delay", in_thread)
    try:
        yield release
    finally:
        release.set()
        for thread in threads:
            thread.join(30)
