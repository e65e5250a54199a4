"""Access control: object ownership built from the URL map, mass assignment, read-only GETs.

The 400-without-token half of read-only GETs is in tests/test_csrf.py.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from stretch_app.custom.models import CustomRoutine
from stretch_app.extensions import db
from stretch_app.models import Completion, CrampEntry, DayOff, User
from stretch_app.reminders.models import Reminder

from .helpers import PASSWORD, completion_body, cramp_body, sign_up, snapshot

SECRET = "bee-secret-note"  # only B ever writes this; A must never see it
B_DAY_OFF = "2026-01-05"


def diary_form(**change: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"occurred_at": "2025-07-01T00:30", "location": "calf",
                            "strength": "6", "duration_minutes": "3",
                            "triggers": ["night"], "note": "from the form"}
    data.update(change)
    return data


@dataclass
class World:
    """Two users with data: A (the attacker, signed in on `a`) and B (the owner)."""

    app: Flask
    a: FlaskClient
    b: FlaskClient
    a_id: int
    b_id: int
    b_entry: int  # B's cramp entry made through the API
    b_form_entry: int  # B's entry made through the diary form
    a_entry: int


def user_id(app: Flask, login: str) -> int:
    with app.app_context():
        return db.session.execute(select(User.id).where(User.login == login)).scalar_one()


def digest(snap: dict[str, list[tuple[Any, ...]]]) -> str:
    return hashlib.sha256(repr(sorted(snap.items())).encode()).hexdigest()


def rows_of(app: Flask, uid: int) -> dict[str, list[tuple[Any, ...]]]:
    """The rows one user owns (and their user row)."""
    snap = snapshot(app)
    with app.app_context():
        out = {}
        for table in db.metadata.sorted_tables:
            key = "id" if table.name == "users" else "user_id"
            if key not in table.columns:
                continue
            position = list(table.columns.keys()).index(key)
            out[table.name] = [r for r in snap[table.name] if r[position] == uid]
        return out


@pytest.fixture
def world(app: Flask) -> World:
    b = app.test_client()
    sign_up(b, "bee")
    assert b.post("/api/completions", json=completion_body()).status_code == 201
    created = b.post("/api/cramps", json=cramp_body(note=SECRET))
    assert created.status_code == 201
    assert b.post("/diary/new", data=diary_form(note=SECRET)).status_code == 303
    assert b.post("/history/days-off", data={"day": B_DAY_OFF, "kind": "sick"}).status_code == 303
    reminder = b.post("/api/reminders", json={"days": [1], "time": "21:30"}).get_json()
    assert b.post(f"/api/reminders/{reminder['id']}/feed").status_code == 201
    own = b.post("/api/my-routines", json={"title": "Bee's list", "note": SECRET,
                                           "steps": [{"pose": "cat-cow"}]})
    assert own.status_code == 201
    a = app.test_client()
    sign_up(a, "ann")
    mine = a.post("/api/cramps", json=cramp_body(note="ann's own")).get_json()
    a.get("/")  # shows (and so clears) the welcome message
    b_id = user_id(app, "bee")
    with app.app_context():
        b_entries = db.session.execute(
            select(CrampEntry.id).where(CrampEntry.user_id == b_id).order_by(CrampEntry.id)
        ).scalars().all()
    return World(app, a, b, user_id(app, "ann"), b_id, b_entries[0], b_entries[1], mine["id"])


# ---- 1. IDOR matrix ----------------------------------------------------------------------------


def b_reminder(w: World) -> dict[str, Any]:
    """B's reminder, as the rules' parameter."""
    with w.app.app_context():
        return {"reminder_id": db.session.execute(
            select(Reminder.id).where(Reminder.user_id == w.b_id)).scalar_one()}


def b_routine(w: World) -> dict[str, Any]:
    """B's own routine, as the rules' parameter."""
    with w.app.app_context():
        return {"routine_id": db.session.execute(
            select(CustomRoutine.id).where(CustomRoutine.user_id == w.b_id)).scalar_one()}


CUSTOM_RULES = (
    "custom_api.get_routine", "custom_api.replace_routine", "custom_api.delete_routine",
    "custom_api.share_routine", "custom_api.unshare_routine", "custom.edit_routine",
    "custom.delete_routine", "custom.share",
)

REMINDER_RULES = (
    "reminders.replace_reminder", "reminders.delete_reminder", "reminders.make_feed",
    "reminders.revoke_feed", "reminders.calendar_file", "reminder_pages.edit",
    "reminder_pages.delete", "reminder_pages.switch", "reminder_pages.make_feed",
    "reminder_pages.revoke_feed",
)

# Every URL rule with a parameter is listed here, either as naming a user's object (and then
# how to fill it with one of B's, and a body that would succeed for the owner) or as public
# catalog content. A new rule with a parameter that is in neither list fails the test below.
OWNED: dict[str, Callable[[World], dict[str, Any]]] = {
    "diary.show": lambda w: {"entry_id": w.b_form_entry},
    "diary.edit": lambda w: {"entry_id": w.b_form_entry},
    "diary.delete": lambda w: {"entry_id": w.b_form_entry},
    "diary.api_entry": lambda w: {"entry_id": w.b_entry},
    "history.unmark_day_off": lambda w: {"day": B_DAY_OFF},
    **{rule: b_reminder for rule in REMINDER_RULES},
    **{rule: b_routine for rule in CUSTOM_RULES},
}
# The same rules pointing at nothing at all: A must not be able to tell the two apart.
MISSING: dict[str, dict[str, Any]] = {
    "diary.show": {"entry_id": 987654},
    "diary.edit": {"entry_id": 987654},
    "diary.delete": {"entry_id": 987654},
    "diary.api_entry": {"entry_id": 987654},
    "history.unmark_day_off": {"day": "2026-01-06"},
    **{rule: {"reminder_id": 987654} for rule in REMINDER_RULES},
    **{rule: {"routine_id": 987654} for rule in CUSTOM_RULES},
}
PUBLIC = {
    "pages.routine": "built-in routine content, the same for everyone",
    "pages.play": "built-in routine content, the same for everyone",
    "printing.card": "built-in routine content, the same for everyone",
    "pages.pose": "built-in pose content, the same for everyone",
    "api.routine": "built-in routine content, the same for everyone",
    "reminders.feed": "a private link: whoever holds its unguessable token reads that schedule",
    "reminder_pages.add_preset": "the name of a built-in suggestion, the same for everyone",
    "custom.save_copy": "copies a routine only when this visitor may see it (find_routine)",
    "plans.plan_page": "plan content, the same for everyone",
    "plans.start": "plan content, the same for everyone",
    "plans.change": "an action on the visitor's own plan: there is no id to point elsewhere",
    "plans_api.get_plan": "plan content, the same for everyone",
}


def request_kwargs(method: str, path: str) -> dict[str, Any]:
    """A body that the owner's request would succeed with."""
    if method in ("GET", "HEAD", "DELETE"):
        return {}
    if path.startswith("/api/"):
        return {"json": cramp_body(strength=1, note="overwritten by ann")}
    return {"data": diary_form(strength="1", note="overwritten by ann")}


