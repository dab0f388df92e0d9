"""Browser tests of the screens: Playwright (pytest-playwright) driving the Debian `chromium`
package, never a downloaded browser. Without /usr/bin/chromium every test here is skipped with
the reason (pytest's `-ra` summary prints it; `apt-get install -y chromium` to run them).

One app server per module: werkzeug's threaded server on the run's database and Redis, in a
thread of the test process, serving the app the suite already built. The module's data is
committed for real (the browser's requests must see it) and every table is emptied after it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 360, "height": 760}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    )
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Service workers would answer the page's files from their cache and hide what the
    # offline emulation does; the PWA's worker has a test of its own (served, registered).
    return {**browser_context_args, "service_workers": "block", "locale": "en-GB",
            "timezone_id": "UTC"}  # fmt: skip


@pytest.fixture(scope="module")
def served(_app: Flask, empty_tables: Callable[[Flask], None]) -> Iterator[str]:
    """The app behind a real HTTP server for the module: its base URL."""
    from app.extensions import get_redis
    from app.services import outbox

    with _app.app_context():
        get_redis().flushdb()
        outbox.breaker.reset()
    server = make_server("127.0.0.1", 0, _app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        empty_tables(_app)


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
