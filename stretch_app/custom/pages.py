"""Custom routines' pages: the list, the builder, copies, share links and the generator."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required

from ..catalog import AREAS, POSITION_LABELS, POSITIONS
from ..extensions import db
from ..forms import ConfirmForm
from ..inputs import InputError
from ..labels import AREA_LABELS, KIND_LABELS, label
from ..views.common import catalog
from .api import custom_json, pose_json, share_url
from .generated import MAX_SEED, PREFIX, choices, choices_of, generated_routine, slug_for
from .generator import GeneratorError
from .routines import MAX_HOLD, MAX_STEPS, MIN_HOLD, SHARED_PREFIX, CustomRoutineIn, custom_id_of
from .store import (
    copy_body,
    find_routine,
    new_share_token,
    owned_routine,
    routine_of,
    routines_of,
    save_routine,
)

bp = Blueprint("custom", __name__)

MINUTE_CHOICES = (3, 5, 10, 15, 20, 30)
PRESETS = ((lazy_gettext("No floor"), ("standing", "chair", "bed")),
           (lazy_gettext("Chair only"), ("chair",)), (lazy_gettext("In bed"), ("bed",)))


def ownership(slug: str) -> dict[str, Any]:
    """Return what the routine page offers for a slug: whose routine it is, and its links."""
    routine_id = custom_id_of(slug)
    if routine_id is not None:
        row = owned_routine(current_user, routine_id)
        share = share_url(row.share_token) if row and row.share_token else None
        return {"kind": "own", "id": routine_id, "share_url": share}
    if slug.startswith(SHARED_PREFIX):
        return {"kind": "shared"}
    picked = choices_of(slug)
    if picked is not None:
        again = slug_for(choices(picked.areas, picked.minutes, picked.places, picked.level,
                                 (picked.seed * 7919 + 1) % (MAX_SEED + 1)))
        return {"kind": "generated", "reshuffle": url_for("pages.routine", slug=again),
                "change": url_for("custom.generator", area=list(picked.areas),
                                  minutes=picked.minutes, can=list(picked.places),
                                  level=picked.level)}
    return {"kind": "builtin"}


def _builder(routine: dict[str, Any] | None, routine_id: int | None, heading: str) -> Any:
    poses = sorted(catalog().poses.values(), key=lambda p: p.name)
    data = {
        "poses": [pose_json(p) for p in poses],
        "routine": routine,
        "id": routine_id,
        "areas": list(AREAS),
        "places": [{"value": p, "label": str(POSITION_LABELS[p])} for p in POSITIONS],
        "limits": {"steps": MAX_STEPS, "min_hold": MIN_HOLD, "max_hold": MAX_HOLD},
        "list_url": url_for("custom.my_routines"),
    }
    return render_template("custom/builder.html", data=data, heading=heading,
                           area_names={a: label(AREA_LABELS, a) for a in AREAS},
                           kind_names={p.kind: label(KIND_LABELS, p.kind) for p in poses})


@bp.get("/my-routines")
@login_required
def my_routines() -> Any:
    cat = catalog()
    rows = [(row, routine_of(row, cat)) for row in routines_of(current_user)]
    return render_template("custom/index.html", rows=rows,
                           area_names={a: label(AREA_LABELS, a) for a in AREAS})


@bp.get("/my-routines/new")
@login_required
def new_routine() -> Any:
    source = request.args.get("from", "")[:120]
    if not source:
        return _builder(None, None, _("New routine"))
    found = find_routine(source, current_user, catalog())
    if found is None:
        abort(404, description=_("There is no routine to copy at this address."))
    return _builder(copy_body(found, None), None, _("Copy of %(title)s", title=found.title))


@bp.get("/my-routines/<int:routine_id>/edit")
@login_required
def edit_routine(routine_id: int) -> Any:
    row = owned_routine(current_user, routine_id)
    if row is None:
        abort(404, description=_("You have no routine at this address."))
    return _builder(custom_json(row), row.id, _("Edit %(title)s", title=row.title))


@bp.post("/routines/<slug>/copy")
@login_required
def save_copy(slug: str) -> Any:
    ConfirmForm().validate_on_submit() or abort(400, description=_("The form expired: try again."))
    found = find_routine(slug, current_user, catalog())
    if found is None:
        abort(404, description=_("There is no routine at this address."))
    own = owned_routine(current_user, custom_id_of(slug) or 0)
    body = copy_body(found, own.note or None if own else None)
    if slug.startswith(PREFIX):
        body["title"] = found.title  # a generated routine is saved, not copied
    try:
        row = save_routine(current_user, CustomRoutineIn.model_validate(body), catalog())
    except InputError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("pages.routine", slug=slug))
    db.session.commit()
    flash(_("Saved “%(title)s” to your routines.", title=row.title), "success")
    return redirect(url_for("pages.routine", slug=f"my-{row.id}"))


@bp.route("/my-routines/<int:routine_id>/delete", methods=["GET", "POST"])
@login_required
def delete_routine(routine_id: int) -> Any:
    row = owned_routine(current_user, routine_id)
    if row is None:
        abort(404, description=_("You have no routine at this address."))
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("custom/delete.html", row=row, form=form)
    title = row.title
    db.session.delete(row)
    db.session.commit()
    flash(_("Deleted “%(title)s”. Sessions you played stay in your history.", title=title),
          "success")
    return redirect(url_for("custom.my_routines"))


@bp.post("/my-routines/<int:routine_id>/share")
@login_required
def share(routine_id: int) -> Any:
    row = owned_routine(current_user, routine_id)
    if row is None:
        abort(404, description=_("You have no routine at this address."))
    ConfirmForm().validate_on_submit() or abort(400, description=_("The form expired: try again."))
    stop = request.form.get("stop") == "1"
    row.share_token = None if stop else (row.share_token or new_share_token())
    db.session.commit()
    flash(_("The link no longer works.") if stop else
          _("Anyone with the link can now open and play this routine."), "success")
    return redirect(url_for("pages.routine", slug=f"my-{row.id}"))


@bp.get("/generate")
def generator() -> Any:
    args = request.args
    form = {"areas": args.getlist("area") or ["legs"], "minutes": args.get("minutes", "10"),
            "places": args.getlist("can") or list(POSITIONS), "level": args.get("level", "gentle")}
    if "minutes" not in args:
        return _generator_page(form, None)
    try:
        minutes = int(form["minutes"]) if form["minutes"].isdigit() else -1
        seed = int(args["seed"]) if args.get("seed", "").isdigit() else _fresh_seed()
        picked = choices(form["areas"], minutes, form["places"], form["level"], seed)
        generated_routine(picked, catalog())  # fails here rather than on the next page
    except GeneratorError as exc:
        return _generator_page(form, str(exc)), 400
    return redirect(url_for("pages.routine", slug=slug_for(picked)))


def _fresh_seed() -> int:
    return secrets.randbelow(MAX_SEED + 1)


def _generator_page(form: dict[str, Any], error: str | None) -> Any:
    return render_template("custom/generate.html", form=form, error=error,
                           areas=[(a, label(AREA_LABELS, a)) for a in AREAS],
                           places=[(p, str(POSITION_LABELS[p])) for p in POSITIONS],
                           presets=[(str(name), chosen) for name, chosen in PRESETS],
                           minute_choices=MINUTE_CHOICES)

