// The diary form: show the see-a-doctor guidance the moment any warning sign is ticked, and
// count the note's characters. The server shows the same guidance after saving.

import { number, t } from "./shared.js";

const form = document.getElementById("cramp-form");
const alert = document.getElementById("doctor-alert");

if (form && alert) {
  const flags = Array.from(form.querySelectorAll('input[name="red_flags"]'));
  const update = () => {
    alert.hidden = !flags.some((box) => box.checked);
  };
  for (const box of flags) box.addEventListener("change", update);
  update();
}

const note = document.getElementById("note");
const counter = document.getElementById("note-count");
if (note && counter) {
  const max = Number.parseInt(note.getAttribute("maxlength") || "500", 10);
  const show = () => {
    counter.textContent = t("%(count)s of %(max)s characters", { count: number(note.value.length), max: number(max) });
  };
  note.addEventListener("input", show);
  show();
}

const printButton = document.getElementById("print-button");
if (printButton) {
  printButton.hidden = false;
  printButton.addEventListener("click", () => window.print());
}
