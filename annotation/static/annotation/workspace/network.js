/* Talking to the server about the open task: the draft (saved a moment after each change), the
 * suggestion decisions, and the lease (renewed while the annotator is here). CONTRACT.md has the shapes. */

import { api, toast } from "./dom.js";
import { loggedOut, setSaveStatus } from "./page.js";
import { doc, session } from "./session.js";
import { decisionChanges, toApiStatement } from "./state.js";

const SAVE_DELAY_MS = 700;

export function timeSpent() {
  const c = session.clock;
  return Math.round(c.spent + (document.hidden ? 0 : performance.now() - c.since));
}

/** Pause the clock while the tab is hidden. */
export function onVisibilityChange() {
  if (document.hidden) session.clock.spent += performance.now() - session.clock.since;
  else session.clock.since = performance.now();
}

/** The body of a save or a submit. */
export function body() {
  const d = doc();
  return {
    revision: session.revision,
    no_statement: d.no_statement,
    time_spent_ms: timeSpent(),
    statements: d.statements.map(toApiStatement),
  };
}

export function scheduleSave() {
  if (!session.ws || session.conflict) return;
  session.dirty = true;
  setSaveStatus("Unsaved changes…", "pending");
  clearTimeout(session.saveTimer);
  session.saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
}

export async function saveNow() {
  clearTimeout(session.saveTimer);
  if (session.saving) await session.saving.catch(() => {});
  if (!session.dirty || !session.ws || session.conflict) return;
  session.dirty = false;
  const annotationId = session.ws.annotation.id;
  setSaveStatus("Saving…", "pending");
  session.saving = api("PUT", `/api/annotations/${annotationId}/`, body())
    .then((annotation) => {
      if (!session.ws || session.ws.annotation.id !== annotationId) return;
      session.revision = annotation.revision;
      setSaveStatus(session.dirty ? "Unsaved changes…" : "Saved", session.dirty ? "pending" : "ok");
    })
    .catch((error) => {
      if (error.status === 409) {
        session.conflict = true;
        setSaveStatus("Conflict: this annotation changed in another tab. Reload to continue.", "error");
        toast("Not saved: the annotation changed elsewhere. Reload the page.", "error");
      } else {
        session.dirty = true;
        setSaveStatus(`Not saved: ${error.message}`, "error");
        loggedOut(error);
      }
      throw error;
    })
    .finally(() => {
      session.saving = null;
    });
  return session.saving;
}

/** Wait for the save in flight (its failure is already shown) and drop the pending one. */
export async function settleSaves() {
  clearTimeout(session.saveTimer);
  // a loop: a save that was waiting for the one in flight starts when that one ends
  while (session.saving) await session.saving.catch(() => {});
  clearTimeout(session.saveTimer);
}

export function postDecision(predictionId, decision) {
  return api("POST", `/api/predictions/${predictionId}/decision/`, { decision });
}

/* Undoing an accept or reject also tells the server: forget the decision, or restore the old one. */
export function syncDecisions(before, after) {
  for (const { id, decision } of decisionChanges(before, after)) {
    const request = decision ? postDecision(id, decision) : api("DELETE", `/api/predictions/${id}/decision/`);
    request.catch((error) => toast(`The suggestion decision was not updated: ${error.message}`, "error"));
  }
}

/* Keep the lease while the annotator is here: renew at half its length (the server decides the length). */
export function scheduleRenew() {
  clearTimeout(session.renewTimer);
  const ws = session.ws;
  if (!ws || !ws.assignment || !ws.assignment.expires_at) return;
  const left = new Date(ws.assignment.expires_at).getTime() - Date.now();
  session.renewTimer = setTimeout(
    async () => {
      if (!session.ws || document.hidden) {
        scheduleRenew();
        return;
      }
      try {
        const fresh = await api("POST", `/api/assignments/${session.ws.assignment.id}/renew/`);
        if (fresh && session.ws && fresh.assignment.id === session.ws.assignment.id)
          session.ws.assignment = fresh.assignment;
      } catch (error) {
        toast(`Your lease on this paragraph could not be renewed: ${error.message}`, "error");
        return;
      }
      scheduleRenew();
    },
    Math.max(30000, left / 2),
  );
}
