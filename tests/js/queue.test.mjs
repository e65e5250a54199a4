import assert from "node:assert/strict";
import { describe as group, test } from "node:test";

import {
  backoffDelay,
  createQueue,
  PENDING_KEY,
  REJECTED_KEY,
} from "../../static/js/queue.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function memoryStorage(initial = {}) {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
  };
}

function reply(status, body = {}) {
  return { status, ok: status >= 200 && status < 300, json: async () => body };
}

function completion(n) {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    routine: "desk-break",
    started_at: "2026-11-24T21:00:00+01:00",
    ended_at: "2026-11-24T21:05:00+01:00",
    time_zone: "Europe/Paris",
    steps_done: 4,
    steps_total: 4,
    seconds_done: 120,
    finished: true,
  };
}

// A fake server: `responses` is a list of statuses (or functions) served in order.
function harness({ responses = [], signedIn = true, online = true, storage = memoryStorage() } = {}) {
  const calls = [];
  const timers = [];
  let token = "tok-1";
  const queue = createQueue({
    storage,
    signedIn: () => signedIn,
    online: () => online,
    csrfToken: () => token,
    setCsrfToken: (t) => {
      token = t;
    },
    fetch: async (url, init = {}) => {
      calls.push({ url, init, token: init.headers?.["X-CSRFToken"] });
      const next = responses.shift();
      if (next === undefined) throw new Error("unexpected request " + url);
      if (next instanceof Error) throw next;
      return typeof next === "function" ? next(url, init) : next;
    },
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimer: () => {},
    now: () => Date.parse("2026-11-24T20:00:00Z"),
    random: () => 0,
  });
  return { queue, calls, timers, storage, token: () => token };
}

group("backoff", () => {
  test("exponential, capped at five minutes", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 10, 50].map((n) => backoffDelay(n, () => 0));
    assert.deepEqual(delays, [5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000, 300000]);
    assert.ok(backoffDelay(3, () => 0.99) <= 22000);
    assert.equal(backoffDelay(12, () => 0.99), 300000);
  });
});

group("enqueue and pending", () => {
  test("persists items in storage, once per id", () => {
    const { queue, storage } = harness();
    queue.enqueue(completion(1));
    queue.enqueue(completion(1));
    queue.enqueue(completion(2));
    assert.deepEqual(
      queue.pending().map((x) => x.id),
      [completion(1).id, completion(2).id],
    );
    assert.deepEqual(JSON.parse(storage.getItem(PENDING_KEY)), [completion(1), completion(2)]);
  });

  test("an item needs an id", () => {
    const { queue } = harness();
    assert.throws(() => queue.enqueue({ routine: "x" }), TypeError);
  });

  test("unreadable storage counts as empty", () => {
    const { queue } = harness({ storage: memoryStorage({ [PENDING_KEY]: "{not json" }) });
    assert.deepEqual(queue.pending(), []);
    queue.enqueue(completion(1));
    assert.equal(queue.pending().length, 1);
  });
});

