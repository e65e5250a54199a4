"""A pseudo-translation: every text the code marks for translation, wrapped in [!! … !!].

Pages rendered in it show at a glance (and to a test) any English that did not come through
the catalogue. It is built from the sources as they are now, not from the committed template,
so a text marked but not yet extracted is wrapped too. The language code is Esperanto's, which
no one ships here: Babel needs a real locale, and its month and day names are not English.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from stretch_app.config import PROJECT_ROOT
from stretch_app.i18n import content as translated

PSEUDO = "eo"
OPEN, CLOSE = "[!! ", " !!]"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "N_": None, "t": None, "tn": (1, 2)}
METHODS = [
    ("stretch_app/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("static/js/**.js", "javascript"),
]


def wrap(text: str) -> str:
    """Return the pseudo-translation of one text."""
    return f"{OPEN}{text}{CLOSE}"


def interface_messages() -> list[str | tuple[str, str]]:
    """Return every msgid the sources mark now (plural ones as (singular, plural))."""
    found: dict[str | tuple[str, str], None] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), METHODS, keywords=KEYWORDS
    ):
        found[message if isinstance(message, str) else tuple(message[:2])] = None
    return list(found)


def build(target: Path, content_dir: Path = PROJECT_ROOT / "routines") -> Path:
    """Copy the real translations into target and add the pseudo language; return target."""
    shutil.copytree(PROJECT_ROOT / "translations", target, dirs_exist_ok=True)
    folder = target / PSEUDO / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    interface = Catalog(locale=PSEUDO, domain="messages")
    for message in interface_messages():
        if isinstance(message, tuple):
            interface.add(message, (wrap(message[0]), wrap(message[1])))
        else:
            interface.add(message, wrap(message))
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, interface)
    content = Catalog(locale=PSEUDO, domain=translated.DOMAIN)
    for source in translated.sources(content_dir):
        content.add(source.english, wrap(source.english), context=source.context)
    with (folder / "content.po").open("wb") as handle:
        write_po(handle, content)
    return target


def english_vocabulary() -> set[str]:
    """Return every word (3+ letters, lower case) of the English texts, interface and content."""
    texts: list[str] = []
    for message in interface_messages():
        texts.extend(message if isinstance(message, tuple) else [message])
    texts.extend(s.english for s in translated.sources(PROJECT_ROOT / "routines"))
    words = {w.lower() for text in texts for w in re.findall(r"[A-Za-z]{3,}", text)}
    # Placeholder names and markup are not text a person reads.
    markup = {w.lower() for text in texts for w in re.findall(r"%\((\w+)\)s|</?(\w+)", text)
              for w in w if w}
    return words - markup - {"limber"}


def unwrapped_english(text: str, vocabulary: set[str]) -> list[str]:
    """Return the English words of a visible text that sit outside every [!! … !!]."""
    # Addresses shown as text are not English; a wrap may hold another (a duration in a hold).
    outside = re.sub(r"\bhttps?://\S+", " ", text)
    # Rendered text may lose the spaces inside a wrap where markup breaks the line.
    wrapped = re.compile(r"\[!!\s*(?:(?!\[!!).)*?\s*!!\]", re.S)
    while (unwrapped := wrapped.sub(" ", outside)) != outside:
        outside = unwrapped
    return [w for w in re.findall(r"[A-Za-z]{3,}", outside) if w.lower() in vocabulary]
