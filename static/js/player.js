// The routine player's page: turns the monotonic clock into a position on the timeline and shows
// it. The schedule is timeline.js, the session's state session.js, the page's DOM player-view.js.
//
// While playing, position = performance.now() - anchor. Nothing counts ticks: a timer only
// wakes the page when the countdown's displayed second changes, and every wake-up (or a return
// to a hidden tab) recomputes everything from the clock, catching up over several steps at once.

import { createCues, createWakeLock, cueFor } from "./cues.js";
import { t } from "./shared.js";
import {
  createSheet,
  createView,
  reportSaving,
  setupCueSwitches,
  setupFullscreen,
  setupSafetyNote,
  setupShortcuts,
} from "./player-view.js";
import { enqueueCompletion, flushQueue, rejectedCompletions } from "./queue.js";
import * as S from "./session.js";
import * as F from "./shared.js";
import * as T from "./timeline.js";

const CUE_WINDOW_MS = 1000; // a cue more than this late (caught up after a jump) stays silent
const FMT = { zone: F.localTimeZone(), iso: F.isoWithOffset };
const $ = (id) => document.getElementById(id);

const root = $("player");
const dataEl = $("routine-data");
if (root && dataEl) start(JSON.parse(dataEl.textContent));

function start(routine) {
  const tl = T.buildTimeline(routine);
  const storage = F.safeStorage(window);
  // A signed-in person's account settings are the defaults until they choose on this device.
  const cues = createCues(window, storage, routine.cue_defaults || undefined);
  const wakeLock = createWakeLock();
  const stateKey = S.STATE_PREFIX + routine.slug;
  const view = createView(document, root, tl);
  const { el } = view;
  const here = { slug: routine.slug, stepsTotal: tl.steps.length };

  let s = S.freshSession();
  let timer = null;
  let wasPlaying = false; // when a sheet opened (it pauses; "Keep going" plays on)
  let cautioned = new Set(); // poses whose cautions screen readers have heard
  let savedOffer = null;
  const now = () => performance.now();
  const position = () => S.positionAt(s, tl, now());
  const stepAt = (d) => tl.steps[Math.min(d.step, tl.steps.length - 1)];
  const stepWords = (step) => T.nameAndSide(step.name, step.side);

  // ---- the loop -----------------------------------------------------------------------------
  function stopTimer() {
    clearTimeout(timer);
    timer = null;
  }

  function tick() {
    stopTimer();
    if (s.status !== "playing") return;
    s = S.account(s, tl, now());
    const pos = s.lastPos;
    fireCues(pos);
    if (pos >= tl.total) {
      finish(true);
      return;
    }
    render(pos);
    save();
    // Wake up when the displayed second changes (segment ends fall on whole seconds).
    const delay = T.describe(tl, pos).segmentRemaining % 1000 || 1000;
    timer = setTimeout(tick, Math.max(1, Math.ceil(delay)));
  }

  function fireCues(pos) {
    const due = T.milestonesBetween(tl, s.cuePos, pos).filter((m) => pos - m.at < CUE_WINDOW_MS);
    s.cuePos = pos;
    for (const m of due) cue(m);
  }

  function cue(m) {
    const c = cueFor(tl, m, cautioned);
    if (!c) return;
    if (c.announce) announce(c.announce);
    cues.play(c);
  }

  const render = (pos) => view.render(pos, s.status);
  const announce = (text) => view.announce(text);
  function showControls() {
    view.showControls(s);
    if (S.isActive(s)) return;
    hurts.close();
    stopSheet.close();
  }

  // ---- persistence (pick up where you left off) ---------------------------------------------
  function save() {
    if (!S.isActive(s)) return;
    F.writeJson(storage, stateKey, S.snapshot(s, tl, routine.slug, position(), Date.now()));
  }

  function enqueue(item) {
    try {
      enqueueCompletion(item);
      return true;
    } catch {
      return false;
    }
  }

  function sweepExpired() {
    const keys = [];
    for (let i = 0; i < storage.length; i++) keys.push(storage.key(i));
    const entries = keys
      .filter((k) => k && k.startsWith(S.STATE_PREFIX))
      .map((k) => [k, S.parseSaved(F.readJson(storage, k))]);
    const { remove, record } = S.sweepExpired(entries, Date.now(), here, FMT);
    for (const item of record) enqueue(item);
    for (const k of remove) F.removeKey(storage, k);
  }

  // ---- actions ------------------------------------------------------------------------------
  function beginPlaying(pos) {
    s = S.playFrom(s, pos, now());
    cues.unlock();
    wakeLock.acquire();
    showControls();
    tick();
  }

  function onStart() {
    s = S.startSession(F.newCompletionId(), Date.now());
    cautioned = new Set();
    view.redraw();
    beginPlaying(0);
    el.pause.focus();
  }

  function pause() {
    if (s.status !== "playing") return;
    s = S.pauseSession(s, tl, now());
    stopTimer();
    cues.silence();
    wakeLock.release();
    showControls();
    view.redraw();
    render(s.pos);
    save();
    announce(t("Paused."));
  }

  function resume() {
    if (s.status !== "paused") return;
    announce(t("Playing.")); // first: a step starting right here announces itself after
    view.redraw();
    beginPlaying(s.pos);
  }

  function togglePause() {
    if (s.status === "playing") pause();
    else if (s.status === "paused") resume();
  }

  function seek(target) {
    if (!S.isActive(s)) return;
    s = S.seekSession(s, tl, target, now());
    if (s.status === "playing") {
      tick();
      return;
    }
    if (s.pos >= tl.total) {
      finish(true);
      return;
    }
    render(s.pos);
    save();
    const d = T.describe(tl, s.pos);
    const step = tl.steps[d.step];
    announce(t("Step %(n)s of %(total)s: %(pose)s. Paused.", { n: d.stepNumber, total: d.stepCount, pose: stepWords(step) }));
  }

  function stop() {
    if (!S.isActive(s)) return;
    s = S.account(s, tl, now());
    if (s.holdStarted) {
      finish(false);
      return;
    }
    stopTimer();
    cues.silence();
    wakeLock.release();
    F.removeKey(storage, stateKey);
    s = S.freshSession();
    view.redraw();
    render(0);
    showControls();
    announce(t("Stopped."));
    el.start.focus();
  }

  function finish(finished) {
    stopTimer();
    s = S.account(s, tl, now());
    const ended = Date.now();
    const item = S.completionItem(s, {
      ...FMT, slug: routine.slug, stepsTotal: tl.steps.length, ended, finished,
      newId: F.newCompletionId(),
    });
    s = { ...s, status: "done" };
    wakeLock.release();
    F.removeKey(storage, stateKey);
    const queued = enqueue(item);
    view.showDone(s, item);
    showControls();
    el.doneTitle.focus();
    if (finished) {
      cues.say(t("Well done. Routine complete."), { interrupt: true });
      cues.beep("end");
      cues.vibrate("end");
      announce(t("Routine complete. Well done!"));
    } else {
      cues.silence();
      announce(t("Stopped. Your session was saved as partial."));
    }
    reportSaving(document, el, {
      id: item.id, queued, flush: flushQueue, rejected: rejectedCompletions, fetchJson: F.getJson,
    });
  }

  function playAgain() {
    s = S.freshSession();
    view.redraw();
    render(0);
    showControls();
    el.start.focus();
  }

  // ---- the sheets: "this hurts" and stop ---------------------------------------------------
  function playOn() {
    if (wasPlaying && s.status === "paused") resume();
  }

  const hurts = createSheet(el.hurtsPanel, (choice) => {
    if (choice === "stop") {
      stop();
    } else if (choice === "skip") {
      seek(T.skipPosition(tl, position()));
      playOn();
    } else {
      if (choice === "easier") view.showEasier(stepAt(T.describe(tl, position())).easier || "");
      playOn();
    }
  });
  const stopSheet = createSheet(el.stopPanel, (choice) => (choice === "stop" ? stop() : playOn()));

  // Both sheets pause the routine while they are open.
  function openSheet(sheet, fill) {
    if (!S.isActive(s) || hurts.open || stopSheet.open) return;
    wasPlaying = s.status === "playing";
    if (wasPlaying) pause();
    fill();
    sheet.show();
  }
  const openHurts = () => openSheet(hurts, () => view.fillHurts(stepAt(T.describe(tl, position()))));
  const askStop = () => openSheet(stopSheet, () => view.fillStop(s.holdStarted));

  // ---- pick up again ------------------------------------------------------------------------
  function offerResume(saved) {
    savedOffer = saved;
    s = { ...S.freshSession("offer"), pos: Math.max(0, Math.min(saved.pos, tl.total - 1)) };
    view.redraw();
    render(s.pos);
    view.showOffer(s.pos);
    showControls();
  }

  function acceptResume() {
    const saved = savedOffer;
    savedOffer = null;
    if (!saved) return;
    s = S.resumedSession(saved, tl, F.newCompletionId(), Date.now());
    view.redraw();
    const pos = s.pos;
    beginPlaying(pos);
    el.pause.focus();
    const d = T.describe(tl, pos);
    const step = stepAt(d);
    announce(t("Resumed: step %(n)s of %(total)s, %(pose)s.", { n: d.stepNumber, total: d.stepCount, pose: stepWords(step) }));
  }

  function declineResume() {
    const saved = savedOffer;
    savedOffer = null;
    const item = saved && S.abandonedItem(saved, tl.steps.length, FMT);
    if (item) enqueue(item);
    F.removeKey(storage, stateKey);
    playAgain();
  }

  // ---- wiring -------------------------------------------------------------------------------
  setupCueSwitches(document, el.cueSettings, cues);
  setupSafetyNote(document, storage);
  setupFullscreen(document, el.fullscreen);
  el.start.addEventListener("click", onStart);
  el.pause.addEventListener("click", togglePause);
  el.next.addEventListener("click", () => seek(T.nextPosition(tl, position())));
  el.prev.addEventListener("click", () => seek(T.previousPosition(tl, position())));
  el.stop.addEventListener("click", askStop);
  el.hurts.addEventListener("click", openHurts);
  el.again.addEventListener("click", playAgain);
  el.resume.addEventListener("click", acceptResume);
  el.startOver.addEventListener("click", declineResume);

  setupShortcuts(document, el.figure, {
    can: () => S.isActive(s) && !hurts.open && !stopSheet.open, // a sheet has the keyboard
    toggle: togglePause,
    forward: () => seek(T.nextPosition(tl, position())),
    back: () => seek(T.previousPosition(tl, position())),
  });

  // Leaving while playing keeps the latest position. A paused session was saved when it paused:
  // saving it again would make a long-abandoned session look fresh.
  function saveIfPlaying() {
    if (s.status !== "playing") return;
    s = S.account(s, tl, now());
    save();
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") tick();
    else saveIfPlaying();
  });
  window.addEventListener("pageshow", () => tick());
  window.addEventListener("pagehide", saveIfPlaying);

  // ---- boot ---------------------------------------------------------------------------------
  sweepExpired();
  const saved = S.parseSaved(F.readJson(storage, stateKey));
  if (saved && saved.pos < tl.total && tl.steps.length) {
    offerResume(saved);
  } else {
    F.removeKey(storage, stateKey);
    render(0);
    showControls();
  }
  root.dataset.ready = "true";
}
