// Keep the screen on while a routine plays (Screen Wake Lock API, where there is one).
// The browser drops the lock when the page is hidden; it is asked for again when the page is
// visible and still wants it.

export function createWakeLock(nav = globalThis.navigator, doc = globalThis.document) {
  const supported = Boolean(nav && nav.wakeLock && typeof nav.wakeLock.request === "function");
  let wanted = false;
  let sentinel = null;
  let pending = null;

  async function request() {
    if (!supported || !wanted || (doc && doc.visibilityState !== "visible")) return;
    if (sentinel || pending) return;
    pending = nav.wakeLock.request("screen");
    try {
      const lock = await pending;
      if (!wanted) {
        lock.release().catch(() => {});
        return;
      }
      sentinel = lock;
      lock.addEventListener("release", () => {
        if (sentinel === lock) sentinel = null;
      });
    } catch {
      sentinel = null; // refused (battery saver, no permission, not visible): carry on without
    } finally {
      pending = null;
    }
  }

  if (supported && doc) {
    doc.addEventListener("visibilitychange", () => {
      if (doc.visibilityState === "visible") request();
    });
  }

  return {
    supported,
    get active() {
      return Boolean(sentinel);
    },
    acquire() {
      wanted = true;
      return request();
    },
    release() {
      wanted = false;
      const lock = sentinel;
      sentinel = null;
      if (lock) return lock.release().catch(() => {});
      return Promise.resolve();
    },
  };
}
