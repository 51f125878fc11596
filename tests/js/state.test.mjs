// The workspace's doc and undo history (annotation/static/annotation/workspace/state.js).
import assert from "node:assert/strict";
import test from "node:test";

import {
  composerComplete,
  decisionChanges,
  docFromAnnotation,
  Editor,
  emptyComposer,
  toApiStatement,
} from "../../annotation/static/annotation/workspace/state.js";

const mention = (c) =>
  Object.assign(c, { actor_role: "mention", actor_start: 0, actor_end: 7, actor: 3, actor_name: "China" });

test("an edit is undone back to the state before it", () => {
  const editor = new Editor();
  assert.equal(editor.canUndo, false);
  editor.change((d) => {
    d.composer.claim = 9;
    d.composer.claim_text = "The deal is good";
  });
  editor.change((d) => {
    mention(d.composer);
  });
  assert.equal(editor.doc.composer.actor, 3);
  editor.undo();
  assert.equal(editor.doc.composer.actor, null);
  assert.equal(editor.doc.composer.claim, 9);
  editor.undo();
  assert.deepEqual(editor.doc.composer, emptyComposer());
  assert.equal(editor.undo(), null); // nothing left
  assert.equal(editor.canUndo, false);
});

test("an edit that changes nothing is not remembered", () => {
  const editor = new Editor();
  assert.deepEqual(
    editor.change(() => {}),
    { changed: false, persistedChanged: false, added: null },
  );
  editor.change((d) => {
    d.composer.stance = "favor";
  });
  editor.change((d) => {
    d.composer.stance = "favor";
  });
  assert.equal(editor.history.length, 1);
});

test("a complete composer becomes a statement at once, and undo brings the composer back", () => {
  const editor = new Editor();
  editor.change((d) => {
    mention(d.composer);
    d.composer.claim = 9;
    d.composer.claim_text = "The deal is good";
  });
  assert.equal(editor.doc.statements.length, 0);
  const result = editor.change((d) => {
    d.composer.stance = "against";
  });
  assert.equal(result.persistedChanged, true);
  assert.deepEqual(result.added, editor.doc.statements[0]);
  assert.deepEqual(
    [
      result.added.actor_role,
      result.added.actor,
      result.added.actor_start,
      result.added.actor_end,
      result.added.stance,
    ],
    ["mention", 3, 0, 7, "against"],
  );
  assert.deepEqual(editor.doc.composer, emptyComposer());
  const undone = editor.undo();
  assert.equal(undone.persistedChanged, true); // the draft on the server must follow
  assert.equal(editor.doc.statements.length, 0);
  assert.equal(editor.doc.composer.claim, 9);
  assert.equal(editor.doc.composer.stance, null); // the last key is what is taken back
});

test("an author statement keeps no span and no actor", () => {
  const editor = new Editor();
  const { added } = editor.change((d) => {
    Object.assign(d.composer, {
      actor_role: "author",
      actor: 5,
      actor_start: 1,
      actor_end: 2,
      claim: 9,
      stance: "favor",
    });
  });
  assert.deepEqual([added.actor_role, added.actor, added.actor_start, added.actor_end], ["author", null, null, null]);
});

test("a statement clears the no-statement flag; composer edits alone do not touch the draft", () => {
  const editor = new Editor();
  assert.equal(
    editor.change((d) => {
      d.no_statement = true;
    }).persistedChanged,
    true,
  );
  assert.equal(
    editor.change((d) => {
      d.composer.claim = 9;
    }).persistedChanged,
    false,
  );
  editor.change((d) => {
    d.composer.actor_role = "author";
    d.composer.stance = "neutral";
  });
  assert.equal(editor.doc.no_statement, false);
  assert.equal(editor.doc.statements.length, 1);
});

test("undo remembers at most `limit` edits, the oldest going first", () => {
  const editor = new Editor(undefined, 3);
  for (let i = 1; i <= 5; i++)
    editor.change((d) => {
      d.composer.claim = i;
    });
  assert.equal(editor.history.length, 3);
  while (editor.undo());
  assert.equal(editor.doc.composer.claim, 2); // edits 3, 4, 5 were undone; 1 and 2 fell off
});

test("undo gives back the decisions it leaves, so the server can be told", () => {
  const editor = new Editor();
  editor.change((d) => {
    d.decisions[7] = "accepted";
  });
  const undone = editor.undo();
  assert.deepEqual(undone.decisionsBefore, { 7: "accepted" });
  assert.deepEqual(decisionChanges(undone.decisionsBefore, editor.doc.decisions), [{ id: "7", decision: null }]);
  assert.deepEqual(decisionChanges({ 1: "rejected", 2: "accepted" }, { 1: "accepted", 2: "accepted" }), [
    { id: "1", decision: "accepted" },
  ]);
});

test("undo does not share objects with the doc it restores", () => {
  const editor = new Editor();
  editor.change((d) => {
    d.no_statement = true;
  });
  editor.change((d) => {
    d.no_statement = false;
    d.composer.stance = "favor";
  });
  editor.undo();
  editor.doc.composer.claim = 1; // editing the restored doc ...
  editor.undo();
  assert.equal(editor.doc.composer.claim, null); // ... leaves older snapshots alone
});

test("a doc from the API keeps statements, the flag and the decisions; toApiStatement drops display names", () => {
  const annotation = {
    no_statement: false,
    statements: [
      {
        actor_role: "implied",
        actor: 3,
        actor_name: "China",
        actor_start: null,
        actor_end: null,
        claim: 9,
        claim_text: "x",
        stance: "favor",
      },
    ],
  };
  const doc = docFromAnnotation(annotation, [
    { id: 4, decision: "rejected" },
    { id: 5, decision: null },
  ]);
  assert.deepEqual(doc.decisions, { 4: "rejected" });
  assert.equal(doc.statements[0].note, "");
  assert.equal(doc.statements[0].evidence_start, null);
  const out = toApiStatement(doc.statements[0]);
  assert.equal("actor_name" in out || "claim_text" in out, false);
  assert.equal(out.actor, 3);
});

test("composerComplete needs an actor, a claim and a stance", () => {
  const c = emptyComposer();
  assert.equal(composerComplete(c), false);
  Object.assign(c, { actor_role: "mention", actor_start: 0, actor_end: 2, claim: 1, stance: "favor" });
  assert.equal(composerComplete(c), false); // words but no canonical actor
  c.actor = 3;
  assert.equal(composerComplete(c), true);
  Object.assign(c, { actor_role: "implied", actor: null });
  assert.equal(composerComplete(c), false);
});
