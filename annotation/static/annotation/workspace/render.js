/* Redraw everything that depends on the doc. */

import { renderComposer } from "./composer.js";
import { el } from "./dom.js";
import { renderParagraph } from "./paragraph.js";
import { doc, session } from "./session.js";
import { renderStatements } from "./statements.js";
import { renderSuggestions } from "./suggestions.js";

export function render() {
  renderParagraph();
  renderComposer();
  renderStatements();
  renderSuggestions();
  el.noStatement.checked = doc().no_statement;
  el.undo.disabled = !session.editor.canUndo;
}
