/* Task browser keyboard: j/k move the current row, x selects it, Enter opens it, / focuses the search.
 * Keys are ignored while a field has focus (the user clicked into it), so typing is never eaten.
 * Also keeps the "n selected" count and the "all on this page" box in step, and disables the bulk
 * buttons while nothing is selected. No data goes through HTML: only classes, properties and textContent. */
(function () {
  "use strict";
  const table = document.getElementById("task-table");
  const search = document.querySelector('#task-filters input[name="q"]');
  const rows = table ? Array.from(table.querySelectorAll("tbody tr.task-row")) : [];
  const boxes = rows.map((r) => r.querySelector('input[name="tasks"]'));
  const all = document.getElementById("select-all");
  const count = document.getElementById("selected-count");
  const buttons = Array.from(document.querySelectorAll(".bulk-action"));
  let current = -1;

  function refresh() {
    const n = boxes.filter((b) => b.checked).length;
    if (count) count.textContent = `${n} selected`;
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
    buttons.forEach((b) => {
      b.disabled = n === 0;
    });
  }

  function move(to) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, to));
    rows.forEach((r, i) => r.classList.toggle("current", i === current));
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function typing(el) {
    return (
      el &&
      (el.isContentEditable || ["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(el.tagName)) &&
      !(el.tagName === "INPUT" && el.type === "checkbox")
    );
  }

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
    if (e.key === "/" && search) {
      e.preventDefault();
      search.focus();
      search.select();
      return;
    }
    if (!rows.length) return;
    if (e.key === "j") {
      e.preventDefault();
      move(current + 1);
    } else if (e.key === "k") {
      e.preventDefault();
      move(current < 0 ? 0 : current - 1);
    } else if (e.key === "x" && current >= 0) {
      e.preventDefault();
      boxes[current].checked = !boxes[current].checked;
      refresh();
    } else if (e.key === "Enter" && current >= 0) {
      e.preventDefault();
      window.location.assign(rows[current].querySelector("a.open-task").href);
    }
  });

  // Enter in the k field means "Change k", not the form's first button.
  const kField = document.getElementById("bulk-k");
  const setK = buttons.find((b) => b.value === "set_k");
  if (kField && setK) {
    kField.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        if (!setK.disabled) setK.click();
      }
    });
  }

  boxes.forEach((b) => b.addEventListener("change", refresh));
  if (all)
    all.addEventListener("change", () => {
      boxes.forEach((b) => {
        b.checked = all.checked;
      });
      refresh();
    });
  rows.forEach((r, i) =>
    r.addEventListener("click", (e) => {
      if (e.target.tagName !== "A") move(i);
    }),
  );
  refresh();
})();
