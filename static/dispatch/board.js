// The day board: drag queued tickets and visit blocks onto technicians' lanes, or open a card
// or block (click, tap, Enter or Space) for its ticket panel, whose forms place it by keyboard
// or finger; keep the board fresh when another dispatcher changes it. The server renders; this
// file only sends what was dropped or submitted and swaps in the HTML it gets back.
(function () {
  "use strict";
  const SNAP_MINUTES = 15;
  const POLL_MS = 5000;

  function csrf() {
    const match = document.cookie.match(/csrftoken=([^;]+)/);
    return match ? match[1] : "";
  }

  function board() { return document.getElementById("board"); }

  function panel() { return document.getElementById("panel"); }

  function swapBoard(html) {
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const fresh = holder.querySelector("#board");
    if (!fresh) return;
    // Keyboard focus on a card or block survives the swap: it moves to the same visit.
    const focused = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("#board [data-visit]") : null;
    board().replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    if (focused) {
      const again = fresh.querySelector('[data-visit="' + focused.dataset.visit + '"][tabindex]');
      if (again) again.focus();
    }
    const dialog = fresh.querySelector("dialog[data-show-modal]");
    if (dialog && dialog.showModal) dialog.showModal();
    document.dispatchEvent(new CustomEvent("board:swapped")); // the day's map draws anew
  }

  async function post(url, data) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf() },
      body: data,
      credentials: "same-origin",
    });
    swapBoard(await response.text());
    return response.ok;
  }

  let opener = null; // the card or block whose panel is open, to give focus back on closing
  let panelRequest = 0; // a panel closed or opened anew meanwhile drops an older answer
  // The ticket last asked for: a refresh after a change re-opens it, not the one still shown
  // while its answer is on the way (a marker clicked right after an assignment).
  let panelTicket = null;

  // Opened from a card or block, the panel takes focus (the place form's technician first
  // for a keyboard); refreshed, it keeps focus only if it had it, never taking it elsewhere.
  async function openPanel(ticket, visit, focusForm, refresh = false) {
    const mine = ++panelRequest;
    panelTicket = ticket;
    const response = await fetch("/dispatch/tickets/" + ticket + "/?day=" +
      board().dataset.day, { credentials: "same-origin" });
    const html = await response.text();
    if (mine !== panelRequest) return;
    const holder = panel();
    const active = document.activeElement;
    const hadFocus = !active || active === document.body || holder.contains(active);
    holder.innerHTML = html;
    if (window.htmx) window.htmx.process(holder);
    if (refresh && !hadFocus) return;
    const field = visit && focusForm
      ? holder.querySelector("#place-technician-" + visit) : null;
    (field || holder.querySelector("h2")).focus();
  }

  function closePanel() {
    panelRequest++;
    panelTicket = null;
    panel().innerHTML = "";
    if (!opener) return;
    const again = board().querySelector('[data-visit="' + opener + '"][tabindex]');
    if (again) again.focus();
    opener = null;
  }

  function startFor(lane, clientX) {
    const el = board();
    const first = Number(el.dataset.startHour);
    const last = Number(el.dataset.endHour);
    const box = lane.getBoundingClientRect();
    const fraction = Math.min(Math.max((clientX - box.left) / box.width, 0), 1);
    let minutes = Math.round((fraction * (last - first) * 60) / SNAP_MINUTES) * SNAP_MINUTES;
    minutes += first * 60;
    const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
    const mm = String(minutes % 60).padStart(2, "0");
    return el.dataset.day + "T" + hh + ":" + mm;
  }

  document.addEventListener("dragstart", (event) => {
    const item = event.target.closest("[data-visit][draggable=true]");
    if (!item) return;
    event.dataTransfer.setData("text/plain", JSON.stringify({
      visit: item.dataset.visit, version: item.dataset.version,
    }));
    event.dataTransfer.effectAllowed = "move";
  });

  document.addEventListener("dragover", (event) => {
    if (event.target.closest(".lane[data-technician]")) event.preventDefault();
  });

  document.addEventListener("drop", (event) => {
    const lane = event.target.closest(".lane[data-technician]");
    if (!lane) return;
    event.preventDefault();
    const dragged = JSON.parse(event.dataTransfer.getData("text/plain") || "{}");
    if (!dragged.visit) return;
    const data = new FormData();
    data.append("visit", dragged.visit);
    data.append("version", dragged.version);
    data.append("technician", lane.dataset.technician);
    data.append("start", startFor(lane, event.clientX));
    post("/dispatch/assign/" + window.location.search, data);
  });

  // After a change made from the panel, the panel shows the ticket as it now is.
  async function refreshPanel() {
    const open = panel().querySelector(".panel[data-ticket]");
    const ticket = panelTicket || (open && open.dataset.ticket);
    if (ticket) await openPanel(ticket, null, false, true);
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-assign]");
    if (!form) return;
    event.preventDefault();
    const ok = await post("/dispatch/assign/" + window.location.search, new FormData(form));
    if (ok) await refreshPanel();
  });

  document.addEventListener("click", async (event) => {
    const unassign = event.target.closest("[data-unassign]");
    if (unassign) {
      const ok = await post(
        "/dispatch/visits/" + unassign.dataset.unassign + "/unassign/", new FormData());
      if (ok) await refreshPanel();
      return;
    }
    if (event.target.closest("[data-close-panel]")) {
      closePanel();
      return;
    }
    const close = event.target.closest("[data-close-dialog]");
    if (close) {
      close.closest("dialog").close();
      return;
    }
    const item = event.target.closest("#board [data-ticket]");
    if (!item) return;
    opener = item.dataset.visit;
    await openPanel(item.dataset.ticket, item.dataset.visit, event.detail === 0);
  });

  // Cards and blocks are buttons: Enter or Space opens the panel, ready to place the visit.
  document.addEventListener("keydown", async (event) => {
    if (event.key === "Escape" && panel().contains(document.activeElement)) {
      closePanel();
      return;
    }
    if (event.key !== "Enter" && event.key !== " ") return;
    const item = event.target.closest("#board [data-ticket][role=button]");
    if (!item || item !== event.target) return;
    event.preventDefault();
    opener = item.dataset.visit;
    await openPanel(item.dataset.ticket, item.dataset.visit, true);
  });

  async function refreshIfChanged() {
    // Never swap the board away under a dispatcher answering its dialog.
    if (document.hidden || board().querySelector("dialog[open]")) return;
    const response = await fetch("/dispatch/board/version/", { credentials: "same-origin" });
    if (!response.ok) return;
    const { version } = await response.json();
    if (version === board().dataset.version) return;
    const params = new URLSearchParams(window.location.search);
    params.set("partial", "1");
    params.set("day", board().dataset.day);
    const fresh = await fetch("/dispatch/?" + params.toString(), { credentials: "same-origin" });
    const html = await fresh.text();
    // A drop answered meanwhile may have opened the dialog: it wins over the refresh.
    if (fresh.ok && !board().querySelector("dialog[open]")) swapBoard(html);
  }

  setInterval(refreshIfChanged, POLL_MS);
})();
