/* What the annotator edits on one paragraph, and its undo history. Pure: no DOM, no network.
 *
 * A doc is {statements, no_statement, composer, decisions}: the statements made so far, the
 * "no stance-bearing statement" flag, the statement being built (the composer) and this annotator's
 * decisions on the suggestions ({prediction id: "accepted" | "rejected"}). The server keeps the
 * statements and the flag (the draft); decisions have their own endpoint. */

export const UNDO_LIMIT = 100;

export function emptyComposer() {
  return {
    actor_role: null,
    actor_start: null,
    actor_end: null,
    actor: null,
    actor_name: "",
    claim: null,
    claim_text: "",
    stance: null,
    from_prediction: null,
    evidence_start: null,
    evidence_end: null,
  };
}

export function emptyDoc() {
  return { statements: [], no_statement: false, composer: emptyComposer(), decisions: {} };
}

/** The composer has an actor (words linked to an actor, the author, or an implied actor), a claim and a stance. */
export function composerComplete(c) {
  const actorOk =
    (c.actor_role === "mention" && c.actor && c.actor_start !== null) ||
    c.actor_role === "author" ||
    (c.actor_role === "implied" && c.actor);
  return Boolean(actorOk && c.claim && c.stance);
}

export function composerStarted(c) {
  return (
    c.actor_role !== null || c.actor !== null || c.claim !== null || c.stance !== null || c.evidence_start !== null
  );
}

/** The statement a complete composer makes (only the fields its actor role allows). */
export function statementFromComposer(c) {
  const author = c.actor_role === "author";
  const mention = c.actor_role === "mention";
  return {
    actor_role: c.actor_role,
    actor: author ? null : c.actor,
    actor_name: author ? "" : c.actor_name,
    actor_start: mention ? c.actor_start : null,
    actor_end: mention ? c.actor_end : null,
    claim: c.claim,
    claim_text: c.claim_text,
    stance: c.stance,
    evidence_start: c.evidence_start,
    evidence_end: c.evidence_end,
    note: "",
    from_prediction: c.from_prediction,
  };
}

/** A statement of the API (annotation/api/CONTRACT.md) as the doc keeps it. */
export function fromApiStatement(s) {
  return {
    actor_role: s.actor_role,
    actor: s.actor,
    actor_name: s.actor_name || "",
    actor_start: s.actor_start,
    actor_end: s.actor_end,
    claim: s.claim,
    claim_text: s.claim_text || "",
    stance: s.stance,
    evidence_start: s.evidence_start ?? null,
    evidence_end: s.evidence_end ?? null,
    note: s.note || "",
    from_prediction: s.from_prediction ?? null,
  };
}

/** A doc statement as the API takes it (the display names stay behind). */
export function toApiStatement(s) {
  return {
    actor_role: s.actor_role,
    actor: s.actor,
    actor_start: s.actor_start,
    actor_end: s.actor_end,
    claim: s.claim,
    stance: s.stance,
    evidence_start: s.evidence_start,
    evidence_end: s.evidence_end,
    note: s.note,
    from_prediction: s.from_prediction,
  };
}

/** The doc of an Annotation payload from the API, with the annotator's suggestion decisions. */
export function docFromAnnotation(annotation, predictions) {
  const doc = emptyDoc();
  doc.no_statement = Boolean(annotation && annotation.no_statement);
  doc.statements = ((annotation && annotation.statements) || []).map(fromApiStatement);
  for (const p of predictions || []) if (p.decision) doc.decisions[p.id] = p.decision;
  return doc;
}

/* The part of a doc the server keeps, as a string to compare. */
function persisted(doc) {
  return JSON.stringify([doc.statements, doc.no_statement]);
}

/**
 * The doc being edited and the snapshots to go back to. Every edit goes through change(): it
 * remembers the state before, applies the edit, and turns a complete composer into a statement.
 */
export class Editor {
  constructor(doc = emptyDoc(), limit = UNDO_LIMIT) {
    this.limit = limit;
    this.reset(doc);
  }

  reset(doc = emptyDoc()) {
    this.doc = doc;
    this.history = [];
  }

  get canUndo() {
    return this.history.length > 0;
  }

  /**
   * Apply `mutator(doc)`. Returns {changed, persistedChanged, added}: whether anything changed,
   * whether what the server keeps changed (so the draft must be saved), and the statement a
   * now-complete composer became (null if none). An edit that changes nothing is not remembered.
   */
  change(mutator) {
    const before = JSON.stringify(this.doc);
    const saved = persisted(this.doc);
    mutator(this.doc);
    if (JSON.stringify(this.doc) === before) return { changed: false, persistedChanged: false, added: null };
    this.history.push(before);
    if (this.history.length > this.limit) this.history.shift();
    let added = null;
    if (composerComplete(this.doc.composer)) {
      added = statementFromComposer(this.doc.composer);
      this.doc.statements.push(added);
      this.doc.no_statement = false;
      this.doc.composer = emptyComposer();
    }
    return { changed: true, persistedChanged: persisted(this.doc) !== saved, added };
  }

  /**
   * Go back one edit. Returns null when there is nothing to undo, else {decisionsBefore,
   * persistedChanged}: the decisions of the doc that was left (to tell the server what changed).
   */
  undo() {
    const previous = this.history.pop();
    if (!previous) return null;
    const saved = persisted(this.doc);
    const decisionsBefore = this.doc.decisions;
    this.doc = JSON.parse(previous);
    return { decisionsBefore, persistedChanged: persisted(this.doc) !== saved };
  }
}

/** The ids whose decision differs between two decision maps, with the decision to restore (or null). */
export function decisionChanges(before, after) {
  const changes = [];
  for (const id of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[id] !== after[id]) changes.push({ id, decision: after[id] || null });
  }
  return changes;
}
