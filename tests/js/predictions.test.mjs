// Suggestion logic of the workspace (annotation/static/annotation/workspace/predictions.js).
import assert from "node:assert/strict";
import test from "node:test";

import { applyPrediction, byScore, describePrediction, pendingSuggestions, stanceValue } from "../../annotation/static/annotation/workspace/predictions.js";
import { emptyComposer } from "../../annotation/static/annotation/workspace/state.js";

const LABELS = [
  { id: 11, value: "favor", name: "Favor", key: "1" },
  { id: 12, value: "against", name: "Against", key: "2" },
];
const TEXT = "🌍 Beijing backs the deal.";

test("a stance given as a label id or a value reads as the value", () => {
  assert.equal(stanceValue(12, LABELS), "against");
  assert.equal(stanceValue("favor", LABELS), "favor");
  assert.equal(stanceValue(99, LABELS), null);
  assert.equal(stanceValue(null, LABELS), null);
});

test("open suggestions are those without a decision, highest score first", () => {
  const ps = byScore([{ id: 1, score: 0.2 }, { id: 2, score: 0.9 }, { id: 3 }]);
  assert.deepEqual(ps.map((p) => p.id), [2, 1, 3]);
  assert.deepEqual(pendingSuggestions(ps, { 2: "rejected" }).map((p) => p.id), [1, 3]);
});

test("the description quotes the span by code points", () => {
  const p = { kind: "actor", start: 2, end: 9, actor: 3, actor_name: "China" };
  assert.equal(describePrediction(p, TEXT, LABELS), "Actor “Beijing” → China");
  const s = { kind: "statement", start: 2, end: 9, actor_name: "China", claim_text: "The deal is good", stance: 11 };
  assert.equal(describePrediction(s, TEXT, LABELS), "China “Beijing” · The deal is good · Favor");
});

test("accepting a whole statement fills actor, span, claim and stance", () => {
  const c = emptyComposer();
  applyPrediction(c, { id: 7, kind: "statement", start: 2, end: 9, actor: 3, actor_name: "China", claim: 9, claim_text: "x", stance: 12 }, LABELS);
  assert.deepEqual(
    [c.actor_role, c.actor_start, c.actor_end, c.actor, c.claim, c.stance, c.from_prediction],
    ["mention", 2, 9, 3, 9, "against", 7],
  );
});

test("a statement suggestion without span or actor is the author's", () => {
  const c = emptyComposer();
  applyPrediction(c, { id: 8, kind: "statement", claim: 9, stance: "favor" }, LABELS);
  assert.equal(c.actor_role, "author");
  const d = emptyComposer();
  applyPrediction(d, { id: 9, kind: "actor", actor: 3, actor_name: "China" }, LABELS);
  assert.equal(d.actor_role, "implied");
});
