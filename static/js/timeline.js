// The routine's schedule as pure data: no DOM, no clock. Positions are milliseconds from the
// start of the routine; the player turns a monotonic clock into a position and asks this module
// what is happening there.
//
//   prep (lead-in, before step 0) → hold 0 → transition → hold 1 → … → hold n-1 → done
//
// A transition sits between two holds; between the left and the right side of one pose it is the
// "switch sides" transition. Zero-length prep or transitions are left out.

import { t } from "./shared.js";

const SECOND = 1000;

/** Build the timeline of a routine as given by GET /api/routines/<slug>. */
export function buildTimeline(routine) {
  const steps = Array.isArray(routine?.steps) ? routine.steps : [];
  const prep = wholeSeconds(routine?.prep_seconds) * SECOND;
  const transition = wholeSeconds(routine?.transition_seconds) * SECOND;
  const segments = [];
  const holdSegment = [];
  let t = 0;
  if (prep > 0 && steps.length > 0) {
    segments.push({ kind: "prep", start: t, end: t + prep, step: 0, switchSides: false });
    t += prep;
  }
  steps.forEach((step, i) => {
    if (i > 0 && transition > 0) {
      const prev = steps[i - 1];
      const switchSides = Boolean(prev.side && step.side && prev.pose === step.pose);
      segments.push({ kind: "transition", start: t, end: t + transition, step: i, switchSides });
      t += transition;
    }
    const hold = Math.max(1, wholeSeconds(step.seconds)) * SECOND;
    holdSegment.push(segments.length);
    segments.push({ kind: "hold", start: t, end: t + hold, step: i, switchSides: false });
    t += hold;
  });
  segments.forEach((seg, index) => {
    seg.index = index;
    seg.duration = seg.end - seg.start;
  });
  return { steps, segments, holdSegment, total: t };
}

