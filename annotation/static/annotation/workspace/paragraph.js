/* The paragraph: rendered as text nodes inside spans (never HTML), with marks for the statements,
 * the span being built, its evidence and the suggestions; and the reading of a mouse selection. */

import { el } from "./dom.js";
import { toCodePoints, toUnits } from "./offsets.js";
import { hasSpan, pendingSuggestions } from "./predictions.js";
import { doc, session } from "./session.js";

function marks() {
  const d = doc();
  const out = [];
  d.statements.forEach((s, i) => {
    if (s.actor_start !== null)
      out.push({ start: s.actor_start, end: s.actor_end, cls: `m-statement stance-${s.stance}`, st: i });
  });
  d.statements.forEach((s, i) => {
    if (s.evidence_start !== null && session.focusedStatement === i)
      out.push({ start: s.evidence_start, end: s.evidence_end, cls: "m-evidence" });
  });
  const c = d.composer;
  if (c.actor_role === "mention" && c.actor_start !== null)
    out.push({ start: c.actor_start, end: c.actor_end, cls: "m-pending" });
  if (c.evidence_start !== null) out.push({ start: c.evidence_start, end: c.evidence_end, cls: "m-evidence" });
  pendingSuggestions(session.ws ? session.ws.predictions : [], d.decisions).forEach((p, i) => {
    if (hasSpan(p))
      out.push({
        start: p.start,
        end: p.end,
        cls: i === session.activeSuggestion ? "m-suggestion active" : "m-suggestion",
      });
  });
  return out;
}

/* Overlapping marks are handled by cutting the text at every boundary. */
export function renderParagraph() {
  const text = session.text;
  const unitMarks = marks().map((m) => ({ ...m, a: toUnits(text, m.start), b: toUnits(text, m.end) }));
  const cuts = new Set([0, text.length]);
  for (const m of unitMarks) {
    cuts.add(m.a);
    cuts.add(m.b);
  }
  const points = [...cuts].filter((x) => x >= 0 && x <= text.length).sort((x, y) => x - y);
  const frag = document.createDocumentFragment();
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i],
      b = points[i + 1];
    if (a === b) continue;
    const covering = unitMarks.filter((m) => m.a <= a && m.b >= b);
    const piece = text.slice(a, b);
    if (!covering.length) {
      frag.append(document.createTextNode(piece));
      continue;
    }
    const span = document.createElement("span");
    span.className = covering.map((m) => m.cls).join(" ");
    const st = covering.find((m) => m.st !== undefined);
    if (st) {
      span.dataset.statement = String(st.st);
      if (session.focusedStatement === st.st) span.classList.add("focused");
    }
    span.textContent = piece;
    frag.append(span);
  }
  el.para.replaceChildren(frag);
}

function unitOffset(node, offset) {
  const range = document.createRange();
  range.selectNodeContents(el.para);
  range.setEnd(node, offset);
  return range.toString().length;
}

/** The selected words of the paragraph as code-point offsets {start, end}, trimmed; null if none. */
export function selectionSpan() {
  const text = session.text;
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(el.para)) return null;
  const whole = document.createRange();
  whole.selectNodeContents(el.para);
  // Clamp to the paragraph: a drag may start or end in the dimmed context.
  let a =
    range.compareBoundaryPoints(Range.START_TO_START, whole) <= 0
      ? 0
      : unitOffset(range.startContainer, range.startOffset);
  let b =
    range.compareBoundaryPoints(Range.END_TO_END, whole) >= 0
      ? text.length
      : unitOffset(range.endContainer, range.endOffset);
  while (a < b && /\s/.test(text[a])) a++;
  while (b > a && /\s/.test(text[b - 1])) b--;
  if (a >= b) return null;
  return { start: toCodePoints(text, a), end: toCodePoints(text, b) };
}
