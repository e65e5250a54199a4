// The completion queue: sessions wait in localStorage until the server has them.
//
// Items have exactly the shape of POST /api/completions. A flush runs only when signed in and
// online, posts the items one by one and then:
//   201/200            → the server has it: remove
//   409, 422, other 400 → it can never succeed: remove, keep a record in the "rejected" list
//   400 csrf_failed    → fetch a fresh token (GET /api/csrf), update the meta tag, retry once
//   401                → not signed in (any more): stop, keep everything
//   network error, 5xx, anything else → keep, retry later with exponential backoff (≤ ~5 min)
// Importing this module in a page also flushes on load and on the `online` event, and
// registers the service worker (see the last section).

import { getJson, readJson, safeStorage, writeJson } from "./shared.js";

export const PENDING_KEY = "limber.completions.pending";
export const REJECTED_KEY = "limber.completions.rejected";
const REJECTED_LIMIT = 50;
const BACKOFF_BASE_MS = 5000;
const BACKOFF_CAP_MS = 5 * 60 * 1000;
const UNAVAILABLE = { status: "unavailable", sent: 0, rejected: 0, remaining: 0 };

/** Delay before retry number `failures` (1, 2, …): 5 s, 10 s, 20 s … capped at 5 minutes. */
export function backoffDelay(failures, random = Math.random) {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  // Up to 10 % jitter so that many tabs or clients do not retry in step; never above the cap.
  return Math.min(BACKOFF_CAP_MS, Math.round(exp * (1 + 0.1 * random())));
}

/**
 * A queue over injected dependencies (so it can be tested without a browser): endpoint,
 * pendingKey, rejectedKey (defaults: the completion queue), storage (getItem/setItem), fetch,
 * signedIn(), online(), csrfToken(), setCsrfToken(token), setTimer(fn, ms) → handle,
 * clearTimer(handle), now() → ms, random() → [0, 1).
 */
