/* The suggestions panel. Open suggestions carry data-index (their place among the open ones) and
 * their buttons data-action; suggest.js handles clicks on the list. */

import { el, LABELS, make } from "./dom.js";
import { describePrediction, pendingSuggestions } from "./predictions.js";
import { doc, session } from "./session.js";

export function renderSuggestions() {
  const all = session.ws ? session.ws.predictions || [] : [];
  const decisions = doc().decisions;
  el.suggestions.hidden = all.length === 0;
  const pending = pendingSuggestions(all, decisions);
  if (session.activeSuggestion >= pending.length) session.activeSuggestion = Math.max(0, pending.length - 1);
  el.sgCount.textContent = all.length ? `(${pending.length} open of ${all.length})` : "";
  const items = all.map((p) => {
    const decision = decisions[p.id];
    const index = pending.indexOf(p);
    const li = make("li", {
      className: "suggestion" + (decision ? ` decided ${decision}` : "") + (index === session.activeSuggestion && !decision ? " active" : ""),
    });
    li.append(
      make("span", { className: "sg-what", textContent: describePrediction(p, session.text, LABELS) }),
      make("span", { className: "sg-meta small muted", textContent: `${p.model_name} · ${Math.round((p.score || 0) * 100)}%` }),
    );
    if (decision) {
      li.append(make("span", { className: "badge", textContent: decision }));
    } else {
      li.dataset.index = String(index);
      const accept = make("button", { type: "button", className: "small", textContent: "Accept (y)" });
      accept.dataset.action = "accepted";
      const reject = make("button", { type: "button", className: "small", textContent: "Reject (x)" });
      reject.dataset.action = "rejected";
      li.append(accept, reject);
    }
    return li;
  });
  el.sgList.replaceChildren(...items);
  const active = el.sgList.querySelector(".suggestion.active");
  if (active) active.scrollIntoView({ block: "nearest" });
}
