// Cues in the page's language: the voice chosen for it, and the words taken from the page's
// catalogue. This file stands in a page (a document with lang="es" and its strings) before the
// modules load, so it runs in a process of its own (node --test runs each file separately).

import assert from "node:assert/strict";
import { describe as group, test } from "node:test";

const SPANISH = {
  "Switch sides": "Cambia de lado",
  "Right side": "Lado derecho",
  "right side": "lado derecho",
  "left side": "lado izquierdo",
  "%(pose)s, %(side)s": "%(pose)s, %(side)s",
  "Get ready: %(pose)s": "Prepárate: %(pose)s",
  "Next: %(pose)s.": "Siguiente: %(pose)s.",
  "Halfway": "A mitad",
};

globalThis.document = {
  documentElement: { lang: "es" },
  getElementById: (id) => (id === "limber-strings" ? { textContent: JSON.stringify(SPANISH) } : null),
};

const { createCues, cueFor, pickVoice } = await import("../../static/js/cues.js");
const { buildTimeline } = await import("../../static/js/timeline.js");

const voice = (name, lang, isDefault = false) => ({ name, lang, default: isDefault });
const VOICES = [
  voice("Samantha", "en-US", true),
  voice("Anna", "de-DE"),
  voice("Mónica", "es-ES"),
  voice("Paulina", "es-MX"),
  voice("Luciana", "es_AR"),
];

group("the voice for the page's language", () => {
  test("takes the voice whose tag is exactly the page's", () => {
    assert.equal(pickVoice(VOICES, "es-MX").name, "Paulina");
    assert.equal(pickVoice(VOICES, "ES-ar").name, "Luciana"); // case and _ do not matter
  });

  test("else one of the same language, the device's default among them first", () => {
    assert.equal(pickVoice(VOICES, "de").name, "Anna");
    assert.equal(pickVoice(VOICES, "de-AT").name, "Anna");
    assert.equal(pickVoice(VOICES, "es").name, "Mónica");
    const withDefault = [...VOICES, voice("Jorge", "es-ES", true)];
    assert.equal(pickVoice(withDefault, "es").name, "Jorge");
  });

  test("is none when the device cannot speak the language (the default voice then reads)", () => {
    assert.equal(pickVoice(VOICES, "fr"), null);
    assert.equal(pickVoice([], "es"), null);
    assert.equal(pickVoice(undefined, "es"), null);
    assert.equal(pickVoice([voice("Anna", "de-DE")], ""), null);
    assert.equal(pickVoice([{ name: "no tag" }], "es"), null);
  });
});

function speakingWindow(voices) {
  const spoken = [];
  class Utterance {
    constructor(text) {
      this.text = text;
      this.lang = "";
      this.voice = null;
    }
    addEventListener() {}
  }
  return {
    spoken,
    SpeechSynthesisUtterance: Utterance,
    speechSynthesis: { speak: (u) => spoken.push(u), cancel: () => {}, getVoices: () => voices },
    navigator: {},
  };
}

group("speaking", () => {
  test("an utterance carries the page's language and a voice that speaks it", () => {
    const win = speakingWindow(VOICES);
    createCues(win).say("Cambia de lado");
    const [u] = win.spoken;
    assert.equal(u.lang, "es");
    assert.equal(u.voice.name, "Mónica");
  });

  test("with no voice for the language the default voice reads, told the language", () => {
    const win = speakingWindow([voice("Samantha", "en-US", true)]);
    createCues(win, null, undefined, "de").say("Seite wechseln");
    const [u] = win.spoken;
    assert.equal(u.lang, "de");
    assert.equal(u.voice, null);
  });

  test("the cue words come from the page's catalogue", () => {
    const tl = buildTimeline({
      prep_seconds: 5,
      transition_seconds: 5,
      steps: [
        { pose: "lunge", name: "Estocada", side: "left", seconds: 10 },
        { pose: "lunge", name: "Estocada", side: "right", seconds: 10 },
      ],
    });
    const at = (type, index) => cueFor(tl, { type, index, at: tl.segments[index].start });
    assert.equal(at("start", 0).say, "Prepárate: Estocada, lado izquierdo");
    assert.equal(at("start", 2).say, "Cambia de lado. Lado derecho");
    assert.equal(at("start", 2).announce, "Cambia de lado. Siguiente: Estocada, lado derecho.");
    assert.equal(at("half", 1).say, "A mitad");
  });
});
