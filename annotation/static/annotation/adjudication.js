/* Adjudication page: pick annotators' statements as gold, edit the gold, keyboard shortcuts.
 * Every piece of data reaches the page as text (textContent, option values): no HTML is built
 * from strings. The page's data comes from json_script blocks and data- attributes. */
(function () {
  "use strict";
  const root = document.getElementById("adjudication");
  if (!root) return;
  const taskId = Number(root.dataset.task);
  let data = JSON.parse(document.getElementById("adjudication-data").textContent);
  const labels = JSON.parse(document.getElementById("stance-labels").textContent);
  const status = document.getElementById("status");
  const api = (method, url, body) => window.Standpoint.api(method, url, body);
  // The API refuses to replace existing gold (409) unless told so: ask, then resend with replace.
  const write = (method, url, body) => api(method, url, body).catch((err) => {
    if (err.status !== 409) throw err;
    if (!window.confirm("This task already has gold. Replace it?")) return Promise.reject(new Error("Gold kept; nothing was replaced."));
    return api(method, url, {...body, replace: true});
  });
  const base = `/api/tasks/${taskId}/adjudication/`;

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
    button.dataset.i = String(i);
    button.textContent = "remove";
    button.addEventListener("click", () => { data.gold.statements.splice(i, 1); render(); });
    return button;
  }

  function render() {
    const gold = data.gold;
    document.getElementById("gold-empty").textContent = !gold ? "No gold yet: exports use the automatic aggregation."
      : (gold.no_statement ? "Gold: this paragraph holds no stance-bearing statement." : "");
    const rows = (gold ? gold.statements : []).map((s, i) => {
      const tr = document.createElement("tr");
      tr.append(cell(s.actor_name || s.actor_role || ""), cell(s.claim_text || ""), cell(stanceSelect(s, i)),
        cell(reasonInput(s, i)), cell(removeButton(i)));
      return tr;
    });
    document.querySelector("#gold-table tbody").replaceChildren(...rows);
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

  function done(d, msg) { data = d; render(); renderHistory(); status.textContent = msg; }
  function fail(e) { status.textContent = "Not saved: " + e.message; }
  const reason = () => document.getElementById("reason").value;

  document.querySelectorAll(".pick-all").forEach((b) => b.addEventListener("click", () =>
    document.querySelectorAll(".pick").forEach((c) => { if (c.dataset.col === b.dataset.col) c.checked = true; })));
  document.getElementById("use-selected").addEventListener("click", () => {
    const ids = [...document.querySelectorAll(".pick:checked")].map((c) => Number(c.value));
    if (!ids.length) { status.textContent = "Select at least one statement."; return; }
    write("POST", base + "pick/", {statement_ids: ids, reason: reason()}).then((d) => done(d, "Gold saved.")).catch(fail);
  });
  document.getElementById("no-statement").addEventListener("click", () =>
    write("PUT", base, {no_statement: true, statements: [], reason: reason()})
      .then((d) => done(d, "Saved: no statement.")).catch(fail));
  document.getElementById("clear-gold").addEventListener("click", () =>
    api("DELETE", base).then(() => api("GET", base)).then((d) => done(d, "Gold removed.")).catch(fail));

  const picks = [...document.querySelectorAll(".pick")];
  picks.forEach((c, i) => { if (i < 9) { c.parentElement.querySelector(".pick-key").textContent = String(i + 1); } });
  document.addEventListener("keydown", (e) => {
    if (e.target.matches("input[type=text], input:not([type]), select, textarea") || e.ctrlKey || e.metaKey || e.altKey) { return; }
    const next = document.getElementById("next-task");
    if (/^[1-9]$/.test(e.key) && picks[Number(e.key) - 1]) { picks[Number(e.key) - 1].checked = !picks[Number(e.key) - 1].checked; }
    else if (e.key === "g") { document.getElementById("use-selected").click(); }
    else if (e.key === "n") { document.getElementById("no-statement").click(); }
    else if (e.key === "ArrowRight" && next) { location.href = next.href; }
  });

  document.getElementById("save-edits").addEventListener("click", () => {
    if (!data.gold) { status.textContent = "Nothing to save."; return; }
    document.querySelectorAll(".g-stance").forEach((s) => { data.gold.statements[Number(s.dataset.i)].stance = s.value; });
    document.querySelectorAll(".g-reason").forEach((s) => { data.gold.statements[Number(s.dataset.i)].reason = s.value; });
    const statements = data.gold.statements.map((s) => ({actor_role: s.actor_role, actor: s.actor, actor_start: s.actor_start,
      actor_end: s.actor_end, claim: s.claim, stance: s.stance, evidence_start: s.evidence_start, evidence_end: s.evidence_end,
      reason: s.reason || "", source_statement_ids: s.source_statement_ids || []}));
    api("PUT", base, {statements, no_statement: !statements.length, reason: reason(), replace: true})
      .then((d) => done(d, "Edits saved.")).catch(fail);
  });
  render();
})();
