/* The page's elements, its configuration (the json_script the view renders) and the shared API
 * client and toast of pages.js. Nothing here builds markup from data. */

export const { api, toast } = window.Standpoint;
export const config = JSON.parse(document.getElementById("ws-config").textContent);
export const PROJECT = config.project;
export const LABELS = config.stanceLabels; // [{id, value, name, key, color}]

export const $ = (id) => document.getElementById(id);

export const el = {
  ws: $("ws"),
  title: $("ws-title"),
  meta: $("ws-meta"),
  bar: $("ws-progress-bar"),
  barText: $("ws-progress-text"),
  empty: $("ws-empty"),
  emptyDone: $("ws-empty-done"),
  error: $("ws-error"),
  task: $("ws-task"),
  retry: $("ws-retry"),
  prev: $("ctx-prev"),
  para: $("paragraph"),
  next: $("ctx-next"),
  actorDesc: $("c-actor-desc"),
  author: $("c-author"),
  evidenceDesc: $("c-evidence-desc"),
  evidence: $("c-evidence"),
  actorInput: $("actor-input"),
  actorList: $("actor-list"),
  actorType: $("actor-type"),
  claimInput: $("claim-input"),
  claimList: $("claim-list"),
  hint: $("c-hint"),
  statements: $("statements"),
  stCount: $("st-count"),
  stEmpty: $("st-empty"),
  noStatement: $("no-statement"),
  saveStatus: $("save-status"),
  undo: $("undo"),
  skip: $("skip"),
  submit: $("submit"),
  suggestions: $("suggestions"),
  sgList: $("suggestion-list"),
  sgCount: $("sg-count"),
  sgRefusal: $("sg-refusal"),
  helpToggle: $("ws-help-toggle"),
  side: $("ws-side"),
  discard: $("ws-discard"),
  discardWhat: $("ws-discard-what"),
  discardSubmit: $("ws-discard-submit"),
  skipped: $("ws-skipped"),
  skippedText: $("ws-skipped-text"),
  undoSkip: $("ws-undo-skip"),
};

/** document.createElement with properties (className, textContent, type, ...) set on it. */
export function make(tag, props = {}) {
  return Object.assign(document.createElement(tag), props);
}
