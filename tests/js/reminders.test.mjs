import assert from "node:assert/strict";
import { describe as group, test } from "node:test";

import {
  base64UrlToBytes,
  buttonsFor,
  daysFor,
  devicesText,
  isAppleMobile,
  pushSupport,
  repeatFor,
  sameKey,
  statusText,
  testResultText,
  withTimeout,
} from "../../static/js/reminders.js";

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";

group("base64UrlToBytes", () => {
  test("decodes the URL-safe alphabet without padding", () => {
    // 0xfb 0xff 0xbf is "+/+/" in plain base64 and "-_-_" in base64url.
    assert.deepEqual([...base64UrlToBytes("-_-_")], [0xfb, 0xff, 0xbf]);
    assert.deepEqual([...base64UrlToBytes("AQI")], [1, 2]);
    assert.deepEqual([...base64UrlToBytes("AQI=")], [1, 2]);
  });

  test("a P-256 public key becomes its 65 bytes, starting with 4", () => {
    const key = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString("base64url");
    const bytes = base64UrlToBytes(key);
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(bytes.length, 65);
    assert.equal(bytes[0], 4);
  });
});

group("sameKey", () => {
  test("compares an ArrayBuffer with a Uint8Array by content", () => {
    const a = Uint8Array.from([4, 1, 2]);
    assert.equal(sameKey(a.buffer, Uint8Array.from([4, 1, 2])), true);
    assert.equal(sameKey(a.buffer, Uint8Array.from([4, 1, 3])), false);
    assert.equal(sameKey(a.buffer, Uint8Array.from([4, 1])), false);
    assert.equal(sameKey(null, a), false);
  });

  test("reads a view's own bytes, not its whole buffer", () => {
    const whole = Uint8Array.from([9, 4, 1, 2, 9]);
    assert.equal(sameKey(whole.subarray(1, 4), Uint8Array.from([4, 1, 2])), true);
  });
});

group("what the browser can do", () => {
  const all = { serviceWorker: true, pushManager: true, notification: true, appleMobile: false, standalone: false };

  test("push needs a service worker, PushManager and Notification", () => {
    assert.equal(pushSupport(all), "supported");
    assert.equal(pushSupport({ ...all, pushManager: false }), "unsupported");
    assert.equal(pushSupport({ ...all, notification: false }), "unsupported");
  });

  test("an iPhone outside a Home Screen install is told how to get it", () => {
    const safari = { ...all, pushManager: false, notification: false, appleMobile: true };
    assert.equal(pushSupport(safari), "ios");
    assert.match(statusText("ios"), /Add to Home Screen/);
    assert.match(statusText("ios"), /Add to calendar/);
    // Installed but still without push (an old iOS): nothing to install, so plainly unsupported.
    assert.equal(pushSupport({ ...safari, standalone: true }), "unsupported");
  });

  test("iPhones and iPads are recognised, other phones are not", () => {
    assert.equal(isAppleMobile({ userAgent: IPHONE }), true);
    assert.equal(isAppleMobile({ userAgent: "Mozilla/5.0 (Macintosh)", platform: "MacIntel", maxTouchPoints: 5 }), true);
    assert.equal(isAppleMobile({ userAgent: "Mozilla/5.0 (Macintosh)", platform: "MacIntel", maxTouchPoints: 0 }), false);
    assert.equal(isAppleMobile({ userAgent: ANDROID, platform: "Linux armv8l", maxTouchPoints: 5 }), false);
  });
});

group("states in words and buttons", () => {
  test("a blocked permission says how to allow it", () => {
    assert.match(statusText("denied"), /blocked/);
    assert.match(statusText("denied"), /allow notifications, then reload this page/);
    assert.deepEqual(buttonsFor("denied"), { on: false, test: false, off: false });
  });

  test("a failed sign-up names the reason and points to the calendar", () => {
    const text = statusText("failed", "the push service did not answer");
    assert.match(text, /could not be turned on: the push service did not answer\. /);
    assert.match(text, /Add to calendar/);
    assert.deepEqual(buttonsFor("failed"), { on: true, test: false, off: false });
  });

  test("on offers a test and turning off; off offers turning on", () => {
    assert.equal(statusText("on"), "Notifications are on for this device.");
    assert.deepEqual(buttonsFor("on"), { on: false, test: true, off: true });
    assert.deepEqual(buttonsFor("off"), { on: true, test: false, off: false });
    assert.deepEqual(buttonsFor("working"), { on: false, test: false, off: false });
  });

  test("the test's answer in words", () => {
    assert.equal(testResultText(200, { sent: 1, failed: 0 }), "Test sent to 1 device. It should appear within a minute.");
    assert.equal(testResultText(200, { sent: 2, failed: 1 }), "Test sent to 2 devices; 1 device did not take it.");
    assert.match(testResultText(200, { sent: 0, failed: 1 }), /could not be delivered/);
    assert.equal(
      testResultText(409, { error: { code: "no_device", message: "Turn on notifications on this device first." } }),
      "Turn on notifications on this device first.",
    );
    assert.equal(testResultText(503, null), "The test could not be sent. Try again later.");
  });

  test("the count of devices follows turning on and off", () => {
    assert.match(devicesText(0), /^No device gets your reminders yet/);
    assert.equal(devicesText(1), "Reminders go to 1 device where you turned notifications on.");
    assert.equal(devicesText(3), "Reminders go to 3 devices where you turned notifications on.");
  });
});

group("the form's days", () => {
  test("ticked days choose the matching repeat", () => {
    assert.equal(repeatFor([1, 2, 3, 4, 5, 6, 7]), "every");
    assert.equal(repeatFor([5, 4, 3, 2, 1]), "weekdays");
    assert.equal(repeatFor(["1", "2", "3", "4", "5"]), "weekdays");
    assert.equal(repeatFor([1, 3]), "custom");
    assert.equal(repeatFor([]), "custom");
  });

  test("a repeat choice ticks its days; 'these days' leaves the ticks alone", () => {
    assert.deepEqual(daysFor("every"), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(daysFor("weekdays"), [1, 2, 3, 4, 5]);
    assert.equal(daysFor("custom"), null);
  });
});

group("withTimeout", () => {
  test("passes on an answer in time", async () => {
    assert.equal(await withTimeout(Promise.resolve(7), 1000, "late"), 7);
  });

  test("gives up on a promise that never settles", async () => {
    await assert.rejects(withTimeout(new Promise(() => {}), 10, "no answer"), /no answer/);
  });
});
