// The card's Print button: shown only once this script runs, since it needs window.print().
const button = document.querySelector("[data-print]");
if (button && typeof window.print === "function") {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
