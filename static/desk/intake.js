// The intake page: choosing a search result fills the hidden fields (the preview follows
// through htmx), a listed code joins the typed ones, and the new-address and new-appliance
// forms send the customer and site chosen above them.
// The pick is read in the capture phase: htmx's own "change" listener on the form gathers the
// form's values as the event bubbles through it, and they must hold the pick by then.
document.addEventListener("change", function (event) {
  var pick = event.target.closest("input[data-pick]");
  if (!pick && event.target.closest("input[data-caller]")) {
    // Another of the company's contacts is the caller: the pick already made stays.
    pick = event.target.closest("fieldset").querySelector("input[data-pick]:checked");
  }
  if (!pick) return;
  document.getElementById("id_appliance").value = pick.dataset.appliance || "";
  document.getElementById("id_site").value = pick.dataset.site || "";
  // The company's contact checked beside the pick is who called; a customer found by their
  // own name has none, and clears an earlier one.
  var fieldset = pick.closest("fieldset");
  var caller = fieldset && fieldset.querySelector("input[data-caller]:checked");
  document.getElementById("id_requested_by").value = caller ? caller.dataset.caller : "";
  document.getElementById("chosen").textContent =
    (caller ? caller.dataset.name + ", " : "") + pick.dataset.label;
  // A pick beside the form (a caller just added, or a likely duplicate) refreshes the preview
  // as one inside it does.
  if (!pick.closest("#intake")) htmx.trigger("#intake", "change");
}, true);

document.addEventListener("click", function (event) {
  var code = event.target.closest("[data-code]");
  if (!code) return;
  var input = document.getElementById("id_codes");
  var parts = input.value.split(",").slice(0, -1).map(function (s) { return s.trim(); });
  parts.push(code.dataset.code);
  input.value = parts.filter(Boolean).join(", ") + ", ";
  input.focus();
  document.getElementById("codes").innerHTML = "";
  htmx.trigger("#intake", "change");
});

document.addEventListener("htmx:configRequest", function (event) {
  var form = event.target.closest("form");
  if (!form) return;
  if (form.id === "add-site") {
    var chosen = document.querySelector("input[data-customer]:checked, input[data-pick]:checked");
    event.detail.parameters.customer = chosen ? chosen.dataset.customer : "";
  } else if (form.id === "add-appliance") {
    event.detail.parameters.site = document.getElementById("id_site").value;
  }
});

// A caller just added comes back chosen: pick it as if the agent had, and empty the form so
// that sending it again does not add them twice.
document.addEventListener("htmx:afterSwap", function (event) {
  var chosen = event.target.querySelector("input[data-pick][data-chosen]");
  if (!chosen) return;
  chosen.checked = true;
  chosen.dispatchEvent(new Event("change", { bubbles: true }));
  var form = chosen.closest("form");
  if (form) {
    Array.prototype.forEach.call(form.querySelectorAll("input:not([type=radio]), textarea"), function (input) {
      if (input.name !== "country" && input.name !== "csrfmiddlewaretoken") input.value = "";
    });
  }
});
