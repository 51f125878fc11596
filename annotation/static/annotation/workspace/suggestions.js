/* The suggestions panel: whole statements, then actors and claims side by side. Open suggestions
 * carry data-index (their place among the open ones, in the order shown) and their buttons
 * data-action; suggest.js handles clicks on the panel. */

import { el, LABELS, make } from "./dom.js";
import { describePrediction, groupOf, pendingSuggestions } from "./predictions.js";
import { doc, session } from "./session.js";

function item(p, decision, index) {
  const li = make("li", {
    className:
      "suggestion" +
      (decision ? ` decided ${decision}` : "") +
      (index === session.activeSuggestion && !decision ? " active" : ""),
  });
  li.append(
    make("span", { className: "sg-what", textContent: describePrediction(p, session.text, LABELS) }),
    make("span", {
      className: "sg-meta small muted",
      textContent: `${p.model_name} · ${Math.round((p.score || 0) * 100)}%`,
    }),
  );
  if (decision) {
    li.append(make("span", { className: "badge", textContent: decision }));
    return li;
  }
  li.dataset.index = String(index);
  const accept = make("button", { type: "button", className: "small", textContent: "Accept (y)" });
  accept.dataset.action = "accepted";
  const reject = make("button", { type: "button", className: "small", textContent: "Reject (x)" });
  reject.dataset.action = "rejected";
  li.append(accept, reject);
  return li;
}

export function renderSuggestions() {
  const all = session.ws ? session.ws.predictions || [] : [];
  const decisions = doc().decisions;
  el.suggestions.hidden = all.length === 0;
  const pending = pendingSuggestions(all, decisions);
  if (session.activeSuggestion >= pending.length) session.activeSuggestion = Math.max(0, pending.length - 1);
  el.sgCount.textContent = all.length ? `(${pending.length} open of ${all.length})` : "";
  for (const list of el.sgList.querySelectorAll("ol[data-group]")) {
    const mine = all.filter((p) => groupOf(p) === list.dataset.group);
    list.replaceChildren(...mine.map((p) => item(p, decisions[p.id], pending.indexOf(p))));
    list.parentElement.hidden = mine.length === 0;
  }
  const active = el.sgList.querySelector(".suggestion.active");
  if (active) active.scrollIntoView({ block: "nearest" });
}

/** A visible reason an accept was refused (or nothing). */
export function showRefusal(message) {
  el.sgRefusal.textContent = message || "";
  el.sgRefusal.hidden = !message;
  if (message) el.sgRefusal.scrollIntoView({ block: "nearest" });
}
