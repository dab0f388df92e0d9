"""The organization's optional overtime-alert webhook: configuration and signed delivery.

Delivery (`deliver`, run by a coalesced job after new alerts are stored) POSTs the alerts not
yet notified, up to `BATCH` per request, as JSON:
`{"organization_id", "alerts": [{id, employee_id, kind, period, period_start, week_start,
seconds, message, created_at}]}`.

Signature (the scheme Stripe and GitHub use): header `X-Fieldclock-Timestamp` (Unix seconds)
and `X-Fieldclock-Signature: sha256=<hex>`, the HMAC-SHA256 with the shared secret of
`<timestamp>.<body bytes>`; a receiver recomputes it and refuses old timestamps (replays).
A non-2xx answer (redirects included: they are never followed) or a network error raises
`WebhookDeliveryFailed`; the job's `Retry` backs off (10 s, 1 min, 5 min, 30 min, 1 h), then
the job fails, and the outbox relay gives its messages up after `outbox.MAX_RELAYS`. Alerts
created before the webhook was configured are never sent (configuring one must not flood the
receiver with history).

Server-side request forgery: an organization admin chooses the URL, and the worker sits inside
our network, so the URL must not reach what only the worker can reach (loopback, private
ranges, link-local and the cloud metadata address 169.254.169.254, unique-local IPv6...).

- When the URL is set (`put_config`, `url_problem`): `https://` only, no user name or
  password, no IP literal that is not global (dotted, bracketed IPv6, and the numeric forms
  such as `2130706433` or `127.1` that resolvers accept), no `localhost`. A hostname is not
  resolved here: what it resolves to can change at any time.
- When it is used (`deliver`): the URL must still pass those rules (a row stored before
  them is refused), and the host is resolved once (`socket.getaddrinfo`); if any address is
  not global (`ipaddress`'s `is_global`, multicast excluded, the IPv4 address embedded in an
  IPv6 one checked too) nothing is sent and `WebhookDestinationRefused` (a
  `WebhookDeliveryFailed`) takes the ordinary failure path. Otherwise the connection goes to
  the checked addresses themselves (TLS still verifies the certificate of, and sends SNI for,
  the hostname), so DNS rebinding between the check and the connection is not possible.
  Proxy environment variables are not used: a proxy would resolve the name again.
- IPv6 forms that carry an IPv4 address are judged by that address: IPv4-mapped, 6to4,
  Teredo, IPv4-compatible (`::a.b.c.d`) and NAT64's well-known prefix `64:ff9b::/96` (RFC 6052),
  all of which `ipaddress` counts as global; a NAT64 gateway would translate `64:ff9b::a00:1`
  to 10.0.0.1. The local-use NAT64 prefix `64:ff9b:1::/48` (RFC 8215) is refused outright: its
  translation is whatever the operator's network makes of it, and its IPv4 position depends on
  the prefix length the operator chose.

`WEBHOOK_ALLOW_PRIVATE` (config, default False; refused in production) turns both checks off
and allows `http://`, for development and tests with a local receiver.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import SplitResult, urlsplit

import sqlalchemy as sa
from flask import current_app

from app.errors import ValidationFailed
from app.extensions import db
from app.models import AlertWebhook, OvertimeAlert, User
from app.models.base import utcnow

BATCH = 500
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Fieldclock-Signature"
TIMESTAMP_HEADER = "X-Fieldclock-Timestamp"


class WebhookDeliveryFailed(RuntimeError):
    """The receiver did not accept the delivery; the job is retried with backoff."""


class WebhookDestinationRefused(WebhookDeliveryFailed):
    """The URL is not one the worker may connect to (not https, or not a public address)."""


Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# What getaddrinfo returns, one entry per address: family, type, proto, canonname, sockaddr.
AddrInfo = tuple[Any, Any, int, str, Any]


def private_allowed() -> bool:
    return bool(current_app.config.get("WEBHOOK_ALLOW_PRIVATE", False))


_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a packet to `address` may end up at (through a translator, a 6to4
    or Teredo relay, or a dual stack)."""
    found = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if address in _NAT64_WELL_KNOWN or address in _IPV4_COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [inner for inner in found if inner is not None]


def is_public_address(address: Address) -> bool:
    """Whether the worker may connect to this address: globally routable, not multicast, and
    not an IPv6 wrapper (IPv4-mapped or -compatible, 6to4, Teredo, NAT64) around an IPv4
    address that is not."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL_USE:
            return False
        return all(is_public_address(inner) for inner in _embedded_ipv4(address))
    return True


def _ip_literal(host: str) -> Address | None:
    """The address a host names by itself, if it is an IP literal in any form a resolver
    accepts (`127.0.0.1`, `::1`, `2130706433`, `0x7f.1`, `127.1`); None for a hostname.
    ValueError for something that looks like an address but is none."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        if ":" in host:
            raise
    last_label = host.rsplit(".", 1)[-1]
    # A name whose last label is a number is an IPv4 address to resolvers (and to WHATWG URLs).
    if last_label.isdigit() or last_label.startswith("0x"):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError as exc:
            raise ValueError(host) from exc
    return None


