"""Export and import of everything a user owns, as one canonical JSON document."""

from __future__ import annotations

import csv
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from flask_babel import ngettext
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)
from sqlalchemy import select

from .catalog import Catalog
from .completions import (
    FUTURE_SLACK,
    CompletionIn,
    completion_json,
    local_date_of,
    utc_naive,
)
from .custom.routines import MAX_ROUTINES
from .custom.store import export_routines, import_routines
from .database import insert_for
from .diary.entries import parse_body, same_content, split_list
from .extensions import db
from .inputs import ISO_DATE, InputError, first_problem, today_for
from .models import Completion, CrampEntry, DayOff, User
from .plans.store import export_plans, import_plans
from .stats import goal_changes, record_goal_change, recount_totals, refresh_streaks
from .timezones import is_valid_zone

FORMAT = "limber-export"
VERSION = 1
MAX_ITEMS = 50_000
# Diary entries made before client ids were always set get a stable id derived from the row.
LEGACY_CRAMP_IDS = uuid.UUID("6f1d7c2e-3b0a-4b8e-9a51-4c6d2f0e8b17")


class SettingsDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_zone: StrictStr
    weekly_goal: Annotated[StrictInt, Field(ge=1, le=7)]
    cue_speech: StrictBool
    cue_beep: StrictBool
    cue_vibrate: StrictBool

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if not is_valid_zone(value):
            raise ValueError(_("must be an IANA time zone name"))
        return value


