/* Moving between tasks: load the next one, open it, submit, skip. */

import { api, el, LABELS, PROJECT, toast } from "./dom.js";
import { clearComposer, closeCombos } from "./edit.js";
import { body, scheduleRenew, settleSaves } from "./network.js";
import { countFinished, renderStatic, setSaveStatus, setState, showEmpty, showError } from "./page.js";
import { sliceCp } from "./offsets.js";
import { byScore, labelFor } from "./predictions.js";
import { render } from "./render.js";
import { doc, session } from "./session.js";
import { showRefusal } from "./suggestions.js";
import { composerStarted, docFromAnnotation } from "./state.js";

export async function loadNext() {
  session.busy = true;
  setState("loading");
  try {
    const payload = await api("POST", `/api/projects/${PROJECT}/next-task/`);
    if (!payload) {
      showEmpty();
      return;
    }
    open(payload);
  } catch (error) {
    showError(error);
  } finally {
    session.busy = false;
  }
}

function open(payload) {
  payload.predictions = byScore(payload.predictions);
  const annotation = payload.annotation || {};
  Object.assign(session, {
    ws: payload,
    text: payload.paragraph.text,
    revision: annotation.revision || 0,
    conflict: false,
    dirty: false,
    activeSuggestion: 0,
    focusedStatement: null,
    evidenceMode: false,
    actorTypeByHand: false,
    clock: { spent: annotation.time_spent_ms || 0, since: performance.now() },
  });
  session.editor.reset(docFromAnnotation(annotation, payload.predictions));
  el.actorInput.value = "";
  el.claimInput.value = "";
  closeCombos();
  showRefusal(null);
  renderStatic();
  render();
  setSaveStatus(annotation.status === "submitted" ? "Submitted earlier; edits are recorded in its history." : "");
  setState("task");
  scheduleRenew();
  window.scrollTo({ top: 0 });
}

export async function submit() {
  if (!session.ws || session.busy) return;
  if (session.conflict) {
    toast("Reload the page first: this annotation changed elsewhere.", "error");
    return;
  }
  const started = composerStarted(doc().composer);
  if (!doc().statements.length && !doc().no_statement) {
    toast(
      started
        ? "Finish the statement you started, or press Esc to drop it."
        : "Add a statement, or press n if the paragraph has none.",
      "error",
    );
    return;
  }
  if (started) {
    const discard = await confirmDiscard();
    if (!discard) return;
    clearComposer();
  }
  session.busy = true;
  try {
    await settleSaves();
    setSaveStatus("Submitting…", "pending");
    await api("POST", `/api/annotations/${session.ws.annotation.id}/submit/`, body());
    session.dirty = false;
    countFinished();
    dropUndoSkip();
    toast("Submitted.", "ok");
    session.busy = false;
    await loadNext();
  } catch (error) {
    session.busy = false;
    if (error.status === 409 && error.payload && error.payload.code === "task_closed") {
      // the paragraph was re-marked meanwhile: the server kept the work as a draft, so move on
      session.dirty = false;
      toast(error.message, "info");
      await loadNext();
      return;
    }
    if (error.status === 409) session.conflict = true;
    setSaveStatus(`Not submitted: ${error.message}`, "error");
    toast(`Not submitted: ${error.message}`, "error");
  }
}

/* Submitting drops an unfinished statement: ask first (Enter submits without it, Esc keeps editing). */
function confirmDiscard() {
  const c = doc().composer;
  const parts = [
    describeActor(c),
    c.claim ? `“${c.claim_text}”` : "no claim",
    c.stance ? labelFor(c.stance, LABELS).name : "no stance",
  ];
  el.discardWhat.textContent = parts.join(" · ");
  el.discard.returnValue = "";
  el.discard.showModal();
  el.discardSubmit.focus(); // not only the autofocus attribute: Enter must land here on every opening
  return new Promise((resolve) => {
    el.discard.addEventListener("close", () => resolve(el.discard.returnValue === "submit"), { once: true });
  });
}

/* Enter in the dialog submits without the statement unless "Keep editing" has the focus. */
export function onDiscardKeyDown(event) {
  if (event.key !== "Enter" || event.target.value === "cancel") return;
  event.preventDefault();
  event.stopPropagation(); // the page's shortcuts must not see it once the dialog is closed
  el.discard.close("submit");
}

function describeActor(c) {
  if (c.actor_role === "author") return "the author";
  if (c.actor_role === "mention")
    return c.actor ? c.actor_name : `“${sliceCp(session.text, c.actor_start, c.actor_end)}”, no canonical actor`;
  return c.actor ? c.actor_name : "no actor";
}

const UNDO_SKIP_MS = 30000; // the server takes a skip back for 30 s (CONTRACT.md, undo-skip)

export async function skip() {
  if (!session.ws || session.busy) return;
  session.busy = true;
  try {
    await settleSaves();
    const annotationId = session.ws.annotation.id;
    await api("POST", `/api/annotations/${annotationId}/skip/`, { revision: session.revision });
    session.dirty = false;
    offerUndoSkip(annotationId);
    session.busy = false;
    await loadNext();
  } catch (error) {
    session.busy = false;
    toast(`Could not skip: ${error.message}`, "error");
  }
}

/* "Skipped. Undo" for as long as the server will take the skip back (a little less, for the round trip). */
function offerUndoSkip(annotationId) {
  const until = Date.now() + UNDO_SKIP_MS - 2000;
  session.lastSkip = { annotationId, until };
  el.skippedText.textContent = "Skipped.";
  el.skipped.hidden = false;
  clearTimeout(offerUndoSkip.timer);
  offerUndoSkip.timer = setTimeout(dropUndoSkip, until - Date.now());
}

function dropUndoSkip() {
  session.lastSkip = null;
  el.skipped.hidden = true;
}

export function canUndoSkip() {
  return Boolean(session.lastSkip && Date.now() < session.lastSkip.until);
}

/* Take the last skip back: the skipped paragraph opens again, as a draft with its statements. */
export async function undoSkip() {
  if (session.busy) return;
  if (!canUndoSkip()) {
    dropUndoSkip();
    toast("Too late to undo the skip: open it from My annotations.", "info");
    return;
  }
  const { annotationId } = session.lastSkip;
  session.busy = true;
  try {
    await settleSaves();
    const payload = await api("POST", `/api/annotations/${annotationId}/undo-skip/`);
    dropUndoSkip();
    open(payload);
    toast("Skip undone: the paragraph is yours again.", "ok");
  } catch (error) {
    dropUndoSkip();
    toast(`The skip could not be undone: ${error.message}`, "error");
  } finally {
    session.busy = false;
  }
}

/* `p`: the "Previous" button of the going-back block (the paragraph submitted or skipped before this one),
 * once the draft's pending saves are in. */
export async function previous() {
  const button = document.getElementById("ws-previous");
  if (!button || session.busy) return;
  await settleSaves();
  button.click();
}
