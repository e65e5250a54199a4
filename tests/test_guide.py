"""The cramp guide, the safety page, "Cramp now" and the prevention tips."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stretch_app.catalog import load_catalog
from stretch_app.diary.entries import DOCTOR_SIGNS
from stretch_app.diary.patterns import SUGGESTION_RULES
from stretch_app.diary.relief import CRAMP_NOW_LOCATIONS, RELIEF
from stretch_app.guidance import DEFAULT_TIP, SAFETY_NOTE, TIPS, tip_for

ROOT = Path(__file__).resolve().parent.parent
# Bouncing or pulsing named as something to do, not as something to avoid.
BOUNCE = re.compile(r"\b(puls\w*|bounc\w*|bobb\w*)\b", re.I)
NOT_BEFORE = re.compile(r"\b(not|never|without|no)\W+(\w+\W+){0,2}$", re.I)


def text_of(html: str) -> str:
    """Return the visible words of a page, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_guide_covers_every_seed_fact(client: FlaskClient) -> None:
    response = client.get("/guide")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for anchor in ("where", "why", "prevent", "doctor"):
        assert f'id="{anchor}"' in page
    words = text_of(page)
    for fact in [
        # What they are and where.
        "on its own", "every age", "rarely point to anything serious", "Legs", "Abdomen",
        "Back", "during exercise", "sitting for a long time", "digestion", "menstrual cycle",
        "poor posture", "doing too much", "not drinking enough", "pushing a stretch",
        "tight", "sore",
        # Why.
        "stimulated too much", "blood, oxygen and salts", "nervous system", "dehydrated",
        "sodium, potassium, calcium or magnesium", "Sitting or standing for a long time",
        "without warming up",
        # Prevention.
        "Drink enough water", "bananas", "yoghurt", "nuts", "Warm up", "stretch",
        "Regular activity", "rest days", "posture", "gentle yoga", "handled at home",
        # The doctor.
        "do not get better when you rest", "Swelling or redness where the cramp is",
        "Fever, chills or unusual tiredness", "really hurt and make everyday things hard",
        # Not advice.
        "General information, not medical advice",
    ]:
        assert fact in words, fact


def test_guide_sections_link_to_fitting_routines(client: FlaskClient) -> None:
    page = client.get("/guide").get_data(as_text=True)
    # The fixture catalog has a legs routine (after sitting/standing) and a back/belly one.
    assert 'href="/routines?area=legs"' in page
    assert 'href="/routines?area=back"' in page
    assert 'href="/routines?situation=after-sitting"' in page
    assert 'href="/routines?situation=menstrual"' in page
    # Links to situations without any routine are left out.
    assert 'href="/routines?situation=warm-up"' not in page
    doctor = page.split('id="doctor"')[1]
    assert 'href="/safety"' in doctor


def test_safety_page(client: FlaskClient) -> None:
    response = client.get("/safety")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    words = text_of(page)
    assert "Before you start" in words
    assert "Stop if it hurts" in words
    for sign in DOCTOR_SIGNS:
        assert str(sign) in words
    assert 'href="/guide#doctor"' in page


def test_cramp_now_needs_no_sign_in_and_embeds_its_data(client: FlaskClient) -> None:
    response = client.get("/cramp-now")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    raw = re.search(r'<script type="application/json" id="cramp-now-data">(.*?)</script>', page,
                    re.S)
    assert raw is not None
    data = json.loads(raw.group(1))
    assert [loc["id"] for loc in data["locations"]] == list(CRAMP_NOW_LOCATIONS)
    calf = data["locations"][0]
    assert calf["pose"] == "standing-calf-stretch"
    assert re.fullmatch(r"/static/[0-9a-f]+/poses/standing-calf-stretch\.svg", calf["image"])
    assert calf["seconds"] == 30 and calf["steps"]
    assert data["signed_in"] is False
    for place in CRAMP_NOW_LOCATIONS:
        assert f'data-where="{place}"' in page
    assert re.search(r'<script type="module" src="/static/[0-9a-f]+/js/cramp-now\.js">', page)


