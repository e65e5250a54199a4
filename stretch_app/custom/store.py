"""Custom routines in the database: find, save, copy, share, and the routine lookup."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import func, select

from ..catalog import Catalog, Routine
from ..extensions import db
from ..inputs import CLIENT_ID, InputError, first_problem
from ..models import User
from .generated import choices_of, generated_routine
from .generator import GeneratorError
from .models import CustomRoutine
from .routines import (
    MAX_ROUTINES,
    SHARED_PREFIX,
    CustomRoutineIn,
    as_routine,
    checked_steps,
    custom_id_of,
    custom_slug,
)

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER: a larger id cannot exist


def routine_of(row: CustomRoutine, catalog: Catalog, slug: str | None = None) -> Routine:
    """Return the Routine a stored custom routine plays as (under its own slug by default)."""
    return as_routine(slug or custom_slug(row.id), row.title, row.note or None, row.level,
                      row.prep_seconds, row.transition_seconds, row.steps, catalog.poses)


def owned_routine(user: Any, routine_id: int) -> CustomRoutine | None:
    """Return the user's custom routine with this id; another person's is as good as missing."""
    if not getattr(user, "is_authenticated", False) or not 0 < routine_id <= MAX_ID:
        return None
    return db.session.execute(
        select(CustomRoutine).where(CustomRoutine.id == routine_id,
                                    CustomRoutine.user_id == user.id)
    ).scalar_one_or_none()


def shared_routine(token: str) -> CustomRoutine | None:
    """Return the routine a share token opens, or None (unknown or revoked)."""
    if not 20 <= len(token) <= 64:
        return None
    return db.session.execute(
        select(CustomRoutine).where(CustomRoutine.share_token == token)
    ).scalar_one_or_none()


def find_routine(slug: str, user: Any, catalog: Catalog) -> Routine | None:
    """Return the routine a slug names for this visitor: built-in, their own, or shared."""
    found = catalog.routines.get(slug)
    if found is not None:
        return found
    routine_id = custom_id_of(slug)
    if routine_id is not None:
        row = owned_routine(user, routine_id)
        return routine_of(row, catalog) if row is not None else None
    if slug.startswith(SHARED_PREFIX):
        row = shared_routine(slug.removeprefix(SHARED_PREFIX))
        return routine_of(row, catalog, slug) if row is not None else None
    picked = choices_of(slug)
    if picked is not None:
        try:
            return generated_routine(picked, catalog)
        except GeneratorError:
            return None
    return None


def routines_of(user: User) -> list[CustomRoutine]:
    """Return a user's custom routines, the latest changed first."""
    return list(db.session.execute(
        select(CustomRoutine).where(CustomRoutine.user_id == user.id)
        .order_by(CustomRoutine.updated_at.desc(), CustomRoutine.id.desc())
    ).scalars())


def save_routine(user: User, data: CustomRoutineIn, catalog: Catalog,
                 row: CustomRoutine | None = None) -> CustomRoutine:
    """Create or replace a custom routine; raise InputError (nothing written) when it is bad."""
    steps = checked_steps(data, catalog.poses)
    if row is None:
        count = db.session.execute(
            select(func.count()).select_from(CustomRoutine)
            .where(CustomRoutine.user_id == user.id)
        ).scalar_one()
        if count >= MAX_ROUTINES:
            raise InputError("body", _("At most %(most)s routines per person: delete one you "
                                       "no longer use first.", most=MAX_ROUTINES), 422)
        row = CustomRoutine(user_id=user.id, client_id=str(uuid.uuid4()))
        db.session.add(row)
    row.title = data.title
    row.note = data.note or ""
    row.level = data.level
    row.prep_seconds = data.prep_seconds
    row.transition_seconds = data.transition_seconds
    row.steps = steps
    db.session.flush()
    return row


def copy_body(routine: Routine, note: str | None) -> dict[str, Any]:
    """Return the builder's body for a copy of any routine (built-in, own or shared)."""
    return {
        "title": _("%(title)s (my copy)", title=routine.title[:50]),
        "note": note,
        "level": routine.level,
        "prep_seconds": routine.prep_seconds,
        "transition_seconds": routine.transition_seconds,
        "steps": [{"pose": s.pose_id, "seconds": s.seconds, "note": s.note}
                  for s in routine.steps],
    }


def new_share_token() -> str:
    """Return a fresh, unguessable share token."""
    return secrets.token_urlsafe(24)


def export_routines(user: User) -> list[dict[str, Any]]:
    """Return a user's custom routines for the export, oldest first, with their ids."""
    rows = db.session.execute(
        select(CustomRoutine).where(CustomRoutine.user_id == user.id)
        .order_by(CustomRoutine.created_at, CustomRoutine.id)
    ).scalars()
    return [_routine_doc(row) for row in rows]


def _routine_doc(row: CustomRoutine) -> dict[str, Any]:
    return {"id": row.client_id, "title": row.title, "note": row.note or None,
            "level": row.level, "prep_seconds": row.prep_seconds,
            "transition_seconds": row.transition_seconds,
            "steps": [{"pose": s["pose"], "seconds": s["seconds"], "note": s.get("note")}
                      for s in row.steps]}


def import_routines(user: User, items: list[dict[str, Any]], catalog: Catalog
                    ) -> dict[str, int]:
    """Add the exported routines the user lacks (matched by id); raise InputError if bad."""
    existing = {row.client_id: row for row in routines_of(user)}
    added = unchanged = conflicts = 0
    for index, item in enumerate(items):
        client_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
            raise InputError(f"routines[{index}].id",
                             _("every routine needs its id (a UUID)"))
        client_id = str(uuid.UUID(client_id))
        try:
            data = CustomRoutineIn.model_validate({k: v for k, v in item.items() if k != "id"})
        except ValidationError as exc:
            problem = first_problem(exc)
            raise InputError(f"routines[{index}].{problem.field}", problem.message) from None
        try:
            steps = checked_steps(data, catalog.poses)
        except InputError as exc:
            raise InputError(f"routines[{index}].{exc.field}", exc.message) from None
        found = existing.get(client_id)
        if found is None:
            row = save_routine(user, data, catalog)
            row.client_id = client_id
            existing[client_id] = row
            added += 1
        elif _routine_doc(found) == {**_routine_doc(found), **_content(data, steps)}:
            unchanged += 1
        else:
            conflicts += 1
    return {"routines_added": added, "routines_unchanged": unchanged,
            "routines_conflicting": conflicts}


def _content(data: CustomRoutineIn, steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {"title": data.title, "note": data.note or None, "level": data.level,
            "prep_seconds": data.prep_seconds, "transition_seconds": data.transition_seconds,
            "steps": steps}
