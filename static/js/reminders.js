// The reminders pages: notifications on this device (Web Push), the form's day choices, and
// copying a calendar link. The pure parts are exported and tested with node --test; the page
// wiring runs only in a browser. Text goes in through textContent.

import { t, tn } from "./shared.js";

/** The bytes of a base64url text (padded or not), as pushManager.subscribe takes its key. */
export function base64UrlToBytes(text) {
  const base64 = String(text).replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const raw = atob(padded);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** Whether two keys (ArrayBuffer, typed array or null) hold the same bytes. */
export function sameKey(a, b) {
  if (!a || !b) return false;
  const bytes = (k) => (ArrayBuffer.isView(k) ? new Uint8Array(k.buffer, k.byteOffset, k.byteLength) : new Uint8Array(k));
  const [x, y] = [bytes(a), bytes(b)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Whether the device is an iPhone or iPad (iPads report themselves as a Mac with touch). */
export function isAppleMobile({ userAgent = "", platform = "", maxTouchPoints = 0 } = {}) {
  return /iPad|iPhone|iPod/.test(userAgent) || (platform === "MacIntel" && maxTouchPoints > 1);
}

/**
 * What this browser can do: "supported", "ios" (an iPhone or iPad outside a Home Screen
 * install, where Safari offers no push) or "unsupported".
 */
export function pushSupport({ serviceWorker, pushManager, notification, appleMobile, standalone }) {
  if (serviceWorker && pushManager && notification) return "supported";
  if (appleMobile && !standalone) return "ios";
  return "unsupported";
}

const calendarHint = () => t("Use “Add to calendar” on a reminder instead: your calendar app then reminds you.");

/** The words shown for each state of this device's notifications. */
export function statusText(state, detail = "") {
  switch (state) {
    case "on":
      return t("Notifications are on for this device.");
    case "off":
      return t("Notifications are off for this device.");
    case "working":
      return t("Setting up notifications…");
    case "dismissed":
      return t("Notifications are still off: the browser’s question closed without an answer. Press the button to be asked again.");
    case "denied":
      return t("Notifications are blocked for this site in this browser. To allow them, open this site’s settings (the icon beside the address, or your browser’s Settings › Site settings › Notifications), allow notifications, then reload this page.");
    case "ios":
      return t("On iPhone and iPad, notifications work only when Limber is on the Home Screen: in Safari tap Share, then “Add to Home Screen”, open Limber from there and come back to this page (iOS 16.4 or later).") +
        " " + calendarHint();
    case "unsupported":
      return t("This browser cannot show notifications from websites.") + " " + calendarHint();
    case "failed": {
      const why = detail || t("something went wrong; try again later");
      return t("Notifications could not be turned on: %(why)s.", { why }) + " " + calendarHint();
    }
    default:
      return "";
  }
}

/** The words for how many of the person's devices get reminders (as the page first says). */
export function devicesText(count) {
  if (count > 0) {
    return tn("Reminders go to %(num)s device where you turned notifications on.",
      "Reminders go to %(num)s devices where you turned notifications on.", count, { num: count });
  }
  return t("No device gets your reminders yet: turn notifications on here, or use “Add to calendar”.");
}

/** Which buttons a state shows. */
export function buttonsFor(state) {
  return {
    on: ["off", "dismissed", "failed"].includes(state),
    test: state === "on",
    off: state === "on",
  };
}

/** The words for the answer to POST /api/push/test. */
export function testResultText(status, body) {
  if (status === 200 && body && typeof body.sent === "number") {
    const devices = (n) => tn("%(num)s device", "%(num)s devices", n, { num: n });
    if (body.sent && !body.failed) {
      return t("Test sent to %(devices)s. It should appear within a minute.", { devices: devices(body.sent) });
    }
    if (body.sent) {
      return t("Test sent to %(devices)s; %(failed)s did not take it.",
        { devices: devices(body.sent), failed: devices(body.failed) });
    }
    return t("The test could not be delivered: the push service did not take it. Try again later.");
  }
  const message = body && body.error && body.error.message;
  return message || t("The test could not be sent. Try again later.");
}

/** The repeat choice ("every", "weekdays" or "custom") that shows these ticked weekdays. */
export function repeatFor(days) {
  const key = [...new Set(days.map(Number))].sort((a, b) => a - b).join(",");
  if (key === "1,2,3,4,5,6,7") return "every";
  if (key === "1,2,3,4,5") return "weekdays";
  return "custom";
}

/** The weekdays a repeat choice ticks, or null for "custom" (the ticks stay as they are). */
export function daysFor(repeat) {
  if (repeat === "every") return [1, 2, 3, 4, 5, 6, 7];
  if (repeat === "weekdays") return [1, 2, 3, 4, 5];
  return null;
}

// ---- the page ------------------------------------------------------------------------------

const inBrowser = typeof window !== "undefined" && typeof document !== "undefined";
// Subscribing asks the browser maker's push service, which may never answer on a bad network.
const SUBSCRIBE_TIMEOUT_MS = 30_000;

/** The promise's outcome, or a rejection with `message` once `ms` have passed. */
export function withTimeout(promise, ms, message) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function wireDays(form) {
  const radios = [...form.querySelectorAll('input[name="repeat"]')];
  const boxes = [...form.querySelectorAll('input[name="days"]')];
  if (!radios.length || !boxes.length) return;
  const ticked = () => boxes.filter((b) => b.checked).map((b) => Number(b.value));
  for (const radio of radios) {
    radio.addEventListener("change", () => {
      const days = daysFor(radio.value);
      if (days) for (const box of boxes) box.checked = days.includes(Number(box.value));
    });
  }
  // A tick changes the days, so the choice above follows (any other mix is "these days").
  for (const box of boxes) {
    box.addEventListener("change", () => {
      const wanted = repeatFor(ticked());
      for (const radio of radios) radio.checked = radio.value === wanted;
    });
  }
}

// The line under the routine list names the choice in full, which a closed list may cut short.
function wireRoutineLine(form) {
  const select = form.querySelector('select[name="routine"]');
  const line = document.getElementById("routine-chosen");
  if (!select || !line) return;
  select.addEventListener("change", () => {
    const text = select.selectedOptions[0]?.dataset.line || "";
    line.textContent = text;
    line.hidden = !text;
  });
}

function wireCopy() {
  if (!navigator.clipboard) return;
  for (const button of document.querySelectorAll("[data-copy]")) {
    const feed = button.closest(".reminder-feed");
    const input = feed?.querySelector("[data-copy-source]");
    const status = feed?.querySelector(".copy-status");
    if (!input) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        if (status) status.textContent = t("Link copied.");
      } catch {
        input.select();
        if (status) status.textContent = t("Copying was not allowed: the link is selected, copy it from there.");
      }
    });
  }
}

