// Article page: correct paragraph kinds through the JSON API (PATCH /api/paragraphs/{id}/ and
// POST /api/articles/{id}/mark-comments/), with keyboard shortcuts. No framework needed.
(function () {
  "use strict";
  const root = document.getElementById("article");
  if (!root) return;
  const csrf = root.dataset.csrf;
  const statusLine = document.getElementById("status");
  const paragraphs = Array.from(root.querySelectorAll(".corp-para"));
  const kinds = Array.from(root.querySelector(".corp-kind-select")?.options || []).map((o) => o.value);
  let current = null;

  function say(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("error", Boolean(isError));
  }

  async function send(url, method, body) {
    const response = await fetch(url, {
      method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(Object.values(data).flat().join(" ") || response.statusText);
    return data;
  }

  function show(element, data, note) {
    element.className = element.className.replace(/corp-para-\w+/, "corp-para-" + data.kind);
    element.querySelector(".corp-kind-select").value = data.kind;
    element.querySelector(".corp-source").innerHTML = "set by hand: <span class='corp-reason'></span>";
    element.querySelector(".corp-reason").textContent = data.kind_reason;
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
    try {
      const data = await send(url, "PATCH", {kind});
      show(element, data, "changed by hand");
      say("Paragraph #" + element.dataset.position + " is now " + kind + ".");
    } catch (error) {
      say("Could not change the kind: " + error.message, true);
    }
  }

  async function commentsFrom(element) {
    const position = Number(element.dataset.position);
    try {
      const data = await send(root.dataset.markUrl, "POST", {from_position: position});
      for (const p of data.paragraphs) {
        const target = document.getElementById("p-" + p.position);
        if (target) show(target, p, "from here to the end are comments");
      }
      say(data.changed + " paragraph(s) from #" + position + " to the end are now comments.");
    } catch (error) {
      say("Could not mark comments: " + error.message, true);
    }
  }

  function select(element) {
    if (current) current.classList.remove("corp-selected");
    current = element;
    if (!element) return;
    element.classList.add("corp-selected");
    element.focus({preventScroll: true});
    element.scrollIntoView({block: "nearest"});
  }

  for (const element of paragraphs) {
    element.querySelector(".corp-kind-select").addEventListener("change", (event) => setKind(element, event.target.value));
    element.querySelector(".corp-comments-button").addEventListener("click", () => commentsFrom(element));
    element.addEventListener("click", (event) => { if (!event.target.closest("select,button,summary")) select(element); });
  }

  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input,textarea,select") || event.ctrlKey || event.metaKey || event.altKey) return;
    const index = current ? paragraphs.indexOf(current) : -1;
    if (event.key === "j") select(paragraphs[Math.min(index + 1, paragraphs.length - 1)]);
    else if (event.key === "k") select(paragraphs[Math.max(index - 1, 0)]);
    else if (current && /^[1-9]$/.test(event.key) && kinds[Number(event.key) - 1]) setKind(current, kinds[Number(event.key) - 1]);
    else if (current && event.key === "c") commentsFrom(current);
    else return;
    event.preventDefault();
  });
})();
