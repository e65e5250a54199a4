import assert from "node:assert/strict";
import { describe as group, test } from "node:test";

import {
  abandonedItem,
  account,
  completionItem,
  freshSession,
  isActive,
  parseSaved,
  pauseSession,
  phaseOf,
  playFrom,
  positionAt,
  RESUME_WINDOW_MS,
  resumedSession,
  savingMessage,
  seekSession,
  snapshot,
  startSession,
  STATE_PREFIX,
  streakText,
  sweepExpired,
} from "../../static/js/session.js";
import { buildTimeline, describe } from "../../static/js/timeline.js";

// prep 10 s, hold A 30 s, transition 5 s, hold B 20 s: 65 s in all.
const routine = {
  slug: "demo",
  prep_seconds: 10,
  transition_seconds: 5,
  steps: [
    { pose: "a", name: "A", side: null, seconds: 30 },
    { pose: "b", name: "B", side: null, seconds: 20 },
  ],
};
const tl = buildTimeline(routine);
const WALL = Date.parse("2026-11-24T20:00:00Z");
const FMT = { zone: "Europe/Paris", iso: (d) => d.toISOString() };

function playing(at = 0, now = 1000) {
  return playFrom(startSession("id-1", WALL), at, now);
}

group("state and seeking", () => {
  test("a fresh session is ready, not active, at 0", () => {
    const s = freshSession();
    assert.equal(s.status, "ready");
    assert.equal(isActive(s), false);
    assert.equal(positionAt(s, tl, 99_999), 0);
  });

  test("while playing the position follows the clock, capped at the end", () => {
    const s = playing(0, 1000);
    assert.equal(isActive(s), true);
    assert.equal(positionAt(s, tl, 4000), 3000);
    assert.equal(positionAt(s, tl, 1_000_000), tl.total);
  });

  test("accounting adds hold time and finished steps, never the lead-ins", () => {
    let s = playing(0, 0);
    s = account(s, tl, 9000); // still in the prep
    assert.equal(s.holdMs, 0);
    assert.equal(s.holdStarted, false);
    s = account(s, tl, 45_000); // through hold A (10–40 s) and into the transition
    assert.equal(s.holdMs, 30_000);
    assert.deepEqual(s.doneSteps, [0]);
    assert.equal(s.holdStarted, true);
    assert.equal(s.activeMs, 45_000);
    assert.equal(account(s, tl, 45_000).holdMs, 30_000, "the same span is not counted twice");
  });

  test("pause keeps the position however long it lasts", () => {
    const s = pauseSession(playing(0, 0), tl, 12_000);
    assert.equal(s.status, "paused");
    assert.equal(positionAt(s, tl, 500_000), 12_000);
    assert.equal(s.holdMs, 2000);
  });

  test("a seek moves the position, refires the milestone there and does not count the gap", () => {
    const s = seekSession(playing(0, 0), tl, 45_000, 2000);
    assert.equal(positionAt(s, tl, 2000), 45_000);
    assert.equal(s.cuePos, 44_999);
    assert.equal(s.holdMs, 0);
    const paused = seekSession(pauseSession(playing(0, 0), tl, 1000), tl, -50, 3000);
    assert.equal(positionAt(paused, tl, 9000), 0);
    assert.equal(seekSession(paused, tl, 1e9, 3000).pos, tl.total);
  });
});

