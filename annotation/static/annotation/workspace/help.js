/* The guidelines and keyboard panel: on laptop screens it opens over the task with `?` or its button,
 * and stays as the annotator left it (remembered in this browser). On wide or narrow screens it is
 * always on the page and the button is hidden. */

import { el } from "./dom.js";

const KEY = "standpoint.workspace.help";

function setHelp(open) {
  el.ws.dataset.help = open ? "open" : "closed";
  el.helpToggle.setAttribute("aria-expanded", String(open));
  try {
    localStorage.setItem(KEY, open ? "open" : "closed");
  } catch (e) {
    /* private mode: not remembered */
  }
}

export function helpOpen() {
  return el.ws.dataset.help === "open" && getComputedStyle(el.helpToggle).display !== "none";
}

export function toggleHelp() {
  setHelp(el.ws.dataset.help !== "open");
}

export function closeHelp() {
  setHelp(false);
}

export function bindHelp() {
  let saved = null;
  try {
    saved = localStorage.getItem(KEY);
  } catch (e) {
    /* not remembered */
  }
  setHelp(saved === "open");
  el.helpToggle.addEventListener("click", toggleHelp);
  document.getElementById("ws-help-close").addEventListener("click", closeHelp);
}
