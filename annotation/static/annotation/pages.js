/* Shared page helpers: one JSON API client, a toast, and the glue that lets htmx-driven
 * manager pages write through the REST API (the same single write path as the workspace).
 *
 * Exposed as window.Standpoint so templates and workspace.js use one instance. */
(function () {
  "use strict";

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  class ApiError extends Error {
    constructor(status, payload) {
      super(formatError(payload, status));
      this.status = status;
      this.payload = payload;
    }
  }

  /* DRF errors are {"field": ["message", ...]} or {"detail": "..."}; flatten them for people. A "detail"
   * is the whole message: the keys beside it (a 409's code and revision) are for programs. */
  function formatError(payload, status) {
    if (payload == null || payload === "") return status ? `Request failed (HTTP ${status}).` : "Request failed.";
    if (typeof payload === "string") return payload;
    if (typeof payload !== "object") return String(payload);
    if (!Array.isArray(payload) && typeof payload.detail === "string") return payload.detail;
    if (Array.isArray(payload)) return payload.map((p) => formatError(p)).join(" ");
    const parts = [];
    for (const [field, value] of Object.entries(payload)) {
      const text = formatError(value);
      parts.push(field === "detail" || field === "non_field_errors" ? text : `${field}: ${text}`);
    }
    return parts.join(" · ");
  }

  async function api(method, url, body) {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET" && method !== "HEAD") init.headers["X-CSRFToken"] = csrfToken();
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    if (response.status === 204) return null;
    const text = await response.text();
    let payload = text;
    try {
      payload = text ? JSON.parse(text) : null;
    } catch (e) {
      /* not JSON: keep the text */
    }
    if (!response.ok) throw new ApiError(response.status, payload);
    return payload;
  }

  let toastTimer = null;
  function toast(message, kind) {
    const el = document.getElementById("toast");
    if (!el) return;
    el.textContent = message;
    el.className = "toast " + (kind || "info");
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(
      () => {
        el.hidden = true;
      },
      kind === "error" ? 8000 : 3500,
    );
  }

  /* "${created} tasks" filled from a JSON response. */
  function fillTemplate(template, data) {
    return template.replace(/\$\{(\w+)\}/g, (_, key) => (data && key in data ? String(data[key]) : ""));
  }

  function parseJson(text) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return text;
    }
  }

  /* htmx requests that hit /api/ answer JSON: report success or the field errors, then ask the
   * page's live regions (hx-trigger="refresh from:body") to reload themselves. */
  document.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail.elt;
    const xhr = event.detail.xhr;
    const path = event.detail.requestConfig && event.detail.requestConfig.path;
    if (!path || !path.startsWith("/api/")) {
      if (event.detail.failed && xhr.status)
        toast(`This part of the page could not be refreshed (HTTP ${xhr.status}).`, "error");
      return;
    }
    if (event.detail.successful) {
      const data = xhr.status === 204 ? null : parseJson(xhr.responseText);
      const message = elt.getAttribute("data-success");
      if (message) toast(fillTemplate(message, data), "ok");
      if (elt.tagName === "FORM" && elt.hasAttribute("data-reset")) elt.reset();
      const redirect = elt.getAttribute("data-redirect");
      if (redirect) {
        window.location.assign(fillTemplate(redirect, data));
        return;
      }
      document.body.dispatchEvent(new CustomEvent("refresh"));
    } else {
      toast(formatError(parseJson(xhr.responseText), xhr.status), "error");
    }
  });
  document.addEventListener("htmx:sendError", () => toast("The server could not be reached.", "error"));

  /* Merge dialog on the registry pages: one dialog, opened from any row. */
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-merge-url]");
    if (!button) return;
    const dialog = document.getElementById("merge-dialog");
    if (!dialog) return;
    dialog.querySelector("[data-merge-source]").textContent = button.getAttribute("data-merge-name");
    const form = dialog.querySelector("form");
    form.setAttribute("data-url", button.getAttribute("data-merge-url"));
    for (const option of form.querySelectorAll("option")) {
      option.disabled = option.value === button.getAttribute("data-merge-id");
    }
    form.elements.into.value = "";
    dialog.showModal();
  });
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("#merge-dialog form");
    if (!form || (event.submitter && event.submitter.value === "cancel")) return;
    event.preventDefault();
    const into = Number(form.elements.into.value);
    if (!into) {
      toast("Pick the entry to merge into.", "error");
      return;
    }
    try {
      await api("POST", form.getAttribute("data-url"), { into });
      form.closest("dialog").close();
      toast("Merged; every statement now points to the kept entry.", "ok");
      document.body.dispatchEvent(new CustomEvent("refresh"));
    } catch (error) {
      toast(error.message, "error");
    }
  });

  window.Standpoint = { api, ApiError, formatError, toast };
})();
