// Registers the service worker (offline use, installable app) and ties it to the send queue.
//
// - Registers /sw.js a moment after the page has loaded: its precaching (a few hundred KB)
//   never competes with the page's own requests, which on a poor connection come first.
// - Tells the worker whether this page was made for a signed-in visitor: the worker fetches
//   its kept pages again after signing in or out. When it answers, <html data-offline> says
//   "ready" (everything is kept) or "partial".
// - Background Sync, where the browser has it: with sessions or diary lines waiting (or no
//   connection), asks for a sync; the worker's `sync` event cannot read localStorage, so it
//   asks the open pages to send the queue, which this module does.

import { flushCramps, flushQueue, pendingCompletions, pendingCramps } from "./queue.js";

const SYNC_TAG = "limber-queue";
const REGISTER_DELAY_MS = 1500;
const root = document.documentElement;

function signedIn() {
  return document.body?.dataset.signedIn === "true";
}

function somethingWaiting() {
  try {
    return pendingCompletions().length + pendingCramps().length > 0;
  } catch {
    return false;
  }
}

function flushAll() {
  return Promise.all([flushQueue(), flushCramps()]).catch(() => undefined);
}

async function askForSync(registration) {
  if (!signedIn() || !registration || !("sync" in registration)) return;
  try {
    await registration.sync.register(SYNC_TAG);
  } catch {
    // Not allowed here: the queue still goes out on `online` and on the next page load.
  }
}

async function start() {
  if (!navigator.onLine) {
    // Registering fetches /sw.js, which fails (and is logged) with no connection: use the
    // worker already installed, or register once the connection is back.
    const existing = await navigator.serviceWorker.getRegistration("/").catch(() => undefined);
    if (!existing) {
      window.addEventListener("online", start, { once: true });
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
  registration.active?.postMessage({ type: "hello", signedIn: signedIn() });
  if (!navigator.onLine || somethingWaiting()) askForSync(registration);
  window.addEventListener("offline", () => askForSync(registration));
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.addEventListener("message", (event) => {
    const message = event.data || {};
    if (message.type === "flush-queue") {
      flushAll();
    } else if (message.type === "offline-ready") {
      root.dataset.offline = message.complete ? "ready" : "partial";
    }
  });
  navigator.serviceWorker.startMessages();
  const later = () => setTimeout(start, REGISTER_DELAY_MS);
  if (document.readyState === "complete") later();
  else window.addEventListener("load", later, { once: true });
}
