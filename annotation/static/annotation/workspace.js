/* The annotator's workspace. Everything it writes goes through the JSON API (annotation/api/CONTRACT.md).
 *
 * Offsets: the API counts Unicode code points (Python str indices); the DOM counts UTF-16 code units.
 * `toCodePoints` / `toUnits` convert at the edges, so a paragraph with emoji or astral characters gets
 * the same offsets the server checks. The paragraph is always rendered through textContent, never HTML.
 */
(function () {
  "use strict";

  const { api, toast } = window.Standpoint;
  const config = JSON.parse(document.getElementById("ws-config").textContent);
  const PROJECT = config.project;
  const LABELS = config.stanceLabels;  // [{id, value, name, key, color}]
  const SAVE_DELAY_MS = 700;
  const SEARCH_DELAY_MS = 150;
  const UNDO_LIMIT = 100;

  const $ = (id) => document.getElementById(id);
  const el = {
    ws: $("ws"), title: $("ws-title"), meta: $("ws-meta"), bar: $("ws-progress-bar"), barText: $("ws-progress-text"),
    empty: $("ws-empty"), emptyDone: $("ws-empty-done"), error: $("ws-error"), task: $("ws-task"),
    prev: $("ctx-prev"), para: $("paragraph"), next: $("ctx-next"),
    actorDesc: $("c-actor-desc"), author: $("c-author"), evidenceDesc: $("c-evidence-desc"), evidence: $("c-evidence"), actorInput: $("actor-input"), actorList: $("actor-list"),
    actorType: $("actor-type"), claimInput: $("claim-input"), claimList: $("claim-list"), hint: $("c-hint"),
    statements: $("statements"), stCount: $("st-count"), stEmpty: $("st-empty"),
    noStatement: $("no-statement"), saveStatus: $("save-status"), undo: $("undo"), skip: $("skip"), submit: $("submit"),
    suggestions: $("suggestions"), sgList: $("suggestion-list"), sgCount: $("sg-count"),
  };

  /* ---------- Unicode offsets ---------- */

  function toCodePoints(text, units) {
    let cp = 0;
    for (let i = 0; i < units && i < text.length; cp++) {
      const code = text.charCodeAt(i);
      i += code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
    }
    return cp;
  }

  function toUnits(text, codePoints) {
    let i = 0;
    for (let cp = 0; cp < codePoints && i < text.length; cp++) {
      const code = text.charCodeAt(i);
      i += code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
    }
    return i;
  }

  function sliceCp(text, start, end) {
    return text.slice(toUnits(text, start), toUnits(text, end));
  }

  /* ---------- State ---------- */

  let ws = null;            // the Workspace payload of the current task
  let text = "";            // paragraph text
  let doc = emptyDoc();     // what the annotator edits; snapshots of it make the undo stack
  let undoStack = [];
  let revision = 0;
  let saveTimer = null;
  let saving = null;        // promise of the save in flight
  let dirty = false;
  let conflict = false;
  let busy = false;         // submit/skip/next in progress
  let activeSuggestion = 0;
  let focusedStatement = null;
  let evidenceMode = false;  // the next selection marks the evidence instead of the actor
  let clock = { spent: 0, since: performance.now() };

  function emptyComposer() {
    return { actor_role: null, actor_start: null, actor_end: null, actor: null, actor_name: "",
             claim: null, claim_text: "", stance: null, from_prediction: null,
             evidence_start: null, evidence_end: null };
  }

  function emptyDoc() {
    return { statements: [], no_statement: false, composer: emptyComposer(), decisions: {} };
  }

  function snapshot() { return JSON.stringify(doc); }
  function persisted() { return JSON.stringify([doc.statements, doc.no_statement]); }

  /* Every change goes through here: remember the previous state, apply, re-render, and save the
   * draft when what the server keeps (statements, the no-statement flag) changed. */
  function change(mutator) {
    const before = snapshot();
    const saved = persisted();
    mutator(doc);
    if (snapshot() === before) return;
    undoStack.push(before);
    if (undoStack.length > UNDO_LIMIT) undoStack.shift();
    maybeCompleteComposer();
    render();
    if (persisted() !== saved) scheduleSave();
  }

  function undo() {
    const previous = undoStack.pop();
    if (!previous) { toast("Nothing to undo.", "info"); return; }
    const saved = persisted();
    const decisionsBefore = doc.decisions;
    doc = JSON.parse(previous);
    syncDecisions(decisionsBefore, doc.decisions);
    el.actorInput.value = doc.composer.actor_name || "";
    el.claimInput.value = doc.composer.claim_text || "";
    render();
    if (persisted() !== saved) scheduleSave();
    toast("Undone.", "info");
  }

  /* Undoing an accept or reject also tells the server: forget the decision, or restore the old one. */
  function syncDecisions(before, after) {
    for (const id of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (before[id] === after[id]) continue;
      const request = after[id]
        ? api("POST", `/api/predictions/${id}/decision/`, { decision: after[id] })
        : api("DELETE", `/api/predictions/${id}/decision/`);
      request.catch((error) => toast(`The suggestion decision was not updated: ${error.message}`, "error"));
    }
  }

  function composerComplete(c) {
    const actorOk = (c.actor_role === "mention" && c.actor && c.actor_start !== null)
      || c.actor_role === "author" || (c.actor_role === "implied" && c.actor);
    return actorOk && c.claim && c.stance;
  }

  function composerStarted(c) {
    return c.actor_role !== null || c.actor !== null || c.claim !== null || c.stance !== null
      || c.evidence_start !== null;
  }

  /* A complete composer becomes a statement right away (no extra "add" key). */
  function maybeCompleteComposer() {
    const c = doc.composer;
    if (!composerComplete(c)) return;
    doc.statements.push({
      actor_role: c.actor_role, actor: c.actor_role === "author" ? null : c.actor,
      actor_name: c.actor_role === "author" ? "" : c.actor_name,
      actor_start: c.actor_role === "mention" ? c.actor_start : null,
      actor_end: c.actor_role === "mention" ? c.actor_end : null,
      claim: c.claim, claim_text: c.claim_text, stance: c.stance,
      evidence_start: c.evidence_start, evidence_end: c.evidence_end, note: "", from_prediction: c.from_prediction,
    });
    doc.no_statement = false;
    doc.composer = emptyComposer();
    el.actorInput.value = "";
    el.claimInput.value = "";
    toast("Statement added.", "ok");
  }

  /* ---------- Loading tasks ---------- */

  async function loadNext() {
    busy = true;
    setState("loading");
    try {
      const payload = await api("POST", `/api/projects/${PROJECT}/next-task/`);
      if (!payload) { showEmpty(); return; }
      open(payload);
    } catch (error) {
      showError(error);
    } finally {
      busy = false;
    }
  }

  function open(payload) {
    ws = payload;
    ws.predictions = (ws.predictions || []).slice().sort((x, y) => (y.score || 0) - (x.score || 0));
    text = ws.paragraph.text;
    const annotation = ws.annotation || {};
    revision = annotation.revision || 0;
    conflict = false;
    dirty = false;
    undoStack = [];
    activeSuggestion = 0;
    focusedStatement = null;
    evidenceMode = false;
    clock = { spent: annotation.time_spent_ms || 0, since: performance.now() };
    doc = emptyDoc();
    doc.no_statement = !!annotation.no_statement;
    doc.statements = (annotation.statements || []).map(fromApiStatement);
    for (const p of ws.predictions || []) if (p.decision) doc.decisions[p.id] = p.decision;
    el.actorInput.value = "";
    el.claimInput.value = "";
    closeList(el.actorList, el.actorInput);
    closeList(el.claimList, el.claimInput);
    renderStatic();
    render();
    setSaveStatus(annotation.status === "submitted" ? "Submitted earlier; edits are recorded in its history." : "");
    setState("task");
    scheduleRenew();
    window.scrollTo({ top: 0 });
  }

  function fromApiStatement(s) {
    return {
      actor_role: s.actor_role, actor: s.actor, actor_name: s.actor_name || "",
      actor_start: s.actor_start, actor_end: s.actor_end, claim: s.claim, claim_text: s.claim_text || "",
      stance: s.stance, evidence_start: s.evidence_start ?? null, evidence_end: s.evidence_end ?? null,
      note: s.note || "", from_prediction: s.from_prediction ?? null,
    };
  }

  function toApiStatement(s) {
    return {
      actor_role: s.actor_role, actor: s.actor, actor_start: s.actor_start, actor_end: s.actor_end,
      claim: s.claim, stance: s.stance, evidence_start: s.evidence_start, evidence_end: s.evidence_end,
      note: s.note, from_prediction: s.from_prediction,
    };
  }

  function setState(state) {
    el.ws.dataset.state = state;
    el.task.hidden = state !== "task";
    el.empty.hidden = state !== "empty";
    el.error.hidden = state !== "error";
    if (state === "loading") el.title.textContent = "Loading the next paragraph…";
  }

  function showEmpty() {
    ws = null;
    el.title.textContent = "All done";
    el.meta.textContent = "";
    el.suggestions.hidden = true;
    if (config.progress) config.progress.remaining = 0;  // the server just said nothing is left for you
    const done = config.progress ? config.progress.done : null;
    el.emptyDone.textContent = done !== null ? `You have finished ${done} paragraph${done === 1 ? "" : "s"} in this project.` : "";
    setProgress(config.progress);
    setState("empty");
  }

  function showError(error) {
    if (loggedOut(error)) return;
    el.error.textContent = `Could not load a task: ${error.message}`;
    el.title.textContent = "Something went wrong";
    setState("error");
  }

  /* A session that ended (logout elsewhere, expiry) answers 401/403 "credentials": say so, offer to log in. */
  function loggedOut(error) {
    const detail = error && error.payload && error.payload.detail;
    if (!(error.status === 401 || (error.status === 403 && /credentials|authenticat/i.test(detail || "")))) return false;
    el.error.replaceChildren("You are logged out, so nothing more can be saved. ");
    const link = document.createElement("a");
    link.href = `/accounts/login/?next=${encodeURIComponent(location.pathname)}`;
    link.textContent = "Log in again";
    el.error.append(link, " — your last saved draft is kept.");
    el.title.textContent = "Logged out";
    setState("error");
    return true;
  }

  function setProgress(progress) {
    if (!progress) return;
    const total = progress.done + progress.remaining;
    el.bar.style.width = total ? `${Math.round(100 * progress.done / total)}%` : "100%";
    el.barText.textContent = `${progress.done} done · ${progress.remaining} remaining`;
    config.progress = progress;
  }

  /* ---------- Rendering ---------- */

  function renderStatic() {
    const article = ws.article || {};
    el.title.textContent = article.title || "Untitled article";
    const bits = [];
    if (article.author) bits.push(`By ${article.author}`);
    if (article.published) bits.push(article.published);
    bits.push(`paragraph ${ws.paragraph.position + 1}`);
    el.meta.textContent = bits.join(" · ");
    if (article.source_url && /^https?:\/\//i.test(article.source_url)) {
      const link = document.createElement("a");
      link.href = article.source_url;
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      link.textContent = "source";
      el.meta.append(" · ", link);
    }
    el.prev.textContent = ws.context && ws.context.previous ? ws.context.previous : "";
    el.prev.hidden = !el.prev.textContent;
    el.next.textContent = ws.context && ws.context.next ? ws.context.next : "";
    el.next.hidden = !el.next.textContent;
    setProgress(ws.progress);
  }

  function render() {
    renderParagraph();
    renderComposer();
    renderStatements();
    renderSuggestions();
    el.noStatement.checked = doc.no_statement;
    el.undo.disabled = undoStack.length === 0;
  }

  /* The paragraph as text nodes inside spans: marks for statements, the pending span and suggestions.
   * Overlaps are handled by cutting the text at every boundary. */
  function renderParagraph() {
    const marks = [];
    doc.statements.forEach((s, i) => {
      if (s.actor_start !== null) marks.push({ start: s.actor_start, end: s.actor_end, cls: `m-statement stance-${s.stance}`, st: i });
    });
    doc.statements.forEach((s, i) => {
      if (s.evidence_start !== null && focusedStatement === i) marks.push({ start: s.evidence_start, end: s.evidence_end, cls: "m-evidence" });
    });
    const c = doc.composer;
    if (c.actor_role === "mention" && c.actor_start !== null) marks.push({ start: c.actor_start, end: c.actor_end, cls: "m-pending" });
    if (c.evidence_start !== null) marks.push({ start: c.evidence_start, end: c.evidence_end, cls: "m-evidence" });
    pendingSuggestions().forEach((p, i) => {
      if (p.start !== null && p.start !== undefined && p.end !== null) {
        marks.push({ start: p.start, end: p.end, cls: i === activeSuggestion ? "m-suggestion active" : "m-suggestion" });
      }
    });
    const cuts = new Set([0, text.length]);
    const unitMarks = marks.map((m) => ({ ...m, a: toUnits(text, m.start), b: toUnits(text, m.end) }));
    for (const m of unitMarks) { cuts.add(m.a); cuts.add(m.b); }
    const points = [...cuts].filter((x) => x >= 0 && x <= text.length).sort((x, y) => x - y);
    const frag = document.createDocumentFragment();
    for (let i = 0; i < points.length - 1; i++) {
      const a = points[i], b = points[i + 1];
      if (a === b) continue;
      const covering = unitMarks.filter((m) => m.a <= a && m.b >= b);
      const piece = text.slice(a, b);
      if (!covering.length) { frag.append(document.createTextNode(piece)); continue; }
      const span = document.createElement("span");
      span.className = covering.map((m) => m.cls).join(" ");
      const st = covering.find((m) => m.st !== undefined);
      if (st) {
        span.dataset.statement = String(st.st);
        if (focusedStatement === st.st) span.classList.add("focused");
      }
      span.textContent = piece;
      frag.append(span);
    }
    el.para.replaceChildren(frag);
  }

  function renderComposer() {
    const c = doc.composer;
    let desc;
    if (c.actor_role === "author") desc = "The article's author";
    else if (c.actor_role === "mention") desc = `“${sliceCp(text, c.actor_start, c.actor_end)}”${c.actor ? " → " + c.actor_name : " → pick the canonical actor"}`;
    else if (c.actor_role === "implied") desc = `${c.actor_name} (implied, no words selected)`;
    else desc = "Select the actor's words in the paragraph, or press a for the author.";
    el.actorDesc.textContent = desc;
    el.evidenceDesc.textContent = c.evidence_start !== null
      ? `“${sliceCp(text, c.evidence_start, c.evidence_end)}”`
      : evidenceMode ? "Now select the words that carry the stance…" : "optional: press e, then select the words";
    el.evidenceDesc.classList.toggle("muted", c.evidence_start === null);
    el.evidence.classList.toggle("selected", evidenceMode);
    el.para.classList.toggle("evidence-mode", evidenceMode);
    el.actorDesc.classList.toggle("muted", !c.actor_role);
    el.author.classList.toggle("selected", c.actor_role === "author");
    if (c.actor && document.activeElement !== el.actorInput) el.actorInput.value = c.actor_name;
    if (c.claim && document.activeElement !== el.claimInput) el.claimInput.value = c.claim_text;
    el.actorInput.classList.toggle("chosen", !!c.actor);
    el.claimInput.classList.toggle("chosen", !!c.claim);
    for (const button of document.querySelectorAll(".composer .stance-btn")) {
      button.classList.toggle("selected", button.dataset.stance === c.stance);
      button.setAttribute("aria-pressed", String(button.dataset.stance === c.stance));
    }
    const missing = [];
    if (!(c.actor_role === "author" || c.actor)) missing.push("actor");
    if (!c.claim) missing.push("claim");
    if (!c.stance) missing.push("stance");
    el.hint.textContent = composerStarted(c)
      ? `Still needed: ${missing.join(", ")}. Esc clears this statement.`
      : "A statement is added as soon as it has an actor, a claim and a stance.";
  }

  function labelFor(value) { return LABELS.find((l) => l.value === value) || { value, name: value, key: "" }; }

  function renderStatements() {
    const items = doc.statements.map((s, i) => {
      const li = document.createElement("li");
      li.className = `statement stance-${s.stance}`;
      li.dataset.index = String(i);
      const who = document.createElement("div");
      who.className = "st-actor";
      const strong = document.createElement("strong");
      strong.textContent = s.actor_role === "author" ? "Author" : s.actor_name || `actor #${s.actor}`;
      who.append(strong);
      if (s.actor_role === "mention") {
        const quote = document.createElement("span");
        quote.className = "muted small";
        quote.textContent = ` “${sliceCp(text, s.actor_start, s.actor_end)}” [${s.actor_start}–${s.actor_end}]`;
        who.append(quote);
      } else if (s.actor_role === "implied") {
        who.append(Object.assign(document.createElement("span"), { className: "muted small", textContent: " (implied)" }));
      }
      const claim = document.createElement("div");
      claim.className = "st-claim";
      claim.textContent = s.claim_text || `claim #${s.claim}`;
      if (s.evidence_start !== null && s.evidence_start !== undefined) {
        claim.append(Object.assign(document.createElement("div"), {
          className: "muted small", textContent: `evidence: “${sliceCp(text, s.evidence_start, s.evidence_end)}”` }));
      }
      const stances = document.createElement("div");
      stances.className = "st-stances";
      for (const label of LABELS) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = `chip-btn stance-${label.value}` + (label.value === s.stance ? " selected" : "");
        b.textContent = label.name;
        b.title = `Change stance to ${label.name}`;
        b.addEventListener("click", () => change((d) => { d.statements[i].stance = label.value; }));
        stances.append(b);
      }
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-btn danger";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove statement ${i + 1}`);
      remove.addEventListener("click", () => change((d) => { d.statements.splice(i, 1); }));
      stances.append(remove);
      const note = document.createElement("input");
      note.type = "text";
      note.className = "st-note";
      note.value = s.note || "";
      note.placeholder = "note (optional)";
      note.maxLength = 4000;
      note.setAttribute("aria-label", `Note on statement ${i + 1}`);
      note.addEventListener("change", () => change((d) => { d.statements[i].note = note.value.trim(); }));
      note.addEventListener("keydown", (event) => { if (event.key === "Enter") note.blur(); });
      stances.append(note);
      if (s.from_prediction) {
        stances.append(Object.assign(document.createElement("span"), { className: "badge suggestion", textContent: "from suggestion" }));
      }
      li.append(who, claim, stances);
      li.addEventListener("mouseenter", () => { focusedStatement = i; renderParagraph(); });
      li.addEventListener("mouseleave", () => { focusedStatement = null; renderParagraph(); });
      return li;
    });
    el.statements.replaceChildren(...items);
    el.stEmpty.hidden = items.length > 0;
    el.stEmpty.textContent = doc.no_statement ? "Marked: no stance-bearing statement in this paragraph." : "No statement yet.";
    el.stCount.textContent = items.length ? `(${items.length})` : "";
  }

  /* ---------- Suggestions (pre-labels) ---------- */

  function pendingSuggestions() {
    if (!ws) return [];
    return (ws.predictions || []).filter((p) => !doc.decisions[p.id]);
  }

  function describePrediction(p) {
    const parts = [];
    const span = p.start !== null && p.start !== undefined && p.end !== null ? `“${sliceCp(text, p.start, p.end)}”` : "";
    switch (p.kind) {
      case "actor": parts.push(`Actor ${span} → ${p.actor_name || "#" + p.actor}`); break;
      case "actor_candidate": parts.push(`New actor? ${span || "“" + p.surface + "”"}`); break;
      case "claim": parts.push(`Claim: ${p.claim_text || "#" + p.claim}`); break;
      case "stance": parts.push(`${p.actor_name || "Actor"} is ${labelFor(stanceValue(p.stance)).name.toLowerCase()} on: ${p.claim_text || "#" + p.claim}`); break;
      default: parts.push(`${p.actor_name || "Author"} ${span} · ${p.claim_text || "#" + p.claim} · ${labelFor(stanceValue(p.stance)).name}`);
    }
    return parts.join(" ");
  }

  function stanceValue(stance) {
    if (stance === null || stance === undefined) return null;
    if (typeof stance === "number") {
      const label = LABELS.find((l) => l.id === stance);
      return label ? label.value : null;
    }
    return stance;
  }

  function renderSuggestions() {
    const all = ws ? ws.predictions || [] : [];
    el.suggestions.hidden = all.length === 0;
    const pending = pendingSuggestions();
    if (activeSuggestion >= pending.length) activeSuggestion = Math.max(0, pending.length - 1);
    el.sgCount.textContent = all.length ? `(${pending.length} open of ${all.length})` : "";
    const items = all.map((p) => {
      const li = document.createElement("li");
      const decision = doc.decisions[p.id];
      const index = pending.indexOf(p);
      li.className = "suggestion" + (decision ? ` decided ${decision}` : "") + (index === activeSuggestion && !decision ? " active" : "");
      const what = document.createElement("span");
      what.className = "sg-what";
      what.textContent = describePrediction(p);
      const meta = document.createElement("span");
      meta.className = "sg-meta small muted";
      meta.textContent = `${p.model_name} · ${Math.round((p.score || 0) * 100)}%`;
      li.append(what, meta);
      if (decision) {
        li.append(Object.assign(document.createElement("span"), { className: "badge", textContent: decision }));
      } else {
        const accept = Object.assign(document.createElement("button"), { type: "button", className: "small", textContent: "Accept (y)" });
        accept.addEventListener("click", () => decide(p, "accepted"));
        const reject = Object.assign(document.createElement("button"), { type: "button", className: "small", textContent: "Reject (x)" });
        reject.addEventListener("click", () => decide(p, "rejected"));
        li.append(accept, reject);
        li.addEventListener("click", (event) => {
          if (event.target.tagName !== "BUTTON") { activeSuggestion = index; renderSuggestions(); renderParagraph(); }
        });
      }
      return li;
    });
    el.sgList.replaceChildren(...items);
    const active = el.sgList.querySelector(".suggestion.active");
    if (active) active.scrollIntoView({ block: "nearest" });
  }

  async function decide(prediction, decision) {
    change((d) => {
      d.decisions[prediction.id] = decision;
      if (decision === "accepted") applyPrediction(d, prediction);
    });
    try {
      await api("POST", `/api/predictions/${prediction.id}/decision/`, { decision });
    } catch (error) {
      toast(`The decision was not recorded: ${error.message}`, "error");
    }
    if (decision === "accepted" && doc.composer.actor_role === "mention" && !doc.composer.actor) {
      el.actorInput.value = prediction.surface || sliceCp(text, prediction.start, prediction.end);
      el.actorInput.focus();
      search(actorCombo);
    }
  }

  /* Accepting fills the statement being composed with what the model proposed. */
  function applyPrediction(d, p) {
    const c = d.composer;
    const hasSpan = p.start !== null && p.start !== undefined && p.end !== null && p.end !== undefined && p.end > p.start;
    if (["actor", "actor_candidate", "stance", "statement"].includes(p.kind)) {
      if (hasSpan) { c.actor_role = "mention"; c.actor_start = p.start; c.actor_end = p.end; }
      if (p.actor) { c.actor = p.actor; c.actor_name = p.actor_name || ""; if (!hasSpan) c.actor_role = "implied"; }
      else if (p.kind === "statement" && !hasSpan) { c.actor_role = "author"; }
    }
    if (p.claim) { c.claim = p.claim; c.claim_text = p.claim_text || ""; }
    const stance = stanceValue(p.stance);
    if (stance) c.stance = stance;
    c.from_prediction = p.id;
  }

  function moveSuggestion(delta) {
    const n = pendingSuggestions().length;
    if (!n) return;
    activeSuggestion = (activeSuggestion + delta + n) % n;
    renderSuggestions();
    renderParagraph();
  }

  function decideActive(decision) {
    const pending = pendingSuggestions();
    if (!pending.length) { toast("No open suggestion.", "info"); return; }
    decide(pending[Math.min(activeSuggestion, pending.length - 1)], decision);
  }

  /* ---------- Selecting a span ---------- */

  function unitOffset(node, offset) {
    const range = document.createRange();
    range.selectNodeContents(el.para);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function selectionSpan() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(el.para)) return null;
    const whole = document.createRange();
    whole.selectNodeContents(el.para);
    // Clamp to the paragraph: a drag may start or end in the dimmed context.
    let a = range.compareBoundaryPoints(Range.START_TO_START, whole) <= 0 ? 0 : unitOffset(range.startContainer, range.startOffset);
    let b = range.compareBoundaryPoints(Range.END_TO_END, whole) >= 0 ? text.length : unitOffset(range.endContainer, range.endOffset);
    while (a < b && /\s/.test(text[a])) a++;
    while (b > a && /\s/.test(text[b - 1])) b--;
    if (a >= b) return null;
    return { start: toCodePoints(text, a), end: toCodePoints(text, b) };
  }

  function onParagraphMouseUp() {
    const span = selectionSpan();
    if (!span) return;
    window.getSelection().removeAllRanges();
    if (evidenceMode) {
      evidenceMode = false;
      change((d) => { d.composer.evidence_start = span.start; d.composer.evidence_end = span.end; });
      renderComposer();
      return;
    }
    const words = sliceCp(text, span.start, span.end);
    const keepActor = doc.composer.actor && doc.composer.actor_role !== "author";
    change((d) => {
      d.composer.actor_role = "mention";
      d.composer.actor_start = span.start;
      d.composer.actor_end = span.end;
      if (!keepActor) { d.composer.actor = null; d.composer.actor_name = ""; }
    });
    if (!keepActor) {
      el.actorInput.value = words;
      el.actorInput.focus();
      search(actorCombo);
    }
  }

  /* ---------- Autocomplete (actors and claims) ---------- */

  function makeCombo(kind, input, list) {
    return { kind, input, list, items: [], active: 0, timer: null, seq: 0 };
  }
  const actorCombo = makeCombo("actors", el.actorInput, el.actorList);
  const claimCombo = makeCombo("claims", el.claimInput, el.claimList);

  function closeList(list, input) {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  async function search(combo) {
    const query = combo.input.value.trim();
    const seq = ++combo.seq;
    let results = [];
    try {
      const url = `/api/projects/${PROJECT}/${combo.kind}/?search=${encodeURIComponent(query)}&page_size=8`;
      const data = await api("GET", url);
      results = (Array.isArray(data) ? data : data.results || []).filter((r) => r.status !== "merged");
    } catch (error) {
      toast(`Search failed: ${error.message}`, "error");
    }
    if (seq !== combo.seq) return;  // a newer keystroke already answered
    combo.items = results.map((r) => ({ entry: r }));
    const exact = results.some((r) => (combo.kind === "actors" ? r.name : r.text).toLowerCase() === query.toLowerCase());
    if (query && !exact) combo.items.push({ propose: query });
    combo.active = 0;
    renderCombo(combo);
  }

  function renderCombo(combo) {
    const options = combo.items.map((item, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = `${combo.kind}-opt-${i}`;
      li.className = i === combo.active ? "active" : "";
      li.setAttribute("aria-selected", String(i === combo.active));
      if (item.propose) {
        li.classList.add("propose");
        li.textContent = combo.kind === "actors"
          ? `+ Propose new actor “${item.propose}” (${el.actorType.options[el.actorType.selectedIndex].text.toLowerCase()})`
          : `+ Propose new claim “${item.propose}”`;
      } else {
        const e = item.entry;
        const name = document.createElement("span");
        name.textContent = combo.kind === "actors" ? e.name : e.text;
        li.append(name);
        const extra = combo.kind === "actors" ? (e.aliases || []).join(", ") : e.category_code || "";
        if (extra) li.append(Object.assign(document.createElement("span"), { className: "muted small", textContent: ` ${extra}` }));
        if (e.status === "proposed") li.append(Object.assign(document.createElement("span"), { className: "badge proposed", textContent: "proposed" }));
      }
      li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(combo, i); });
      return li;
    });
    if (!options.length) {
      options.push(Object.assign(document.createElement("li"), { className: "muted small", textContent: "Type to search." }));
    }
    combo.list.replaceChildren(...options);
    combo.list.hidden = false;
    combo.input.setAttribute("aria-expanded", "true");
    combo.input.setAttribute("aria-activedescendant", combo.items.length ? `${combo.kind}-opt-${combo.active}` : "");
  }

  async function choose(combo, index) {
    const item = combo.items[index];
    if (!item) return;
    let entry = item.entry;
    if (item.propose) {
      try {
        entry = combo.kind === "actors"
          ? await api("POST", `/api/projects/${PROJECT}/actors/`, { name: item.propose, type: el.actorType.value, aliases: [], external_id: "" })
          : await api("POST", `/api/projects/${PROJECT}/claims/`, { text: item.propose, category_code: "", description: "" });
        toast(`Proposed “${item.propose}”; a manager will review it.`, "ok");
      } catch (error) {
        toast(`Could not propose it: ${error.message}`, "error");
        return;
      }
    }
    closeList(combo.list, combo.input);
    // Set the field first: completing the statement clears the composer and its fields.
    if (combo.kind === "actors") {
      combo.input.value = entry.name;
      change((d) => {
        d.composer.actor = entry.id;
        d.composer.actor_name = entry.name;
        if (d.composer.actor_role !== "mention") d.composer.actor_role = "implied";
      });
      if (composerStarted(doc.composer) && !doc.composer.claim) el.claimInput.focus();
      else combo.input.blur();
    } else {
      combo.input.value = entry.text;
      change((d) => { d.composer.claim = entry.id; d.composer.claim_text = entry.text; });
      combo.input.blur();
    }
  }

  function bindCombo(combo) {
    combo.input.addEventListener("input", () => {
      clearTimeout(combo.timer);
      combo.timer = setTimeout(() => search(combo), SEARCH_DELAY_MS);
    });
    combo.input.addEventListener("focus", () => search(combo));
    combo.input.addEventListener("blur", () => setTimeout(() => closeList(combo.list, combo.input), 100));
    combo.input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!combo.items.length) return;
        combo.active = (combo.active + (event.key === "ArrowDown" ? 1 : -1) + combo.items.length) % combo.items.length;
        renderCombo(combo);
      } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        if (combo.list.hidden || !combo.items.length) { search(combo); return; }
        choose(combo, combo.active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeList(combo.list, combo.input);
        combo.input.blur();
      }
    });
  }

  /* ---------- Saving ---------- */

  function body() {
    return {
      revision, no_statement: doc.no_statement, time_spent_ms: timeSpent(),
      statements: doc.statements.map(toApiStatement),
    };
  }

  function timeSpent() {
    return Math.round(clock.spent + (document.hidden ? 0 : performance.now() - clock.since));
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) clock.spent += performance.now() - clock.since;
    else clock.since = performance.now();
  });

  function setSaveStatus(message, kind) {
    el.saveStatus.textContent = message;
    el.saveStatus.className = "save-status " + (kind || "");
  }

  function scheduleSave() {
    if (!ws || conflict) return;
    dirty = true;
    setSaveStatus("Unsaved changes…", "pending");
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
  }

  async function saveNow() {
    clearTimeout(saveTimer);
    if (saving) await saving.catch(() => {});
    if (!dirty || !ws || conflict) return;
    dirty = false;
    const annotationId = ws.annotation.id;
    setSaveStatus("Saving…", "pending");
    saving = api("PUT", `/api/annotations/${annotationId}/`, body())
      .then((annotation) => {
        if (!ws || ws.annotation.id !== annotationId) return;
        revision = annotation.revision;
        setSaveStatus(dirty ? "Unsaved changes…" : "Saved", dirty ? "pending" : "ok");
      })
      .catch((error) => {
        if (error.status === 409) {
          conflict = true;
          setSaveStatus("Conflict: this annotation changed in another tab. Reload to continue.", "error");
          toast("Not saved: the annotation changed elsewhere. Reload the page.", "error");
        } else {
          dirty = true;
          setSaveStatus(`Not saved: ${error.message}`, "error");
          loggedOut(error);
        }
        throw error;
      })
      .finally(() => { saving = null; });
    return saving;
  }

  /* Keep the lease while the annotator is here: renew at half its length (the server decides the length). */
  let renewTimer = null;
  function scheduleRenew() {
    clearTimeout(renewTimer);
    if (!ws || !ws.assignment || !ws.assignment.expires_at) return;
    const left = new Date(ws.assignment.expires_at).getTime() - Date.now();
    renewTimer = setTimeout(async () => {
      if (!ws || document.hidden) { scheduleRenew(); return; }
      try {
        const fresh = await api("POST", `/api/assignments/${ws.assignment.id}/renew/`);
        if (fresh && ws && fresh.assignment.id === ws.assignment.id) ws.assignment = fresh.assignment;
      } catch (error) {
        toast(`Your lease on this paragraph could not be renewed: ${error.message}`, "error");
        return;
      }
      scheduleRenew();
    }, Math.max(30000, left / 2));
  }

  /* ---------- Submit and skip ---------- */

  /* The next workspace brings fresh figures; until then (or when none is left) count locally. */
  function countFinished() {
    if (!config.progress) return;
    config.progress = { done: config.progress.done + 1, remaining: Math.max(0, config.progress.remaining - 1) };
  }

  async function submit() {
    if (!ws || busy) return;
    if (conflict) { toast("Reload the page first: this annotation changed elsewhere.", "error"); return; }
    if (composerStarted(doc.composer)) {
      toast("Finish the statement you started, or press Esc to drop it.", "error");
      return;
    }
    if (!doc.statements.length && !doc.no_statement) {
      toast("Add a statement, or press n if the paragraph has none.", "error");
      return;
    }
    busy = true;
    clearTimeout(saveTimer);
    try {
      if (saving) await saving.catch(() => {});
      setSaveStatus("Submitting…", "pending");
      await api("POST", `/api/annotations/${ws.annotation.id}/submit/`, body());
      dirty = false;
      countFinished();
      toast("Submitted.", "ok");
      busy = false;
      await loadNext();
    } catch (error) {
      busy = false;
      if (error.status === 409) conflict = true;
      setSaveStatus(`Not submitted: ${error.message}`, "error");
      toast(`Not submitted: ${error.message}`, "error");
    }
  }

  async function skip() {
    if (!ws || busy) return;
    busy = true;
    clearTimeout(saveTimer);
    try {
      if (saving) await saving.catch(() => {});
      await api("POST", `/api/annotations/${ws.annotation.id}/skip/`, { revision });
      dirty = false;
      countFinished();
      toast("Skipped.", "info");
      busy = false;
      await loadNext();
    } catch (error) {
      busy = false;
      toast(`Could not skip: ${error.message}`, "error");
    }
  }

  /* ---------- Commands and keys ---------- */

  function setStance(value) {
    change((d) => { d.composer.stance = value; });
  }

  function setAuthor() {
    change((d) => {
      d.composer.actor_role = "author";
      d.composer.actor_start = null;
      d.composer.actor_end = null;
      d.composer.actor = null;
      d.composer.actor_name = "";
    });
    el.actorInput.value = "";
    if (!doc.composer.claim && composerStarted(doc.composer)) el.claimInput.focus();
  }

  /* Enter outside a field jumps to what the statement still needs. */
  function focusMissing() {
    const c = doc.composer;
    if (!(c.actor_role === "author" || c.actor)) el.actorInput.focus();
    else if (!c.claim) el.claimInput.focus();
    else toast("Press a stance key to finish the statement.", "info");
  }

  function toggleEvidenceMode() {
    evidenceMode = !evidenceMode;
    renderComposer();
  }

  function clearComposer() {
    evidenceMode = false;
    if (!composerStarted(doc.composer) && doc.composer.evidence_start === null) { renderComposer(); return; }
    change((d) => { d.composer = emptyComposer(); });
    el.actorInput.value = "";
    el.claimInput.value = "";
  }

  function toggleNoStatement() {
    if (!doc.no_statement && doc.statements.length) {
      toast("Remove the statements first: a paragraph with statements is not empty.", "error");
      el.noStatement.checked = false;
      return;
    }
    change((d) => { d.no_statement = !d.no_statement; });
  }

  function isTyping(target) {
    return target && (target.tagName === "INPUT" && target.type !== "checkbox" || target.tagName === "TEXTAREA"
      || target.tagName === "SELECT" || target.isContentEditable);
  }

  document.addEventListener("keydown", (event) => {
    if (el.ws.dataset.state !== "task" || event.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    const key = event.key;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && key === "Enter") { event.preventDefault(); submit(); return; }
    if (isTyping(event.target)) return;
    if (key === "Enter" && event.target.closest("button, a, summary")) return;  // let Enter press buttons
    if (mod && (key === "z" || key === "Z") && !event.shiftKey) { event.preventDefault(); undo(); return; }
    if (mod) return;
    const label = LABELS.find((l) => l.key === key);
    if (label) { event.preventDefault(); setStance(label.value); return; }
    const commands = {
      a: setAuthor,
      e: toggleEvidenceMode,
      f: () => el.actorInput.focus(),
      c: () => el.claimInput.focus(),
      n: toggleNoStatement,
      y: () => decideActive("accepted"),
      x: () => decideActive("rejected"),
      "[": () => moveSuggestion(-1),
      "]": () => moveSuggestion(1),
      s: submit,
      k: skip,
      Escape: clearComposer,
      Enter: focusMissing,
    };
    if (commands[key]) { event.preventDefault(); commands[key](); }
  });

  el.para.addEventListener("mouseup", onParagraphMouseUp);
  el.author.addEventListener("click", setAuthor);
  el.evidence.addEventListener("click", toggleEvidenceMode);
  el.noStatement.addEventListener("change", toggleNoStatement);
  el.undo.addEventListener("click", undo);
  el.skip.addEventListener("click", skip);
  el.submit.addEventListener("click", submit);
  $("ws-retry").addEventListener("click", loadNext);
  for (const button of document.querySelectorAll(".composer .stance-btn")) {
    button.addEventListener("click", () => setStance(button.dataset.stance));
  }
  el.actorType.addEventListener("change", () => { if (!actorCombo.list.hidden) renderCombo(actorCombo); });
  bindCombo(actorCombo);
  bindCombo(claimCombo);
  window.addEventListener("beforeunload", (event) => {
    if (dirty || saving) { saveNow(); event.preventDefault(); }
  });

  // Exposed for the browser tests and for debugging in the console.
  window.StandpointWorkspace = { toCodePoints, toUnits, state: () => ({ ws, doc, revision, dirty, conflict }) };

  loadNext();
})();
