// Limber's service worker: keeps the app shell, the routines and their pictures on this device
// so that a routine plays with a poor connection or none at all.
//
// Served from /sw.js (scope: the whole app) and rendered by the server, which hands it PLAN:
// a version, the versioned asset URLs, the catalog JSON and the pages to keep.
//   - static assets (/static/<build>/…): cache first; they never change under one URL
//   - the catalog JSON (/api/routines…): network first, the kept copy when offline
//   - pages: network first (a kept copy after a few seconds of waiting, or when offline),
//     public pages kept as visited; anything else offline gets the offline page
//   - caches are named by version; activating a new worker removes the old ones
//   - Background Sync: the queue of sessions lives in localStorage, which a worker cannot
//     read, so a `sync` event asks the open pages to send it
//   - Web Push: a `push` shows a reminder; clicking it opens (or focuses) the page it names
"use strict";

const PLAN = {{ plan_json|safe }};

const PREFIX = "limber-";
const STATIC_CACHE = `${PREFIX}static-${PLAN.version}`;
const PAGES_CACHE = `${PREFIX}pages-${PLAN.version}`;
const SYNC_TAG = "limber-queue";
const NETWORK_TIMEOUT_MS = 4000;
const VERSIONED = /^\/static\/([0-9a-f]{6,64})\/(.+)$/;
// Public pages, the same for everyone but for the header: kept as visited.
const KEEPABLE = /^\/(?:|routines|routines\/[\w-]+|routines\/[\w-]+\/play|poses|poses\/[\w-]+|guide|safety|cramp-now|offline)$/;

const absolute = (url) => new URL(url, self.location.origin).href;
const PAGE_URLS = PLAN.pages.map(absolute);
const OFFLINE_URL = absolute(PLAN.offline);

function isHtml(response) {
  return (response.headers.get("Content-Type") || "").startsWith("text/html");
}

function keepable(response) {
  return response.status === 200 && response.type === "basic" && !response.redirected;
}

// ---- pages kept for offline use ------------------------------------------------------------
// Each kept page says whether it was made for a signed-in visitor (a response header). When a
// page in front of the user says otherwise (they signed in or out since), the kept pages are
// fetched again, so that offline the header, the sign-in state and the queue stay right.

async function fetchPage(cache, url) {
  const response = await fetch(new Request(url, { credentials: "same-origin", cache: "no-cache" }));
  if (keepable(response) && isHtml(response)) await cache.put(url, response);
  else throw new Error(`not kept: ${url} (${response.status})`);
}

async function syncPages(want) {
  const cache = await caches.open(PAGES_CACHE);
  const kept = new Map();
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    kept.set(request.url, response ? response.headers.get(PLAN.session_header) : null);
  }
  const jobs = [];
  for (const [url, made] of kept) {
    // A page kept as visited, made for someone else: forget it (it is fetched again on a visit).
    if (want && made !== want && !PAGE_URLS.includes(url)) jobs.push(cache.delete(url));
  }
  for (const url of PAGE_URLS) {
    if (!kept.has(url) || (want && kept.get(url) !== want)) jobs.push(fetchPage(cache, url));
  }
  const results = await Promise.allSettled(jobs);
  return results.every((r) => r.status === "fulfilled");
}

let pagesJob = Promise.resolve(true);
function queuePages(want) {
  pagesJob = pagesJob.then(() => syncPages(want), () => syncPages(want));
  return pagesJob;
}

// ---- life cycle ----------------------------------------------------------------------------

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(STATIC_CACHE);
      // Versioned URLs never change: the browser's HTTP cache may answer these.
      await shell.addAll(PLAN.assets);
      await shell.addAll(PLAN.data.map((url) => new Request(url, { cache: "no-cache" })));
      const pages = await caches.open(PAGES_CACHE);
      await fetchPage(pages, OFFLINE_URL);
      await queuePages(null); // best effort: a page missing now is fetched on the next visit
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const current = new Set([STATIC_CACHE, PAGES_CACHE]);
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith(PREFIX) && !current.has(n)).map((n) => caches.delete(n)),
      );
      if (self.registration.navigationPreload) {
        await self.registration.navigationPreload.enable();
      }
      await self.clients.claim();
    })(),
  );
});

// ---- requests ------------------------------------------------------------------------------

