// Everything the player shows: the stage (picture, phase, name, side, countdown, next up, the
// cautions before a pose), the controls, the announcer, the first-routine safety note, the cue
// switches, full screen, the "this hurts" and stop sheets and the done screen. Text goes in
// through textContent; the decisions are elsewhere (player.js drives, session.js and
// timeline.js compute).

import { isActive, phaseOf, savingMessage, streakText } from "./session.js";
import { formatClock, formatDuration, readJson, t } from "./shared.js";
import { describe, sideLabel, withSide } from "./timeline.js";

const SAFETY_KEY = "limber.safety.seen";
const IDS = {
  stepCount: "step-count", timeLeft: "time-left", routineProgress: "routine-progress",
  image: "pose-image", phase: "phase-word", name: "pose-name", side: "pose-side", timer: "timer",
  stepProgress: "step-progress", care: "care", careList: "care-list", note: "pose-note",
  easierNow: "easier-now", cue: "pose-cue", instructions: "instructions", nextUp: "next-up", stage: "stage",
  controls: "controls", secondary: "controls-secondary", cueSettings: "cue-settings",
  start: "start-btn", pause: "pause-btn", prev: "prev-btn", next: "next-btn", stop: "stop-btn",
  hurts: "hurts-btn", resume: "resume-btn", startOver: "start-over-btn",
  hurtsPanel: "hurts-panel", hurtsEasier: "hurts-easier", hurtsCautions: "hurts-cautions",
  stopPanel: "stop-panel", stopText: "stop-text", donePanel: "done-panel",
  doneTitle: "done-title", doneTime: "done-time", doneSteps: "done-steps",
  doneStreak: "done-streak", doneSaved: "done-saved", doneJoin: "done-join", again: "again-btn",
  resumePanel: "resume-panel", resumeText: "resume-text", announcer: "announcer",
  fullscreen: "fullscreen-btn", figure: "figure",
};

function listItems(doc, lines) {
  return (lines || []).map((line) => {
    const li = doc.createElement("li");
    li.textContent = line;
    return li;
  });
}

/** Show the safety note before a first routine on this device, until it is dismissed. */
export function setupSafetyNote(doc, storage) {
  const note = doc.getElementById("safety-first");
  if (!note || readJson(storage, SAFETY_KEY) === 1) return;
  const dismiss = () => {
    try {
      storage.setItem(SAFETY_KEY, "1");
    } catch {
      // storage unavailable: the note simply shows again next time
    }
    note.hidden = true;
  };
  note.hidden = false;
  doc.getElementById("safety-ok")?.addEventListener("click", dismiss);
  doc.getElementById("start-btn")?.addEventListener("click", dismiss);
}

/** Wire the Voice / Beeps / Vibration switches to `cues`; unavailable kinds are greyed out. */
export function setupCueSwitches(doc, details, cues) {
  for (const input of details.querySelectorAll("input[data-cue]")) {
    const kind = input.dataset.cue;
    const label = input.closest("label");
    if (!cues.support[kind]) {
      input.checked = false;
      input.disabled = true;
      label?.classList.add("is-unavailable");
      label?.setAttribute("title", t("Not available in this browser"));
    } else {
      input.checked = cues.settings[kind];
    }
    input.addEventListener("change", () => cues.set(kind, input.checked));
  }
  // The menu closes when one taps elsewhere.
  doc.addEventListener("click", (event) => {
    if (details.open && !details.contains(event.target)) details.open = false;
  });
}

/** The "Full screen" switch, where the browser has the Fullscreen API (it stays hidden elsewhere). */
export function setupFullscreen(doc, button) {
  const html = doc.documentElement;
  if (!button || !doc.fullscreenEnabled || typeof html.requestFullscreen !== "function") return;
  button.hidden = false;
  const sync = () => button.setAttribute("aria-pressed", String(Boolean(doc.fullscreenElement)));
  button.addEventListener("click", () => {
    const asked = doc.fullscreenElement ? doc.exitFullscreen() : html.requestFullscreen();
    Promise.resolve(asked).catch(() => {}); // refused (no gesture, a policy): nothing changes
  });
  doc.addEventListener("fullscreenchange", sync);
}

/**
 * Space pauses and resumes, ← and → go back and forward, and a tap on the picture pauses and
 * resumes (a big target from across the room); `can()` says whether they apply now.
 */
export function setupShortcuts(doc, figure, { can, toggle, back, forward }) {
  doc.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || !can()) return;
    const target = event.target instanceof Element ? event.target : null;
    const typing = target && target.closest("input, select, textarea, [contenteditable]");
    if (event.key === " " || event.code === "Space") {
      // On a button or link, Space keeps its own meaning (the focused Pause button toggles).
      if (typing || (target && target.closest("button, a, summary, label"))) return;
      event.preventDefault();
      toggle();
    } else if ((event.key === "ArrowRight" || event.key === "ArrowLeft") && !typing) {
      event.preventDefault();
      (event.key === "ArrowRight" ? forward : back)();
    }
  });
  figure?.addEventListener("click", () => can() && toggle());
}

