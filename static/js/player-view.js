// Everything the player shows: the stage (picture, name, side, countdown, next up), the
// controls, the announcer, the first-routine safety note, the cue switches, the "this hurts"
// sheet and the done screen. Text goes in through textContent; the decisions are elsewhere
// (player.js drives, session.js and timeline.js compute).

import { isActive, savingMessage, streakText } from "./session.js";
import { formatClock, formatDuration, readJson } from "./shared.js";
import { describe, sideLabel } from "./timeline.js";

const SAFETY_KEY = "limber.safety.seen";

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
  // The menu closes when one taps elsewhere.
  doc.addEventListener("click", (event) => {
    if (details.open && !details.contains(event.target)) details.open = false;
  });
}

function listItems(doc, lines) {
  return (lines || []).map((line) => {
    const li = doc.createElement("li");
    li.textContent = line;
    return li;
  });
}

/**
 * The "this hurts" sheet: a modal <dialog> (it keeps focus inside, Escape closes it, and focus
 * returns to the button). `onChoice(choice)` hears "continue" or "skip", once per opening;
 * closing it any other way (Escape, the browser) is "continue".
 */
export function createHurtsSheet(doc, el, onChoice) {
  const panel = el.hurtsPanel;
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

  el.hurtsContinue.addEventListener("click", () => choose("continue"));
  el.hurtsSkip.addEventListener("click", () => choose("skip"));
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
    show(step) {
      if (panel.open) return;
      el.hurtsEasier.textContent =
        step.easier || "Make the movement smaller, or rest in a comfortable position.";
      el.hurtsCautions.replaceChildren(...listItems(doc, step.cautions));
      choice = "continue";
      if (typeof panel.showModal === "function") panel.showModal();
      else panel.setAttribute("open", "");
    },
    close,
  };
}

/**
 * Fill the done screen, then tell how saving went: a guest's session waits on this device; a
 * signed-in person's is sent (`flush`) and the streak fetched from /api/stats.
 */
export async function reportSaving(doc, el, { id, queued, flush, rejected, fetchJson }) {
  const signedIn = doc.body.dataset.signedIn === "true";
  el.doneStreak.textContent = "";
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

const IDS = {
  stepCount: "step-count", timeLeft: "time-left", routineProgress: "routine-progress",
  image: "pose-image", phase: "phase", name: "pose-name", side: "pose-side", timer: "timer",
  stepProgress: "step-progress", note: "pose-note", instructions: "instructions",
  nextUp: "next-up", stage: "stage", controls: "controls", secondary: "controls-secondary",
  cueSettings: "cue-settings", start: "start-btn", pause: "pause-btn", prev: "prev-btn",
  next: "next-btn", restart: "restart-btn", stop: "stop-btn", hurts: "hurts-btn",
  resume: "resume-btn", startOver: "start-over-btn", hurtsPanel: "hurts-panel",
  hurtsEasier: "hurts-easier", hurtsCautions: "hurts-cautions", hurtsSkip: "hurts-skip",
  hurtsContinue: "hurts-continue", donePanel: "done-panel", doneTitle: "done-title",
  doneTime: "done-time", doneSteps: "done-steps", doneStreak: "done-streak",
  doneSaved: "done-saved", again: "again-btn", resumePanel: "resume-panel",
  resumeText: "resume-text", announcer: "announcer",
};

function phaseWord(d, status) {
  if (status === "ready") return "Ready when you are";
  if (d.kind === "hold") return "Hold";
  if (d.kind === "prep") return "Get ready";
  return d.switchSides ? "Switch sides" : "Next pose";
}

/** The player's view over the page `doc`, for timeline `tl`. */
export function createView(doc, root, tl) {
  const el = Object.fromEntries(Object.entries(IDS).map(([k, id]) => [k, doc.getElementById(id)]));
  const preloaded = new Set();
  let shownIndex = -2;

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
    root.dataset.phase = status === "ready" ? "ready" : d.kind;
    root.dataset.step = String(d.step);
    el.phase.textContent = phaseWord(d, status);
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
    el.instructions.replaceChildren(...listItems(doc, step.instructions));
    if (d.nextStep === null) {
      el.nextUp.textContent = "Finish";
    } else {
      const next = tl.steps[d.nextStep];
      el.nextUp.textContent = next.side ? `${next.name} (${next.side} side)` : next.name;
      // Only once playing: the first load stays small, and the lead-in gives it time to arrive.
      if (status !== "ready" && status !== "offer") preload(next.image);
    }
  }

  const view = {
    el,
    /** Show the stage at position `pos` of a session in `status`. */
    render(pos, status) {
      const d = describe(tl, pos);
      if (d.done) return;
      if (d.index !== shownIndex) showSegment(d, status);
      el.timer.textContent = formatClock(d.segmentRemaining);
      el.timeLeft.textContent = `${formatClock(d.totalRemaining)} left`;
      el.routineProgress.max = tl.total;
      el.routineProgress.value = Math.max(0, tl.total - d.totalRemaining);
      el.stepProgress.max = d.segmentDuration || 1;
      el.stepProgress.value = Math.max(0, d.segmentElapsed);
      root.dataset.last = d.segmentRemaining <= 3000 && d.kind === "hold" ? "true" : "false";
    },
    /** Draw the stage afresh on the next render (a new session, a jump back to the start). */
    redraw() {
      shownIndex = -2;
    },
    /** Show the controls and panels that fit a session `s`. */
    showControls(s) {
      const st = s.status;
      const active = isActive(s);
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
    },
    /** Say `text` once to screen readers (a polite live region). */
    announce(text) {
      const p = doc.createElement("p");
      p.textContent = text;
      el.announcer.replaceChildren(p);
    },
    /** "Pick up again?": where the kept session was. */
    showOffer(pos) {
      const d = describe(tl, pos);
      const step = tl.steps[d.step];
      const side = sideLabel(step.side).toLowerCase();
      el.resumeText.textContent =
        `You were on step ${d.stepNumber} of ${d.stepCount}, ${step.name}` +
        `${side ? ` (${side})` : ""}, with ${formatClock(d.totalRemaining)} to go.`;
    },
    /** The done screen for completion `item`, after `s.activeMs` of playing. */
    showDone(s, item) {
      const { finished } = item;
      root.dataset.phase = "done";
      if (finished) el.stepCount.textContent = `Step ${tl.steps.length} of ${tl.steps.length}`;
      el.timeLeft.textContent = finished ? "Done" : `Stopped with ${formatClock(tl.total - s.lastPos)} left`;
      el.routineProgress.value = finished ? tl.total : s.lastPos;
      el.doneTitle.textContent = finished ? "Well done!" : "Stopped early";
      el.doneTime.textContent = formatDuration(s.activeMs / 1000);
      el.doneSteps.textContent = `${item.steps_done} of ${item.steps_total}`;
    },
  };
  return view;
}
