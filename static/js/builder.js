// The routine builder page (/my-routines/new, /my-routines/<id>/edit): find poses, add them,
// order them, set each hold, watch the length, and save once with Save. Rules and totals live
// in builder-model.js; drawing in builder-view.js; this module wires the page and the server.

import * as model from "./builder-model.js";
import { drawTimeline, el, poseCard, stepRow } from "./builder-view.js";
import { formatDuration, getJson, t, tn } from "./shared.js";

const $ = (id) => document.getElementById(id);
const data = JSON.parse($("builder-data").textContent);
const poses = model.poseMap(data.poses);
const limits = { ...model.LIMITS, ...data.limits };
const placeLabels = Object.fromEntries(data.places.map((p) => [p.value, p.label]));

let state = model.initialState(data.routine, data.poses);
let saved = data.id ? state : model.initialState(null, data.poses);
let saving = false;
let leaving = false;

const fields = ["title", "note", "level", "prep_seconds", "transition_seconds"];
const numeric = new Set(["prep_seconds", "transition_seconds"]);
const filters = { query: $("pose-search"), area: $("filter-area"), place: $("filter-place"), kind: $("filter-kind") };

// ---- announcements -------------------------------------------------------------------------

let announceTimer = null;
function announce(text) {
  const live = $("builder-live");
  live.textContent = "";
  clearTimeout(announceTimer);
  // A short pause lets screen readers read a message that repeats the previous one.
  announceTimer = setTimeout(() => { live.textContent = text; }, 50);
}

const poseName = (i) => poses.get(state.steps[i].pose).name;
const stepsWord = (n) => tn("%(num)s step", "%(num)s steps", n, { num: n });

// ---- the pose library ----------------------------------------------------------------------

function drawLibrary() {
  const found = model.filterPoses(data.poses, {
    query: filters.query.value, area: filters.area.value, place: filters.place.value, kind: filters.kind.value,
  });
  $("pose-list").replaceChildren(...found.map((p) => poseCard(p, placeLabels)));
  const all = data.poses.length;
  $("pose-count").textContent = found.length === all
    ? tn("%(num)s pose", "%(num)s poses", all, { num: all })
    : t("%(found)s of %(all)s poses", { found: found.length, all });
  $("pose-none").hidden = found.length > 0;
  markLibrary();
}

// Each card says how often its pose is in the routine, so a phone shows what an Add did.
function markLibrary() {
  const full = state.steps.length >= limits.steps;
  // aria-disabled rather than disabled: the Add just pressed keeps the focus and can say why.
  for (const button of $("pose-list").querySelectorAll("[data-add]")) {
    if (full) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
  }
  const counts = new Map();
  for (const step of state.steps) counts.set(step.pose, (counts.get(step.pose) || 0) + 1);
  for (const note of $("pose-list").querySelectorAll("[data-in-routine]")) {
    const n = counts.get(note.dataset.inRoutine) || 0;
    note.hidden = n === 0;
    note.textContent = n === 1 ? t("✓ In your routine") : t("✓ In your routine %(num)s times", { num: n });
  }
}

// ---- the steps -----------------------------------------------------------------------------

function drawSteps(focus = null) {
  const n = state.steps.length;
  $("step-list").replaceChildren(...state.steps.map((s, i) => stepRow(s, poses.get(s.pose), i, n, limits)));
  if (focus) focusAfter(focus);
  refresh();
}

function focusAfter({ index, action }) {
  const row = $(`step-${index}`);
  if (!row) {
    $("steps-title").focus();
    return;
  }
  const wanted = row.querySelector(`[data-action="${action}"]`);
  // A step moved to the top or the bottom cannot go further that way: take the other button.
  const target = wanted && !wanted.disabled ? wanted : row.querySelector("[data-action]:not(:disabled)");
  target.focus();
}

function refresh() {
  const n = state.steps.length;
  const total = model.totalSeconds(state, poses);
  $("step-count").textContent = n ? t("(%(n)s of at most %(max)s)", { n, max: limits.steps }) : "";
  $("steps-empty").hidden = n > 0;
  $("bar-steps").textContent = n ? stepsWord(n) : t("No steps yet");
  $("builder-total").textContent = t("Total %(time)s", { time: formatDuration(total) });
  $("timeline").hidden = n === 0;
  if (n) {
    drawTimeline($("timeline-bar"), $("timeline-list"), model.timeline(state, poses), total);
    $("timeline-summary").textContent = model.timelineSummary(state, poses);
  }
  markLibrary();
}

