"""A minimal HTTP client for loopback set-up: sign in, keep cookies, fetch a CSRF token."""

from __future__ import annotations

import http.client
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

META_CSRF = re.compile(r'<meta\s+name="csrf-token"\s+content="([^"]+)"'
                       r'|name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Session:
    """Cookies kept by hand: the server is plain HTTP on loopback, Secure flags are moot."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 30.0

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            sent = dict(headers or {})
            if self.cookies:
                sent["Cookie"] = self.cookie_header()
            conn.request(method, path, body=body, headers=sent)
            resp = conn.getresponse()
            data = resp.read()
            for line in resp.headers.get_all("Set-Cookie") or []:
                self._keep(line)
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()

    def _keep(self, line: str) -> None:
        pair = line.split(";", 1)[0]
        name, _, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        expired = "max-age=0" in line.lower() or "expires=thu, 01 jan 1970" in line.lower()
        if not value or expired:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> Reply:
        return self.request("POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})


def page_csrf(html: bytes) -> str:
    """Return the CSRF token a page carries: its meta tag, or its form's hidden field."""
    found = META_CSRF.search(html.decode("utf-8", "replace"))
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1) or found.group(2)


def sign_in(host: str, port: int, login: str, password: str) -> tuple[Session, str]:
    """Sign in through the real form; return the session and a CSRF token for JSON posts."""
    s = Session(host, port)
    page = s.get("/login")
    if page.status != 200:
        raise RuntimeError(f"GET /login answered {page.status}")
    done = s.post_form("/login", {"login": login, "password": password,
                                  "csrf_token": page_csrf(page.body)})
    if done.status not in (302, 303):
        raise RuntimeError(f"signing in as {login} answered {done.status}, not a redirect")
    token = s.get("/api/csrf")
    if token.status != 200:
        raise RuntimeError(f"GET /api/csrf answered {token.status}")
    return s, token.json()["csrf_token"]
