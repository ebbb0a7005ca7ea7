"""Outbound HTTP to addresses users typed in (webhook subscriptions, group robots).

A URL is checked when it is saved (`check_url`) and again when a request is sent (`post`):
the host name is resolved once, every address it resolves to must be public (not private,
loopback, link-local, multicast, reserved, shared or unspecified; IPv4-mapped and other
IPv6 forms and the decimal/octal/hex spellings of IPv4 included), and the connection goes to
the address that was checked (the Host header, TLS SNI and certificate check keep the name),
so a name that resolves to 127.0.0.1 later is never reached. Redirects are not followed.

`WEBHOOK_ALLOWED_HOSTS` (settings, from the environment) lets a firm reach its own intranet
robots: an entry is either a host name (its private addresses are then allowed; loopback,
link-local, multicast and unspecified addresses never are) or a network in CIDR form (every
address inside it is allowed).

A failure raises `OutboundError` with a short classified reason (blocked-address, dns, timeout,
refused, tls, connection, redirect, 4xx, 5xx, rate-limited) and the status code when there was
one: never the remote body.
"""

import ipaddress
import re
import socket
import ssl
import urllib.parse

import certifi
import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

__all__ = ["OutboundError", "check_url", "post", "address_allowed", "host_literal"]


class OutboundError(Exception):
    def __init__(self, reason: str, *, status: int | None = None, retryable: bool = True):
        self.reason = reason
        self.status = status
        self.retryable = retryable
        super().__init__(f"{reason}: HTTP {status}" if status else reason)


class BlockedAddress(OutboundError):
    def __init__(self):
        super().__init__("blocked-address", retryable=False)


_NUMERIC_V4 = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.I)


def host_literal(host: str):
    """The address a host written as an IP literal stands for, or None for a name. Accepts what
    resolvers accept: dotted quads, bracketed IPv6, and the inet_aton forms (2130706433,
    0177.0.0.1, 0x7f.1)."""
    host = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_V4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            raise BlockedAddress()
    return None


def _allowed_entries():
    names, networks = set(), []
    for entry in getattr(settings, "WEBHOOK_ALLOWED_HOSTS", None) or []:
        entry = str(entry).strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return names, networks


def _embedded(ip):
    """IPv4 carried inside an IPv6 address (mapped, 6to4, Teredo, NAT64 well-known prefix)."""
    if ip.version != 6:
        return []
    found = [ip.ipv4_mapped, ip.sixtofour]
    if ip.teredo:
        found.extend(ip.teredo)
    if ip in ipaddress.ip_network("64:ff9b::/96"):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [a for a in found if a is not None]


def _public(ip) -> bool:
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return _public(ip.ipv4_mapped)
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return False
    return all(_public(inner) for inner in _embedded(ip))


def address_allowed(ip, host: str = "") -> bool:
    names, networks = _allowed_entries()
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip.version == n.version and ip in n for n in networks):
        return True
    if host and host.lower().rstrip(".") in names:
        return not (ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified)
    return _public(ip)


def _split(url: str):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundError("scheme", retryable=False)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise OutboundError("scheme", retryable=False)
    return parts, parts.hostname, port


def resolve(host: str, port: int) -> list:
    """Every address `host` stands for, each checked; raises BlockedAddress if any is refused."""
    literal = host_literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise OutboundError("dns")
        addresses = []
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])  # str for IP families
            if ip not in addresses:
                addresses.append(ip)
        if not addresses:
            raise OutboundError("dns")
    if not all(address_allowed(ip, host) for ip in addresses):
        raise BlockedAddress()
    return addresses


def check_url(url: str, *, resolve_name: bool = True) -> str | None:
    """The reason to refuse `url` when it is saved, or None. A literal address is judged as
    it stands; a name is resolved when it can be (a name that does not resolve here is
    accepted: it is checked again at every send)."""
    try:
        parts, host, port = _split(url)
    except OutboundError:
        return _("Enter an http(s) URL.")
    if parts.username or parts.password:
        return _("The URL must not contain a user name or password.")
    blocked = _(
        "This address is internal (private, loopback, link-local, multicast or reserved); "
        "only public addresses or hosts on the allow-list (WEBHOOK_ALLOWED_HOSTS) can be used."
    )
    try:
        literal = host_literal(host)
    except BlockedAddress:
        return blocked
    if literal is not None:
        return None if address_allowed(literal, host) else blocked
    lowered = host.lower().rstrip(".")
    if lowered in _allowed_entries()[0]:
        return None
    if lowered == "localhost" or lowered.endswith((".localhost", ".internal", ".local")):
        return blocked
    if resolve_name:
        try:
            resolve(host, port)
        except BlockedAddress:
            return blocked
        except OutboundError:
            return None
    return None


def post(url: str, *, body: bytes, headers: dict, timeout: float) -> tuple[int, bytes]:
    """POST `body` to `url` through the checked address; returns the 2xx status code and the
    first 64 KiB of the answer (for a caller that must read a JSON verdict, like a group robot's
    errcode; never stored), or raises OutboundError."""
    parts, host, port = _split(url)
    addresses = resolve(host, port)
    ip = str(addresses[0])
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    default_port = 443 if parts.scheme == "https" else 80
    host_header = host if port == default_port else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"
    headers = {**headers, "Host": host_header}
    timeout_ = urllib3.Timeout(connect=timeout, read=timeout)
    pool: urllib3.HTTPConnectionPool
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            ip,
            port,
            timeout=timeout_,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=host,
            assert_hostname=host,
            maxsize=1,
        )
    else:
        pool = urllib3.HTTPConnectionPool(ip, port, timeout=timeout_, retries=False, maxsize=1)
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            answer = response.read(64 * 1024)
        finally:
            response.release_conn()
    except urllib3.exceptions.NewConnectionError as exc:
        refused = isinstance(getattr(exc, "__cause__", None), ConnectionRefusedError) or (
            "refused" in str(exc).lower()
        )
        raise OutboundError("refused" if refused else "connection")
    except (urllib3.exceptions.ConnectTimeoutError, urllib3.exceptions.ReadTimeoutError):
        raise OutboundError("timeout")
    except urllib3.exceptions.SSLError:
        raise OutboundError("tls")
    except (urllib3.exceptions.HTTPError, ssl.SSLError, OSError):
        raise OutboundError("connection")
    finally:
        pool.close()
    status = response.status
    if 200 <= status < 300:
        return status, answer
    if 300 <= status < 400:
        raise OutboundError("redirect", status=status, retryable=False)
    if status == 429:
        raise OutboundError("rate-limited", status=status)
    if status >= 500:
        raise OutboundError("5xx", status=status)
    raise OutboundError("4xx", status=status, retryable=False)
