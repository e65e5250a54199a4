// Show the safety note before a person's first routine on this device, until they dismiss it.
const KEY = "limber.safety.seen";
const note = document.getElementById("safety-first");

function seen() {
  try {
    return localStorage.getItem(KEY) === "1";
  } catch {
    return false;
  }
}

function dismiss() {
  try {
    localStorage.setItem(KEY, "1");
  } catch {
    // storage unavailable: the note simply shows again next time
  }
  note.hidden = true;
}

if (note && !seen()) {
  note.hidden = false;
  document.getElementById("safety-ok")?.addEventListener("click", dismiss);
  document.getElementById("start-btn")?.addEventListener("click", dismiss);
}
