// Article page: correct paragraph kinds through the JSON API (PATCH /api/paragraphs/{id}/,
// POST /api/articles/{id}/mark-comments/ and its undo), with keyboard shortcuts. No framework needed.
(function () {
  "use strict";
  const root = document.getElementById("article");
  if (!root) return;
  const csrf = root.dataset.csrf;
  const statusLine = document.getElementById("status");
  const paragraphs = Array.from(root.querySelectorAll(".corp-para"));
  const kinds = Array.from(root.querySelector(".corp-kind-select")?.options || []).map((o) => o.value);
  const dialog = document.getElementById("confirm-dialog");
  let current = null;
  let hideTimer = null;

  let undoAction = null; // what the Undo button (and u) does while the message shows

  // The status shows as a toast fixed at the bottom of the window, so it is in view on long articles.
  // With `undo`, the message carries an Undo button (also the u key) for as long as it shows.
  function say(text, isError, undo) {
    statusLine.textContent = text;
    undoAction = undo || null;
    if (undo) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "corp-undo";
      button.id = "status-undo";
      button.textContent = "Undo (u)";
      button.addEventListener("click", () => runUndo());
      statusLine.append(button);
    }
    statusLine.classList.toggle("error", Boolean(isError));
    statusLine.hidden = false;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(() => {
      statusLine.hidden = true;
      undoAction = null;
    }, 12000);
  }

  function runUndo() {
    const action = undoAction;
    undoAction = null;
    if (action) action();
  }

  // Resolves true when the user confirms, false on Cancel or Esc.
  function confirmAction(title, text, okLabel) {
    return new Promise((resolve) => {
      document.getElementById("confirm-title").textContent = title;
      document.getElementById("confirm-text").textContent = text;
      const ok = document.getElementById("confirm-ok");
      const cancel = document.getElementById("confirm-cancel");
      ok.textContent = okLabel;
      const finish = (answer) => {
        ok.removeEventListener("click", onOk);
        cancel.removeEventListener("click", onCancel);
        dialog.removeEventListener("cancel", onCancel);
        if (dialog.open) dialog.close();
        resolve(answer);
      };
      const onOk = () => finish(true);
      const onCancel = (event) => {
        event.preventDefault();
        finish(false);
      };
      ok.addEventListener("click", onOk);
      cancel.addEventListener("click", onCancel);
      dialog.addEventListener("cancel", onCancel);
      dialog.showModal();
      ok.focus();
    });
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  const KEEP =
    "At the next task sync, in each project that does not annotate the new kind: a task with work keeps " +
    "its annotations and stays in the project (task browser, agreement, exports) but is closed, so no annotator " +
    "is offered it again (a task sync never removes a task with work; marking the paragraph back reopens it); " +
    "a paragraph without work leaves the task pool.";

  async function send(url, method, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (response.status === 409 && data.needs_confirm) {
      const error = new Error(data.detail);
      error.needsConfirm = true;
      throw error;
    }
    if (!response.ok) throw new Error(Object.values(data).flat().join(" ") || response.statusText);
    return data;
  }

  function urlFor(template, element) {
    return template.replace("/0/", "/" + element.dataset.id + "/");
  }

  // Merge and split renumber the paragraphs: the page reloads and shows the result then.
  function reloadSaying(text) {
    sessionStorage.setItem("corp-flash", text);
    window.location.reload();
  }

  // Server first; when it answers that submitted work is at stake, say so and ask, then confirm.
  async function segmentation(url, body, title, okLabel, done) {
    try {
      let data;
      try {
        data = await send(url, "POST", body);
      } catch (error) {
        if (!error.needsConfirm) throw error;
        if (!(await confirmAction(title, error.message, okLabel))) {
          say("Nothing was changed.");
          return;
        }
        data = await send(url, "POST", Object.assign({}, body, { confirm: true }));
      }
      reloadSaying(done(data));
    } catch (error) {
      say("Could not change the paragraphs: " + error.message, true);
    }
  }

  function mergeNext(element) {
    const url = urlFor(root.dataset.mergeUrl, element);
    segmentation(
      url,
      {},
      "Merge paragraph #" + element.dataset.position + " with the next one?",
      "Merge anyway",
      () => "Paragraph #" + element.dataset.position + " now includes the next one.",
    );
  }

  // Character offset of the caret inside the paragraph's text (line breaks count as one character).
  function caretOffset(element) {
    const text = element.querySelector(".corp-text");
    const selection = window.getSelection();
    if (!selection.rangeCount || !text.contains(selection.anchorNode)) return null;
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(selection.anchorNode, selection.anchorOffset);
    return range.toString().length + range.cloneContents().querySelectorAll("br").length;
  }

  function splitAtCaret(element) {
    const at = caretOffset(element);
    if (!at) {
      say("Click in paragraph #" + element.dataset.position + "'s text where it should be cut, then split.", true);
      return;
    }
    const url = urlFor(root.dataset.splitUrl, element);
    segmentation(
      url,
      { at },
      "Split paragraph #" + element.dataset.position + "?",
      "Split anyway",
      () => "Paragraph #" + element.dataset.position + " was split in two at character " + at + ".",
    );
  }

  function show(element, data, note) {
    element.className = element.className.replace(/corp-para-\w+/, "corp-para-" + data.kind);
    element.querySelector(".corp-kind-select").value = data.kind;
    const reason = document.createElement("span");
    reason.className = "corp-reason";
    reason.textContent = data.kind_reason;
    element
      .querySelector(".corp-source")
      .replaceChildren(data.kind_source === "auto" ? "detected: " : "set by hand: ", reason);
    const history = element.querySelector(".corp-history");
    history.hidden = false;
    const item = document.createElement("li");
    item.textContent = new Date().toISOString().slice(0, 16).replace("T", " ") + " · " + data.kind + " · you · " + note;
    history.querySelector("ul").prepend(item);
    const summary = history.querySelector("summary");
    summary.textContent = "history (" + history.querySelectorAll("li").length + ")";
  }

  async function setKind(element, kind) {
    const url = root.dataset.paragraphUrl.replace(/0\/$/, element.dataset.id + "/");
    const select = element.querySelector(".corp-kind-select");
    const before = Array.from(element.classList)
      .find((c) => c.startsWith("corp-para-") && c !== "corp-para-side" && c !== "corp-para-main")
      ?.slice("corp-para-".length);
    const submitted = Number(element.dataset.submitted || 0);
    if (submitted > 0 && kind !== before) {
      const yes = await confirmAction(
        "Change paragraph #" + element.dataset.position + " to " + kind + "?",
        "This paragraph has " + plural(submitted, "submitted annotation") + ". " + KEEP,
        "Change to " + kind,
      );
      if (!yes) {
        select.value = before;
        say("Paragraph #" + element.dataset.position + " was not changed.");
        return;
      }
    }
    try {
      const data = await send(url, "PATCH", { kind });
      show(element, data, "changed by hand");
      const heading = document.getElementById("article-title");
      const retitled = heading && data.article_title && heading.textContent !== data.article_title;
      if (retitled) heading.textContent = data.article_title;
      say(
        "Paragraph #" +
          element.dataset.position +
          " is now " +
          kind +
          "." +
          (retitled ? " It is the article's title now." : "") +
          (submitted > 0
            ? " Its task keeps its " +
              plural(submitted, "submitted annotation") +
              "; the next task sync closes it " +
              "where " +
              kind +
              " is not annotated."
            : ""),
      );
    } catch (error) {
      say("Could not change the kind: " + error.message, true);
    }
  }

  async function commentsFrom(element) {
    const position = Number(element.dataset.position);
    const affected = paragraphs.slice(paragraphs.indexOf(element));
    const last = affected[affected.length - 1].dataset.position;
    const withWork = affected.filter((p) => Number(p.dataset.submitted || 0) > 0);
    const work = withWork.reduce((sum, p) => sum + Number(p.dataset.submitted), 0);
    const workNote = withWork.length
      ? withWork.length +
        " of them " +
        (withWork.length === 1 ? "has " : "have ") +
        plural(work, "submitted annotation") +
        ". "
      : "None of them has submitted annotations. ";
    const yes = await confirmAction(
      "Mark " + plural(affected.length, "paragraph") + " as comments?",
      "Paragraphs #" +
        position +
        " to #" +
        last +
        " (" +
        plural(affected.length, "paragraph") +
        ") become reader comments, so they are no longer body. " +
        workNote +
        KEEP,
      "Mark as comments",
    );
    if (!yes) {
      say("Nothing was marked.");
      return;
    }
    try {
      const data = await send(root.dataset.markUrl, "POST", { from_position: position });
      for (const p of data.paragraphs) {
        const target = document.getElementById("p-" + p.position);
        if (target) show(target, p, "from here to the end are comments");
      }
      const previous = data.previous || [];
      say(
        data.changed +
          " paragraph(s) from #" +
          position +
          " to the end are now comments." +
          (withWork.length
            ? " " +
              plural(withWork.length, "task") +
              " with work keep their annotations; the next task sync closes them."
            : ""),
        false,
        previous.length ? () => undoComments(position, previous) : null,
      );
    } catch (error) {
      say("Could not mark comments: " + error.message, true);
    }
  }

  // Puts back what the mark replaced, through the API (history: "undo: comments from here").
  async function undoComments(position, previous) {
    try {
      const data = await send(root.dataset.undoUrl, "POST", { paragraphs: previous });
      for (const p of data.paragraphs) {
        const target = document.getElementById("p-" + p.position);
        if (target) show(target, p, "undo: comments from here");
      }
      say(
        "Undone: " +
          plural(data.restored, "paragraph") +
          " from #" +
          position +
          " have their earlier kind again." +
          (data.skipped ? " " + plural(data.skipped, "paragraph") + " changed since were left as they are." : ""),
      );
    } catch (error) {
      say("Could not undo: " + error.message, true);
    }
  }

  function select(element) {
    if (current) current.classList.remove("corp-selected");
    current = element;
    if (!element) return;
    element.classList.add("corp-selected");
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "nearest" });
  }

  const flash = sessionStorage.getItem("corp-flash");
  if (flash) {
    sessionStorage.removeItem("corp-flash");
    say(flash);
  }

  for (const element of paragraphs) {
    element
      .querySelector(".corp-kind-select")
      .addEventListener("change", (event) => setKind(element, event.target.value));
    element.querySelector(".corp-comments-button").addEventListener("click", () => commentsFrom(element));
    element.querySelector(".corp-merge-button")?.addEventListener("click", () => mergeNext(element));
    const split = element.querySelector(".corp-split-button");
    split.addEventListener("mousedown", (event) => event.preventDefault()); // keep the caret where it is
    split.addEventListener("click", () => splitAtCaret(element));
    element.addEventListener("click", (event) => {
      if (!event.target.closest("select,button,summary")) select(element);
    });
  }

  document.addEventListener("keydown", (event) => {
    if (dialog.open || event.target.closest("input,textarea,select") || event.ctrlKey || event.metaKey || event.altKey)
      return;
    const index = current ? paragraphs.indexOf(current) : -1;
    if (event.key === "j") select(paragraphs[Math.min(index + 1, paragraphs.length - 1)]);
    else if (event.key === "k") select(paragraphs[Math.max(index - 1, 0)]);
    else if (current && /^[1-9]$/.test(event.key) && kinds[Number(event.key) - 1])
      setKind(current, kinds[Number(event.key) - 1]);
    else if (current && event.key === "c") commentsFrom(current);
    else if (current && event.key === "m" && current !== paragraphs[paragraphs.length - 1]) mergeNext(current);
    else if (current && event.key === "s") splitAtCaret(current);
    else if (event.key === "u" && undoAction) runUndo();
    else return;
    event.preventDefault();
  });
})();