export function createQueue(deps) {
  const d = {
    endpoint: "/api/completions",
    pendingKey: PENDING_KEY,
    rejectedKey: REJECTED_KEY,
    signedIn: () => false,
    online: () => true,
    csrfToken: () => "",
    setCsrfToken: () => {},
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h),
    now: () => Date.now(),
    random: Math.random,
    ...deps,
  };
  let running = null;
  let again = false;
  let failures = 0;
  let timer = null;

  function read(key) {
    const value = readJson(d.storage, key, []);
    return Array.isArray(value) ? value.filter((x) => x && typeof x === "object") : [];
  }

  // Storage full or unavailable: nothing more can be done here.
  const write = (key, list) => writeJson(d.storage, key, list);

  function enqueue(item) {
    if (!item || typeof item.id !== "string" || !item.id) throw new TypeError("completion needs an id");
    const list = read(d.pendingKey);
    if (!list.some((x) => x.id === item.id)) {
      list.push(item);
      write(d.pendingKey, list);
      if (running) again = true; // the run in progress goes round once more for it
    }
    return item;
  }

  const remove = (id) => write(d.pendingKey, read(d.pendingKey).filter((x) => x.id !== id));

  function reject(item, status, code) {
    remove(item.id);
    const list = read(d.rejectedKey);
    list.push({ item, status, code: code || null, at: new Date(d.now()).toISOString() });
    write(d.rejectedKey, list.slice(-REJECTED_LIMIT));
  }

  async function errorCode(response) {
    try {
      const body = await response.json();
      return body && body.error && typeof body.error.code === "string" ? body.error.code : null;
    } catch {
      return null;
    }
  }

  function post(item) {
    return d.fetch(d.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json",
        "X-CSRFToken": d.csrfToken() || "" },
      body: JSON.stringify(item),
    });
  }

  async function refreshCsrf() {
    const body = await getJson("/api/csrf", d.fetch).catch(() => null);
    if (!body || typeof body.csrf_token !== "string" || !body.csrf_token) return false;
    d.setCsrfToken(body.csrf_token);
    return true;
  }

  // → "sent" | "rejected" | "unauthorized" | "retry"
  async function send(item) {
    let canRefresh = true;
    for (;;) {
      let response;
      try {
        response = await post(item);
      } catch {
        return "retry";
      }
      const status = response.status;
      if (status === 200 || status === 201) return "sent";
      if (status === 401) return "unauthorized";
      if (status === 409 || status === 422) {
        reject(item, status, await errorCode(response));
        return "rejected";
      }
      if (status === 400) {
        const code = await errorCode(response);
        if (code === "csrf_failed") {
          if (canRefresh && (await refreshCsrf())) {
            canRefresh = false;
            continue;
          }
          return "retry";
        }
        reject(item, status, code);
        return "rejected";
      }
      return "retry";
    }
  }

  function scheduleRetry() {
    failures += 1;
    if (timer !== null) d.clearTimer(timer);
    timer = d.setTimer(() => {
      timer = null;
      flush();
    }, backoffDelay(failures, d.random));
  }

  async function flushOnce() {
    const summary = { status: "ok", sent: 0, rejected: 0, remaining: 0 };
    if (!d.signedIn() || !d.online()) {
      summary.status = d.signedIn() ? "offline" : "signed-out";
      summary.remaining = read(d.pendingKey).length;
      return summary;
    }
    for (const item of read(d.pendingKey)) {
      const outcome = await send(item);
      if (outcome === "sent") remove(item.id);
      if (outcome === "sent" || outcome === "rejected") summary[outcome] += 1;
      else {
        summary.status = outcome;
        break;
      }
    }
    summary.remaining = read(d.pendingKey).length;
    if (summary.status === "retry") {
      scheduleRetry();
    } else if (summary.status === "ok") {
      failures = 0;
      if (timer !== null) {
        d.clearTimer(timer);
        timer = null;
      }
    }
    return summary;
  }

  /** Send what is pending; concurrent calls share one run (which then goes round once more). */
  function flush() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      await null; // so that `running` is set before anything below can run
      let summary;
      let sent = 0;
      let rejected = 0;
      do {
        again = false;
        summary = await flushOnce();
        sent += summary.sent;
        rejected += summary.rejected;
        // A call that came meanwhile may bring news (the `online` event as an attempt fails):
        // it gets its own try now rather than waiting for the backoff.
      } while (again && ["ok", "retry", "offline"].includes(summary.status));
      // A caller that joined mid-run learns everything the shared run did.
      return { ...summary, sent, rejected };
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    enqueue,
    pending: () => read(d.pendingKey),
    rejected: () => read(d.rejectedKey),
    flush,
    get failures() { return failures; },
    get retryScheduled() { return timer !== null; },
  };
}

// ---- the page's queue, over the browser's globals -------------------------------------------

const inBrowser = typeof window !== "undefined" && typeof document !== "undefined";

const csrfMeta = () => document.querySelector('meta[name="csrf-token"]');

/** A queue over this page's storage, fetch, sign-in state and CSRF meta tag. */
function pageQueueFor(options) {
  if (!inBrowser) return null;
  return createQueue({
    ...options,
    storage: safeStorage(window),
    fetch: (...args) => window.fetch(...args),
    signedIn: () => document.body?.dataset.signedIn === "true",
    online: () => navigator.onLine !== false,
    csrfToken: () => csrfMeta()?.content || "",
    setCsrfToken: (token) => {
      let meta = csrfMeta();
      if (!meta) {
        meta = document.createElement("meta");
        meta.name = "csrf-token";
        document.head.append(meta);
      }
      meta.content = token;
    },
  });
}

const pageQueue = pageQueueFor({});
export const CRAMP_PENDING_KEY = "limber.cramps.pending";
export const CRAMP_REJECTED_KEY = "limber.cramps.rejected";
const crampQueue = pageQueueFor({
  endpoint: "/api/cramps",
  pendingKey: CRAMP_PENDING_KEY,
  rejectedKey: CRAMP_REJECTED_KEY,
});

/** Add a completion (the exact body of POST /api/completions) to the persisted queue. */
export const enqueueCompletion = (item) => pageQueue.enqueue(item);
/** The completions waiting to be sent. */
export const pendingCompletions = () => pageQueue.pending();
/** The completions the server refused for good (409/422/400), with status and error code. */
export const rejectedCompletions = () => pageQueue.rejected();

