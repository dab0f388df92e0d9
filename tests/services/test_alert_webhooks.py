"""The alert webhook must not turn the worker into a way into our own network (SSRF): the URL's
rules when it is set, the check of every resolved address when it is used, and the connection
going to the very addresses that were checked. No test here touches the real network: name
resolution is faked (`socket.getaddrinfo`) and the only connections go to a local receiver."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app.errors import ValidationFailed
from app.models import OvertimeAlert
from app.services.overtime import alert_webhooks

PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"

# A URL the worker must never be given, and why.
REFUSED_URLS = [
    pytest.param("http://hooks.example.com/a", id="plain-http"),
    pytest.param("ftp://hooks.example.com/a", id="ftp"),
    pytest.param("https://user:password@hooks.example.com/a", id="userinfo"),
    pytest.param("https://user@hooks.example.com/a", id="username-only"),
    pytest.param("https://127.0.0.1/a", id="loopback"),
    pytest.param("https://127.9.9.9:8443/a", id="loopback-range"),
    pytest.param("https://10.1.2.3/a", id="10/8"),
    pytest.param("https://172.16.0.1/a", id="172.16/12-low"),
    pytest.param("https://172.31.255.254/a", id="172.16/12-high"),
    pytest.param("https://192.168.1.10/a", id="192.168/16"),
    pytest.param("https://169.254.169.254/latest/meta-data/", id="cloud-metadata"),
    pytest.param("https://0.0.0.0/a", id="unspecified"),
    pytest.param("https://100.64.0.1/a", id="carrier-grade-nat"),
    pytest.param("https://224.0.0.1/a", id="multicast"),
    pytest.param("https://[::1]/a", id="ipv6-loopback"),
    pytest.param("https://[::]/a", id="ipv6-unspecified"),
    pytest.param("https://[fc00::1]/a", id="ipv6-unique-local-fc"),
    pytest.param("https://[fd12:3456:789a::1]/a", id="ipv6-unique-local-fd"),
    pytest.param("https://[fe80::1]/a", id="ipv6-link-local"),
    pytest.param("https://[::ffff:169.254.169.254]/a", id="ipv4-mapped-metadata"),
    pytest.param("https://[2002:a00:1::]/a", id="6to4-of-10.0.0.1"),
    pytest.param("https://[64:ff9b::7f00:1]:9443/hook", id="nat64-of-loopback"),
    pytest.param("https://[64:ff9b::a00:1]/a", id="nat64-of-10.0.0.1"),
    pytest.param("https://[64:ff9b::a9fe:a9fe]/a", id="nat64-of-metadata"),
    pytest.param("https://[64:ff9b:1::a00:1]/a", id="nat64-local-use"),
    pytest.param("https://[64:ff9b:1::808:808]/a", id="nat64-local-use-public-v4"),
    pytest.param("https://[::7f00:1]/a", id="ipv4-compatible-loopback"),
    pytest.param("https://2130706433/a", id="decimal-loopback"),
    pytest.param("https://127.1/a", id="short-loopback"),
    pytest.param("https://0x7f.0.0.1/a", id="hex-loopback"),
    pytest.param("https://0xa9fea9fe/a", id="hex-metadata"),
    pytest.param("https://localhost/a", id="localhost"),
    pytest.param("https://LOCALHOST./a", id="localhost-trailing-dot"),
    pytest.param("https://api.localhost/a", id="dot-localhost"),
    pytest.param("https://127.0.0.1./a", id="loopback-trailing-dot"),
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_url_refused_when_set(app, db, make_org, url):
    owner = make_org()
    with pytest.raises(ValidationFailed) as refused:
        alert_webhooks.put_config(owner, {"url": url, "secret": "0123456789abcdef"})
    assert list(refused.value.errors) == ["url"]
    assert alert_webhooks.get_config(owner)["url"] is None


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/overtime",
        "https://hooks.example.com:8443/overtime?team=3",
        f"https://{PUBLIC_V4}/overtime",
        f"https://[{PUBLIC_V6}]/overtime",
        "https://hooks.example.com./overtime",
        f"https://[64:ff9b::{PUBLIC_V4}]/overtime",  # NAT64 of a public address is public
    ],
)
def test_public_https_urls_accepted(url):
    assert alert_webhooks.url_problem(url) is None


def test_the_development_flag_allows_http_and_local_receivers(app, db, make_org, monkeypatch):
    owner = make_org()
    body = {"url": "http://127.0.0.1:8080/hooks", "secret": "0123456789abcdef"}
    with pytest.raises(ValidationFailed):
        alert_webhooks.put_config(owner, body)
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", True)
    assert alert_webhooks.put_config(owner, body)["url"] == "http://127.0.0.1:8080/hooks"
    # Still no credentials in the URL, and still http(s) only.
    assert alert_webhooks.url_problem("http://u:p@127.0.0.1/", allow_private=True)
    assert alert_webhooks.url_problem("file:///etc/passwd", allow_private=True)


def test_the_development_flag_is_refused_in_production(monkeypatch):
    from app.config import ConfigError, load_config

    monkeypatch.setenv("FIELDCLOCK_ENV", "production")
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "true")
    with pytest.raises(ConfigError, match="WEBHOOK_ALLOW_PRIVATE"):
        load_config({"JWT_SECRET_KEY": "x" * 32})
    monkeypatch.delenv("WEBHOOK_ALLOW_PRIVATE")
    assert load_config({"JWT_SECRET_KEY": "x" * 32})["WEBHOOK_ALLOW_PRIVATE"] is False


@pytest.fixture
def resolves_to(monkeypatch):
    """resolves_to(host, *addresses): getaddrinfo answers those addresses for that host (and
    the real resolver for anything else: the database and Redis still connect)."""
    real = socket.getaddrinfo
    table: dict[str, list[str]] = {}
    asked: list[str] = []

    def fake(host, port, family=0, type=0, proto=0, flags=0):
        if host not in table:
            return real(host, port, family, type, proto, flags)
        asked.append(host)
        infos = []
        for address in table[host]:
            if ipaddress.ip_address(address).version == 6:
                infos.append(
                    (
                        socket.AF_INET6,
                        socket.SOCK_STREAM,
                        socket.IPPROTO_TCP,
                        "",
                        (address, port, 0, 0),
                    )
                )
            else:
                infos.append(
                    (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))
                )
        return infos

    def register(host: str, *addresses: str) -> list[str]:
        table[host] = list(addresses)
        return asked

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return register


@pytest.fixture
def hooked(app, db, make_org, make_employee, make_entry):
    """An organization whose webhook is https://hooks.example.com/overtime, with one alert
    waiting to be sent."""
    owner = make_org()
    alert_webhooks.put_config(
        owner, {"url": "https://hooks.example.com/overtime", "secret": "0123456789abcdef"}
    )
    employee = make_employee(owner)
    db.session.add(
        OvertimeAlert(
            organization_id=owner.organization_id,
            employee_id=employee.id,
            kind="DAILY_OVERTIME",
            period="workday",
            period_start=date(2026, 11, 16),
            week_start=date(2026, 11, 16),
            seconds=7200,
            details={"message": "2 h past 8 h"},
        )
    )
    db.session.flush()
    return owner


@pytest.fixture
def sends(monkeypatch):
    """The requests `deliver` would send: (host, the addresses it connects to); answers 204."""
    sent: list[tuple[str, list[tuple[str, int]]]] = []

    def fake_send(parts, infos, body, headers):
        sent.append((parts.hostname, [info[4][:2] for info in infos]))
        return 204

    monkeypatch.setattr(alert_webhooks, "_send", fake_send)
    return sent


@pytest.mark.parametrize(
    "addresses",
    [
        pytest.param(["10.0.0.7"], id="private"),
        pytest.param(["169.254.169.254"], id="metadata"),
        pytest.param(["127.0.0.1"], id="loopback"),
        pytest.param(["::1"], id="ipv6-loopback"),
        pytest.param(["fd00::5"], id="ipv6-unique-local"),
        pytest.param([PUBLIC_V4, "192.168.0.20"], id="one-private-among-public"),
        pytest.param([PUBLIC_V6, "fe80::1"], id="ipv6-link-local-among-public"),
        pytest.param([PUBLIC_V4, "64:ff9b::a00:1"], id="nat64-of-private-among-public"),
        pytest.param(["64:ff9b:1::a00:1"], id="nat64-local-use"),
    ],
)
def test_a_hostname_resolving_to_an_internal_address_is_refused_when_sending(
    db, hooked, resolves_to, sends, addresses
):
    asked = resolves_to("hooks.example.com", *addresses)
    with pytest.raises(alert_webhooks.WebhookDestinationRefused, match="not a public address"):
        alert_webhooks.deliver(hooked.organization_id)
    assert asked == ["hooks.example.com"]
    assert sends == []
    assert db.session.query(OvertimeAlert.notified_at).scalar() is None


def test_a_hostname_resolving_to_public_addresses_is_sent_to_those_addresses(
    db, hooked, resolves_to, sends
):
    resolves_to("hooks.example.com", PUBLIC_V4, PUBLIC_V6)
    assert alert_webhooks.deliver(hooked.organization_id) == 1
    assert sends == [("hooks.example.com", [(PUBLIC_V4, 443), (PUBLIC_V6, 443)])]
    assert db.session.query(OvertimeAlert.notified_at).scalar() is not None


def test_a_url_stored_before_the_rules_is_refused_when_sending(db, hooked, resolves_to, sends):
    from app.models import AlertWebhook

    row = db.session.query(AlertWebhook).filter_by(organization_id=hooked.organization_id).one()
    row.url = "https://169.254.169.254/latest/meta-data/"
    db.session.flush()
    with pytest.raises(alert_webhooks.WebhookDestinationRefused, match="webhook URL refused"):
        alert_webhooks.deliver(hooked.organization_id)
    assert sends == []


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((self.headers["Host"], self.path, body))
        self.send_response(302)  # a redirect, to see that it is not followed
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[int]:
    Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def test_the_connection_goes_to_the_checked_address_without_resolving_again(receiver, monkeypatch):
    """The pinned connection names the host (Host header; SNI and certificate for https) but
    connects to the address it is given: a second lookup could answer differently (DNS
    rebinding)."""

    def no_lookup(*args, **kwargs):
        raise AssertionError(f"resolved again: {args}")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    infos = [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", receiver))]
    connection = alert_webhooks.PinnedHTTPConnection("hooks.example.test", receiver, infos, 5)
    try:
        connection.request("POST", "/overtime?x=1", body=b"{}")
        response = connection.getresponse()
        assert response.status == 302
    finally:
        connection.close()
    assert Receiver.received == [(f"hooks.example.test:{receiver}", "/overtime?x=1", b"{}")]


def test_a_redirect_is_a_failure_not_followed(app, receiver, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", True)
    with pytest.raises(alert_webhooks.WebhookDeliveryFailed, match="answered 302"):
        alert_webhooks._post(f"http://127.0.0.1:{receiver}/hooks", b"{}", {})
    assert len(Receiver.received) == 1
