// The routine builder's state and rules, without the DOM: adding, moving and timing steps,
// finding poses, checking a routine as the server will, and the body that is saved.
// Every change returns a new state, so the page can compare it with what was last saved.

import { formatDuration, t, tn } from "./shared.js";
import { withSide } from "./timeline.js";

export const LIMITS = { steps: 40, min_hold: 5, max_hold: 600, max_total: 45 * 60 };
export const TITLE_MIN = 3;
export const TITLE_MAX = 60;
export const NOTE_MAX = 280;
export const PAUSE_MAX = 60;
export const STEP_NOTE_MAX = 140;

/** The state for a new routine, or for one from the server (written_steps or steps). */
export function initialState(routine, poses) {
  const byId = poseMap(poses);
  const given = routine || {};
  const written = given.written_steps || given.steps || [];
  return {
    title: typeof given.title === "string" ? given.title : "",
    note: typeof given.note === "string" ? given.note : "",
    level: given.level === "moderate" ? "moderate" : "gentle",
    prep_seconds: Number.isInteger(given.prep_seconds) ? given.prep_seconds : 10,
    transition_seconds: Number.isInteger(given.transition_seconds) ? given.transition_seconds : 5,
    steps: written
      .filter((s) => s && byId.has(s.pose))
      .map((s) => ({
        pose: s.pose,
        seconds: Number.isInteger(s.seconds) ? s.seconds : byId.get(s.pose).hold_seconds,
        note: s.note || null,
      })),
  };
}

/** The poses by id. */
export function poseMap(poses) {
  return poses instanceof Map ? poses : new Map((poses || []).map((p) => [p.id, p]));
}

/** The state with one field changed (title, note, level, prep_seconds, transition_seconds). */
export function setField(state, name, value) {
  return { ...state, [name]: value };
}

/** The state with the pose added at the end at its usual hold; unchanged when full or unknown. */
export function add(state, poseId, poses, limits = LIMITS) {
  const pose = poseMap(poses).get(poseId);
  if (!pose || state.steps.length >= limits.steps) return state;
  return { ...state, steps: [...state.steps, { pose: pose.id, seconds: pose.hold_seconds, note: null }] };
}

/** The state without step i (unchanged when there is no step i). */
export function remove(state, i) {
  if (!(i >= 0 && i < state.steps.length)) return state;
  return { ...state, steps: state.steps.filter((_, j) => j !== i) };
}

/** The state with step i moved by delta places (unchanged when it would leave the list). */
export function move(state, i, delta) {
  const to = i + delta;
  const n = state.steps.length;
  if (!(i >= 0 && i < n && to >= 0 && to < n) || to === i) return state;
  const steps = [...state.steps];
  const [step] = steps.splice(i, 1);
  steps.splice(to, 0, step);
  return { ...state, steps };
}

/**
 * A hold typed by someone, as whole seconds within the limits: rounded and clamped; null when
 * it is not a number at all.
 */
export function holdValue(value, limits = LIMITS) {
  const text = String(value ?? "").trim();
  if (!/^\d+(\.\d*)?$/.test(text)) return null;
  return Math.min(limits.max_hold, Math.max(limits.min_hold, Math.round(Number(text))));
}

/** The state with step i held for `value` seconds (clamped); unchanged when not a number. */
export function setSeconds(state, i, value, limits = LIMITS) {
  const seconds = holdValue(value, limits);
  if (seconds === null || !(i >= 0 && i < state.steps.length)) return state;
  if (state.steps[i].seconds === seconds) return state;
  const steps = state.steps.map((s, j) => (j === i ? { ...s, seconds } : s));
  return { ...state, steps };
}

/** The state with step i's note set to `text` (cut to the step note's length). */
export function setNote(state, i, text) {
  if (!(i >= 0 && i < state.steps.length)) return state;
  const note = String(text ?? "").slice(0, STEP_NOTE_MAX);
  const steps = state.steps.map((s, j) => (j === i ? { ...s, note: note || null } : s));
  return { ...state, steps };
}