def page_text(response: Any) -> str:
    """A response's body without its per-request CSRF token and the address it was asked at.

    The language switch sends the visitor back to the address they asked for, which differs
    between the two requests compared but tells nothing the visitor did not type.
    """
    return re.sub(r'(name="csrf-token" content|name="csrf_token" value|name="next" value)'
                  r'="[^"]*"', "", response.get_data(as_text=True))


def fill(rule: Any, values: dict[str, Any]) -> str:
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
    assert "<" not in path, path
    return path


def test_every_rule_with_a_parameter_is_in_the_matrix(app: Flask) -> None:
    """a new route with an id or a date must be added to OWNED or PUBLIC."""
    with_arguments = {r.endpoint for r in app.url_map.iter_rules() if r.arguments}
    unlisted = with_arguments - set(OWNED) - set(PUBLIC)
    assert not unlisted, f"add these routes to the IDOR matrix (OWNED or PUBLIC): {unlisted}"
    assert not set(OWNED) & set(PUBLIC)
    assert set(MISSING) == set(OWNED)
    stale = (set(OWNED) | set(PUBLIC)) - with_arguments
    assert not stale, f"the matrix names routes that no longer exist: {stale}"


def test_another_users_objects_are_404_on_every_method(world: World) -> None:
    """A gets 404 on every one of B's objects, for every method; B's rows stay."""
    app = world.app
    before_b = rows_of(app, world.b_id)
    checked = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in OWNED:
            continue
        theirs = fill(rule, OWNED[rule.endpoint](world))
        nothing = fill(rule, MISSING[rule.endpoint])
        for method in sorted(rule.methods - {"OPTIONS"}):
            got = world.a.open(theirs, method=method, **request_kwargs(method, theirs))
            assert got.status_code == 404, (method, theirs, got.status_code)
            if theirs.startswith("/api/") and method != "HEAD":
                assert got.get_json()["error"]["code"] == "not_found"
            # The answer for B's object is the answer for no object: nothing to learn.
            none = world.a.open(nothing, method=method, **request_kwargs(method, nothing))
            assert (none.status_code, page_text(none)) == (got.status_code, page_text(got))
            assert SECRET not in got.get_data(as_text=True)
            checked.append((method, rule.endpoint))
    assert rows_of(app, world.b_id) == before_b
    assert {e for _, e in checked} == set(OWNED)
    assert len(checked) >= 10
    # And B, the owner, can still reach each of them (the matrix points at real objects).
    assert world.b.get(f"/diary/{world.b_form_entry}").status_code == 200
    assert world.b.get(f"/api/cramps/{world.b_entry}").get_json()["note"] == SECRET


