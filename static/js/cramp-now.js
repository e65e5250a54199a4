// "Cramp now": pick where it hurts → read the relief stretch and its cautions → Start the
// timer → an optional diary line.
//
// A self-contained page plus this module (and queue.js, which every page loads), so it keeps
// working offline once cached. Everything the page needs is in <script id="cramp-now-data">.
// The timer derives the time left from a deadline on the monotonic clock (performance.now()),
// never by counting ticks, so it stays right after the tab was hidden or the phone locked.
//
// Diary lines wait in localStorage ("limber.cramps.pending") until POST /api/cramps confirms
// them, through the app's queue (queue.js, over /api/cramps instead of /api/completions). Each
// carries a client UUID `id`, so a resend never makes a second row. A flush runs only when
// signed in and online; queue.js documents what each answer does (401 keeps everything, a stale
// CSRF token is refreshed once, network errors and 5xx are retried with backoff).
// Loaded on the diary list, this module only sends what waits, then reloads to show it.

import { enqueueCramp, flushCramps, pendingCramps } from "./queue.js";
import { formatClock, localTimeZone, newCompletionId, t } from "./shared.js";

const $ = (id) => document.getElementById(id);
const signedIn = () => document.body?.dataset.signedIn === "true";
const preloadedPictures = []; // kept referenced for the page's life

// ---- the timer ---------------------------------------------------------------------------

function createTimer({ onTick, onDone }) {
  let deadline = null; // performance.now() when the hold ends (while running)
  let remaining = 0; // ms left (while paused)
  let total = 0;
  let handle = null;

  function clear() {
    if (handle !== null) clearTimeout(handle);
    handle = null;
  }

  function update() {
    clear();
    if (deadline === null) return;
    const left = Math.max(0, deadline - performance.now());
    onTick(left, total);
    if (left <= 0) {
      deadline = null;
      onDone();
      return;
    }
    // Wake exactly when the displayed second changes.
    const shown = Math.ceil(left / 1000);
    handle = setTimeout(update, Math.max(1, left - (shown - 1) * 1000));
  }

  return {
    start(seconds) {
      total = seconds * 1000;
      deadline = performance.now() + total;
      update();
    },
    pause() {
      if (deadline === null) return;
      remaining = Math.max(0, deadline - performance.now());
      deadline = null;
      clear();
      onTick(remaining, total);
    },
    resume() {
      if (deadline !== null || remaining <= 0) return;
      deadline = performance.now() + remaining;
      update();
    },
    stop() {
      deadline = null;
      remaining = 0;
      clear();
    },
    get running() {
      return deadline !== null;
    },
    refresh: update,
  };
}

// ---- the page ----------------------------------------------------------------------------

