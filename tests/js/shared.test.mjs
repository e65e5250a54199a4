import assert from "node:assert/strict";
import { describe as group, test } from "node:test";

import {
  formatClock,
  formatDuration,
  getJson,
  isoWithOffset,
  localTimeZone,
  newCompletionId,
  readJson,
  removeKey,
  safeStorage,
  writeJson,
} from "../../static/js/shared.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

group("storage that never throws", () => {
  test("the browser's storage when it answers", () => {
    const map = new Map();
    const real = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v) };
    assert.equal(safeStorage({ localStorage: real }), real);
  });

  test("an in-memory stand-in when storage throws (blocked, private mode)", () => {
    const win = {};
    Object.defineProperty(win, "localStorage", { get() { throw new Error("SecurityError"); } });
    const s = safeStorage(win);
    assert.equal(s.getItem("a"), null);
    s.setItem("a", 1);
    assert.equal(s.getItem("a"), "1");
    assert.equal(s.length, 1);
    assert.equal(s.key(0), "a");
    s.removeItem("a");
    assert.equal(s.length, 0);
  });

  test("JSON in and out, with a fallback for what is missing or damaged", () => {
    const s = safeStorage({});
    assert.equal(readJson(s, "k", "none"), "none");
    assert.equal(writeJson(s, "k", { a: [1] }), true);
    assert.deepEqual(readJson(s, "k"), { a: [1] });
    s.setItem("bad", "{not json");
    assert.deepEqual(readJson(s, "bad", []), []);
    removeKey(s, "k");
    assert.equal(readJson(s, "k"), null);
  });

  test("a full storage makes writeJson answer false instead of throwing", () => {
    const full = { setItem() { throw new Error("QuotaExceededError"); }, removeItem() { throw new Error("x"); } };
    assert.equal(writeJson(full, "k", 1), false);
    assert.doesNotThrow(() => removeKey(full, "k"));
  });
});

group("ids", () => {
  test("randomUUID when there is one", () => {
    assert.equal(newCompletionId({ randomUUID: () => "x-y" }), "x-y");
  });

  test("a v4 UUID from getRandomValues without randomUUID (plain http on a LAN)", () => {
    const cryptoLike = { getRandomValues: (a) => a.fill(0xff) };
    const id = newCompletionId(cryptoLike);
    assert.match(id, UUID);
    assert.match(newCompletionId(globalThis.crypto), UUID);
    assert.match(newCompletionId(undefined), UUID);
  });

});

group("getJson", () => {
  test("the body of a 2xx answer, null otherwise, with the page's cookies", async () => {
    const calls = [];
    const fake = (status, body) => async (url, init) => {
      calls.push([url, init]);
      return { ok: status < 300, json: async () => body };
    };
    assert.deepEqual(await getJson("/api/stats", fake(200, { current_streak: 2 })), { current_streak: 2 });
    assert.equal(await getJson("/api/stats", fake(500, {})), null);
    assert.equal(calls[0][1].credentials, "same-origin");
    assert.equal(calls[0][1].headers.Accept, "application/json");
  });
});

group("time zone", () => {
  test("the browser's IANA zone", () => {
    const original = process.env.TZ;
    try {
      process.env.TZ = "Asia/Tokyo";
      assert.equal(localTimeZone(), "Asia/Tokyo");
      process.env.TZ = "America/St_Johns";
      assert.equal(localTimeZone(), "America/St_Johns");
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});

group("formatting", () => {
  test("clock rounds up to the whole second", () => {
    assert.equal(formatClock(0), "0:00");
    assert.equal(formatClock(1), "0:01");
    assert.equal(formatClock(1000), "0:01");
    assert.equal(formatClock(1001), "0:02");
    assert.equal(formatClock(59999), "1:00");
    assert.equal(formatClock(754000), "12:34");
    assert.equal(formatClock(-5), "0:00");
  });

  test("durations in words", () => {
    // A no-break space between each number and its unit: "5 | min" never wraps.
    assert.equal(formatDuration(0), "0\u00a0s");
    assert.equal(formatDuration(45), "45\u00a0s");
    assert.equal(formatDuration(60), "1\u00a0min");
    assert.equal(formatDuration(330.4), "5\u00a0min 30\u00a0s");
    assert.equal(formatDuration(3720), "1\u00a0h 2\u00a0min");
  });
});

group("isoWithOffset", () => {
  const original = process.env.TZ;
  const at = (tz, iso) => {
    process.env.TZ = tz;
    try {
      return isoWithOffset(new Date(iso));
    } finally {
      process.env.TZ = original ?? "";
      if (original === undefined) delete process.env.TZ;
    }
  };

  test("local time with the zone's offset, to the second", () => {
    assert.equal(at("Europe/Paris", "2026-11-24T20:05:00.750Z"), "2026-11-24T21:05:00+01:00");
    assert.equal(at("Europe/Paris", "2026-07-01T12:00:00Z"), "2026-07-01T14:00:00+02:00");
    assert.equal(at("UTC", "2026-01-02T03:04:05Z"), "2026-01-02T03:04:05+00:00");
    assert.equal(at("Asia/Kolkata", "2026-01-01T00:00:00Z"), "2026-01-01T05:30:00+05:30");
    assert.equal(at("America/St_Johns", "2026-01-01T12:00:00Z"), "2026-01-01T08:30:00-03:30");
    assert.equal(at("America/Los_Angeles", "2026-03-01T07:59:59Z"), "2026-02-28T23:59:59-08:00");
  });

  test("parses back to the same instant (to the second)", () => {
    const when = new Date("2026-11-24T20:05:07.999Z");
    for (const tz of ["Europe/Paris", "Pacific/Chatham", "America/New_York", "Asia/Tokyo"]) {
      process.env.TZ = tz;
      const text = isoWithOffset(when);
      assert.match(text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
      assert.equal(Date.parse(text), Math.floor(when.getTime() / 1000) * 1000);
    }
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });
});
