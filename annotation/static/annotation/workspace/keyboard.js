/* Single-key shortcuts (README "Keyboard shortcuts"). They act only when no text field has the focus,
 * except Ctrl+Enter (submit), which works everywhere. */

import { el, LABELS } from "./dom.js";
import {
  clearComposer,
  focusMissing,
  setAuthor,
  setStance,
  toggleEvidenceMode,
  toggleNoStatement,
  undo,
} from "./edit.js";
import { closeHelp, helpOpen, toggleHelp } from "./help.js";
import { decideActive, moveSuggestion } from "./suggest.js";
import { session } from "./session.js";
import { canUndoSkip, previous, skip, submit, undoSkip } from "./tasks.js";

const COMMANDS = {
  a: setAuthor,
  e: toggleEvidenceMode,
  f: () => el.actorInput.focus(),
  c: () => el.claimInput.focus(),
  n: toggleNoStatement,
  y: () => decideActive("accepted"),
  x: () => decideActive("rejected"),
  "[": () => moveSuggestion(-1),
  "]": () => moveSuggestion(1),
  s: submit,
  k: skip,
  p: previous,
  "?": toggleHelp,
  Escape: () => (helpOpen() ? closeHelp() : clearComposer()),
  Enter: focusMissing,
};

export function isTyping(target) {
  return Boolean(
    target &&
      ((target.tagName === "INPUT" && target.type !== "checkbox") ||
        target.tagName === "TEXTAREA" ||
        target.tagName === "SELECT" ||
        target.isContentEditable),
  );
}

export function onKeyDown(event) {
  if (el.ws.dataset.state !== "task" || event.altKey) return;
  if (document.querySelector("dialog[open]")) return;
  const key = event.key;
  const mod = event.ctrlKey || event.metaKey;
  if (mod && key === "Enter") {
    event.preventDefault();
    submit();
    return;
  }
  if (isTyping(event.target)) return;
  if (key === "Enter" && event.target.closest("button, a, summary")) return; // let Enter press buttons
  if (mod && (key === "z" || key === "Z") && !event.shiftKey) {
    event.preventDefault();
    if (!session.editor.canUndo && canUndoSkip())
      undoSkip(); // nothing done here yet: take the skip back
    else undo();
    return;
  }
  if (mod) return;
  const label = LABELS.find((l) => l.key === key);
  if (label) {
    event.preventDefault();
    setStance(label.value);
    return;
  }
  if (COMMANDS[key]) {
    event.preventDefault();
    COMMANDS[key]();
  }
}
