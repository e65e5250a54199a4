"""Hostile input: content files, import documents, body sizes, time zones.

The streak code runs in every IANA zone, and malformed imports are refused whole. The hypothesis
tests here are marked `fuzz`: the everyday run draws a few hundred cases each, `make test-fuzz`
sets LIMBER_FUZZ_EXAMPLES=10000 (at least 10,000 content files and 10,000 import documents).
"""

from __future__ import annotations

import dataclasses
import gc
import io
import json
import math
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stretch_app.catalog import ContentError, load_catalog
from stretch_app.completions import local_date_of
from stretch_app.inputs import EARLIEST

from .helpers import FIXTURE_CONTENT, PASSWORD, completion_body, cramp_body, sign_up, snapshot
from .streak_reference import current_streak, longest_streak, summarise, weekly_streak

FUZZ_EXAMPLES = int(os.environ.get("LIMBER_FUZZ_EXAMPLES") or 0)
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES or 150,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None if FUZZ_EXAMPLES else settings.default.database,
)
SECONDS_PER_INPUT = 1.0

# ---- 12. content files ------------------------------------------------------------------------

ROUTINE = "calf-reset.toml"
POSE = "poses/standing-calf-stretch.toml"
PROBLEM_LINE = re.compile(
    r"^routines/(poses/)?[^/:\n]+\.toml: [^:\n]+: [^\n]+$|^routines: folder: [^\n]+$"
)
HIDDEN = ["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\x00", "\x1b", "\x7f"]
NASTY_TEXT = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "Calf\u200b reset",
              "\u202eteser flac", "A\u2066B", "tab\there", "new\nline", "", " ", "x" * 5000,
              "é" * 61, "\ufeffBOM inside", "&amp; <b>", "'; DROP TABLE users; --"]
NUMBERS = [0, -1, -30, 4, 5, 601, 10**6, 10**18, 2**63, -(2**63), math.nan, math.inf, -math.inf,
           0.5, 30.0, 1e308, -0.0]


