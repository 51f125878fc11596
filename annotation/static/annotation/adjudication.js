/* Adjudication page: every annotator's spans in the paragraph, statement groups to pick (or accept
 * all agreed) as gold, the gold editor, keyboard shortcuts, and a confirmation before gold is
 * replaced or removed. Every piece of data reaches the page as text (textContent, option values):
 * no HTML is built from strings. The page's data comes from json_script blocks and data- attributes. */
(function () {
  "use strict";
  const root = document.getElementById("adjudication");
  if (!root) return;
  const taskId = Number(root.dataset.task);
  let data = JSON.parse(document.getElementById("adjudication-data").textContent);
  const labels = JSON.parse(document.getElementById("stance-labels").textContent);
  const status = document.getElementById("status");
  const api = (method, url, body) => window.Standpoint.api(method, url, body);
  const base = `/api/tasks/${taskId}/adjudication/`;
  const COLOURS = 6;

  /* The in-page confirmation (a modal dialog: Enter confirms, Esc keeps). Resolves true or false. */
  const dialog = document.getElementById("confirm-dialog");
  function confirmInPage(text, okLabel) {
    document.getElementById("confirm-text").textContent = text;
    document.getElementById("confirm-ok").textContent = okLabel;
    dialog.returnValue = "";
    dialog.showModal();
    document.getElementById("confirm-ok").focus();
    return new Promise((resolve) =>
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }),
    );
  }
  function goldSummary() {
    const gold = data.gold;
    if (!gold) return "";
    const what = gold.no_statement ? "“no stance-bearing statement”" : `${gold.statements.length} statement(s)`;
    return `${what}${gold.adjudicator ? " by " + gold.adjudicator : ""}`;
  }
  // Replacing gold asks first, in the page. The API also refuses to replace gold (409) unless told so,
  // which catches gold another manager saved since this page loaded: ask then, with what is there now.
  async function confirmReplace() {
    if (await confirmInPage(`This task already has gold: ${goldSummary()}. Replace it?`, "Replace gold")) return true;
    throw new Error("gold kept; nothing was replaced.");
  }
  async function write(method, url, body) {
    if (data.gold) {
      await confirmReplace();
      return api(method, url, { ...body, replace: true });
    }
    try {
      return await api(method, url, body);
    } catch (err) {
      if (err.status !== 409) throw err;
      data = await api("GET", base);
      render();
      await confirmReplace();
      return api(method, url, { ...body, replace: true });
    }
  }

  /* ---- the paragraph with every annotator's actor and evidence spans ---- */
  const paragraph = document.getElementById("paragraph");
  function marks() {
    const out = [];
    data.annotations.forEach((a, ann) =>
      a.statements.forEach((s) => {
        if (s.actor_start != null)
          out.push({ start: s.actor_start, end: s.actor_end, ann, kind: "actor", sid: s.id, who: a.annotator });
        if (s.evidence_start != null)
          out.push({
            start: s.evidence_start,
            end: s.evidence_end,
            ann,
            kind: "evidence",
            sid: s.id,
            who: a.annotator,
          });
      }),
    );
    return out;
  }
  function renderParagraph() {
    const text = data.paragraph.text;
    const all = marks();
    const cuts = [...new Set([0, text.length, ...all.flatMap((m) => [m.start, m.end])])]
      .filter((c) => c >= 0 && c <= text.length)
      .sort((x, y) => x - y);
    const nodes = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [from, to] = [cuts[i], cuts[i + 1]];
      // Overlapping spans nest: one element per span covering this piece, the outer ones underlined lower.
      const covering = all
        .filter((m) => m.start <= from && m.end >= to)
        .sort((x, y) => x.ann - y.ann || (x.kind < y.kind ? -1 : 1));
      let node = document.createTextNode(text.slice(from, to));
      covering.forEach((m, depth) => {
        const span = document.createElement("span");
        span.className = `hl hl-${m.kind} ann-${m.ann % COLOURS} d${Math.min(depth, 4)}`;
        span.dataset.sid = String(m.sid);
        span.append(node);
        node = span;
      });
      if (covering.length) node.title = covering.map((m) => `${m.who}: ${m.kind}`).join("\n");
      nodes.push(node);
    }
    paragraph.replaceChildren(...nodes);
  }
  function renderLegend() {
    const items = data.annotations.map((a, ann) => {
      const li = document.createElement("li");
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.className = "legend-toggle";
      box.addEventListener("change", () => paragraph.classList.toggle(`hide-${ann % COLOURS}`, !box.checked));
      const swatch = document.createElement("span");
      swatch.className = `swatch ann-${ann % COLOURS}`;
      const name = document.createElement("span");
      name.textContent = a.annotator;
      const count = document.createElement("span");
      count.className = "muted";
      count.textContent = a.statements.length ? `${a.statements.length} statement(s)` : "no statement";
      label.append(box, swatch, name, count);
      li.append(label);
      return li;
    });
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "No submitted annotation yet.";
      items.push(li);
    }
    document.getElementById("legend").replaceChildren(...items);
  }
  // Pointing at a statement group outlines its spans in the paragraph.
  const groups = [...document.querySelectorAll("#groups .group")];
  groups.forEach((g) => {
    const ids = new Set(g.dataset.ids.split(","));
    const focus = (on) =>
      paragraph.querySelectorAll(".hl").forEach((el) => {
        if (ids.has(el.dataset.sid)) el.classList.toggle("focus", on);
      });
    g.addEventListener("mouseenter", () => focus(true));
    g.addEventListener("mouseleave", () => focus(false));
  });

  /* ---- the gold editor ---- */
  function cell(...children) {
    const td = document.createElement("td");
    td.append(...children);
    return td;
  }
  function stanceSelect(s, i) {
    const select = document.createElement("select");
    select.className = "g-stance";
    select.dataset.i = String(i);
    for (const label of labels) {
      const option = document.createElement("option");
      option.value = label;
      option.textContent = label;
      option.selected = label === s.stance;
      select.append(option);
    }
    return select;
  }
  function reasonInput(s, i) {
    const input = document.createElement("input");
    input.className = "g-reason";
    input.dataset.i = String(i);
    input.value = s.reason || "";
    return input;
  }
  function removeButton(i) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link g-del";
    button.textContent = "remove";
    button.addEventListener("click", () => {
      data.gold.statements.splice(i, 1);
      render();
    });
    return button;
  }
  function render() {
    const gold = data.gold;
    document.getElementById("gold-empty").textContent = !gold
      ? "No gold yet: exports use the automatic aggregation."
      : gold.no_statement
        ? "Gold: this paragraph holds no stance-bearing statement."
        : "";
    const rows = (gold ? gold.statements : []).map((s, i) => {
      const tr = document.createElement("tr");
      tr.append(
        cell(s.actor_name || s.actor_role || ""),
        cell(s.claim_text || ""),
        cell(stanceSelect(s, i)),
        cell(reasonInput(s, i)),
        cell(removeButton(i)),
      );
      return tr;
    });
    document.querySelector("#gold-table tbody").replaceChildren(...rows);
    // nothing to remove or save without gold (the x key still says so)
    const clear = document.getElementById("clear-gold"),
      save = document.getElementById("save-edits");
    clear.disabled = !gold;
    clear.title = gold ? "" : "There is no gold to remove.";
    save.disabled = !gold || !gold.statements.length;
    save.title = save.disabled ? "No gold statements to edit." : "";
  }
  function renderHistory() {
    const items = (data.history || []).map((h) => {
      const li = document.createElement("li");
      li.textContent = `${h.date.slice(0, 16).replace("T", " ")} · ${h.type} by ${h.user || "—"}${h.reason ? ": " + h.reason : ""}`;
      return li;
    });
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "Not adjudicated yet.";
      items.push(li);
    }
    document.getElementById("history").replaceChildren(...items);
  }

  function done(d, msg) {
    data = d;
    render();
    renderHistory();
    status.textContent = msg;
  }
  function fail(e) {
    status.textContent = "Not saved: " + e.message;
  }
  const reason = () => document.getElementById("reason").value;
  const picks = [...document.querySelectorAll(".pick")];
  const ticked = () => picks.filter((c) => c.checked).flatMap((c) => c.value.split(",").map(Number));

  document.getElementById("accept-agreed").addEventListener("click", () =>
    write("POST", base + "accept-agreed/", { reason: reason() })
      .then((d) => done(d, "Gold saved: the agreed statements."))
      .catch(fail),
  );
  document.getElementById("use-selected").addEventListener("click", () => {
    const ids = ticked();
    if (!ids.length) {
      status.textContent = "Tick at least one statement (keys 1–9).";
      return;
    }
    write("POST", base + "pick/", { statement_ids: ids, reason: reason() })
      .then((d) => done(d, "Gold saved."))
      .catch(fail);
  });
  document.getElementById("no-statement").addEventListener("click", () =>
    write("PUT", base, { no_statement: true, statements: [], reason: reason() })
      .then((d) => done(d, "Saved: no statement."))
      .catch(fail),
  );
  document.getElementById("clear-gold").addEventListener("click", async () => {
    if (!data.gold) {
      status.textContent = "There is no gold to remove.";
      return;
    }
    if (
      !(await confirmInPage(
        `Remove this task's gold (${goldSummary()})? Exports fall back to the automatic aggregation.`,
        "Remove gold",
      ))
    ) {
      status.textContent = "Gold kept.";
      return;
    }
    api("DELETE", base)
      .then(() => api("GET", base))
      .then((d) => done(d, "Gold removed."))
      .catch(fail);
  });
  document.getElementById("save-edits").addEventListener("click", () => {
    if (!data.gold) {
      status.textContent = "Nothing to save.";
      return;
    }
    document.querySelectorAll(".g-stance").forEach((s) => {
      data.gold.statements[Number(s.dataset.i)].stance = s.value;
    });
    document.querySelectorAll(".g-reason").forEach((s) => {
      data.gold.statements[Number(s.dataset.i)].reason = s.value;
    });
    const statements = data.gold.statements.map((s) => ({
      actor_role: s.actor_role,
      actor: s.actor,
      actor_start: s.actor_start,
      actor_end: s.actor_end,
      claim: s.claim,
      stance: s.stance,
      evidence_start: s.evidence_start,
      evidence_end: s.evidence_end,
      reason: s.reason || "",
      source_statement_ids: s.source_statement_ids || [],
    }));
    api("PUT", base, { statements, no_statement: !statements.length, reason: reason(), replace: true })
      .then((d) => done(d, "Edits saved."))
      .catch(fail);
  });

  picks.forEach((c, i) => {
    if (i < 9) {
      c.parentElement.querySelector(".pick-key").textContent = String(i + 1);
    }
  });
  const click = (id) => {
    const b = document.getElementById(id);
    if (b.disabled) {
      status.textContent = b.title || "Not available on this task.";
    } else {
      b.click();
    }
  };
  document.addEventListener("keydown", (e) => {
    if (dialog.open || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.matches("input[type=text], input:not([type]), select, textarea")) return;
    const next = document.getElementById("next-task");
    if (/^[1-9]$/.test(e.key) && picks[Number(e.key) - 1]) {
      picks[Number(e.key) - 1].checked = !picks[Number(e.key) - 1].checked;
    } else if (e.key === "a") {
      click("accept-agreed");
    } else if (e.key === "g") {
      click("use-selected");
    } else if (e.key === "n") {
      click("no-statement");
    } else if (e.key === "x") {
      click("clear-gold");
    } else if (e.key === "ArrowRight" && next) {
      location.href = next.href;
    } else return;
    e.preventDefault();
  });

  renderLegend();
  renderParagraph();
  render();
})();