def test_own_objects_work_so_the_404s_are_about_ownership(world: World) -> None:
    """the same requests succeed for the owner (the matrix is not vacuous)."""
    path = f"/api/cramps/{world.a_entry}"
    assert world.a.get(path).status_code == 200
    assert world.a.put(path, json=cramp_body(strength=2)).get_json()["strength"] == 2
    assert world.a.delete(path).status_code == 204
    assert world.b.post(f"/history/days-off/{B_DAY_OFF}/delete").status_code == 303


def test_lists_exports_and_summaries_show_only_your_own(world: World) -> None:
    """no page or API answer without a parameter leaks B's rows to A."""
    app = world.app
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods:
            continue
        for query in ("", "?from=2000-01-01&to=2030-12-31"):
            response = world.a.get(rule.rule + query)
            assert SECRET not in response.get_data(as_text=True), rule.rule
    export = world.a.get("/api/export").get_json()
    assert [c["note"] for c in export["cramps"]] == ["ann's own"]
    assert export["completions"] == [] and export["days_off"] == []


# ---- 2. mass assignment ------------------------------------------------------------------------

EXTRA_FIELDS = ("user_id", "id", "created_at", "streak")
EXTRA_VALUES: dict[str, Any] = {"created_at": "2001-01-01T00:00:00+00:00", "streak": 999}


def extra_value(field: str, world: World) -> Any:
    if field == "user_id":
        return world.b_id
    if field == "id":
        return world.b_entry  # B's row id, as if to overwrite it
    return EXTRA_VALUES[field]


def ownership(app: Flask) -> list[tuple[str, int, int]]:
    """(table, row id, owner) for every owned row."""
    with app.app_context():
        out = []
        for model in (Completion, CrampEntry, DayOff):
            for row_id, owner in db.session.execute(select(model.id, model.user_id)):
                out.append((model.__tablename__, row_id, owner))
        return sorted(out)


JSON_WRITES: list[tuple[str, str, Callable[[World], dict[str, Any]]]] = [
    ("POST", "/api/completions", lambda w: completion_body()),
    ("POST", "/api/cramps", lambda w: cramp_body()),
    ("PUT", "/api/cramps/{a_entry}", lambda w: cramp_body(strength=3)),
    ("POST", "/api/import", lambda w: w.a.get("/api/export").get_json()),
]


@pytest.mark.parametrize("field", EXTRA_FIELDS)
@pytest.mark.parametrize(("method", "path", "make"), JSON_WRITES,
                         ids=[f"{m} {p}" for m, p, _ in JSON_WRITES])