const csrfMeta = () => document.querySelector('meta[name="csrf-token"]');

async function send(data, url, method, body) {
  const attempt = () => fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfMeta()?.content || "" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let response = await attempt();
  if (response.status === 400) {
    const problem = await response.clone().json().catch(() => null);
    if (problem?.error?.code === "csrf_failed") {
      // The page's token expired (a page left open for hours): fetch a fresh one, once.
      const fresh = await fetch(data.csrf, { credentials: "same-origin" }).then((r) => r.json()).catch(() => null);
      if (fresh?.csrf_token && csrfMeta()) {
        csrfMeta().content = fresh.csrf_token;
        response = await attempt();
      }
    }
  }
  const answer = await response.json().catch(() => null);
  return { status: response.status, ok: response.ok, body: answer };
}

function pushPanel(panel, data) {
  const status = panel.querySelector("#push-status");
  const result = panel.querySelector("#push-result");
  const devices = panel.querySelector("#push-devices");
  const countDevices = () => { if (devices) devices.textContent = devicesText(data.endpoints.length); };
  const buttons = {
    on: panel.querySelector("#push-on"),
    test: panel.querySelector("#push-test"),
    off: panel.querySelector("#push-off"),
  };
  const show = (state, detail) => {
    status.textContent = statusText(state, detail);
    const visible = buttonsFor(state);
    for (const [name, button] of Object.entries(buttons)) button.hidden = !visible[name];
  };
  const support = pushSupport({
    serviceWorker: "serviceWorker" in navigator,
    pushManager: "PushManager" in window,
    notification: "Notification" in window,
    appleMobile: isAppleMobile(navigator),
    standalone: window.matchMedia?.("(display-mode: standalone)").matches || navigator.standalone === true,
  });
  if (support !== "supported") return show(support);
  if (Notification.permission === "denied") return show("denied");

  const registration = async () => {
    await navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" });
    return navigator.serviceWorker.ready; // subscribing needs an active worker
  };
  const mine = (subscription) => subscription && data.endpoints.includes(subscription.endpoint);

  async function turnOn() {
    result.textContent = "";
    show("working");
    const permission = await Notification.requestPermission();
    if (permission === "denied") return show("denied");
    if (permission !== "granted") return show("dismissed");
    let subscription;
    try {
      const answer = await fetch(data.publicKey, { credentials: "same-origin" }).then((r) => r.json());
      const key = base64UrlToBytes(answer.public_key);
      const reg = await registration();
      subscription = await reg.pushManager.getSubscription();
      if (subscription && !sameKey(subscription.options?.applicationServerKey, key)) {
        await subscription.unsubscribe(); // made for an older server key: it would never arrive
        subscription = null;
      }
      subscription ??= await withTimeout(
        reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
        SUBSCRIBE_TIMEOUT_MS, t("no answer from the push service"));
    } catch (error) {
      const why = error?.message || String(error);
      return show("failed", t("this browser’s push service refused the sign-up (%(why)s). Private windows cannot take notifications; in a normal window, try again later", { why }));
    }
    const saved = await send(data, data.subscriptions, "POST", subscription.toJSON()).catch(() => null);
    if (!saved?.ok) {
      await subscription.unsubscribe().catch(() => {});
      const why = saved?.body?.error?.message || t("Limber could not be reached");
      return show("failed", t("%(why)s; try again later", { why: why.replace(/\.$/, "") }));
    }
    if (!data.endpoints.includes(subscription.endpoint)) data.endpoints.push(subscription.endpoint);
    countDevices();
    return show("on");
  }

  async function turnOff() {
    result.textContent = "";
    const reg = await navigator.serviceWorker.getRegistration("/");
    const subscription = await reg?.pushManager.getSubscription();
    if (subscription) {
      const dropped = await send(data, data.subscriptions, "DELETE", { endpoint: subscription.endpoint }).catch(() => null);
      if (!dropped?.ok) {
        result.textContent = t("Limber could not be reached, so notifications are still on. Try again later.");
        return;
      }
      await subscription.unsubscribe().catch(() => {});
      data.endpoints = data.endpoints.filter((e) => e !== subscription.endpoint);
      countDevices();
    }
    show("off");
  }

  async function sendTest() {
    result.textContent = t("Sending a test…");
    const answer = await send(data, data.test, "POST").catch(() => null);
    result.textContent = answer ? testResultText(answer.status, answer.body) : t("Limber could not be reached. Try again later.");
  }

  const guard = (job) => async () => {
    for (const button of Object.values(buttons)) button.disabled = true;
    try {
      await job();
    } finally {
      for (const button of Object.values(buttons)) button.disabled = false;
    }
  };
  buttons.on.addEventListener("click", guard(turnOn));
  buttons.off.addEventListener("click", guard(turnOff));
  buttons.test.addEventListener("click", guard(sendTest));

  show("off");
  navigator.serviceWorker.getRegistration("/")
    .then((reg) => reg?.pushManager.getSubscription())
    .then((subscription) => { if (mine(subscription) && Notification.permission === "granted") show("on"); })
    .catch(() => {});
}

if (inBrowser) {
  const form = document.querySelector(".reminder-form");
  if (form) {
    wireDays(form);
    wireRoutineLine(form);
  }
  wireCopy();
  const panel = document.getElementById("push");
  const raw = document.getElementById("push-data");
  if (panel && raw) pushPanel(panel, JSON.parse(raw.textContent));
}
