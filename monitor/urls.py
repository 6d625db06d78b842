"""Canonicalise URLs so that one article seen under several spellings is stored once.

The canonical form follows RFC 3986 §6.2.2 (syntax-based normalisation: case,
percent-encoding, dot segments) and §6.2.3 (scheme-based: default port, empty
path), then drops what never identifies a resource: the fragment and the
tracking parameters that mail, social and ad platforms append to links.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "TRACKING_PREFIXES", "canonicalize_url", "url_hash"]

TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hsa_", "oly_")
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "ysclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "srsltid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "_openstat",
        "mkt_tok",
        "vero_id",
        "vero_conv",
        "ref_src",
        "ref_url",
        "rb_clickid",
        "s_cid",
        "wickedid",
        "__s",
    }
)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters that may stay literal in a path (RFC 3986 pchar plus "/"), and in a query
# component, where "&" and "=" keep their separator meaning and "+" is left alone
# because form encoding gives it the meaning of a space.
_PATH_SAFE = frozenset("!$&'()*+,;=:@/")
_QUERY_SAFE = frozenset("!$'()*+,;:@/?")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def canonicalize_url(url: str) -> str:
    """Return the canonical spelling of `url`; applying it twice changes nothing."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = _canonical_netloc(parts, scheme)
    path = _remove_dot_segments(_normalise_escapes(parts.path, _PATH_SAFE))
    if not path and netloc:
        path = "/"
    query = _canonical_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def url_hash(url: str) -> str:
    """Return the SHA-256 hex digest of the canonical form: the article's identity key."""
    return hashlib.sha256(canonicalize_url(url).encode("utf-8")).hexdigest()


def is_tracking_param(name: str) -> bool:
    """Say whether a (normalised) query parameter name only tracks the reader."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _canonical_netloc(parts: SplitResult, scheme: str) -> str:
    netloc = parts.netloc
    if not netloc:
        return ""
    userinfo, _, hostport = netloc.rpartition("@")
    host, port = _split_host_port(hostport)
    host = _canonical_host(host)
    if port is not None and _DEFAULT_PORTS.get(scheme) == port:
        port = None
    result = host if port is None else f"{host}:{port}"
    return f"{userinfo}@{result}" if userinfo else result


def _split_host_port(hostport: str) -> tuple[str, int | None]:
    if hostport.startswith("["):
        end = hostport.find("]")
        if end != -1:
            rest = hostport[end + 1 :]
            port = _parse_port(rest[1:]) if rest.startswith(":") else None
            return hostport[: end + 1], port
        return hostport, None
    host, sep, port_text = hostport.rpartition(":")
    if not sep:
        return hostport, None
    port = _parse_port(port_text)
    if port is None and port_text:
        return hostport, None  # not a port: keep the text as it was
    return host, port


def _parse_port(text: str) -> int | None:
    if text.isascii() and text.isdigit() and len(text) <= 5:
        return int(text)
    return None


def _canonical_host(host: str) -> str:
    host = host.lower()
    if host.startswith("["):
        return host
    host = host.rstrip(".") if host.strip(".") else host
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _canonical_query(query: str) -> str:
    pairs: list[tuple[str, str]] = []
    for item in query.split("&"):
        if not item:
            continue
        name, sep, value = item.partition("=")
        name = _normalise_escapes(name, _QUERY_SAFE)
        if is_tracking_param(name):
            continue
        pairs.append((name, sep + _normalise_escapes(value, _QUERY_SAFE | {"="})))
    pairs.sort()
    return "&".join(name + value for name, value in pairs)


def _normalise_escapes(text: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters, uppercase the rest, escape what must be."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "%":
            match = _ESCAPE.match(text, i)
            if match:
                byte = int(match.group(1), 16)
                out.append(chr(byte) if byte in _UNRESERVED else f"%{byte:02X}")
                i += 3
                continue
            out.append("%25")
        elif ord(char) < 128 and (ord(char) in _UNRESERVED or char in safe):
            out.append(char)
        else:
            out.extend(f"%{b:02X}" for b in char.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, on the already normalised path."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1 or (output and output[0] != ""):
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result
