// A guest's sessions wait in this browser until they make an account, so the server cannot
// mark them on the plan's calendar: this module marks the days whose routine was played here.

import { PENDING_KEY } from "./queue.js";
import { readJson, safeStorage, t, tn } from "./shared.js";

/** The local date (YYYY-MM-DD) of an instant in a time zone; null when unreadable. */
export function localDate(instant, timeZone) {
  const moment = new Date(instant);
  if (Number.isNaN(moment.getTime())) return null;
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
      .format(moment);
  } catch {
    return null;
  }
}

/** The "date|routine" keys of the finished sessions waiting to be sent. */
export function playedKeys(items) {
  const keys = new Set();
  for (const item of Array.isArray(items) ? items : []) {
    if (!item || !item.finished || typeof item.routine !== "string") continue;
    const day = localDate(item.started_at, item.time_zone || "UTC");
    if (day) keys.add(`${day}|${item.routine}`);
  }
  return keys;
}

const sessionsDone = (n, num = n) => tn("%(num)s session done", "%(num)s sessions done", n, { num });
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The progress line with `more` sessions added to its "N sessions done" (else unchanged). */
export function withMoreSessions(text, more) {
  // The server writes the same words in the page's language: find either form, any number.
  const pattern = (n) => escape(sessionsDone(n, "#")).replace("#", "(\\d+)");
  const found = new RegExp(`(?<!\\d)(?:${pattern(1)}|${pattern(2)})`).exec(text);
  if (!found) return text;
  const count = Number(found[1] ?? found[2] ?? 1) + more; // a singular without its digit is 1
  return text.slice(0, found.index) + sessionsDone(count) + text.slice(found.index + found[0].length);
}

/** Mark the played days, buttons and progress lines under `root`; return the days marked. */
export function markPlayed(root, keys) {
  let marked = 0;
  for (const cell of root.querySelectorAll(".plan-day[data-routine]")) {
    const { date, routine } = cell.dataset;
    if (!routine || !keys.has(`${date}|${routine}`) || cell.classList.contains("day-done")) continue;
    cell.classList.remove("day-missed", "day-today", "day-paused");
    cell.classList.add("day-done");
    const status = cell.querySelector(".plan-day-status");
    if (status) status.textContent = t("Done");
    marked += 1;
  }
  // Play buttons (the plan page's and the home card's) say when their day is done.
  for (const link of root.querySelectorAll("[data-done-text]")) {
    const { date, routine, doneText } = link.dataset;
    if (keys.has(`${date}|${routine}`)) link.textContent = doneText;
  }
  if (marked) {
    for (const line of root.querySelectorAll("[data-plan-progress]")) {
      line.textContent = withMoreSessions(line.textContent, marked);
    }
  }
  return marked;
}

if (typeof document !== "undefined") {
  markPlayed(document, playedKeys(readJson(safeStorage(window), PENDING_KEY, [])));
}
