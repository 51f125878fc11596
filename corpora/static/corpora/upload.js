// Upload page: disable the button while the files are sent. Import pages and the corpus page:
// every running import (.corp-job[data-job-url]) polls its job in the JSON API and updates its
// progress bar; when a job finishes, the page reloads to show the server-rendered report.
// Text only (textContent): nothing from the server is parsed as HTML.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  if (form) {
    form.addEventListener("submit", () => {
      document.getElementById("upload-button").disabled = true;
      document.getElementById("upload-busy").hidden = false;
    });
  }

  const POLL_MS = 1000;

  function field(job, name) {
    return job.querySelector(`[data-field="${name}"]`);
  }

  function describe(body) {
    const p = body.progress;
    const rate = [];
    if (p.files_per_second) rate.push(`${p.files_per_second} files/s`);
    if (p.paragraphs_per_second) rate.push(`${p.paragraphs_per_second} paragraphs/s`);
    if (body.status === "running" && p.eta_seconds !== null) rate.push(`about ${Math.round(p.eta_seconds)} s left`);
    return {
      counts: `${p.files_done} of ${p.files_total} file(s) · ${p.paragraphs} paragraph(s)`,
      rate: rate.join(" · "),
      current: body.status === "pending" ? "Waiting for a worker to start it." : p.current ? `Now: ${p.current}` : "",
    };
  }

  function update(job, body) {
    const text = describe(body);
    field(job, "counts").textContent = text.counts;
    field(job, "rate").textContent = text.rate;
    field(job, "current").textContent = text.current;
    const status = field(job, "status");
    status.textContent = { pending: "Waiting for a worker", running: "Importing" }[body.status] || body.status;
    status.className = `corp-badge corp-badge-${body.status}`;
    field(job, "bar").style.width = `${body.progress.percent}%`;
    job.querySelector('[role="progressbar"]').setAttribute("aria-valuenow", String(body.progress.percent));
  }

  function poll(job) {
    fetch(job.dataset.jobUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((body) => {
        update(job, body);
        if (body.status === "complete" || body.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(() => poll(job), POLL_MS);
        }
      })
      .catch(() => window.setTimeout(() => poll(job), POLL_MS * 5));
  }

  document.querySelectorAll(".corp-job[data-job-url]").forEach((job) => {
    if (job.dataset.status === "pending" || job.dataset.status === "running") poll(job);
  });
})();
