import assert from "node:assert/strict";
import { describe as group, test } from "node:test";

import { localDate, playedKeys } from "../../static/js/plan-guest.js";

const played = (over = {}) => ({
  id: "0f8fad5b-d9cb-469f-a165-70867728950e",
  routine: "bedtime-calf-and-hamstring-stretch",
  started_at: "2026-03-01T22:30:00Z",
  time_zone: "Europe/Paris",
  finished: true,
  ...over,
});

group("localDate", () => {
  test("gives the date on the wall clock of the zone, not of UTC", () => {
    // 22:30 UTC is already the next day in Paris and still the same day in New York.
    assert.equal(localDate("2026-03-01T22:30:00Z", "Europe/Paris"), "2026-03-01");
    assert.equal(localDate("2026-03-01T23:30:00Z", "Europe/Paris"), "2026-03-02");
    assert.equal(localDate("2026-03-02T03:00:00Z", "America/New_York"), "2026-03-01");
    assert.equal(localDate("2026-03-01T12:00:00Z", "Pacific/Kiritimati"), "2026-03-02");
  });

  test("reads an offset in the instant", () => {
    assert.equal(localDate("2026-03-02T00:15:00+01:00", "UTC"), "2026-03-01");
  });

  test("gives null for an unreadable instant or an unknown zone", () => {
    assert.equal(localDate("not a date", "UTC"), null);
    assert.equal(localDate("2026-02-30T10:00:00Zjunk", "UTC"), null);
    assert.equal(localDate(undefined, "UTC"), null);
    assert.equal(localDate("2026-03-01T10:00:00Z", "Mars/Base"), null);
  });
});

group("playedKeys", () => {
  test("keys each finished session by its local date and routine", () => {
    const keys = playedKeys([
      played(),
      played({ started_at: "2026-03-01T23:30:00Z" }),
      played({ routine: "quick-calf-reset", started_at: "2026-03-03T08:00:00Z" }),
    ]);
    assert.deepEqual([...keys].sort(), [
      "2026-03-01|bedtime-calf-and-hamstring-stretch",
      "2026-03-02|bedtime-calf-and-hamstring-stretch",
      "2026-03-03|quick-calf-reset",
    ]);
  });

  test("uses UTC when the session has no zone", () => {
    const keys = playedKeys([played({ time_zone: undefined, started_at: "2026-03-01T23:30:00Z" })]);
    assert.deepEqual([...keys], ["2026-03-01|bedtime-calf-and-hamstring-stretch"]);
  });

  test("leaves out sessions stopped before the end", () => {
    assert.equal(playedKeys([played({ finished: false })]).size, 0);
    assert.equal(playedKeys([played({ finished: undefined })]).size, 0);
  });

  test("skips broken items and keeps the good ones", () => {
    const keys = playedKeys([
      null,
      "text",
      played({ routine: 42 }),
      played({ started_at: "yesterday" }),
      played({ time_zone: "Nowhere/Town" }),
      played({ started_at: "2026-03-05T08:00:00Z" }),
    ]);
    assert.deepEqual([...keys], ["2026-03-05|bedtime-calf-and-hamstring-stretch"]);
  });

  test("gives no keys when storage held something other than a list", () => {
    for (const stored of [null, undefined, {}, "[]", 7]) assert.equal(playedKeys(stored).size, 0);
  });
});
