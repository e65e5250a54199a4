// A guest's sessions wait in this browser until they make an account, so the server cannot
// mark them on the plan's calendar: this module marks the days whose routine was played here.

import { PENDING_KEY } from "./queue.js";
import { readJson, safeStorage } from "./shared.js";

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

if (typeof document !== "undefined") {
  const keys = playedKeys(readJson(safeStorage(window), PENDING_KEY, []));
  for (const cell of document.querySelectorAll(".plan-day[data-routine]")) {
    const { date, routine } = cell.dataset;
    if (!routine || !keys.has(`${date}|${routine}`)) continue;
    cell.classList.remove("day-missed", "day-today");
    cell.classList.add("day-done");
    const status = cell.querySelector(".plan-day-status");
    if (status) status.textContent = "Done";
  }
}
