/* Editing the doc: every change goes through change() (undoable, re-rendered, saved when the draft
 * changed); the commands the keys and buttons call; choosing actors and claims; the mouse selection. */

import { guessActorType } from "./actor-type.js";
import { bindCombo, closeList, makeCombo, renderCombo, search } from "./combo.js";
import { renderComposer } from "./composer.js";
import { api, el, PROJECT, toast } from "./dom.js";
import { scheduleSave, syncDecisions } from "./network.js";
import { sliceCp } from "./offsets.js";
import { renderParagraph, selectionSpan } from "./paragraph.js";
import { render } from "./render.js";
import { doc, session } from "./session.js";
import { composerStarted, emptyComposer } from "./state.js";
import { showRefusal } from "./suggestions.js";

/* Apply `mutator(doc)`: remember the state before, re-render, save the draft if what the server keeps changed. */
export function change(mutator) {
  const result = session.editor.change(mutator);
  if (!result.changed) return;
  if (result.added) {
    showRefusal(null);
    session.actorTypeByHand = false;
    el.actorInput.value = "";
    el.claimInput.value = "";
    toast("Statement added.", "ok");
  }
  render();
  if (result.persistedChanged) scheduleSave();
}

export function undo() {
  const result = session.editor.undo();
  if (!result) {
    toast("Nothing to undo.", "info");
    return;
  }
  syncDecisions(result.decisionsBefore, doc().decisions);
  el.actorInput.value = doc().composer.actor_name || "";
  el.claimInput.value = doc().composer.claim_text || "";
  render();
  if (result.persistedChanged) scheduleSave();
  toast("Undone.", "info");
}

/* ---------- Commands ---------- */

export function setStance(value) {
  change((d) => {
    d.composer.stance = value;
  });
}

export function setAuthor() {
  change((d) => {
    Object.assign(d.composer, {
      actor_role: "author",
      actor_start: null,
      actor_end: null,
      actor: null,
      actor_name: "",
    });
  });
  el.actorInput.value = "";
}

/* Enter outside a field jumps to what the statement still needs. */
export function focusMissing() {
  const c = doc().composer;
  if (!(c.actor_role === "author" || c.actor)) el.actorInput.focus();
  else if (!c.claim) el.claimInput.focus();
  else toast("Press a stance key to finish the statement.", "info");
}

export function toggleEvidenceMode() {
  session.evidenceMode = !session.evidenceMode;
  renderComposer();
}

export function clearComposer() {
  session.evidenceMode = false;
  session.actorTypeByHand = false;
  showRefusal(null);
  if (!composerStarted(doc().composer) && doc().composer.evidence_start === null) {
    renderComposer();
    return;
  }
  change((d) => {
    d.composer = emptyComposer();
  });
  el.actorInput.value = "";
  el.claimInput.value = "";
}

export function toggleNoStatement() {
  if (!doc().no_statement && doc().statements.length) {
    toast("Remove the statements first: a paragraph with statements is not empty.", "error");
    el.noStatement.checked = false;
    return;
  }
  change((d) => {
    d.no_statement = !d.no_statement;
  });
}

/* ---------- Actors and claims (autocomplete) ---------- */

function actorTypeName() {
  return el.actorType.options[el.actorType.selectedIndex].text.toLowerCase();
}

async function chooseEntry(combo, item) {
  let entry = item.entry;
  if (item.propose) {
    try {
      entry =
        combo.kind === "actors"
          ? await api("POST", `/api/projects/${PROJECT}/actors/`, {
              name: item.propose,
              type: el.actorType.value,
              aliases: [],
              external_id: "",
            })
          : await api("POST", `/api/projects/${PROJECT}/claims/`, {
              text: item.propose,
              category_code: "",
              description: "",
            });
      toast(`Proposed “${item.propose}”; a manager will review it.`, "ok");
    } catch (error) {
      toast(`Could not propose it: ${error.message}`, "error");
      return;
    }
  }
  closeList(combo);
  // Set the field first: completing the statement clears the composer and its fields.
  if (combo.kind === "actors") {
    combo.input.value = entry.name;
    change((d) => {
      d.composer.actor = entry.id;
      d.composer.actor_name = entry.name;
      if (d.composer.actor_role !== "mention") d.composer.actor_role = "implied";
    });
    combo.input.blur(); // keys are shortcuts again: c (or Enter) for the claim, a digit for the stance
  } else {
    combo.input.value = entry.text;
    change((d) => {
      d.composer.claim = entry.id;
      d.composer.claim_text = entry.text;
    });
    combo.input.blur();
  }
}