@pytest.fixture(scope="module")
def content_root() -> Iterator[Path]:
    """A writable copy of the fixture content, with the pictures its poses need."""
    root = Path(tempfile.mkdtemp(prefix="limber-fuzz-"))
    shutil.copytree(FIXTURE_CONTENT, root / "routines")
    pictures = root / "static" / "poses"
    pictures.mkdir(parents=True)
    for pose in (root / "routines" / "poses").glob("*.toml"):
        (pictures / f"{pose.stem}.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    yield root
    shutil.rmtree(root, ignore_errors=True)


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """Write a value as TOML (inline forms only), including nan, inf and any text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(data: dict[str, Any], steps_as_tables: bool) -> str:
    lines = []
    tables = []
    for key, value in data.items():
        if (key == "steps" and steps_as_tables and isinstance(value, list)
                and all(isinstance(s, dict) for s in value)):
            tables = value
            continue
        lines.append(f"{toml_key(key)} = {toml_value(value)}")
    for step in tables:
        lines.append("\n[[steps]]")
        lines.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in step.items())
    return "\n".join(lines) + "\n"


def base_routine() -> dict[str, Any]:
    return {"title": "Quick calf reset",
            "summary": "Two minutes to loosen tight calves after sitting or standing.",
            "areas": ["legs"], "situations": ["after-sitting"], "level": "gentle",
            "prep_seconds": 5, "transition_seconds": 5,
            "steps": [{"pose": "standing-calf-stretch", "seconds": 30,
                       "note": "Keep the back heel down."}]}


def base_pose() -> dict[str, Any]:
    return {"name": "Standing calf stretch", "areas": ["legs"], "targets": ["calves"],
            "kind": "stretch", "position": "standing", "positions": ["standing"],
            "per_side": True, "hold_seconds": 30,
            "instructions": ["Face a wall and rest both hands on it.",
                             "Step one foot well back.", "Press the back heel down."],
            "cue": "Back heel down, lean in gently.",
            "cautions": ["Ease off if you feel pain behind the knee."],
            "easier": "Take a shorter step back.",
            "image_alt": "A person leaning into a wall with one leg stepped back."}


scalars = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=80),
    st.sampled_from(["legs", "back", "neck", "gentle", "moderate", "standing-calf-stretch",
                     "cat-cow", "no-such-pose", "after-sitting", "bedtime"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=6), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)


def with_hidden(text: str, data: st.DataObject) -> str:
    char = data.draw(st.sampled_from(HIDDEN + ["<", ">", "<script>"]))
    at = data.draw(st.integers(0, len(text)))
    return text[:at] + char + text[at:]


@st.composite
def content_files(draw: st.DrawFn) -> tuple[str, bytes, str | None]:
    """(which file, its bytes, the text field made unsafe if any) for a routine or pose."""
    target = draw(st.sampled_from([ROUTINE, POSE]))
    data = base_routine() if target == ROUTINE else base_pose()
    unsafe_field = None
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["set", "drop", "unknown", "hide", "steps", "number"]))
        fields = sorted(data)
        if action == "set" and fields:
            data[draw(st.sampled_from(fields))] = draw(values)
        elif action == "drop" and fields:
            data.pop(draw(st.sampled_from(fields)))
        elif action == "unknown":
            data[draw(st.text(min_size=1, max_size=20))] = draw(values)
        elif action == "hide":
            known = base_routine() if target == ROUTINE else base_pose()
            texts = [k for k, v in data.items() if isinstance(v, str) and k in known]
            if texts:
                field = draw(st.sampled_from(texts))
                data[field] = with_hidden(data[field], draw(st.data()))
                unsafe_field = field
        elif action == "number":
            numeric = ["prep_seconds", "transition_seconds"] if target == ROUTINE \
                else ["hold_seconds"]
            data[draw(st.sampled_from(numeric))] = draw(st.sampled_from(NUMBERS))
        elif action == "steps" and target == ROUTINE:
            step = st.fixed_dictionaries(
                {"pose": st.sampled_from(["standing-calf-stretch", "cat-cow", "nope", "<x>"])},
                optional={"seconds": st.one_of(st.sampled_from(NUMBERS), values),
                          "note": st.one_of(st.sampled_from(NASTY_TEXT), values)})
            data["steps"] = draw(st.lists(step, max_size=80))
    text = toml_document(data, steps_as_tables=draw(st.booleans()))
    raw = text.encode("utf-8", "surrogatepass")
    mangle = draw(st.sampled_from(["none"] * 6 + ["bom", "truncate", "insert", "utf16", "latin1",
                                                  "bad-utf8", "garbage", "empty"]))
    if mangle == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif mangle == "truncate":
        raw = raw[: draw(st.integers(0, max(0, len(raw) - 1)))]
    elif mangle == "insert":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    elif mangle == "utf16":
        raw = text.encode("utf-16", "surrogatepass")
    elif mangle == "latin1":
        raw = text.encode("latin-1", "replace")
    elif mangle == "bad-utf8":
        raw = raw + b"\xff\xfe\xc0\x80"
    elif mangle == "garbage":
        raw = draw(st.binary(max_size=300))
    elif mangle == "empty":
        raw = b""
    unsafe = None
    if unsafe_field is not None and mangle in ("none", "bom"):
        value = data.get(unsafe_field)
        if isinstance(value, str) and any(c in value for c in [*HIDDEN, "<", ">"]):
            unsafe = unsafe_field
    return target, raw, unsafe


def load_timed(root: Path) -> tuple[Any, float]:
    """Load the catalog; return the outcome and the time it took. Garbage collection is held
    off while timing, and a slow load is timed once more (the faster counts), so that a busy
    machine or the collector walking hypothesis's own data does not pass for a slow input."""
    best = math.inf
    result: Any = None
    for _ in range(2):
        gc.disable()
        started = time.perf_counter()
        try:
            result = load_catalog(root / "routines", root / "static")
        except ContentError as exc:
            result = exc
        finally:
            elapsed = time.perf_counter() - started
            gc.enable()
        best = min(best, elapsed)
        if best < SECONDS_PER_INPUT:
            break
    return result, best


def assert_clear_problems(error: ContentError) -> None:
    assert error.problems, "a ContentError lists its problems"
    for line in error.problems:
        assert PROBLEM_LINE.match(line), repr(line)
        assert len(line) < 600, line[:200]


def assert_safe_text(catalog: Any) -> None:
    """Whatever loads can be shown: no markup, no invisible or control characters."""
    for item in [*catalog.routines.values(), *catalog.poses.values()]:
        for field in dataclasses.fields(item):
            value = getattr(item, field.name)
            for text in value if isinstance(value, tuple) else [value]:
                if isinstance(text, str):
                    assert "<" not in text and ">" not in text, (field.name, text)
                    assert not any(ch in text for ch in HIDDEN), (field.name, text)


@pytest.mark.fuzz
@FUZZ
@given(case=content_files())
@example(case=(ROUTINE, toml_document({**base_routine(), "prep_seconds": math.nan}, True), None))
@example(case=(POSE, b"\xef\xbb\xbf" + toml_document(base_pose(), True).encode(), None))
def test_content_files_give_a_clear_error_or_load(content_root: Path,
                                                  case: tuple[str, Any, str | None]) -> None:
    """any routine or pose file → a ContentError of `path: field: message`
    lines, or a catalog whose text is safe to show; never another exception, never > 1 s."""
    target, raw, unsafe_field = case
    for name in (ROUTINE, POSE):
        shutil.copyfile(FIXTURE_CONTENT / name, content_root / "routines" / name)
    (content_root / "routines" / target).write_bytes(raw if isinstance(raw, bytes)
                                                     else raw.encode())
    result, seconds = load_timed(content_root)
    assert seconds < SECONDS_PER_INPUT, f"{seconds:.2f} s"
    if isinstance(result, ContentError):
        assert_clear_problems(result)
        readable = not any(": toml: " in p or ": file: " in p for p in result.problems)
        if unsafe_field is not None and readable:
            assert any(f": {unsafe_field}: " in p for p in result.problems), result.problems
    else:
        assert unsafe_field is None
        assert_safe_text(result)


@pytest.mark.parametrize("steps", [10**6, 9_000])
def test_a_million_steps_or_just_under_the_size_cap(content_root: Path, steps: int) -> None:
    """10^6 steps hit the file-size cap at once; thousands of steps under the
    cap are one clear `steps` error, quickly."""
    for name in (ROUTINE, POSE):
        shutil.copyfile(FIXTURE_CONTENT / name, content_root / "routines" / name)
    head = (FIXTURE_CONTENT / ROUTINE).read_text().split("[[steps]]")[0]
    text = head + "steps = [" + ", ".join(['{pose="cat-cow"}'] * steps) + "]\n"
    (content_root / "routines" / ROUTINE).write_text(text)
    result, seconds = load_timed(content_root)
    assert seconds < SECONDS_PER_INPUT
    assert isinstance(result, ContentError)
    assert_clear_problems(result)
    expected = "file: larger than" if steps == 10**6 else "steps: List should have at most"
    assert any(expected in p for p in result.problems), result.problems[:3]
    assert len(result.problems) <= 5


def test_names_are_escaped_when_rendered(app: Flask, client: FlaskClient) -> None:
    """even a name that slipped past validation is shown as text, never as
    markup, on every page and in the player's data block."""
    catalog = app.extensions["limber_catalog"]
    evil = "<script>alert(1)</script>&\"'"
    routine = next(iter(catalog.routines.values()))
    pose = catalog.poses[routine.steps[0].pose_id]
    routines = {**catalog.routines, routine.slug: dataclasses.replace(
        routine, title=evil, summary=evil)}
    poses = {**catalog.poses, pose.id: dataclasses.replace(pose, name=evil, cue=evil,
                                                          image_alt=evil)}
    app.extensions["limber_catalog"] = dataclasses.replace(catalog, routines=routines,
                                                           poses=poses)
    app.extensions["limber_catalogs"]["en"] = app.extensions["limber_catalog"]
    sign_up(client)
    pages = ["/", "/routines", f"/routines/{routine.slug}", f"/routines/{routine.slug}/play",
             f"/poses/{pose.id}", "/poses", "/cramp-now", "/guide"]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html, path
    play = client.get(f"/routines/{routine.slug}/play").get_data(as_text=True)
    assert "\\u003cscript\\u003ealert" in play  # JSON in the page escapes < and >
    api = client.get(f"/api/routines/{routine.slug}").get_json()
    assert api["title"] == evil  # JSON carries the text as data


# ---- 12 and 24: import documents -------------------------------------------------------------


@pytest.fixture(scope="module")
def import_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for every fuzzed document (a fresh database per example would be far slower)."""
    from stretch_app import create_app
    from stretch_app.extensions import db

    from .helpers import make_config

    tmp = tmp_path_factory.mktemp("import-fuzz")
    memory = Path("/dev/shm")  # thousands of commits: keep the fuzzed database in memory
    database = Path(tempfile.mkdtemp(prefix="limber-import-fuzz-", dir=memory)) \
        if memory.is_dir() and os.access(memory, os.W_OK) else tmp
    previous = os.environ.get("LIMBER_INSTANCE_PATH")
    os.environ["LIMBER_INSTANCE_PATH"] = str(tmp / "instance")
    try:
        app = create_app(make_config(
            tmp, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database / 'fuzz.db'}"))
    finally:
        if previous is None:
            os.environ.pop("LIMBER_INSTANCE_PATH", None)
        else:
            os.environ["LIMBER_INSTANCE_PATH"] = previous
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if database != tmp:
        shutil.rmtree(database, ignore_errors=True)


@pytest.fixture(scope="module")
def importer(import_app: Flask) -> tuple[FlaskClient, dict[str, Any]]:
    """A signed-in client and a valid export document of someone else's (new ids for it)."""
    source = import_app.test_client()
    sign_up(source, "source")
    for finished in (True, False):
        response = source.post("/api/completions",
                               json=completion_body(finished=finished, steps_done=1))
        assert response.status_code == 201
    source.post("/history/days-off", data={"day": "2026-01-05", "kind": "rest"})
    source.post("/api/cramps", json=cramp_body(id=str(uuid.uuid4())))
    doc = source.get("/api/export").get_json()
    client = import_app.test_client()
    sign_up(client, "importer")
    return client, doc


def mutate(doc: Any, data: st.DataObject, depth: int = 0) -> Any:
    """A random structural change somewhere in a JSON document."""
    if isinstance(doc, dict) and doc and depth < 4 and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(doc)))
        return {**doc, key: mutate(doc[key], data, depth + 1)}
    if isinstance(doc, list) and doc and depth < 4 and data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(doc) - 1))
        return [*doc[:at], mutate(doc[at], data, depth + 1), *doc[at + 1:]]
    choice = data.draw(st.sampled_from(["replace", "drop", "extra", "duplicate", "keep"]))
    if choice == "replace":
        return data.draw(st.one_of(values, st.sampled_from(
            ["Mars/Olympus", "../../etc/passwd", "UTC\x00", "9999-12-31T23:59:59-14:00",
             "0001-01-01T00:00:00+14:00", "2026-02-30", "2026-W05-1", "1764000000",
             str(uuid.uuid4()), None, [], {}, -1, 2**63, 1e308])))
    if choice == "drop" and isinstance(doc, dict) and doc:
        key = data.draw(st.sampled_from(sorted(doc)))
        return {k: v for k, v in doc.items() if k != key}
    if choice == "extra" and isinstance(doc, dict):
        return {**doc, data.draw(st.sampled_from(["user_id", "id", "created_at", "streak",
                                                  "x"])): data.draw(values)}
    if choice == "duplicate" and isinstance(doc, list):
        return doc + doc
    return doc


