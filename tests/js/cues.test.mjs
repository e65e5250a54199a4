import assert from "node:assert/strict";
import { describe as group, test } from "node:test";

import {
  createCues,
  createWakeLock,
  cueFor,
  CUES_KEY,
  cueSupport,
  loadCueSettings,
  saveCueSettings,
} from "../../static/js/cues.js";
import { buildTimeline } from "../../static/js/timeline.js";

function memoryStorage(initial = {}) {
  const map = new Map(Object.entries(initial));
  return { getItem: (k) => (map.has(k) ? map.get(k) : null), setItem: (k, v) => map.set(k, String(v)) };
}

function fakeWindow() {
  const log = [];
  class Utterance {
    constructor(text) {
      this.text = text;
    }
    addEventListener() {}
  }
  class Ctx {
    constructor() {
      this.state = "running";
      this.currentTime = 0;
      this.destination = {};
    }
    createOscillator() {
      return {
        frequency: {},
        connect: (g) => g,
        start: () => log.push("beep"),
        stop: () => {},
      };
    }
    createGain() {
      return {
        gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} },
        connect: (x) => x,
      };
    }
  }
  return {
    log,
    SpeechSynthesisUtterance: Utterance,
    speechSynthesis: { speak: (u) => log.push(`say:${u.text}`), cancel: () => log.push("cancel") },
    AudioContext: Ctx,
    navigator: { vibrate: (p) => log.push(`vibrate:${p.join(",")}`), userActivation: { hasBeenActive: true } },
  };
}

group("cues", () => {
  test("settings default to on and are remembered", () => {
    const storage = memoryStorage();
    assert.deepEqual(loadCueSettings(storage), { speech: true, beeps: true, vibration: true });
    const cues = createCues(fakeWindow(), storage);
    cues.set("beeps", false);
    assert.deepEqual(JSON.parse(storage.getItem(CUES_KEY)), { speech: true, beeps: false, vibration: true });
    assert.equal(loadCueSettings(storage).beeps, false);
    assert.deepEqual(loadCueSettings(memoryStorage({ [CUES_KEY]: "nonsense" })).speech, true);
  });

  test("speaks, beeps (after unlock) and vibrates when on", () => {
    const win = fakeWindow();
    const cues = createCues(win, memoryStorage());
    cues.beep();
    assert.deepEqual(win.log, []); // no audio before a user gesture unlocks it
    cues.unlock();
    cues.say("Halfway");
    cues.beep("tick");
    cues.vibrate("switch");
    assert.deepEqual(win.log, ["say:Halfway", "beep", "vibrate:100,80,100"]);
  });

  test("silent when switched off", () => {
    const win = fakeWindow();
    const cues = createCues(win, memoryStorage({ [CUES_KEY]: '{"speech":false,"beeps":false,"vibration":false}' }));
    cues.unlock();
    cues.say("3");
    cues.beep();
    cues.vibrate();
    assert.deepEqual(win.log, []);
  });

  test("no vibration before the user has interacted", () => {
    const win = fakeWindow();
    win.navigator.userActivation.hasBeenActive = false;
    createCues(win, memoryStorage()).vibrate();
    assert.deepEqual(win.log, []);
  });

  test("a browser with none of it works silently", () => {
    const bare = { navigator: {} };
    assert.deepEqual(cueSupport(bare), { speech: false, beeps: false, vibration: false });
    const cues = createCues(bare, memoryStorage());
    cues.unlock();
    cues.say("hello");
    cues.beep();
    cues.vibrate();
    cues.silence();
  });
});