/**
 * A modal <dialog> of choices (buttons with data-choice): it keeps focus inside, and focus
 * returns to the button that opened it. `onChoice(choice)` hears one choice per opening;
 * Escape, or the browser closing it, is "continue".
 */
export function createSheet(panel, onChoice) {
  let choice = "none";

  function close() {
    if (!panel.open) return;
    choice = "none";
    if (typeof panel.close === "function") panel.close();
    else panel.removeAttribute("open");
  }

  // Act at once (the dialog's close event comes later, as a task of its own).
  function choose(what) {
    close();
    onChoice(what);
  }

  for (const button of panel.querySelectorAll("[data-choice]")) {
    button.addEventListener("click", () => choose(button.dataset.choice));
  }
  panel.addEventListener("close", () => {
    const what = choice;
    choice = "none";
    if (what !== "none") onChoice(what);
  });
  panel.addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape: close it ourselves and carry on, synchronously
    choose("continue");
  });

  return {
    get open() {
      return panel.open;
    },
    show() {
      if (panel.open) return;
      choice = "continue";
      if (typeof panel.showModal === "function") panel.showModal();
      else panel.setAttribute("open", "");
    },
    close,
  };
}

/**
 * Fill in how saving went: a guest's session waits on this device (with a real sign-up link);
 * a signed-in person's is sent (`flush`) and the streak fetched from /api/stats.
 */
export async function reportSaving(doc, el, { id, queued, flush, rejected, fetchJson }) {
  const signedIn = doc.body.dataset.signedIn === "true";
  el.doneStreak.textContent = "";
  el.doneJoin.hidden = signedIn || !queued;
  if (!queued || !signedIn) {
    el.doneSaved.textContent = savingMessage({ queued, signedIn });
    return;
  }
  el.doneSaved.textContent = savingMessage({ queued, signedIn, sending: true });
  let summary;
  try {
    summary = await flush();
  } catch {
    summary = null;
  }
  const refused = rejected().some((r) => r.item && r.item.id === id);
  el.doneSaved.textContent = savingMessage({ queued, signedIn, summary, refused });
  if (summary && summary.status === "unauthorized") return;
  try {
    const stats = await fetchJson("/api/stats");
    if (stats) el.doneStreak.textContent = streakText(stats.current_streak);
  } catch {
    // offline: no streak to show
  }
}

