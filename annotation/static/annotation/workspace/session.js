/* The state of this page: the task open, the doc being edited, and the bookkeeping of saving.
 * One object, so every module reads and writes the same state and the list of it is in one place. */

import { Editor } from "./state.js";

export const session = {
  ws: null, // the Workspace payload of the current task (CONTRACT.md)
  text: "", // the paragraph's text
  editor: new Editor(), // the doc being edited and its undo history
  revision: 0, // the annotation's revision the next save names
  saveTimer: null,
  saving: null, // the promise of the save in flight
  dirty: false, // changes not yet sent
  conflict: false, // the annotation changed elsewhere: stop saving
  busy: false, // submit, skip or loading the next task in progress
  renewTimer: null,
  activeSuggestion: 0, // index into the open suggestions
  focusedStatement: null, // the statement under the mouse (its evidence is shown)
  evidenceMode: false, // the next selection marks the evidence instead of the actor
  actorTypeByHand: false, // the annotator chose the proposed actor's type: stop guessing it
  lastSkip: null, // {annotationId, until}: the skip that can still be taken back (CONTRACT.md undo-skip)
  clock: { spent: 0, since: 0 }, // time spent on this task, paused while the tab is hidden
};

export const doc = () => session.editor.doc;