def test_cramp_now_without_javascript_shows_the_stretch(client: FlaskClient) -> None:
    page = client.get("/cramp-now?where=calf").get_data(as_text=True)
    assert "Calf stretch" in page and "Straighten the cramping leg." in page
    assert 'role="timer"' in page and "0:30" in page
    chooser = client.get("/cramp-now?where=elbow").get_data(as_text=True)
    assert 'id="cn-choose" aria-labelledby="cn-choose-title" >' in chooser


def test_cramp_now_shows_each_reliefs_cautions_beside_its_pose(
        make_app: Callable[..., Flask]) -> None:
    client = make_app(CONTENT_DIR=None).test_client()  # the real library's relief poses
    belly = client.get("/cramp-now?where=abdomen").get_data(as_text=True)
    care = text_of(belly.split('id="cn-care"')[1].split('class="cn-main"')[0])
    assert "Take care" in care
    assert "If you are pregnant, call your midwife or doctor about belly pain or cramps." in care
    assert ("Belly breathing: If you feel light-headed, let your breathing return to normal. "
            "If lying flat is uncomfortable, or in later pregnancy, prop your head and back on "
            "pillows.") in care
    assert "Sphinx" not in belly and "Lie on your front" not in belly
    for place in CRAMP_NOW_LOCATIONS:
        page = client.get(f"/cramp-now?where={place}").get_data(as_text=True)
        care_box = page.split('id="cn-care"')[1].split(">")[0]
        assert "hidden" not in care_box, place
        assert page.count("<li><strong>") >= 1, place
    calf = client.get("/cramp-now?where=calf").get_data(as_text=True)
    calf_care = text_of(calf.split('id="cn-care"')[1].split('class="cn-main"')[0])
    assert "Skip it for now if you have a recent calf or ankle injury." in calf_care
    assert "pregnant" not in calf_care


def test_cramp_now_waits_for_start(client: FlaskClient) -> None:
    page = client.get("/cramp-now?where=calf").get_data(as_text=True)
    # The timer shows the full hold; the script offers Start before Pause and "It eased".
    assert re.search(r'id="cn-timer"[^>]*>0:30<', page)
    assert re.search(r'<div class="cn-controls cn-ready" id="cn-ready" hidden>\s*'
                     r'<button class="button button-start" type="button" id="cn-start">Start<',
                     page)


@pytest.mark.parametrize("path", ["/", "/routines", "/guide", "/safety", "/cramp-now", "/login",
                                  "/no-such-page"])
def test_every_page_has_one_cramp_now_link_and_the_guide(client: FlaskClient, path: str) -> None:
    page = client.get(path).get_data(as_text=True)
    header = page.split('<header class="site-header">')[1].split("</header>")[0]
    assert page.count('class="nav-cramp"') == 1
    assert 'class="nav-cramp" href="/cramp-now"' in header
    nav = header.split('<nav class="main-nav"')[1].split("</nav>")[0]
    assert 'href="/guide"' in nav
    assert 'href="/diary"' not in nav


def test_signed_in_nav_has_the_diary(user_client: FlaskClient) -> None:
    for path in ("/", "/diary", "/diary/patterns", "/cramp-now"):
        page = user_client.get(path).get_data(as_text=True)
        nav = page.split('<nav class="main-nav"')[1].split("</nav>")[0]
        assert 'href="/diary"' in nav
        assert page.count('class="nav-cramp"') == 1


@pytest.mark.parametrize("path", ["/guide", "/safety", "/cramp-now"])
def test_no_inline_scripts_or_styles(client: FlaskClient, path: str) -> None:
    page = client.get(path).get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "style=" not in page
    assert "<style" not in page


def test_tips_follow_the_guide() -> None:
    assert "warm" in tip_for(["warm-up"]).lower()
    assert "water" in tip_for(["after-exercise"]).lower()
    assert "potassium" in tip_for(["after-exercise"])
    assert "magnesium" in tip_for(["bedtime"])
    assert "period" in tip_for(["menstrual"])
    assert "move every" in tip_for(["desk"])
    assert tip_for(["anytime"]).startswith(DEFAULT_TIP)
    # The most specific situation wins.
    assert tip_for(["bedtime", "night-leg-cramps"]) == tip_for(["night-leg-cramps"])
    for _situation, tip in TIPS:
        assert 40 < len(tip) < 200


