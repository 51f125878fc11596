/* The statement being built: what it has (actor, evidence, claim, stance) and what it still needs. */

import { el, LABELS } from "./dom.js";
import { sliceCp } from "./offsets.js";
import { doc, session } from "./session.js";
import { composerStarted } from "./state.js";

function actorDescription(c) {
  if (c.actor_role === "author") return "The article's author";
  if (c.actor_role === "mention") {
    return `“${sliceCp(session.text, c.actor_start, c.actor_end)}”${c.actor ? " → " + c.actor_name : " → pick the canonical actor"}`;
  }
  if (c.actor_role === "implied") return `${c.actor_name} (implied, no words selected)`;
  return "Select the actor's words in the paragraph, or press a for the author.";
}

export function renderComposer() {
  const c = doc().composer;
  const evidenceMode = session.evidenceMode;
  el.actorDesc.textContent = actorDescription(c);
  el.evidenceDesc.textContent =
    c.evidence_start !== null
      ? `“${sliceCp(session.text, c.evidence_start, c.evidence_end)}”`
      : evidenceMode
        ? "Now select the words that carry the stance…"
        : "optional: press e, then select the words";
  el.evidenceDesc.classList.toggle("muted", c.evidence_start === null);
  el.evidence.classList.toggle("selected", evidenceMode);
  el.para.classList.toggle("evidence-mode", evidenceMode);
  el.actorDesc.classList.toggle("muted", !c.actor_role);
  el.author.classList.toggle("selected", c.actor_role === "author");
  if (c.actor && document.activeElement !== el.actorInput) el.actorInput.value = c.actor_name;
  if (c.claim && document.activeElement !== el.claimInput) el.claimInput.value = c.claim_text;
  el.actorInput.classList.toggle("chosen", !!c.actor);
  el.claimInput.classList.toggle("chosen", !!c.claim);
  for (const button of document.querySelectorAll(".composer .stance-btn")) {
    button.classList.toggle("selected", button.dataset.stance === c.stance);
    button.setAttribute("aria-pressed", String(button.dataset.stance === c.stance));
  }
  const keys = LABELS.map((l) => l.key).filter(Boolean);
  const missing = [];
  if (!(c.actor_role === "author" || c.actor))
    missing.push(c.actor_role === "mention" ? "actor (f to pick it)" : "actor (select words, or a)");
  if (!c.claim) missing.push("claim (c)");
  if (!c.stance) missing.push(keys.length ? `stance (${keys[0]}–${keys[keys.length - 1]})` : "stance");
  el.hint.textContent = composerStarted(c)
    ? `Still needed: ${missing.join(", ")}. Esc clears this statement.`
    : "A statement is added as soon as it has an actor, a claim and a stance.";
}
