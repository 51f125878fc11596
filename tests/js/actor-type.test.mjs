// The first guess at a proposed actor's type (annotation/static/annotation/workspace/actor-type.js).
import assert from "node:assert/strict";
import test from "node:test";

import { guessActorType } from "../../annotation/static/annotation/workspace/actor-type.js";

test("the head noun decides", () => {
  assert.equal(guessActorType("The Kremlin's spokesperson"), "person");
  assert.equal(guessActorType("the Kremlin"), "organisation");
  assert.equal(guessActorType("the foreign ministry"), "organisation");
  assert.equal(guessActorType("Eurasian Economic Union"), "organisation");
  assert.equal(guessActorType("analysts in Brussels"), "other"); // the head is not the last word here
  assert.equal(guessActorType("Western analysts"), "group");
  assert.equal(guessActorType("the Russian president"), "person");
});

test("names and acronyms", () => {
  assert.equal(guessActorType("Olaf Scholz"), "person");
  assert.equal(guessActorType("Ursula von der Leyen"), "person"); // particles do not count
  assert.equal(guessActorType("The Pipeline Talks Were Long"), "other"); // too many capitalised words
  assert.equal(guessActorType("Xi Jinping"), "person");
  assert.equal(guessActorType("NATO"), "organisation");
  assert.equal(guessActorType("Beijing"), "other");
  assert.equal(guessActorType("  "), "other");
  assert.equal(guessActorType(""), "other");
});