def url_problem(url: str, *, allow_private: bool = False) -> str | None:
    """Why the worker must not POST to this URL (a sentence for the client), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        return "Not a valid URL."
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        return "Must be an https:// URL."
    if "@" in parts.netloc:
        return "Must not contain a user name or password."
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "Must name a host."
    if allow_private:
        return None
    try:
        literal = _ip_literal(host)
    except ValueError:
        return "Not a valid host name or address."
    if (
        host == "localhost"
        or host.endswith(".localhost")
        or (literal is not None and not is_public_address(literal))
    ):
        return "Must not point at a loopback, private, link-local or reserved address."
    return None


def _row(organization_id: uuid.UUID) -> AlertWebhook | None:
    stmt = sa.select(AlertWebhook).where(AlertWebhook.organization_id == organization_id)
    row: AlertWebhook | None = db.session.scalars(stmt).first()
    return row


def view(row: AlertWebhook | None) -> dict[str, Any]:
    if row is None:
        return {"url": None, "active": False, "secret_set": False}
    return {"url": row.url, "active": row.active, "secret_set": bool(row.secret)}


def get_config(actor: User) -> dict[str, Any]:
    return view(_row(actor.organization_id))


def put_config(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """Set the URL (and the secret, which is never shown again); keeps the old secret when
    none is given."""
    problem = url_problem(data["url"], allow_private=private_allowed())
    if problem is not None:
        raise ValidationFailed(errors={"url": [problem]})
    row = _row(actor.organization_id)
    if row is None:
        if not data.get("secret"):
            raise ValidationFailed(errors={"secret": ["Required when setting up a webhook."]})
        row = AlertWebhook(organization_id=actor.organization_id, url=data["url"], secret="")
        db.session.add(row)
    row.url = data["url"]
    if data.get("secret"):
        row.secret = data["secret"]
    row.active = data.get("active", True)
    db.session.flush()
    return view(row)


def delete_config(actor: User) -> None:
    row = _row(actor.organization_id)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _alert_json(alert: OvertimeAlert) -> dict[str, Any]:
    return {
        "id": str(alert.id),
        "employee_id": str(alert.employee_id),
        "kind": alert.kind,
        "period": alert.period,
        "period_start": alert.period_start.isoformat(),
        "week_start": alert.week_start.isoformat(),
        "seconds": alert.seconds,
        "message": (alert.details or {}).get("message"),
        "created_at": alert.created_at.isoformat(),
    }


def resolve_checked(host: str, port: int, *, allow_private: bool = False) -> list[AddrInfo]:
    """The host's addresses, each checked; refused if any one is not public (a name with one
    private address among public ones is still a way in)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookDeliveryFailed(f"webhook host does not resolve: {exc}") from exc
    if not infos:
        raise WebhookDeliveryFailed("webhook host does not resolve")
    if not allow_private:
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not is_public_address(address):
                raise WebhookDestinationRefused(
                    f"webhook host {host} resolves to {address}, which is not a public address"
                )
    return infos


def open_socket(infos: list[AddrInfo], timeout: float | None) -> socket.socket:
    """A TCP connection to the first of these (already checked) addresses that answers."""
    error: OSError = OSError("no address to connect to")
    for family, type_, proto, _, sockaddr in infos:
        sock = socket.socket(family, type_, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to addresses resolved and checked beforehand (development only)."""

    def __init__(self, host: str, port: int, infos: list[AddrInfo], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.infos = infos

    def connect(self) -> None:
        self.sock = open_socket(self.infos, self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to addresses resolved and checked beforehand; the certificate is verified against
    the hostname (and SNI names it), not against the address."""

    def __init__(self, host: str, port: int, infos: list[AddrInfo], timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.infos = infos

    def connect(self) -> None:
        sock = open_socket(self.infos, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _send(parts: SplitResult, infos: list[AddrInfo], body: bytes, headers: dict[str, str]) -> int:
    """POST to the checked addresses; the status (a redirect is a status like any other)."""
    host = parts.hostname or ""
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = PinnedHTTPSConnection(
            host, parts.port or 443, infos, TIMEOUT_SECONDS
        )
    else:
        connection = PinnedHTTPConnection(host, parts.port or 80, infos, TIMEOUT_SECONDS)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # the answer is not used; read a little so the close is clean
        return response.status
    finally:
        connection.close()


def _post(url: str, body: bytes, headers: dict[str, str]) -> None:
    allow_private = private_allowed()
    problem = url_problem(url, allow_private=allow_private)
    if problem is not None:  # a URL stored before the rules, or edited behind the API's back
        raise WebhookDestinationRefused(f"webhook URL refused: {problem}")
    parts = urlsplit(url)
    default_port = 443 if parts.scheme == "https" else 80
    infos = resolve_checked(
        parts.hostname or "", parts.port or default_port, allow_private=allow_private
    )
    try:
        status = _send(parts, infos, body, headers)
    except (http.client.HTTPException, OSError) as exc:
        raise WebhookDeliveryFailed(f"webhook unreachable: {exc}") from exc
    if not 200 <= status < 300:
        raise WebhookDeliveryFailed(f"webhook answered {status}")


def deliver(organization_id: uuid.UUID, now: datetime | None = None) -> int:
    """Send the alerts not yet notified; how many were delivered (0 without a webhook)."""
    webhook = _row(organization_id)
    if webhook is None or not webhook.active:
        return 0
    delivered = 0
    while True:
        stmt = (
            sa.select(OvertimeAlert)
            .where(
                OvertimeAlert.organization_id == organization_id,
                OvertimeAlert.notified_at.is_(None),
                OvertimeAlert.created_at >= webhook.created_at,
            )
            .order_by(OvertimeAlert.created_at, OvertimeAlert.id)
            .limit(BATCH)
        )
        alerts = list(db.session.scalars(stmt))
        if not alerts:
            return delivered
        payload = {
            "organization_id": str(organization_id),
            "alerts": [_alert_json(a) for a in alerts],
        }
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        timestamp = int((now or utcnow()).timestamp())
        _post(
            webhook.url,
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": "Fieldclock-Webhooks/1",
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign(webhook.secret, timestamp, body),
            },
        )
        sent_at = utcnow()
        for alert in alerts:
            alert.notified_at = sent_at
        db.session.flush()
        delivered += len(alerts)
