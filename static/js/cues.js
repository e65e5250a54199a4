// What the device does while a routine plays: spoken, beeped and vibrated cues (each kind can be
// switched off and the choice is remembered), and keeping the screen on. Everything is
// feature-detected: with no speech, audio, vibration or wake lock the player works silently.

import { formatDuration, pageLang, t } from "./shared.js";
import { nameAndSide, sideLabel } from "./timeline.js";

export const CUES_KEY = "limber.cues";
export const CUE_KINDS = ["speech", "beeps", "vibration"];
const DEFAULTS = { speech: true, beeps: true, vibration: true };

/** Which cue kinds this browser can do. */
export function cueSupport(win = globalThis) {
  return {
    speech: Boolean(win.speechSynthesis && typeof win.SpeechSynthesisUtterance === "function"),
    beeps: typeof (win.AudioContext || win.webkitAudioContext) === "function",
    vibration: Boolean(win.navigator && typeof win.navigator.vibrate === "function"),
  };
}

/** Remembered settings, with defaults (the account's, if given) for anything not chosen here. */
export function loadCueSettings(storage, defaults = DEFAULTS) {
  const out = { ...DEFAULTS };
  for (const kind of CUE_KINDS) if (typeof defaults?.[kind] === "boolean") out[kind] = defaults[kind];
  try {
    const saved = JSON.parse(storage.getItem(CUES_KEY) || "{}");
    for (const kind of CUE_KINDS) if (typeof saved[kind] === "boolean") out[kind] = saved[kind];
  } catch {
    // unreadable: defaults
  }
  return out;
}

export function saveCueSettings(storage, settings) {
  try {
    storage.setItem(CUES_KEY, JSON.stringify(settings));
  } catch {
    // storage unavailable: the choice lasts for this page only
  }
}

const TONES = {
  tick: { freq: 660, ms: 90, gain: 0.18 },
  start: { freq: 880, ms: 260, gain: 0.22 },
  end: { freq: 523, ms: 500, gain: 0.22 },
};

const PATTERNS = {
  start: [200],
  switch: [100, 80, 100],
  tick: [40],
  end: [300, 120, 300],
};

/**
 * The voice to speak the page's language `lang` with: one whose tag is `lang` exactly, else
 * one of the same primary language ("de-DE" for "de"), the device's default among equals;
 * null when the device has none (the browser then picks, guided by the utterance's lang).
 */
export function pickVoice(voices, lang) {
  const norm = (tag) => String(tag || "").replace(/_/g, "-").toLowerCase();
  const wanted = norm(lang);
  const primary = wanted.split("-")[0];
  const list = Array.from(voices || []).filter((v) => v && v.lang);
  const best = (found) => found.find((v) => v.default) || found[0] || null;
  if (!primary) return null;
  return best(list.filter((v) => norm(v.lang) === wanted))
    || best(list.filter((v) => norm(v.lang).split("-")[0] === primary));
}

export function createCues(win = globalThis, storage = null, defaults = DEFAULTS, lang = pageLang()) {
  const support = cueSupport(win);
  const settings = storage ? loadCueSettings(storage, defaults) : { ...DEFAULTS, ...defaults };
  let audio = null;

  function enabled(kind) {
    return support[kind] && settings[kind];
  }

  function hasUserActivation() {
    const ua = win.navigator && win.navigator.userActivation;
    return !ua || ua.hasBeenActive;
  }

  /** Call from a click handler: audio may only start after a user gesture. */
  function unlock() {
    if (!enabled("beeps")) return;
    try {
      if (!audio) {
        const Ctx = win.AudioContext || win.webkitAudioContext;
        audio = new Ctx();
      }
      if (audio.state === "suspended") audio.resume().catch(() => {});
    } catch {
      audio = null;
    }
  }

  function beep(kind = "tick") {
    if (!enabled("beeps") || !audio || audio.state === "closed") return;
    const tone = TONES[kind] || TONES.tick;
    try {
      const at = audio.currentTime;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = tone.freq;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(tone.gain, at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + tone.ms / 1000);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + tone.ms / 1000 + 0.02);
    } catch {
      // audio failed: stay silent
    }
  }

  function say(text, { interrupt = false } = {}) {
    if (!enabled("speech") || !text) return;
    try {
      const synth = win.speechSynthesis;
      if (interrupt) synth.cancel();
      const utterance = new win.SpeechSynthesisUtterance(text);
      utterance.rate = 1;
      // The words are in the page's language: say so, and read them with a voice that speaks it.
      utterance.lang = lang;
      const voice = pickVoice(typeof synth.getVoices === "function" ? synth.getVoices() : [], lang);
      if (voice) utterance.voice = voice;
      utterance.addEventListener("error", () => {}); // no voice (e.g. headless): silent
      synth.speak(utterance);
    } catch {
      // no speech: stay silent
    }
  }

  function vibrate(kind = "start") {
    if (!enabled("vibration") || !hasUserActivation()) return;
    try {
      win.navigator.vibrate(PATTERNS[kind] || PATTERNS.start);
    } catch {
      // ignore
    }
  }

  function silence() {
    try {
      if (support.speech) win.speechSynthesis.cancel();
    } catch {
      // ignore
    }
  }

  function set(kind, on) {
    if (!CUE_KINDS.includes(kind)) return;
    settings[kind] = Boolean(on);
    if (storage) saveCueSettings(storage, settings);
    if (kind === "speech" && !on) silence();
    if (kind === "beeps" && on) unlock();
  }

  /** Say, beep and buzz what cueFor() decided. */
  function play(c) {
    if (c.say) say(c.say, { interrupt: c.interrupt });
    if (c.beep) beep(c.beep);
    if (c.vibrate) vibrate(c.vibrate);
  }

  return { support, settings, enabled, unlock, beep, say, vibrate, silence, set, play };
}

