"""Plain HTTP answers on the websocket port: security headers, cookies, static files.

The websockets library parses every request on the port (``process_request``)
and accepts any method but no request body, so the web app's HTTP side is
made of GETs and body-less POSTs; everything else travels on /ws.
"""

from __future__ import annotations

import gzip
import hashlib
import http
import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.datastructures import Headers
from websockets.http11 import Request, Response

STATIC_DIR = Path(__file__).parent / "static"

# Scripts only from this origin; CodeMirror and y-codemirror.next set caret
# colours through style attributes, hence inline styles.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'; object-src 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)


def respond(
    status: int,
    body: bytes | str,
    content_type: str = "text/plain; charset=utf-8",
    headers: list[tuple[str, str]] | None = None,
    *,
    cache: str = "no-store",
) -> Response:
    data = body.encode() if isinstance(body, str) else body
    all_headers = Headers(
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(data))),
            ("Cache-Control", cache),
            ("Connection", "close"),
            *SECURITY_HEADERS,
            *(headers or []),
        ]
    )
    return Response(status, http.HTTPStatus(status).phrase, all_headers, data)


def html(status: int, body: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return respond(status, body, "text/html; charset=utf-8", headers, cache="no-cache")


def json_response(
    status: int, payload: dict[str, Any], headers: list[tuple[str, str]] | None = None
) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return respond(status, body, "application/json; charset=utf-8", headers)


def redirect(location: str) -> Response:
    return respond(308, "", headers=[("Location", location)], cache="no-cache")


def cookies(request: Request) -> dict[str, str]:
    """The request's cookies (the last of a repeated name wins)."""
    found: dict[str, str] = {}
    for header in request.headers.get_all("Cookie"):
        for part in header.split(";"):
            name, sep, value = part.strip().partition("=")
            if sep and name:
                found[name] = value.strip().strip('"')
    return found


def same_origin(request: Request, secure: bool, allowed: tuple[str, ...] = ()) -> bool:
    """Whether a browser request comes from a page of this server.

    Browsers send ``Origin`` with every POST and websocket handshake; a
    request without one is not from a page, and one from another site is
    refused (no cross-site sign-out, no cross-site websocket with the cookie).
    """
    origin = request.headers.get("Origin")
    host = request.headers.get("Host")
    if not origin or not host:
        return False
    if origin in allowed:
        return True
    parts = urlsplit(origin)
    return parts.scheme == ("https" if secure else "http") and parts.netloc == host


@dataclass(frozen=True, slots=True)
class StaticFile:
    body: bytes
    content_type: str
    etag: str
    gzipped: bytes | None = None  # compressed once at start (the bundle is ~530 KB, ~150 gzipped)


def load_static(root: Path = STATIC_DIR) -> dict[str, StaticFile]:
    """Every file of the built bundle, read once: the URL space is exactly this list."""
    files: dict[str, StaticFile] = {}
    if not root.is_dir():
        return files
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        body = path.read_bytes()
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        packed = gzip.compress(body, 9, mtime=0) if len(body) > 1024 else None
        files[path.relative_to(root).as_posix()] = StaticFile(body, kind, etag, packed)
    return files


def static_response(request: Request, file: StaticFile) -> Response:
    headers = [("ETag", file.etag), ("Vary", "Accept-Encoding")]
    if request.headers.get("If-None-Match") == file.etag:
        return respond(304, b"", file.content_type, headers, cache="no-cache")
    if file.gzipped is not None and "gzip" in (request.headers.get("Accept-Encoding") or ""):
        headers.append(("Content-Encoding", "gzip"))
        return respond(200, file.gzipped, file.content_type, headers, cache="no-cache")
    return respond(200, file.body, file.content_type, headers, cache="no-cache")