/* Lower-cased, spaces collapsed: how the registry compares names (services.registry.normalize_text). */
const normalized = (text) => text.toLowerCase().split(/\s+/).filter(Boolean).join(" ");

/* The type offered for a proposed actor follows the words, until the annotator picks one by hand. */
function guessTypeFor(words) {
  if (!session.actorTypeByHand) el.actorType.value = guessActorType(words);
}

export const actorCombo = makeCombo("actors", el.actorInput, el.actorList, {
  label: (e) => e.name,
  extra: (e) => (e.aliases || []).join(", "),
  // An actor that has the typed text as its name or one of its aliases: nothing to propose then.
  exact: (e, query) => [e.name, ...(e.aliases || [])].some((n) => normalized(n) === normalized(query)),
  onQuery: guessTypeFor,
  proposal: (query) => `+ Propose new actor “${query}” (${actorTypeName()})`,
  onChoose: (item) => chooseEntry(actorCombo, item),
  onEscape: () => clearComposer(),
});

export const claimCombo = makeCombo("claims", el.claimInput, el.claimList, {
  label: (e) => e.text,
  extra: (e) => e.category_code || "",
  exact: (e, query) => e.text.toLowerCase() === query.toLowerCase(),
  proposal: (query) => `+ Propose new claim “${query}”`,
  onChoose: (item) => chooseEntry(claimCombo, item),
  onEscape: () => clearComposer(),
});

export function closeCombos() {
  closeList(actorCombo);
  closeList(claimCombo);
}

/* Look up the canonical actor for words the annotator just selected with the mouse. */
export function findActorFor(words) {
  el.actorInput.value = words;
  el.actorInput.focus();
  search(actorCombo);
}

/* Words came from a suggestion (a key press): put them in the actor box, but leave the focus where it
 * is, so the next key is still a shortcut; f opens the search with them. */
export function offerActorSearch(words) {
  el.actorInput.value = words;
  guessTypeFor(words);
}

export function bindCombos() {
  el.actorType.addEventListener("change", () => {
    session.actorTypeByHand = true;
    if (!actorCombo.list.hidden) renderCombo(actorCombo);
  });
  bindCombo(actorCombo);
  bindCombo(claimCombo);
}

/* ---------- The mouse: selecting words, the statement list ---------- */

export function onParagraphMouseUp() {
  const span = selectionSpan();
  if (!span) return;
  window.getSelection().removeAllRanges();
  if (session.evidenceMode) {
    session.evidenceMode = false;
    change((d) => {
      d.composer.evidence_start = span.start;
      d.composer.evidence_end = span.end;
    });
    renderComposer();
    return;
  }
  const keepActor = doc().composer.actor && doc().composer.actor_role !== "author";
  change((d) => {
    d.composer.actor_role = "mention";
    d.composer.actor_start = span.start;
    d.composer.actor_end = span.end;
    if (!keepActor) {
      d.composer.actor = null;
      d.composer.actor_name = "";
    }
  });
  if (!keepActor) findActorFor(sliceCp(session.text, span.start, span.end));
}

/* The statement list's buttons and notes (statements.js renders them with data-action and data-index). */
export function bindStatementList() {
  const list = el.statements;
  const indexOf = (target) => Number(target.dataset.index);
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const i = indexOf(button);
    if (button.dataset.action === "stance")
      change((d) => {
        d.statements[i].stance = button.dataset.stance;
      });
    else if (button.dataset.action === "remove")
      change((d) => {
        d.statements.splice(i, 1);
      });
  });
  list.addEventListener("change", (event) => {
    const note = event.target.closest("input[data-action=note]");
    if (note)
      change((d) => {
        d.statements[indexOf(note)].note = note.value.trim();
      });
  });
  list.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("input[data-action=note]")) event.target.blur();
  });
  list.addEventListener("mouseover", (event) => {
    const item = event.target.closest("li.statement");
    if (item) focusStatementOnly(indexOf(item));
  });
  list.addEventListener("mouseleave", () => focusStatementOnly(null));
}

/* Hovering a statement marks its span and evidence in the paragraph (nothing else changes). */
function focusStatementOnly(index) {
  if (session.focusedStatement === index) return;
  session.focusedStatement = index;
  renderParagraph();
}
