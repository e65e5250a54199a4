// The routine player: turns the monotonic clock into a position on the timeline and shows it.
//
// While playing, position = performance.now() - anchor. Nothing counts ticks: a timer only
// wakes the page when the countdown's displayed second changes, and every wake-up (or a return
// to a hidden tab) recomputes everything from the clock, catching up over several steps at once.

import { createCues } from "./cues.js";
import { enqueueCompletion, flushQueue, newCompletionId, rejectedCompletions } from "./queue.js";
import {
  accumulate,
  buildTimeline,
  describe,
  formatClock,
  formatDuration,
  isoWithOffset,
  localTimeZone,
  milestonesBetween,
  nextPosition,
  previousPosition,
  restartPosition,
  sideLabel,
  skipPosition,
} from "./timeline.js";
import { createWakeLock } from "./wakelock.js";

const STATE_PREFIX = "limber.player.";
const RESUME_WINDOW_MS = 30 * 60 * 1000;
const CUE_WINDOW_MS = 1000; // a cue more than this late (caught up after a jump) stays silent

const $ = (id) => document.getElementById(id);

function safeStorage() {
  try {
    const s = window.localStorage;
    s.getItem("x");
    return s;
  } catch {
    const memory = new Map();
    return {
      getItem: (k) => (memory.has(k) ? memory.get(k) : null),
      setItem: (k, v) => memory.set(k, String(v)),
      removeItem: (k) => memory.delete(k),
      key: (i) => Array.from(memory.keys())[i] ?? null,
      get length() {
        return memory.size;
      },
    };
  }
}

const root = $("player");
const dataEl = $("routine-data");
if (root && dataEl) start();

