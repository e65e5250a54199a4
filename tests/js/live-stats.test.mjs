import assert from "node:assert/strict";
import { test } from "node:test";

import {
  confirmedAction, refreshStats, statUpdates, streakMessage,
} from "../../static/js/live-stats.js";

const STATS = {
  current_streak: 1, longest_streak: 4, weekly_goal: 3, this_week_active_days: 1,
  weekly_streak: 0, total_finished: 7, total_minutes: 52, today_active: true,
  minutes_by_area: { legs: 52, abdomen: 0, back: 0 },
};

test("the streak message follows today and the streak", () => {
  assert.equal(streakMessage(STATS), "done");
  assert.equal(streakMessage({ ...STATS, today_active: false }), "going");
  assert.equal(streakMessage({ ...STATS, today_active: false, current_streak: 0 }), "new");
});

test("numbers become text, plurals follow them, flags hide what is false", () => {
  const updates = statUpdates({ ...STATS, today_active: false });
  assert.deepEqual(updates.filter(([k, f]) => k === "stat" && f === "current_streak"),
    [["stat", "current_streak", "1"]]);
  assert.deepEqual(updates.find(([k, f]) => k === "plural" && f === "current_streak"),
    ["plural", "current_streak", ""]);
  assert.deepEqual(updates.find(([k, f]) => k === "plural" && f === "weekly_streak"),
    ["plural", "weekly_streak", "s"]);
  assert.deepEqual(updates.find(([k]) => k === "when"), ["when", "today_active", true]);
  assert.deepEqual(updates.at(-1), ["message", "", "going"]);
  assert.ok(!updates.some(([, f]) => f === "minutes_by_area"));
});

function fakeRoot() {
  const els = {
    '[data-stat="current_streak"]': [{ textContent: "0" }],
    '[data-stat-when="today_active"]': [{ hidden: true }],
    '[data-stat-text="total_finished"]': [{ textContent: "1 session",
      dataset: { one: "%(num)s session", other: "%(num)s sessions" } }],
    '[data-stat-text="current_streak"]': [{ textContent: "0 days",
      dataset: { one: "%(num)s day", other: "%(num)s days" } }],
    "[data-stat-message]": [{ textContent: "Start a new streak today.",
      dataset: { done: "Today is done. Well stretched!", going: "Keep it", new: "New" } }],
  };
  return { els, querySelectorAll: (selector) => els[selector] || [] };
}

test("a refresh writes the new figures into the page's hooks", async () => {
  const root = fakeRoot();
  const fetchFn = async () => ({ ok: true, json: async () => STATS });
  await refreshStats(root, fetchFn);
  assert.equal(root.els['[data-stat="current_streak"]'][0].textContent, "1");
  assert.equal(root.els['[data-stat-when="today_active"]'][0].hidden, false);
  assert.equal(root.els["[data-stat-message]"][0].textContent, "Today is done. Well stretched!");  // Counted texts take the form the number calls for.
  assert.equal(root.els['[data-stat-text="total_finished"]'][0].textContent, "7 sessions");
  assert.equal(root.els['[data-stat-text="current_streak"]'][0].textContent, "1 day");
});

test("a failed read leaves the figures as they were", async () => {
  const root = fakeRoot();
  assert.equal(await refreshStats(root, async () => ({ ok: false })), null);
  assert.equal(await refreshStats(root, async () => { throw new Error("offline"); }), null);
  assert.equal(root.els['[data-stat="current_streak"]'][0].textContent, "0");
});

test("a page whose lists come from the server is loaded again, others get new figures", () => {
  const page = (marked) => ({
    querySelector: (selector) => (marked && selector === "[data-reload-on-confirm]" ? {} : null),
  });
  assert.equal(confirmedAction(page(true)), "reload");
  assert.equal(confirmedAction(page(false)), "refresh");
});