const fold = (text) =>
  String(text || "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/-/g, " ")
    .toLowerCase();

/** The places a pose can be done (its own position when the list is missing). */
export function placesOf(pose) {
  return pose.positions && pose.positions.length ? pose.positions : [pose.position];
}

/**
 * The poses that match every word of the query (in the name, Sanskrit name or targets) and
 * the chosen area, place and kind ("" or missing means any), in the order given.
 */
export function filterPoses(poses, { query = "", area = "", place = "", kind = "" } = {}) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  return poses.filter((p) => {
    if (area && !(p.areas || []).includes(area)) return false;
    if (place && !placesOf(p).includes(place)) return false;
    if (kind && p.kind !== kind) return false;
    if (!words.length) return true;
    const text = fold([p.name, p.sanskrit, ...(p.targets || [])].join(" "));
    return words.every((w) => text.includes(w));
  });
}

/** The holds the player will play: a per-side pose is a left and then a right hold. */
export function expandedHolds(state, poses) {
  const byId = poseMap(poses);
  const out = [];
  state.steps.forEach((step, index) => {
    const pose = byId.get(step.pose);
    if (!pose) return;
    const sides = pose.per_side ? ["left", "right"] : [null];
    for (const side of sides) out.push({ index, pose: pose.id, name: pose.name, side, seconds: step.seconds });
  });
  return out;
}

/** The routine's length as the server counts it: prep, every hold, a move between holds. */
export function totalSeconds(state, poses) {
  const holds = expandedHolds(state, poses);
  // Nothing to play takes no time (the server never counts a routine without steps).
  if (!holds.length) return 0;
  const held = holds.reduce((sum, h) => sum + h.seconds, 0);
  // A pause being typed (not a number yet) counts as none until it is one.
  const [prep, between] = [state.prep_seconds, state.transition_seconds].map((x) => (Number.isFinite(x) ? x : 0));
  return prep + held + between * Math.max(0, holds.length - 1);
}

/** "Total 6 min 30 s", as the routine pages write lengths. */
export function totalText(state, poses) {
  return t("Total %(time)s", { time: formatDuration(totalSeconds(state, poses)) });
}

/** The preview's line in words: "10 s to get ready, 7 holds and 6 moves of 5 s." */
export function timelineSummary(state, poses) {
  const count = expandedHolds(state, poses).length;
  const prep = Number.isFinite(state.prep_seconds) ? state.prep_seconds : 0;
  const between = Number.isFinite(state.transition_seconds) ? state.transition_seconds : 0;
  const holds = tn("%(num)s hold", "%(num)s holds", count, { num: count });
  const time = formatDuration(prep);
  const moveCount = tn("%(num)s move", "%(num)s moves", count - 1, { num: count - 1 });
  const moves = between && count > 1 ? t("%(moves)s of %(time)s", { moves: moveCount, time: formatDuration(between) }) : "";
  // Whole sentences, so that each language joins the parts its own way.
  if (prep && count && moves) return t("%(time)s to get ready, %(holds)s and %(moves)s.", { time, holds, moves });
  if (prep && count) return t("%(time)s to get ready and %(holds)s.", { time, holds });
  if (moves) return t("%(holds)s and %(moves)s.", { holds, moves });
  return t("%(holds)s.", { holds });
}

/**
 * The preview's parts in playing order, each {kind: prep|hold|move, start, seconds, label,
 * index (the step), side}; a move between the two sides of a pose is labelled as a switch.
 */
export function timeline(state, poses) {
  const parts = [];
  let start = 0;
  const push = (part) => {
    parts.push({ start, ...part });
    start += part.seconds;
  };
  const holds = expandedHolds(state, poses);
  if (Number.isFinite(state.prep_seconds) && state.prep_seconds > 0 && holds.length) {
    push({ kind: "prep", seconds: state.prep_seconds, label: t("Get ready"), index: null, side: null });
  }
  holds.forEach((hold, i) => {
    if (i > 0 && Number.isFinite(state.transition_seconds) && state.transition_seconds > 0) {
      const switching = holds[i - 1].index === hold.index;
      push({ kind: "move", seconds: state.transition_seconds, label: switching ? t("Switch sides") : t("Move"),
        index: hold.index, side: null });
    }
    push({ kind: "hold", seconds: hold.seconds, label: withSide(hold.name, hold.side), index: hold.index,
      side: hold.side });
  });
  return parts;
}


