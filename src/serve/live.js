// Injected by `bulletin serve` into the pages it serves (never into built sites): reloads the
// page after a rebuild, and shows the errors of a failed one over the page.
(() => {
  "use strict";
  const events = new EventSource("/__bulletin/events");
  let overlay = null;

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function show(problems) {
    hide();
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alert");
    overlay.id = "bulletin-build-error";
    overlay.style.cssText =
      "position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:2147483647;" +
      "margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#5c0000;" +
      "border-bottom:4px solid #b00020;font:14px/1.5 ui-monospace,monospace;" +
      "box-shadow:0 2px 12px rgba(0,0,0,.3)";
    const title = document.createElement("p");
    title.style.cssText = "margin:0 0 .5rem;font-weight:bold";
    title.textContent =
      "The last change broke the build; this is the last good page. Fix it and the page reloads.";
    overlay.append(title);
    const list = document.createElement("ul");
    list.style.cssText = "margin:0;padding-left:1.25rem";
    for (const problem of problems) {
      const item = document.createElement("li");
      let place = problem.file;
      if (problem.line) place += ":" + problem.line;
      if (problem.line && problem.column) place += ":" + problem.column;
      item.textContent = (place ? place + ": " : "") + problem.message;
      if (problem.hint) {
        const hint = document.createElement("div");
        hint.style.opacity = "0.8";
        hint.textContent = "hint: " + problem.hint;
        item.append(hint);
      }
      list.append(item);
    }
    overlay.append(list);
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.style.cssText = "margin-top:.75rem;font:inherit";
    close.addEventListener("click", hide);
    overlay.append(close);
    document.body.append(overlay);
  }

  events.addEventListener("reload", () => location.reload());
  events.addEventListener("problem", (event) => show(JSON.parse(event.data)));
  events.addEventListener("fixed", hide);
})();