@st.composite
def import_bodies(draw: st.DrawFn, doc: dict[str, Any]) -> tuple[bytes, str]:
    data = draw(st.data())
    fresh = json.loads(json.dumps(doc))
    for item in fresh["completions"] + fresh["cramps"]:
        item["id"] = str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)), version=4))
    for _ in range(draw(st.integers(0, 3))):
        fresh = mutate(fresh, data)
    text = json.dumps(fresh, ensure_ascii=draw(st.booleans()), allow_nan=True)
    raw = text.encode("utf-8", "surrogatepass")
    mangle = draw(st.sampled_from(["none"] * 5 + ["truncate", "bom", "bad-utf8", "garbage",
                                                  "deep", "insert"]))
    if mangle == "truncate":
        raw = raw[: draw(st.integers(0, max(0, len(raw) - 1)))]
    elif mangle == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif mangle == "bad-utf8":
        raw = raw[:10] + b"\xff\xc0" + raw[10:]
    elif mangle == "garbage":
        raw = draw(st.binary(max_size=200))
    elif mangle == "deep":
        depth = draw(st.integers(1, 50_000))
        raw = b"[" * depth + b"]" * depth
    elif mangle == "insert":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=6)) + raw[at:]
    content_type = draw(st.sampled_from(["application/json"] * 8 + ["text/plain",
                                                                     "application/json; x=1"]))
    return raw, content_type


