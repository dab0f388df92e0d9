"""Browser tests of the screens: Playwright (pytest-playwright) driving the Debian `chromium`
package, never a downloaded browser. Without /usr/bin/chromium every test here is skipped with
the reason (pytest's `-ra` summary prints it; `apt-get install -y chromium` to run them).

One app server per module: werkzeug's threaded server on the run's database and Redis, in a
thread of the test process, serving the app the suite already built. The module's data is
committed for real (the browser's requests must see it) and every table is emptied after it.
"""

from __future__ import annotations

import os
import tempfile
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
# Each scenario's picture goes to the run's own folder, so a test run leaves the checkout as it
# was; `FIELDCLOCK_SCREENSHOTS=docs/screenshots make test` refreshes the README's pictures.
SCREENSHOTS = Path(
    os.environ.get("FIELDCLOCK_SCREENSHOTS")
    or Path(os.environ.get("FIELDCLOCK_INSTANCE_DIR", tempfile.gettempdir())) / "screenshots"
)
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
    """Save the page as SCREENSHOTS/<name>.png, atomically (CI runs both backends' suites
    side by side, and both take the same pictures)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    partial = SCREENSHOTS / f".{name}.{os.getpid()}.png"
    partial.write_bytes(page.screenshot(full_page=True))
    os.replace(partial, SCREENSHOTS / f"{name}.png")


# WCAG 2.x contrast of every visible text against the first opaque background behind it:
# 4.5:1, or 3:1 for large text; disabled controls are exempt. → the failures.
CONTRAST = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (node) => {
    for (; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const node of document.querySelectorAll("body *")) {
    const own = [...node.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !node.getClientRects().length || node.closest("[disabled]")) continue;
    const style = getComputedStyle(node);
    if (style.visibility === "hidden" || style.opacity === "0") continue;
    const a = lum(rgb(style.color)), b = lum(background(node));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const text = node.textContent.trim().slice(0, 30);
    if (ratio < needed) failures.push(`${node.tagName} "${text}" ${ratio.toFixed(2)}`);
  }
  return failures;
}"""


def contrast_failures(page: Any) -> list[str]:
    return list(page.evaluate(CONTRAST))
