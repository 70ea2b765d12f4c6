// The job page's part search: what is typed filters the expected parts on the page at once,
// offline too; online, htmx asks the server for the rest of the catalog (tech:parts).
(function () {
  "use strict";
  const search = document.getElementById("part-search");
  const list = document.querySelector("[data-expected-parts]");
  if (!search || !list) return;
  const found = document.getElementById("part-found");
  const none = list.querySelector(".none-match");
  const expected = [...list.querySelectorAll("label")].filter((label) => !found.contains(label));

  search.addEventListener("input", () => {
    const text = search.value.trim().toLowerCase();
    let shown = 0;
    for (const label of expected) {
      const match = !text || label.textContent.toLowerCase().includes(text);
      label.hidden = !match;
      if (match) shown += 1;
    }
    for (const group of list.querySelectorAll("[data-part-group]")) {
      group.hidden = ![...group.querySelectorAll("label")].some((label) => !label.hidden);
    }
    none.hidden = shown > 0 || !expected.length;
    if (text.length < 2) found.replaceChildren();
  });
  // No connection and no kept answer for this search: say so rather than show nothing.
  search.addEventListener("htmx:sendError", () => {
    const note = document.createElement("p");
    note.textContent = gettext("No connection: only the parts listed here can be searched.");
    found.replaceChildren(note);
  });
})();
