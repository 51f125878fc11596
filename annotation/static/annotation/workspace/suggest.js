/* Deciding on suggestions: accept (fills the statement being built) or reject, with one key or a click. */

import { el, LABELS, toast } from "./dom.js";
import { change, offerActorSearch } from "./edit.js";
import { postDecision } from "./network.js";
import { sliceCp } from "./offsets.js";
import { renderParagraph } from "./paragraph.js";
import { acceptConflicts, applyPrediction, labelFor, pendingSuggestions } from "./predictions.js";
import { doc, session } from "./session.js";
import { renderSuggestions, showRefusal } from "./suggestions.js";

function pending() {
  return pendingSuggestions(session.ws ? session.ws.predictions : [], doc().decisions);
}

/* The parts of the statement being built an accept would replace, as people read them. */
function describeConflicts(parts) {
  const c = doc().composer;
  const what = {
    actor: () =>
      c.actor_role === "author"
        ? "the author"
        : c.actor_role === "mention"
          ? `“${sliceCp(session.text, c.actor_start, c.actor_end)}”`
          : c.actor_name,
    claim: () => `“${c.claim_text}”`,
    stance: () => labelFor(c.stance, LABELS).name.toLowerCase(),
  };
  return parts.map((part) => `its ${part} (${what[part]()})`).join(", ");
}

export async function decide(prediction, decision) {
  const conflicts = decision === "accepted" ? acceptConflicts(doc().composer, prediction, LABELS) : [];
  if (conflicts.length) {
    const message =
      `Not accepted: the statement you are building already has ${describeConflicts(conflicts)}. ` +
      "Finish it, or press Esc to clear it, then accept.";
    showRefusal(message);
    return;
  }
  showRefusal(null);
  change((d) => {
    d.decisions[prediction.id] = decision;
    if (decision === "accepted") applyPrediction(d.composer, prediction, LABELS);
  });
  try {
    await postDecision(prediction.id, decision);
  } catch (error) {
    toast(`The decision was not recorded: ${error.message}`, "error");
  }
  const c = doc().composer;
  if (decision === "accepted" && c.actor_role === "mention" && !c.actor) {
    offerActorSearch(prediction.surface || sliceCp(session.text, prediction.start, prediction.end));
  }
}

export function decideActive(decision) {
  const open = pending();
  if (!open.length) {
    toast("No open suggestion.", "info");
    return;
  }
  decide(open[Math.min(session.activeSuggestion, open.length - 1)], decision);
}

function activate(index) {
  session.activeSuggestion = index;
  renderSuggestions();
  renderParagraph();
}

export function moveSuggestion(delta) {
  const n = pending().length;
  if (!n) return;
  activate((session.activeSuggestion + delta + n) % n);
}

/* Clicks on the list: a button decides, anywhere else on an open suggestion makes it the active one. */
export function bindSuggestionList() {
  el.sgList.addEventListener("click", (event) => {
    const item = event.target.closest("li.suggestion[data-index]");
    if (!item) return;
    const index = Number(item.dataset.index);
    const button = event.target.closest("button[data-action]");
    if (button) decide(pending()[index], button.dataset.action);
    else if (event.target.tagName !== "BUTTON") activate(index);
  });
}
