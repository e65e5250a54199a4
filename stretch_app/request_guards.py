"""Request guards: the body limit whatever the framing, and a note of what was saved."""

from __future__ import annotations

import io

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import RequestEntityTooLarge

_READ_SIZE = 64 * 1024


def read_body_within_limit() -> None:
    """Refuse a body over the request's limit, however it is framed, before anything reads it."""
    limit = request.max_content_length
    # A declared Content-Length over the limit is refused by Werkzeug itself; a server that
    # does not end the stream (no wsgi.input_terminated) gives the app no body at all.
    if (
        limit is None
        or request.content_length is not None
        or not request.environ.get("wsgi.input_terminated")
    ):
        return
    # Werkzeug stops a chunked body at the limit without an error, and the cut body may
    # still parse: read one byte more to tell "exactly the limit" from "over it".
    stream = request.input_stream
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        part = stream.read(min(_READ_SIZE, limit + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size > limit:
        raise RequestEntityTooLarge()
    # The whole body, already in memory: every later reader (forms, JSON, CSRF) gets it.
    request.environ["wsgi.input"] = io.BytesIO(b"".join(parts))


@event.listens_for(Engine, "commit")
def _note_commit(_connection: object) -> None:
    """Note that this request saved something, for the error page's words."""
    if has_request_context():
        g.limber_saved = True


def saved_during_request() -> bool:
    """Tell whether a transaction was committed while handling this request."""
    return bool(g.get("limber_saved"))
