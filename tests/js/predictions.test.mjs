// Suggestion logic of the workspace (annotation/static/annotation/workspace/predictions.js).
import assert from "node:assert/strict";
import test from "node:test";

import {
  applyPrediction,
  byScore,
  describePrediction,
  pendingSuggestions,
  stanceValue,
} from "../../annotation/static/annotation/workspace/predictions.js";
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
  assert.deepEqual(
    ps.map((p) => p.id),
    [2, 1, 3],
  );
  assert.deepEqual(
    pendingSuggestions(ps, { 2: "rejected" }).map((p) => p.id),
    [1, 3],
  );
});

test("the description quotes the span by code points", () => {
  const p = { kind: "actor", start: 2, end: 9, actor: 3, actor_name: "China" };
  assert.equal(describePrediction(p, TEXT, LABELS), "Actor “Beijing” → China");
  const s = { kind: "statement", start: 2, end: 9, actor_name: "China", claim_text: "The deal is good", stance: 11 };
  assert.equal(describePrediction(s, TEXT, LABELS), "China “Beijing” · The deal is good · Favor");
});

test("accepting a whole statement fills actor, span, claim and stance", () => {
  const c = emptyComposer();
  applyPrediction(
    c,
    {
      id: 7,
      kind: "statement",
      start: 2,
      end: 9,
      actor: 3,
      actor_name: "China",
      claim: 9,
      claim_text: "x",
      stance: 12,
    },
    LABELS,
  );
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

test("accepting fills gaps but never replaces a choice already made", async () => {
  const { acceptConflicts } = await import("../../annotation/static/annotation/workspace/predictions.js");
  const beijing = { id: 1, kind: "actor", start: 2, end: 9, actor: 3, actor_name: "China" };
  const brussels = { id: 2, kind: "actor_candidate", start: 20, end: 28, surface: "Brussels" };
  const claim = { id: 3, kind: "claim", claim: 9, claim_text: "The deal is good" };
  const c = emptyComposer();
  assert.deepEqual(acceptConflicts(c, beijing, LABELS), []);
  applyPrediction(c, beijing, LABELS);
  assert.deepEqual(acceptConflicts(c, beijing, LABELS), []); // the same again agrees
  assert.deepEqual(acceptConflicts(c, brussels, LABELS), ["actor"]); // the second actor would move the span
  assert.deepEqual(acceptConflicts(c, claim, LABELS), []); // a claim fills a gap
  applyPrediction(c, claim, LABELS);
  assert.deepEqual(acceptConflicts(c, { id: 4, kind: "claim", claim: 10 }, LABELS), ["claim"]);
  c.stance = "favor";
  const whole = { id: 5, kind: "statement", claim: 10, stance: 12 }; // the author, another claim, against
  assert.deepEqual(acceptConflicts(c, whole, LABELS), ["actor", "claim", "stance"]);
});

test("words already selected keep their span when a suggestion names only the actor", () => {
  const c = Object.assign(emptyComposer(), { actor_role: "mention", actor_start: 2, actor_end: 9 });
  applyPrediction(c, { id: 6, kind: "actor", actor: 3, actor_name: "China" }, LABELS);
  assert.deepEqual([c.actor_role, c.actor_start, c.actor_end, c.actor], ["mention", 2, 9, 3]);
});

test("the open suggestions are shown and moved through by group, then score", () => {
  const ps = byScore([
    { id: 1, kind: "claim", score: 0.9 },
    { id: 2, kind: "actor", score: 0.5 },
    { id: 3, kind: "statement", score: 0.3 },
    { id: 4, kind: "actor_candidate", score: 0.6 },
  ]);
  assert.deepEqual(
    ps.map((p) => p.id),
    [3, 4, 2, 1],
  );
});
