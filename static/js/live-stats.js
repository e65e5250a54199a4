// Figures that a session sent after the page loaded changes (the streak on home): the queue
// announces each run that the server confirmed, and this module reads GET /api/stats again and
// writes the new figures into the page's [data-stat] hooks. A page marked
// [data-reload-on-confirm] (/history, whose sessions and charts are drawn by the server) is
// loaded again instead, so every figure on it agrees.
//
// Hooks: data-stat="<field of /api/stats>" shows the number; data-stat-plural="<field>" shows
// "s" unless the number is 1 (English only: prefer the next hook); data-stat-text="<field>" shows
// its data-one or data-other text (say "%(num)s day" / "%(num)s days", in the page's language)
// as the page language's plural rules pick for the number, with %(num)s filled in;
// data-stat-when="<boolean field>" is hidden while it is false;
// data-stat-message holds one of data-done, data-going or data-new (see streakMessage).

import { CONFIRMED_EVENT, confirmedSoFar } from "./queue.js";
import { fill, getJson, number, pageLang } from "./shared.js";

/** Which streak message fits: "done" today, "going" (a streak to keep) or "new". */
export function streakMessage(stats) {
  if (stats.today_active) return "done";
  return stats.current_streak > 0 ? "going" : "new";
}

/** The changes to make: [selector kind, field, text or hidden flag] for these stats. */
export function statUpdates(stats) {
  const updates = [];
  for (const [field, value] of Object.entries(stats)) {
    if (typeof value === "number") {
      updates.push(["stat", field, String(value)]);
      updates.push(["plural", field, value === 1 ? "" : "s"]);
      updates.push(["text", field, value]);
    } else if (typeof value === "boolean") {
      updates.push(["when", field, !value]);
    }
  }
  updates.push(["message", "", streakMessage(stats)]);
  return updates;
}

function apply(root, stats) {
  for (const [kind, field, value] of statUpdates(stats)) {
    if (kind === "stat" || kind === "plural") {
      const attr = kind === "stat" ? "data-stat" : "data-stat-plural";
      for (const el of root.querySelectorAll(`[${attr}="${field}"]`)) el.textContent = value;
    } else if (kind === "text") {
      const one = new Intl.PluralRules(pageLang()).select(value) === "one";
      for (const el of root.querySelectorAll(`[data-stat-text="${field}"]`)) {
        const form = one ? el.dataset.one : el.dataset.other;
        if (form) el.textContent = fill(form, { num: number(value) });
      }
    } else if (kind === "when") {
      for (const el of root.querySelectorAll(`[data-stat-when="${field}"]`)) el.hidden = value;
    } else {
      for (const el of root.querySelectorAll("[data-stat-message]")) {
        const text = el.dataset[value];
        if (text) el.textContent = text;
      }
    }
  }
}

/** Read the stats again and show them; a failed read leaves the figures as they were. */
export async function refreshStats(root = document, fetchFn = globalThis.fetch) {
  const stats = await getJson("/api/stats", fetchFn).catch(() => null);
  if (stats && typeof stats === "object") apply(root, stats);
  return stats;
}

/** What a confirmed send calls for: a fresh page where [data-reload-on-confirm] says its lists
 * and charts come from the server too (/history), else new figures in the hooks. */
export function confirmedAction(root = document) {
  return root.querySelector("[data-reload-on-confirm]") ? "reload" : "refresh";
}

if (typeof window !== "undefined" && typeof document !== "undefined") {
  const refresh = () => (confirmedAction() === "reload"
    ? location.reload()
    : refreshStats().catch(() => undefined));
  // The load's first send may have finished before this module ran.
  if (confirmedSoFar() > 0) refresh();
  window.addEventListener(CONFIRMED_EVENT, refresh);
}