/** The player's view over the page `doc`, for timeline `tl`. */
export function createView(doc, root, tl) {
  const el = Object.fromEntries(Object.entries(IDS).map(([k, id]) => [k, doc.getElementById(id)]));
  const preloaded = new Set();
  let shownIndex = -2;
  let shownStep = -1;
  // Notes cut short by a small screen say so (a fade at their foot) until scrolled to the end.
  const notes = doc.getElementById("notes");
  const markMore = () => {
    if (!notes) return;
    notes.classList.toggle("has-more", notes.scrollTop + notes.clientHeight < notes.scrollHeight - 2);
  };
  notes?.addEventListener("scroll", markMore, { passive: true });
  if (notes && typeof ResizeObserver === "function") new ResizeObserver(markMore).observe(notes);

  function preload(url) {
    if (!url || preloaded.has(url)) return;
    preloaded.add(url);
    const img = new Image();
    img.decoding = "async";
    img.src = url;
  }

  function showSegment(d, status) {
    shownIndex = d.index;
    const step = tl.steps[d.step];
    if (d.step !== shownStep) el.easierNow.hidden = true; // an easier version was for its step
    shownStep = d.step;
    root.dataset.step = String(d.step);
    root.dataset.side = step.side || "";
    el.name.textContent = step.name;
    el.side.textContent = sideLabel(step.side);
    el.side.hidden = !step.side;
    el.stepCount.textContent = t("Step %(n)s of %(total)s", { n: d.stepNumber, total: d.stepCount });
    if (el.image) {
      if (el.image.getAttribute("src") !== step.image) el.image.src = step.image;
      el.image.alt = step.image_alt || "";
    }
    // Before a hold (and before Start) its cautions; during it, how to do it.
    const before = d.kind !== "hold" || status === "ready";
    el.careList.replaceChildren(...listItems(doc, step.cautions));
    el.care.hidden = !before || !(step.cautions || []).length;
    el.instructions.replaceChildren(...listItems(doc, step.instructions));
    el.instructions.hidden = before;
    el.cue.textContent = step.cue || "";
    el.cue.hidden = before || !step.cue;
    el.note.textContent = step.note || "";
    el.note.hidden = !step.note;
    markMore();
    if (d.nextStep === null) {
      el.nextUp.textContent = t("Finish");
    } else {
      const next = tl.steps[d.nextStep];
      el.nextUp.textContent = withSide(next.name, next.side);
      // Only once playing: the first load stays small, and the lead-in gives it time to arrive.
      if (status !== "ready" && status !== "offer") preload(next.image);
    }
  }

  return {
    el,
    /** Show the stage at position `pos` of a session in `status`. */
    render(pos, status) {
      const d = describe(tl, pos);
      if (d.done) return;
      if (d.index !== shownIndex) showSegment(d, status);
      const phase = phaseOf(d, status);
      root.dataset.phase = phase.key;
      el.phase.textContent = phase.word;
      el.timer.textContent = formatClock(d.segmentRemaining);
      el.timeLeft.textContent = t("%(time)s left", { time: formatClock(d.totalRemaining) });
      el.routineProgress.max = tl.total;
      el.routineProgress.value = Math.max(0, tl.total - d.totalRemaining);
      el.stepProgress.max = d.segmentDuration || 1;
      el.stepProgress.value = Math.max(0, d.segmentElapsed);
      root.dataset.last = d.segmentRemaining <= 3000 && d.kind === "hold" ? "true" : "false";
    },
    /** Draw the stage afresh on the next render (a new session, a jump, a status change). */
    redraw() {
      shownIndex = -2;
    },
    /** Show the easier version of the step on the stage until the step changes. */
    showEasier(text) {
      el.easierNow.textContent = t("Easier: %(text)s", { text });
      el.easierNow.hidden = false;
    },
    /** Show the controls and panels that fit a session `s`; floor mode while it is under way. */
    showControls(s) {
      const st = s.status;
      const active = isActive(s);
      root.dataset.state = st;
      root.classList.toggle("is-floor", active);
      el.controls.hidden = st === "done";
      el.secondary.hidden = !active;
      el.start.hidden = st !== "ready";
      el.pause.hidden = !active;
      el.pause.textContent = st === "paused" ? t("Resume") : t("Pause");
      el.prev.hidden = !active;
      el.next.hidden = !active;
      el.resume.hidden = st !== "offer";
      el.startOver.hidden = st !== "offer";
      el.resumePanel.hidden = st !== "offer";
      el.donePanel.hidden = st !== "done";
      el.stage.hidden = st === "done";
      el.cueSettings.hidden = st === "done";
      if (el.fullscreen) el.fullscreen.classList.toggle("is-off", st === "done");
    },
    /** Say `text` once to screen readers (a polite live region). */
    announce(text) {
      const p = doc.createElement("p");
      p.textContent = text;
      el.announcer.replaceChildren(p);
    },
    /** Fill the "this hurts" sheet for `step`. */
    fillHurts(step) {
      el.hurtsEasier.textContent =
        step.easier || t("Make the movement smaller, or rest in a comfortable position.");
      el.hurtsCautions.replaceChildren(...listItems(doc, step.cautions));
    },
    /** Say in the stop sheet whether stopping now records anything. */
    fillStop(holdStarted) {
      el.stopText.textContent = holdStarted
        ? t("What you have done so far is saved as a partial session.")
        : t("No hold has started yet, so nothing is recorded.");
    },
    /** "Pick up again?": where the kept session was. */
    showOffer(pos) {
      const d = describe(tl, pos);
      const step = tl.steps[d.step];
      el.resumeText.textContent = t("You were on step %(n)s of %(total)s, %(pose)s, with %(time)s to go.", {
        n: d.stepNumber, total: d.stepCount, pose: withSide(step.name, step.side),
        time: formatClock(d.totalRemaining),
      });
    },
    /** The done screen for completion `item` (time spent: its hold time, as history shows). */
    showDone(s, item) {
      const { finished } = item;
      root.dataset.phase = "done";
      root.dataset.side = "";
      const count = tl.steps.length;
      if (finished) el.stepCount.textContent = t("Step %(n)s of %(total)s", { n: count, total: count });
      el.timeLeft.textContent = finished
        ? t("Done")
        : t("Stopped with %(time)s left", { time: formatClock(tl.total - s.lastPos) });
      el.routineProgress.value = finished ? tl.total : s.lastPos;
      el.doneTitle.textContent = finished ? t("Well done!") : t("Stopped early");
      el.doneTime.textContent = formatDuration(item.seconds_done);
      el.doneSteps.textContent = t("%(done)s of %(total)s", { done: item.steps_done, total: item.steps_total });
    },
  };
}
