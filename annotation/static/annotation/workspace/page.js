/* The page around the task: its state (loading, task, empty, error), title, progress and save status. */

import { config, el, make } from "./dom.js";
import { session } from "./session.js";

export function setState(state) {
  el.ws.dataset.state = state;
  el.task.hidden = state !== "task";
  el.empty.hidden = state !== "empty";
  el.error.hidden = state !== "error";
  if (state === "loading") el.title.textContent = "Loading the next paragraph…";
}

export function setProgress(progress) {
  if (!progress) return;
  const total = progress.done + progress.remaining;
  el.bar.style.width = total ? `${Math.round((100 * progress.done) / total)}%` : "100%";
  el.barText.textContent = `${progress.done} done · ${progress.remaining} remaining`;
  config.progress = progress;
}

/* The next workspace brings fresh figures; until then (or when none is left) count locally. */
export function countFinished() {
  if (!config.progress) return;
  config.progress = { done: config.progress.done + 1, remaining: Math.max(0, config.progress.remaining - 1) };
}

export function setSaveStatus(message, kind) {
  el.saveStatus.textContent = message;
  el.saveStatus.className = "save-status " + (kind || "");
}

/* The article's title, byline, the paragraphs around this one, and the progress. */
export function renderStatic() {
  const ws = session.ws;
  const article = ws.article || {};
  el.title.textContent = article.title || "Untitled article";
  const bits = [];
  if (article.author) bits.push(`By ${article.author}`);
  if (article.published) bits.push(article.published);
  bits.push(`paragraph ${ws.paragraph.position + 1}`);
  el.meta.textContent = bits.join(" · ");
  if (article.source_url && /^https?:\/\//i.test(article.source_url)) {
    const link = make("a", {
      href: article.source_url,
      rel: "noopener noreferrer",
      target: "_blank",
      textContent: "source",
    });
    el.meta.append(" · ", link);
  }
  el.prev.textContent = ws.context && ws.context.previous ? ws.context.previous : "";
  el.prev.hidden = !el.prev.textContent;
  el.next.textContent = ws.context && ws.context.next ? ws.context.next : "";
  el.next.hidden = !el.next.textContent;
  setProgress(ws.progress);
}

export function showEmpty() {
  session.ws = null;
  el.title.textContent = "All done";
  el.meta.textContent = "";
  el.suggestions.hidden = true;
  if (config.progress) config.progress.remaining = 0; // the server just said nothing is left for you
  const done = config.progress ? config.progress.done : null;
  el.emptyDone.textContent =
    done !== null ? `You have finished ${done} paragraph${done === 1 ? "" : "s"} in this project.` : "";
  setProgress(config.progress);
  setState("empty");
}

/* A session that ended (logout elsewhere, expiry) answers 401/403 "credentials": say so, offer to log in. */
export function loggedOut(error) {
  const detail = error && error.payload && error.payload.detail;
  if (!(error.status === 401 || (error.status === 403 && /credentials|authenticat/i.test(detail || "")))) return false;
  el.error.replaceChildren("You are logged out, so nothing more can be saved. ");
  const link = make("a", {
    href: `/accounts/login/?next=${encodeURIComponent(location.pathname)}`,
    textContent: "Log in again",
  });
  el.error.append(link, " — your last saved draft is kept.");
  el.title.textContent = "Logged out";
  setState("error");
  return true;
}

export function showError(error) {
  if (loggedOut(error)) return;
  el.error.textContent = `Could not load a task: ${error.message}`;
  el.title.textContent = "Something went wrong";
  setState("error");
}
