// Dataset versions page: live progress. Polls the JSON API for versions still pending or
// building, and reloads the page when one finishes.
(function () {
  "use strict";
  const rows = () => Array.from(document.querySelectorAll('tr[data-status="pending"], tr[data-status="building"]'));
  if (!rows().length) return;
  async function tick() {
    let finished = false;
    for (const tr of rows()) {
      try {
        const r = await fetch(`/api/dataset-versions/${encodeURIComponent(tr.dataset.version)}/`, {
          headers: { Accept: "application/json" },
        });
        if (!r.ok) continue;
        const v = await r.json();
        const bar = tr.querySelector(".ds-bar > span"),
          txt = tr.querySelector(".ds-progress");
        if (bar) bar.style.width = Number(v.progress.percent) + "%";
        if (txt) txt.textContent = `${v.progress.done} / ${v.progress.total || "?"}`;
        if (v.status !== tr.dataset.status && v.status !== "building") finished = true;
        if (v.stale && !tr.querySelector(".ds-stale")) finished = true; // reload to show the stale note and Retry
      } catch (e) {
        /* the next tick retries */
      }
    }
    if (finished) location.reload();
    else setTimeout(tick, 2000);
  }
  setTimeout(tick, 1500);
})();
