"""The timeline page in headless Chromium, against a real `eventline serve` over the seeds.

The store is filled by `eventline ingest seeds/` (the real pipeline); the page must show dated
events, filter them, open sources and build a story. A screenshot goes to docs/timeline.png.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SEEDS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The committed screenshots in docs/ are refreshed only on request
# (EVENTLINE_UPDATE_SCREENSHOTS=1 pytest tests/timeline/test_browser.py); other runs write them
# to a temporary folder, so a test run never dirties the working tree.
SHOTS = (
    ROOT / "docs"
    if os.environ.get("EVENTLINE_UPDATE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "eventline-screenshots"
)
SCREENSHOT = SHOTS / "timeline.png"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed"),
]


def eventline_command() -> list[str]:
    """The installed console script next to this interpreter, else the module entry point."""
    script = Path(sys.executable).with_name("eventline")
    if script.exists():
        return [str(script)]
    found = shutil.which("eventline")
    if found:
        return [found]
    return [sys.executable, "-c", "from timeline.cli.main import main; main()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`eventline serve` on a free port over a store filled by `eventline ingest seeds/`."""
    workdir = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "EVENTLINE_DATABASE_URL": f"sqlite:///{workdir / 'eventline.db'}",
        "EVENTLINE_LOG_LEVEL": "WARNING",
    }
    ingest = subprocess.run(
        [*eventline_command(), "ingest", "--quiet", str(SEEDS)],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ingest.returncode == 0, f"eventline ingest failed:\n{ingest.stderr}"
    port = free_port()
    log = (workdir / "serve.log").open("w")
    proc = subprocess.Popen(
        [*eventline_command(), "serve", "--port", str(port)],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(
                    f"eventline serve did not start:\n{(workdir / 'serve.log').read_text()}"
                )
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


LOADED = "#timeline[aria-busy=false]"


def test_timeline_page(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 1060}, device_scale_factor=1)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(server + "/")
    page.wait_for_selector("#timeline .event")
    page.wait_for_selector(LOADED, state="attached")

    events = page.locator("#timeline .event")
    total = events.count()
    api_total = len(httpx.get(f"{server}/events").json()["events"])
    assert total == api_total >= 5
    labels = page.locator(".day-label .iso").all_inner_texts()
    assert "2025-04-21" in labels and "2025-04-18" in labels
    assert any(
        text.startswith("Mon") and "April 2025" in text
        for text in page.locator(".day-label time").all_inner_texts()
    )
    assert page.locator(".badge.precision").first.is_visible()

    # Sources open on click: the quote, the article and the time expression.
    first_day = page.locator('.day[data-day="2025-04-18"] .event').first
    first_day.locator(".event-head").click()
    details = first_day.locator(".details")
    assert details.is_visible()
    assert "000_cb83dc8ea2603296.txt" in details.inner_text()
    # Each source names its article by title, with the file it came from beside it.
    article = details.locator(".source .article").first
    assert article.locator("cite").inner_text() == (
        "Putin says he is open to direct peace talks with Ukraine"
    )
    assert article.locator(".article-where").inner_text().endswith("seeds/000_cb83dc8ea2603296.txt")
    assert first_day.locator(".quote mark").inner_text() == "Friday"

    # A type filter narrows the list to that type.
    page.select_option("#f-type", "CEASEFIRE")
    page.wait_for_selector(LOADED, state="attached")
    assert 0 < page.locator("#timeline .event").count() < total
    kinds = set(
        page.locator("#timeline .event").evaluate_all("els => els.map(e => e.dataset.type)")
    )
    assert kinds == {"CEASEFIRE"}
    assert "type=CEASEFIRE" in page.url

    # An actor filter too (any alias: Peskov is Dmitry Peskov).
    page.select_option("#f-type", "")
    page.fill("#f-actor", "Peskov")
    page.click("#filters button[type=submit]")
    page.wait_for_selector(LOADED, state="attached")
    assert 0 < page.locator("#timeline .event").count() < total
    assert all("Peskov" in t for t in page.locator("#timeline .actors").all_inner_texts())

    # Clear, then screenshot the whole timeline with one event open.
    page.click("#filters button[type=reset]")
    expect(page.locator("#timeline .event")).to_have_count(total)
    page.locator('.day[data-day="2025-04-18"] .event-head').first.click()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    assert errors == []


def test_story_view(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(server + "/")
    page.click("#tab-story")
    page.fill("#s-q", "Easter truce")
    page.click("#story-form button[type=submit]")
    page.wait_for_selector("#story .step")
    titles = page.locator("#story .step .title").all_inner_texts()
    assert len(titles) >= 3
    assert "truce" in titles[0].lower()
    connectors = page.locator("#story .connector").all_inner_texts()
    assert connectors[0] == "start"
    assert any("violates" in c.lower() for c in connectors)
    assert any("follows" in c.lower() for c in connectors)
    page.locator("#story .step .event-head").nth(1).click()
    page.screenshot(path=str(SCREENSHOT.with_name("story.png")), full_page=False)


def test_narrow_screen(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    page.goto(server + "/")
    page.wait_for_selector("#timeline .event")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a phone screen"
    box = page.locator("#timeline .event").first.bounding_box()
    assert box is not None and box["width"] > 250
    panel = page.locator("#filters").bounding_box()
    assert panel is not None
    for field in page.locator("#filters input, #filters select, #filters button").all():
        inner = field.bounding_box()
        assert inner is not None
        assert inner["x"] + inner["width"] <= panel["x"] + panel["width"] + 0.5
    page.screenshot(path=str(SCREENSHOT.with_name("timeline-narrow.png")), full_page=False)


def test_api_docs_work_offline(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    """/docs renders Swagger UI from eventline's own files: every request the page makes goes
    to the server itself, and any other (a CDN) is refused, as it would be offline."""
    context = browser.new_context()
    elsewhere: list[str] = []

    def only_ours(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(server + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_ours)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("eventline")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/events" in paths and "/events/{event_id}" in paths
    assert elsewhere == [] and errors == []
    context.close()
