"""The screens' files as the app serves them (app/screens.py): the shells, modules, style,
manifest and service worker; a self-only Content-Security-Policy without 'unsafe-inline' and
no inline script or style; the JSON API still answers no CORS headers."""

from __future__ import annotations

import re

import pytest

PAGES = {"/": "phone.js", "/console": "console.js"}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_each_page_is_a_shell_of_own_origin_modules_under_a_strict_csp(client, path):
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    html = page.data.decode()
    assert re.findall(r"<script[^>]*>", html) == [
        f'<script type="module" src="/screens/{PAGES[path]}">'
    ]
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html
    assert "http:" not in html and "https:" not in html
    # Every input has a label naming it.
    for input_id in re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id


def imported(client, first: str) -> set[str]:
    """The modules `first` needs, itself included."""
    seen, waiting = set(), [first]
    while waiting:
        name = waiting.pop()
        seen.add(name)
        module = client.get(f"/screens/{name}")
        assert module.status_code == 200, name
        assert module.headers["Content-Type"] == "text/javascript; charset=utf-8"
        for other in re.findall(r'from "\./([a-z-]+\.js)"', module.data.decode()):
            if other not in seen:
                waiting.append(other)
    return seen


def test_the_modules_the_pages_import_are_served_as_javascript(client):
    assert imported(client, "phone.js") | imported(client, "console.js") == {
        "phone.js", "console.js", "api.js", "format.js", "queue.js", "words.js",
        "console-approvals.js", "console-payroll.js", "console-people.js", "console-sites.js",
        "signin.js",
    }  # fmt: skip


def test_the_pwa_files_and_nothing_else(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["Content-Type"] == "application/manifest+json"
    assert manifest.get_json()["start_url"] == "/"
    worker = client.get("/sw.js")
    assert worker.headers["Content-Type"] == "text/javascript; charset=utf-8"
    # The service worker keeps every file the phone page needs to open without a network.
    for name in imported(client, "phone.js") | {"style.css", "icon.svg"}:
        assert f'"/screens/{name}"'.encode() in worker.data, name
    assert client.get("/screens/icon.svg").headers["Content-Type"].startswith("image/svg+xml")
    for path in ("/screens/../config.py", "/screens/missing.js", "/screens/.hidden.js",
                 "/screens/manifest.json"):  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_the_json_api_keeps_cors_closed(client):
    preflight = client.options(
        "/api/v1/auth/login",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    answer = client.post(
        "/api/v1/auth/login", json={"email": "x@example.com", "password": "x" * 12},
        headers={"Origin": "https://elsewhere.example"},
    )  # fmt: skip
    for response in (preflight, answer):
        assert not [k for k, _v in response.headers if k.lower().startswith("access-control")]