def fingerprint(app: Flask) -> list[Any]:
    """Rows per table, the highest id of each, and the user rows: what an import could change
    (it only inserts, besides settings and the rebuilt streak runs), cheap however big the
    database grows over thousands of examples."""
    from sqlalchemy import func, select

    from stretch_app.extensions import db
    from stretch_app.models import User

    with app.app_context():
        out: list[Any] = []
        for table in db.metadata.sorted_tables:
            key = next(iter(table.primary_key.columns))
            out.append(tuple(db.session.execute(
                select(func.count(), func.max(key)).select_from(table)).one()))
        out.append([tuple(r) for r in db.session.execute(
            select(User.__table__).order_by(User.id)).all()])
        db.session.rollback()
        return out


@pytest.mark.fuzz
@FUZZ
@given(data=st.data())
def test_import_documents_are_all_or_nothing(import_app: Flask,
                                             importer: tuple[FlaskClient, dict[str, Any]],
                                             data: st.DataObject) -> None:
    """any document (malformed, truncated, garbage, nested) → 200,
    or 400/413/422 with nothing written; a 200 imported twice adds nothing; never a 500."""
    client, doc = importer
    raw, content_type = data.draw(import_bodies(doc))
    before = fingerprint(import_app)
    started = time.perf_counter()
    response = client.post("/api/import", data=raw, content_type=content_type)
    # A loose bound (the 1 s rule is for content files): this guards against pathological
    # parsing, not against a busy machine.
    assert time.perf_counter() - started < 5
    assert response.status_code in (200, 400, 413, 415, 422), (response.status_code,
                                                          response.get_data()[:300])
    error = response.get_json()
    if response.status_code != 200:
        assert set(error) == {"error"} and error["error"]["code"] and error["error"]["message"]
        assert fingerprint(import_app) == before
    else:
        after = fingerprint(import_app)
        again = client.post("/api/import", data=raw, content_type=content_type)
        assert again.status_code == 200
        assert fingerprint(import_app) == after


