// One play-through of a routine as plain data: its state, seeking, what is kept for "pick up
// again", and the completion recorded when it ends. Pure functions: the monotonic clock (`now`,
// performance.now()) and the wall clock (`wall`, Date.now()) are passed in, nothing is stored.
//
// While playing, position = now - anchor; otherwise the position is `pos`. `lastPos`/`lastNow`
// say how far the totals (hold time, steps done, active time) have been added up.

import { t, tn } from "./shared.js";
import { accumulate, describe } from "./timeline.js";

export const STATE_PREFIX = "limber.player.";
export const RESUME_WINDOW_MS = 30 * 60 * 1000;
const SAVED_VERSION = 1;

/** A session that has not started; `status` is ready | playing | paused | done | offer. */
export function freshSession(status = "ready") {
  return {
    status,
    id: null,
    anchor: 0,
    pos: 0,
    lastPos: 0,
    lastNow: 0,
    cuePos: -1, // position the cues were fired up to
    activeMs: 0,
    holdMs: 0,
    doneSteps: [],
    holdStarted: false,
    startedAt: 0, // wall clock at Start
  };
}

/** Whether the session is under way (playing or paused). */
export function isActive(s) {
  return s.status === "playing" || s.status === "paused";
}

/** The position on the timeline at monotonic time `now`. */
export function positionAt(s, tl, now) {
  if (s.status === "playing") return Math.min(now - s.anchor, tl.total);
  return s.pos;
}

/** Add what was played since the last call (no seek in between) to the session's totals. */
export function account(s, tl, now) {
  if (s.status !== "playing") return s;
  const pos = Math.min(now - s.anchor, tl.total);
  const acc = accumulate(tl, s.lastPos, pos);
  const done = new Set([...s.doneSteps, ...acc.completed]);
  return {
    ...s,
    holdMs: s.holdMs + acc.holdMs,
    doneSteps: [...done],
    holdStarted: s.holdStarted || acc.holdMs > 0 || describe(tl, pos).kind === "hold",
    activeMs: s.activeMs + Math.max(0, now - s.lastNow),
    lastNow: now,
    lastPos: pos,
  };
}

/** A new session started at wall time `wall` with the completion id `id`. */
export function startSession(id, wall) {
  return { ...freshSession(), id, startedAt: wall };
}

/** Play from `pos` (start, resume, pick up again). */
export function playFrom(s, pos, now) {
  return { ...s, status: "playing", anchor: now - pos, lastPos: pos, lastNow: now };
}

/** Pause, keeping the position reached. */
export function pauseSession(s, tl, now) {
  if (s.status !== "playing") return s;
  const a = account(s, tl, now);
  return { ...a, status: "paused", pos: a.lastPos };
}

/** Jump to `target` (clamped to the routine); the milestone at the new position fires again. */
export function seekSession(s, tl, target, now) {
  const a = account(s, tl, now);
  const pos = Math.max(0, Math.min(target, tl.total));
  const moved = { ...a, cuePos: pos - 1, lastPos: pos };
  return a.status === "playing" ? { ...moved, anchor: now - pos } : { ...moved, pos };
}

/** What is kept in storage to pick up again, at position `pos` and wall time `wall`. */
export function snapshot(s, tl, slug, pos, wall) {
  return {
    v: SAVED_VERSION,
    key: STATE_PREFIX + slug,
    slug,
    id: s.id,
    pos: Math.round(pos),
    activeMs: Math.round(s.activeMs),
    holdMs: Math.round(s.holdMs),
    doneSteps: [...s.doneSteps],
    holdStarted: s.holdStarted,
    startedAt: s.startedAt,
    stepsTotal: tl.steps.length,
    savedAt: wall,
  };
}

/** A kept snapshot, or null when it is not one (another version, damaged). */
export function parseSaved(value) {
  const v = value;
  if (!v || v.v !== SAVED_VERSION || typeof v.pos !== "number" || typeof v.savedAt !== "number") {
    return null;
  }
  return v;
}

/** Whether a kept snapshot is recent enough to offer picking up again. */
export function isResumable(saved, wall) {
  return Boolean(saved) && wall - saved.savedAt < RESUME_WINDOW_MS;
}