function start() {
  const routine = JSON.parse(dataEl.textContent);
  const tl = buildTimeline(routine);
  const storage = safeStorage();
  // A signed-in person's account settings are the defaults until they choose on this device.
  const cues = createCues(window, storage, routine.cue_defaults || undefined);
  const wakeLock = createWakeLock();
  const stateKey = STATE_PREFIX + routine.slug;

  const el = {
    stepCount: $("step-count"),
    timeLeft: $("time-left"),
    routineProgress: $("routine-progress"),
    image: $("pose-image"),
    phase: $("phase"),
    name: $("pose-name"),
    side: $("pose-side"),
    timer: $("timer"),
    stepProgress: $("step-progress"),
    note: $("pose-note"),
    instructions: $("instructions"),
    nextUp: $("next-up"),
    stage: $("stage"),
    controls: $("controls"),
    secondary: $("controls-secondary"),
    cueSettings: $("cue-settings"),
    start: $("start-btn"),
    pause: $("pause-btn"),
    prev: $("prev-btn"),
    next: $("next-btn"),
    restart: $("restart-btn"),
    stop: $("stop-btn"),
    hurts: $("hurts-btn"),
    resume: $("resume-btn"),
    startOver: $("start-over-btn"),
    hurtsPanel: $("hurts-panel"),
    hurtsTitle: $("hurts-title"),
    hurtsEasier: $("hurts-easier"),
    hurtsCautions: $("hurts-cautions"),
    hurtsSkip: $("hurts-skip"),
    hurtsContinue: $("hurts-continue"),
    donePanel: $("done-panel"),
    doneTitle: $("done-title"),
    doneTime: $("done-time"),
    doneSteps: $("done-steps"),
    doneStreak: $("done-streak"),
    doneSaved: $("done-saved"),
    again: $("again-btn"),
    resumePanel: $("resume-panel"),
    resumeText: $("resume-text"),
    announcer: $("announcer"),
  };

  // ---- session state ------------------------------------------------------------------------
  let s = freshSession();
  let timer = null;
  let shownIndex = -2;
  let hurtsWasPlaying = false;
  let savedOffer = null;

  function freshSession() {
    return {
      status: "ready", // ready | playing | paused | done | offer
      id: null,
      anchor: 0, // performance.now() at position 0, while playing
      pos: 0, // position while not playing
      lastPos: 0, // position accounted up to
      lastNow: 0, // performance.now() accounted up to
      cuePos: -1, // position cues were fired up to
      activeMs: 0,
      holdMs: 0,
      doneSteps: new Set(),
      holdStarted: false,
      startedAt: 0, // Date.now() at Start
    };
  }

  function position() {
    if (s.status === "playing") return Math.min(performance.now() - s.anchor, tl.total);
    return s.pos;
  }

  // Add what was played since the last call (no seek in between) to the session's totals.
  function account(now = performance.now()) {
    if (s.status !== "playing") return;
    const pos = Math.min(now - s.anchor, tl.total);
    const acc = accumulate(tl, s.lastPos, pos);
    s.holdMs += acc.holdMs;
    for (const step of acc.completed) s.doneSteps.add(step);
    if (acc.holdMs > 0 || describe(tl, pos).kind === "hold") s.holdStarted = true;
    s.activeMs += Math.max(0, now - s.lastNow);
    s.lastNow = now;
    s.lastPos = pos;
  }

  // ---- the loop -----------------------------------------------------------------------------
  function tick() {
    clearTimeout(timer);
    timer = null;
    if (s.status !== "playing") return;
    const now = performance.now();
    account(now);
    const pos = s.lastPos;
    fireCues(pos);
    if (pos >= tl.total) {
      finish(true);
      return;
    }
    render(pos);
    save();
    // Wake up when the displayed second changes (segment ends fall on whole seconds).
    const remaining = describe(tl, pos).segmentRemaining;
    const delay = remaining % 1000 || 1000;
    timer = setTimeout(tick, Math.max(1, Math.ceil(delay)));
  }

  function fireCues(pos) {
    const due = milestonesBetween(tl, s.cuePos, pos).filter((m) => pos - m.at < CUE_WINDOW_MS);
    s.cuePos = pos;
    for (const m of due) cue(m);
  }

  function cue(m) {
    if (m.type === "done") return; // finish() has its own
    const seg = tl.segments[m.index];
    const step = tl.steps[seg.step];
    const side = sideLabel(step.side).toLowerCase();
    if (m.type === "start") {
      if (seg.kind === "hold") {
        const words = side ? `${step.name}, ${side}` : step.name;
        announce(`${words}. Hold for ${formatDuration(seg.duration / 1000)}.`);
        cues.say(words, { interrupt: true });
        cues.beep("start");
        cues.vibrate("start");
      } else if (seg.switchSides) {
        announce(`Switch sides. Next: ${step.name}, ${side}.`);
        cues.say("Switch sides", { interrupt: true });
        cues.vibrate("switch");
      } else {
        const lead = seg.kind === "prep" ? "Get ready" : "Next";
        announce(`${lead}: ${step.name}${side ? `, ${side}` : ""}.`);
        cues.say(`${lead}: ${step.name}`, { interrupt: true });
      }
    } else if (m.type === "half") {
      announce("Halfway.");
      cues.say("Halfway");
    } else if (m.type === "count") {
      if (seg.kind === "hold") {
        if (m.n === 3) announce("3 seconds left.");
        cues.say(String(m.n));
      }
      cues.beep("tick");
      if (seg.kind === "hold") cues.vibrate("tick");
    }
  }

  // ---- rendering ----------------------------------------------------------------------------
  function render(pos) {
    const d = describe(tl, pos);
    if (d.done) return;
    if (d.index !== shownIndex) showSegment(d);
    el.timer.textContent = formatClock(d.segmentRemaining);
    el.timeLeft.textContent = `${formatClock(d.totalRemaining)} left`;
    el.routineProgress.max = tl.total;
    el.routineProgress.value = Math.max(0, tl.total - d.totalRemaining);
    el.stepProgress.max = d.segmentDuration || 1;
    el.stepProgress.value = Math.max(0, d.segmentElapsed);
    root.dataset.last = d.segmentRemaining <= 3000 && d.kind === "hold" ? "true" : "false";
  }

  function showSegment(d) {
    shownIndex = d.index;
    const step = tl.steps[d.step];
    const ready = s.status === "ready";
    root.dataset.phase = ready ? "ready" : d.kind;
    root.dataset.step = String(d.step);
    el.phase.textContent = ready
      ? "Ready when you are"
      : d.kind === "hold"
        ? "Hold"
        : d.kind === "prep"
          ? "Get ready"
          : d.switchSides
            ? "Switch sides"
            : "Next pose";
    el.name.textContent = step.name;
    el.side.textContent = sideLabel(step.side);
    el.side.hidden = !step.side;
    el.stepCount.textContent = `Step ${d.stepNumber} of ${d.stepCount}`;
    if (el.image) {
      if (el.image.getAttribute("src") !== step.image) el.image.src = step.image;
      el.image.alt = step.image_alt || "";
    }
    el.note.textContent = step.note || "";
    el.note.hidden = !step.note;
    el.instructions.replaceChildren(
      ...(step.instructions || []).map((line) => {
        const li = document.createElement("li");
        li.textContent = line;
        return li;
      }),
    );
    if (d.nextStep === null) {
      el.nextUp.textContent = "Finish";
    } else {
      const next = tl.steps[d.nextStep];
      el.nextUp.textContent = next.side ? `${next.name} (${next.side} side)` : next.name;
      preload(next.image);
    }
  }

  const preloaded = new Set();
  function preload(url) {
    if (!url || preloaded.has(url)) return;
    preloaded.add(url);
    const img = new Image();
    img.decoding = "async";
    img.src = url;
  }

  function announce(text) {
    const p = document.createElement("p");
    p.textContent = text;
    el.announcer.replaceChildren(p);
  }

  function showControls() {
    const st = s.status;
    const active = st === "playing" || st === "paused";
    root.dataset.state = st;
    el.controls.hidden = st === "done";
    el.secondary.hidden = !active;
    el.start.hidden = st !== "ready";
    el.pause.hidden = !active;
    el.pause.textContent = st === "paused" ? "Resume" : "Pause";
    el.prev.hidden = !active;
    el.next.hidden = !active;
    el.resume.hidden = st !== "offer";
    el.startOver.hidden = st !== "offer";
    el.resumePanel.hidden = st !== "offer";
    el.donePanel.hidden = st !== "done";
    el.stage.hidden = st === "done";
    el.cueSettings.hidden = st === "done";
    if (st !== "playing" && st !== "paused") closeHurts();
  }

  // ---- persistence (resume where you left off) ---------------------------------------------
  function snapshot(key = stateKey) {
    return {
      v: 1,
      key,
      slug: routine.slug,
      id: s.id,
      pos: Math.round(position()),
      activeMs: Math.round(s.activeMs),
      holdMs: Math.round(s.holdMs),
      doneSteps: [...s.doneSteps],
      holdStarted: s.holdStarted,
      startedAt: s.startedAt,
      stepsTotal: tl.steps.length,
      savedAt: Date.now(),
    };
  }

  function save() {
    if (s.status !== "playing" && s.status !== "paused") return;
    try {
      storage.setItem(stateKey, JSON.stringify(snapshot()));
    } catch {
      // storage full or unavailable: no resume offer, nothing else lost
    }
  }

  function clearSaved() {
    try {
      storage.removeItem(stateKey);
    } catch {
      // ignore
    }
  }

  function readSaved(key) {
    try {
      const v = JSON.parse(storage.getItem(key) || "null");
      if (!v || v.v !== 1 || typeof v.pos !== "number" || typeof v.savedAt !== "number") return null;
      return v;
    } catch {
      return null;
    }
  }

  // A saved session left for good (older than the resume window, or "Start over") is recorded
  // as partial when a hold had started, like Stop.
  function recordAbandoned(saved, steps) {
    if (!saved.holdStarted || !saved.id) return;
    enqueue({
      id: saved.id,
      routine: saved.slug,
      started_at: isoWithOffset(new Date(saved.startedAt)),
      ended_at: isoWithOffset(new Date(Math.max(saved.savedAt, saved.startedAt))),
      time_zone: localTimeZone(),
      steps_done: (saved.doneSteps || []).length,
      steps_total: steps,
      seconds_done: Math.round((saved.holdMs || 0) / 1000),
      finished: false,
    });
  }

  function sweepExpired() {
    const now = Date.now();
    const keys = [];
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i);
      if (k && k.startsWith(STATE_PREFIX)) keys.push(k);
    }
    for (const k of keys) {
      const saved = readSaved(k);
      if (saved && now - saved.savedAt < RESUME_WINDOW_MS) continue;
      const steps = saved && saved.slug === routine.slug ? tl.steps.length : saved?.stepsTotal;
      if (saved && steps) recordAbandoned(saved, steps);
      try {
        storage.removeItem(k);
      } catch {
        // ignore
      }
    }
  }

  function enqueue(item) {
    try {
      enqueueCompletion(item);
      return true;
    } catch {
      return false;
    }
  }

  // ---- actions ------------------------------------------------------------------------------
  function beginPlaying(pos) {
    const now = performance.now();
    s.status = "playing";
    s.anchor = now - pos;
    s.lastPos = pos;
    s.lastNow = now;
    cues.unlock();
    wakeLock.acquire();
    showControls();
    tick();
  }

  function onStart() {
    s = freshSession();
    s.id = newCompletionId();
    s.startedAt = Date.now();
    s.cuePos = -1;
    shownIndex = -2;
    beginPlaying(0);
    el.pause.focus();
  }

  function pause() {
    if (s.status !== "playing") return;
    account();
    s.pos = s.lastPos;
    s.status = "paused";
    clearTimeout(timer);
    timer = null;
    cues.silence();
    wakeLock.release();
    showControls();
    render(s.pos);
    save();
    announce("Paused.");
  }

  function resume() {
    if (s.status !== "paused") return;
    announce("Playing."); // first: a step starting right here announces itself after
    beginPlaying(s.pos);
  }

  function togglePause() {
    if (s.status === "playing") pause();
    else if (s.status === "paused") resume();
  }

  function seek(target) {
    if (s.status !== "playing" && s.status !== "paused") return;
    const now = performance.now();
    account(now);
    const pos = Math.max(0, Math.min(target, tl.total));
    s.cuePos = pos - 1; // the milestone at the new position (a step's start) fires
    s.lastPos = pos;
    if (s.status === "playing") {
      s.anchor = now - pos;
      tick();
    } else {
      s.pos = pos;
      if (pos >= tl.total) {
        finish(true);
        return;
      }
      render(pos);
      save();
      const d = describe(tl, pos);
      const step = tl.steps[d.step];
      const side = sideLabel(step.side).toLowerCase();
      announce(`Step ${d.stepNumber} of ${d.stepCount}: ${step.name}${side ? `, ${side}` : ""}. Paused.`);
    }
  }

  function stop() {
    if (s.status !== "playing" && s.status !== "paused") return;
    account();
    if (s.holdStarted) {
      finish(false);
      return;
    }
    clearTimeout(timer);
    timer = null;
    cues.silence();
    wakeLock.release();
    clearSaved();
    s = freshSession();
    shownIndex = -2;
    render(0);
    showControls();
    announce("Stopped.");
    el.start.focus();
  }

  function finish(finished) {
    clearTimeout(timer);
    timer = null;
    account();
    const endedAt = Date.now();
    s.status = "done";
    wakeLock.release();
    clearSaved();
    const item = {
      id: s.id || newCompletionId(),
      routine: routine.slug,
      started_at: isoWithOffset(new Date(s.startedAt || endedAt)),
      ended_at: isoWithOffset(new Date(Math.max(endedAt, s.startedAt))),
      time_zone: localTimeZone(),
      steps_done: s.doneSteps.size,
      steps_total: tl.steps.length,
      seconds_done: Math.round(s.holdMs / 1000),
      finished,
    };
    const queued = enqueue(item);
    root.dataset.phase = "done";
    if (finished) el.stepCount.textContent = `Step ${tl.steps.length} of ${tl.steps.length}`;
    el.timeLeft.textContent = finished ? "Done" : `Stopped with ${formatClock(tl.total - s.lastPos)} left`;
    el.routineProgress.value = finished ? tl.total : s.lastPos;
    el.doneTitle.textContent = finished ? "Well done!" : "Stopped early";
    el.doneTime.textContent = formatDuration(s.activeMs / 1000);
    el.doneSteps.textContent = `${item.steps_done} of ${item.steps_total}`;
    showControls();
    el.doneTitle.focus();
    if (finished) {
      cues.say("Well done. Routine complete.", { interrupt: true });
      cues.beep("end");
      cues.vibrate("end");
      announce("Routine complete. Well done!");
    } else {
      cues.silence();
      announce("Stopped. Your session was saved as partial.");
    }
    reportSaving(item.id, queued);
  }

  async function reportSaving(id, queued) {
    const signedIn = document.body.dataset.signedIn === "true";
    el.doneStreak.textContent = "";
    if (!queued) {
      el.doneSaved.textContent = "This session could not be kept on this device.";
      return;
    }
    if (!signedIn) {
      el.doneSaved.textContent =
        "Saved on this device. Sign in to keep your streak; it will be sent when you do.";
      return;
    }
    el.doneSaved.textContent = "Saving your session…";
    let summary;
    try {
      summary = await flushQueue();
    } catch {
      summary = null;
    }
    if (summary && summary.status === "unauthorized") {
      el.doneSaved.textContent = "Saved on this device. Sign in again to send it.";
      return;
    }
    if (!summary || summary.status !== "ok") {
      el.doneSaved.textContent = "Saved on this device; it will be sent when the connection is back.";
    } else if (rejectedCompletions().some((r) => r.item && r.item.id === id)) {
      el.doneSaved.textContent = "The server could not accept this session.";
    } else {
      el.doneSaved.textContent = "Session saved.";
    }
    try {
      const response = await fetch("/api/stats", {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const stats = await response.json();
      const n = Number(stats.current_streak);
      if (Number.isFinite(n)) {
        el.doneStreak.textContent =
          n > 0 ? `Current streak: ${n} ${n === 1 ? "day" : "days"}` : "Current streak: 0 days";
      }
    } catch {
      // offline: no streak to show
    }
  }

  function playAgain() {
    s = freshSession();
    shownIndex = -2;
    render(0);
    showControls();
    el.start.focus();
  }

  // ---- "this hurts" ---------------------------------------------------------------------------
  // A modal <dialog>: it keeps focus inside, Escape closes it, and focus returns to the button.
  let hurtsChoice = "continue";

  function openHurts() {
    if (s.status !== "playing" && s.status !== "paused") return;
    if (el.hurtsPanel.open) return;
    hurtsWasPlaying = s.status === "playing";
    if (hurtsWasPlaying) pause();
    const d = describe(tl, position());
    const step = tl.steps[Math.min(d.step, tl.steps.length - 1)];
    el.hurtsEasier.textContent =
      step.easier || "Make the movement smaller, or rest in a comfortable position.";
    el.hurtsCautions.replaceChildren(
      ...(step.cautions || []).map((line) => {
        const li = document.createElement("li");
        li.textContent = line;
        return li;
      }),
    );
    hurtsChoice = "continue";
    if (typeof el.hurtsPanel.showModal === "function") el.hurtsPanel.showModal();
    else el.hurtsPanel.setAttribute("open", "");
  }

  function closeHurts() {
    if (!el.hurtsPanel.open) return;
    hurtsChoice = "none";
    if (typeof el.hurtsPanel.close === "function") el.hurtsPanel.close();
    else el.hurtsPanel.removeAttribute("open");
  }

  // The dialog closed some other way (Escape, the browser): same as "Keep going".
  function onHurtsClosed() {
    const choice = hurtsChoice;
    hurtsChoice = "none";
    actOnHurts(choice);
  }

  function actOnHurts(choice) {
    if (choice === "skip") {
      const target = skipPosition(tl, position());
      seek(target);
      if (hurtsWasPlaying && s.status === "paused") resume();
    } else if (choice === "continue" && hurtsWasPlaying && s.status === "paused") {
      resume();
    }
  }

  // Act at once (the dialog's close event comes later, as a task of its own).
  function chooseHurts(choice) {
    closeHurts();
    actOnHurts(choice);
  }

  // ---- resume offer ---------------------------------------------------------------------------
  function offerResume(saved) {
    savedOffer = saved;
    s = freshSession();
    s.status = "offer";
    s.pos = Math.max(0, Math.min(saved.pos, tl.total - 1));
    shownIndex = -2;
    render(s.pos);
    const d = describe(tl, s.pos);
    const step = tl.steps[d.step];
    const side = sideLabel(step.side).toLowerCase();
    el.resumeText.textContent =
      `You were on step ${d.stepNumber} of ${d.stepCount}, ${step.name}` +
      `${side ? ` (${side})` : ""}, with ${formatClock(d.totalRemaining)} to go.`;
    showControls();
  }

  function acceptResume() {
    const saved = savedOffer;
    savedOffer = null;
    if (!saved) return;
    s = freshSession();
    s.id = saved.id || newCompletionId();
    s.startedAt = saved.startedAt || Date.now();
    s.activeMs = saved.activeMs || 0;
    s.holdMs = saved.holdMs || 0;
    s.doneSteps = new Set(saved.doneSteps || []);
    s.holdStarted = Boolean(saved.holdStarted);
    const pos = Math.max(0, Math.min(saved.pos, tl.total));
    s.cuePos = pos - 1;
    shownIndex = -2;
    beginPlaying(pos);
    el.pause.focus();
    const d = describe(tl, pos);
    const step = tl.steps[Math.min(d.step, tl.steps.length - 1)];
    const side = sideLabel(step.side).toLowerCase();
    announce(`Resumed: step ${d.stepNumber} of ${d.stepCount}, ${step.name}${side ? `, ${side}` : ""}.`);
  }

  function declineResume() {
    const saved = savedOffer;
    savedOffer = null;
    if (saved) recordAbandoned(saved, tl.steps.length);
    clearSaved();
    playAgain();
  }

  // ---- cue settings ---------------------------------------------------------------------------
  for (const input of el.cueSettings.querySelectorAll("input[data-cue]")) {
    const kind = input.dataset.cue;
    if (!cues.support[kind]) {
      input.checked = false;
      input.disabled = true;
      input.closest("label")?.classList.add("is-unavailable");
      input.closest("label")?.setAttribute("title", "Not available in this browser");
    } else {
      input.checked = cues.settings[kind];
    }
    input.addEventListener("change", () => cues.set(kind, input.checked));
  }

  // The cue menu closes when one taps elsewhere.
  document.addEventListener("click", (event) => {
    if (el.cueSettings.open && !el.cueSettings.contains(event.target)) el.cueSettings.open = false;
  });

  // ---- wiring -------------------------------------------------------------------------------
  el.start.addEventListener("click", onStart);
  el.pause.addEventListener("click", togglePause);
  el.next.addEventListener("click", () => seek(nextPosition(tl, position())));
  el.prev.addEventListener("click", () => seek(previousPosition(tl, position())));
  el.restart.addEventListener("click", () => seek(restartPosition(tl, position())));
  el.stop.addEventListener("click", stop);
  el.hurts.addEventListener("click", openHurts);
  el.hurtsContinue.addEventListener("click", () => chooseHurts("continue"));
  el.hurtsSkip.addEventListener("click", () => chooseHurts("skip"));
  el.hurtsPanel.addEventListener("close", onHurtsClosed);
  el.hurtsPanel.addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape: close it ourselves and carry on, synchronously
    chooseHurts("continue");
  });
  el.again.addEventListener("click", playAgain);
  el.resume.addEventListener("click", acceptResume);
  el.startOver.addEventListener("click", declineResume);

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (s.status !== "playing" && s.status !== "paused") return;
    const target = event.target instanceof Element ? event.target : null;
    if (el.hurtsPanel.open) return; // the dialog has the keyboard (Escape closes it)
    const typing = target && target.closest("input, select, textarea, [contenteditable]");
    if (event.key === " " || event.code === "Space") {
      // On a button or link, Space keeps its own meaning (the focused Pause button toggles).
      if (typing || (target && target.closest("button, a, summary, label"))) return;
      event.preventDefault();
      togglePause();
    } else if (event.key === "ArrowRight" && !typing) {
      event.preventDefault();
      seek(nextPosition(tl, position()));
    } else if (event.key === "ArrowLeft" && !typing) {
      event.preventDefault();
      seek(previousPosition(tl, position()));
    }
  });

  // Leaving while playing keeps the latest position. A paused session was saved when it paused:
  // saving it again would make a long-abandoned session look fresh.
  function saveIfPlaying() {
    if (s.status !== "playing") return;
    account();
    save();
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") tick();
    else saveIfPlaying();
  });
  window.addEventListener("pageshow", () => tick());
  window.addEventListener("pagehide", saveIfPlaying);

  // ---- boot -----------------------------------------------------------------------------------
  sweepExpired();
  const saved = readSaved(stateKey);
  if (saved && saved.pos < tl.total && tl.steps.length) {
    offerResume(saved);
  } else {
    clearSaved();
    render(0);
    showControls();
  }
  root.dataset.ready = "true";
}