function wholeSeconds(value) {
  const n = Math.round(Number(value));
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Index of the segment playing at `pos`; segments.length when the routine is over. */
export function segmentIndexAt(tl, pos) {
  if (pos >= tl.total) return tl.segments.length;
  let lo = 0;
  let hi = tl.segments.length - 1;
  const p = Math.max(0, pos);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (tl.segments[mid].start <= p) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The step shown at `pos`: the hold playing, or the one a prep/transition leads into. */
export function stepIndexAt(tl, pos) {
  const i = segmentIndexAt(tl, pos);
  if (i >= tl.segments.length) return tl.steps.length;
  return tl.segments[i].step;
}

/** Everything the player shows at `pos`. */
export function describe(tl, pos) {
  const index = segmentIndexAt(tl, pos);
  const stepCount = tl.steps.length;
  if (index >= tl.segments.length) {
    return {
      done: true,
      index,
      kind: "done",
      step: stepCount,
      stepNumber: stepCount,
      stepCount,
      segmentRemaining: 0,
      segmentElapsed: 0,
      segmentDuration: 0,
      totalRemaining: 0,
      nextStep: null,
      switchSides: false,
    };
  }
  const seg = tl.segments[index];
  const p = Math.max(0, pos);
  // The step shown is the hold playing or the one a lead-in leads into; "next up" follows it.
  const nextStep = seg.step + 1 < stepCount ? seg.step + 1 : null;
  return {
    done: false,
    index,
    kind: seg.kind,
    step: seg.step,
    stepNumber: seg.step + 1,
    stepCount,
    segmentRemaining: seg.end - p,
    segmentElapsed: p - seg.start,
    segmentDuration: seg.duration,
    totalRemaining: tl.total - p,
    nextStep,
    switchSides: seg.switchSides,
  };
}

/** Where "Next step" goes: the start of the following hold, or the end when there is none. */
export function nextPosition(tl, pos) {
  const step = stepIndexAt(tl, pos);
  const index = segmentIndexAt(tl, pos);
  const seg = tl.segments[index];
  const target = seg && seg.kind !== "hold" ? step : step + 1;
  return target < tl.steps.length ? holdStart(tl, target) : tl.total;
}

/** Where "Previous step" goes: the start of the hold before the current step (or the very start). */
export function previousPosition(tl, pos) {
  const step = Math.min(stepIndexAt(tl, pos), tl.steps.length);
  return step > 0 ? holdStart(tl, step - 1) : 0;
}

/** Where "skip this step" goes: the lead-in of the step after the one shown (or the end). */
export function skipPosition(tl, pos) {
  const next = stepIndexAt(tl, pos) + 1;
  return next < tl.steps.length ? leadInStart(tl, next) : tl.total;
}

/** Start of the prep or transition leading into hold `step` (the hold itself when none). */
export function leadInStart(tl, step) {
  const index = tl.holdSegment[step];
  const before = tl.segments[index - 1];
  return before && before.kind !== "hold" ? before.start : tl.segments[index].start;
}

/** Position at which hold `step` starts. */
export function holdStart(tl, step) {
  return tl.segments[tl.holdSegment[step]].start;
}

/**
 * What playing from `from` to `to` (no seek in between) adds up to: milliseconds spent in holds
 * and the holds whose end was reached.
 */
export function accumulate(tl, from, to) {
  const out = { holdMs: 0, completed: [] };
  if (!(to > from)) return out;
  for (const seg of tl.segments) {
    if (seg.kind !== "hold" || seg.end <= from) continue;
    if (seg.start >= to) break;
    out.holdMs += Math.min(seg.end, to) - Math.max(seg.start, from);
    if (seg.end <= to) out.completed.push(seg.step);
  }
  return out;
}

/**
 * The cue moments of a segment: its start; "halfway" in holds of 10 s or more; and the last
 * three seconds ("count", n = 3, 2, 1) of segments longer than 3 s. Each sits on a whole second
 * of the countdown, so it coincides with a display update.
 */
export function milestones(tl, index) {
  const seg = tl.segments[index];
  if (!seg) return [];
  const out = [{ type: "start", at: seg.start, index }];
  if (seg.kind === "hold" && seg.duration >= 10 * SECOND) {
    out.push({ type: "half", at: seg.start + Math.floor(seg.duration / 2 / SECOND) * SECOND, index });
  }
  if (seg.duration > 3 * SECOND) {
    for (const n of [3, 2, 1]) out.push({ type: "count", n, at: seg.end - n * SECOND, index });
  }
  return out;
}

/** Milestones with from < at <= to, oldest first (all segments, including the end: "done"). */
export function milestonesBetween(tl, from, to) {
  const out = [];
  if (!(to > from)) return out;
  const first = segmentIndexAt(tl, Math.max(0, from));
  const last = Math.min(segmentIndexAt(tl, to), tl.segments.length - 1);
  for (let i = first; i <= last; i++) {
    for (const m of milestones(tl, i)) if (m.at > from && m.at <= to) out.push(m);
  }
  if (tl.total > from && tl.total <= to) out.push({ type: "done", at: tl.total, index: tl.segments.length });
  return out;
}

/** The side as words: "Left side", "Right side" or "". */
export function sideLabel(side) {
  if (side === "left") return t("Left side");
  if (side === "right") return t("Right side");
  return "";
}

/** A pose's name with its side in brackets, "Lunge (left side)", or the name alone. */
export function withSide(name, side) {
  if (side === "left") return t("%(pose)s (left side)", { pose: name });
  if (side === "right") return t("%(pose)s (right side)", { pose: name });
  return name;
}

/** A pose's name and side as the cues say them, "Lunge, left side", or the name alone. */
export function nameAndSide(name, side) {
  const words = sideWords(side);
  return words ? t("%(pose)s, %(side)s", { pose: name, side: words }) : name;
}

/** The side as words inside a sentence: "left side", "right side" or "". */
export function sideWords(side) {
  if (side === "left") return t("left side");
  if (side === "right") return t("right side");
  return "";
}