/** The session a kept snapshot resumes into (status "paused", at the kept position). */
export function resumedSession(saved, tl, newId, wall) {
  const pos = Math.max(0, Math.min(saved.pos, tl.total));
  return {
    ...freshSession("paused"),
    id: saved.id || newId,
    startedAt: saved.startedAt || wall,
    activeMs: saved.activeMs || 0,
    holdMs: saved.holdMs || 0,
    doneSteps: [...(saved.doneSteps || [])],
    holdStarted: Boolean(saved.holdStarted),
    pos,
    lastPos: pos,
    cuePos: pos - 1,
  };
}

/**
 * The body of POST /api/completions for a session ending at wall time `ended`.
 * `started`, `ended` → ISO strings via `iso`; `zone` is the browser's time zone.
 */
export function completionItem(s, { slug, stepsTotal, ended, finished, zone, iso, newId }) {
  return {
    id: s.id || newId,
    routine: slug,
    started_at: iso(new Date(s.startedAt || ended)),
    ended_at: iso(new Date(Math.max(ended, s.startedAt))),
    time_zone: zone,
    steps_done: s.doneSteps.length,
    steps_total: stepsTotal,
    seconds_done: Math.round(s.holdMs / 1000),
    finished,
  };
}

/**
 * A kept session left for good (too old to pick up, or "Start over"), as a partial completion,
 * or null when no hold had started (nothing to record).
 */
export function abandonedItem(saved, stepsTotal, { zone, iso }) {
  if (!saved.holdStarted || !saved.id || !stepsTotal) return null;
  return {
    id: saved.id,
    routine: saved.slug,
    started_at: iso(new Date(saved.startedAt)),
    ended_at: iso(new Date(Math.max(saved.savedAt, saved.startedAt))),
    time_zone: zone,
    steps_done: (saved.doneSteps || []).length,
    steps_total: stepsTotal,
    seconds_done: Math.round((saved.holdMs || 0) / 1000),
    finished: false,
  };
}

/**
 * Which kept sessions to forget at wall time `wall`: every one too old to pick up (or
 * unreadable). `entries` are [key, parsed-or-null]; the routine on this page knows its own
 * step count, the others say theirs. Returns { remove: keys, record: partial items }.
 */
export function sweepExpired(entries, wall, here, fmt) {
  const remove = [];
  const record = [];
  for (const [key, saved] of entries) {
    if (!key.startsWith(STATE_PREFIX) || isResumable(saved, wall)) continue;
    remove.push(key);
    if (!saved) continue;
    const steps = saved.slug === here.slug ? here.stepsTotal : saved.stepsTotal;
    const item = abandonedItem(saved, steps, fmt);
    if (item) record.push(item);
  }
  return { remove, record };
}

/**
 * What the done screen says about saving: `queued` (kept on this device), `signedIn`, the
 * flush `summary` (null when it failed) and whether the server refused this session.
 */
export function savingMessage({ queued, signedIn, summary = null, refused = false, sending = false }) {
  if (!queued) return t("This session could not be kept on this device.");
  if (!signedIn) {
    return t("Saved on this device. Sign in or create an account to keep your streak; it will be sent when you do.");
  }
  if (sending) return t("Saving your session…");
  if (summary && summary.status === "unauthorized") return t("Saved on this device. Sign in again to send it.");
  if (!summary || summary.status !== "ok") {
    return t("Saved on this device; it will be sent when the connection is back.");
  }
  return refused ? t("The server could not accept this session.") : t("Session saved.");
}

/** "Current streak: 3 days", or "" when the answer holds no number. */
export function streakText(value) {
  const n = Number(value);
  if (value === null || value === undefined || !Number.isFinite(n)) return "";
  return tn("Current streak: %(num)s day", "Current streak: %(num)s days", n, { num: n });
}

/**
 * The phase a person sees at `d` (timeline.describe) in a session with `status`: a key for its
 * colour and its big word. Paused wins over the phase it paused in.
 */
export function phaseOf(d, status) {
  if (status === "ready") return { key: "ready", word: t("Ready when you are") };
  if (d.done) return { key: "done", word: t("Done") };
  if (status === "paused") return { key: kindKey(d), word: t("Paused") };
  return { key: kindKey(d), word: phaseWord(kindKey(d)) };
}

// Looked up when shown, so the words are the page's (a table made at import would be English).
function phaseWord(key) {
  if (key === "prep") return t("Get ready");
  if (key === "hold") return t("Hold");
  if (key === "switch") return t("Switch sides");
  return t("Next pose");
}

function kindKey(d) {
  if (d.kind === "transition") return d.switchSides ? "switch" : "next";
  return d.kind;
}