/** What is wrong with the routine, as [{field, message}] named like the server's fields. */
export function validate(state, poses, limits = LIMITS) {
  const problems = [];
  const title = state.title.trim();
  if (title.length < TITLE_MIN) {
    problems.push({ field: "title",
      message: t("Give the routine a title of at least %(min)s characters.", { min: TITLE_MIN }) });
  } else if (title.length > TITLE_MAX) {
    problems.push({ field: "title", message: t("Keep the title to %(max)s characters or fewer (it has %(count)s).",
      { max: TITLE_MAX, count: title.length }) });
  }
  if (state.note.trim().length > NOTE_MAX) {
    problems.push({ field: "note", message: t("Keep the note to %(max)s characters or fewer.", { max: NOTE_MAX }) });
  }
  const pauses = {
    prep_seconds: () => t("Getting ready takes 0 to %(max)s seconds.", { max: PAUSE_MAX }),
    transition_seconds: () => t("Moving between holds takes 0 to %(max)s seconds.", { max: PAUSE_MAX }),
  };
  for (const [field, message] of Object.entries(pauses)) {
    const value = state[field];
    if (!Number.isInteger(value) || value < 0 || value > PAUSE_MAX) problems.push({ field, message: message() });
  }
  if (!state.steps.length) {
    problems.push({ field: "steps", message: t("Add at least one pose.") });
  } else if (state.steps.length > limits.steps) {
    problems.push({ field: "steps", message: t("A routine has at most %(max)s steps; this one has %(count)s.",
      { max: limits.steps, count: state.steps.length }) });
  }
  state.steps.forEach((step, i) => {
    if ((step.note || "").trim().length > STEP_NOTE_MAX) {
      problems.push({ field: `steps.${i}.note`,
        message: t("Step %(n)s: keep the note to %(max)s characters or fewer.", { n: i + 1, max: STEP_NOTE_MAX }) });
    }
    if (!Number.isInteger(step.seconds) || step.seconds < limits.min_hold || step.seconds > limits.max_hold) {
      problems.push({ field: `steps.${i}.seconds`, message: t("Step %(n)s: hold for %(min)s to %(max)s seconds.",
        { n: i + 1, min: limits.min_hold, max: limits.max_hold }) });
    }
  });
  const total = totalSeconds(state, poses);
  const most = limits.max_total ?? LIMITS.max_total;
  if (total > most) {
    const minutes = tn("%(num)s minute", "%(num)s minutes", most / 60, { num: most / 60 });
    problems.push({ field: "steps", message: t("The routine would last %(time)s; %(most)s is the most. Shorten or remove a step.",
      { time: formatDuration(total), most: minutes }) });
  }
  return problems;
}

/**
 * Where a field named by the server or by validate() is shown: {step: i} for a step's field
 * ("steps.2.seconds", "steps[2].pose"), else {name} (title, note, steps, …).
 */
export function fieldTarget(field) {
  const found = /^steps(?:\.(\d+)|\[(\d+)\])/.exec(String(field || ""));
  if (found) return { step: Number(found[1] ?? found[2]) };
  return { name: String(field || "body").split(".")[0] };
}

/** The JSON body of POST and PUT /api/my-routines. */
export function body(state) {
  const note = state.note.trim();
  return {
    title: state.title.trim(),
    note: note || null,
    level: state.level,
    prep_seconds: state.prep_seconds,
    transition_seconds: state.transition_seconds,
    steps: state.steps.map((s) => ({ pose: s.pose, seconds: s.seconds, note: (s.note || "").trim() || null })),
  };
}

/** Whether two states would save the same routine. */
export function sameRoutine(a, b) {
  return JSON.stringify(body(a)) === JSON.stringify(body(b));
}