def test_extra_fields_on_json_writes_are_refused(world: World, method: str, path: str,
                                                 make: Callable[[World], dict[str, Any]],
                                                 field: str) -> None:
    """user_id, id, created_at, streak on any JSON write → 422, nothing moves."""
    before = snapshot(world.app)
    data = make(world)
    if field == "id" and "id" in data:
        data["id"] = world.b_entry  # the body's own id field, given B's row id instead
    else:
        data[field] = extra_value(field, world)
    url = path.format(a_entry=world.a_entry)
    response = world.a.open(url, method=method, json=data)
    assert response.status_code == 422, (url, field, response.get_json())
    assert response.get_json()["error"]["field"].endswith(field if field != "id" else "id")
    assert snapshot(world.app) == before


@pytest.mark.parametrize("field", EXTRA_FIELDS)
def test_extra_fields_inside_imported_items_are_refused(world: World, field: str) -> None:
    """the same inside every kind of item of an import document."""
    doc = world.b.get("/api/export").get_json()  # B's own document, imported by A
    before = snapshot(world.app)
    for part in ("completions", "days_off", "cramps", "settings"):
        broken = {**doc, part: [dict(i) for i in doc[part]] if part != "settings"
                  else dict(doc[part])}
        target = broken[part][0] if part != "settings" else broken[part]
        if field in target:
            continue  # the item's own client id: a real field, checked elsewhere
        target[field] = extra_value(field, world)
        response = world.a.post("/api/import", json=broken)
        assert response.status_code == 422, (part, field, response.get_json())
    assert snapshot(world.app) == before


def test_extra_form_fields_are_ignored(world: World) -> None:
    """forms take only their own fields; ownership and ids never change."""
    app = world.app
    extras = {"user_id": str(world.b_id), "id": str(world.b_id), "created_at": "2001-01-01",
              "streak": "999", "session_version": "77", "finished_count": "5000",
              "password_hash": "x", "login": "bee", "client_id": "0" * 36,
              "failed_logins": "0", "failures": "0", "locked_until": "", "key": "0" * 64}
    before_b = rows_of(app, world.b_id)
    before_owners = ownership(app)

    # Sign-up: a new account with a new id, its defaults, and the chosen name only.
    c = app.test_client()
    response = c.post("/signup", data={**extras, "login": "cat", "password": PASSWORD,
                                       "time_zone": "UTC"})
    assert response.status_code == 302
    with app.app_context():
        cat = db.session.execute(select(User).where(User.login == "cat")).scalar_one()
        assert cat.id not in (world.a_id, world.b_id)
        assert (cat.session_version, cat.finished_count) == (1, 0)
        assert cat.password_hash.startswith("pbkdf2:")

    # Settings: only the settings change.
    response = world.a.post("/settings", data={**extras, "time_zone": "Asia/Tokyo",
                                               "weekly_goal": "4"})
    assert response.status_code == 302
    with app.app_context():
        ann = db.session.get(User, world.a_id)
        assert (ann.login, ann.time_zone, ann.weekly_goal, ann.session_version) == (
            "ann", "Asia/Tokyo", 4, 1)
        assert ann.password_hash.startswith("pbkdf2:")

    # Diary form, new and edit: the entry is A's, with a fresh id.
    response = world.a.post("/diary/new", data={**diary_form(), **extras})
    assert response.status_code == 303
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert new_id not in (world.b_entry, world.b_form_entry)
    response = world.a.post(f"/diary/{new_id}/edit", data={**diary_form(strength="2"), **extras})
    assert response.status_code == 303
    with app.app_context():
        entry = db.session.get(CrampEntry, new_id)
        assert (entry.user_id, entry.strength) == (world.a_id, 2)
        assert entry.client_id != "0" * 36

    # Day off and password change.
    response = world.a.post("/history/days-off", data={**extras, "day": "2026-02-02",
                                                       "kind": "rest"})
    assert response.status_code == 303
    response = world.a.post("/settings/password", data={**extras, "pw-current": PASSWORD,
                                                        "pw-new": "a whole new password"})
    assert response.status_code == 302

    assert rows_of(app, world.b_id) == before_b  # B's rows, password and session untouched
    after = ownership(app)
    assert [o for o in after if o in before_owners] == before_owners
    for table, _row, owner in set(after) - set(before_owners):
        assert owner == world.a_id, table


# ---- 7. GET never changes the database ---------------------------------------------------------

