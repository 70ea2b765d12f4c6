// Booking: show only the fields of the kind of job chosen. The others are disabled too, so
// they are not sent; without this script the page shows them all and the server ignores them.
(function () {
  "use strict";
  const form = document.getElementById("job");
  if (!form) return;
  const kind = form.querySelector("[name=kind]");
  const show = () => {
    for (const set of form.querySelectorAll("fieldset[data-kinds]")) {
      const on = set.dataset.kinds.split(" ").includes(kind.value);
      set.hidden = !on;
      set.disabled = !on;
    }
  };
  kind.addEventListener("change", show);
  show();
})();