def test_oversized_and_huge_import_documents(app: Flask, user_client: FlaskClient) -> None:
    """over 16 MiB → 413; too many items or nesting → 422; nothing
    written either way."""
    doc = user_client.get("/api/export").get_json()
    before = snapshot(app)
    many = {**doc, "days_off": [{"day": "2026-01-05", "kind": "rest"}] * 50_001}
    response = user_client.post("/api/import", json=many)
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "days_off"
    deep = b"[" * 500_000 + b"]" * 500_000  # 1 MB of nesting, under the 16 MiB import limit
    response = user_client.post("/api/import", data=deep, content_type="application/json")
    assert response.status_code == 422
    huge = b'{"format": "limber-export", "note": "' + b"x" * (16 * 1024 * 1024) + b'"}'
    response = user_client.post("/api/import", data=huge, content_type="application/json")
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
    assert snapshot(app) == before


# ---- 14. body limits ---------------------------------------------------------------------------

OVER_LIMIT = 1024 * 1024 + 1


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/api/completions"), ("POST", "/api/cramps"), ("PUT", "/api/cramps/1"),
])
def test_json_bodies_over_the_limit_are_413_json(app: Flask, user_client: FlaskClient,
                                                 method: str, path: str) -> None:
    """more than MAX_CONTENT_LENGTH → 413 as a JSON error, nothing written."""
    user_client.post("/api/cramps", json=cramp_body())
    before = snapshot(app)
    response = user_client.open(path, method=method, data=b"{" + b" " * OVER_LIMIT + b"}",
                                content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert snapshot(app) == before


@pytest.mark.parametrize("path", ["/signup", "/login", "/settings", "/diary/new",
                                  "/history/days-off", "/settings/password"])
def test_form_bodies_over_the_limit_are_413(app: Flask, path: str) -> None:
    """forms too: a 413 page, nothing written."""
    member = app.test_client()  # not a `with` client: its request context would linger
    sign_up(member)
    before = snapshot(app)
    # Signed in, /signup and /login only redirect: a guest is the one who posts them.
    client = app.test_client() if path in ("/signup", "/login") else member
    response = client.post(path, data={"note": "x" * OVER_LIMIT, "login": "sam",
                                       "password": PASSWORD, "time_zone": "UTC"})
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert snapshot(app) == before


def send_chunked(client: FlaskClient, method: str, path: str, raw: bytes,
                 content_type: str) -> Any:
    """Send raw with Transfer-Encoding: chunked and no Content-Length, as a server passes it."""
    return client.open(path, method=method, input_stream=io.BytesIO(raw),
                       content_type=content_type, headers={"Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True})


def padded_to(document: bytes, limit: int, extra: int) -> bytes:
    """Return document padded with spaces to exactly limit bytes, then extra bytes beyond."""
    return document + b" " * (limit - len(document)) + b"x" * extra


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/api/cramps"), ("PUT", "/api/cramps/1"), ("POST", "/api/completions"),
])
def test_chunked_json_bodies_over_the_limit_are_413(app: Flask, user_client: FlaskClient,
                                                    method: str, path: str) -> None:
    """a chunked body is cut at the limit by Werkzeug; its first MiB being a
    valid request must not make the whole of it one: 413 and nothing written."""
    user_client.post("/api/cramps", json=cramp_body())
    before = snapshot(app)
    document = json.dumps(completion_body() if "completions" in path
                          else cramp_body(note="chunked")).encode()
    response = send_chunked(user_client, method, path, padded_to(document, OVER_LIMIT - 1,
                                                                 OVER_LIMIT),
                            "application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert snapshot(app) == before


def test_chunked_bodies_within_the_limit_still_work(app: Flask,
                                                    user_client: FlaskClient) -> None:
    """the same framing under the limit, exactly at it too, is read whole."""
    response = send_chunked(user_client, "POST", "/api/cramps",
                            json.dumps(cramp_body(note="small")).encode(), "application/json")
    assert response.status_code == 201
    assert response.get_json()["note"] == "small"
    exact = padded_to(json.dumps(cramp_body(note="exact")).encode(), OVER_LIMIT - 1, 0)
    response = send_chunked(user_client, "POST", "/api/cramps", exact, "application/json")
    assert response.status_code == 201 and response.get_json()["note"] == "exact"
    response = send_chunked(user_client, "POST", "/diary/new",
                            b"occurred_at=2025-07-01T00%3A30&location=calf&strength=6",
                            "application/x-www-form-urlencoded")
    assert response.status_code == 303 and "/diary/" in response.headers["Location"]


def test_chunked_forms_and_imports_over_the_limit_are_413(app: Flask,
                                                          user_client: FlaskClient) -> None:
    """a chunked form over 1 MiB or import over 16 MiB is
    refused whole (413), not cut to a shorter body that parses."""
    doc = user_client.get("/api/export").get_json()
    user_client.post("/api/cramps", json=cramp_body())
    before = snapshot(app)
    form = b"occurred_at=2025-07-01T00%3A30&location=calf&strength=6&pad="
    response = send_chunked(user_client, "POST", "/diary/new",
                            form + b"x" * (2 * OVER_LIMIT), "application/x-www-form-urlencoded")
    assert response.status_code == 413 and response.mimetype == "text/html"
    doc["days_off"] = [{"day": "2026-01-05", "kind": "rest"}]
    limit = app.config["MAX_IMPORT_LENGTH"]
    response = send_chunked(user_client, "POST", "/api/import",
                            padded_to(json.dumps(doc).encode(), limit, 1), "application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert snapshot(app) == before


def test_diary_text_over_its_own_limit_is_422(app: Flask, user_client: FlaskClient) -> None:
    """a diary note is at most 500 characters, in the API and in the form."""
    before = snapshot(app)
    response = user_client.post("/api/cramps", json=cramp_body(note="x" * 1001))
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "note"
    response = user_client.post("/api/cramps", json=cramp_body(note="x" * 600))
    assert response.status_code == 422
    response = user_client.post("/diary/new", data={"occurred_at": "2025-07-01T00:30",
                                                    "location": "calf", "strength": "6",
                                                    "note": "x" * 600})
    assert response.status_code == 422
    assert snapshot(app) == before


def test_deeply_nested_json_is_refused_not_a_crash(app: Flask, user_client: FlaskClient) -> None:
    """nesting far beyond Python's recursion limit, under the size limit,
    is an unreadable body (400) rather than a 500."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    for raw in (b"[" * 200_000 + b"]" * 200_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000):
        for method, path in (("POST", "/api/completions"), ("POST", "/api/cramps")):
            response = user_client.open(path, method=method, data=raw,
                                        content_type="application/json")
            assert response.status_code == 400, (path, response.status_code)
            assert response.get_json()["error"]["code"] == "bad_json"


# ---- 15. time zones ----------------------------------------------------------------------------

BAD_ZONE_TEXT = ["", "Mars/Olympus", "../../etc/passwd", "Europe/London\x00", "\x00", "A" * 300,
                 "utc", " UTC", "UTC ", "Europe/../Europe/Paris", "/etc/localtime",
                 "Europe\\London", "posixrules/../UTC", "📅"]
BAD_ZONE_VALUES: list[Any] = [*BAD_ZONE_TEXT, 42, 1.5, None, True, ["UTC"], {"name": "UTC"}]


def completion_doc(zone: Any) -> dict[str, Any]:
    item = completion_body(time_zone=zone)
    return {**item, "routine_title": "Quick calf reset",
            "local_date": datetime.fromisoformat(item["started_at"]).date().isoformat()}


def test_bad_zones_are_422_on_every_json_endpoint(app: Flask, user_client: FlaskClient) -> None:
    """completions, cramps (POST and PUT) and import (settings, completions
    and diary entries) answer 422 naming the zone field for every bad zone; nothing written."""
    entry = user_client.post("/api/cramps", json=cramp_body()).get_json()["id"]
    doc = user_client.get("/api/export").get_json()
    before = snapshot(app)
    for zone in BAD_ZONE_VALUES:
        calls = [
            ("POST", "/api/completions", completion_body(time_zone=zone), "time_zone"),
            ("POST", "/api/cramps", cramp_body(time_zone=zone), "time_zone"),
            ("PUT", f"/api/cramps/{entry}", cramp_body(time_zone=zone), "time_zone"),
            ("POST", "/api/import", {**doc, "settings": {**doc["settings"], "time_zone": zone}},
             "settings.time_zone"),
            ("POST", "/api/import", {**doc, "completions": [completion_doc(zone)]},
             "completions.0.time_zone"),
            ("POST", "/api/import", {**doc, "cramps": [cramp_body(id=str(uuid.uuid4()),
                                                                  time_zone=zone)]},
             "cramps[0].time_zone"),
        ]
        for method, path, body, field in calls:
            response = user_client.open(path, method=method, json=body)
            assert response.status_code == 422, (zone, path, field, response.get_json())
            assert response.get_json()["error"]["field"] == field, (zone, path)
    assert snapshot(app) == before


def test_bad_zones_are_422_on_every_form(app: Flask) -> None:
    """the sign-up and settings forms refuse them too (422, nothing saved)."""
    member = app.test_client()  # not a `with` client: its request context would linger
    sign_up(member)
    before = snapshot(app)
    for zone in BAD_ZONE_TEXT:
        response = member.post("/settings", data={"time_zone": zone, "weekly_goal": "3"})
        assert response.status_code == 422, zone
        response = app.test_client().post("/signup", data={"login": "newcomer",
                                                           "password": PASSWORD,
                                                           "time_zone": zone})
        assert response.status_code == 422, zone
        if zone.strip():
            assert "Choose a time zone" in response.get_data(as_text=True), zone
    assert snapshot(app) == before


ALL_ZONES = sorted(available_timezones())
AWKWARD_INSTANTS = [
    EARLIEST, datetime(2000, 1, 1, 0, 0, 1, tzinfo=UTC), datetime(2007, 3, 11, 7, 0, tzinfo=UTC),
    datetime(2011, 12, 29, 10, 0, tzinfo=UTC),  # Samoa skipped 30 December 2011
    datetime(2025, 3, 9, 7, 0, tzinfo=UTC), datetime(2025, 11, 2, 5, 30, tzinfo=UTC),
    datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC), datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC),
]


def test_streak_code_never_raises_in_any_iana_zone() -> None:
    """for every IANA zone, at awkward instants (transitions, skipped days,
    2038, the ends of the accepted range), local dates and every streak figure compute."""
    assert len(ALL_ZONES) > 400
    for zone_name in ALL_ZONES:
        days = set()
        for moment in AWKWARD_INSTANTS:
            day = local_date_of(moment, zone_name)
            assert abs((day - moment.date()).days) <= 1
            days.add(day)
        for today in sorted(days):
            current = current_streak(days, set(), today)
            assert current <= longest_streak(days, {today + timedelta(days=1)}) <= len(days)
            assert weekly_streak(days, set(), 3, today) <= len(days)
            assert summarise(days, set(), 7, today).today_active == (today in days)


@pytest.mark.fuzz
@settings(max_examples=FUZZ_EXAMPLES or 300, deadline=None)
@given(zone_name=st.sampled_from(ALL_ZONES),
       moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                           timezones=st.just(UTC)),
       offsets=st.sets(st.integers(-400, 400), max_size=40),
       off=st.sets(st.integers(-400, 400), max_size=10), goal=st.integers(1, 7))
def test_streaks_never_raise_for_any_zone_and_instant(zone_name: str, moment: datetime,
                                                      offsets: set[int], off: set[int],
                                                      goal: int) -> None:
    """any zone, any instant the app accepts, any history around it."""
    today = local_date_of(moment, zone_name)
    active = {today + timedelta(days=i) for i in offsets}
    rest = {today + timedelta(days=i) for i in off}
    s = summarise(active, rest, goal, today)
    assert 0 <= s.current_streak <= s.longest_streak <= len(active)


@pytest.mark.parametrize("zone_name", ["Pacific/Kiritimati", "Etc/GMT+12", "Australia/Lord_Howe",
                                       "Antarctica/Troll"])
def test_stats_and_pages_work_in_extreme_zones(app: Flask, client: FlaskClient,
                                               zone_name: str) -> None:
    """a user living in an extreme zone, with sessions recorded in another,
    gets stats, history and the diary summary (no 500 from a date at the edge)."""
    sign_up(client, time_zone=zone_name)
    now = datetime.now(UTC)
    for days, zone in ((0, zone_name), (1, "Pacific/Kiritimati"), (2, "Etc/GMT+12")):
        start = now - timedelta(days=days, minutes=10)
        response = client.post("/api/completions", json=completion_body(
            started_at=start.isoformat(), ended_at=(start + timedelta(minutes=1)).isoformat(),
            time_zone=zone, seconds_done=60))
        assert response.status_code == 201
    for path in ("/api/stats", "/history", "/", "/diary/summary", "/diary/patterns",
                 "/api/export", f"/diary/summary?to={date(2000, 1, 1)}",
                 "/diary/summary?to=0001-01-01"):
        response = client.get(path)
        assert response.status_code in (200, 422), (path, response.status_code)
    assert client.get("/api/stats").get_json()["current_streak"] >= 1


def test_arrival_order_does_not_change_the_streaks(app: Flask) -> None:
    """through the API, where runs are
    updated as each session arrives, the same sessions in shuffled order, with retries, give
    the same figures: DST days in New York at awkward local times, and Tokyo → Los Angeles."""
    import random
    from datetime import time as clock_time
    from zoneinfo import ZoneInfo

    def at(day: date, clock: clock_time, zone: str) -> datetime:
        return datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(UTC)

    sessions = []
    for first in (date(2025, 3, 6), date(2025, 10, 30)):  # 7 days around each change
        clocks = [clock_time(0, 0, 1), clock_time(23, 59, 59), clock_time(2, 30),
                  clock_time(1, 30, fold=1)]
        for i in range(7):
            sessions.append((at(first + timedelta(days=i), clocks[i % 4], "America/New_York"),
                             "America/New_York"))
    for i in range(5):
        sessions.append((at(date(2026, 3, 1) + timedelta(days=i), clock_time(21), "Asia/Tokyo"),
                         "Asia/Tokyo"))
        sessions.append((at(date(2026, 3, 6) + timedelta(days=i), clock_time(20),
                            "America/Los_Angeles"), "America/Los_Angeles"))
    bodies = [completion_body(id=str(uuid.UUID(int=n + 1)), started_at=start.isoformat(),
                              ended_at=(start + timedelta(minutes=1)).isoformat(),
                              time_zone=zone, seconds_done=60)
              for n, (start, zone) in enumerate(sessions)]
    figures = []
    retried = random.Random(7).sample(bodies * 2, len(bodies) * 2)  # shuffled, each sent twice
    for name, order in (("ordered", bodies), ("shuffled", retried)):
        client = app.test_client()
        sign_up(client, name, time_zone="America/New_York")
        for body in order:
            assert client.post("/api/completions", json=body).status_code in (200, 201)
        stats = client.get("/api/stats").get_json()
        figures.append({k: stats[k] for k in ("longest_streak", "total_finished",
                                              "total_minutes", "weekly_streak")})
    assert figures[0] == figures[1]
    assert figures[0]["longest_streak"] == 10 and figures[0]["total_finished"] == len(bodies)