function addPose(id) {
  const before = state;
  state = model.add(state, id, poses, limits);
  if (state === before) {
    announce(t("A routine has at most %(max)s steps: remove one to add another.", { max: limits.steps }));
    return;
  }
  const n = state.steps.length;
  drawSteps();
  clearProblem("steps");
  const added = t("Added %(pose)s, step %(n)s of %(total)s.", { pose: poses.get(id).name, n, total: n });
  announce(`${added} ${$("builder-total").textContent}.`);
}

function stepAction(action, index) {
  const name = poseName(index);
  if (action === "remove") {
    state = model.remove(state, index);
    const n = state.steps.length;
    drawSteps({ index: index < n ? index : -1, action: "remove" });
    const total = $("builder-total").textContent;
    announce(n ? t("Removed %(pose)s. %(steps)s left, %(total)s.", { pose: name, steps: stepsWord(n), total })
      : t("Removed %(pose)s. No steps left, %(total)s.", { pose: name, total }));
    return;
  }
  const to = index + (action === "up" ? -1 : 1);
  state = model.move(state, index, to - index);
  drawSteps({ index: to, action });
  announce(t("Moved %(pose)s to step %(n)s of %(total)s.", { pose: name, n: to + 1, total: state.steps.length }));
}

function holdInput(input, final) {
  const index = Number(input.dataset.index);
  const value = model.holdValue(input.value, limits);
  if (value === null && !final) return;
  if (value === null) {
    input.value = String(state.steps[index].seconds);
    return;
  }
  const typed = Number(input.value);
  // While typing, only a value inside the limits counts (a "3" on the way to "30" is not 5).
  if (!final && typed !== value) return;
  state = model.setSeconds(state, index, value, limits);
  if (final && String(value) !== input.value.trim()) {
    input.value = String(value);
    announce(t("Holds are %(min)s to %(max)s seconds: set to %(value)s.",
      { min: limits.min_hold, max: limits.max_hold, value }));
  }
  clearStepProblem(index);
  refresh();
}

function noteInput(input) {
  const index = Number(input.dataset.index);
  state = model.setNote(state, index, input.value);
  const shown = $(`note-${index}-text`);
  shown.textContent = input.value;
  shown.hidden = !input.value.trim();
  clearProblem(`note-${index}`);
}

// ---- problems ------------------------------------------------------------------------------

function showProblems(problems) {
  clearProblems();
  const list = $("builder-problem-list");
  for (const { field, message } of problems) {
    const target = model.fieldTarget(field);
    let anchor;
    if (target.step !== undefined && $(`hold-${target.step}`)) {
      anchor = /\.note$/.test(field) ? `note-${target.step}` : `hold-${target.step}`;
      $(anchor).closest("details")?.setAttribute("open", "");
      setError($(anchor), $(`${anchor}-error`), message);
    } else if (fields.includes(target.name)) {
      anchor = target.name;
      setError($(anchor), $(`${anchor}-error`), message);
    } else {
      anchor = target.name === "steps" || target.step !== undefined ? "steps-title" : "builder-form";
      if (anchor === "steps-title") setError(null, $("steps-error"), message);
    }
    list.append(el("li", {}, [el("a", { href: `#${anchor}`, text: message })]));
  }
  $("builder-problems").hidden = false;
  $("builder-problems").focus();
}

function setError(input, box, message) {
  if (box) {
    box.textContent = message;
    box.hidden = false;
  }
  if (input) input.setAttribute("aria-invalid", "true");
}

function clearProblem(name) {
  const box = $(`${name}-error`);
  if (box) box.hidden = true;
  if ($(name)) $(name).removeAttribute("aria-invalid");
}

function clearStepProblem(index) {
  clearProblem(`hold-${index}`);
}

function clearProblems() {
  $("builder-problem-list").replaceChildren();
  $("builder-problems").hidden = true;
  for (const box of document.querySelectorAll(".builder .error")) box.hidden = true;
  for (const input of document.querySelectorAll(".builder [aria-invalid]")) input.removeAttribute("aria-invalid");
}

// ---- saving --------------------------------------------------------------------------------

