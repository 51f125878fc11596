/* My annotations keyboard: j/k move the current row, Enter opens it (the row's Reopen / Take back /
 * Continue button), / focuses the search. Keys are ignored while a field has focus (the user clicked
 * into it), so typing is never eaten. No data goes through HTML: only classes and focus. */
(function () {
  "use strict";
  const table = document.getElementById("mine-table");
  const search = document.getElementById("mine-q");
  const rows = table ? Array.from(table.querySelectorAll("tbody tr.mine-row")) : [];
  let current = -1;

  function move(to) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, to));
    rows.forEach((r, i) => r.classList.toggle("current", i === current));
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function typing(el) {
    return el && (el.isContentEditable || ["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(el.tagName));
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
    } else if (e.key === "Enter" && current >= 0) {
      const button = rows[current].querySelector("button.open-annotation");
      if (button) {
        e.preventDefault();
        button.click();
      }
    }
  });

  rows.forEach((r, i) =>
    r.addEventListener("click", (e) => {
      if (!["A", "BUTTON"].includes(e.target.tagName)) move(i);
    }),
  );
})();
