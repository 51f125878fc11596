/* An autocomplete box over a registry (actors or claims): type to search the project's API, arrows
 * to move, Enter to choose, Esc to leave. The last option proposes the typed text as a new entry
 * when nothing matches it exactly. What choosing does is the caller's (`onChoose`). */

import { api, make, PROJECT, toast } from "./dom.js";

const SEARCH_DELAY_MS = 150;

/**
 * kind: "actors" | "claims"; input, list: the elements; options:
 *   label(entry) -> the entry's name; extra(entry) -> the muted text after it;
 *   exact(entry, query) -> whether the entry is what was typed (no proposal then);
 *   proposal(query) -> the proposal option's text; onChoose(item) with item {entry} or {propose};
 *   onEscape() (optional): after Esc has closed the list and left the box;
 *   onQuery(query) (optional): each time a search starts.
 */
export function makeCombo(kind, input, list, options) {
  return { kind, input, list, ...options, items: [], active: 0, timer: null, seq: 0 };
}

export function closeList(combo) {
  combo.list.hidden = true;
  combo.input.setAttribute("aria-expanded", "false");
}

export async function search(combo) {
  const query = combo.input.value.trim();
  const seq = ++combo.seq;
  if (combo.onQuery) combo.onQuery(query);
  let results = [];
  try {
    const url = `/api/projects/${PROJECT}/${combo.kind}/?search=${encodeURIComponent(query)}&page_size=8`;
    const data = await api("GET", url);
    results = (Array.isArray(data) ? data : data.results || []).filter((r) => r.status !== "merged");
  } catch (error) {
    toast(`Search failed: ${error.message}`, "error");
  }
  if (seq !== combo.seq) return; // a newer keystroke already answered
  if (document.activeElement !== combo.input) return; // chosen or left meanwhile: no list over the page
  combo.items = results.map((r) => ({ entry: r }));
  if (query && !results.some((r) => combo.exact(r, query))) combo.items.push({ propose: query });
  combo.active = 0;
  renderCombo(combo);
}

export function renderCombo(combo) {
  const options = combo.items.map((item, i) => {
    const li = make("li", { id: `${combo.kind}-opt-${i}`, className: i === combo.active ? "active" : "" });
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", String(i === combo.active));
    if (item.propose) {
      li.classList.add("propose");
      li.textContent = combo.proposal(item.propose);
    } else {
      const e = item.entry;
      li.append(make("span", { textContent: combo.label(e) }));
      const extra = combo.extra(e);
      if (extra) li.append(make("span", { className: "muted small", textContent: ` ${extra}` }));
      if (e.status === "proposed") li.append(make("span", { className: "badge proposed", textContent: "proposed" }));
    }
    li.addEventListener("mousedown", (event) => {
      event.preventDefault();
      choose(combo, i);
    });
    return li;
  });
  if (!options.length) options.push(make("li", { className: "muted small", textContent: "Type to search." }));
  combo.list.replaceChildren(...options);
  combo.list.hidden = false;
  combo.input.setAttribute("aria-expanded", "true");
  combo.input.setAttribute("aria-activedescendant", combo.items.length ? `${combo.kind}-opt-${combo.active}` : "");
}

function choose(combo, index) {
  const item = combo.items[index];
  if (!item) return;
  clearTimeout(combo.timer);
  combo.seq++; // a search still in flight must not reopen the list
  combo.onChoose(item);
}

export function bindCombo(combo) {
  combo.input.addEventListener("input", () => {
    clearTimeout(combo.timer);
    combo.timer = setTimeout(() => search(combo), SEARCH_DELAY_MS);
  });
  combo.input.addEventListener("focus", () => search(combo));
  combo.input.addEventListener("blur", () => {
    clearTimeout(combo.timer);
    setTimeout(() => closeList(combo), 100);
  });
  combo.input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!combo.items.length) return;
      combo.active = (combo.active + (event.key === "ArrowDown" ? 1 : -1) + combo.items.length) % combo.items.length;
      renderCombo(combo);
    } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      if (combo.list.hidden || !combo.items.length) {
        search(combo);
        return;
      }
      choose(combo, combo.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      closeList(combo);
      combo.input.blur();
      if (combo.onEscape) combo.onEscape();
    }
  });
}