const csrfMeta = () => document.querySelector('meta[name="csrf-token"]');

async function send(method, url, payload) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url, {
      method, credentials: "same-origin", body: JSON.stringify(payload),
      headers: { "Content-Type": "application/json", Accept: "application/json",
        "X-CSRFToken": csrfMeta()?.content || "" },
    });
    if (response.status !== 400 || attempt > 0) return response;
    const answer = await response.clone().json().catch(() => null);
    if (answer?.error?.code !== "csrf_failed") return response;
    // The page's token has expired (a long edit): fetch a fresh one and try once more.
    const fresh = await getJson("/api/csrf").catch(() => null);
    if (!fresh?.csrf_token) return response;
    if (csrfMeta()) csrfMeta().content = fresh.csrf_token;
  }
}

function failureText(status) {
  if (status === 401) return t("You are signed out. Sign in again in another tab, then press Save here: your changes are still on this page.");
  if (status === 404) return t("This routine no longer exists (deleted in another tab?). Nothing was saved.");
  if (status === 503) return t("Limber is busy right now. Nothing was saved: wait a moment and press Save again.");
  return t("Saving did not work. Nothing was saved: press Save again.");
}

async function save(event) {
  event.preventDefault();
  if (saving) return;
  const problems = model.validate(state, poses, limits);
  if (problems.length) {
    showProblems(problems);
    return;
  }
  saving = true;
  const button = $("builder-save");
  button.disabled = true;
  button.textContent = t("Saving…");
  try {
    const url = data.id ? `/api/my-routines/${data.id}` : "/api/my-routines";
    const response = await send(data.id ? "PUT" : "POST", url, model.body(state));
    const answer = await response.json().catch(() => null);
    if (response.ok && answer) {
      saved = state;
      leaving = true;
      window.location.assign(`/routines/${answer.slug || `my-${answer.id}`}`);
      return;
    }
    const error = answer?.error;
    showProblems([response.status === 422 && error
      ? { field: error.field, message: error.message }
      : { field: "body", message: error?.code === "csrf_failed" ? failureText(0) : failureText(response.status) }]);
  } catch {
    showProblems([{ field: "body",
      message: t("Limber could not be reached. Nothing was saved: check the connection and press Save again.") }]);
  } finally {
    if (!leaving) {
      saving = false;
      button.disabled = false;
      button.textContent = t("Save routine");
    }
  }
}

// ---- wiring --------------------------------------------------------------------------------

function fillFields() {
  for (const name of fields) $(name).value = String(state[name] ?? "");
}

function fieldChanged(event) {
  const name = event.target.name;
  if (!fields.includes(name)) return;
  const raw = event.target.value;
  const value = numeric.has(name) ? (/^\d+$/.test(raw.trim()) ? Number(raw) : NaN) : raw;
  state = model.setField(state, name, value);
  clearProblem(name);
  refresh();
}

function start() {
  fillFields();
  drawLibrary();
  drawSteps();
  $("builder-ui").hidden = false;
  for (const input of Object.values(filters)) input.addEventListener("input", drawLibrary);
  $("pose-clear").addEventListener("click", () => {
    for (const input of Object.values(filters)) input.value = "";
    drawLibrary();
    filters.query.focus();
  });
  $("pose-list").addEventListener("click", (event) => {
    const button = event.target.closest("[data-add]");
    if (button) addPose(button.dataset.add);
  });
  $("step-list").addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (button && !button.disabled) stepAction(button.dataset.action, Number(button.dataset.index));
  });
  $("step-list").addEventListener("input", (event) => {
    if (event.target.matches("input[type=number]")) holdInput(event.target, false);
    else if (event.target.matches("[data-note]")) noteInput(event.target);
  });
  $("step-list").addEventListener("change", (event) => {
    if (event.target.matches("input[type=number]")) holdInput(event.target, true);
  });
  $("builder-form").addEventListener("input", fieldChanged);
  $("builder-form").addEventListener("submit", save);
  $("builder-problem-list").addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const target = link && $(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    target.focus();
    target.scrollIntoView({ block: "center" });
  });
  window.addEventListener("beforeunload", (event) => {
    if (leaving || model.sameRoutine(state, saved)) return;
    event.preventDefault();
    event.returnValue = "";
  });
}

start();
