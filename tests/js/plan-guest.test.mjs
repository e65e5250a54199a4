import assert from "node:assert/strict";
import { describe as group, test } from "node:test";

import { localDate, markPlayed, playedKeys, withMoreSessions } from "../../static/js/plan-guest.js";

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

group("withMoreSessions", () => {
  test("adds to the count and says session or sessions", () => {
    assert.equal(withMoreSessions("Day 1 of 42 · 0 sessions done", 1), "Day 1 of 42 · 1 session done");
    assert.equal(withMoreSessions("Day 9 of 14 · 1 session done", 2), "Day 9 of 14 · 3 sessions done");
  });

  test("leaves a line without a count as it was", () => {
    const ended = "The plan has ended. Its sessions are here whenever you want them.";
    assert.equal(withMoreSessions(ended, 2), ended);
  });
});

// Just enough of the DOM for markPlayed: class lists, data attributes, text and queries.
function fakeElement(classes, dataset = {}, children = {}) {
  const names = new Set(classes);
  return {
    dataset,
    textContent: dataset.text ?? "",
    classList: {
      add: (n) => names.add(n),
      remove: (...ns) => ns.forEach((n) => names.delete(n)),
      contains: (n) => names.has(n),
    },
    names,
    querySelector: (selector) => children[selector] ?? null,
  };
}

function fakePage({ cells = [], links = [], lines = [] }) {
  const bySelector = {
    ".plan-day[data-routine]": cells,
    "[data-done-text]": links,
    "[data-plan-progress]": lines,
  };
  return { querySelectorAll: (selector) => bySelector[selector] ?? [] };
}

function cell(date, routine, status) {
  const word = fakeElement([], { text: "" });
  return fakeElement(["plan-day", `day-${status}`], { date, routine }, { ".plan-day-status": word });
}

group("markPlayed", () => {
  const keys = playedKeys([
    played({ started_at: "2026-03-01T20:00:00Z" }),
    played({ started_at: "2026-03-03T20:00:00Z" }),
  ]);

  test("marks the played days done, with the word, and adds them to the count", () => {
    const days = [
      cell("2026-03-01", "bedtime-calf-and-hamstring-stretch", "missed"),
      cell("2026-03-02", "bedtime-calf-and-hamstring-stretch", "missed"),
      cell("2026-03-03", "bedtime-calf-and-hamstring-stretch", "today"),
      cell("2026-03-04", "", "rest"),
    ];
    const line = fakeElement([], { text: "Day 3 of 42 · 0 sessions done" });
    const button = fakeElement([], {
      date: "2026-03-03", routine: "bedtime-calf-and-hamstring-stretch",
      doneText: "Play it again", text: "Play today’s session",
    });
    assert.equal(markPlayed(fakePage({ cells: days, links: [button], lines: [line] }), keys), 2);
    assert.deepEqual(days.map((d) => d.classList.contains("day-done")), [true, false, true, false]);
    assert.equal(days[2].classList.contains("day-today"), false);
    assert.equal(days[0].querySelector(".plan-day-status").textContent, "Done");
    assert.equal(line.textContent, "Day 3 of 42 · 2 sessions done");
    assert.equal(button.textContent, "Play it again");
  });

  test("does not count a day twice, nor a day with another routine", () => {
    const days = [
      cell("2026-03-01", "bedtime-calf-and-hamstring-stretch", "done"),
      cell("2026-03-03", "quick-calf-reset", "today"),
    ];
    const line = fakeElement([], { text: "Day 3 of 42 · 1 session done" });
    assert.equal(markPlayed(fakePage({ cells: days, lines: [line] }), keys), 0);
    assert.equal(days[1].classList.contains("day-today"), true);
    assert.equal(line.textContent, "Day 3 of 42 · 1 session done");
  });

  test("leaves the home card's button alone when today was not played", () => {
    const button = fakeElement([], {
      date: "2026-03-02", routine: "bedtime-calf-and-hamstring-stretch",
      doneText: "Done today · play again", text: "Today: Bedtime calf and hamstring stretch",
    });
    markPlayed(fakePage({ links: [button] }), keys);
    assert.equal(button.textContent, "Today: Bedtime calf and hamstring stretch");
  });
});
