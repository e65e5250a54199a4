// Helpers every script shares: the page's translations (t, tn), storage that never throws, the
// countdown clock, durations in words, local time with its offset, and client ids.

// ---- the page's translations of the scripts' texts ------------------------------------------
// A JSON script tag the server fills from its message catalogue. Each script marks its texts
// t("…") or tn("…", "…", n) with a literal first argument; English is the key.

let table = null;

function strings() {
  if (table) return table;
  table = {};
  if (typeof document === "undefined") return table;  // unit tests: English
  const el = document.getElementById("limber-strings");
  try { table = el ? JSON.parse(el.textContent) || {} : {}; } catch { table = {}; }
  return table;
}

/** The page's language as a BCP 47 tag ("en" outside a page). */
export function pageLang() {
  return (typeof document !== "undefined" && document.documentElement.lang) || "en";
}

/** Replace each %(name)s with values[name]. */
export function fill(text, values = {}) {
  return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Return the translation of an English text, with %(name)s placeholders filled in. */
export function t(english, values) {
  const found = strings()[english];
  return fill(typeof found === "string" ? found : english, values);
}

/** Return the singular or plural translation for n (n is also available as %(n)s). */
export function tn(singular, plural, n, values = {}) {
  const found = strings()[singular];
  const one = new Intl.PluralRules(pageLang()).select(n) === "one";
  const forms = Array.isArray(found) ? found : [singular, plural];
  return fill(one ? forms[0] : forms[1], { n, num: n, ...values });
}

/** Format a number for the page's language (decimal comma where the language uses one). */
export function number(value, options) {
  return new Intl.NumberFormat(pageLang(), options).format(value);
}

// ---- storage, clock, durations, time, ids ----------------------------------------------------

/**
 * localStorage when the browser lets us use it, else an in-memory stand-in with the same methods
 * (private modes and blocked storage throw on access; the page then works without memory).
 */
export function safeStorage(win = globalThis) {
  try {
    const s = win.localStorage;
    s.getItem("x");
    return s;
  } catch {
    const memory = new Map();
    return {
      getItem: (k) => (memory.has(k) ? memory.get(k) : null),
      setItem: (k, v) => memory.set(k, String(v)),
      removeItem: (k) => memory.delete(k),
      key: (i) => Array.from(memory.keys())[i] ?? null,
      get length() {
        return memory.size;
      },
    };
  }
}

/** Parse the JSON kept under `key`, or `fallback` when it is missing or unreadable. */
export function readJson(storage, key, fallback = null) {
  try {
    const raw = storage.getItem(key);
    return raw == null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

/** Keep `value` as JSON under `key`; false when storage is full or unavailable. */
export function writeJson(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

/** Forget `key`, quietly. */
export function removeKey(storage, key) {
  try {
    storage.removeItem(key);
  } catch {
    // unavailable storage has nothing to forget
  }
}

/** "m:ss" for a number of milliseconds, rounded up to the whole second (a countdown). */
export function formatClock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000 - 1e-9));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** "5 min 30 s", "45 s", "1 h 2 min" for a number of seconds (durations in prose). */
export function formatDuration(seconds) {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  // A no-break space keeps each number with its unit, as the pages' durations do.
  const keep = (text) => text.replace(/ /g, "\u00a0");
  const hours = keep(t("%(hours)s h", { hours: h }));
  const minutes = keep(t("%(minutes)s min", { minutes: m }));
  const secs = keep(t("%(seconds)s s", { seconds: s }));
  if (h) return m ? `${hours} ${minutes}` : hours;
  if (m) return s ? `${minutes} ${secs}` : minutes;
  return secs;
}

/** ISO 8601 local time with the UTC offset, to the second: 2026-11-24T21:05:00+01:00. */
export function isoWithOffset(date) {
  const pad = (n) => String(Math.abs(Math.trunc(n))).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const year = String(date.getFullYear()).padStart(4, "0");
  return (
    `${year}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.abs(offset) / 60)}:${pad(Math.abs(offset) % 60)}`
  );
}

/** The IANA time zone of this browser ("UTC" when it cannot tell). */
export function localTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** A version 4 UUID; falls back to getRandomValues where randomUUID is missing (plain http). */
export function newCompletionId(cryptoObj = globalThis.crypto) {
  if (cryptoObj && typeof cryptoObj.randomUUID === "function") {
    try {
      return cryptoObj.randomUUID();
    } catch {
      // not a secure context: fall through
    }
  }
  const bytes = new Uint8Array(16);
  if (cryptoObj && typeof cryptoObj.getRandomValues === "function") cryptoObj.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** GET `url` as JSON with the page's cookies: the body, or null when the answer is not 2xx. */
export async function getJson(url, fetchFn = globalThis.fetch) {
  const response = await fetchFn(url, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  return response.ok ? response.json() : null;
}
