"""Rendered public pages kept in memory for signed-out visitors.

The catalog, routine, player and pose pages depend only on their address while nobody is
signed in: the content, the templates and the static build id are fixed for the life of the
process. So the first signed-out visit to an address renders the page and keeps it, and the
next ones are answered from memory (bounded, least recently used first out).

The one part that differs per visitor is the CSRF token in `<meta name="csrf-token">` (every
page carries one, DESIGN §6). The page is rendered with a random placeholder in its place
(through `g`, where Flask-WTF keeps the request's token), the placeholder is what the cache
keeps, and every answer gets the visitor's own token put in: exactly what `csrf_token()`
gives a render, session cookie included.

Pages are also sent gzip-compressed to browsers that take it (a player page goes from about
31 kB to 8 kB on a phone's connection) without compressing anything per request: each
fixed part is kept as raw deflate blocks ending on a full flush, which depend on nothing
before them, so a visitor's answer is those blocks with the token's own few bytes deflated
between them, a gzip header, and the trailer's CRC-32 and length.

Signed-in visitors, pages with flashed messages waiting, other methods, other statuses and
debug mode are never served from or stored in the cache.
"""

from __future__ import annotations

import secrets
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask import Flask, g, request, session
from markupsafe import escape

from .auth import is_signed_in
from .signing import csrf_token

CACHED_ENDPOINTS = frozenset(
    {"pages.routines", "pages.routine", "pages.play", "pages.poses", "pages.pose"}
)
# Magic, deflate, no flags, no modification time, no extra flags, unknown OS (RFC 1952).
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
GZIP_ENCODING = ("Content-Encoding", "gzip")


def _deflated(data: bytes, final: bool = False) -> bytes:
    """Return data as raw deflate blocks that use no history: ending the stream, or a full flush."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(
        zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH
    )


@dataclass(frozen=True)
class CachedPage:
    """A rendered page split around its CSRF token placeholders, with deflated parts."""

    status: int
    headers: tuple[tuple[str, str], ...]
    parts: tuple[bytes, ...]
    deflated: tuple[bytes, ...] = ()

    @classmethod
    def compressed(cls, status: int, headers: tuple[tuple[str, str], ...],
                   parts: tuple[bytes, ...]) -> CachedPage:
        """Keep a page with every part deflated on its own (the last one ends the stream)."""
        last = len(parts) - 1
        return cls(status, headers, parts,
                   tuple(_deflated(p, final=i == last) for i, p in enumerate(parts)))

    @property
    def size(self) -> int:
        return sum(len(p) for p in self.parts) + sum(len(p) for p in self.deflated)

    def body(self, token: str) -> bytes:
        """Return the page with this visitor's token in every placeholder's place."""
        return self._token(token).join(self.parts)

    def gzip(self, token: str) -> bytes:
        """Return the page with this visitor's token, gzip-compressed."""
        slot = self._token(token)
        middle = _deflated(slot)
        crc = zlib.crc32(self.parts[0])
        for part in self.parts[1:]:
            crc = zlib.crc32(part, zlib.crc32(slot, crc))
        size = sum(len(p) for p in self.parts) + len(slot) * (len(self.parts) - 1)
        return b"".join((GZIP_HEADER, middle.join(self.deflated),
                         struct.pack("<II", crc, size & 0xFFFFFFFF)))

    @staticmethod
    def _token(token: str) -> bytes:
        return str(escape(token)).encode()


class PageCache:
    """A thread-safe LRU of pages, bounded by entries and by bytes."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        if page.size > self.max_bytes:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._pages[key] = page
            self._bytes += page.size
            while len(self._pages) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= dropped.size


def init_page_cache(app: Flask) -> None:
    """Serve the public pages of signed-out visitors from memory (PAGE_CACHE_* settings)."""
    if app.config["PAGE_CACHE_ENTRIES"] <= 0:
        return
    cache = PageCache(app.config["PAGE_CACHE_ENTRIES"], app.config["PAGE_CACHE_BYTES"])
    app.extensions["limber_page_cache"] = cache
    placeholder = f"limber-csrf-{secrets.token_hex(16)}"
    marker = placeholder.encode()

    def token_slot() -> str:
        # Where Flask-WTF keeps the request's token: csrf_token() returns what is there.
        return app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")

    @app.before_request
    def _cached_page() -> Any:
        # Registered after every other before_request step (auth's lifetime check included).
        if (
            request.method != "GET"
            or request.endpoint not in CACHED_ENDPOINTS
            or app.debug
            or "_flashes" in session
            or is_signed_in()
        ):
            return None
        key = request.script_root + request.full_path
        page = cache.get(key)
        if page is not None:
            token = csrf_token()
            if page.deflated and _takes_gzip():
                return app.response_class(page.gzip(token), status=page.status,
                                          headers=[*page.headers, GZIP_ENCODING])
            return app.response_class(page.body(token), status=page.status,
                                      headers=list(page.headers))
        g.limber_page_key = key
        setattr(g, token_slot(), placeholder)  # the render below writes this, not a token
        return None

    @app.after_request
    def _keep_page(response: Any) -> Any:
        # Registered last, so it runs first: before the security headers and the session.
        key = g.pop("limber_page_key", None)
        if key is None:
            return response
        if getattr(g, token_slot(), None) == placeholder:
            delattr(g, token_slot())
        if response.direct_passthrough or response.is_streamed:
            return response
        parts = tuple(response.get_data().split(marker))
        if response.status_code == 200 and response.mimetype == "text/html":
            response.vary.add("Accept-Encoding")
            headers = tuple((k, v) for k, v in response.headers.items()
                            if k.lower() != "content-length")
            page = CachedPage.compressed(200, headers, parts)
            cache.put(key, page)
            token = csrf_token()
            if _takes_gzip():
                response.set_data(page.gzip(token))
                response.content_encoding = "gzip"
            else:
                response.set_data(page.body(token))
        elif len(parts) > 1:  # error pages too carry the placeholder: this visitor's token
            response.set_data(CachedPage(response.status_code, (), parts).body(csrf_token()))
        return response


def _takes_gzip() -> bool:
    # Parsed only when sent: a client without the header gets the page as it is.
    return bool(request.environ.get("HTTP_ACCEPT_ENCODING")) and \
        request.accept_encodings["gzip"] > 0