group("wake lock", () => {
  function fakeNav(fail = false) {
    const log = [];
    const nav = {
      log,
      wakeLock: {
        request: async (type) => {
          log.push(`request:${type}`);
          if (fail) throw new Error("NotAllowedError");
          const listeners = [];
          const sentinel = {
            addEventListener: (_e, fn) => listeners.push(fn),
            drop: () => listeners.forEach((fn) => fn()), // the browser lets go (page hidden)
            release: async () => {
              log.push("release");
              sentinel.drop();
            },
          };
          nav.current = sentinel;
          return sentinel;
        },
      },
    };
    return nav;
  }
  function fakeDoc() {
    const handlers = [];
    return {
      visibilityState: "visible",
      addEventListener: (_e, fn) => handlers.push(fn),
      fire() {
        for (const fn of handlers) fn();
      },
    };
  }

  test("acquired, released, and re-acquired when visible again", async () => {
    const nav = fakeNav();
    const doc = fakeDoc();
    const lock = createWakeLock(nav, doc);
    await lock.acquire();
    assert.equal(lock.active, true);
    // the browser drops it when hidden
    doc.visibilityState = "hidden";
    nav.current.drop();
    assert.equal(lock.active, false);
    doc.fire();
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(nav.log, ["request:screen"]); // not while hidden
    doc.visibilityState = "visible";
    doc.fire();
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(lock.active, true);
    await lock.release();
    assert.equal(lock.active, false);
    assert.deepEqual(nav.log, ["request:screen", "request:screen", "release"]);
    doc.fire();
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(nav.log.length, 3); // released (paused, done): not asked for again
  });

  test("a refused or missing wake lock is no error", async () => {
    const lock = createWakeLock(fakeNav(true), fakeDoc());
    await lock.acquire();
    assert.equal(lock.active, false);
    const none = createWakeLock({}, fakeDoc());
    assert.equal(none.supported, false);
    await none.acquire();
    await none.release();
  });
});

test("account defaults apply until this device chooses", () => {
  const storage = new Map();
  const store = { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => storage.set(k, v) };
  assert.deepEqual(loadCueSettings(store, { speech: false, beeps: true, vibration: false }), {
    speech: false,
    beeps: true,
    vibration: false,
  });
  saveCueSettings(store, { speech: true, beeps: false, vibration: true });
  assert.deepEqual(loadCueSettings(store, { speech: false, beeps: true, vibration: false }), {
    speech: true,
    beeps: false,
    vibration: true,
  });
});

group("what each moment says", () => {
  const tl = buildTimeline({
    prep_seconds: 10,
    transition_seconds: 5,
    steps: [
      { pose: "lunge", name: "Lunge", side: "left", seconds: 20 },
      { pose: "lunge", name: "Lunge", side: "right", seconds: 20 },
    ],
  });
  const at = (type, index, n) => cueFor(tl, { type, index, n, at: 0 });

  test("a hold names the pose and the side, beeps and buzzes", () => {
    const c = at("start", 1);
    assert.equal(c.announce, "Lunge, left side. Hold for 20\u00a0s.");
    assert.equal(c.say, "Lunge, left side");
    assert.equal(c.beep, "start");
    assert.equal(c.vibrate, "start");
  });

  test("the lead-ins say what comes", () => {
    assert.equal(at("start", 0).announce, "Get ready: Lunge, left side.");
    assert.equal(at("start", 2).announce, "Switch sides. Next: Lunge, right side.");
    assert.equal(at("start", 2).vibrate, "switch");
  });

  test("before a pose with cautions screen readers hear them once; the voice names the side", () => {
    const careful = buildTimeline({
      prep_seconds: 10,
      transition_seconds: 5,
      steps: [
        { pose: "lunge", name: "Lunge", side: "left", seconds: 20, cautions: ["Skip it if pregnant."] },
        { pose: "lunge", name: "Lunge", side: "right", seconds: 20, cautions: ["Skip it if pregnant."] },
      ],
    });
    const heard = new Set();
    const first = cueFor(careful, { type: "start", index: 0, at: 0 }, heard);
    assert.equal(first.announce, "Get ready: Lunge, left side. Take care: Skip it if pregnant.");
    const again = cueFor(careful, { type: "start", index: 2, at: 0 }, heard);
    assert.equal(again.announce, "Switch sides. Next: Lunge, right side.");
    assert.equal(again.say, "Switch sides. Right side");
  });

  test("the last seconds count down aloud only in a hold", () => {
    assert.equal(at("count", 1, 3).announce, "3 seconds left.");
    assert.equal(at("count", 1, 2).announce, null);
    assert.equal(at("count", 1, 2).say, "2");
    assert.equal(at("count", 0, 2).say, null);
    assert.equal(at("count", 0, 2).beep, "tick");
    assert.equal(at("half", 1).announce, "Halfway.");
    assert.equal(cueFor(tl, { type: "done", index: 4, at: 0 }), null);
  });
});
