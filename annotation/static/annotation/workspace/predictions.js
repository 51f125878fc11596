/* Suggestions (pre-labels): which are open, how they read, and what accepting one fills in. Pure. */

import { sliceCp } from "./offsets.js";

export function hasSpan(p) {
  return p.start !== null && p.start !== undefined && p.end !== null && p.end !== undefined && p.end > p.start;
}

/** The stance label value of a prediction's stance (a label id, a value, or nothing). */
export function stanceValue(stance, labels) {
  if (stance === null || stance === undefined) return null;
  if (typeof stance === "number") {
    const label = labels.find((l) => l.id === stance);
    return label ? label.value : null;
  }
  return stance;
}

export function labelFor(value, labels) {
  return labels.find((l) => l.value === value) || { value, name: value, key: "" };
}

/** Suggestions without a decision of this annotator, in the order given (highest score first). */
export function pendingSuggestions(predictions, decisions) {
  return (predictions || []).filter((p) => !decisions[p.id]);
}

/** The panel's groups, in the order they are shown: whole statements (and stances), actors, claims. */
export const GROUPS = ["statements", "actors", "claims"];

export function groupOf(p) {
  if (p.kind === "actor" || p.kind === "actor_candidate") return "actors";
  if (p.kind === "claim") return "claims";
  return "statements";
}

/** As shown: by group, then highest score first; ties keep their order. `[` `]` move in this order. */
export function byScore(predictions) {
  const rank = (p) => GROUPS.indexOf(groupOf(p));
  return (predictions || []).slice().sort((x, y) => rank(x) - rank(y) || (y.score || 0) - (x.score || 0));
}

/** One line for people: what the model proposes. */
export function describePrediction(p, text, labels) {
  const span = hasSpan(p) ? `“${sliceCp(text, p.start, p.end)}”` : "";
  const stanceName = () => labelFor(stanceValue(p.stance, labels), labels).name;
  switch (p.kind) {
    case "actor":
      return `Actor ${span} → ${p.actor_name || "#" + p.actor}`;
    case "actor_candidate":
      return `New actor? ${span || "“" + p.surface + "”"}`;
    case "claim":
      return `Claim: ${p.claim_text || "#" + p.claim}`;
    case "stance":
      return `${p.actor_name || "Actor"} is ${stanceName().toLowerCase()} on: ${p.claim_text || "#" + p.claim}`;
    default:
      return `${p.actor_name || "Author"} ${span} · ${p.claim_text || "#" + p.claim} · ${stanceName()}`;
  }
}

/**
 * What accepting `p` would change that the statement being built (the composer `c`) already has:
 * a list of parts ("actor", "claim", "stance"); empty when the suggestion only fills gaps or agrees.
 * Accepting never replaces a choice: the page refuses and says which parts differ.
 */
export function acceptConflicts(c, p, labels) {
  const next = JSON.parse(JSON.stringify(c));
  applyPrediction(next, p, labels);
  const conflicts = [];
  const actorSet = c.actor_role !== null;
  const actorChanged =
    next.actor_role !== c.actor_role ||
    next.actor_start !== c.actor_start ||
    next.actor_end !== c.actor_end ||
    (c.actor !== null && next.actor !== c.actor);
  if (actorSet && actorChanged) conflicts.push("actor");
  if (c.claim !== null && next.claim !== c.claim) conflicts.push("claim");
  if (c.stance !== null && next.stance !== c.stance) conflicts.push("stance");
  return conflicts;
}

/** Accepting fills the statement being built (the composer `c`) with what the model proposed. */
export function applyPrediction(c, p, labels) {
  const span = hasSpan(p);
  if (["actor", "actor_candidate", "stance", "statement"].includes(p.kind)) {
    if (span) {
      c.actor_role = "mention";
      c.actor_start = p.start;
      c.actor_end = p.end;
    }
    if (p.actor) {
      c.actor = p.actor;
      c.actor_name = p.actor_name || "";
      if (!span && c.actor_role !== "mention") c.actor_role = "implied"; // words already chosen keep their span
    } else if (p.kind === "statement" && !span) {
      c.actor_role = "author";
    }
  }
  if (p.claim) {
    c.claim = p.claim;
    c.claim_text = p.claim_text || "";
  }
  const stance = stanceValue(p.stance, labels);
  if (stance) c.stance = stance;
  c.from_prediction = p.id;
}
