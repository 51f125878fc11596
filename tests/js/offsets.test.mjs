// The workspace's offset conversion: Python counts code points, the DOM counts UTF-16 code units.
import assert from "node:assert/strict";
import test from "node:test";

import { sliceCp, toCodePoints, toUnits } from "../../annotation/static/annotation/workspace/offsets.js";

// [text, its length in code points as Python's len() gives it]
const SAMPLES = [
  ["plain ascii", 11],
  ["🌍 emoji first, then 🇪🇺 a flag", 29],
  ["Zoë and Zoe\u0308", 12], // precomposed vs combining: both count every code point
  ["北京表示 pipeline 协议", 16],
  ["𝔘𝔫𝔦𝔠𝔬𝔡𝔢", 7],
  ["", 0],
];

test("code points of the whole text is Python's len()", () => {
  for (const [text, length] of SAMPLES) {
    assert.equal([...text].length, length, text); // the table itself is right
    assert.equal(toCodePoints(text, text.length), length, text);
    assert.equal(toUnits(text, length), text.length, text);
  }
});

test("every code-point offset survives code points -> units -> code points", () => {
  for (const [text, length] of SAMPLES) {
    for (let cp = 0; cp <= length; cp++) assert.equal(toCodePoints(text, toUnits(text, cp)), cp, `${text} @${cp}`);
  }
});

test("an astral character is two units but one code point", () => {
  const text = "🌍 Beijing";
  assert.equal(text.indexOf("Beijing"), 3); // UTF-16: the globe is a surrogate pair
  assert.equal(toCodePoints(text, 3), 2);
  assert.equal(toUnits(text, 2), 3);
  assert.equal(sliceCp(text, 2, 9), "Beijing");
  assert.equal(sliceCp(text, 0, 1), "🌍");
});

test("the slice between code-point offsets is Python's slice", () => {
  const text = "🇪🇺 said 𝔘 and 🌍.";
  const points = [...text];
  for (let a = 0; a <= points.length; a++) {
    for (let b = a; b <= points.length; b++)
      assert.equal(sliceCp(text, a, b), points.slice(a, b).join(""), `${a}:${b}`);
  }
});

test("offsets past the end clamp to the text", () => {
  assert.equal(toUnits("🌍a", 10), 3);
  assert.equal(toCodePoints("🌍a", 10), 2);
  assert.equal(sliceCp("🌍a", 1, 99), "a");
});

test("a lone surrogate counts as one code point, as in Python", () => {
  const text = "a\ud83cb"; // a high surrogate with no low one after it
  assert.equal(toCodePoints(text, text.length), 3);
  assert.equal(toUnits(text, 2), 2);
  assert.equal(sliceCp(text, 2, 3), "b");
});

test("offset in the middle of a surrogate pair moves past the pair", () => {
  const text = "🌍x";
  assert.equal(toCodePoints(text, 1), 1); // unit 1 is inside the pair: the pair is counted whole
  assert.equal(toCodePoints(text, 2), 1);
});