group("persistence and resume", () => {
  test("a snapshot reads back and resumes at the same place with the same totals", () => {
    const s = account(playing(0, 0), tl, 20_000);
    const kept = JSON.parse(JSON.stringify(snapshot(s, tl, "demo", 20_000, WALL + 20_000)));
    assert.equal(kept.key, `${STATE_PREFIX}demo`);
    const saved = parseSaved(kept);
    assert.ok(saved);
    const again = resumedSession(saved, tl, "other-id", WALL + 60_000);
    assert.equal(again.id, "id-1");
    assert.equal(again.pos, 20_000);
    assert.equal(again.holdMs, 10_000);
    assert.equal(again.startedAt, WALL);
    assert.equal(again.cuePos, 19_999);
  });

  test("anything that is not a snapshot is refused", () => {
    assert.equal(parseSaved(null), null);
    assert.equal(parseSaved({ v: 2, pos: 1, savedAt: 1 }), null);
    assert.equal(parseSaved({ v: 1, pos: "1", savedAt: 1 }), null);
  });

  test("sessions older than the window are swept; one with a hold is kept as partial", () => {
    const old = (slug, holdStarted) => ({
      v: 1, slug, id: `${slug}-id`, pos: 15_000, holdMs: 5000, doneSteps: [], holdStarted,
      startedAt: WALL - RESUME_WINDOW_MS - 60_000, savedAt: WALL - RESUME_WINDOW_MS - 1, stepsTotal: 7,
    });
    const fresh = { ...old("fresh", true), savedAt: WALL - 1000 };
    const { remove, record } = sweepExpired(
      [
        [`${STATE_PREFIX}demo`, old("demo", true)],
        [`${STATE_PREFIX}other`, old("other", true)],
        [`${STATE_PREFIX}nohold`, old("nohold", false)],
        [`${STATE_PREFIX}fresh`, fresh],
        [`${STATE_PREFIX}broken`, null],
        ["limber.cues", null],
      ],
      WALL,
      { slug: "demo", stepsTotal: 2 },
      FMT,
    );
    assert.deepEqual(remove, [
      `${STATE_PREFIX}demo`, `${STATE_PREFIX}other`, `${STATE_PREFIX}nohold`, `${STATE_PREFIX}broken`,
    ]);
    assert.deepEqual(record.map((r) => [r.routine, r.steps_total, r.seconds_done, r.finished]), [
      ["demo", 2, 5, false],
      ["other", 7, 5, false],
    ]);
  });

  test("an abandoned session without a hold records nothing", () => {
    assert.equal(abandonedItem({ holdStarted: false, id: "x" }, 2, FMT), null);
  });
});

group("the done step", () => {
  test("the completion has the API's shape and the session's figures", () => {
    const s = account(playing(0, 0), tl, tl.total);
    const item = completionItem(s, {
      ...FMT, slug: "demo", stepsTotal: 2, ended: WALL + tl.total, finished: true, newId: "new",
    });
    assert.deepEqual(item, {
      id: "id-1",
      routine: "demo",
      started_at: "2026-11-24T20:00:00.000Z",
      ended_at: "2026-11-24T20:01:05.000Z",
      time_zone: "Europe/Paris",
      steps_done: 2,
      steps_total: 2,
      seconds_done: 50,
      finished: true,
    });
  });

  test("what the done screen says about saving", () => {
    assert.match(savingMessage({ queued: false }), /could not be kept/);
    assert.match(savingMessage({ queued: true, signedIn: false }), /Sign in or create an account to keep your streak/);
    assert.match(savingMessage({ queued: true, signedIn: true, sending: true }), /Saving/);
    const ok = { status: "ok" };
    assert.equal(savingMessage({ queued: true, signedIn: true, summary: ok }), "Session saved.");
    assert.match(savingMessage({ queued: true, signedIn: true, summary: ok, refused: true }), /could not accept/);
    assert.match(savingMessage({ queued: true, signedIn: true, summary: { status: "retry" } }), /connection is back/);
    assert.match(savingMessage({ queued: true, signedIn: true, summary: { status: "unauthorized" } }), /Sign in again/);
  });

  test("the streak in words", () => {
    assert.equal(streakText(1), "Current streak: 1 day");
    assert.equal(streakText(4), "Current streak: 4 days");
    assert.equal(streakText(0), "Current streak: 0 days");
    assert.equal(streakText(undefined), "");
  });
});

group("phases", () => {
  const sided = buildTimeline({
    prep_seconds: 10,
    transition_seconds: 5,
    steps: [
      { pose: "lunge", name: "Lunge", side: "left", seconds: 20 },
      { pose: "lunge", name: "Lunge", side: "right", seconds: 20 },
      { pose: "cat", name: "Cat", side: null, seconds: 20 },
    ],
  });
  const at = (ms, status = "playing") => phaseOf(describe(sided, ms), status);

  test("each phase has its own key and word", () => {
    assert.deepEqual(at(1000), { key: "prep", word: "Get ready" });
    assert.deepEqual(at(11_000), { key: "hold", word: "Hold" });
    assert.deepEqual(at(31_000), { key: "switch", word: "Switch sides" });
    assert.deepEqual(at(56_000), { key: "next", word: "Next pose" });
  });

  test("paused says so whatever it paused in; before Start it waits", () => {
    assert.equal(at(11_000, "paused").word, "Paused");
    assert.equal(at(31_000, "paused").word, "Paused");
    assert.deepEqual(at(0, "ready"), { key: "ready", word: "Ready when you are" });
  });
});
