"""Opening pages in a real headless Chromium (Debian's ``chromium``) through Playwright."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@contextmanager
def open_page(path: Path):
    """Yield (page, requests, console errors, dialogs) for a file opened from file://."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed; .ci/run installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page()
            requests, errors, dialogs = [], [], []
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(path.resolve().as_uri())
            yield page, requests, errors, dialogs
        finally:
            browser.close()
