/* Unicode offsets. The API counts code points (Python str indices); the DOM counts UTF-16 code units.
 * These convert at the edges, so a paragraph with emoji or astral characters gets the same offsets the
 * server checks. A lone surrogate counts as one code point, as Python counts it. Pure: no DOM. */

function step(text, i) {
  const code = text.charCodeAt(i);
  const high = code >= 0xd800 && code <= 0xdbff;
  const next = text.charCodeAt(i + 1);
  return high && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}

/** The code-point offset of the UTF-16 offset `units` in `text` (clamped to the text). */
export function toCodePoints(text, units) {
  let cp = 0;
  for (let i = 0; i < units && i < text.length; cp++) i += step(text, i);
  return cp;
}

/** The UTF-16 offset of the code-point offset `codePoints` in `text` (clamped to the text). */
export function toUnits(text, codePoints) {
  let i = 0;
  for (let cp = 0; cp < codePoints && i < text.length; cp++) i += step(text, i);
  return i;
}

/** Python's text[start:end] for code-point offsets. */
export function sliceCp(text, start, end) {
  return text.slice(toUnits(text, start), toUnits(text, end));
}