// ---- the screen stays on (Screen Wake Lock API, where there is one) ---------------------------
// The browser drops the lock when the page is hidden; it is asked for again when the page is
// visible and still wants it.

export function createWakeLock(nav = globalThis.navigator, doc = globalThis.document) {
  const supported = Boolean(nav && nav.wakeLock && typeof nav.wakeLock.request === "function");
  let wanted = false;
  let sentinel = null;
  let pending = null;

  async function request() {
    if (!supported || !wanted || (doc && doc.visibilityState !== "visible")) return;
    if (sentinel || pending) return;
    pending = nav.wakeLock.request("screen");
    try {
      const lock = await pending;
      if (!wanted) {
        lock.release().catch(() => {});
        return;
      }
      sentinel = lock;
      lock.addEventListener("release", () => {
        if (sentinel === lock) sentinel = null;
      });
    } catch {
      sentinel = null; // refused (battery saver, no permission, not visible): carry on without
    } finally {
      pending = null;
    }
  }

  if (supported && doc) {
    doc.addEventListener("visibilitychange", () => {
      if (doc.visibilityState === "visible") request();
    });
  }

  return {
    supported,
    get active() {
      return Boolean(sentinel);
    },
    acquire() {
      wanted = true;
      return request();
    },
    release() {
      wanted = false;
      const lock = sentinel;
      sentinel = null;
      if (lock) return lock.release().catch(() => {});
      return Promise.resolve();
    },
  };
}

// ---- what each moment of the routine says ---------------------------------------------------

/**
 * What milestone `m` (see timeline.js) says and does: { announce, say, interrupt, beep, vibrate },
 * any of them null; null for the end, which the done step cues itself. Before a pose not in
 * `cautioned` (a Set of pose ids, updated here), screen readers also hear its cautions, once.
 */
export function cueFor(tl, m, cautioned = new Set()) {
  if (m.type === "done") return null;
  const seg = tl.segments[m.index];
  const step = tl.steps[seg.step];
  const none = { announce: null, say: null, interrupt: false, beep: null, vibrate: null };
  if (m.type === "half") return { ...none, announce: t("Halfway."), say: t("Halfway") };
  if (m.type === "count") {
    const hold = seg.kind === "hold";
    return {
      ...none,
      announce: hold && m.n === 3 ? t("3 seconds left.") : null,
      say: hold ? String(m.n) : null,
      beep: "tick",
      vibrate: hold ? "tick" : null,
    };
  }
  const words = nameAndSide(step.name, step.side);
  if (seg.kind === "hold") {
    const held = formatDuration(seg.duration / 1000);
    return { ...none, announce: t("%(pose)s. Hold for %(time)s.", { pose: words, time: held }), say: words,
      interrupt: true, beep: "start", vibrate: "start" };
  }
  const care = (step.cautions || []).length && !cautioned.has(step.pose) ? step.cautions : [];
  if (care.length) cautioned.add(step.pose);
  const takeCare = care.length ? " " + t("Take care: %(cautions)s", { cautions: care.join(" ") }) : "";
  if (seg.switchSides) {
    // Two whole sentences, so each language words them its own way.
    const next = t("Next: %(pose)s.", { pose: words });
    const switchSides = t("Switch sides");
    return { ...none, announce: `${switchSides}. ${next}${takeCare}`,
      say: `${switchSides}. ${sideLabel(step.side)}`, interrupt: true, vibrate: "switch" };
  }
  const lead = seg.kind === "prep"
    ? t("Get ready: %(pose)s", { pose: words })
    : t("Next: %(pose)s", { pose: words });
  return { ...none, announce: `${lead}.${takeCare}`, say: lead, interrupt: true };
}
