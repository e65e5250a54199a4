"""Languages: choosing one, switching it, caching per language, and nothing left in English."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from stretch_app.config import PROJECT_ROOT, available_languages

from . import pseudo_locale
from .helpers import FIXTURE_CONTENT, sign_up

LANG = re.compile(r'<html lang="([^"]+)"')


def lang_of(response) -> str:  # type: ignore[no-untyped-def]
    match = LANG.search(response.get_data(as_text=True))
    assert match, "no <html lang>"
    return match[1]


# --- choosing -------------------------------------------------------------------------------

def test_a_first_visit_reads_the_browsers_language(client: FlaskClient) -> None:
    assert lang_of(client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})) == "de"
    assert lang_of(client.get("/", headers={"Accept-Language": "es-MX,es;q=0.8"})) == "es"
    assert lang_of(client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})) == "en"
    assert lang_of(client.get("/")) == "en"


def test_a_guest_switches_from_the_footer_and_keeps_it(client: FlaskClient) -> None:
    page = client.get("/routines").get_data(as_text=True)
    assert 'name="language" value="es"' in page and 'value="de"' in page
    response = client.post("/language", data={"language": "es", "next": "/routines?area=legs"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/routines?area=legs"
    assert "limber_lang=es" in response.headers["Set-Cookie"]
    # The cookie wins over the browser's language from now on.
    assert lang_of(client.get("/routines", headers={"Accept-Language": "de"})) == "es"


def test_the_switch_refuses_an_unknown_language_and_unsafe_next(client: FlaskClient) -> None:
    response = client.post("/language", data={"language": "xx", "next": "/"})
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers or "limber_lang" not in response.headers[
        "Set-Cookie"]
    response = client.post("/language", data={"language": "de", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_an_account_remembers_its_language_on_every_device(make_app: Callable[..., Flask]
                                                           ) -> None:
    app = make_app()
    with app.test_client() as client:
        sign_up(client, "lena")
        client.post("/language", data={"language": "de", "next": "/settings"})
        client.post("/logout")
        client.delete_cookie("limber_lang")
        assert lang_of(client.get("/")) == "en"
        client.post("/login", data={"login": "lena", "password": "correct horse battery"})
        assert lang_of(client.get("/", headers={"Accept-Language": "es"})) == "de"


def test_an_accounts_switch_needs_the_forms_token(make_app: Callable[..., Flask]) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.test_client() as client:
        page = client.get("/signup").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        client.post("/signup", data={"login": "ines", "password": "correct horse battery",
                                     "time_zone": "UTC", "csrf_token": token})
        assert client.post("/language", data={"language": "es"}).status_code == 400
        assert lang_of(client.get("/")) == "en"
        page = client.get("/settings").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page)[1]
        response = client.post("/language", data={"language": "es", "csrf_token": token})
        assert response.status_code == 303
        assert lang_of(client.get("/")) == "es"


def test_public_pages_are_cached_per_language(client: FlaskClient) -> None:
    german = client.get("/routines", headers={"Accept-Language": "de"})
    spanish = client.get("/routines", headers={"Accept-Language": "es"})
    assert (lang_of(german), lang_of(spanish)) == ("de", "es")
    assert {"Accept-Language", "Cookie"} <= set(german.vary)


def test_languages_are_found_from_the_translation_folders(tmp_path: Path) -> None:
    for code in ("fr", "es"):
        (tmp_path / code / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / code / "LC_MESSAGES" / "messages.po").write_text("")
    (tmp_path / "pt" / "LC_MESSAGES").mkdir(parents=True)  # content only: not offered
    assert available_languages(tmp_path) == ["en", "es", "fr"]


# --- complete -------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["es", "de"])
def test_every_interface_text_is_translated(lang: str) -> None:
    path = PROJECT_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        po = read_po(handle)
    done = {m.id if isinstance(m.id, str) else tuple(m.id[:2]): m for m in po if m.id}
    missing = [m for m in pseudo_locale.interface_messages()
               if m not in done
               or not all(done[m].string if isinstance(done[m].string, tuple)
                          else [done[m].string])]
    fuzzy = [m.id for m in done.values() if m.fuzzy]
    assert missing == [], f"{len(missing)} texts not translated into {lang}: {missing[:10]}"
    assert fuzzy == [], f"fuzzy {lang} translations: {fuzzy[:10]}"


# --- the pseudo-translation -----------------------------------------------------------------

class _Visible(HTMLParser):
    """Collect the text a person sees or hears: text nodes and the attributes read out."""

    READ = {"aria-label", "title", "placeholder", "alt", "aria-description"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        named = dict(attrs)
        self.texts.extend(v for k, v in attrs if k in self.READ and v)
        if tag == "meta" and named.get("name") == "description" and named.get("content"):
            self.texts.append(named["content"])
        if tag == "input" and named.get("type") in ("submit", "button") and named.get("value"):
            self.texts.append(named["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


def english_left(html: str, vocabulary: set[str]) -> list[str]:
    """Return each visible text of a page that still holds English outside the catalogue."""
    parser = _Visible()
    parser.feed(html)
    joined = " ".join(parser.texts)
    return pseudo_locale.unwrapped_english(joined, vocabulary)


SLUG = "bedtime-quick-leg-stretch"
PUBLIC = ["/", "/routines", "/routines?area=legs&length=5", f"/routines/{SLUG}",
          f"/routines/{SLUG}/play", f"/routines/{SLUG}/print", "/poses",
          "/poses/standing-calf-stretch", "/guide", "/safety", "/cramp-now",
          "/cramp-now?where=abdomen", "/login", "/signup", "/plans", "/plans/desk-back",
          "/generate", "/generate?area=legs&minutes=5&can=chair&can=bed&level=gentle&seed=3",
          "/generate?area=legs&minutes=99&can=standing", "/no-such-page",
          "/routines/no-such-routine"]
SIGNED_IN = ["/", "/history", "/diary", "/diary/new", "/diary/patterns", "/diary/summary",
             "/settings", "/settings/reminders", "/settings/reminders/new", "/my-routines",
             "/my-routines/new", "/plans", "/plans/desk-back"]


@pytest.fixture
def pseudo_app(make_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    content = PROJECT_ROOT / "routines"
    folder = pseudo_locale.build(tmp_path / "translations", content)
    languages = [*available_languages(PROJECT_ROOT / "translations"), pseudo_locale.PSEUDO]
    return make_app(LANGUAGES=languages, BABEL_TRANSLATION_DIRECTORIES=str(folder),
                    CONTENT_DIR=str(content))


def _fill_an_account(client: FlaskClient) -> list[str]:
    """Give the signed-in account a bit of everything; return the pages that shows on."""
    from datetime import UTC, datetime, timedelta

    from .helpers import completion_body, cramp_body

    now = datetime.now(UTC)
    for days in (1, 2, 9):
        started = now - timedelta(days=days)
        client.post("/api/completions", json=completion_body(
            routine=SLUG, started_at=started.isoformat(),
            ended_at=(started + timedelta(minutes=3)).isoformat()))
        client.post("/api/cramps", json=cramp_body(
            occurred_at=(now - timedelta(days=days, hours=3)).isoformat(), note="Zxq wvk"))
    assert client.post("/api/plan", json={"plan": "desk-back"}).status_code == 201
    # The person's own words are theirs, in no catalogue: these are no English words.
    made = client.post("/api/my-routines", json={
        "title": "Qwyx zorp", "note": "Vrk plm.",
        "steps": [{"pose": "standing-calf-stretch", "seconds": 40}, {"pose": "cat-cow"}]})
    assert made.status_code == 201, made.get_json()
    reminder = client.post("/api/reminders", json={"days": [1, 2, 3, 4, 5], "time": "21:30",
                                                  "routine": SLUG})
    assert reminder.status_code == 201, reminder.get_json()
    mine = made.get_json()
    entry = client.get("/api/cramps").get_json()["cramps"][0]["id"]
    reminder_id = reminder.get_json()["id"]
    return [f"/routines/{mine['slug']}", f"/my-routines/{mine['id']}/edit",
            f"/routines/{mine['slug']}/play", f"/settings/reminders/{reminder_id}/edit",
            f"/diary/{entry}", f"/diary/{entry}/edit", "/plans/desk-back", "/"]


def test_every_page_speaks_only_through_the_catalogue(pseudo_app: Flask) -> None:
    vocabulary = pseudo_locale.english_vocabulary()
    found: dict[str, list[str]] = {}
    with pseudo_app.test_client() as client:
        client.set_cookie("limber_lang", pseudo_locale.PSEUDO)
        for path in PUBLIC:
            page = client.get(path, follow_redirects=True).get_data(as_text=True)
            found[path] = english_left(page, vocabulary)
        sign_up(client, "pseudo")
        for path in SIGNED_IN + _fill_an_account(client) + SIGNED_IN:
            response = client.get(path)
            assert response.status_code == 200, path
            found["signed in " + path] = english_left(response.get_data(as_text=True),
                                                      vocabulary)
    left = {path: sorted(set(words))[:20] for path, words in found.items() if words}
    assert left == {}, f"English outside the catalogue: {left}"


# --- the medical guidance in each language ----------------------------------------------------

def _visible(html: str) -> str:
    """Return a page's or a message's text as read: tags dropped, entities and spaces resolved."""
    import html as markup

    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


GUIDANCE = [("/guide", "guide.html"), ("/safety", "safety.html"),
            ("/cramp-now?where=calf", "cramp_now.html")]


@pytest.mark.parametrize("lang", ["es", "de"])
@pytest.mark.parametrize(("path", "template"), GUIDANCE)
def test_the_medical_guidance_reads_whole_in_each_language(
    client: FlaskClient, lang: str, path: str, template: str
) -> None:
    from babel.messages.extract import extract_from_file

    with (PROJECT_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        po = read_po(f)
    page = _visible(client.get(path, headers={"Accept-Language": lang}).get_data(as_text=True))
    english = _visible(client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True))
    sentences = [
        message for _line, message, _comments, _context in extract_from_file(
            "jinja2", str(PROJECT_ROOT / "templates" / template))
        # Every sentence the English page shows (some show only in other states).
        if isinstance(message, str) and "%(" not in message and _visible(message) in english
    ]
    assert len(sentences) > 5
    missing = []
    for sentence in sentences:
        translated = _visible(po[sentence].string) if po.get(sentence) else ""
        if not translated or translated not in page:
            missing.append(sentence)
    assert missing == [], f"{lang} {path}: not shown in {lang}: {missing[:5]}"


FACTS = {
    "es": ["sodio, potasio, calcio o magnesio", "Hinchazón o enrojecimiento", "Fiebre",
           "escalofríos", "no consejo médico", "calambre"],
    "de": ["Natrium, Kalium, Kalzium oder Magnesium", "Schwellung oder Rötung", "Fieber",
           "Schüttelfrost", "keine medizinische Beratung", "Krampf"],
}


@pytest.mark.parametrize("lang", ["es", "de"])
def test_the_guide_names_causes_and_warning_signs_in_each_language(
    client: FlaskClient, lang: str
) -> None:
    page = _visible(client.get("/guide", headers={"Accept-Language": lang}).get_data(as_text=True))
    assert [fact for fact in FACTS[lang] if fact not in page] == []


def test_the_content_check_names_missing_and_stale_translations(tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner

    from stretch_app.cli import routines_cli
    from stretch_app.i18n import content as translated

    content = tmp_path / "routines"
    shutil.copytree(FIXTURE_CONTENT, content)
    folder = tmp_path / "translations"
    (folder / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (folder / "fr" / "LC_MESSAGES" / "messages.po").write_text("")
    translated.merge(content, folder, "fr")
    po_file = translated.po_path(folder, "fr")
    po = translated.read_translations(po_file)
    for message in po:
        if message.id:
            message.string = "fr: " + message.id
    translated.write_translations(po_file, po)
    runner = CliRunner()
    args = ["check", "--content", str(content), "--static", str(PROJECT_ROOT / "static")]
    assert runner.invoke(routines_cli, args).exit_code == 0

    pose = content / "poses" / "cat-cow.toml"
    pose.write_text(pose.read_text().replace('cue = "', 'cue = "Slowly. ', 1))
    result = runner.invoke(routines_cli, args)
    assert result.exit_code == 1
    assert ("routines/poses/cat-cow.toml: cue: fr translation is stale "
            "(the English changed since)") in result.output
    routine = content / "calf-reset.toml"
    routine.write_text(routine.read_text().replace('summary = "', 'summary = "New. ', 1))
    po = translated.read_translations(po_file)
    po.delete(next(m for m in po if m.context == "calf-reset.toml:summary").id,
              context="calf-reset.toml:summary")
    translated.write_translations(po_file, po)
    result = runner.invoke(routines_cli, args)
    assert "routines/calf-reset.toml: summary: fr translation missing" in result.output