// Figures on the page (the streak on home) change once the server has a session: say so, and
// count it for modules that start listening after the load's first send has already finished.
export const CONFIRMED_EVENT = "limber:confirmed";
let confirmedSends = 0;
/** How many sends this page has had confirmed so far. */
export const confirmedSoFar = () => confirmedSends;
function announce(summary) {
  if (summary.sent > 0) {
    confirmedSends += 1;
    window.dispatchEvent(new CustomEvent(CONFIRMED_EVENT, { detail: summary }));
  }
  return summary;
}
/** Send what is pending (when signed in and online); resolves with a summary when done. */
export const flushQueue = () => pageQueue ? pageQueue.flush().then(announce) : Promise.resolve(UNAVAILABLE);
/** Add a diary line (the body of POST /api/cramps, with its client `id`) to its queue. */
export const enqueueCramp = (item) => crampQueue.enqueue(item);
/** The diary lines waiting to be sent. */
export const pendingCramps = () => crampQueue.pending();
/** Send the waiting diary lines (when signed in and online). */
export const flushCramps = () => crampQueue ? crampQueue.flush() : Promise.resolve(UNAVAILABLE);

// Everything queued in this browser goes out as soon as it can, from any page.
const flushAll = () => Promise.all([flushQueue(), flushCramps()]).catch(() => undefined);
if (inBrowser) {
  window.addEventListener("online", flushAll);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", flushAll);
  else flushAll();
}

// ---- the service worker: offline use, installable app, Background Sync relay ---------------
// Here because every page loads this module (the player's first load allows 12 requests).
// - Registers /sw.js a moment after load, so its precaching never delays the page's own requests.
// - Tells the worker whether this page was made for a signed-in visitor (it then fetches its kept
//   pages again); its answer sets <html data-offline> to "ready" or "partial".
// - Background Sync: the worker's `sync` event cannot read localStorage, so it asks the open
//   pages to send the queues, which this module does.

const SYNC_TAG = "limber-queue";
const REGISTER_DELAY_MS = 1500;

const pageSignedIn = () => document.body?.dataset.signedIn === "true";

const somethingWaiting = () => pendingCompletions().length + pendingCramps().length > 0;

async function askForSync(registration) {
  if (!pageSignedIn() || !registration || !("sync" in registration)) return;
  try {
    await registration.sync.register(SYNC_TAG);
  } catch {
    // Not allowed here: the queue still goes out on `online` and on the next page load.
  }
}

async function startServiceWorker() {
  const root = document.documentElement;
  if (!navigator.onLine) {
    // Registering fetches /sw.js, which fails (and is logged) with no connection: use the
    // worker already installed, or register once the connection is back.
    const existing = await navigator.serviceWorker.getRegistration("/").catch(() => undefined);
    if (!existing) {
      window.addEventListener("online", startServiceWorker, { once: true });
      return;
    }
  } else {
    try {
      await navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" });
    } catch {
      root.dataset.offline = "unavailable";
      return;
    }
  }
  const registration = await navigator.serviceWorker.ready;
  registration.active?.postMessage({ type: "hello", signedIn: pageSignedIn(),
    lang: document.documentElement.lang.replace(/-/g, "_") });
  if (!navigator.onLine || somethingWaiting()) askForSync(registration);
  window.addEventListener("offline", () => askForSync(registration));
}

if (inBrowser && "serviceWorker" in navigator) {
  navigator.serviceWorker.addEventListener("message", (event) => {
    const message = event.data || {};
    if (message.type === "flush-queue") flushAll();
    else if (message.type === "offline-ready") {
      document.documentElement.dataset.offline = message.complete ? "ready" : "partial";
    }
  });
  navigator.serviceWorker.startMessages();
  const later = () => setTimeout(startServiceWorker, REGISTER_DELAY_MS);
  if (document.readyState === "complete") later();
  else window.addEventListener("load", later, { once: true });
}