function delay(ms, value) {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

async function page(event, url) {
  const cache = await caches.open(PAGES_CACHE);
  const keep = KEEPABLE.test(url.pathname);
  const kept = keep ? await cache.match(url.href, { ignoreVary: true }) : undefined;
  const network = (async () => {
    const response = (await event.preloadResponse) || (await fetch(event.request));
    if (keep && keepable(response) && isHtml(response)) {
      await cache.put(url.href, response.clone());
    }
    return response;
  })();
  // The fetch goes on (and its copy is kept) even when the kept copy has answered already.
  event.waitUntil(network.catch(() => undefined));
  try {
    // On a poor connection, a kept copy after a few seconds beats a spinner on the floor.
    return await (kept ? Promise.race([network, delay(NETWORK_TIMEOUT_MS, kept)]) : network);
  } catch {
    if (kept) return kept;
    const offline = await cache.match(OFFLINE_URL, { ignoreVary: true });
    return (
      offline ||
      new Response("You are offline.", {
        status: 503,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      })
    );
  }
}

async function asset(request, url, match) {
  const cache = await caches.open(STATIC_CACHE);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  // A page from an older build asks for its own URL: the current build's copy will do.
  const current =
    match[1] === PLAN.build
      ? undefined
      : await cache.match(absolute(`/static/${PLAN.build}/${match[2]}`), { ignoreVary: true });
  try {
    const response = await fetch(request);
    if (response.ok && match[1] === PLAN.build && response.type === "basic") {
      await cache.put(request, response.clone());
    }
    return response.ok || !current ? response : current;
  } catch (error) {
    if (current) return current;
    throw error;
  }
}

async function data(request) {
  const cache = await caches.open(STATIC_CACHE);
  try {
    const response = await fetch(request);
    if (keepable(response)) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const hit = await cache.match(request, { ignoreVary: true });
    if (hit) return hit;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event, url));
    return;
  }
  const match = VERSIONED.exec(url.pathname);
  if (match) {
    event.respondWith(asset(request, url, match));
  } else if (url.pathname === "/api/routines" || url.pathname.startsWith("/api/routines/")) {
    event.respondWith(data(request));
  }
});

// ---- messages and Background Sync ----------------------------------------------------------

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type !== "hello") return;
  // Kept pages must match the page in front: signed in or not, and its language.
  const want = `${message.signedIn ? "user" : "guest"}:${message.lang || "en"}`;
  event.waitUntil(
    queuePages(want).then((complete) => {
      if (event.source) {
        event.source.postMessage({ type: "offline-ready", complete, version: PLAN.version });
      }
    }),
  );
});

self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    self.clients
      .matchAll({ type: "window", includeUncontrolled: true })
      .then((windows) => windows.forEach((w) => w.postMessage({ type: "flush-queue" }))),
  );
});

// ---- reminders (Web Push) ------------------------------------------------------------------
// The server sends {title, body, url, tag} (docs/DESIGN.md, Reminders). A click focuses a window
// already at that URL or opens one; a URL on another origin opens the app's home page instead.

const NOTIFICATION_ICON = "/static/icons/icon-192.png";
const FALLBACK_TITLE = "Time to stretch";
const FALLBACK_TAG = "limber-reminder";

function appUrl(value) {
  try {
    const url = new URL(typeof value === "string" && value ? value : "/", self.location.origin);
    return url.origin === self.location.origin ? url.href : absolute("/");
  } catch {
    return absolute("/");
  }
}

function text(value, max) {
  return typeof value === "string" ? value.trim().slice(0, max) : "";
}

function readMessage(data) {
  if (!data) return {};
  try {
    const message = data.json();
    return message && typeof message === "object" ? message : {};
  } catch {
    return {};
  }
}

self.addEventListener("push", (event) => {
  const message = readMessage(event.data);
  // Every push must show a notification, so a message that cannot be read still shows one.
  const title = text(message.title, 120) || FALLBACK_TITLE;
  event.waitUntil(
    self.registration.showNotification(title, {
      body: text(message.body, 300),
      icon: NOTIFICATION_ICON,
      tag: text(message.tag, 64) || FALLBACK_TAG,
      renotify: true,
      lang: "en",
      data: { url: appUrl(message.url) },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = appUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((w) => w.url === target);
      if (open) return open.focus();
      return self.clients.openWindow(target);
    })(),
  );
});
