// The routine builder's drawing: pose cards, step rows and the timeline preview, made with
// createElement and textContent (no markup strings), for builder.js to place and wire.

import { formatDuration, t } from "./shared.js";

const SVG = "http://www.w3.org/2000/svg";

/** An element with attributes (class, text, dataset entries and plain attributes) and children. */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "data") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

const capital = (word) => word.charAt(0).toUpperCase() + word.slice(1);

// The content's areas and kinds are identifiers; these are their names for people.
function areaName(area) {
  if (area === "legs") return t("Legs");
  if (area === "abdomen") return t("Abdomen");
  if (area === "back") return t("Back");
  return capital(area);
}

function kindName(kind) {
  if (kind === "stretch") return t("Stretch");
  if (kind === "yoga") return t("Yoga");
  if (kind === "mobility") return t("Mobility");
  if (kind === "breathing") return t("Breathing");
  return capital(kind);
}

/** A pose in the library: picture, name, what it is for, its usual hold and an Add button. */
export function poseCard(pose, placeLabels) {
  const places = (pose.positions && pose.positions.length ? pose.positions : [pose.position])
    .map((p) => placeLabels[p] || capital(p));
  const time = formatDuration(pose.hold_seconds);
  const hold = pose.per_side ? t("%(time)s each side", { time }) : time;
  return el("li", { class: "library-card" }, [
    el("img", { src: pose.image, alt: "", width: 96, height: 64, loading: "lazy", decoding: "async" }),
    el("div", { class: "library-text" }, [
      el("p", { class: "library-name", text: pose.name }),
      el("p", { class: "library-meta", text: `${pose.areas.map(areaName).join(", ")} · ${kindName(pose.kind)}` }),
      el("p", { class: "library-meta", text: `${hold} · ${places.join(", ")}` }),
      el("p", { class: "library-in", hidden: true, data: { inRoutine: pose.id } }),
    ]),
    el("button", { class: "button library-add", type: "button", "aria-label": t("Add %(pose)s", { pose: pose.name }),
      data: { add: pose.id } }, [document.createTextNode(t("Add"))]),
  ]);
}

/** A step of the routine: picture, name, its hold field and Move up / Move down / Remove. */
export function stepRow(step, pose, i, count, limits) {
  const place = { pose: pose.name, n: i + 1, total: count };
  const id = `hold-${i}`;
  const button = (action, label, aria, disabled) =>
    el("button", { class: `button button-quiet step-${action}`, type: "button", "aria-label": aria,
      disabled, data: { action, index: i } }, [el("span", { "aria-hidden": "true", class: "step-icon", text: ICONS[action] }), document.createTextNode(label)]);
  return el("li", { class: "step-row", id: `step-${i}`, data: { index: i } }, [
    el("img", { src: pose.image, alt: "", width: 90, height: 60, loading: "lazy", decoding: "async" }),
    el("div", { class: "step-body" }, [
      el("p", { class: "step-heading" }, [
        el("span", { class: "step-number", text: `${i + 1}.` }),
        el("span", { class: "step-pose", text: pose.name }),
      ]),
      el("div", { class: "step-hold" }, [
        el("label", { for: id }, [document.createTextNode(t("Hold")),
          el("span", { class: "visually-hidden", text: " " + t("%(pose)s, step %(n)s of %(total)s, in seconds", place) })]),
        el("input", { id, type: "number", inputmode: "numeric", min: limits.min_hold, max: limits.max_hold,
          step: 1, value: step.seconds, "aria-describedby": `${id}-words ${id}-error`, data: { index: i } }),
        el("span", { class: "step-words", id: `${id}-words`, text: holdUnit(pose) }),
      ]),
      el("p", { class: "step-note", id: `note-${i}-text`, text: step.note || "", hidden: !step.note }),
      el("details", { class: "step-note-edit" }, [
        el("summary", { text: step.note ? t("Change the note") : t("Add a note") }),
        el("label", { for: `note-${i}`, class: "visually-hidden", text: t("Note for %(pose)s, step %(n)s of %(total)s", place) }),
        el("input", { id: `note-${i}`, type: "text", maxlength: 140, value: step.note || "",
          autocomplete: "off", "aria-describedby": `note-${i}-error`, data: { index: i, note: "" } }),
      ]),
      el("p", { class: "error", id: `note-${i}-error`, hidden: true }),
      el("p", { class: "error", id: `${id}-error`, hidden: true }),
    ]),
    el("div", { class: "step-actions" }, [
      button("up", t("Up"), t("Move %(pose)s up (step %(n)s of %(total)s)", place), i === 0),
      button("down", t("Down"), t("Move %(pose)s down (step %(n)s of %(total)s)", place), i === count - 1),
      button("remove", t("Remove"), t("Remove %(pose)s (step %(n)s of %(total)s)", place), false),
    ]),
  ]);
}

const ICONS = { up: "↑", down: "↓", remove: "×" };

/** The unit beside a hold's field: "s", or "s each side" for a per-side pose. */
export function holdUnit(pose) {
  return pose.per_side ? t("s each side") : "s"; // the unit's symbol is the same in every language
}

/** Draw the preview: one bar of coloured parts (drawn to scale) and the list in words. */
export function drawTimeline(bar, list, parts, total) {
  bar.replaceChildren();
  list.replaceChildren();
  const width = Math.max(total, 1);
  bar.setAttribute("viewBox", `0 0 ${width} 12`);
  for (const part of parts) {
    const rect = document.createElementNS(SVG, "rect");
    rect.setAttribute("x", String(part.start));
    rect.setAttribute("y", "0");
    rect.setAttribute("width", String(part.seconds));
    rect.setAttribute("height", "12");
    const shade = part.kind === "hold" ? `tl-hold tl-hold-${part.index % 2 ? "odd" : "even"}` : `tl-${part.kind}`;
    rect.setAttribute("class", shade);
    bar.append(rect);
    // Moves show in the bar and in the summary line; listed, they would double the list.
    if (part.kind !== "move") list.append(el("li", { class: `timeline-item timeline-${part.kind}` }, [
      el("span", { class: "timeline-at", text: clock(part.start) }),
      el("span", { class: "timeline-label", text: part.label }),
      el("span", { class: "timeline-len", text: formatDuration(part.seconds) }),
    ]));
  }
  list.append(el("li", { class: "timeline-item timeline-end" }, [
    el("span", { class: "timeline-at", text: clock(total) }),
    el("span", { class: "timeline-label", text: t("Done") }),
  ]));
}

const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
