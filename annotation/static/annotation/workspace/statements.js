/* The statements made on this paragraph. Rendered from the doc; the buttons and the note carry
 * data-action and data-index, and edit.js handles them on the list (one listener each). */

import { el, LABELS, make } from "./dom.js";
import { sliceCp } from "./offsets.js";
import { doc, session } from "./session.js";

function actorPart(s) {
  const who = make("div", { className: "st-actor" });
  who.append(
    make("strong", { textContent: s.actor_role === "author" ? "Author" : s.actor_name || `actor #${s.actor}` }),
  );
  if (s.actor_role === "mention") {
    const words = sliceCp(session.text, s.actor_start, s.actor_end);
    who.append(make("span", { className: "muted small", textContent: ` “${words}”` }));
  } else if (s.actor_role === "implied") {
    who.append(make("span", { className: "muted small", textContent: " (implied)" }));
  }
  return who;
}

function claimPart(s) {
  const claim = make("div", { className: "st-claim", textContent: s.claim_text || `claim #${s.claim}` });
  if (s.evidence_start !== null && s.evidence_start !== undefined) {
    const words = sliceCp(session.text, s.evidence_start, s.evidence_end);
    claim.append(make("div", { className: "muted small", textContent: `evidence: “${words}”` }));
  }
  return claim;
}

function controls(s, i) {
  const stances = make("div", { className: "st-stances" });
  for (const label of LABELS) {
    const b = make("button", {
      type: "button",
      className: `chip-btn stance-${label.value}` + (label.value === s.stance ? " selected" : ""),
      textContent: label.name,
      title: `Change stance to ${label.name}`,
    });
    Object.assign(b.dataset, { action: "stance", index: String(i), stance: label.value });
    stances.append(b);
  }
  const remove = make("button", { type: "button", className: "chip-btn danger", textContent: "Remove" });
  remove.setAttribute("aria-label", `Remove statement ${i + 1}`);
  Object.assign(remove.dataset, { action: "remove", index: String(i) });
  const note = make("input", {
    type: "text",
    className: "st-note",
    value: s.note || "",
    placeholder: "note (optional)",
    maxLength: 4000,
  });
  note.setAttribute("aria-label", `Note on statement ${i + 1}`);
  Object.assign(note.dataset, { action: "note", index: String(i) });
  stances.append(remove, note);
  if (s.from_prediction)
    stances.append(make("span", { className: "badge suggestion", textContent: "from suggestion" }));
  return stances;
}

export function renderStatements() {
  const d = doc();
  const items = d.statements.map((s, i) => {
    const li = make("li", { className: `statement stance-${s.stance}` });
    li.dataset.index = String(i);
    li.append(actorPart(s), claimPart(s), controls(s, i));
    return li;
  });
  el.statements.replaceChildren(...items);
  el.stEmpty.hidden = items.length > 0;
  el.stEmpty.textContent = d.no_statement
    ? "Marked: no stance-bearing statement in this paragraph."
    : "No statement yet.";
  el.stCount.textContent = items.length ? `(${items.length})` : "";
}
