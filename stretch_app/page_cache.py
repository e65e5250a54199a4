"""Rendered public pages kept in memory for signed-out visitors.

The catalog, routine, player and pose pages depend only on their address while nobody is
signed in: the content, the templates and the static build id are fixed for the life of the
process. So the first signed-out visit to an address renders the page and keeps it, and the
next ones are answered from memory (bounded, least recently used first out). Each page is
kept with a Brotli and a gzip copy, compressed once, and sent in the best encoding the
browser accepts (a player page goes from about 31 kB to 6 kB on a phone's connection).

Nothing in these pages differs per visitor: a signed-out page carries no CSRF token (only
pages that can post do, see `base.html`) and sets no cookie. Signed-in visitors, pages with
flashed messages waiting, other methods, other statuses and debug mode are never served from
or stored in the cache.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import brotli
from flask import Flask, g, request, session
from flask_login import current_user

CACHED_ENDPOINTS = frozenset(
    {"pages.routines", "pages.routine", "pages.play", "pages.poses", "pages.pose"}
)


@dataclass(frozen=True)
class CachedPage:
    """A rendered page, its compressed copies, and the headers it was sent with."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    br: bytes = b""
    gzip: bytes = b""

    @classmethod
    def compressed(cls, status: int, headers: tuple[tuple[str, str], ...],
                   body: bytes) -> CachedPage:
        """Keep a page with its Brotli and gzip copies."""
        return cls(status, headers, body, brotli.compress(body, quality=9),
                   gzip.compress(body, compresslevel=9, mtime=0))

    @property
    def size(self) -> int:
        return len(self.body) + len(self.br) + len(self.gzip)

    def encoded(self, accepted: Any) -> tuple[bytes, str | None]:
        """Return the smallest copy the browser accepts, with its Content-Encoding."""
        if self.br and accepted["br"]:
            return self.br, "br"
        if self.gzip and accepted["gzip"]:
            return self.gzip, "gzip"
        return self.body, None


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

    @app.before_request
    def _cached_page() -> Any:
        # Registered after every other before_request step (auth's lifetime check included).
        if (
            request.method != "GET"
            or request.endpoint not in CACHED_ENDPOINTS
            or app.debug
            or "_flashes" in session
            or current_user.is_authenticated
        ):
            return None
        key = request.script_root + request.full_path
        page = cache.get(key)
        if page is not None:
            response = app.response_class(status=page.status, headers=list(page.headers))
            _send(response, page)
            return response
        g.limber_page_key = key
        return None

    @app.after_request
    def _keep_page(response: Any) -> Any:
        # Registered last, so it runs first: before the security headers are added.
        key = g.pop("limber_page_key", None)
        if (
            key is None
            or response.status_code != 200
            or response.mimetype != "text/html"
            or response.direct_passthrough
            or response.is_streamed
            # A page that made a session (a token, a message) is this visitor's own.
            or session.modified
        ):
            return response
        headers = tuple((k, v) for k, v in response.headers.items()
                        if k.lower() != "content-length")
        page = CachedPage.compressed(200, headers, response.get_data())
        cache.put(key, page)
        _send(response, page)
        return response


def _send(response: Any, page: CachedPage) -> None:
    body, encoding = page.encoded(request.accept_encodings)
    response.set_data(body)
    response.vary.add("Accept-Encoding")
    if encoding is not None:
        response.content_encoding = encoding