QUERIES = ["", "?from=2025-01-01&to=2026-12-31", "?area=legs&max_minutes=5&page=2&q=calf",
           "?location=calf&where=calf"]


def get_paths(app: Flask, values: dict[str, Any]) -> list[str]:
    """Every GET rule of the URL map with its parameters filled from real rows."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        missing = rule.arguments - set(values)
        assert not missing, f"fill {missing} for {rule.rule} in this test"
        paths.append(fill(rule, {k: values[k] for k in rule.arguments}))
    return paths


def test_get_never_changes_the_database(world: World) -> None:
    """a checksum of every table before and after crawling every GET route
    (signed in, with a remember cookie restore, and as a guest) is the same."""
    app = world.app
    # Data of every kind for A too: sessions today and yesterday, a day off, a partial.
    now = datetime.now(UTC)
    for days, finished in ((0, True), (1, True), (3, False)):
        start = now - timedelta(days=days, minutes=20)
        assert world.a.post("/api/completions", json=completion_body(
            started_at=start.isoformat(), ended_at=(start + timedelta(minutes=2)).isoformat(),
            finished=finished, steps_done=1)).status_code == 201
    day = (date.today() + timedelta(days=2)).isoformat()
    assert world.a.post("/history/days-off", data={"day": day, "kind": "rest"}).status_code == 303
    with app.app_context():
        from stretch_app.views.common import catalog

        slug = next(iter(catalog().routines))
        pose = next(iter(catalog().poses))
    reminder = world.a.post("/api/reminders", json={"days": [1], "time": "21:30"}).get_json()
    feed = world.a.post(f"/api/reminders/{reminder['id']}/feed").get_json()["feed_url"]
    own = world.a.post("/api/my-routines", json={"title": "Ann's list",
                                                 "steps": [{"pose": "cat-cow"}]}).get_json()
    values = {"slug": slug, "pose_id": pose, "entry_id": world.a_entry, "day": day,
              "reminder_id": reminder["id"], "token": feed.rsplit("/", 1)[1].removesuffix(".ics"),
              "routine_id": own["id"], "action": "pause"}
    paths = get_paths(app, values)
    assert len(paths) >= 25

    remembered = app.test_client()
    assert remembered.post("/login", data={"login": "bee", "password": PASSWORD,
                                           "remember": "y"}).status_code == 302
    remember_cookie = remembered.get_cookie("limber_remember")
    assert remember_cookie is not None
    restored = app.test_client()
    restored.set_cookie("limber_remember", remember_cookie.value)

    before = digest(snapshot(app))
    statuses = set()
    for client in (world.a, restored, app.test_client()):
        for path in paths:
            for query in QUERIES:
                for method in ("GET", "HEAD"):
                    response = client.open(path + query, method=method)
                    statuses.add(response.status_code)
                    assert response.status_code < 500, (path + query, response.status_code)
    assert digest(snapshot(app)) == before
    assert 200 in statuses and 302 in statuses
    with app.app_context():
        # The crawl really was signed in (its rows were read), and nothing was locked.
        assert db.session.execute(text("SELECT COUNT(*) FROM completions")).scalar_one() == 4


def test_importing_someone_elses_export_copies_it_and_touches_nothing_of_theirs(
        world: World) -> None:
    """Ids are per user on import too (the API side is test_api_completions::test_ids_are_per_user
    and test_diary_api::test_client_ids_are_per_user): A importing B's document, ids and all,
    gets rows of A's own; B's rows are untouched; A's answer tells nothing of B's."""
    app = world.app
    doc = world.b.get("/api/export").get_json()
    before_b = rows_of(app, world.b_id)
    response = world.a.post("/api/import", json=doc)
    assert response.status_code == 200
    imported = response.get_json()["imported"]
    assert imported["completions_added"] == len(doc["completions"])
    assert imported["cramps_added"] == len(doc["cramps"])
    assert rows_of(app, world.b_id) == before_b
    mine = world.a.get("/api/export").get_json()
    assert {c["id"] for c in mine["completions"]} == {c["id"] for c in doc["completions"]}
    with app.app_context():
        owners = db.session.execute(select(Completion.user_id)).scalars().all()
    assert sorted(owners) == sorted([world.b_id, world.a_id] * len(doc["completions"]))