group("flush", () => {
  test("posts each item as JSON with the CSRF header and removes it on 201/200", async () => {
    const h = harness({ responses: [reply(201), reply(200)] });
    h.queue.enqueue(completion(1));
    h.queue.enqueue(completion(2));
    const summary = await h.queue.flush();
    assert.deepEqual(summary, { status: "ok", sent: 2, rejected: 0, remaining: 0 });
    assert.equal(h.calls.length, 2);
    const [first] = h.calls;
    assert.equal(first.url, "/api/completions");
    assert.equal(first.init.method, "POST");
    assert.equal(first.init.headers["Content-Type"], "application/json");
    assert.equal(first.token, "tok-1");
    assert.deepEqual(JSON.parse(first.init.body), completion(1));
    assert.deepEqual(h.queue.pending(), []);
  });

  test("does nothing when signed out or offline", async () => {
    for (const opts of [{ signedIn: false }, { online: false }]) {
      const h = harness(opts);
      h.queue.enqueue(completion(1));
      const summary = await h.queue.flush();
      assert.equal(summary.remaining, 1);
      assert.notEqual(summary.status, "ok");
      assert.equal(h.calls.length, 0);
      assert.equal(h.timers.length, 0);
    }
  });

  test("409 and 422 are removed and kept in the rejected list", async () => {
    const h = harness({
      responses: [
        reply(409, { error: { code: "conflict", message: "different content" } }),
        reply(422, { error: { code: "invalid", message: "bad" } }),
      ],
    });
    h.queue.enqueue(completion(1));
    h.queue.enqueue(completion(2));
    const summary = await h.queue.flush();
    assert.equal(summary.status, "ok");
    assert.equal(summary.rejected, 2);
    assert.deepEqual(h.queue.pending(), []);
    const rejected = h.queue.rejected();
    assert.deepEqual(
      rejected.map((r) => [r.item.id, r.status, r.code]),
      [
        [completion(1).id, 409, "conflict"],
        [completion(2).id, 422, "invalid"],
      ],
    );
    assert.ok(JSON.parse(h.storage.getItem(REJECTED_KEY)).length === 2);
  });

  test("401 stops and keeps everything, with no retry scheduled", async () => {
    const h = harness({ responses: [reply(401)] });
    h.queue.enqueue(completion(1));
    h.queue.enqueue(completion(2));
    const summary = await h.queue.flush();
    assert.equal(summary.status, "unauthorized");
    assert.equal(h.calls.length, 1);
    assert.equal(h.queue.pending().length, 2);
    assert.equal(h.timers.length, 0);
  });

  test("400 csrf_failed fetches a fresh token, updates it and retries once", async () => {
    const h = harness({
      responses: [
        reply(400, { error: { code: "csrf_failed", message: "expired" } }),
        reply(200, { csrf_token: "tok-2" }),
        reply(201),
      ],
    });
    h.queue.enqueue(completion(1));
    const summary = await h.queue.flush();
    assert.equal(summary.status, "ok");
    assert.deepEqual(
      h.calls.map((c) => c.url),
      ["/api/completions", "/api/csrf", "/api/completions"],
    );
    assert.equal(h.calls[2].token, "tok-2");
    assert.equal(h.token(), "tok-2");
    assert.deepEqual(h.queue.pending(), []);
  });

  test("a second csrf_failed keeps the item and backs off (retries only once)", async () => {
    const csrf = () => reply(400, { error: { code: "csrf_failed", message: "expired" } });
    const h = harness({ responses: [csrf(), reply(200, { csrf_token: "tok-2" }), csrf()] });
    h.queue.enqueue(completion(1));
    const summary = await h.queue.flush();
    assert.equal(summary.status, "retry");
    assert.equal(h.calls.length, 3);
    assert.equal(h.queue.pending().length, 1);
    assert.equal(h.timers.length, 1);
  });

  test("another 400 can never succeed: rejected", async () => {
    const h = harness({ responses: [reply(400, { error: { code: "bad_request", message: "x" } })] });
    h.queue.enqueue(completion(1));
    await h.queue.flush();
    assert.deepEqual(h.queue.pending(), []);
    assert.equal(h.queue.rejected()[0].code, "bad_request");
  });

  test("network errors and 5xx keep the item and retry with growing delays", async () => {
    const h = harness({
      responses: [new TypeError("Failed to fetch"), reply(503), reply(500), reply(201)],
    });
    h.queue.enqueue(completion(1));
    assert.equal((await h.queue.flush()).status, "retry");
    assert.equal(h.queue.pending().length, 1);
    assert.equal(h.timers.at(-1).ms, 5000);
    h.timers.at(-1).fn();
    assert.equal((await h.queue.flush()).status, "retry");
    assert.equal(h.timers.at(-1).ms, 10000);
    assert.equal((await h.queue.flush()).status, "retry");
    assert.equal(h.timers.at(-1).ms, 20000);
    assert.equal(h.queue.failures, 3);
    const ok = await h.queue.flush();
    assert.equal(ok.status, "ok");
    assert.equal(h.queue.failures, 0);
    assert.deepEqual(h.queue.pending(), []);
  });

  test("a failure stops the run: later items wait (order kept)", async () => {
    const h = harness({ responses: [reply(201), reply(502)] });
    for (const n of [1, 2, 3]) h.queue.enqueue(completion(n));
    const summary = await h.queue.flush();
    assert.deepEqual(summary, { status: "retry", sent: 1, rejected: 0, remaining: 2 });
    assert.deepEqual(
      h.queue.pending().map((x) => x.id),
      [completion(2).id, completion(3).id],
    );
  });

  test("concurrent flushes share one run and pick up items added meanwhile", async () => {
    let release;
    const gate = new Promise((r) => {
      release = r;
    });
    const h = harness({ responses: [() => gate.then(() => reply(201)), reply(201)] });
    h.queue.enqueue(completion(1));
    const first = h.queue.flush();
    h.queue.enqueue(completion(2));
    const second = h.queue.flush();
    assert.equal(first, second);
    release();
    await second;
    assert.equal(h.calls.length, 2);
    assert.deepEqual(h.queue.pending(), []);
  });

  test("a flush asked for while an attempt fails tries again at once", async () => {
    let fail;
    const gate = new Promise((r) => {
      fail = r;
    });
    // The first send fails as the connection comes back; the `online` flush must not wait 5 s.
    const refused = () => gate.then(() => {
      throw new TypeError("Failed to fetch");
    });
    const h = harness({ responses: [refused, reply(201)] });
    h.queue.enqueue(completion(1));
    const first = h.queue.flush();
    while (h.calls.length === 0) await null; // the first attempt is under way
    h.queue.flush();
    fail();
    const summary = await first;
    assert.equal(summary.status, "ok");
    assert.equal(h.calls.length, 2);
    assert.deepEqual(h.queue.pending(), []);
    assert.equal(h.queue.failures, 0);
  });

  test("an item enqueued during a send is not lost when another is removed", async () => {
    let h;
    h = harness({
      responses: [
        () => {
          h.queue.enqueue(completion(2));
          return reply(201);
        },
        reply(201),
      ],
    });
    h.queue.enqueue(completion(1));
    await h.queue.flush();
    assert.deepEqual(h.queue.pending(), []);
    assert.equal(h.calls.length, 2);
  });
});