@pytest.mark.parametrize("situation", [s for s, _tip in TIPS] + ["anytime"])
def test_a_tip_to_drink_or_eat_salt_defers_to_a_doctors_limit(situation: str) -> None:
    tip = tip_for([situation])
    drink = re.search(r"\b(water|drink)", tip, re.I)
    salt = re.search(r"\b(salt|salted|sodium)\b", tip, re.I)
    if drink:
        assert re.search(r"limit (salt or )?fluids\? Follow your doctor", tip), tip
    if salt:
        assert re.search(r"limit salt", tip), tip


def test_the_abdomen_is_called_the_same_on_home_and_the_guide(
        make_app: Callable[..., Flask]) -> None:
    client = make_app(CONTENT_DIR=None).test_client()  # the real library has abdomen routines
    home = client.get("/").get_data(as_text=True)
    guide = client.get("/guide").get_data(as_text=True)
    assert ">Abdomen<" in home and "<h3>Abdomen</h3>" in guide
    assert "legs, abdomen and back" in home
    assert re.search(r'href="/routines\?area=abdomen">Abdomen routines <span', guide)
    for page in (home, guide):
        assert "Belly routines" not in page and "legs, belly and back" not in page


def advice_to_bounce(text: str) -> list[str]:
    """Return the words in `text` that tell people to bounce or pulse (not to avoid it)."""
    return [m[0] for m in BOUNCE.finditer(text) if not NOT_BEFORE.search(text[:m.start()])]


def test_advice_to_bounce_is_found_and_warnings_against_it_are_not() -> None:
    assert advice_to_bounce("Keep it short and active; gently pulse in and out.") == ["pulse"]
    assert advice_to_bounce("Move into each stretch gently. Do not bounce or pulse.") == []
    assert advice_to_bounce("Hold still, without bouncing, and breathe slowly.") == []
    assert advice_to_bounce("Never bounce or pull yourself down.") == []


def test_no_advice_anywhere_tells_people_to_bounce_or_pulse(client: FlaskClient) -> None:
    library = load_catalog(ROOT / "routines", ROOT / "static")
    texts = [(f"routine {r.slug}", step.note or "") for r in library.routines.values()
             for step in r.steps]
    texts += [(f"pose {p.id}", " ".join((*p.instructions, p.cue, *p.cautions, p.easier)))
              for p in library.poses.values()]
    texts += [(f"tip {situation}", tip) for situation, tip in TIPS]
    texts += [("tip default", DEFAULT_TIP), ("safety note", SAFETY_NOTE)]
    texts += [(f"relief {place}", " ".join(relief.steps)) for place, relief in RELIEF.items()]
    texts += [(path, text_of(client.get(path).get_data(as_text=True)))
              for path in ("/guide", "/safety", "/cramp-now")]
    told = {where: found for where, text in texts if (found := advice_to_bounce(text))}
    assert told == {}
    # The safety page says the same as every step: smooth, controlled movement.
    safety = text_of(client.get("/safety").get_data(as_text=True))
    assert "Do not bounce or pulse" in safety and "smoothly and under control" in safety


LIMIT_SALT = "told to limit salt or fluids"


def test_salt_and_fluid_advice_defers_to_the_doctor(client: FlaskClient) -> None:
    guide = text_of(client.get("/guide").get_data(as_text=True))
    assert "a salted snack or a cup of broth helps" in guide
    salt = guide.split("a salted snack or a cup of broth helps.")[1]
    assert salt.lstrip().startswith(f"If you have been {LIMIT_SALT}, for example for a heart, "
                                    "kidney or blood-pressure condition, follow your doctor's "
                                    "advice instead.")
    water = guide.split("Drink enough water.")[1].split("Eat foods rich")[0]
    assert "If a doctor has told you to limit fluids, follow their advice instead." in water
    # The diary's suggestions from patterns say the same.
    for trigger, rule in SUGGESTION_RULES.items():
        if "sodium" in rule.advice:
            assert f"If you have been {LIMIT_SALT}, follow your doctor's advice" in rule.advice
        if "sip through the day" in rule.advice:
            assert "told you to limit fluids, follow their advice" in rule.advice, trigger
    # The player's tip after exercise carries the same caveat wherever it suggests salt.
    for situation, tip in TIPS:
        if "salt" in tip.replace("salts", ""):
            assert "limit salt or fluids? Follow your doctor" in tip, situation
