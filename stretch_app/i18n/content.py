"""Content translations: poses, routines and plans in other languages, from gettext files.

Each language keeps `translations/<lang>/LC_MESSAGES/content.po`. An entry's context names the
file and field it translates (``poses/sphinx.toml:cautions[1]``) and its msgid is the English it
was translated from, so an English text changed after translation shows up as stale.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import read_po, write_po

from ..catalog import Catalog, Pose, Routine, Step, expand_steps

# The fields of each kind of content file that people read; everything else is data.
FIELDS: dict[str, tuple[str, ...]] = {
    "poses": ("name", "instructions", "cue", "cautions", "easier", "image_alt"),
    "routines": ("title", "summary", "steps.note"),
    "plans": ("title", "summary", "for_whom", "about"),
}

DOMAIN = "content"
HEADER: dict[str, Any] = {
    "project": "Limber",
    "version": "1",
    "copyright_holder": "Limber contributors",
    "msgid_bugs_address": "the project's issue tracker",
    "last_translator": "Limber contributors",
    "language_team": "Limber contributors",
    "header_comment": "# Limber's content (poses, routines, plans): `flask routines translations`.",
}


@dataclass(frozen=True)
class Source:
    """One translatable text of a content file: where it is and its English."""

    context: str  # e.g. "poses/sphinx.toml:cautions[1]"
    english: str


def _strings(data: dict[str, Any], field: str) -> Iterator[tuple[str, str]]:
    """Yield (field label, text) for one field spec, e.g. 'steps.note' or 'instructions'."""
    if "." in field:
        outer, inner = field.split(".", 1)
        for index, item in enumerate(data.get(outer) or []):
            if isinstance(item, dict) and isinstance(item.get(inner), str):
                yield f"{outer}[{index}].{inner}", item[inner].strip()
        return
    value = data.get(field)
    if isinstance(value, str):
        yield field, value.strip()
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield f"{field}[{index}]", item.strip()


def _files(content_dir: Path) -> Iterator[tuple[str, Path]]:
    """Yield (kind, path) for every content file, poses and plans in their folders."""
    for path in sorted((content_dir / "poses").glob("*.toml")):
        yield "poses", path
    for path in sorted(content_dir.glob("*.toml")):
        yield "routines", path
    for path in sorted((content_dir / "plans").glob("*.toml")):
        yield "plans", path


def _folder(kind: str) -> str:
    return "" if kind == "routines" else f"{kind}/"


def sources(content_dir: Path) -> list[Source]:
    """Return every translatable text of the content, in file order (valid files only)."""
    found: list[Source] = []
    for kind, path in _files(Path(content_dir)):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # the content check reports unreadable files
        for field in FIELDS[kind]:
            for label, text in _strings(data, field):
                found.append(Source(f"{_folder(kind)}{path.name}:{label}", text))
    return found


def template(content_dir: Path) -> PoCatalog:
    """Return the content's message template: every text with its file and field."""
    pot = PoCatalog(domain=DOMAIN, fuzzy=False, **HEADER,
                    creation_date=datetime(2026, 1, 1, tzinfo=UTC))
    for source in sources(content_dir):
        pot.add(source.english, context=source.context)
    return pot


