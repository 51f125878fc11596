/* The annotator's workspace: wires the page's events to the modules and opens the first task.
 * Everything it writes goes through the JSON API (annotation/api/CONTRACT.md); the paragraph is
 * always rendered through textContent, never HTML. Modules, loaded without a build step:
 *
 *   offsets.js     UTF-16 <-> code points (pure)        state.js     the doc and its undo history (pure)
 *   actor-type.js  the guessed type of a proposed actor (pure)
 *   predictions.js suggestion logic (pure)              session.js   the page's state, one object
 *   dom.js         elements, config, the API client     page.js      title, progress, empty/error states
 *   paragraph.js, composer.js, statements.js, suggestions.js, render.js    drawing from the doc
 *   edit.js        every change, commands, autocomplete (combo.js), selection
 *   suggest.js     accept/reject   network.js  drafts, decisions, lease   tasks.js  next/submit/skip
 *   keyboard.js    the shortcuts   help.js  the guidelines and keyboard panel
 */

import { el, LABELS } from "./dom.js";
import {
  bindCombos,
  bindStatementList,
  onParagraphMouseUp,
  setAuthor,
  setStance,
  toggleEvidenceMode,
  toggleNoStatement,
  undo,
} from "./edit.js";
import { bindHelp } from "./help.js";
import { onKeyDown } from "./keyboard.js";
import { onVisibilityChange, saveNow } from "./network.js";
import { toCodePoints, toUnits } from "./offsets.js";
import { session } from "./session.js";
import { bindSuggestionList } from "./suggest.js";
import { loadNext, onDiscardKeyDown, skip, submit, undoSkip } from "./tasks.js";

document.addEventListener("keydown", onKeyDown);
document.addEventListener("visibilitychange", onVisibilityChange);
el.para.addEventListener("mouseup", onParagraphMouseUp);
el.author.addEventListener("click", setAuthor);
el.evidence.addEventListener("click", toggleEvidenceMode);
el.noStatement.addEventListener("change", toggleNoStatement);
el.undo.addEventListener("click", undo);
el.skip.addEventListener("click", skip);
el.submit.addEventListener("click", submit);
el.retry.addEventListener("click", loadNext);
el.undoSkip.addEventListener("click", undoSkip);
el.discard.addEventListener("keydown", onDiscardKeyDown);
for (const button of document.querySelectorAll(".composer .stance-btn")) {
  button.addEventListener("click", () => setStance(button.dataset.stance));
}
bindHelp();
bindCombos();
bindStatementList();
bindSuggestionList();
window.addEventListener("beforeunload", (event) => {
  if (session.dirty || session.saving) {
    saveNow();
    event.preventDefault();
  }
});

// Exposed for the browser tests and for debugging in the console.
window.StandpointWorkspace = {
  toCodePoints,
  toUnits,
  labels: LABELS,
  state: () => ({
    ws: session.ws,
    doc: session.editor.doc,
    revision: session.revision,
    dirty: session.dirty,
    conflict: session.conflict,
  }),
};

loadNext();
