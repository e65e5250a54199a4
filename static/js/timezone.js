// Fill the time-zone field with the browser's zone, unless the person already typed one.
const input = document.querySelector("[data-detect-zone]");
if (input) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && (!input.value || input.value === "UTC")) input.value = zone;
}