class CompletionDoc(CompletionIn):
    """A completion as exported: the posted fields plus the recorded snapshot."""

    routine_title: Annotated[StrictStr, Field(min_length=1, max_length=120)]
    local_date: date

    @field_validator("local_date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise ValueError(_("must be a date like 2026-01-31"))
        return value


class DayOffDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: date
    kind: Literal["rest", "sick", "cramp-recovery"]

    @field_validator("day", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise ValueError(_("must be a date like 2026-01-31"))
        return value


class ExportDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["limber-export"]
    version: Literal[1]
    settings: SettingsDoc
    completions: Annotated[list[CompletionDoc], Field(max_length=MAX_ITEMS)]
    days_off: Annotated[list[DayOffDoc], Field(max_length=MAX_ITEMS)]
    cramps: Annotated[list[dict[str, Any]], Field(max_length=MAX_ITEMS)] = []
    routines: Annotated[list[dict[str, Any]], Field(max_length=MAX_ROUTINES)] = []
    plans: Annotated[list[dict[str, Any]], Field(max_length=1000)] = []
    quiet_nights: Annotated[list[StrictStr], Field(max_length=MAX_ITEMS)] = []


def export_user(user: User) -> dict[str, Any]:
    """Return everything the user owns as a canonical (sorted, stable) document."""
    completions = db.session.execute(
        select(Completion).where(Completion.user_id == user.id)
        .order_by(Completion.started_at, Completion.client_id)
    ).scalars()
    off = db.session.execute(
        select(DayOff).where(DayOff.user_id == user.id).order_by(DayOff.day)
    ).scalars()
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "settings": {
            "time_zone": user.time_zone,
            "weekly_goal": user.weekly_goal,
            "cue_speech": user.cue_speech,
            "cue_beep": user.cue_beep,
            "cue_vibrate": user.cue_vibrate,
        },
        "completions": [completion_json(c) for c in completions],
        "days_off": [{"day": d.day.isoformat(), "kind": d.kind} for d in off],
        "cramps": [],
    }
    cramps = db.session.execute(
        select(CrampEntry).where(CrampEntry.user_id == user.id)
        .order_by(CrampEntry.occurred_at, CrampEntry.id)
    ).scalars()
    doc["cramps"] = [cramp_doc(c) for c in cramps]
    doc["routines"] = export_routines(user)
    doc["plans"], doc["quiet_nights"] = export_plans(user)
    return doc


def cramp_doc(row: CrampEntry) -> dict[str, Any]:
    """Return a diary entry in the body shape of POST /api/cramps, with its client id."""
    client_id = row.client_id or str(uuid.uuid5(LEGACY_CRAMP_IDS, f"{row.user_id}:{row.id}"))
    return {
        "id": client_id,
        "occurred_at": row.occurred_at.replace(tzinfo=UTC).isoformat(),
        "time_zone": row.time_zone,
        "location": row.location,
        "strength": row.strength,
        "duration_minutes": row.duration_minutes,
        "woke_me": row.woke_me,
        "triggers": list(split_list(row.triggers)),
        "red_flags": list(split_list(row.red_flags)),
        "note": row.note,
    }


def _import_cramps(user: User, items: list[dict[str, Any]], now: datetime) -> dict[str, int]:
    existing = {
        cramp_doc(c)["id"]: c
        for c in db.session.execute(
            select(CrampEntry).where(CrampEntry.user_id == user.id)).scalars()
    }
    added = unchanged = conflicts = 0
    for index, item in enumerate(items):
        try:
            client_id, data = parse_body(json.dumps(item), now, new=True)
        except InputError as exc:
            raise ImportProblem(f"cramps[{index}].{exc.field}", exc.message) from None
        if client_id is None:
            raise ImportProblem(f"cramps[{index}].id", _("every entry needs its id"))
        found = existing.get(client_id)
        if found is None:
            entry = CrampEntry(user_id=user.id, client_id=client_id, **data.columns())
            db.session.add(entry)
            existing[client_id] = entry
            added += 1
        elif same_content(found, data):
            unchanged += 1
        else:
            conflicts += 1
    return {"cramps_added": added, "cramps_unchanged": unchanged,
            "cramps_conflicting": conflicts}


class ImportProblem(ValueError):
    """The document cannot be imported; nothing was written."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def import_user(user: User, doc: ExportDoc | SessionsCsv, now: datetime) -> dict[str, int]:
    """Add the document's items that the user does not have yet; report what happened."""
    existing = {
        c.client_id: c
        for c in db.session.execute(
            select(Completion).where(Completion.user_id == user.id)
        ).scalars()
    }
    # An account with no sessions and no goal changes takes the file's goal as the one that
    # held all along (moving to a new server); any other account changes it from this week.
    fresh = not existing and not goal_changes(user.id)
    rows = []
    conflicts = unchanged = 0
    for index, item in enumerate(doc.completions):
        # As POST /api/completions: no sessions from the future (years like 9999 would also
        # overflow the local date below).
        if item.started_at > now + FUTURE_SLACK:
            raise ImportProblem(f"completions[{index}].started_at", _("is in the future"))
        if local_date_of(item.started_at, item.time_zone) != item.local_date:
            raise ImportProblem(f"completions[{index}].local_date",
                                _("does not match started_at in time_zone"))
        values = {
            "user_id": user.id,
            "client_id": item.id,
            "routine_slug": item.routine,
            "routine_title": item.routine_title,
            "areas": "",
            "started_at": utc_naive(item.started_at),
            "ended_at": utc_naive(item.ended_at),
            "time_zone": item.time_zone,
            "local_date": item.local_date,
            "steps_done": item.steps_done,
            "steps_total": item.steps_total,
            "seconds_done": item.seconds_done,
            "finished": item.finished,
        }
        found = existing.get(item.id)
        if found is None:
            rows.append(values)
            existing[item.id] = Completion(**values)
        elif all(getattr(found, k) == v for k, v in values.items() if k != "areas"):
            unchanged += 1
        else:
            conflicts += 1
    _fill_areas(rows)
    if rows:
        db.session.execute(
            insert_for(Completion).on_conflict_do_nothing(index_elements=["user_id", "client_id"]),
            rows,
        )
    off_added = 0
    current_off = {
        d.day: d for d in db.session.execute(
            select(DayOff).where(DayOff.user_id == user.id)).scalars()
    }
    for item in doc.days_off:
        if item.day not in current_off:
            db.session.add(DayOff(user_id=user.id, day=item.day, kind=item.kind))
            current_off[item.day] = DayOff(day=item.day, kind=item.kind)
            off_added += 1
    s = doc.settings
    if s is not None:  # a sessions CSV carries no settings
        previous = user.weekly_goal
        user.time_zone, user.weekly_goal = s.time_zone, s.weekly_goal
        if not fresh:
            record_goal_change(user, previous, today_for(user, now))
        user.cue_speech, user.cue_beep, user.cue_vibrate = s.cue_speech, s.cue_beep, s.cue_vibrate
    db.session.flush()
    recount_totals(user)
    refresh_streaks(user)
    result = {"completions_added": len(rows), "completions_unchanged": unchanged,
              "completions_conflicting": conflicts, "days_off_added": off_added}
    result.update(_import_cramps(user, doc.cramps, now))
    try:
        result.update(import_routines(user, doc.routines, _catalog()))
        result.update(import_plans(user, doc.plans, doc.quiet_nights))
    except InputError as exc:
        raise ImportProblem(exc.field, exc.message) from None
    return result


def _catalog() -> Catalog:
    from flask import current_app

    return current_app.extensions["limber_catalog"]


def _fill_areas(rows: list[dict[str, Any]]) -> None:
    catalog = _catalog()
    for row in rows:
        routine = catalog.routines.get(row["routine_slug"])
        row["areas"] = ",".join(routine.areas) if routine else ""


# The sessions CSV (GET /history/completions.csv): its header row, exactly.
CSV_FIELDS = ("id", "routine", "routine_title", "local_date", "started_at", "ended_at",
              "time_zone", "steps_done", "steps_total", "seconds_done", "finished")
CSV_NUMBERS = ("steps_done", "steps_total", "seconds_done")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class SessionsCsv:
    """A sessions CSV read for import: completions only, with the line each came from."""

    completions: list[CompletionDoc]
    lines: list[int]
    settings: None = None
    days_off: list[DayOffDoc] = field(default_factory=list)
    cramps: list[dict[str, Any]] = field(default_factory=list)
    routines: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    quiet_nights: list[str] = field(default_factory=list)


def read_upload(data: bytes) -> ExportDoc | SessionsCsv:
    """Read an uploaded file: a JSON export or a sessions CSV; raise ImportProblem if neither."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblem("file", _("is not a text file (UTF-8)")) from None
    if text.lstrip().startswith("{"):
        try:
            return ExportDoc.model_validate_json(text)
        except ValidationError as exc:
            kind = exc.errors(include_url=False)[0]["type"]
            if kind == "json_invalid":
                raise ImportProblem("file", _("is not valid JSON (is it cut short?)")) from None
            problem = first_problem(exc)
            raise ImportProblem(problem.field, problem.message.split(": ", 1)[-1]) from None
    if text.split("\n", 1)[0].strip().split(",") == list(CSV_FIELDS):
        return _read_csv(text)
    raise ImportProblem("file",
                        _("is neither a Limber export (JSON) nor a Limber sessions CSV"))


def _read_csv(text: str) -> SessionsCsv:
    reader = csv.DictReader(text.splitlines(keepends=True), strict=True)
    doc = SessionsCsv(completions=[], lines=[])
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if len(doc.completions) >= MAX_ITEMS:
                raise ImportProblem(f"line {line}", _("a file holds at most %(num)s sessions",
                                                      num=MAX_ITEMS))
            doc.completions.append(_csv_completion(row, line))
            doc.lines.append(line)
    except csv.Error as exc:
        # A quote left open runs to the end: name the line where the bad row starts.
        raise ImportProblem(f"line {line + 1}", _("cannot be read (%(reason)s)",
                                                  reason=exc)) from None
    return doc


def _csv_completion(row: dict[str | Any, Any], line: int) -> CompletionDoc:
    if None in row or any(value is None for value in row.values()):
        raise ImportProblem(f"line {line}", _("needs exactly %(num)s cells",
                                              num=len(CSV_FIELDS)))
    item: dict[str, Any] = dict(row)
    title = item["routine_title"]
    # Undo the export's guard against spreadsheet formulas.
    if title[:1] == "'" and title[1:2] in FORMULA_STARTS:
        item["routine_title"] = title[1:]
    for name in CSV_NUMBERS:
        if not (item[name].isascii() and item[name].isdigit()):
            raise ImportProblem(f"line {line}", _("%(name)s must be a whole number", name=name))
        item[name] = int(item[name])
    if item["finished"] not in ("true", "false"):
        raise ImportProblem(f"line {line}", _("finished must be true or false"))
    item["finished"] = item["finished"] == "true"
    try:
        return CompletionDoc.model_validate_json(json.dumps(item))
    except ValidationError as exc:
        problem = first_problem(exc)
        raise ImportProblem(f"line {line}", problem.message) from None


def problem_text(problem: ImportProblem, doc: ExportDoc | SessionsCsv | None) -> str:
    """Say what is wrong and where: the CSV line when the file was a sessions CSV."""
    # Messages are predicates of the place they name ("is in the future"); fields stay as named.
    where, message = problem.field, problem.message
    if where == "file":
        return _("The file %(problem)s.", problem=message)
    if isinstance(doc, SessionsCsv) and where.startswith("completions["):
        index, _sep, rest = where.removeprefix("completions[").partition("].")
        if index.isdigit() and int(index) < len(doc.lines):
            where, message = f"line {doc.lines[int(index)]}", f"{rest} {message}"
    line = where.removeprefix("line ")
    if line != where and line.isdigit():
        return _("Line %(num)s: %(problem)s.", num=line, problem=message)
    return f"{where[:1].upper()}{where[1:]}: {message}."


def _added_parts(result: dict[str, int]) -> list[str]:
    """Return how many of each kind an import adds, in words; the last three only if any."""
    parts = [
        ngettext("%(num)s session", "%(num)s sessions", result["completions_added"]),
        ngettext("%(num)s day off", "%(num)s days off", result["days_off_added"]),
        ngettext("%(num)s diary entry", "%(num)s diary entries", result["cramps_added"]),
    ]
    if result.get("routines_added"):
        parts.append(ngettext("%(num)s routine", "%(num)s routines", result["routines_added"]))
    if result.get("plans_added"):
        parts.append(ngettext("%(num)s plan", "%(num)s plans", result["plans_added"]))
    if result.get("quiet_nights_added"):
        parts.append(ngettext("%(num)s quiet night", "%(num)s quiet nights",
                              result["quiet_nights_added"]))
    return parts


def import_summary(result: dict[str, int], done: bool = False) -> str:
    """Say in words what an import adds (or added), from import_user's result."""
    parts = _added_parts(result)
    kinds = ("completions", "cramps", "routines")
    added = sum(result.get(f"{k}_added", 0)
                for k in (*kinds, "days_off", "plans", "quiet_nights"))
    same = sum(result.get(f"{k}_unchanged", 0) for k in kinds)
    differ = sum(result.get(f"{k}_conflicting", 0) for k in kinds)
    if added:
        listed = _("%(first)s and %(last)s", first=", ".join(parts[:-1]), last=parts[-1])
        text = (_("%(items)s added", items=listed) if done
                else _("%(items)s will be added", items=listed))
    else:
        text = _("nothing new was added") if done else _("nothing new will be added")
    clauses = [text]
    if same:
        clauses.append(ngettext("%(num)s was already here", "%(num)s were already here", same)
                       if done else
                       ngettext("%(num)s is already here", "%(num)s are already here", same))
    if differ:
        clauses.append(
            ngettext("%(num)s was left out: already here with the same id but other details",
                     "%(num)s were left out: already here with the same id but other details",
                     differ)
            if done else
            ngettext("%(num)s will be left out: already here with the same id but other details",
                     "%(num)s will be left out: already here with the same id but other details",
                     differ))
    text = "; ".join(clauses)
    return text[:1].upper() + text[1:] + "."