def po_path(translations_dir: Path, lang: str) -> Path:
    """Return where a language's content translations live."""
    return Path(translations_dir) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_translations(path: Path) -> PoCatalog:
    """Read one language's content .po file."""
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def write_translations(path: Path, catalog: PoCatalog) -> None:
    """Write a content .po file, without line wrapping so each text stays one entry line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, sort_output=False)


def merge(content_dir: Path, translations_dir: Path, lang: str) -> int:
    """Add every text a language lacks, untranslated, and drop fields that no longer exist.

    A text whose English changed keeps its old English and translation, so the check reports
    it as stale until a translator updates both. Returns how many texts were added.
    """
    path = po_path(translations_dir, lang)
    po = read_translations(path) if path.is_file() else PoCatalog(locale=lang, domain=DOMAIN)
    current = sources(content_dir)
    by_context = {m.context: m for m in po if m.id and m.context}
    merged = PoCatalog(locale=lang, domain=DOMAIN, fuzzy=False, **HEADER,
                       creation_date=po.creation_date,
                       revision_date=po.revision_date if path.is_file() else datetime.now(UTC))
    added = 0
    for source in current:
        old = by_context.get(source.context)
        if old is None:
            merged.add(source.english, context=source.context)
            added += 1
        else:
            merged.add(old.id, old.string, context=old.context, flags=old.flags)
    write_translations(path, merged)
    return added


def problems(content_dir: Path, translations_dir: Path, lang: str) -> list[str]:
    """List every missing, stale or unfinished translation of one language, file and field."""
    path = po_path(translations_dir, lang)
    if not path.is_file():
        return [f"{path.relative_to(Path(translations_dir).parent)}: file: not found"]
    try:
        po = read_translations(path)
    except Exception as exc:  # noqa: BLE001 - babel raises several kinds on a broken file
        return [f"{path.relative_to(Path(translations_dir).parent)}: file: cannot be read ({exc})"]
    by_context = {m.context: m for m in po if m.id and m.context}
    found = []
    for source in sources(content_dir):
        shown = f"routines/{source.context.replace(':', ': ', 1)}"
        entry = by_context.get(source.context)
        if entry is None or not entry.string:
            found.append(f"{shown}: {lang} translation missing")
        elif entry.id != source.english:
            found.append(f"{shown}: {lang} translation is stale (the English changed since)")
        elif entry.fuzzy:
            found.append(f"{shown}: {lang} translation is marked fuzzy")
    return found


def load(content_dir: Path, translations_dir: Path, lang: str) -> dict[str, str]:
    """Return {context: text} of a language's current translations (stale ones left out)."""
    path = po_path(translations_dir, lang)
    if not path.is_file():
        return {}
    po = read_translations(path)
    english = {s.context: s.english for s in sources(content_dir)}
    return {
        m.context: m.string
        for m in po
        if m.context and m.string and not m.fuzzy and english.get(m.context) == m.id
    }


def _text(table: Mapping[str, str], context: str, english: str) -> str:
    return table.get(context, english)


def _list(table: Mapping[str, str], prefix: str, values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(table.get(f"{prefix}[{i}]", v) for i, v in enumerate(values))


def translate_catalog(catalog: Catalog, table: Mapping[str, str], lang: str) -> Catalog:
    """Return the catalog with every text the table translates in that language."""
    poses: dict[str, Pose] = {}
    for pose in catalog.poses.values():
        key = f"poses/{pose.id}.toml:"
        poses[pose.id] = replace(
            pose,
            name=_text(table, key + "name", pose.name),
            instructions=_list(table, key + "instructions", pose.instructions),
            cue=_text(table, key + "cue", pose.cue),
            cautions=_list(table, key + "cautions", pose.cautions),
            easier=_text(table, key + "easier", pose.easier),
            image_alt=_text(table, key + "image_alt", pose.image_alt),
            lang=lang,
        )
    routines: dict[str, Routine] = {}
    for routine in catalog.routines.values():
        key = f"{routine.slug}.toml:"
        steps = tuple(
            Step(s.pose_id, s.seconds,
                 None if s.note is None else _text(table, f"{key}steps[{i}].note", s.note))
            for i, s in enumerate(routine.steps)
        )
        routines[routine.slug] = replace(
            routine,
            title=_text(table, key + "title", routine.title),
            summary=_text(table, key + "summary", routine.summary),
            steps=steps,
            expanded_steps=expand_steps(steps, poses),
        )
    return Catalog(poses=MappingProxyType(poses), routines=MappingProxyType(routines))


def translate_plans(plans: Mapping[str, Any], table: Mapping[str, str]) -> Mapping[str, Any]:
    """Return the plans with every text the table translates."""
    out = {}
    for slug, plan in plans.items():
        key = f"plans/{slug}.toml:"
        out[slug] = replace(
            plan,
            title=_text(table, key + "title", plan.title),
            summary=_text(table, key + "summary", plan.summary),
            for_whom=_text(table, key + "for_whom", plan.for_whom),
            about=_list(table, key + "about", plan.about),
        )
    return MappingProxyType(out)
