"""Where webhooks may go. Staff type endpoint URLs, so a URL must not turn the portal into a
way to reach its own network (SSRF): HTTPS only, and never to a private, loopback,
link-local (cloud metadata: 169.254.169.254), multicast or reserved address — unless the
address is in WEBHOOK_ALLOWED_NETWORKS (a CRM on the LAN). Plain HTTP to loopback is allowed
only with WEBHOOK_ALLOW_LOOPBACK (on with DEBUG, and in the tests).

Checked when the endpoint is saved, and again at every delivery: the name is resolved, every
address checked, and the connection made to the checked address (with the name kept for the
Host header, SNI and the certificate), so a DNS answer that changes after the check
(DNS rebinding) cannot send the request elsewhere.
"""

import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter


class WebhookURLRefused(Exception):
    pass


def _allowed_networks() -> list:
    networks = []
    for raw in getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", []) or []:
        networks.append(ipaddress.ip_network(str(raw).strip(), strict=False))
    return networks


def _allow_loopback() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", settings.DEBUG))


def address_refusal(address: str) -> str | None:
    """Why this IP address may not receive webhooks, or None when it may."""
    ip = ipaddress.ip_address(address)
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if any(ip in network for network in _allowed_networks()):
        return None
    if ip.is_loopback:
        return None if _allow_loopback() else _("a loopback address")
    if ip.is_link_local:
        return _("a link-local address (such as a cloud metadata service)")
    if ip.is_private:
        return _("a private network address")
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified or not ip.is_global:
        return _("an address that is not on the public internet")
    return None


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookURLRefused(
            _("The host name %(host)s could not be resolved.") % {"host": host}
        ) from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_url(url: str) -> list[str]:
    """The checked addresses of `url` (resolved now); raises WebhookURLRefused saying why."""
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("https", "http") or not host:
        raise WebhookURLRefused(_("Enter an https:// URL."))
    if parts.username or parts.password:
        raise WebhookURLRefused(_("The URL must not contain a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookURLRefused(_("The port of the URL is not valid.")) from None
    addresses = _resolve(host, port)
    if parts.scheme == "http":
        loopback = all(ipaddress.ip_address(a).is_loopback for a in addresses)
        if not (loopback and _allow_loopback()):
            raise WebhookURLRefused(_("Webhooks are sent over HTTPS only: enter an https:// URL."))
    for address in addresses:
        why = address_refusal(address)
        if why:
            raise WebhookURLRefused(
                _("%(host)s resolves to %(address)s, %(why)s: webhooks may not go there.")
                % {"host": host, "address": address, "why": why}
            )
    return addresses


def validate_webhook_url(url: str) -> None:
    """The model field's check at save time."""
    try:
        check_url(url)
    except WebhookURLRefused as exc:
        raise ValidationError(str(exc)) from None


class _PinnedHostAdapter(HTTPAdapter):
    """HTTPS to a fixed address while SNI and certificate checks use the host name."""

    def __init__(self, hostname: str, **kwargs):
        self._hostname = hostname
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["server_hostname"] = self._hostname
        kwargs["assert_hostname"] = self._hostname
        super().init_poolmanager(*args, **kwargs)


def pinned_post(url: str, *, data: bytes, headers: dict, timeout) -> requests.Response:
    """POST to `url` after checking it, connected to the address that was checked."""
    parts = urlsplit(url)
    address = check_url(url)[0]
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = parts.netloc  # as typed: the name (and port) the receiver expects
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment in between
        if parts.scheme == "https":
            session.mount("https://", _PinnedHostAdapter(parts.hostname))
        return session.post(
            target,
            data=data,
            headers={**headers, "Host": host_header},
            timeout=timeout,
            allow_redirects=False,
        )