function startPage(root, data) {
  const byId = new Map(data.locations.map((loc) => [loc.id, loc]));
  // Fetch the five pictures now, while online, so a stretch chosen offline still shows one.
  for (const loc of data.locations) {
    if (!loc.image) continue;
    const img = new Image();
    img.src = loc.image;
    preloadedPictures.push(img);
  }
  const el = {
    choose: $("cn-choose"),
    stretch: $("cn-stretch"),
    after: $("cn-after"),
    where: $("cn-where"),
    title: $("cn-stretch-title"),
    figure: $("cn-figure"),
    image: $("cn-image"),
    care: $("cn-care"),
    careNote: $("cn-care-note"),
    cautions: $("cn-cautions"),
    timer: $("cn-timer"),
    progress: $("cn-progress"),
    steps: $("cn-steps"),
    ready: $("cn-ready"),
    start: $("cn-start"),
    controls: $("cn-controls"),
    pause: $("cn-pause"),
    restart: $("cn-restart"),
    eased: $("cn-eased"),
    back: $("cn-back"),
    afterTitle: $("cn-after-title"),
    form: $("cn-form"),
    strength: $("cn-strength"),
    note: $("cn-note"),
    error: $("cn-error"),
    saved: $("cn-saved"),
    signin: $("cn-signin"),
    live: $("cn-live"),
  };
  let current = null;
  let startedAt = null;
  let announcedHalf = false;

  const timer = createTimer({
    onTick(left, total) {
      el.timer.textContent = formatClock(left);
      el.progress.value = total > 0 ? Math.round(((total - left) / total) * 1000) : 0;
      if (!announcedHalf && total > 0 && left <= total / 2 && left > 0) {
        announcedHalf = true;
        el.live.textContent = t("Halfway. Keep breathing slowly.");
      }
    },
    onDone() {
      el.live.textContent = t("Time is up. Release the stretch slowly.");
      if (navigator.vibrate) {
        try {
          navigator.vibrate(200);
        } catch {
          // not allowed here: fine
        }
      }
      showAfter();
    },
  });

  function show(state) {
    root.dataset.state = state;
    el.choose.hidden = state !== "choose";
    el.stretch.hidden = state !== "stretch";
    el.after.hidden = state !== "after";
  }

  function listItems(texts) {
    return texts.map((text) => {
      const li = document.createElement("li");
      li.textContent = text;
      return li;
    });
  }

  function cautionItems(groups) {
    return groups.map((group) => {
      const li = document.createElement("li");
      const name = document.createElement("strong");
      name.textContent = t("%(pose)s:", { pose: group.pose });
      li.append(name, ` ${group.items.join(" ")}`);
      return li;
    });
  }

  function choose(id) {
    const loc = byId.get(id);
    if (!loc) return;
    current = loc;
    startedAt = new Date(); // when the cramp was reported, not when the timer starts
    announcedHalf = false;
    timer.stop();
    el.where.textContent = loc.label;
    el.title.textContent = loc.title;
    if (loc.image) {
      el.image.src = loc.image;
      el.image.alt = loc.image_alt || "";
      el.figure.hidden = false;
    } else {
      el.figure.hidden = true;
    }
    el.careNote.textContent = loc.note || "";
    el.careNote.hidden = !loc.note;
    el.cautions.replaceChildren(...cautionItems(loc.cautions));
    el.care.hidden = !loc.note && loc.cautions.length === 0;
    el.steps.replaceChildren(...listItems(loc.steps));
    el.timer.textContent = formatClock(loc.seconds * 1000);
    el.progress.value = 0;
    el.controls.hidden = true;
    el.ready.hidden = false;
    show("stretch");
    el.title.focus({ preventScroll: true });
    window.scrollTo(0, 0);
    const how = t("Read the steps, then tap Start to hold for %(seconds)s seconds.", { seconds: loc.seconds });
    el.live.textContent = `${loc.title}. ${how}`;
  }

  function startStretch() {
    if (!current) return;
    announcedHalf = false;
    el.ready.hidden = true;
    el.controls.hidden = false;
    el.pause.textContent = t("Pause");
    el.live.textContent = t("Hold for %(seconds)s seconds.", { seconds: current.seconds });
    timer.start(current.seconds);
  }

  function showAfter() {
    timer.stop();
    el.controls.hidden = true;
    el.ready.hidden = true;
    el.saved.hidden = true;
    el.signin.hidden = true;
    el.form.hidden = false;
    el.error.hidden = true;
    show("after");
    el.afterTitle.focus({ preventScroll: true });
  }

  function backToChoose(event) {
    if (event) event.preventDefault();
    timer.stop();
    current = null;
    show("choose");
    history.replaceState(null, "", location.pathname);
  }

  for (const link of root.querySelectorAll("[data-where]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      history.replaceState(null, "", `${location.pathname}?where=${encodeURIComponent(link.dataset.where)}`);
      choose(link.dataset.where);
    });
  }
  el.back.addEventListener("click", backToChoose);
  $("cn-again").addEventListener("click", backToChoose);
  el.pause.addEventListener("click", () => {
    if (timer.running) {
      timer.pause();
      el.pause.textContent = t("Resume");
      el.live.textContent = t("Paused.");
    } else {
      timer.resume();
      el.pause.textContent = t("Pause");
    }
  });
  el.start.addEventListener("click", () => {
    startStretch();
    el.pause.focus({ preventScroll: true }); // Start is gone: keep the keyboard in the dock
  });
  el.restart.addEventListener("click", startStretch);
  el.eased.addEventListener("click", showAfter);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && timer.running) timer.refresh();
  });

  el.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const strength = Number.parseInt(el.strength.value, 10);
    if (!Number.isInteger(strength) || strength < data.strength.min || strength > data.strength.max) {
      el.error.textContent = t("Choose how strong it was, from 1 to 10.");
      el.error.hidden = false;
      el.strength.focus();
      return;
    }
    el.error.hidden = true;
    const item = {
      id: newCompletionId(),
      occurred_at: (startedAt || new Date()).toISOString(),
      time_zone: localTimeZone(),
      location: current ? current.id : "other",
      strength,
      note: el.note.value.trim().slice(0, data.note_max),
    };
    enqueueCramp(item);
    el.form.hidden = true;
    el.saved.hidden = false;
    el.saved.textContent = t("Saving…");
    const summary = await flushCramps();
    const stillPending = pendingCramps().some((x) => x.id === item.id);
    if (!stillPending && summary.sent > 0) {
      el.saved.textContent = t("Saved to your diary.");
    } else if (!stillPending) {
      el.saved.textContent = t("Your diary could not take this entry.");
    } else if (!signedIn() || summary.status === "unauthorized") {
      el.saved.textContent =
        t("Kept on this device. Sign in and it will be added to your diary, once you are online.");
      el.signin.hidden = false;
    } else {
      el.saved.textContent = t("Kept on this device. It will be added to your diary when you are back online.");
    }
  });

  const initial = new URLSearchParams(location.search).get("where");
  if (initial && byId.has(initial)) choose(initial);
  else show("choose");
}

// ---- start -------------------------------------------------------------------------------

const root = $("cramp-now");
const dataEl = $("cramp-now-data");
if (root && dataEl) startPage(root, JSON.parse(dataEl.textContent));

window.addEventListener("online", () => flushCramps());
if (pendingCramps().length) {
  flushCramps().then((summary) => {
    // On the diary list, show entries that just arrived from this device.
    if (summary.sent > 0 && document.querySelector("[data-reload-on-sync]")) location.reload();
  });
}
